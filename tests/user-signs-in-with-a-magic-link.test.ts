//! User story: a user signs in with a magic link (`auth.signInWithOtp` by email): the mail
//! caught by Mailpit carries a link that signs them in and a code that does the same
//! (`auth.verifyOtp`); an unknown address is refused when sign-ups by link are off
//! (`shouldCreateUser: false`) and becomes a new, confirmed user otherwise. Through
//! supabase-js and the gateway's Auth (confirmations off, as config.toml has it).

import { isAuthApiError } from "npm:@supabase/supabase-js@2.119.1";
import { assert, assertEquals } from "./lib/assert.ts";
import { browser, deleteUsers, follow, payload, psql, sql, takeSession, uniqueEmail, waitForMail } from "./lib/mod.ts";

const HOME = "http://127.0.0.1:3000/home";

Deno.test("magic link: the link and the code each sign the user in once", async () => {
  const email = uniqueEmail("magic");
  const app = browser();
  const { data, error } = await app.auth.signUp({ email, password: "a password for later" });
  assertEquals(error, null);
  try {
    assertEquals((await app.auth.signInWithOtp({ email, options: { emailRedirectTo: HOME } })).error, null);
    const mail = await waitForMail(email);
    assertEquals(mail.subject, "Your Magic Link");
    assertEquals(new URL(mail.link).searchParams.get("type"), "magiclink");
    const { location, fragment } = await follow(mail.link);
    assert(location.startsWith(`${HOME}#`), location);
    await takeSession(app, fragment);
    assertEquals((await app.auth.getUser()).data.user?.id, data.user!.id);
    assertEquals(payload(fragment.get("access_token")!).amr[0].method, "otp");
    assertEquals((await follow(mail.link)).fragment.get("error_code"), "otp_expired", "used once");

    // The code in the mail, typed into the app, once the next mail may go (max_frequency).
    await psql(`update auth.users set recovery_sent_at = now() - interval '2 minutes' where id = :'id'`, { id: data.user!.id });
    assertEquals((await app.auth.signInWithOtp({ email })).error, null);
    const second = await waitForMail(email, 2);
    const code = /code (\d{6})/.exec(second.html)?.[1];
    assert(code, "the mail carries a six-digit code");
    const wrong = await browser().auth.verifyOtp({ email, token: code === "000000" ? "111111" : "000000", type: "email" });
    assert(isAuthApiError(wrong.error) && wrong.error.code === "otp_expired", `${wrong.error}`);
    const typed = await browser().auth.verifyOtp({ email, token: code, type: "email" });
    assertEquals(typed.error, null);
    assertEquals(typed.data.user?.id, data.user!.id);
  } finally {
    await deleteUsers(data.user!.id);
  }
});

Deno.test("magic link: an unknown address is refused without sign-ups, and signs up with them", async () => {
  const email = uniqueEmail("newcomer");
  const app = browser();
  const refused = await app.auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
  assert(isAuthApiError(refused.error) && refused.error.status === 422, `${refused.error}`);
  assertEquals(refused.error.code, "otp_disabled");

  assertEquals((await app.auth.signInWithOtp({ email, options: { data: { name: "New Comer" } } })).error, null);
  const rows = await sql<{ id: string; confirmed: boolean; name: string }>(
    `select id, email_confirmed_at is not null as confirmed, raw_user_meta_data ->> 'name' as name
     from auth.users where email = :'email'`,
    { email },
  );
  try {
    assertEquals(rows.length, 1);
    assertEquals([rows[0].confirmed, rows[0].name], [true, "New Comer"], "confirmations are off: confirmed at once");
    const mail = await waitForMail(email);
    assertEquals(mail.subject, "Your Magic Link");
    await takeSession(app, (await follow(mail.link)).fragment);
    assertEquals((await app.auth.getUser()).data.user?.email, email);
  } finally {
    await deleteUsers(...rows.map((r) => r.id));
  }
});
