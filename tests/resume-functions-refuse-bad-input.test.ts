//! User story: whatever a careless or hostile client sends to the resume functions, it
//! gets a clear 4xx in the project's error shape, never a 5xx, and nothing half-written.
//!
//! The same bad-input suite for process-resume, analyze-resume and enrich-candidate,
//! through supabase-js `functions.invoke`: empty body, wrong content type, truncated PDF,
//! an 11 MB file, a storage path of another tenant, an unknown candidate id, a candidate of
//! another tenant, and a few more (arrays, unknown fields, wrong types, no token).

import { assert, assertEquals } from "./lib/assert.ts";
import {
  anonClient,
  assertApiError,
  assertOk,
  functionsUrl,
  invoke,
  invokeRaw,
  requireFunction,
  sql,
} from "./lib/mod.ts";
import { corpusFile, newTenant, pdfOfSize, type Tenant, unique } from "./lib/resumes.ts";

type Options = Parameters<typeof invokeRaw>[2];

let A: Tenant;
let B: Tenant;
let candidateOfB: string;
async function setup() {
  for (const fn of ["process-resume", "analyze-resume", "enrich-candidate"]) {
    await requireFunction(fn, `build it (scripts/build.sh ${fn}) and start the stack (scripts/stack.sh start --test)`);
  }
  A ??= await newTenant("bad-input-a");
  if (!B) {
    B = await newTenant("bad-input-b");
    const form = new FormData();
    form.append("file", new File([unique(await corpusFile("renee-lefevre-groff.pdf"))], "b.pdf", { type: "application/pdf" }));
    const got = await invoke(B.owner.client, "process-resume", form);
    assertOk(got);
    candidateOfB = got.body.candidate_id!;
    const path = `${B.id}/kept.pdf`;
    const { error } = await B.owner.client.storage.from("resumes").upload(path, unique(await corpusFile("renee-lefevre-groff.pdf")), { contentType: "application/pdf", upsert: true });
    assertEquals(error, null);
  }
  return { A, B };
}

function file(bytes: Uint8Array<ArrayBuffer>, name = "cv.pdf"): FormData {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type: "application/pdf" }));
  return form;
}

async function truncated(): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await corpusFile("amelia-chen-lo-html.pdf");
  return unique(bytes.slice(0, Math.floor(bytes.length / 4)));
}

const ELEVEN_MB = 11 * 1024 * 1024;

interface Case {
  what: string;
  options: () => Promise<Options> | Options;
  status: number;
  code?: string;
}

async function suite(fn: string, cases: Case[]) {
  const { A } = await setup();
  const jobs = async () => (await sql(`select count(*)::int as n from public.resume_jobs where tenant_id = :'t'`, { t: A.id }))[0].n as number;
  const before = await jobs();
  let recorded = 0;
  for (const c of cases) {
    const got = await invokeRaw(A.owner.client, fn, await c.options()).catch((e) => {
      throw new Error(`${fn}, ${c.what}: ${e}`);
    });
    assert(got.status < 500, `${fn}, ${c.what}: never a 5xx, got ${got.status} ${JSON.stringify(got.body)}`);
    assertApiError(got, c.status, c.code);
    if (got.body?.error?.details?.job_id) recorded++;
  }
  assertEquals(await jobs(), before + recorded, `${fn}: a job exists only where a failed step was recorded on it`);
}

Deno.test("process-resume refuses bad input with 4xx", async () => {
  const { B } = await setup();
  await suite("process-resume", [
    { what: "empty body", options: () => ({ body: "" }), status: 400, code: "body_required" },
    { what: "wrong content type", options: () => ({ body: "my resume", headers: { "Content-Type": "text/plain" } }), status: 415, code: "unsupported_media_type" },
    { what: "a raw PDF body (not multipart)", options: async () => ({ body: new Blob([await corpusFile("amelia-chen-lo-html.pdf")], { type: "application/pdf" }) }), status: 415 },
    { what: "truncated PDF", options: async () => ({ body: file(await truncated()) }), status: 422, code: "corrupt_pdf" },
    { what: "11 MB file", options: () => ({ body: file(pdfOfSize(ELEVEN_MB)) }), status: 413, code: "payload_too_large" },
    { what: "a file that is not a PDF", options: () => ({ body: file(new TextEncoder().encode("hello, I am a .txt") as Uint8Array<ArrayBuffer>, "cv.txt") }), status: 415 },
    { what: "an empty file", options: () => ({ body: file(new Uint8Array(0)) }), status: 400, code: "empty_file" },
    { what: "a form without the file", options: () => { const f = new FormData(); f.append("other", "x"); return { body: f }; }, status: 400, code: "file_required" },
    { what: "storage path of another tenant", options: () => ({ body: { storage_path: `${B.id}/kept.pdf` } }), status: 403, code: "path_outside_tenant" },
    { what: "storage path escaping the folder", options: () => ({ body: { storage_path: `${A.id}/../${B.id}/kept.pdf` } }), status: 400, code: "invalid_path" },
    { what: "storage path that does not exist", options: () => ({ body: { storage_path: `${A.id}/${crypto.randomUUID()}.pdf` } }), status: 404, code: "file_not_found" },
    { what: "unknown candidate id (wrong function's input)", options: () => ({ body: { candidate_id: crypto.randomUUID() } }), status: 400, code: "invalid_body" },
    { what: "a JSON array", options: () => ({ body: [1, 2] as unknown as Record<string, unknown> }), status: 400, code: "invalid_body" },
    { what: "an unknown extractor", options: () => ({ body: { storage_path: `${A.id}/x.pdf`, extractor: "ocrmagic" } }), status: 400, code: "invalid_extractor" },
  ]);
});

