//! User story: a candidate links their account from an invitation.
//!
//! A tenant owner invites a candidate by email (`create_candidate_invitation`, through
//! supabase-js `rpc` as the frontend calls it); the candidate signs up with that address
//! and posts the invitation token to /functions/v1/link-candidate-account through
//! `functions.invoke`. Every answer of the function's contract is driven here, through the
//! whole chain: gateway -> functions host (verify_jwt) -> wasm -> PostgREST (caller's JWT)
//! -> SQL -> RLS.

import { assert, assertEquals, assertNotEquals } from "./lib/assert.ts";
import {
  anonClient,
  assertApiError,
  assertOk,
  claimsFor,
  clientFor,
  clientKey,
  createUser,
  forgedToken,
  type FunctionInput,
  functionsUrl,
  invoke,
  invokeRaw,
  KeptAlive,
  LARGE_BODY,
  psql,
  requireFunction,
  signUp,
  tokenFor,
  uniqueEmail,
} from "./lib/mod.ts";

const FN = "link-candidate-account";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh) and start the stack (scripts/stack.sh start)");
}

interface Owner {
  id: string;
  tenantId: string;
  token: string;
}

/** A signed-up user who created a tenant, holding a token with the tenant claims. */
async function tenantOwner(prefix: string): Promise<Owner> {
  const user = await signUp(prefix);
  const { data: tenantId, error } = await clientFor(user.token).rpc("create_tenant", {
    p_name: `${prefix} ${crypto.randomUUID().slice(0, 6)}`,
  });
  assertEquals(error, null, "create_tenant");
  // As after a token refresh: the hook now puts the tenant into app_metadata.
  return { id: user.id, tenantId: tenantId!, token: await tokenFor(user.id) };
}

interface Invitation {
  candidate_id: string;
  session_id: string | null;
  invitation_id: string;
  token: string;
  expires_at: string;
}

async function invite(owner: Owner, email: string): Promise<Invitation> {
  const { data, error } = await clientFor(owner.token).rpc("create_candidate_invitation", {
    p_tenant_id: owner.tenantId,
    p_candidate_email: email,
  });
  assertEquals(error, null, "create_candidate_invitation");
  const invitation = data as unknown as Invitation;
  assert(typeof invitation?.token === "string" && invitation.token.length > 0, "an invitation token");
  return invitation;
}

/** A candidate invited by a new tenant, signed up with the invited address. */
async function invitedCandidate(prefix = "cand") {
  const owner = await tenantOwner(`owner-${prefix}`);
  const email = uniqueEmail(prefix);
  const invitation = await invite(owner, email);
  const user = await createUser(email);
  return { owner, invitation, user, token: await tokenFor(user.id) };
}

function link(token: string, body: FunctionInput<typeof FN>) {
  return invoke(clientFor(token), FN, body);
}

// ---------------------------------------------------------------------------------------

Deno.test("link: the invited candidate links their account and gets candidate, tenant and session", async () => {
  await ready();
  const { owner, invitation, user, token } = await invitedCandidate();
  const got = await link(token, { invitation_token: invitation.token });
  assertOk(got);
  assertEquals(got.body, {
    candidate_id: invitation.candidate_id,
    tenant_id: owner.tenantId,
    session_id: invitation.session_id,
  });
  assertEquals(got.headers.get("access-control-allow-origin"), "*");
  // Their next token says they are a candidate (the hook reads the link).
  const claims = await claimsFor(user.id);
  assertEquals((claims.app_metadata as Record<string, unknown>).is_candidate, true);
});

Deno.test("link: linking again with the same token is idempotent for the same user", async () => {
  await ready();
  const { invitation, token } = await invitedCandidate();
  const first = await link(token, { invitation_token: invitation.token });
  const second = await link(token, { invitation_token: invitation.token });
  assertOk(first);
  assertOk(second);
  assertEquals(second.body, first.body);
});

Deno.test("link: 400 for a body without a usable token", async () => {
  await ready();
  const { token } = await invitedCandidate();
  for (const body of [{}, { invitation_token: "" }, { invitation_token: 42 }, { invitation_token: "not-a-token" }, [1, 2]]) {
    assertApiError(await invokeRaw(clientFor(token), FN, { body: body as Record<string, unknown> }), 400);
  }
});

