//! User story: a recruiter drops resumes in and candidates appear, for their organisation
//! only.
//!
//! Through supabase-js as the frontend calls it (`functions.invoke("process-resume")` with
//! a FormData upload or a `{storage_path}` JSON body, then `from(...)` to read what was
//! saved), on a fresh machine's settings: no vendor keys, so our PDF extractor and the
//! deterministic parser do the work. For EVERY text-layer PDF of the fixture corpus the
//! candidate must carry name, email, phone and skills as the ground truth has them; the
//! per-field results over the corpus are printed (and asserted against honest floors).
//! Also: the candidate is visible to its tenant and invisible to another; the same file
//! twice is one job and one candidate; a file already in the tenant's storage folder is
//! processed from there; roles.

import { assert, assertEquals } from "./lib/assert.ts";
import { assertApiError, assertOk, invoke, requireFunction, sql } from "./lib/mod.ts";
import {
  addMember,
  corpusFile,
  digits,
  manifest,
  newTenant,
  type Tenant,
  truthOf,
  type Truth,
  unique,
} from "./lib/resumes.ts";

const FN = "process-resume";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh process-resume) and start the stack (scripts/stack.sh start --test)");
}

function upload(client: Tenant["owner"]["client"], bytes: Uint8Array<ArrayBuffer>, name = "resume.pdf", extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type: "application/pdf" }));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return invoke(client, FN, form);
}

let A: Tenant;
let B: Tenant;
async function tenants() {
  await ready();
  A ??= await newTenant("uploads-a");
  B ??= await newTenant("uploads-b");
  return { A, B };
}

interface Stored {
  id: string;
  full_name: string;
  first_name: string | null;
  last_name: string | null;
  email: string;
  phone: string | null;
  skills: string[];
  resume_url: string | null;
  resume_analysis: Truth & { summary: string | null };
}

// Per-field tallies over the corpus, printed at the end of the corpus test.
type Tally = { tp: number; fp: number; fn: number };
const tally = new Map<string, Tally>();
function count(field: string, truth: string[], got: string[]) {
  const t = tally.get(field) ?? { tp: 0, fp: 0, fn: 0 };
  const norm = (s: string) => s.trim().toLowerCase();
  const want = new Set(truth.map(norm));
  const have = new Set(got.map(norm));
  for (const x of have) (want.has(x) ? t.tp++ : t.fp++);
  for (const x of want) if (!have.has(x)) t.fn++;
  tally.set(field, t);
}
const one = (v: string | null | undefined) => (v ? [v] : []);

