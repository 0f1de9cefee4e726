//! User story: a recruiter invites a candidate, by email, to interview for a position.
//!
//! Through supabase-js as the frontend does: `functions.invoke("invite-candidate")` (and
//! the `create_candidate_invitation` RPC it wraps), then `link-candidate-account` with the
//! token the answer carries. Re-inviting returns the open session with a fresh link (the
//! old one stops working); with INVITE_WEBHOOK_URL set the invitation is posted, signed by
//! Standard Webhooks, to a receiver (a fake here), retried when it is busy, and a receiver
//! that stays down is reported, not raised. The bad-input suite ends the file.

import { assert, assertEquals, assertNotEquals } from "./lib/assert.ts";
import {
  anonClient,
  assertApiError,
  assertOk,
  clientFor,
  createUser,
  invoke,
  type FunctionInput,
  invokeRaw,
  joinTenant,
  requireFunction,
  signUp,
  sql,
  startFake,
  tokenFor,
  uniqueEmail,
  withFunctionEnv,
} from "./lib/mod.ts";

const FN = "invite-candidate";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh invite-candidate) and start the stack (scripts/stack.sh start --test)");
  await requireFunction("link-candidate-account", "build it (scripts/build.sh) and start the stack");
}

interface Recruiter {
  id: string;
  tenantId: string;
  token: string;
  positionId: string;
}

/** A new tenant's owner (token with the tenant claims) with one published position. */
async function recruiter(prefix = "recruiter"): Promise<Recruiter> {
  const user = await signUp(prefix);
  const { data: tenantId, error } = await clientFor(user.token).rpc("create_tenant", {
    p_name: `${prefix} ${crypto.randomUUID().slice(0, 6)}`,
  });
  assertEquals(error, null, "create_tenant");
  const token = await tokenFor(user.id);
  const { data: position, error: posError } = await clientFor(token)
    .from("positions")
    .insert({ tenant_id: tenantId!, title: "Senior Backend Engineer", status: "published" })
    .select("id")
    .single();
  assertEquals(posError, null, "insert position");
  return { id: user.id, tenantId: tenantId!, token, positionId: position!.id };
}

function inviteAs(token: string, body: FunctionInput<typeof FN>) {
  return invoke(clientFor(token), FN, body);
}

// ---------------------------------------------------------------------------------------

Deno.test("invite: an owner invites a new candidate and gets the session, the token and its expiry", async () => {
  await ready();
  const r = await recruiter();
  const email = uniqueEmail("ada");
  const got = await inviteAs(r.token, { candidate_email: `  ${email.toUpperCase()} `, position_id: r.positionId });
  assertOk(got, 201);
  assertEquals(got.headers.get("access-control-allow-origin"), "*");
  const body = got.body;
  for (const key of ["session_id", "candidate_id", "invitation_id", "invitation_token", "expires_at", "invitation_url", "created", "webhook"]) {
    assert(key in body, `answer has ${key}`);
  }
  assertEquals(body.created, true);
  assertEquals(body.webhook, "not_configured");
  assertEquals(body.invitation_url, null);
  assert(/^[0-9a-f]{64}$/.test(body.invitation_token), "a 64-hex token");
  const expires = Date.parse(body.expires_at);
  assert(Math.abs(expires - Date.now() - 7 * 24 * 3600 * 1000) < 60_000, `expires in 7 days: ${body.expires_at}`);

  // What the recruiter's frontend reads back.
  const client = clientFor(r.token);
  const { data: session } = await client.from("interview_sessions").select("id, status, position_id, candidate_id").eq("id", body.session_id!).single();
  assertEquals(session, { id: body.session_id, status: "invited", position_id: r.positionId, candidate_id: body.candidate_id });
  const { data: candidate } = await client.from("candidates").select("email").eq("id", body.candidate_id).single();
  assertEquals(candidate?.email, email.toLowerCase(), "stored normalised");
});

