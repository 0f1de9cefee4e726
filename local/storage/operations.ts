//! The operations, one per route (server.ts): each takes the request and answers it,
//! the row through rows.ts (as the caller, so the policies decide) and the bytes through
//! files.ts. An upload checks the bucket's limits before anything is written, writes the
//! bytes to a temporary name, lets the row decide, and only then moves the bytes into place.

import { GLOBAL_LIMIT } from "./config.ts";
import { discard, place, readObject, removeObject, stage } from "./files.ts";
import { CORS, errors, json, KEY_CHARS } from "./protocol.ts";
import {
  bucketOf,
  callerOf,
  deleteObjects,
  insertObject,
  objectRow,
  objectsUnder,
  type ObjectRow,
  SERVICE,
  updateObject,
} from "./rows.ts";
import { mimeAllowed, readUpload, sha256 } from "./upload.ts";

export async function upload(req: Request, bucketId: string, key: string, mode: "create" | "upsert" | "update"): Promise<Response> {
  const caller = await callerOf(req);
  const bucket = await bucketOf(bucketId);
  const limit = Math.min(GLOBAL_LIMIT, bucket.file_size_limit ?? GLOBAL_LIMIT);
  const file = await readUpload(req, limit);
  if (!mimeAllowed(file.mimetype, bucket.allowed_mime_types)) throw errors.mime(file.mimetype);

  const now = new Date().toISOString();
  const metadata = {
    eTag: `"${await sha256(file.bytes)}"`,
    size: file.bytes.byteLength,
    mimetype: file.mimetype,
    cacheControl: file.cacheControl,
    lastModified: now,
    contentLength: file.bytes.byteLength,
    httpStatusCode: 200,
  };
  // Bytes first, to a temporary name; the row decides; then the bytes move into place.
  const tmp = await stage(file.bytes);
  try {
    let rows: ObjectRow[];
    if (mode === "update") {
      rows = await updateObject(caller, bucketId, key, metadata, now);
      if (rows.length === 0) throw errors.noSuchKey();
    } else {
      const row = { bucket_id: bucketId, name: key, owner: caller.owner, owner_id: caller.owner, metadata };
      rows = await insertObject(caller, row, mode === "upsert", now);
    }
    await place(tmp, bucketId, key);
    return json(200, { Key: `${bucketId}/${key}`, Id: rows[0]?.id });
  } catch (e) {
    await discard(tmp);
    throw e;
  }
}

export async function download(req: Request, bucketId: string, key: string, asPublic: boolean): Promise<Response> {
  let row: ObjectRow;
  if (asPublic) {
    const bucket = await bucketOf(bucketId);
    if (!bucket.public) throw errors.noSuchBucket();
    row = await objectRow(SERVICE, bucketId, key);
  } else {
    row = await objectRow(await callerOf(req), bucketId, key);
  }
  const bytes = await readObject(bucketId, key);
  if (bytes === null) throw errors.noSuchKey();
  const meta = row.metadata ?? {};
  const headers: Record<string, string> = {
    ...CORS,
    "content-type": String(meta.mimetype ?? "application/octet-stream"),
    "content-length": String(bytes.byteLength),
    "cache-control": String(meta.cacheControl ?? "max-age=3600"),
    "last-modified": new Date(row.updated_at ?? Date.now()).toUTCString(),
  };
  if (meta.eTag) headers.etag = String(meta.eTag);
  const asAttachment = new URL(req.url).searchParams.get("download");
  if (asAttachment !== null) {
    const name = asAttachment || key.slice(key.lastIndexOf("/") + 1);
    headers["content-disposition"] = `attachment; filename="${name.replace(/"/g, "")}"`;
  }
  return new Response(req.method === "HEAD" ? null : bytes, { status: 200, headers });
}

export async function info(req: Request, bucketId: string, key: string): Promise<Response> {
  const row = await objectRow(await callerOf(req), bucketId, key);
  const meta = row.metadata ?? {};
  return json(200, {
    id: row.id,
    name: row.name,
    version: row.version,
    bucket_id: row.bucket_id,
    size: meta.size ?? null,
    content_type: meta.mimetype ?? null,
    cache_control: meta.cacheControl ?? null,
    etag: meta.eTag ?? null,
    metadata: row.metadata,
    last_modified: row.updated_at,
    created_at: row.created_at,
  });
}

export async function removeMany(req: Request, bucketId: string): Promise<Response> {
  const caller = await callerOf(req);
  let body: { prefixes?: unknown };
  try {
    body = await req.json();
  } catch {
    throw errors.invalid("body must be JSON {prefixes: string[]}");
  }
  const prefixes = body?.prefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.length > 1000 || prefixes.some((p) => typeof p !== "string")) {
    throw errors.invalid("prefixes must be an array of 1 to 1000 object paths");
  }
  const keys = (prefixes as string[]).filter((k) => KEY_CHARS.test(k) && !k.includes('"'));
  if (keys.length === 0) return json(200, []);
  // As the caller: RLS decides which of them go.
  const rows = await deleteObjects(caller, bucketId, keys);
  for (const row of rows) await removeObject(bucketId, row.name);
  return json(200, rows);
}

export async function removeOne(req: Request, bucketId: string, key: string): Promise<Response> {
  const caller = await callerOf(req);
  const rows = await deleteObjects(caller, bucketId, [key]);
  if (rows.length === 0) throw errors.noSuchKey();
  await removeObject(bucketId, key);
  return json(200, { message: "Successfully deleted" });
}

interface ListOptions {
  prefix?: string;
  limit?: number;
  offset?: number;
  sortBy?: { column?: string; order?: string };
  search?: string;
}

const SORTABLE = ["name", "created_at", "updated_at", "last_accessed_at"] as const;

export async function list(req: Request, bucketId: string): Promise<Response> {
  const caller = await callerOf(req);
  let opts: ListOptions;
  try {
    opts = (await req.json()) ?? {};
  } catch {
    throw errors.invalid("body must be JSON");
  }
  const folder = (opts.prefix ?? "").replace(/^\/+|\/+$/g, "");
  const prefix = folder ? `${folder}/` : "";
  const limit = Math.min(Math.max(Number(opts.limit ?? 100) || 100, 1), 1000);
  const offset = Math.max(Number(opts.offset ?? 0) || 0, 0);
  const column = SORTABLE.find((c) => c === opts.sortBy?.column) ?? "name";
  const desc = String(opts.sortBy?.order ?? "asc").toLowerCase() === "desc";
  const search = (opts.search ?? "").toLowerCase();

  const rows = await objectsUnder(caller, bucketId, prefix);
  const entries = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    if (!row.name.startsWith(prefix)) continue;
    const below = row.name.slice(prefix.length);
    const slash = below.indexOf("/");
    const name = slash === -1 ? below : below.slice(0, slash);
    if (!name.toLowerCase().startsWith(search)) continue;
    if (slash !== -1) {
      entries.set(`d:${name}`, { name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null });
    } else {
      entries.set(`f:${name}`, {
        name,
        id: row.id,
        updated_at: row.updated_at,
        created_at: row.created_at,
        last_accessed_at: row.last_accessed_at,
        metadata: row.metadata,
      });
    }
  }
  const sorted = [...entries.values()].sort((a, b) => {
    const x = String(a[column] ?? ""), y = String(b[column] ?? "");
    const c = x < y ? -1 : x > y ? 1 : 0;
    return desc ? -c : c;
  });
  return json(200, sorted.slice(offset, offset + limit));
}