Deno.test("every text-layer resume of the corpus becomes a candidate with its name, email, phone and skills", async () => {
  const { A, B } = await tenants();
  const files = (await manifest()).filter((m) => m.expect_error === null);
  assert(files.length >= 10, `the corpus has its text-layer files (${files.length})`);
  const times: number[] = [];
  const rows: string[] = [];
  for (const entry of files) {
    const truth = await truthOf(entry.file);
    const bytes = unique(await corpusFile(entry.file));
    const t0 = performance.now();
    const got = await upload(A.owner.client, bytes, entry.file);
    assertOk(got);
    times.push(performance.now() - t0);
    assertEquals(got.status, 200, `${entry.file}: ${JSON.stringify(got.body)}`);
    assertEquals(
      [got.body.status, got.body.extractor, got.body.analyzer, got.body.enrichment, got.body.duplicate],
      ["done", "builtin", "deterministic", "not_configured", false],
      entry.file,
    );

    const { data, error } = await A.owner.client.from("candidates")
      .select("id, full_name, first_name, last_name, email, phone, skills, resume_url, resume_analysis")
      .eq("id", got.body.candidate_id).single();
    assertEquals(error, null, `${entry.file}: A reads its candidate`);
    const c = data as Stored;
    assertEquals(c.full_name, truth.full_name, `${entry.file}: name`);
    assertEquals(c.email, truth.email!.toLowerCase(), `${entry.file}: email`);
    assertEquals(digits(c.phone), digits(truth.phone), `${entry.file}: phone`);
    const want = new Set(truth.skills.map((s) => s.toLowerCase()));
    const have = new Set(c.skills.map((s) => s.toLowerCase()));
    const found = [...want].filter((s) => have.has(s)).length;
    assert(want.size === 0 || found / want.size >= 0.9, `${entry.file}: skills recall ${found}/${want.size}: ${c.skills}`);
    assert(have.size === 0 || found / have.size >= 0.9, `${entry.file}: skills precision ${found}/${have.size}: ${c.skills}`);
    assertEquals(c.resume_url, `${A.id}/${await sha256(bytes)}.pdf`, `${entry.file}: the file is kept in A's folder`);

    const r = c.resume_analysis;
    count("full_name", one(truth.full_name), one(c.full_name));
    count("first_name", one(truth.first_name), one(c.first_name));
    count("last_name", one(truth.last_name), one(c.last_name));
    count("email", one(truth.email?.toLowerCase()), one(c.email));
    count("phone", one(digits(truth.phone)), one(digits(c.phone)));
    count("location", one(truth.location), one(r.location));
    count("links", truth.links.map(canonLink), r.links.map(canonLink));
    count("skills", truth.skills, c.skills);
    count("experience.title", truth.experience.map((e) => e.title ?? ""), r.experience.map((e) => e.title ?? ""));
    count("experience.company", truth.experience.map((e) => e.company ?? ""), r.experience.map((e) => e.company ?? ""));
    count("experience.start", truth.experience.map((e) => `${e.company}|${e.start}`), r.experience.map((e) => `${e.company}|${e.start}`));
    count("experience.end", truth.experience.map((e) => `${e.company}|${e.end}`), r.experience.map((e) => `${e.company}|${e.end}`));
    count("education.institution", truth.education.map((e) => e.institution ?? ""), r.education.map((e) => e.institution ?? ""));
    count("education.degree", truth.education.map((e) => `${e.institution}|${e.degree}`), r.education.map((e) => `${e.institution}|${e.degree}`));
    count("education.year", truth.education.map((e) => `${e.institution}|${e.year}`), r.education.map((e) => `${e.institution}|${e.year}`));
    rows.push(`  ${entry.file.padEnd(44)} ${entry.producer.padEnd(38)} ${Math.round(times.at(-1)!).toString().padStart(5)} ms`);

    // Tenant B sees none of it.
    const { data: seenByB } = await B.owner.client.from("candidates").select("id").eq("id", c.id);
    assertEquals(seenByB, [], `${entry.file}: invisible to tenant B`);
    const { data: jobsOfB } = await B.owner.client.from("resume_jobs").select("id").eq("id", got.body.job_id);
    assertEquals(jobsOfB, [], `${entry.file}: B does not see A's job`);
  }

  const sorted = [...times].sort((a, b) => a - b);
  console.log(`\nprocess-resume through the gateway, no keys, ${files.length} files:`);
  for (const r of rows) console.log(r);
  console.log(`  median ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms, max ${Math.round(sorted.at(-1)!)} ms\n`);
  console.log("  field                      tp   fp   fn  precision  recall");
  for (const [field, t] of tally) {
    const p = t.tp + t.fp ? (100 * t.tp) / (t.tp + t.fp) : 100;
    const r = t.tp + t.fn ? (100 * t.tp) / (t.tp + t.fn) : 100;
    console.log(`  ${field.padEnd(24)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}  ${p.toFixed(1).padStart(8)}% ${r.toFixed(1).padStart(6)}%`);
    if (["full_name", "email", "phone", "skills"].includes(field)) {
      assert(r >= 95 && p >= 95, `${field}: precision ${p.toFixed(1)}%, recall ${r.toFixed(1)}% (floor 95%)`);
    }
  }
});

function canonLink(l: string): string {
  return l.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/^www\./, "").replace(/\/$/, "");
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("the candidate, its tenant link and its job are the tenant's, step by step", async () => {
  const { A, B } = await tenants();
  const got = await upload(A.owner.client, unique(await corpusFile("daniel-okafor-chromium-multipage.pdf")));
  assertOk(got);
  const { data: links } = await A.owner.client.from("candidate_tenants").select("tenant_id, relationship_type").eq("candidate_id", got.body.candidate_id);
  assertEquals(links, [{ tenant_id: A.id, relationship_type: "candidate" }]);
  const { data: job } = await A.owner.client.from("resume_jobs").select("status, candidate_id, extractor, analyzer, enrichment, attempts, steps, error, failed_step").eq("id", got.body.job_id).single();
  assertEquals([job!.status, job!.candidate_id, job!.extractor, job!.analyzer, job!.enrichment, job!.attempts, job!.error],
    ["done", got.body.candidate_id, "builtin", "deterministic", "not_configured", 1, null]);
  assertEquals(job!.steps.map((s: { status: string }) => s.status), ["extracting", "analyzing", "enriching", "done"]);
  assertEquals(job!.steps[1].pages, 2, "the multi-page file's pages are recorded");
  const { data: profile } = await A.owner.client.from("candidate_profiles").select("enrichment_status").eq("candidate_id", got.body.candidate_id).single();
  assertEquals(profile!.enrichment_status, "not_configured", "no PDL key is recorded, not skipped");
  assertEquals((await B.owner.client.from("candidate_profiles").select("id").eq("candidate_id", got.body.candidate_id)).data, []);
  assertEquals((await B.owner.client.from("candidate_tenants").select("tenant_id").eq("candidate_id", got.body.candidate_id)).data, []);
});