Deno.test("invite: re-inviting the same candidate to the same position returns the open session with a fresh link", async () => {
  await ready();
  const r = await recruiter();
  const email = uniqueEmail("grace");
  const first = await inviteAs(r.token, { candidate_email: email, position_id: r.positionId });
  const again = await inviteAs(r.token, { candidate_email: email, position_id: r.positionId });
  assertOk(first, 201);
  assertOk(again);
  assertEquals(again.body.session_id, first.body.session_id);
  assertEquals(again.body.candidate_id, first.body.candidate_id);
  assertEquals(again.body.created, false);
  assertNotEquals(again.body.invitation_token, first.body.invitation_token);
  const sessions = await sql(`select id from public.interview_sessions where candidate_id = :'c'`, { c: first.body.candidate_id });
  assertEquals(sessions.length, 1, "one session, however often invited");

  // The candidate signs up; the old link no longer works, the new one does.
  const user = await createUser(email);
  const token = await tokenFor(user.id);
  const stale = await invoke(clientFor(token), "link-candidate-account", { invitation_token: first.body.invitation_token });
  assertApiError(stale, 410, "invitation_expired");
  const linked = await invoke(clientFor(token), "link-candidate-account", { invitation_token: again.body.invitation_token });
  assertOk(linked);
  assertEquals(linked.body, { candidate_id: first.body.candidate_id, tenant_id: r.tenantId, session_id: first.body.session_id });
});

Deno.test("invite: the create_candidate_invitation RPC the function wraps works through supabase-js rpc() too", async () => {
  await ready();
  const r = await recruiter();
  const { data, error } = await clientFor(r.token).rpc("create_candidate_invitation", {
    p_tenant_id: r.tenantId,
    p_candidate_email: uniqueEmail("rpc"),
    p_position_id: r.positionId,
  });
  assertEquals(error, null);
  assertEquals(Object.keys(data as Record<string, unknown>).sort(), ["candidate_id", "created", "expires_at", "invitation_id", "session_id", "token"]);
});

Deno.test("invite: INVITE_URL_BASE gives the link to send", async () => {
  await ready();
  const r = await recruiter();
  await withFunctionEnv(FN, { INVITE_URL_BASE: "https://app.example.test/invite" }, async () => {
    const got = await inviteAs(r.token, { candidate_email: uniqueEmail("link"), position_id: r.positionId });
    assertOk(got, 201);
    assertEquals(got.body.invitation_url, `https://app.example.test/invite?token=${got.body.invitation_token}`);
  });
});

// ---- the webhook --------------------------------------------------------------------------

