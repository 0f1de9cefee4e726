//! User story: a recruiter uploads resumes that are not easy — a scan, a locked or broken
//! file, not a PDF at all — and resumes arrive while a vendor has a bad minute. Each ends
//! in a clear answer and a recorded job state; a vendor outage never becomes a 5xx, and
//! sending the same file again continues from the failed step instead of starting over.
//!
//! Through supabase-js `functions.invoke("process-resume")`, with the vendors' contract
//! fakes (tests/fakes) switched on for process-resume only while a test needs them
//! (`withFunctionEnv`, `vendorKeys`): PDF.co for OCR, People Data Labs for enrichment,
//! OpenAI for the analysis.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  assertApiError,
  assertOk,
  type FunctionErrorCode,
  invoke,
  psql,
  requireFunction,
  sql,
  withFunctionEnv,
} from "./lib/mod.ts";
import { corpusFile, newTenant, type Tenant, truthOf, unique } from "./lib/resumes.ts";
import { chat, pdfco, pdlErrors, startOpenAiFake, startPdfCoFake, startPdlFake, vendorKeys } from "./fakes/mod.ts";

const FN = "process-resume";

let A: Tenant;
async function tenant() {
  await requireFunction(FN, "build it (scripts/build.sh process-resume) and start the stack (scripts/stack.sh start --test)");
  A ??= await newTenant("goes-wrong");
  return A;
}

function upload(bytes: Uint8Array<ArrayBuffer>, name = "resume.pdf", extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type: "application/pdf" }));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return invoke(A.owner.client, FN, form);
}

interface JobRow {
  status: string;
  failed_step: string | null;
  error: string | null;
  attempts: number;
  candidate_id: string | null;
  extractor: string | null;
  analyzer: string | null;
  enrichment: string | null;
  // deno-lint-ignore no-explicit-any
  steps: any[];
}

async function job(id: string): Promise<JobRow> {
  const { data, error } = await A.owner.client.from("resume_jobs")
    .select("status, failed_step, error, attempts, candidate_id, extractor, analyzer, enrichment, steps")
    .eq("id", id).single();
  assertEquals(error, null, "the tenant reads its job");
  return data as JobRow;
}

async function candidateCount(): Promise<number> {
  const { count } = await A.owner.client.from("candidates").select("id", { count: "exact", head: true });
  return count ?? 0;
}

const OCR_TEXT = "Ola Nordmann\nola.nordmann@example.no | +47 912 34 567 | Oslo, Norway\n\nSKILLS\nRust, PostgreSQL, Kubernetes\n\nEXPERIENCE\nBackend Engineer, Fjord Data\nJan 2020 - Present\nBuilt the billing service.\n";

// ---- the file's own problems --------------------------------------------------------

Deno.test("a scan with no text layer and no OCR configured is 422 no_text_layer: job failed, no candidate", async () => {
  await tenant();
  const before = await candidateCount();
  const got = await upload(unique(await corpusFile("scanned-image-only.pdf")), "scan.pdf");
  assertApiError(got, 422, "no_text_layer");
  const details = got.body.error.details as { step: string; job_id: string };
  assertEquals(details.step, "extracting");
  const j = await job(details.job_id);
  assertEquals([j.status, j.failed_step, j.candidate_id], ["failed", "extracting", null]);
  assert(j.error!.startsWith("no_text_layer"), j.error!);
  assertEquals(await candidateCount(), before, "no empty candidate");
});

