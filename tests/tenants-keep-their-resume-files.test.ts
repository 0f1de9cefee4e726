//! User story: a recruiter keeps resume files in the `resumes` bucket, and another
//! organisation can neither see nor touch them.
//!
//! Drives the local Storage API (local/storage/server.ts) through supabase-js
//! `storage.from("resumes")` exactly as the frontend does: upload (raw and FormData),
//! upsert, download, info/exists, list, remove, with the owner, admin and plain user of
//! tenant A, the owner of tenant B, and a signed-out visitor. What is allowed and what is
//! refused comes from the storage.objects policies of the migrations (tenant folder = first
//! path segment), because the Storage API writes and reads the metadata row as the caller;
//! the bucket's own limits (10 MiB, application/pdf) are enforced before anything is kept.

import { assert, assertEquals } from "./lib/assert.ts";
import { anonClient, config, requireStack } from "./lib/mod.ts";
import { addMember, corpusFile, newTenant, pdfOfSize, type Tenant, unique } from "./lib/resumes.ts";

const BUCKET = "resumes";
// Where the Storage API keeps the bytes of this slot (scripts/stack.sh: .local[-N]/storage).
const slot = Number(Deno.env.get("STACK_SLOT") || "0");
const STORAGE_DIR = new URL(`../${slot === 0 ? ".local" : `.local-${slot}`}/storage/`, import.meta.url).pathname;

// deno-lint-ignore no-explicit-any
function statusOf(error: any): string | undefined {
  // StorageApiError keeps the body's statusCode (storage answers its 4xx as HTTP 400).
  return error?.statusCode ?? (error?.status ? String(error.status) : undefined);
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(`${STORAGE_DIR}${BUCKET}/${path}`);
    return true;
  } catch {
    return false;
  }
}

let A: Tenant;
let B: Tenant;
async function tenants() {
  await requireStack();
  A ??= await newTenant("files-a");
  B ??= await newTenant("files-b");
  return { A, B };
}

Deno.test("the owner uploads a PDF into the tenant's folder and reads it back", async () => {
  const { A } = await tenants();
  const bytes = unique(await corpusFile("amelia-chen-lo-html.pdf"));
  const path = `${A.id}/cv-${crypto.randomUUID()}.pdf`;
  const { data, error } = await A.owner.client.storage.from(BUCKET).upload(path, bytes, {
    contentType: "application/pdf",
  });
  assertEquals(error, null, "upload");
  assertEquals(data?.path, path);
  assertEquals(data?.fullPath, `${BUCKET}/${path}`, "Key is <bucket>/<path>");
  assert(typeof data?.id === "string" && data.id.length === 36, `Id is the object's uuid: ${JSON.stringify(data)}`);
  assert(await fileExists(path), "the bytes are on disk");

  const { data: blob, error: readError } = await A.owner.client.storage.from(BUCKET).download(path);
  assertEquals(readError, null, "download");
  assertEquals(new Uint8Array(await blob!.arrayBuffer()), bytes, "the same bytes come back");
  assertEquals(blob!.type, "application/pdf");

  const { data: info, error: infoError } = await A.owner.client.storage.from(BUCKET).info(path);
  assertEquals(infoError, null, "info");
  assertEquals(info?.size, bytes.byteLength);
  assertEquals(info?.contentType, "application/pdf");
  const { data: exists } = await A.owner.client.storage.from(BUCKET).exists(path);
  assertEquals(exists, true);
});

Deno.test("a File (multipart) upload works as a raw one", async () => {
  const { A } = await tenants();
  const bytes = unique(await corpusFile("jose-muller-lo-fodt.pdf"));
  const path = `${A.id}/form-${crypto.randomUUID()}.pdf`;
  const file = new File([bytes], "cv.pdf", { type: "application/pdf" });
  const { error } = await A.owner.client.storage.from(BUCKET).upload(path, file);
  assertEquals(error, null, "upload of a File");
  const { data } = await A.owner.client.storage.from(BUCKET).download(path);
  assertEquals(new Uint8Array(await data!.arrayBuffer()), bytes);
});

