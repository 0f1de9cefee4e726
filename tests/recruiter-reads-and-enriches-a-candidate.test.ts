//! User story: a recruiter pastes resume text to see what the platform makes of it
//! (analyze-resume), and asks for a candidate's public profile (enrich-candidate).
//!
//! Through supabase-js `functions.invoke`, on a fresh machine's settings (the
//! deterministic parser, enrichment not configured) and with OpenAI and People Data Labs
//! switched on against their contract fakes.

import { assert, assertEquals } from "./lib/assert.ts";
import { assertApiError, assertOk, invoke, requireFunction, withFunctionEnv } from "./lib/mod.ts";
import { corpusFile, newTenant, type Tenant, truthOf, unique } from "./lib/resumes.ts";
import { chat, pdlErrors, startOpenAiFake, startPdlFake, vendorKeys } from "./fakes/mod.ts";

const TEXT = await Deno.readTextFile(new URL("./fixtures/resumes/priya-raman-pdflatex.txt", import.meta.url));

let A: Tenant;
let B: Tenant;
async function tenants() {
  await requireFunction("analyze-resume", "build it (scripts/build.sh analyze-resume) and start the stack (scripts/stack.sh start --test)");
  await requireFunction("enrich-candidate", "build it (scripts/build.sh enrich-candidate) and start the stack (scripts/stack.sh start --test)");
  A ??= await newTenant("reads-a");
  B ??= await newTenant("reads-b");
  return { A, B };
}

/** A candidate of A from a corpus resume, through process-resume. */
async function candidateOf(file: string): Promise<{ candidate_id: string; job_id: string }> {
  const form = new FormData();
  form.append("file", new File([unique(await corpusFile(file))], file, { type: "application/pdf" }));
  const got = await invoke(A.owner.client, "process-resume", form);
  assertOk(got);
  return { candidate_id: got.body.candidate_id!, job_id: got.body.job_id };
}

// ---- analyze-resume ------------------------------------------------------------------------

Deno.test("analyze-resume: text becomes the structured resume, by the parser without a key", async () => {
  const { A } = await tenants();
  const truth = await truthOf("priya-raman-pdflatex.pdf");
  const got = await invoke(A.owner.client, "analyze-resume", { text: TEXT });
  assertOk(got);
  assertEquals([got.body.analyzer, got.body.fallback_reason], ["deterministic", null]);
  assertEquals([got.body.full_name, got.body.email, got.body.phone], [truth.full_name, truth.email, truth.phone]);
  assertEquals(got.body.skills, truth.skills);
  assertEquals(got.body.experience.map((e) => e.company), truth.experience.map((e) => e.company));
  assertEquals(got.body.education[0].year, truth.education[0].year);
});

Deno.test("analyze-resume: a job's extracted text, for the job's tenant only", async () => {
  const { A, B } = await tenants();
  const { job_id } = await candidateOf("grace-adeyemi-heldout.pdf");
  const got = await invoke(A.owner.client, "analyze-resume", { job_id });
  assertOk(got);
  assertEquals([got.body.full_name], [(await truthOf("grace-adeyemi-heldout.pdf")).full_name]);
  assertApiError(await invoke(B.owner.client, "analyze-resume", { job_id }), 404, "job_not_found");
});

Deno.test("analyze-resume with OpenAI: strict schema, normalised answer; refusal and truncation fall back", async () => {
  const { A } = await tenants();
  await using openai = startOpenAiFake();
  await withFunctionEnv("analyze-resume", vendorKeys("openai"), async () => {
    const truth = await truthOf("priya-raman-pdflatex.pdf");
    openai.queue(chat.json({ ...truth, email: truth.email!.toUpperCase(), summary: null, skills: ["pytorch", "Python", "python"], experience: [], education: [] }));
    const got = await invoke(A.owner.client, "analyze-resume", { text: TEXT });
    assertOk(got);
    assertEquals([got.body.analyzer], ["openai"], JSON.stringify(got.body));
    assertEquals(got.body.email, truth.email, "normalised: lower-cased");
    assertEquals(got.body.skills, ["PyTorch", "Python"], "normalised: the taxonomy's names, once each");
    const call = openai.chatCalls().at(-1)!;
    assertEquals(call.schemaName, "resume");
    assert(JSON.stringify(call.schema).includes("\"education\""), "the schema is the Resume type's");

    openai.queue(chat.refusal());
    const refused = await invoke(A.owner.client, "analyze-resume", { text: TEXT });
    assertOk(refused);
    assertEquals([refused.body.analyzer, refused.body.fallback_reason, refused.body.full_name], ["deterministic", "openai_refused", truth.full_name]);
    openai.queue(chat.truncated(truth));
    const cut = await invoke(A.owner.client, "analyze-resume", { text: TEXT });
    assertOk(cut);
    assertEquals([cut.body.analyzer, cut.body.fallback_reason], ["deterministic", "openai_truncated"]);
    openai.queue(chat.rateLimited(1), chat.json({ ...truth, summary: null }));
    const retried = await invoke(A.owner.client, "analyze-resume", { text: TEXT });
    assertOk(retried);
    assertEquals(retried.body.analyzer, "openai", "a 429 is retried after Retry-After");
  });
});

