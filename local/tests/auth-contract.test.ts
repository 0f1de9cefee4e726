//! The Auth stand-in's answers, case by case, as Supabase Auth (v2.189-era source, built
//! and run beside the stand-in on the same database) gave them for the same requests:
//! status, error code, message, and the two error shapes (the initial one, and the
//! 2024-01-01 one auth-js asks for). Through the gateway, with the stack's keys.

import { assertEquals } from "../../tests/lib/assert.ts";
import { clientKey, config, createUser, deleteUsers, serverKey, uniqueEmail } from "../../tests/lib/mod.ts";

const AUTH = `${config.apiUrl}/auth/v1`;
const ROOT = new URL("../..", import.meta.url).pathname;
/** `[auth] minimum_password_length` of supabase/config.toml (Supabase Auth's default 6). */
const MIN_PASSWORD = Number(
  /^minimum_password_length\s*=\s*(\d+)/m.exec(Deno.readTextFileSync(`${ROOT}supabase/config.toml`))?.[1] ?? 6,
);

async function call(
  method: string,
  path: string,
  opts: { body?: string; token?: string; versioned?: boolean; key?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; errorCode: string | null }> {
  const headers: Record<string, string> = { apikey: opts.key ?? clientKey, "content-type": "application/json" };
  if (opts.versioned !== false) headers["x-supabase-api-version"] = "2024-01-01";
  // As supabase-js sends them: the key as bearer when there is no session.
  headers.authorization = `Bearer ${opts.token ?? opts.key ?? clientKey}`;
  const r = await fetch(`${AUTH}${path}`, { method, headers, body: opts.body });
  return { status: r.status, body: await r.json(), errorCode: r.headers.get("x-sb-error-code") };
}

Deno.test("auth contract: errors in the 2024-01-01 shape, with Supabase Auth's codes and messages", async () => {
  const cases: [string, string, string | undefined, number, string, string][] = [
    ["POST", "/signup", `{"email":"nope","password":"secret123"}`, 400, "validation_failed", "Unable to validate email address: invalid format"],
    ["POST", "/signup", `{"email":"${uniqueEmail("np")}"}`, 400, "validation_failed", "Signup requires a valid password"],
    ["POST", "/signup", `{}`, 422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled"],
    ["POST", "/signup", `{"email":"${uniqueEmail("w")}","password":"123"}`, 422, "weak_password", `Password should be at least ${MIN_PASSWORD} characters.`],
    ["POST", "/token", `{}`, 400, "invalid_credentials", "unsupported_grant_type"],
    ["POST", "/token?grant_type=magic", `{}`, 400, "invalid_credentials", "unsupported_grant_type"],
    ["POST", "/token?grant_type=password", `{"password":"x"}`, 400, "validation_failed", "missing email or phone"],
    ["POST", "/token?grant_type=refresh_token", `{}`, 400, "validation_failed", "Refresh token is not valid"],
    ["POST", "/token?grant_type=refresh_token", `{"refresh_token":"abcdefghijkl"}`, 400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"],
    ["GET", "/user", undefined, 401, "no_authorization", "This endpoint requires a valid Bearer token"],
    ["GET", "/admin/users", undefined, 401, "no_authorization", "This endpoint requires a valid Bearer token"],
  ];
  for (const [method, path, body, status, code, message] of cases) {
    // The gateway puts the client key's role JWT in Authorization when a request has none;
    // Supabase Auth then sees the anon role. /user and /admin/users are asked without a key
    // for the missing-token case.
    const got = path === "/user" || path === "/admin/users"
      ? await fetch(`${AUTH}${path}`, { headers: { "x-supabase-api-version": "2024-01-01" } })
        .then(async (r) => ({ status: r.status, body: await r.json(), errorCode: r.headers.get("x-sb-error-code") }))
      : await call(method, path, { body });
    assertEquals([got.status, got.body.code, got.body.message], [status, code, message], `${method} ${path} ${body ?? ""}`);
  }
});

Deno.test("auth contract: the initial error shape without the version header", async () => {
  const got = await call("POST", "/token?grant_type=password", {
    body: JSON.stringify({ email: uniqueEmail("nobody"), password: "secret123" }),
    versioned: false,
  });
  assertEquals(got.status, 400);
  assertEquals(got.body, { code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" });
  assertEquals(got.errorCode, "invalid_credentials");
});

Deno.test("auth contract: tokens and roles at /user, /logout and /admin", async () => {
  const user = await createUser(uniqueEmail("contract"), { password: "secret123" });
  try {
    const session = await call("POST", "/token?grant_type=password", {
      body: JSON.stringify({ email: user.email, password: "secret123" }),
    });
    assertEquals(session.status, 200);
    assertEquals(session.body.weak_password, null, "the password grant names no weak password");
    const token = session.body.access_token as string;

    const bad = await call("GET", "/user", { token: "a.b.c" });
    assertEquals([bad.status, bad.body.code], [403, "bad_jwt"]);
    const appMeta = await call("PUT", "/user", { token, body: `{"app_metadata":{"tenant_id":"x"}}` });
    assertEquals([appMeta.status, appMeta.body.code, appMeta.body.message], [
      403,
      "not_admin",
      "Updating app_metadata requires admin privileges",
    ]);
    const scope = await call("POST", "/logout?scope=all", { token });
    assertEquals([scope.status, scope.body.code, scope.body.message], [400, "validation_failed", 'Unsupported logout scope "all"']);
    const asUser = await call("GET", "/admin/users", { token });
    assertEquals([asUser.status, asUser.body.code, asUser.body.message], [403, "not_admin", "User not allowed"]);

    const badId = await call("GET", "/admin/users/nope", { key: serverKey });
    assertEquals([badId.status, badId.body.code, badId.body.message], [404, "validation_failed", "user_id must be an UUID"]);
    const unknown = await call("GET", `/admin/users/${crypto.randomUUID()}`, { key: serverKey });
    assertEquals([unknown.status, unknown.body.code, unknown.body.message], [404, "user_not_found", "User not found"]);
    const none = await call("POST", "/admin/users", { key: serverKey, body: "{}" });
    assertEquals([none.status, none.body.code], [400, "validation_failed"]);

    const out = await fetch(`${AUTH}/logout?scope=local`, {
      method: "POST",
      headers: { apikey: clientKey, authorization: `Bearer ${token}` },
    });
    assertEquals(out.status, 204);
    await out.body?.cancel();
    const after = await call("GET", "/user", { token });
    assertEquals([after.status, after.body.code], [403, "session_not_found"]);
  } finally {
    await deleteUsers(user.id);
  }
});

Deno.test("auth contract: what is not served answers 404 in Supabase Auth's error shape", async () => {
  for (const path of ["/factors", "/sso", "/reauthenticate", "/passkeys/authentication/options"]) {
    const got = await call("POST", path, { body: "{}" });
    assertEquals([got.status, got.body.code], [404, "feature_disabled"], path);
  }
});
