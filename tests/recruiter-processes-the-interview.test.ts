//! User story: a recruiter processes a finished interview into insights they can trust.
//!
//! The recorded interview is relayed (as the candidate, through the HTTP batch), then the
//! tenant's owner posts the session to /functions/v1/transcript-processor through
//! supabase-js. Without an OpenAI key the insight has the deterministic metrics and
//! `assessment: "not_configured"`; with the key (pointed at the OpenAI contract fake) it
//! has a per-competency assessment whose every quote was found, verbatim, in a candidate
//! entry of the stored transcript, and a fabricated quote is rejected and retried.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  assertApiError,
  assertOk,
  type Called,
  clientFor,
  invoke,
  invokeRaw,
  type JsonValue,
  requireFunction,
  serviceClient,
  sql,
  withFunctionEnv,
} from "./lib/mod.ts";
import { type ChatCall, chat, startOpenAiFake, vendorKeys } from "./fakes/mod.ts";
import {
  candidate,
  complete,
  consent,
  expectedMetrics,
  type Json,
  liveInterview,
  member,
  position,
  recordedEvents,
  start,
  tenantOwner,
} from "./interview/world.ts";

const FN = "transcript-processor";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh transcript-processor) and start the stack (scripts/stack.sh start --test)");
  await requireFunction("transcript-relay", "build it (scripts/build.sh transcript-relay)");
}

/** The candidate relays the recorded transcript, then the interview completes. */
async function relayAndComplete(cand: Awaited<ReturnType<typeof candidate>>) {
  const events = await recordedEvents();
  for (let i = 0; i < events.length; i += 200) {
    const got = await invoke(clientFor(cand.token), "transcript-relay", { session_id: cand.sessionId, events: events.slice(i, i + 200) as JsonValue[] });
    assertOk(got);
  }
  await complete(cand);
}

/** The assessment OpenAI made (complete or partial) in a processor's answer, or the test fails. */
function assessed(got: Called<typeof FN>) {
  assertOk(got);
  const a = got.body.assessment;
  assert(typeof a === "object" && (a.status === "complete" || a.status === "partial"), `an assessment, got ${JSON.stringify(a)}`);
  return a;
}

/** A finished interview with the recorded transcript relayed. */
async function finishedInterview(prefix: string) {
  const world = await liveInterview(prefix);
  await relayAndComplete(world.cand);
  return world;
}

function process(token: string, sessionId: string) {
  return invoke(clientFor(token), FN, { session_id: sessionId });
}

/** The candidate's entries by id, as stored. */
async function candidateEntries(sessionId: string): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; text: string }>(
    `select id, text from public.transcript_entries where session_id = :'sid' and speaker = 'candidate'`,
    { sid: sessionId },
  );
  return new Map(rows.map((r) => [r.id, r.text]));
}

/** What a careful model would answer: for each competency, a real quote of the candidate. */
function honestAnswer(call: ChatCall, fabricateFor: string[] = []): Json {
  const prompt = call.messages.find((m) => m.role === "user")!.content;
  const competencies = JSON.parse(prompt.match(/Competencies \(JSON\): (.*)\n/)![1]) as { competency_id: string; name: string }[];
  const lines = [...prompt.matchAll(/^\[([0-9a-f-]{36})\] CANDIDATE: (.*)$/gm)].map((m) => ({ id: m[1], text: m[2] }));
  const find = (word: string) => lines.find((l) => l.text.includes(word)) ?? lines[0];
  return {
    summary: "A candidate with concrete experience running a Rust billing service.",
    competencies: competencies.map((c) => {
      const anchor = c.name.startsWith("Rust") ? "Rust on top of Postgres" : c.name.startsWith("System") ? "idempotency key" : "rolled back the deploy";
      const line = find(anchor);
      const quote = fabricateFor.includes(c.name.split(" ")[0]) ? "I single-handedly rewrote the kernel in a weekend" : anchor;
      return { competency_id: c.competency_id, rationale: `Spoke concretely about ${anchor}.`, score: 4, evidence: [{ entry_id: line.id, quote }] };
    }),
  };
}