Deno.test("analyze-resume refuses bad input with 4xx", async () => {
  const { B } = await setup();
  await suite("analyze-resume", [
    { what: "empty body", options: () => ({ body: "" }), status: 400, code: "body_required" },
    { what: "wrong content type", options: () => ({ body: "resume text", headers: { "Content-Type": "text/plain" } }), status: 415, code: "unsupported_media_type" },
    { what: "truncated PDF", options: async () => ({ body: file(await truncated()) }), status: 415 },
    { what: "11 MB file", options: () => ({ body: file(pdfOfSize(ELEVEN_MB)) }), status: 413, code: "payload_too_large" },
    { what: "storage path of another tenant", options: () => ({ body: { storage_path: `${B.id}/kept.pdf` } }), status: 400, code: "invalid_body" },
    { what: "unknown job id", options: () => ({ body: { job_id: crypto.randomUUID() } }), status: 404, code: "job_not_found" },
    { what: "candidate id instead of text", options: () => ({ body: { candidate_id: candidateOfB } }), status: 400, code: "invalid_body" },
    { what: "blank text", options: () => ({ body: { text: "   " } }), status: 400, code: "text_required" },
    { what: "text and job id", options: () => ({ body: { text: "x", job_id: crypto.randomUUID() } }), status: 400, code: "text_required" },
    { what: "text too long", options: () => ({ body: { text: "x".repeat(200_001) } }), status: 422, code: "text_too_long" },
    { what: "a number as text", options: () => ({ body: { text: 42 } }), status: 400, code: "invalid_body" },
  ]);
});

Deno.test("enrich-candidate refuses bad input with 4xx", async () => {
  await setup();
  await suite("enrich-candidate", [
    { what: "empty body", options: () => ({ body: "" }), status: 400, code: "body_required" },
    { what: "wrong content type", options: () => ({ body: "candidate", headers: { "Content-Type": "text/plain" } }), status: 415, code: "unsupported_media_type" },
    { what: "truncated PDF", options: async () => ({ body: file(await truncated()) }), status: 415 },
    { what: "11 MB file", options: () => ({ body: file(pdfOfSize(ELEVEN_MB)) }), status: 413, code: "payload_too_large" },
    { what: "storage path of another tenant", options: () => ({ body: { storage_path: `${B.id}/kept.pdf` } }), status: 400, code: "invalid_body" },
    { what: "unknown candidate id", options: () => ({ body: { candidate_id: crypto.randomUUID() } }), status: 404, code: "candidate_not_found" },
    { what: "candidate of another tenant", options: () => ({ body: { candidate_id: candidateOfB } }), status: 404, code: "candidate_not_found" },
    { what: "not a uuid", options: () => ({ body: { candidate_id: "1 or 1=1" } }), status: 400, code: "invalid_body" },
    { what: "a JSON array", options: () => ({ body: [candidateOfB] as unknown as Record<string, unknown> }), status: 400, code: "invalid_body" },
  ]);
  const { data } = await B.owner.client.from("candidate_profiles").select("enrichment_status").eq("candidate_id", candidateOfB);
  assertEquals(data, [{ enrichment_status: "not_configured" }], "B's candidate's profile is only the one B's own upload recorded");
});

Deno.test("no token or the anon key: 401 from every resume function, before anything runs", async () => {
  const { A } = await setup();
  const bodies: Record<string, Record<string, unknown>> = {
    "process-resume": { storage_path: `${A.id}/x.pdf` },
    "analyze-resume": { text: "Ada Lovelace" },
    "enrich-candidate": { candidate_id: crypto.randomUUID() },
  };
  for (const [fn, body] of Object.entries(bodies)) {
    assertApiError(await invokeRaw(anonClient(), fn, { body }), 401, "sign_in_required");
    const res = await fetch(`${functionsUrl}/${fn}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    assertEquals(res.status, 401, `${fn}: no token (the platform's verify_jwt)`);
    await res.body?.cancel();
  }
});