Deno.test("encrypted, truncated, corrupt and non-PDF files are clear 4xx", async () => {
  await tenant();
  const amelia = await corpusFile("amelia-chen-lo-html.pdf");
  const cases: [string, Uint8Array<ArrayBuffer>, number, FunctionErrorCode<typeof FN>][] = [
    ["password-protected", unique(await corpusFile("locked-user-password.pdf")), 422, "encrypted_pdf"],
    ["truncated to a third", unique(amelia.slice(0, Math.floor(amelia.length / 3))), 422, "corrupt_pdf"],
    ["a header and nothing else", unique(new TextEncoder().encode("%PDF-1.7\n%%EOF\n")), 422, "corrupt_pdf"],
    ["a PNG", unique(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])), 415, "unsupported_media_type"],
  ];
  for (const [what, bytes, status, code] of cases) {
    const got = await upload(bytes, `${what}.pdf`);
    assertApiError(got, status, code);
    if (status === 422) {
      const j = await job((got.body.error.details as { job_id: string }).job_id);
      assertEquals([j.status, j.failed_step], ["failed", "extracting"], what);
    }
  }
});

Deno.test("owner-locked PDFs (no user password) are read like any other", async () => {
  await tenant();
  const got = await upload(unique(await corpusFile("kenji-tanaka-reportlab-owner-locked.pdf")));
  assertOk(got);
  const { data } = await A.owner.client.from("candidates").select("full_name").eq("id", got.body.candidate_id).single();
  assertEquals(data!.full_name, "Kenji Tanaka");
});

// ---- PDF.co ------------------------------------------------------------------------

Deno.test("with PDF.co, a scan is read by OCR; an outage fails extracting and the retry extracts", async () => {
  await tenant();
  await using fake = startPdfCoFake();
  await withFunctionEnv(FN, vendorKeys("pdfco"), async () => {
    fake.setText(OCR_TEXT);
    const scan = unique(await corpusFile("scanned-image-only.pdf"));
    const got = await upload(scan, "scan.pdf");
    assertOk(got);
    assertEquals([got.body.extractor, got.body.status], ["pdfco", "done"]);
    const { data } = await A.owner.client.from("candidates").select("full_name, email").eq("id", got.body.candidate_id).single();
    assertEquals(data, { full_name: "Ola Nordmann", email: "ola.nordmann@example.no" });
    const uploaded = [...fake.uploads.values()].at(-1)!;
    assertEquals(uploaded.bytes, scan, "PDF.co got the file through its presigned upload");
    assertEquals(fake.requests.find((r) => r.path === "/v1/pdf/convert/to/text")?.headers["x-api-key"], "pdfco-test-fake-key");
    assertEquals((await job(got.body.job_id)).steps[1].ocr_reason, "no_text_layer");

    // Out of credits: recorded, 200 failed, nothing else.
    const other = unique(await corpusFile("scanned-image-only.pdf"));
    fake.queue(pdfco.error(402));
    const failed = await upload(other, "scan2.pdf");
    assertOk(failed);
    assertEquals([failed.body.status, failed.body.failed_step, failed.body.error?.code, failed.body.candidate_id], ["failed", "extracting", "pdfco_no_credits", null]);
    // Credits back: the same file again extracts (the failed step) and finishes.
    fake.setText(OCR_TEXT.replace("Ola Nordmann", "Kari Nordmann").replace("ola.nordmann", "kari.nordmann"));
    const again = await upload(other, "scan2.pdf");
    assertOk(again);
    assertEquals([again.body.status, again.body.job_id, again.body.attempts], ["done", failed.body.job_id, 2]);
    const j = await job(again.body.job_id);
    assertEquals(j.steps.map((s) => s.status), ["extracting", "failed", "extracting", "analyzing", "enriching", "done"]);

    // A text PDF when PDF.co is asked for explicitly.
    fake.setText(OCR_TEXT.replace("Ola Nordmann", "Per Hansen").replace("ola.nordmann", "per.hansen"));
    const asked = await upload(unique(await corpusFile("amelia-chen-lo-html.pdf")), "a.pdf", { extractor: "pdfco" });
    assertOk(asked);
    assertEquals([asked.body.extractor], ["pdfco"]);
    // PDF.co refusing the file (damaged, in a 200 body) is the file's fault.
    fake.queue(pdfco.error(442, undefined, { inBody: true }));
    assertApiError(await upload(unique(await corpusFile("scanned-image-only.pdf"))), 422, "corrupt_pdf");
  });
  // Without the key again: asking for PDF.co is refused before anything happens.
  assertApiError(await upload(unique(await corpusFile("amelia-chen-lo-html.pdf")), "a.pdf", { extractor: "pdfco" }), 422, "extractor_not_configured");
});

