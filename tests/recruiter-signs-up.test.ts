//! A recruiter signs up and in through supabase-js's `auth`, as the frontend does, against
//! the local Auth stand-in at `/auth/v1/` (local/auth): no token in this file is minted by
//! the test. The custom access token hook puts the new organisation into the token on the
//! next refresh; errors arrive as auth-js's own error classes with Supabase Auth's codes.

import { createClient, isAuthApiError, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { assert, assertEquals } from "./lib/assert.ts";
import { clientKey, config, deleteUsers, psql, serverKey, sql, uniqueEmail } from "./lib/mod.ts";

const AUTH = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };
const PASSWORD = "correct horse battery";

/** A browser app's client: the client key, and auth-js holding the session in memory. */
function browser(): SupabaseClient {
  return createClient(config.apiUrl, clientKey, { auth: AUTH });
}

function payload(jwt: string): Record<string, any> {
  const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, "=")));
}

function header(jwt: string): Record<string, any> {
  const part = jwt.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, "=")));
}

/** A signed-up, signed-in recruiter; removed by the caller with deleteUsers. */
async function signedUp(prefix: string): Promise<{ client: SupabaseClient; email: string; id: string }> {
  const client = browser();
  const email = uniqueEmail(prefix);
  const { data, error } = await client.auth.signUp({ email, password: PASSWORD });
  assertEquals(error, null);
  assert(data.session, "confirmations are off (config.toml): sign-up returns a session");
  return { client, email, id: data.user!.id };
}

Deno.test("sign-up: a recruiter signs up, creates the organisation, and the refreshed token carries it", async () => {
  const { client, email, id } = await signedUp("recruiter");
  try {
    const { data: { session } } = await client.auth.getSession();
    const first = payload(session!.access_token);
    assertEquals(first.sub, id);
    assertEquals(first.email, email);
    assertEquals(first.iss, `${config.apiUrl}/auth/v1`);
    assertEquals(first.aud, "authenticated");
    assertEquals(first.role, "authenticated");
    assertEquals(first.aal, "aal1");
    assertEquals(first.amr[0].method, "password");
    assertEquals(first.is_anonymous, false);
    assertEquals(first.app_metadata.provider, "email");
    assertEquals(first.app_metadata.tenant_id, undefined, "no organisation yet");
    assertEquals(first.exp - first.iat, 3600, "config.toml jwt_expiry");
    const alg = header(session!.access_token);
    if (config.keyMode === "signing") {
      assertEquals([alg.alg, alg.kid], ["ES256", config.signingKey!.kid]);
    } else {
      assertEquals([alg.alg, alg.kid], ["HS256", undefined]);
    }

    const { data: tenantId, error } = await client.rpc("create_tenant", { p_name: "Sign-up Recruiting" });
    assertEquals(error, null);
    const { data: refreshed, error: refreshError } = await client.auth.refreshSession();
    assertEquals(refreshError, null);
    const claims = payload(refreshed.session!.access_token);
    assertEquals(claims.app_metadata.tenant_id, tenantId, "the hook put the tenant into the token");
    assertEquals(claims.app_metadata.role, "owner");
    assertEquals(claims.session_id, first.session_id, "the same session");
    assert(refreshed.session!.refresh_token !== session!.refresh_token, "the refresh token rotated");

    // The new token works against the Data API as the owner.
    const { data: tenants } = await client.from("tenants").select("id");
    assertEquals(tenants, [{ id: tenantId }]);
  } finally {
    await psql(`delete from public.users where id = :'id'`, { id });
    await deleteUsers(id);
  }
});

Deno.test("sign-in: a wrong password is refused with invalid_credentials, the right one signs in", async () => {
  const { email, id } = await signedUp("signin");
  try {
    const { data, error } = await browser().auth.signInWithPassword({ email, password: "not the password" });
    assert(isAuthApiError(error), "an AuthApiError");
    assertEquals([error.status, error.code], [400, "invalid_credentials"]);
    assertEquals(data.session, null);

    const unknown = await browser().auth.signInWithPassword({ email: uniqueEmail("nobody"), password: PASSWORD });
    assertEquals(unknown.error?.code, "invalid_credentials", "an unknown address is not told apart");

    const ok = await browser().auth.signInWithPassword({ email: email.toUpperCase(), password: PASSWORD });
    assertEquals(ok.error, null);
    assertEquals(ok.data.user?.id, id);

    const again = await browser().auth.signUp({ email, password: PASSWORD });
    assertEquals([again.error?.status, again.error?.code], [422, "user_already_exists"]);
    const weak = await browser().auth.signUp({ email: uniqueEmail("weak"), password: "12345" });
    assertEquals([weak.error?.status, weak.error?.code, weak.error?.name], [422, "weak_password", "AuthWeakPasswordError"]);
  } finally {
    await deleteUsers(id);
  }
});