// ---- enrich-candidate ----------------------------------------------------------------------

Deno.test("enrich-candidate: not configured is recorded; with PDL a match, no_match and failures are recorded", async () => {
  const { A } = await tenants();
  const { candidate_id } = await candidateOf("amelia-chen-lo-html.pdf");
  const plain = await invoke(A.owner.client, "enrich-candidate", { candidate_id });
  assertOk(plain);
  assertEquals([plain.body.enrichment], ["not_configured"]);

  await using pdl = startPdlFake();
  await withFunctionEnv("enrich-candidate", vendorKeys("pdl"), async () => {
    const none = await invoke(A.owner.client, "enrich-candidate", { candidate_id });
    assertOk(none);
    assertEquals([none.body.enrichment], ["no_match"]);

    const truth = await truthOf("amelia-chen-lo-html.pdf");
    pdl.addPerson({ email: truth.email!, likelihood: 8, data: { id: "pdl-a", job_title: "Staff Engineer", github_username: "ameliac" } });
    const matched = await invoke(A.owner.client, "enrich-candidate", { candidate_id });
    assertOk(matched);
    assertEquals([matched.body.enrichment, matched.body.likelihood], ["enriched", 8]);
    const q = pdl.enrichCalls().at(-1)!;
    assertEquals([q.email, q.profile, q.min_likelihood], [truth.email, "https://linkedin.com/in/ameliachen", "6"]);
    const { data: p1 } = await A.owner.client.from("candidate_profiles").select("id, job_title, github_username, enrichment_status").eq("candidate_id", candidate_id).single();
    assertEquals([p1!.job_title, p1!.github_username, p1!.enrichment_status], ["Staff Engineer", "ameliac", "enriched"]);
    assertEquals(matched.body.profile_id, p1!.id);

    for (const [fail, code, attempts] of [
      [pdlErrors.paymentRequired(), "pdl_payment_required", 1],
      [pdlErrors.rateLimited(1), "pdl_rate_limited", 3],
      [pdlErrors.server(), "pdl_unavailable", 3],
    ] as const) {
      pdl.failNext(attempts, ...fail);
      const before = pdl.requests.length;
      const failed = await invoke(A.owner.client, "enrich-candidate", { candidate_id });
      assertOk(failed);
      assertEquals([failed.body.enrichment, failed.body.error?.code], ["failed", code], JSON.stringify(failed.body));
      assertEquals(pdl.requests.length - before, attempts, `${code}: attempts`);
      const { data: p } = await A.owner.client.from("candidate_profiles").select("id, job_title, enrichment_status, enrichment_error").eq("candidate_id", candidate_id).single();
      assertEquals([p!.id, p!.job_title, p!.enrichment_status], [p1!.id, "Staff Engineer", "failed"], `${code}: recorded, the earlier data kept, still one profile`);
      assert(p!.enrichment_error.startsWith(code), p!.enrichment_error);
    }
  });
});

Deno.test("enrich-candidate: an unknown candidate or another tenant's is 404, and nothing is recorded", async () => {
  const { A, B } = await tenants();
  const { candidate_id } = await candidateOf("jose-muller-lo-fodt.pdf");
  assertApiError(await invoke(A.owner.client, "enrich-candidate", { candidate_id: crypto.randomUUID() }), 404, "candidate_not_found");
  assertApiError(await invoke(B.owner.client, "enrich-candidate", { candidate_id }), 404, "candidate_not_found");
  const { data } = await A.owner.client.from("candidate_profiles").select("tenant_id").eq("candidate_id", candidate_id);
  assertEquals(data, [{ tenant_id: A.id }], "only A's own profile (from the upload), none for B");
});
