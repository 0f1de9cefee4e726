//! The functions check their callers themselves, with the keys a Supabase project uses
//! today (shared::auth), not only behind the platform's verify_jwt: these calls go to
//! functions whose verify_jwt is off (transcript-processor, session-vm), so every refusal
//! below is the function's own JSON error. Runs in either key mode (STACK_KEYS): the
//! stack's tokens are ES256 with its signing key, or HS256 with the legacy secret.

import { assertEquals } from "./lib/assert.ts";
import {
  assertApiError,
  clientFor,
  config,
  forgedToken,
  type FunctionErrorCode,
  functionsHostUrl,
  invoke,
  requireFunction,
  serverKey,
  signToken,
  tokenFor,
} from "./lib/mod.ts";
import { claimsFor } from "./lib/auth.ts";
import { createClient } from "npm:@supabase/supabase-js@2.119.1";
import { tenantOwner } from "./interview/world.ts";

const PROCESSOR = "transcript-processor";
const VM = "session-vm";
const HINT = "build the functions (scripts/build.sh) and start the stack (scripts/stack.sh start --test)";

async function ready() {
  await requireFunction(PROCESSOR, HINT);
  await requireFunction(VM, HINT);
}

/** The processor on a session nobody has: past the caller check, RLS finds nothing. */
function processUnknownSession(token: string) {
  return invoke(clientFor(token), PROCESSOR, { session_id: crypto.randomUUID() });
}

Deno.test("keys: a token signed by a key the project does not have is 401 from the function itself; its own key passes", async () => {
  await ready();
  const owner = await tenantOwner("keys-forged");
  const claims = await claimsFor(owner.id);
  assertApiError(await processUnknownSession(await forgedToken(claims)), 401, "invalid_token");
  // The same claims signed with the stack's key: accepted, so the answer is about the data.
  assertApiError(await processUnknownSession(await signToken(claims)), 404);
  assertApiError(await processUnknownSession(owner.token), 404);
});

Deno.test("keys: the function refuses a token with no or a past exp, another audience or another issuer", async () => {
  await ready();
  const owner = await tenantOwner("keys-claims");
  const claims = await claimsFor(owner.id);
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, Record<string, unknown>, FunctionErrorCode<typeof PROCESSOR>][] = [
    ["no exp", { ...claims, exp: undefined }, "invalid_token"],
    ["expired", { ...claims, exp: now - 120 }, "token_expired"],
    ["another audience", { ...claims, aud: "anon" }, "invalid_token"],
    ["another project's Auth", { ...claims, iss: "https://someone-else.supabase.co/auth/v1" }, "invalid_token"],
  ];
  for (const [what, bad, code] of cases) {
    const got = await processUnknownSession(await signToken(JSON.parse(JSON.stringify(bad))));
    assertEquals(got.status, 401, `${what}: ${JSON.stringify(got.body)}`);
    assertApiError(got, 401, code);
  }
});

Deno.test("keys: a server calls with the secret key (supabase-js), a signed-in user without a tenant role is 403", async () => {
  await ready();
  // The reaper is service-only: reaching Fly's configuration check (503 without a Fly
  // token in this stack) means the key was taken as the service role.
  const server = createClient(config.apiUrl, serverKey, { auth: { persistSession: false, autoRefreshToken: false } });
  assertApiError(await invoke(server, VM, { action: "reap" }), 503, "not_configured");
  const owner = await tenantOwner("keys-reaper");
  assertApiError(await invoke(clientFor(owner.token), VM, { action: "reap" }), 403, "insufficient_role");
});

Deno.test("keys: straight to the functions host (no gateway to swap the key), the function itself takes the secret key in apikey", async () => {
  await ready();
  const host = `${functionsHostUrl}/${VM}`;
  const call = async (headers: Record<string, string>) => {
    const res = await fetch(host, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ action: "reap" }),
    });
    return { raw: true as const, status: res.status, body: await res.json(), headers: res.headers };
  };
  assertApiError(await call({ apikey: config.secretKey }), 503, "not_configured");
  assertApiError(await call({ apikey: `${config.secretKey.slice(0, -1)}x` }), 401, "missing_token");
  assertApiError(await call({ apikey: config.publishableKey }), 401, "missing_token");
  assertApiError(
    await call({ apikey: config.publishableKey, authorization: `Bearer ${config.publishableKey}` }),
    401,
    "sign_in_required",
  );
  // A forged JWT beside the secret key is refused, not downgraded to the key.
  const owner = await tenantOwner("keys-direct");
  const forged = await forgedToken(await claimsFor(owner.id));
  assertApiError(await call({ apikey: config.secretKey, authorization: `Bearer ${forged}` }), 401, "invalid_token");
  assertEquals((await call({ authorization: `Bearer ${await tokenFor(owner.id)}` })).status, 403);
});
