//! Faults during work: the REST server dies while resumes are being uploaded.
//!
//! Every upload gets an answer (none hangs, none is a 500), the supervisor brings the
//! REST server back, every job ends in a recorded state once the stalled-job sweep has
//! run (the pg_cron job, here called as the service role after the jobs' clock is moved
//! on by ten minutes), and uploading the same files again completes them: one job and
//! one candidate per file, nothing duplicated.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { clientKey, config, killPart, psql, requireStack, restAnswersWithin, serviceClient } from "../../tests/lib/mod.ts";
import { corpusFile, manifest, newTenant, unique } from "../../tests/lib/resumes.ts";

const functionsUrl = `${config.apiUrl}/functions/v1`;

async function upload(token: string, bytes: Uint8Array<ArrayBuffer>): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "application/pdf" }), "cv.pdf");
  const res = await fetch(`${functionsUrl}/process-resume`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, apikey: clientKey },
    body: form,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* kept as text */ }
  return { status: res.status, body };
}

Deno.test("the REST server killed mid-upload: every job ends recorded, and the retry completes without duplicates", async () => {
  await requireStack();
  const tenant = await newTenant("faults");
  // Distinct people, so each file is its own candidate.
  const files = (await manifest()).filter((e) => e.expect_error === null).slice(0, 6);
  const bytes = await Promise.all(files.map(async (f) => unique(await corpusFile(f.file))));

  const uploads = bytes.map((b) => upload(tenant.owner.token, b));
  await new Promise((r) => setTimeout(r, 150));
  await killPart("rest");
  const answers = await Promise.all(uploads);
  for (const a of answers) {
    assert(a.status !== 500, `no 500 while the REST server is away: ${JSON.stringify(a.body)}`);
    if (a.status >= 400) {
      assert((a.body as { error?: { code?: string } })?.error?.code, `a JSON error: ${JSON.stringify(a.body)}`);
    }
  }

  assert(await restAnswersWithin(15_000), "the supervisor restarted the REST server within 15 s");

  // Ten minutes later, the sweep records whatever stopped mid-flow.
  await psql(
    // (replica role: the updated_at trigger would stamp the update itself)
    `set session_replication_role = replica;
     update public.resume_jobs set updated_at = now() - interval '11 minutes'
     where tenant_id = :'tenant' and status in ('extracting', 'analyzing', 'enriching');`,
    { tenant: tenant.id },
  );
  const { error } = await serviceClient().rpc("fail_stalled_resume_jobs");
  assertEquals(error, null);
  const states = await psql(
    `select status from public.resume_jobs where tenant_id = :'tenant' order by status;`,
    { tenant: tenant.id },
  );
  for (const status of states.split("\n").filter(Boolean)) {
    assert(["done", "failed"].includes(status), `every job is in a recorded state: ${states}`);
  }

  // The same files again: each completes.
  for (const b of bytes) {
    const again = await upload(tenant.owner.token, b);
    assertEquals(again.status, 200, JSON.stringify(again.body));
    const body = again.body as { status: string };
    assertEquals(body.status, "done", JSON.stringify(again.body));
  }
  const counts = await psql(
    `select (select count(*) from public.resume_jobs where tenant_id = :'tenant'),
            (select count(distinct sha256) from public.resume_jobs where tenant_id = :'tenant'),
            (select count(*) from public.candidates where tenant_id = :'tenant');`,
    { tenant: tenant.id },
  );
  assertEquals(counts.trim(), `${files.length}|${files.length}|${files.length}`, "one job and one candidate per file");
});
