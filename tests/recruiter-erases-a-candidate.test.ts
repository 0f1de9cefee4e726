//! User story: a candidate asks to be forgotten; the owner erases them with
//! `functions.invoke("erase-candidate")`, and their resume file is gone from Storage too,
//! deleted by the server (the frontend deletes nothing itself).
//!
//! Against the running stack: the resume goes in through `process-resume` as a recruiter
//! uploads it, the erasure through the gateway, and what is left is checked in Storage
//! (the bytes on disk and the object row), in the database and in the deletion queue.

import { assert, assertEquals } from "./lib/assert.ts";
import { assertApiError, assertOk, invoke, psql, requireFunction, requireStack, serviceClient } from "./lib/mod.ts";
import { corpusFile, newTenant, type Tenant, unique } from "./lib/resumes.ts";

const slot = Number(Deno.env.get("STACK_SLOT") || "0");
const STORAGE_DIR = new URL(`../${slot === 0 ? ".local" : `.local-${slot}`}/storage/resumes/`, import.meta.url).pathname;

async function onDisk(path: string): Promise<boolean> {
  try {
    await Deno.stat(`${STORAGE_DIR}${path}`);
    return true;
  } catch {
    return false;
  }
}

async function objectRows(path: string): Promise<number> {
  const out = await psql(`select count(*) from storage.objects where bucket_id = 'resumes' and name = :'path';`, { path });
  return Number(out.trim());
}

async function queued(path: string): Promise<number> {
  const out = await psql(`select count(*) from private.file_deletions where name = :'path';`, { path });
  return Number(out.trim());
}

/** A candidate made from an uploaded resume: its id and the file's path. */
async function uploadedCandidate(t: Tenant): Promise<{ candidateId: string; path: string }> {
  const form = new FormData();
  form.append("file", new Blob([unique(await corpusFile("amelia-chen-lo-html.pdf"))], { type: "application/pdf" }), "cv.pdf");
  const got = await invoke(t.owner.client, "process-resume", form);
  assertOk(got);
  const candidateId = got.body.candidate_id!;
  assert(candidateId, `a candidate: ${JSON.stringify(got.body)}`);
  const { data, error } = await t.owner.client.from("candidates").select("resume_url").eq("id", candidateId).single();
  assertEquals(error, null);
  const path = data!.resume_url!;
  assert(await onDisk(path), "the upload is in Storage");
  return { candidateId, path };
}

let A: Tenant;
let B: Tenant;
async function tenants() {
  await requireStack();
  await requireFunction("erase-candidate", "build it (scripts/build.sh erase-candidate) and start the stack");
  A ??= await newTenant("erase-a");
  B ??= await newTenant("erase-b");
  return { A, B };
}

Deno.test("the owner erases a candidate and the server deletes the resume file", async () => {
  const { A } = await tenants();
  const { candidateId, path } = await uploadedCandidate(A);

  const got = await invoke(A.owner.client, "erase-candidate", { candidate_id: candidateId });
  assertOk(got);
  assert("files" in got.body, JSON.stringify(got.body));
  assertEquals(got.body.storage_paths, [path]);
  assertEquals(got.body.files, { deleted: [path], pending: [] });
  assertEquals(got.body.removed.candidate, "deleted");
  assertEquals(got.body.removed.resume_jobs, 1);

  assertEquals(await onDisk(path), false, "the bytes are gone");
  assertEquals(await objectRows(path), 0, "the object row is gone");
  assertEquals(await queued(path), 0, "nothing left queued");
  const { data } = await A.owner.client.from("candidates").select("id").eq("id", candidateId);
  assertEquals(data, [], "the candidate is gone");

  const again = await invoke(A.owner.client, "erase-candidate", { candidate_id: candidateId });
  assertApiError(again, 404, "candidate_not_found");
});

Deno.test("another organisation cannot erase the candidate, and the file stays", async () => {
  const { A, B } = await tenants();
  const { candidateId, path } = await uploadedCandidate(A);
  const got = await invoke(B.owner.client, "erase-candidate", { candidate_id: candidateId });
  assertApiError(got, 404, "candidate_not_found");
  assert(await onDisk(path), "A's file is untouched");
  assertEquals(await queued(path), 0);
});

Deno.test("an erasure through the SQL function alone queues the file; the scheduled retry deletes it", async () => {
  const { A } = await tenants();
  const { candidateId, path } = await uploadedCandidate(A);
  const { error } = await A.owner.client.rpc("erase_candidate", { p_candidate_id: candidateId });
  assertEquals(error, null);
  assertEquals(await queued(path), 1, "queued in the erasure's own transaction");
  assert(await onDisk(path), "not yet deleted: nobody called the function");

  const refused = await invoke(A.owner.client, "erase-candidate", { retry_pending: true });
  assertApiError(refused, 403, "insufficient_role");

  const retried = await invoke(serviceClient(), "erase-candidate", { retry_pending: true });
  assertOk(retried);
  assert("deleted" in retried.body && retried.body.deleted >= 1, JSON.stringify(retried.body));
  assertEquals(await onDisk(path), false, "the scheduled retry deleted it");
  assertEquals(await objectRows(path), 0);
  assertEquals(await queued(path), 0);
});
