//! The bytes: one file per object under STORAGE_DIR (`<DIR>/<bucket>/<path>`). An upload
//! is written to a temporary name first and moved into place only once its row is in
//! (operations.ts), so a refused upload leaves nothing behind.

import { DIR } from "./config.ts";

const filePath = (bucket: string, name: string) => `${DIR}/${bucket}/${name}`;

/** The directory the store lives in, made if missing (at start). */
export async function openStore(): Promise<string> {
  await Deno.mkdir(DIR, { recursive: true });
  return DIR;
}

/** Write `bytes` under a temporary name; `place` or `discard` it after. */
export async function stage(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  await Deno.mkdir(`${DIR}/.tmp`, { recursive: true });
  const tmp = `${DIR}/.tmp/${crypto.randomUUID()}`;
  await Deno.writeFile(tmp, bytes);
  return tmp;
}

/** Move a staged file into place as the object's bytes (replacing any before). */
export async function place(tmp: string, bucket: string, name: string): Promise<void> {
  const target = filePath(bucket, name);
  await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
  await Deno.rename(tmp, target);
}

/** The object's bytes, or null when there is no file. */
export async function readObject(bucket: string, name: string): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    return await Deno.readFile(filePath(bucket, name));
  } catch {
    return null;
  }
}

/** Remove the object's file; one already gone is fine. */
export function removeObject(bucket: string, name: string): Promise<void> {
  return removeFile(filePath(bucket, name));
}

/** Remove a staged file that will not be placed. */
export function discard(tmp: string): Promise<void> {
  return removeFile(tmp);
}

async function removeFile(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) console.error(`[storage] remove ${path}: ${e}`);
  }
}