Deno.test("processor: without an OpenAI key the insight holds the metrics, right to the word, and assessment not_configured; re-running replaces it", async () => {
  await ready();
  const { owner, cand } = await finishedInterview("proc-nokey");
  const expected = await expectedMetrics();
  const got = await process(owner.token, cand.sessionId);
  assertOk(got);
  assertEquals(got.body, { session_id: cand.sessionId, metrics: expected.metrics, assessment: "not_configured" });

  const { data: insight, error } = await clientFor(owner.token).from("interview_insights").select("session_id, metrics, metadata, competency_scores, model, updated_at").eq("session_id", cand.sessionId).single();
  assertEquals(error, null);
  assertEquals(insight!.metrics, expected.metrics);
  assertEquals(insight!.metadata, { assessment: "not_configured" });
  assertEquals(insight!.competency_scores, []);

  // Again: still one insight, replaced.
  await new Promise((r) => setTimeout(r, 20));
  assertEquals((await process(owner.token, cand.sessionId)).status, 200);
  const rows = await sql<{ n: number; updated_at: string }>(`select count(*)::int as n, max(updated_at)::text as updated_at from public.interview_insights where session_id = :'sid'`, { sid: cand.sessionId });
  assertEquals(rows[0].n, 1);
  assert(rows[0].updated_at !== insight!.updated_at, "the re-run replaced the row");
});

Deno.test("processor: a candidate who opted out of AI assessment gets metrics only, whoever asks; nothing goes to OpenAI", async () => {
  await ready();
  const owner = await tenantOwner("owner-proc-optout");
  const cand = await candidate(owner, await position(owner), "proc-optout");
  await consent(cand, true);
  await start(cand);
  await relayAndComplete(cand);
  await using openai = startOpenAiFake();
  openai.onChat((call) => chat.json(honestAnswer(call)));
  const expected = await expectedMetrics();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    const byOwner = await process(owner.token, cand.sessionId);
    assertOk(byOwner);
    assertEquals(byOwner.body, { session_id: cand.sessionId, metrics: expected.metrics, assessment: "opted_out" });
    // The completion webhook (the service role) is held to it too.
    const byService = await invoke(serviceClient(), FN, { session_id: cand.sessionId });
    assertOk(byService);
    assertEquals(byService.body.assessment, "opted_out");
  });
  assertEquals(openai.chatCalls().length, 0, "no transcript went to OpenAI");
  const { data: insight } = await clientFor(owner.token).from("interview_insights").select("metadata, competency_scores").eq("session_id", cand.sessionId).single();
  assertEquals(insight, { metadata: { assessment: "opted_out" }, competency_scores: [] });
});

Deno.test("processor: with OpenAI, every score points at a verbatim quote of the candidate, by entry id", async () => {
  await ready();
  const { owner, pos, cand } = await finishedInterview("proc-ai");
  await using openai = startOpenAiFake();
  openai.onChat((call) => chat.json(honestAnswer(call)));
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    const got = await process(owner.token, cand.sessionId);
    const a = assessed(got);
    assertEquals([a.status, a.attempts, a.rejected_quotes], ["complete", 1, []]);
    assertEquals(a.competencies.length, pos.competencies.length);
    const said = await candidateEntries(cand.sessionId);
    for (const c of a.competencies) {
      assertEquals([c.status, c.score], ["supported", 4]);
      assert(c.evidence.length > 0);
      for (const e of c.evidence) assert(said.get(e.entry_id)?.includes(e.quote), `${e.quote} is in candidate entry ${e.entry_id}`);
    }
    assertOk(got);
    assertEquals(got.body.metrics, (await expectedMetrics()).metrics);
  });
  // The contract as used: one strict structured-output call with the transcript.
  const calls = openai.chatCalls();
  assertEquals(calls.length, 1);
  assertEquals([calls[0].schemaName, calls[0].body.response_format && (calls[0].body.response_format as Json).type], ["interview_assessment", "json_schema"]);
  assert(calls[0].messages[1].content.includes("CANDIDATE: Yes, I'm ready."), "the transcript is in the prompt");
  const { data: insight } = await clientFor(owner.token).from("interview_insights").select("competency_scores, model, summary").eq("session_id", cand.sessionId).single();
  assertEquals((insight!.competency_scores as unknown[]).length, pos.competencies.length);
  assert(String(insight!.model).startsWith("gpt-"), "the answering model is recorded");
});

