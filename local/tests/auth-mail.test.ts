//! The Auth stand-in's mail endpoints case by case, as Supabase Auth v2.189.0 (its public
//! source built and run beside the stand-in, on its own database, mailing to the same
//! Mailpit, with the same settings) answered the same requests: status, error code and
//! message; the redirect of a link that fails; the mail's subject and link; the limits.
//! Through the gateway (confirmations off, as config.toml has them), and a second
//! stand-in (local/tests/auth-standin.ts) for confirmations on and the hourly mail limit.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { clientKey, config, deleteUsers, serverKey, sql, uniqueEmail, waitForMail } from "../../tests/lib/mod.ts";
import { post, withStandIn } from "./auth-standin.ts";

const AUTH = `${config.apiUrl}/auth/v1`;

async function call(method: string, path: string, body?: unknown, key = clientKey) {
  const r = await fetch(`${AUTH}${path}`, {
    method,
    headers: { apikey: key, authorization: `Bearer ${key}`, "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {}, location: r.headers.get("location") };
}

Deno.test("auth mail contract: refusals of verify, resend, recover, otp, invite, generate_link, admin PUT", async () => {
  const nobody = uniqueEmail("nobody");
  const cases: [string, string, unknown, number, string | null, string | null, string?][] = [
    ["POST", "/verify", {}, 400, "validation_failed", "Verify requires a verification type"],
    ["POST", "/verify", { type: "signup" }, 400, "validation_failed", "Verify requires either a token or a token hash"],
    ["POST", "/verify", { type: "signup", token: "1", token_hash: "x" }, 400, "validation_failed", "Verify requires either a token or a token hash"],
    ["POST", "/verify", { type: "signup", token_hash: "x", email: "a@b.co" }, 400, "validation_failed", "Only the token_hash and type should be provided"],
    ["POST", "/verify", { type: "signup", token_hash: "nope" }, 403, "otp_expired", "Email link is invalid or has expired"],
    ["POST", "/verify", { type: "signup", token_hash: "nope", email: null, redirect_to: null }, 403, "otp_expired", "Email link is invalid or has expired"],
    ["POST", "/verify", { type: "sms", token_hash: "nope" }, 400, "validation_failed", "Invalid email verification type"],
    ["POST", "/verify", { type: "email", token: "123456", email: nobody }, 403, "otp_expired", "Token has expired or is invalid"],
    ["POST", "/verify", { type: "signup", token: "123456", email: "bad" }, 422, "validation_failed", "Invalid email format"],
    ["POST", "/verify", { type: "signup", token: "1", email: "a@b.co", phone: "123" }, 400, "validation_failed", "Only an email address or phone number should be provided on verify"],
    ["GET", "/verify?type=signup", undefined, 400, "validation_failed", "Verify requires a token or a token hash"],
    ["GET", "/verify?token=abc", undefined, 400, "validation_failed", "Verify requires a verification type"],
    ["POST", "/resend", { type: "foo", email: nobody }, 400, "validation_failed", "Missing one of these types: signup, email_change, sms, phone_change"],
    ["POST", "/resend", { type: "signup" }, 400, "validation_failed", "Type provided requires an email address"],
    ["POST", "/resend", { type: "email_change" }, 400, "validation_failed", "Missing email address or phone number"],
    ["POST", "/resend", { type: "signup", email: nobody, phone: "+15555550123" }, 400, "validation_failed", "Only an email address or phone number should be provided."],
    ["POST", "/resend", { type: "signup", email: "bad" }, 400, "validation_failed", "Unable to validate email address: invalid format"],
    ["POST", "/resend", { type: "signup", email: nobody }, 200, null, null],
    ["POST", "/resend", { type: "email_change", email: nobody }, 200, null, null],
    ["POST", "/recover", {}, 400, "validation_failed", "Password recovery requires an email"],
    ["POST", "/recover", { email: "bad" }, 400, "validation_failed", "Unable to validate email address: invalid format"],
    ["POST", "/recover", { email: nobody }, 200, null, null],
    ["POST", "/otp", { email: nobody, phone: "+15555550123" }, 400, "validation_failed", "Only an email address or phone number should be provided"],
    ["POST", "/otp", {}, 400, "validation_failed", "One of email or phone must be set"],
    ["POST", "/otp", { email: nobody, create_user: false }, 422, "otp_disabled", "Signups not allowed for otp"],
    ["POST", "/otp", { email: nobody, channel: "sms" }, 400, "validation_failed", "Channel should only be specified with Phone OTP"],
    ["POST", "/otp", { email: "bad" }, 400, "validation_failed", "Unable to validate email address: invalid format"],
    ["POST", "/invite", { email: nobody }, 403, "not_admin", "User not allowed"],
    ["POST", "/invite", { email: "" }, 400, "validation_failed", "An email address is required", serverKey],
    ["POST", "/admin/generate_link", { type: "recovery", email: nobody }, 404, "user_not_found", "User with this email not found", serverKey],
    ["POST", "/admin/generate_link", { type: "bogus", email: nobody }, 400, "validation_failed", "Invalid email action link type requested: bogus", serverKey],
    ["POST", "/admin/generate_link", { type: "signup" }, 400, "validation_failed", "An email address is required", serverKey],
    ["PUT", `/admin/users/${crypto.randomUUID()}`, {}, 404, "user_not_found", "User not found", serverKey],
    ["PUT", "/admin/users/notauuid", {}, 404, "validation_failed", "user_id must be an UUID", serverKey],
  ];
  for (const [method, path, body, status, code, message, key] of cases) {
    const got = await call(method, path, body, key);
    const answer = status === 200 ? [got.status, got.body] : [got.status, got.body.code, got.body.message];
    assertEquals(answer, status === 200 ? [200, {}] : [status, code, message], `${method} ${path} ${JSON.stringify(body)}`);
  }
  // No mail went to the address nobody registered.
  assertEquals((await sql(`select 1 from auth.users where email = :'e'`, { e: nobody })).length, 0);
});

Deno.test("auth mail contract: a link that fails redirects with the error in the fragment, to an allowed URL only", async () => {
  const evil = await call("GET", "/verify?type=signup&token=nope&redirect_to=https://evil.example/x");
  assertEquals(evil.status, 303);
  assertEquals(
    evil.location,
    "http://127.0.0.1:3000#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=",
    "site_url: the redirect is not allowed",
  );
  const allowed = await call("GET", `/verify?type=signup&token=nope&redirect_to=${encodeURIComponent("http://127.0.0.1:3000/x?a=1")}`);
  assertEquals(
    allowed.location,
    "http://127.0.0.1:3000/x?a=1#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=",
  );
  const sms = await call("GET", "/verify?type=sms&token=nope");
  assertEquals(
    sms.location,
    "http://127.0.0.1:3000#error=invalid_request&error_code=validation_failed&error_description=Invalid+email+verification+type&sb=",
  );
});

Deno.test("auth mail contract: admin PUT refuses what Supabase Auth refuses, bans and lifts bans", async () => {
  const email = uniqueEmail("put");
  const made = await call("POST", "/admin/users", { email, password: "secret123", email_confirm: true }, serverKey);
  const id = made.body.id;
  try {
    const put = (body: unknown) => call("PUT", `/admin/users/${id}`, body, serverKey);
    const d = await put({ ban_duration: "1d" });
    assertEquals([d.status, d.body.code, d.body.message], [400, "validation_failed", 'invalid format for ban duration: time: unknown unit "d" in duration "1d"']);
    const ten = await put({ ban_duration: "10" });
    assertEquals(ten.body.message, 'invalid format for ban duration: time: missing unit in duration "10"');
    const weak = await put({ password: "short" });
    assertEquals([weak.status, weak.body.code], [422, "weak_password"]);
    const banned = await put({ ban_duration: "24h", app_metadata: { plan: "x" }, user_metadata: { n: 1 } });
    assertEquals(banned.status, 200);
    assertEquals(banned.body.app_metadata, { provider: "email", providers: ["email"], plan: "x" });
    assertEquals(banned.body.user_metadata.n, 1);
    const signIn = await call("POST", "/token?grant_type=password", { email, password: "secret123" });
    assertEquals([signIn.status, signIn.body.code, signIn.body.message], [400, "user_banned", "User is banned"]);
    const lifted = await put({ ban_duration: "none" });
    assertEquals(lifted.body.banned_until, undefined);
  } finally {
    await deleteUsers(id);
  }
});

const CONFIRMING = `[auth]\nsite_url = "http://127.0.0.1:3000"\nminimum_password_length = 8\n[auth.email]\nenable_confirmations = true\n`;

Deno.test("auth mail contract: confirmations on: the mail, its link once, the per-user frequency, the code", async () => {
  const email = uniqueEmail("mailed");
  let id = "";
  try {
    await withStandIn(CONFIRMING, async (url) => {
      const signup = await post(url, `/signup?redirect_to=${encodeURIComponent("http://127.0.0.1:3000/welcome")}`, { email, password: "secret123" });
      assertEquals(signup.status, 200);
      id = signup.body.id;
      const mail = await waitForMail(email);
      assertEquals([mail.subject, mail.from], ["Confirm Your Email", "admin@email.com"]);
      const link = new URL(mail.link);
      assertEquals(`${link.origin}${link.pathname}`, `${config.apiUrl}/auth/v1/verify`);
      assertEquals([...link.searchParams.keys()], ["token", "type", "redirect_to"]);
      assertEquals([link.searchParams.get("type"), link.searchParams.get("redirect_to")], ["signup", "http://127.0.0.1:3000/welcome"]);
      const stored = await sql<{ confirmation_token: string; hashes: string[] }>(
        `select confirmation_token, (select array_agg(token_hash) from auth.one_time_tokens o
           where o.user_id = u.id and o.token_type = 'confirmation_token') as hashes
         from auth.users u where id = :'id'`,
        { id },
      );
      assertEquals(stored[0].confirmation_token, link.searchParams.get("token"), "the column holds the hash");
      assertEquals(stored[0].hashes, [link.searchParams.get("token")], "and auth.one_time_tokens");

      for (const again of [await post(url, "/signup", { email, password: "secret123" }), await post(url, "/resend", { type: "signup", email })]) {
        assertEquals([again.status, again.body.code], [429, "over_email_send_rate_limit"]);
        assert(/^For security purposes, you can only request this after \d+ seconds\.$/.test(again.body.message), again.body.message);
      }

      const first = await fetch(`${url}/verify${link.search}`, { redirect: "manual" });
      await first.body?.cancel();
      assertEquals(first.status, 303);
      const [to, fragment] = (first.headers.get("location") ?? "").split("#");
      assertEquals(to, "http://127.0.0.1:3000/welcome");
      assertEquals([...new URLSearchParams(fragment).keys()], ["access_token", "expires_at", "expires_in", "refresh_token", "sb", "token_type", "type"]);
      const second = await fetch(`${url}/verify${link.search}`, { redirect: "manual" });
      await second.body?.cancel();
      assertEquals(new URLSearchParams(second.headers.get("location")!.split("#")[1]).get("error_code"), "otp_expired");
      assertEquals((await sql(`select 1 from auth.one_time_tokens where user_id = :'id'`, { id })).length, 0, "all spent");

      // Recovery by the code in the mail, typed in: a wrong code first.
      assertEquals((await post(url, "/recover", { email })).body, {});
      const recovery = await waitForMail(email, 2);
      assertEquals(recovery.subject, "Reset Your Password");
      const code = /code (\d{6})/.exec(recovery.html)![1];
      const wrong = await post(url, "/verify", { type: "recovery", email, token: code === "000000" ? "111111" : "000000" });
      assertEquals([wrong.status, wrong.body.code, wrong.body.message], [403, "otp_expired", "Token has expired or is invalid"]);
      const typed = await post(url, "/verify", { type: "recovery", email, token: code });
      assertEquals([typed.status, typed.body.user?.id], [200, id]);
    });
  } finally {
    if (id) await deleteUsers(id);
  }
});

Deno.test("auth mail contract: [auth.rate_limit] email_sent caps mails per hour with [auth.email.smtp], and the refused sign-up leaves no user", async () => {
  const smtp = `[auth.email.smtp]\nhost = "127.0.0.1"\nport = ${config.mailSmtpPort}\nuser = "any"\npass = "any"\nadmin_email = "auth@example.com"\nsender_name = "Auth"\n[auth.rate_limit]\nemail_sent = 2\n`;
  const emails = [uniqueEmail("rl"), uniqueEmail("rl"), uniqueEmail("rl")];
  try {
    await withStandIn(CONFIRMING + smtp, async (url) => {
      const answers = [];
      for (const email of emails) answers.push(await post(url, "/signup", { email, password: "secret123" }));
      assertEquals(answers.map((a) => a.status), [200, 200, 429]);
      assertEquals([answers[2].body.code, answers[2].body.message], ["over_email_send_rate_limit", "email rate limit exceeded"]);
      assertEquals((await waitForMail(emails[0])).from, "auth@example.com", "the SMTP section's sender");
      const signIn = await post(url, "/token?grant_type=password", { email: emails[2], password: "secret123" });
      assertEquals(signIn.body.code, "invalid_credentials", "the third user was not created");
    });
  } finally {
    const rows = await sql<{ id: string }>(`select id from auth.users where email = any(:'e'::text[])`, { e: `{${emails.join(",")}}` });
    await deleteUsers(...rows.map((r) => r.id));
  }
});
