//! User story: a candidate starts their live interview with the AI interviewer.
//!
//! The candidate's browser posts the session to /functions/v1/interview-token through
//! supabase-js and gets an ephemeral OpenAI Realtime secret (the GA `client_secrets`
//! endpoint, on the OpenAI contract fake) and the URL to post its WebRTC offer to; the
//! session moves to in_progress. Refused for another candidate's session, an opted-out
//! candidate, a completed session; limited to 10 per session per hour.

import { assert, assertEquals, assertMatch } from "./lib/assert.ts";
import {
  assertApiError,
  assertOk,
  clientFor,
  invoke,
  invokeRaw,
  requireFunction,
  sql,
  withFunctionEnv,
} from "./lib/mod.ts";
import { FAKE_KEYS, startOpenAiFake, vendorKeys } from "./fakes/mod.ts";
import { candidate, complete, consent, liveInterview, member, position, start, tenantOwner } from "./interview/world.ts";

const FN = "interview-token";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh interview-token) and start the stack (scripts/stack.sh start --test)");
}

function token(accessToken: string, sessionId: string) {
  return invoke(clientFor(accessToken), FN, { session_id: sessionId });
}

async function invitedAndConsented(prefix: string) {
  const owner = await tenantOwner(`owner-${prefix}`);
  const pos = await position(owner);
  const cand = await candidate(owner, pos, prefix);
  await consent(cand);
  return { owner, pos, cand };
}

async function sessionStatus(id: string): Promise<string> {
  return (await sql<{ status: string }>(`select status from public.interview_sessions where id = :'id'`, { id }))[0].status;
}

Deno.test("token: without an OpenAI key the function answers 503 not_configured", async () => {
  await ready();
  const { cand } = await invitedAndConsented("tok-nokey");
  assertApiError(await token(cand.token, cand.sessionId), 503, "not_configured");
  assertEquals(await sessionStatus(cand.sessionId), "invited", "nothing started");
});

Deno.test("token: the candidate gets a short-lived Realtime secret for their own session, and the session starts", async () => {
  await ready();
  const { pos, cand } = await invitedAndConsented("tok-own");
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    const got = await token(cand.token, cand.sessionId);
    assertOk(got);
    assertMatch(got.body.client_secret, /^ek_/);
    assertEquals(got.body.calls_url, `${openai.url}/v1/realtime/calls`);
    assertEquals(got.body.model, "gpt-realtime");
    assertEquals(got.body.session_status, "in_progress");
    const now = Date.now() / 1000;
    assert(got.body.expires_at > now && got.body.expires_at <= now + 125, "expires in about two minutes");
    assert(!JSON.stringify(got.body).includes(FAKE_KEYS.openai), "the server key never leaves the function");
  });
  assertEquals(await sessionStatus(cand.sessionId), "in_progress");
  // What OpenAI was asked (the GA shape; the fake refuses the beta one).
  assertEquals(openai.clientSecrets.length, 1);
  const asked = openai.requests.find((r) => r.path === "/v1/realtime/client_secrets")!;
  assertEquals(asked.headers.authorization, `Bearer ${FAKE_KEYS.openai}`);
  const body = JSON.parse(asked.body);
  assertEquals(body.expires_after, { anchor: "created_at", seconds: 120 });
  assertEquals(body.session.type, "realtime");
  assertEquals(body.session.audio.input.transcription.model, "gpt-4o-mini-transcribe");
  assertEquals(body.session.audio.input.turn_detection.type, "server_vad");
  assert(body.session.instructions.includes("Senior Backend Engineer"), "the position is in the instructions");
  for (const c of pos.competencies) assert(body.session.instructions.includes(c.name), `competency ${c.name} in the instructions`);
  const grants = await sql<{ status: string; caller_kind: string }>(`select status, caller_kind from public.realtime_token_grants where session_id = :'sid'`, { sid: cand.sessionId });
  assertEquals(grants, [{ status: "issued", caller_kind: "candidate" }]);
});

Deno.test("token: refused for another candidate's session, an opted-out candidate, a completed session, without consent", async () => {
  await ready();
  const { owner, pos, cand } = await invitedAndConsented("tok-no");
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    const other = await candidate(owner, pos, "tok-other");
    assertApiError(await token(other.token, cand.sessionId), 404, "session_not_found");
    assertApiError(await token(other.token, other.sessionId), 409, "consent_required");

    const optedOut = await candidate(owner, pos, "tok-optout");
    await consent(optedOut, true);
    assertApiError(await token(optedOut.token, optedOut.sessionId), 403, "ai_opted_out");

    const done = await candidate(owner, pos, "tok-done");
    await consent(done);
    await start(done);
    await complete(done);
    assertApiError(await token(done.token, done.sessionId), 409, "session_not_joinable");

    const stranger = await tenantOwner("tok-stranger");
    assertApiError(await token(stranger.token, cand.sessionId), 404, "session_not_found");
    const user = await member(owner, "user");
    assertApiError(await token(user.token, cand.sessionId), 403, "not_allowed");
    // The tenant's owner may mint one for a test call.
    assertEquals((await token(owner.token, cand.sessionId)).status, 200);
  });
  assertEquals(openai.clientSecrets.length, 1, "only the owner's test call reached OpenAI");
});

Deno.test("token: the 11th secret of the hour for one session is 429 with Retry-After", async () => {
  await ready();
  const { cand } = await invitedAndConsented("tok-limit");
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    for (let i = 0; i < 10; i++) assertEquals((await token(cand.token, cand.sessionId)).status, 200, `attempt ${i + 1}`);
    const limited = await token(cand.token, cand.sessionId);
    assertApiError(limited, 429, "too_many_requests");
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assertEquals((limited.body.error.details as { limit: number }).limit, 10);
  });
  assertEquals(openai.clientSecrets.length, 10);
});

Deno.test("token: OpenAI failing after the retries is a 502, recorded, and the session is not started", async () => {
  await ready();
  const { cand } = await invitedAndConsented("tok-fail");
  await using openai = startOpenAiFake();
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    openai.failNext(3, 500, { error: { message: "boom", type: "server_error", param: null, code: null } });
    assertApiError(await token(cand.token, cand.sessionId), 502, "upstream_error");
    assertEquals(openai.requests.length, 3, "bounded retries");
    // Recovered: the next request works.
    assertEquals((await token(cand.token, cand.sessionId)).status, 200);
  });
  const grants = await sql<{ status: string; error: string | null }>(`select status, error from public.realtime_token_grants where session_id = :'sid' order by created_at`, { sid: cand.sessionId });
  assertEquals(grants, [{ status: "failed", error: "openai_server_error" }, { status: "issued", error: null }]);
});

Deno.test("token: bad input is 4xx, never 5xx", async () => {
  await ready();
  const { cand } = await liveInterview("tok-bad");
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    for (const body of [{}, { session_id: "nope" }, { session_id: 42 }, { session_id: cand.sessionId, model: "x" }, [cand.sessionId]]) {
      assertApiError(await invokeRaw(clientFor(cand.token), FN, { body: body as Record<string, unknown> }), 400, "invalid_body");
    }
    assertApiError(await invokeRaw(clientFor(cand.token), FN, { body: "text" }), 415);
    assertApiError(await invokeRaw(clientFor(cand.token), FN, { method: "GET" }), 405);
    assertApiError(await token(cand.token, crypto.randomUUID()), 404, "session_not_found");
  });
});