Deno.test("the same file twice is one job and one candidate, answered as a duplicate", async () => {
  const { A } = await tenants();
  const bytes = unique(await corpusFile("sofia-rossi-chromium-spaced.pdf"));
  const first = await upload(A.owner.client, bytes);
  assertOk(first);
  const again = await upload(A.owner.client, bytes);
  assertOk(again);
  assertEquals(again.body.duplicate, true);
  assertEquals([again.body.job_id, again.body.candidate_id, again.body.status], [first.body.job_id, first.body.candidate_id, "done"]);
  const sha = await sha256(bytes);
  const jobs = await sql(`select id, attempts from public.resume_jobs where tenant_id = :'t' and sha256 = :'s'`, { t: A.id, s: sha });
  assertEquals(jobs, [{ id: first.body.job_id, attempts: 1 }], "one job, not even a second attempt");
  const objects = await sql(`select name from storage.objects where bucket_id = 'resumes' and name = :'n'`, { n: `${A.id}/${sha}.pdf` });
  assertEquals(objects.length, 1, "one stored file");

  // The same person in another file (the same resume re-exported): updated, not duplicated.
  const other = unique(await corpusFile("sofia-rossi-chromium-spaced.pdf"));
  const third = await upload(A.owner.client, other);
  assertOk(third);
  assertEquals([third.body.duplicate, third.body.candidate_id, third.body.candidate_created], [false, first.body.candidate_id, false]);
  const email = (await truthOf("sofia-rossi-chromium-spaced.pdf")).email!.toLowerCase();
  const { count } = await A.owner.client.from("candidates").select("id", { count: "exact", head: true }).eq("email", email);
  assertEquals(count, 1, "de-duplicated by email within the tenant");
});

Deno.test("the same file in another tenant is that tenant's own candidate", async () => {
  const { A, B } = await tenants();
  const bytes = unique(await corpusFile("renee-lefevre-groff.pdf"));
  const a = await upload(A.owner.client, bytes);
  assertOk(a);
  const b = await upload(B.owner.client, bytes);
  assertOk(b);
  assertEquals(b.body.duplicate, false);
  assert(a.body.candidate_id !== b.body.candidate_id, "two records, one per tenant");
  assertEquals((await A.owner.client.from("candidates").select("id").eq("id", b.body.candidate_id)).data, []);
});

Deno.test("a file already in the tenant's storage folder is processed from there, as the caller", async () => {
  const { A, B } = await tenants();
  const bytes = unique(await corpusFile("lukasz-wisniewski-reportlab-ttf.pdf"));
  const path = `${A.id}/inbox/${crypto.randomUUID()}.pdf`;
  const { error } = await A.owner.client.storage.from("resumes").upload(path, bytes, { contentType: "application/pdf" });
  assertEquals(error, null, "upload to storage");
  const got = await invoke(A.owner.client, FN, { storage_path: path });
  assertOk(got);
  assertEquals(got.body.status, "done");
  const { data: c } = await A.owner.client.from("candidates").select("full_name, resume_url").eq("id", got.body.candidate_id).single();
  assertEquals(c, { full_name: "Łukasz Wiśniewski", resume_url: path });

  assertApiError(await invoke(B.owner.client, FN, { storage_path: path }), 403, "path_outside_tenant");
  assertApiError(await invoke(A.owner.client, FN, { storage_path: `${A.id}/inbox/missing.pdf` }), 404, "file_not_found");
  // A path in B's folder that exists: refused before any read, as B's file is not A's.
  const inB = `${B.id}/${crypto.randomUUID()}.pdf`;
  assertEquals((await B.owner.client.storage.from("resumes").upload(inB, bytes, { contentType: "application/pdf" })).error, null);
  assertApiError(await invoke(A.owner.client, FN, { storage_path: inB }), 403, "path_outside_tenant");
});

Deno.test("admins process resumes; plain members may not", async () => {
  const { A } = await tenants();
  const admin = await addMember(A, "admin");
  const user = await addMember(A, "user");
  const ok = await upload(admin.client, unique(await corpusFile("michael-obrien-reportlab.pdf")));
  assertOk(ok);
  const refused = await upload(user.client, unique(await corpusFile("michael-obrien-reportlab.pdf")));
  assertApiError(refused, 403, "insufficient_role");
  const { data } = await user.client.from("candidates").select("id").eq("id", ok.body.candidate_id);
  assertEquals(data?.length, 1, "members read the tenant's candidates");
});