// ---- People Data Labs ----------------------------------------------------------------

Deno.test("with PDL: a match enriches, a 404 is no_match, 402 and 429 are recorded failures, and the retry only enriches", async () => {
  await tenant();
  await using pdl = startPdlFake();
  await withFunctionEnv(FN, vendorKeys("pdl"), async () => {
    const amelia = await truthOf("amelia-chen-lo-html.pdf");
    pdl.addPerson({ email: amelia.email!, likelihood: 9, data: { id: "pdl-amelia", job_title: "Senior Frontend Engineer", job_company_name: "Brightline Health" } });
    const got = await upload(unique(await corpusFile("amelia-chen-lo-html.pdf")));
    assertOk(got);
    assertEquals([got.body.enrichment, got.body.status], ["enriched", "done"], JSON.stringify(got.body));
    const { data: profile } = await A.owner.client.from("candidate_profiles").select("pdl_id, pdl_likelihood, job_title, enrichment_status").eq("candidate_id", got.body.candidate_id).single();
    assertEquals(profile, { pdl_id: "pdl-amelia", pdl_likelihood: 9, job_title: "Senior Frontend Engineer", enrichment_status: "enriched" });
    const query = pdl.enrichCalls().at(-1)!;
    assertEquals([query.email, query.min_likelihood], [amelia.email, "6"]);

    const nobody = await upload(unique(await corpusFile("jose-muller-lo-fodt.pdf")));
    assertOk(nobody);
    assertEquals([nobody.body.enrichment, nobody.body.status], ["no_match", "done"]);

    // 402: not worth repeating; recorded on the job and the profile.
    pdl.failNext(1, ...pdlErrors.paymentRequired());
    const bytes = unique(await corpusFile("priya-raman-pdflatex.pdf"));
    const calls = pdl.requests.length;
    const failed = await upload(bytes);
    assertOk(failed);
    assertEquals([failed.body.status, failed.body.failed_step, failed.body.enrichment, failed.body.error?.code], ["failed", "enriching", "failed", "pdl_payment_required"]);
    assertEquals(pdl.requests.length - calls, 1, "402 is not retried");
    assert(failed.body.candidate_id, "the candidate exists: only enrichment failed");
    const { data: p } = await A.owner.client.from("candidate_profiles").select("enrichment_status, enrichment_error").eq("candidate_id", failed.body.candidate_id).single();
    assertEquals(p!.enrichment_status, "failed");
    assert(p!.enrichment_error.startsWith("pdl_payment_required"), p!.enrichment_error);

    // 429 through every retry (Retry-After: 1): recorded failure after 3 attempts.
    pdl.failNext(3, ...pdlErrors.rateLimited(1));
    const before = pdl.requests.length;
    const limited = await upload(bytes);
    assertOk(limited);
    assertEquals([limited.body.status, limited.body.error?.code, limited.body.job_id], ["failed", "pdl_rate_limited", failed.body.job_id]);
    assertEquals(pdl.requests.length - before, 3, "429 is retried, twice");

    // PDL is fine again: the same file continues at enriching, no second candidate.
    const candidates = await candidateCount();
    const done = await upload(bytes);
    assertOk(done);
    assertEquals([done.body.status, done.body.enrichment, done.body.candidate_id, done.body.attempts], ["done", "no_match", failed.body.candidate_id, 3]);
    assertEquals(await candidateCount(), candidates);
    const j = await job(done.body.job_id);
    const statuses = j.steps.map((s) => s.status);
    assertEquals(statuses.filter((s) => s === "analyzing").length, 1, `analyzed once: ${statuses}`);
    assertEquals(statuses.slice(-2), ["enriching", "done"]);
  });
});