// The Standard Webhooks specification's example secret.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function expectedSignature(id: string, timestamp: string, body: string): Promise<string> {
  const keyBytes = Uint8Array.from(atob(SECRET.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

function receiver() {
  return startFake(0, () => new Response(null, { status: 204 }));
}

Deno.test("invite webhook: a signed Standard Webhooks message reaches the receiver and is recorded as delivered", async () => {
  await ready();
  const r = await recruiter();
  await using hook = receiver();
  await withFunctionEnv(FN, { INVITE_WEBHOOK_URL: `${hook.url}/invitations`, INVITE_WEBHOOK_SECRET: SECRET }, async () => {
    const email = uniqueEmail("hooked");
    const got = await inviteAs(r.token, { candidate_email: email, position_id: r.positionId });
    assertOk(got, 201);
    assertEquals(got.body.webhook, "delivered");
    assertEquals(hook.requests.length, 1);
    const sent = hook.requests[0];
    assertEquals([sent.method, sent.path], ["POST", "/invitations"]);
    const id = sent.headers["webhook-id"];
    const timestamp = sent.headers["webhook-timestamp"];
    assertEquals(id, `inv_${got.body.invitation_id.replaceAll("-", "")}`);
    assert(Math.abs(Number(timestamp) - Date.now() / 1000) < 120, `a current timestamp: ${timestamp}`);
    assertEquals(sent.headers["webhook-signature"], await expectedSignature(id, timestamp, sent.body), "HMAC-SHA256 of id.timestamp.body");
    const message = JSON.parse(sent.body);
    assertEquals(message.type, "invitation.created");
    assertEquals(message.data.candidate_email, email);
    assertEquals(message.data.invitation_token, got.body.invitation_token);
    assertEquals(message.data.position_title, "Senior Backend Engineer");
    assertEquals(message.data.session_id, got.body.session_id);

    const { data: invitation } = await clientFor(r.token)
      .from("interview_invitations")
      .select("webhook_status, webhook_response_status, webhook_error")
      .eq("id", got.body.invitation_id)
      .single();
    assertEquals(invitation, { webhook_status: "delivered", webhook_response_status: 204, webhook_error: null });
  });
});

Deno.test("invite webhook: a busy receiver is retried with the same id, so it can deduplicate", async () => {
  await ready();
  const r = await recruiter();
  await using hook = receiver();
  hook.failNext(1, 503, { error: "busy" });
  await withFunctionEnv(FN, { INVITE_WEBHOOK_URL: hook.url, INVITE_WEBHOOK_SECRET: SECRET }, async () => {
    const got = await inviteAs(r.token, { candidate_email: uniqueEmail("busy"), position_id: r.positionId });
    assertOk(got, 201);
    assertEquals(got.body.webhook, "delivered");
    assertEquals(hook.requests.length, 2);
    const [first, second] = hook.requests;
    assertEquals(second.headers["webhook-id"], first.headers["webhook-id"]);
    assertEquals(second.headers["webhook-signature"], first.headers["webhook-signature"]);
    assertEquals(second.body, first.body);
  });
});

Deno.test("invite webhook: a receiver that stays down is reported in the answer and on the invitation, not as a 5xx", async () => {
  await ready();
  const r = await recruiter();
  await using hook = receiver();
  hook.setHandler(() => new Response("down", { status: 500 }));
  await withFunctionEnv(FN, { INVITE_WEBHOOK_URL: hook.url, INVITE_WEBHOOK_SECRET: SECRET }, async () => {
    const got = await inviteAs(r.token, { candidate_email: uniqueEmail("down"), position_id: r.positionId });
    assertOk(got, 201); // the invitation exists
    assertEquals(got.body.webhook, "failed");
    assertEquals(got.body.webhook_error, "the receiver answered 500");
    assert(/^[0-9a-f]{64}$/.test(got.body.invitation_token), "the token, to deliver it another way");
    assertEquals(hook.requests.length, 3, "every attempt of the retry policy");
    const { data: invitation } = await clientFor(r.token)
      .from("interview_invitations")
      .select("webhook_status, webhook_response_status")
      .eq("id", got.body.invitation_id)
      .single();
    assertEquals(invitation, { webhook_status: "failed", webhook_response_status: 500 });
  });
});

// ---- refusals ---------------------------------------------------------------------------

Deno.test("invite: the bad-input suite answers 4xx in the error shape, never 5xx, and writes nothing", async () => {
  await ready();
  const a = await recruiter("owner-a");
  const b = await recruiter("owner-b");
  const email = uniqueEmail("refused");
  const plain = await signUp("member");
  await joinTenant(a.token, plain, "user");
  const userToken = await tokenFor(plain.id);
  const cases: [string, string, unknown, number, string | undefined][] = [
    ["missing email", a.token, { position_id: a.positionId }, 400, "invalid_body"],
    ["missing position", a.token, { candidate_email: email }, 400, "invalid_body"],
    ["not an email", a.token, { candidate_email: "not-an-email", position_id: a.positionId }, 400, "invalid_email"],
    ["10 kB email", a.token, { candidate_email: `${"x".repeat(10 * 1024)}@example.com`, position_id: a.positionId }, 400, "invalid_email"],
    ["malformed position id", a.token, { candidate_email: email, position_id: "42" }, 400, "invalid_position_id"],
    ["unknown position", a.token, { candidate_email: email, position_id: crypto.randomUUID() }, 404, "position_not_found"],
    ["position of another tenant", a.token, { candidate_email: email, position_id: b.positionId }, 404, "position_not_found"],
    ["plain user role", userToken, { candidate_email: email, position_id: a.positionId }, 403, "insufficient_role"],
    ["signed-in user without a tenant", (await signUp("nobody")).token, { candidate_email: email, position_id: a.positionId }, 403, undefined],
    ["array body", a.token, [email, a.positionId], 400, "invalid_body"],
  ];
  for (const [what, token, body, status, code] of cases) {
    const got = await invokeRaw(clientFor(token), FN, { body: body as Record<string, unknown> });
    assert(got.status < 500, `${what}: ${got.status}`);
    assertApiError(got, status, code);
    const text = JSON.stringify(got.body);
    assert(!text.includes(b.tenantId), `${what}: nothing of tenant B in ${text}`);
  }
  assertApiError(await invoke(anonClient(), FN, { candidate_email: email, position_id: a.positionId }), 401);
  const written = await sql(`select id from public.candidates where email = :'email'`, { email });
  assertEquals(written.length, 0, "no candidate was created by a refused request");
});