Deno.test("link: 400 for a body that is not JSON", async () => {
  await ready();
  const { token } = await invitedCandidate();
  const got = await invokeRaw(clientFor(token), FN, {
    body: '{"invitation_token": ',
    headers: { "Content-Type": "application/json" },
  });
  assertApiError(got, 400);
});

Deno.test("link: 401 without a token, with a forged or expired one (the platform's verify_jwt)", async () => {
  await ready();
  const now = Math.floor(Date.now() / 1000);
  const user = await createUser(uniqueEmail("nobody"));
  const forged = await forgedToken({ sub: user.id, role: "authenticated", aud: "authenticated", exp: now + 600 });
  const expired = await tokenFor(user.id, { expiresIn: -60 });
  const body = JSON.stringify({ invitation_token: "0".repeat(64) });
  for (const [what, auth] of [["none", null], ["forged", forged], ["expired", expired]] as const) {
    const res = await fetch(`${functionsUrl}/${FN}`, {
      method: "POST",
      headers: {
        apikey: clientKey,
        "Content-Type": "application/json",
        ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      },
      body,
    });
    assertEquals(res.status, 401, what);
    await res.body?.cancel();
  }
});

Deno.test("link: 401 for a signed-out visitor through supabase-js (the anon key is no user)", async () => {
  await ready();
  const got = await invoke(anonClient(), FN, { invitation_token: "0".repeat(64) });
  assertApiError(got, 401);
});

Deno.test("link: 404 for a token no invitation has", async () => {
  await ready();
  const { token } = await invitedCandidate();
  const unknown = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("");
  assertApiError(await link(token, { invitation_token: unknown }), 404, "invitation_not_found");
});

Deno.test("link: 409 when another user already used the invitation", async () => {
  await ready();
  const { invitation, token } = await invitedCandidate();
  assertEquals((await link(token, { invitation_token: invitation.token })).status, 200);
  const other = await signUp("other");
  const got = await link(other.token, { invitation_token: invitation.token });
  assertApiError(got, 409, "invitation_used");
});

Deno.test("link: 410 when the invitation has expired", async () => {
  await ready();
  const { invitation, token } = await invitedCandidate();
  await psql(
    `update public.interview_invitations set expires_at = now() - interval '1 minute' where id = :'id'`,
    { id: invitation.invitation_id },
  );
  assertApiError(await link(token, { invitation_token: invitation.token }), 410, "invitation_expired");
});

Deno.test("link: 403 when the signed-in email is not the invited one", async () => {
  await ready();
  const { invitation } = await invitedCandidate();
  const stranger = await signUp("stranger");
  assertApiError(await link(stranger.token, { invitation_token: invitation.token }), 403, "email_mismatch");
});

Deno.test("link: 403 for the invited address signed up but not confirmed; once confirmed, it links", async () => {
  await ready();
  const owner = await tenantOwner("owner-unconfirmed");
  const email = uniqueEmail("unconfirmed");
  const invitation = await invite(owner, email);
  // Whoever holds a leaked token signs up with the invitee's address first.
  const user = await createUser(email, { emailConfirmed: false });
  const token = await tokenFor(user.id);
  assertApiError(await link(token, { invitation_token: invitation.token }), 403, "email_not_confirmed");
  await psql(`update auth.users set email_confirmed_at = now() where id = :'id'`, { id: user.id });
  const got = await link(token, { invitation_token: invitation.token });
  assertOk(got);
  assertEquals(got.body.candidate_id, invitation.candidate_id);
});

Deno.test("link: 405 for a method the function does not answer", async () => {
  await ready();
  const { token } = await invitedCandidate();
  for (const method of ["GET", "PUT", "DELETE"] as const) {
    const got = await invokeRaw(clientFor(token), FN, { method });
    assertApiError(got, 405, "method_not_allowed");
    assert(got.headers.get("allow")?.includes("POST"), `${method}: Allow lists POST`);
  }
});