Deno.test("another tenant cannot read, list, overwrite or remove the files, nor plant one", async () => {
  const { A, B } = await tenants();
  const path = `${A.id}/private-${crypto.randomUUID()}.pdf`;
  const bytes = unique(await corpusFile("amelia-chen-lo-html.pdf"));
  assertEquals((await A.owner.client.storage.from(BUCKET).upload(path, bytes, { contentType: "application/pdf" })).error, null);

  const read = await B.owner.client.storage.from(BUCKET).download(path);
  assertEquals(statusOf(read.error), "404", "B reads nothing: the object does not exist for B");
  const { data: exists } = await B.owner.client.storage.from(BUCKET).exists(path);
  assertEquals(exists, false);
  const listed = await B.owner.client.storage.from(BUCKET).list(A.id);
  assertEquals(listed.error, null);
  assertEquals(listed.data, [], "B lists nothing in A's folder");

  const overwrite = await B.owner.client.storage.from(BUCKET).upload(path, pdfOfSize(1000), {
    contentType: "application/pdf",
    upsert: true,
  });
  assertEquals(statusOf(overwrite.error), "403", "B cannot upsert over A's file");
  const plant = await B.owner.client.storage.from(BUCKET).upload(`${A.id}/planted.pdf`, pdfOfSize(1000), {
    contentType: "application/pdf",
  });
  assertEquals(statusOf(plant.error), "403", "B cannot put a file into A's folder");
  assertEquals(plant.error?.message, "new row violates row-level security policy");

  const removed = await B.owner.client.storage.from(BUCKET).remove([path]);
  assertEquals(removed.error, null);
  assertEquals(removed.data, [], "B removes nothing");
  const still = await A.owner.client.storage.from(BUCKET).download(path);
  assertEquals(new Uint8Array(await still.data!.arrayBuffer()), bytes, "A's file is untouched");
  assert(!(await fileExists(`${A.id}/planted.pdf`)), "nothing planted on disk");
});

Deno.test("roles: admins upload and replace but only owners remove; plain users only read", async () => {
  const { A } = await tenants();
  const admin = await addMember(A, "admin");
  const user = await addMember(A, "user");
  const path = `${A.id}/roles-${crypto.randomUUID()}.pdf`;
  const first = unique(await corpusFile("amelia-chen-lo-html.pdf"));

  const byUser = await user.client.storage.from(BUCKET).upload(path, first, { contentType: "application/pdf" });
  assertEquals(statusOf(byUser.error), "403", "a plain user cannot upload");
  assertEquals((await admin.client.storage.from(BUCKET).upload(path, first, { contentType: "application/pdf" })).error, null, "an admin uploads");
  const again = await admin.client.storage.from(BUCKET).upload(path, first, { contentType: "application/pdf" });
  assertEquals(statusOf(again.error), "409", "the same path again without upsert is a duplicate");
  assertEquals(again.error?.message, "The resource already exists");

  const second = unique(await corpusFile("jose-muller-lo-fodt.pdf"));
  const replaced = await admin.client.storage.from(BUCKET).upload(path, second, { contentType: "application/pdf", upsert: true });
  assertEquals(replaced.error, null, "an admin replaces with upsert");
  const read = await user.client.storage.from(BUCKET).download(path);
  assertEquals(new Uint8Array(await read.data!.arrayBuffer()), second, "a plain user reads the new bytes");

  assertEquals((await admin.client.storage.from(BUCKET).remove([path])).data, [], "an admin removes nothing");
  assertEquals((await user.client.storage.from(BUCKET).remove([path])).data, [], "a plain user removes nothing");
  assert(await fileExists(path));
  const removed = await A.owner.client.storage.from(BUCKET).remove([path]);
  assertEquals(removed.error, null);
  assertEquals(removed.data?.map((o: { name: string }) => o.name), [path], "the owner removes it");
  assert(!(await fileExists(path)), "its bytes are gone");
  assertEquals(statusOf((await A.owner.client.storage.from(BUCKET).download(path)).error), "404");
});

Deno.test("the bucket's limits: PDF only, at most 10 MiB, checked before anything is kept", async () => {
  const { A } = await tenants();
  const notPdf = await A.owner.client.storage.from(BUCKET).upload(`${A.id}/notes.txt`, "hello", { contentType: "text/plain" });
  assertEquals(statusOf(notPdf.error), "415");
  assertEquals(notPdf.error?.message, "mime type text/plain is not supported");

  const path = `${A.id}/big-${crypto.randomUUID()}.pdf`;
  const big = await A.owner.client.storage.from(BUCKET).upload(path, pdfOfSize(11 * 1024 * 1024), { contentType: "application/pdf" });
  assertEquals(statusOf(big.error), "413", "11 MB is over the bucket's 10 MiB");
  const exactly = await A.owner.client.storage.from(BUCKET).upload(path, pdfOfSize(10 * 1024 * 1024), { contentType: "application/pdf" });
  assertEquals(exactly.error, null, "10 MiB exactly is allowed");
  const { data: info } = await A.owner.client.storage.from(BUCKET).info(path);
  assertEquals(info?.size, 10 * 1024 * 1024);
  await A.owner.client.storage.from(BUCKET).remove([path]);
});

