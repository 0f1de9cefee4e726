//! User story: a user who forgot their password asks for a reset
//! (`auth.resetPasswordForEmail`), follows the link in the mail caught by Mailpit, is
//! signed in by it, and chooses a new password (`auth.updateUser`); the old one no longer
//! works. Through supabase-js and the gateway's Auth; no token is minted by the test.

import { isAuthApiError } from "npm:@supabase/supabase-js@2.119.1";
import { assert, assertEquals } from "./lib/assert.ts";
import { browser, config, deleteUsers, follow, payload, takeSession, uniqueEmail, waitForMail } from "./lib/mod.ts";

const RESET = "http://127.0.0.1:3000/reset-password";

Deno.test("recovery: the mail's link signs the user in, and the new password replaces the old", async () => {
  const email = uniqueEmail("forgetful");
  const app = browser();
  const { data, error } = await app.auth.signUp({ email, password: "the old password" });
  assertEquals(error, null);
  try {
    await app.auth.signOut();
    const asked = await app.auth.resetPasswordForEmail(email, { redirectTo: RESET });
    assertEquals(asked.error, null);
    const mail = await waitForMail(email);
    assertEquals(mail.subject, "Reset Your Password");
    const link = new URL(mail.link);
    assertEquals(`${link.origin}${link.pathname}`, `${config.apiUrl}/auth/v1/verify`);
    assertEquals([link.searchParams.get("type"), link.searchParams.get("redirect_to")], ["recovery", RESET]);

    // Asking again at once is refused for [auth.email] max_frequency (Supabase Auth's 60 s).
    const again = await app.auth.resetPasswordForEmail(email, { redirectTo: RESET });
    assert(isAuthApiError(again.error) && again.error.status === 429, `${again.error}`);
    assertEquals(again.error.code, "over_email_send_rate_limit");

    const { location, fragment } = await follow(mail.link);
    assert(location.startsWith(`${RESET}#`), location);
    assertEquals(fragment.get("type"), "recovery");
    assertEquals(payload(fragment.get("access_token")!).amr[0].method, "otp");
    await takeSession(app, fragment);
    const updated = await app.auth.updateUser({ password: "the new password" });
    assertEquals(updated.error, null);

    const old = await browser().auth.signInWithPassword({ email, password: "the old password" });
    assertEquals(old.error?.code, "invalid_credentials");
    const fresh = await browser().auth.signInWithPassword({ email, password: "the new password" });
    assertEquals(fresh.error, null);

    // An address nobody registered gets the same answer and no mail.
    const nobody = uniqueEmail("nobody");
    assertEquals((await app.auth.resetPasswordForEmail(nobody)).error, null);
    assertEquals((await (await fetch(`${config.mailUrl}/api/v1/search?query=${encodeURIComponent(`to:"${nobody}"`)}`)).json()).messages_count ?? 0, 0);
  } finally {
    await deleteUsers(data.user!.id);
  }
});