Deno.test("link: 413 for a body over the limit, declared or streamed", async () => {
  await ready();
  const { token } = await invitedCandidate();
  const big = { invitation_token: "a".repeat(2 * 1024 * 1024) };
  assertApiError(await link(token, big), 413, "payload_too_large");

  // No Content-Length: the function must stop reading at its limit, not trust a header.
  const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 4 * 1024 * 1024) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const res = await fetch(`${functionsUrl}/${FN}`, {
    method: "POST",
    headers: { apikey: clientKey, Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: stream,
  });
  assertEquals(res.status, 413);
  assertEquals((await res.json()).error.code, "payload_too_large");
});

Deno.test("link: the 413 goes out after the body's end, so the connection serves the next request", async () => {
  await ready();
  const { invitation, token } = await invitedCandidate();
  const headers = { apikey: clientKey, Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  // One connection throughout, as a pooling client keeps it (supabase-js on Deno's fetch):
  // an answer given while the body is still coming would be followed by the gateway
  // closing the connection, and the next request on it would fail.
  const conn = await KeptAlive.open();
  try {
    for (const chunked of [false, true]) {
      const what = chunked ? "chunked" : "Content-Length";
      const got = await conn.request(`/functions/v1/${FN}`, headers, LARGE_BODY, chunked, what);
      assertEquals(got.status, 413, `${what}: ${got.text}`);
      assertEquals(JSON.parse(got.text).error.code, "payload_too_large", what);
      assertEquals(got.headers.get("access-control-allow-origin"), "*", `${what}: CORS header`);
      assertEquals(got.headers.get("connection"), "keep-alive", what);
    }
    const body = new TextEncoder().encode(JSON.stringify({ invitation_token: invitation.token }));
    const linked = await conn.request(`/functions/v1/${FN}`, headers, body, false, "the link after two 413s");
    assertEquals(linked.status, 200, linked.text);
    assertEquals(JSON.parse(linked.text).candidate_id, invitation.candidate_id);
  } finally {
    conn.close();
  }
});

Deno.test("link: CORS preflight is answered for the headers supabase-js sends", async () => {
  await ready();
  const res = await fetch(`${functionsUrl}/${FN}`, {
    method: "OPTIONS",
    headers: {
      Origin: "http://localhost:3000",
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, x-client-info, apikey, content-type",
    },
  });
  await res.body?.cancel();
  assert(res.status === 200 || res.status === 204, `preflight status ${res.status}`);
  assertEquals(res.headers.get("access-control-allow-origin"), "*");
  const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
  for (const h of ["authorization", "x-client-info", "apikey", "content-type"]) {
    assert(allowed.includes(h), `allows ${h}: ${allowed}`);
  }
  assert((res.headers.get("access-control-allow-methods") ?? "").includes("POST"), "allows POST");
});

Deno.test("link: a user of tenant B reads none of tenant A's rows, through the function or REST", async () => {
  await ready();
  const a = await invitedCandidate("tenant-a");
  assertEquals((await link(a.token, { invitation_token: a.invitation.token })).status, 200);
  const ownerB = await tenantOwner("owner-b");
  const b = clientFor(ownerB.token);

  // Through the function: A's token gives B's owner nothing of A's.
  const got = await link(ownerB.token, { invitation_token: a.invitation.token });
  assertNotEquals(got.status, 200);
  const text = JSON.stringify(got.body);
  for (const secret of [a.owner.tenantId, a.invitation.candidate_id]) {
    assert(!text.includes(secret), `the refusal leaks nothing of tenant A: ${text}`);
  }

  // Through REST, as the frontend reads.
  for (const table of ["tenants", "candidates", "interview_invitations", "interview_sessions", "candidate_tenants"] as const) {
    const { data, error } = await b.from(table).select("*");
    assertEquals(error, null, `${table}: ${JSON.stringify(error)}`);
    const leaked = (data ?? []).filter((row: Record<string, unknown>) =>
      row.tenant_id === a.owner.tenantId || row.id === a.owner.tenantId || row.id === a.invitation.candidate_id
    );
    assertEquals(leaked, [], `${table}: tenant B sees tenant A's rows`);
  }
  // And B's owner sees their own tenant, so the empty answers above are RLS, not an error.
  const own = await b.from("tenants").select("id");
  assertEquals(own.data, [{ id: ownerB.tenantId }]);
});