Deno.test("user: getUser, updateUser (metadata and password), and signOut ends the session", async () => {
  const { client, email, id } = await signedUp("profile");
  try {
    const { data: got, error } = await client.auth.getUser();
    assertEquals(error, null);
    assertEquals([got.user?.id, got.user?.email], [id, email]);
    assertEquals(got.user?.identities?.[0]?.provider, "email");

    const named = await client.auth.updateUser({ data: { full_name: "Ann Recruiter" } });
    assertEquals(named.error, null);
    assertEquals(named.data.user?.user_metadata.full_name, "Ann Recruiter");
    const same = await client.auth.updateUser({ password: PASSWORD });
    assertEquals(same.error?.code, "same_password");
    const changed = await client.auth.updateUser({ password: "a new passphrase" });
    assertEquals(changed.error, null);
    assertEquals((await browser().auth.signInWithPassword({ email, password: PASSWORD })).error?.code, "invalid_credentials");
    assertEquals((await browser().auth.signInWithPassword({ email, password: "a new passphrase" })).error, null);

    const { data: { session } } = await client.auth.getSession();
    assertEquals((await client.auth.signOut()).error, null);
    // The signed-out session's tokens are dead: its access token names a session that is gone.
    const after = await browser().auth.getUser(session!.access_token);
    assertEquals(after.error?.name, "AuthSessionMissingError");
    const refresh = await browser().auth.refreshSession({ refresh_token: session!.refresh_token });
    assertEquals(refresh.error?.code, "refresh_token_not_found");
  } finally {
    await deleteUsers(id);
  }
});

Deno.test("refresh: a rotated token reused after the reuse interval revokes the session", async () => {
  const { client, id } = await signedUp("reuse");
  try {
    const { data: { session } } = await client.auth.getSession();
    const first = session!.refresh_token;
    const { data: r1 } = await browser().auth.refreshSession({ refresh_token: first });
    const second = r1.session!.refresh_token;
    assert(second !== first);
    // Within the reuse interval (10 s, config.toml) the old token answers the current one.
    const { data: r2, error: e2 } = await browser().auth.refreshSession({ refresh_token: first });
    assertEquals(e2, null);
    assertEquals(r2.session!.refresh_token, second);

    // A client that lost the answer of its last refresh gets the current token again,
    // whenever it asks (Supabase Auth allows the active token's parent). One more
    // rotation, and the first token is two generations old: once the interval has passed
    // (moved back in time here) its reuse is refused and every token of the session dies.
    const { data: r3 } = await browser().auth.refreshSession({ refresh_token: second });
    const third = r3.session!.refresh_token;
    await psql(`update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where token = :'t'`, { t: first });
    const reused = await browser().auth.refreshSession({ refresh_token: first });
    assertEquals([reused.error?.status, reused.error?.code], [400, "refresh_token_already_used"]);
    // The session's current token was revoked with it. Supabase Auth stamps the revocation
    // time on it, so it too is refused once its own reuse interval has passed.
    const revoked = await sql<{ revoked: boolean }>(
      `select revoked from auth.refresh_tokens where token = :'t'`,
      { t: third },
    );
    assertEquals(revoked, [{ revoked: true }]);
    await psql(`update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where token = :'t'`, { t: third });
    const current = await browser().auth.refreshSession({ refresh_token: third });
    assertEquals(current.error?.code, "refresh_token_already_used", "the session's current token is revoked too");
  } finally {
    await deleteUsers(id);
  }
});

Deno.test("admin: the secret key creates, reads, lists and deletes a user; the client key cannot", async () => {
  const admin = createClient(config.apiUrl, serverKey, { auth: AUTH });
  const email = uniqueEmail("admin-made");
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: { full_name: "Made By Admin" },
  });
  assertEquals(error, null);
  const id = data.user!.id;
  try {
    assertEquals(data.user!.user_metadata.full_name, "Made By Admin");
    const signIn = await browser().auth.signInWithPassword({ email, password: PASSWORD });
    assertEquals(signIn.error, null, "the admin-made user signs in");

    const byId = await admin.auth.admin.getUserById(id);
    assertEquals(byId.data.user?.email, email);
    const listed = await admin.auth.admin.listUsers({ page: 1, perPage: 1000 });
    assertEquals(listed.error, null);
    assert(listed.data.users.some((u) => u.id === id), "listed");

    const twice = await admin.auth.admin.createUser({ email, password: PASSWORD });
    assertEquals([twice.error?.status, twice.error?.code], [422, "email_exists"]);
    const notAdmin = await browser().auth.admin.createUser({ email: uniqueEmail("x"), password: PASSWORD });
    assertEquals([notAdmin.error?.status, notAdmin.error?.code], [403, "not_admin"]);

    assertEquals((await admin.auth.admin.deleteUser(id)).error, null);
    const gone = await admin.auth.admin.getUserById(id);
    assertEquals([gone.error?.status, gone.error?.code], [404, "user_not_found"]);
    assertEquals((await browser().auth.signInWithPassword({ email, password: PASSWORD })).error?.code, "invalid_credentials");
  } finally {
    await deleteUsers(id);
  }
});