Deno.test("list shows one level of the tenant's folder, with folders", async () => {
  const { A } = await tenants();
  const folder = `${A.id}/batch-${crypto.randomUUID().slice(0, 8)}`;
  for (const name of ["b.pdf", "a.pdf", "sub/c.pdf"]) {
    const { error } = await A.owner.client.storage.from(BUCKET).upload(`${folder}/${name}`, pdfOfSize(2000), { contentType: "application/pdf" });
    assertEquals(error, null, name);
  }
  const { data, error } = await A.owner.client.storage.from(BUCKET).list(folder);
  assertEquals(error, null);
  assertEquals(data!.map((e) => [e.name, e.id === null]), [["a.pdf", false], ["b.pdf", false], ["sub", true]]);
  assertEquals((data![0].metadata as Record<string, unknown>).size, 2000);
  const desc = await A.owner.client.storage.from(BUCKET).list(folder, { sortBy: { column: "name", order: "desc" }, limit: 2 });
  assertEquals(desc.data!.map((e) => e.name), ["sub", "b.pdf"]);
  const searched = await A.owner.client.storage.from(BUCKET).list(folder, { search: "b" });
  assertEquals(searched.data!.map((e) => e.name), ["b.pdf"]);
});

Deno.test("a signed-out visitor gets nothing", async () => {
  const { A } = await tenants();
  const path = `${A.id}/anon-${crypto.randomUUID()}.pdf`;
  assertEquals((await A.owner.client.storage.from(BUCKET).upload(path, pdfOfSize(1000), { contentType: "application/pdf" })).error, null);
  const anon = anonClient();
  assertEquals(statusOf((await anon.storage.from(BUCKET).download(path)).error), "404");
  assertEquals(statusOf((await anon.storage.from(BUCKET).upload(`${A.id}/x.pdf`, pdfOfSize(1000), { contentType: "application/pdf" })).error), "403");
  assertEquals((await anon.storage.from(BUCKET).list(A.id)).data, []);
});

Deno.test("errors have Storage's shape: HTTP 400 with statusCode, error and message", async () => {
  const { A } = await tenants();
  const res = await fetch(`${config.apiUrl}/storage/v1/object/authenticated/${BUCKET}/${A.id}/missing.pdf`, {
    headers: { authorization: `Bearer ${A.owner.token}` },
  });
  assertEquals(res.status, 400);
  const body = await res.json();
  assertEquals([body.statusCode, body.error, body.message], ["404", "not_found", "Object not found"]);
  const bad = await fetch(`${config.apiUrl}/storage/v1/object/authenticated/${BUCKET}/${A.id}/x.pdf`, {
    headers: { authorization: "Bearer not.a.jwt" },
  });
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error, "InvalidJWT");
  const noBucket = await fetch(`${config.apiUrl}/storage/v1/object/nope/${A.id}/x.pdf`, {
    method: "POST",
    headers: { authorization: `Bearer ${A.owner.token}`, "content-type": "application/pdf" },
    body: pdfOfSize(100),
  });
  assertEquals((await noBucket.json()).statusCode, "404");
  // The gateway resolves `..` itself; the Storage API refuses such keys on its own too.
  const storagePort = Number(Deno.env.get("STORAGE_PORT") || String(54332 + slot * 1000));
  for (const base of [`${config.apiUrl}/storage/v1`, `http://127.0.0.1:${storagePort}`]) {
    const escape = await fetch(`${base}/object/${BUCKET}/${A.id}/..%2F..%2Fetc%2Fpasswd`, {
      method: "POST",
      headers: { authorization: `Bearer ${A.owner.token}`, "content-type": "application/pdf" },
      body: pdfOfSize(100),
    });
    assertEquals(escape.status, 400, base);
    assert(["InvalidKey", "Bucket not found"].includes((await escape.json()).error), `${base}: refused`);
  }
  const direct = await fetch(`http://127.0.0.1:${storagePort}/object/${BUCKET}/${A.id}/..%2F..%2Fetc%2Fpasswd`, {
    method: "POST",
    headers: { authorization: `Bearer ${A.owner.token}`, "content-type": "application/pdf" },
    body: pdfOfSize(100),
  });
  assertEquals((await direct.json()).error, "InvalidKey", "no key leaves the storage directory");
});