Deno.test("processor: a fabricated quote is rejected, the assessment retried once, and what stays unverified is unsupported", async () => {
  await ready();
  const { owner, cand } = await finishedInterview("proc-fab");
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    // First answer fabricates the Rust quote; the retry quotes the transcript.
    let n = 0;
    openai.onChat((call) => chat.json(honestAnswer(call, n++ === 0 ? ["Rust"] : [])));
    const retried = assessed(await process(owner.token, cand.sessionId));
    assertEquals([retried.status, retried.attempts], ["complete", 2]);
    const calls = openai.chatCalls();
    assertEquals(calls.length, 2);
    assert(calls[1].messages.at(-1)!.content.includes("I single-handedly rewrote the kernel in a weekend"), "the retry names the rejected quote");

    // A model that keeps fabricating: the Rust competency ends unsupported, without a score.
    openai.reset();
    openai.onChat((call) => chat.json(honestAnswer(call, ["Rust"])));
    const a = assessed(await process(owner.token, cand.sessionId));
    assertEquals([a.status, a.attempts], ["partial", 2]);
    const rust = a.competencies.find((c) => c.name.startsWith("Rust"))!;
    assertEquals([rust.status, rust.score, rust.evidence], ["unsupported", null, []]);
    assertEquals(a.rejected_quotes.map((q) => [q.quote, q.reason]), [["I single-handedly rewrote the kernel in a weekend", "not_in_transcript"]]);
    for (const c of a.competencies.filter((c) => c !== rust)) assertEquals(c.status, "supported");
  });
});

Deno.test("processor: OpenAI failing after the retries is recorded as the assessment's state, and the metrics stand", async () => {
  await ready();
  const { owner, cand } = await finishedInterview("proc-fail");
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    openai.failNext(3, 503, { error: { message: "overloaded", type: "server_error", param: null, code: null } });
    const got = await process(owner.token, cand.sessionId);
    assertOk(got);
    assertEquals(got.body.assessment, { status: "failed", error: "upstream_error", retryable: true });
    assertEquals(got.body.metrics, (await expectedMetrics()).metrics);
    // A refusal is not retried and says so.
    openai.reset();
    openai.queue(chat.refusal());
    const refused = await process(owner.token, cand.sessionId);
    assertOk(refused);
    assertEquals(refused.body.assessment, { status: "failed", error: "ai_refused", retryable: false });
  });
  const { data } = await clientFor(owner.token).from("interview_insights").select("metadata").eq("session_id", cand.sessionId).single();
  assertEquals((data!.metadata as { assessment: { status: string } }).assessment.status, "failed");
});

Deno.test("processor: the service role may process; candidates, members and other tenants may not; bad input is 4xx", async () => {
  await ready();
  const { owner, pos, cand } = await finishedInterview("proc-who");
  const service = await invoke(serviceClient(), FN, { session_id: cand.sessionId });
  assertOk(service);
  const user = await member(owner, "user");
  const admin = await member(owner, "admin");
  assertEquals((await process(admin.token, cand.sessionId)).status, 200);
  assertApiError(await process(user.token, cand.sessionId), 403, "insufficient_role");
  assertApiError(await process(cand.token, cand.sessionId), 403, "insufficient_role");
  const stranger = await tenantOwner("proc-stranger");
  assertApiError(await process(stranger.token, cand.sessionId), 404, "session_not_found");
  const invited = await candidate(owner, pos, "proc-invited");
  assertApiError(await process(owner.token, invited.sessionId), 409, "session_not_started");
  for (const body of [{}, { session_id: "nope" }, { session_id: cand.sessionId, extra: 1 }, [cand.sessionId]]) {
    assertApiError(await invokeRaw(clientFor(owner.token), FN, { body: body as Json }), 400, "invalid_body");
  }
  assertApiError(await invokeRaw(clientFor(owner.token), FN, { body: "text" }), 415, "unsupported_media_type");
  assertApiError(await invokeRaw(clientFor(owner.token), FN, { method: "GET" }), 405, "method_not_allowed");
});