// ---- OpenAI ----------------------------------------------------------------------------

Deno.test("with OpenAI: its answer is used; refusal, truncation, 429s and 500s fall back to the parser, named", async () => {
  await tenant();
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    const truth = await truthOf("zoe-kowalczyk-chromium-2col.pdf");
    const answer = { ...truth, summary: null, experience: truth.experience.map((e) => ({ ...e, description: null })) };
    openai.queue(chat.json(answer));
    const got = await upload(unique(await corpusFile("zoe-kowalczyk-chromium-2col.pdf")));
    assertOk(got);
    assertEquals([got.body.analyzer], ["openai"], JSON.stringify(got.body));
    const call = openai.chatCalls().at(-1)!;
    assertEquals(call.schemaName, "resume");
    assert(call.messages[1].content.includes("Kowalczyk"), "the model reads the extracted text");
    const { data } = await A.owner.client.from("candidates").select("full_name, email").eq("id", got.body.candidate_id).single();
    assertEquals(data, { full_name: truth.full_name, email: truth.email!.toLowerCase() });
    assertEquals((await job(got.body.job_id)).analyzer, "openai");

    const cases: [string, () => void, number][] = [
      ["openai_refused", () => openai.queue(chat.refusal()), 1],
      ["openai_truncated", () => openai.queue(chat.truncated(answer)), 1],
      ["openai_rate_limited", () => openai.queue(chat.rateLimited(1), chat.rateLimited(1), chat.rateLimited(1)), 3],
      ["openai_unavailable", () => openai.failNext(3, 500, { error: { message: "boom", type: "server_error", param: null, code: null } }), 3],
    ];
    for (const [reason, script, attempts] of cases) {
      script();
      const calls = openai.requests.length;
      const r = await upload(unique(await corpusFile("grace-adeyemi-heldout.pdf")));
      assertOk(r);
      assertEquals([r.body.analyzer, r.body.analyzer_fallback, r.body.status], ["deterministic", reason, "done"], `${reason}: ${JSON.stringify(r.body)}`);
      assertEquals(openai.requests.length - calls, attempts, `${reason}: attempts`);
      const j = await job(r.body.job_id);
      assertEquals(j.steps.find((s) => s.status === "enriching")?.fallback_reason, reason, `${reason} is on the job`);
    }
  });
});

Deno.test("a job whose request died is refused while it may still run, then continues where it stopped", async () => {
  await tenant();
  const bytes = unique(await corpusFile("soren-ostergaard-enscript.pdf"));
  const first = await upload(bytes);
  assertOk(first);
  // As if a request had died after saving the candidate: the job is left at enriching.
  await sql(`update public.resume_jobs set status = 'enriching' where id = :'id' returning id`, { id: first.body.job_id });
  assertApiError(await upload(bytes), 409, "job_in_progress");
  // Eleven minutes later (longer than any edge function lives). The trigger that stamps
  // updated_at is skipped for this one statement (replica mode, as superuser).
  await psql(
    `begin; set local session_replication_role = replica;
     update public.resume_jobs set updated_at = now() - interval '11 minutes' where id = :'id';
     commit;`,
    { id: first.body.job_id },
  );
  const again = await upload(bytes);
  assertOk(again);
  assertEquals([again.body.status, again.body.candidate_id, again.body.attempts], ["done", first.body.candidate_id, 2], JSON.stringify(again.body));
  const statuses = (await job(again.body.job_id)).steps.map((s) => s.status);
  assertEquals(statuses.slice(-2), ["enriching", "done"], `continued at enriching: ${statuses}`);
  assertEquals(statuses.filter((s) => s === "analyzing").length, 1);
});
