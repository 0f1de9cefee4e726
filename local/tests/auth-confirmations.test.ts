//! `[auth.email] enable_confirmations = true`, the setting the project's config.toml does
//! not use (the stack runs with it off; tests/recruiter-signs-up.test.ts covers that one):
//! sign-up answers the unconfirmed user without a session (the confirmation mail goes to
//! the stack's Mailpit; local/tests/auth-mail.test.ts follows it), sign-in is refused with
//! `email_not_confirmed` until the address is confirmed, asking again within
//! `max_frequency` is `over_email_send_rate_limit`, and a confirmed address signing up
//! again gets a made-up user that tells nothing. Against a second stand-in with that
//! config.toml (auth-standin.ts); here SQL confirms the address.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { deleteUsers, psql, sql, uniqueEmail } from "../../tests/lib/mod.ts";
import { post, withStandIn } from "./auth-standin.ts";

const CONFIG = `[auth]\nminimum_password_length = 8\n[auth.email]\nenable_confirmations = true\nmax_frequency = "1m0s"\n`;

Deno.test("confirmations on: no session until the address is confirmed", async () => {
  const email = uniqueEmail("confirm");
  const password = "confirm me please";
  let id = "";
  try {
    await withStandIn(CONFIG, async (url) => {
      const signup = await post(url, "/signup", { email, password });
      assertEquals(signup.status, 200);
      id = signup.body.id;
      assertEquals(signup.body.email, email);
      assertEquals(signup.body.access_token, undefined, "no session");
      assert(typeof signup.body.confirmation_sent_at === "string", "a confirmation is (said to be) sent");
      assertEquals(signup.body.email_confirmed_at, undefined);

      const early = await post(url, "/token?grant_type=password", { email, password });
      assertEquals([early.status, early.body.code, early.body.message], [400, "email_not_confirmed", "Email not confirmed"]);
      const wrong = await post(url, "/token?grant_type=password", { email, password: "not the password" });
      assertEquals(wrong.body.code, "invalid_credentials", "a wrong password is refused before confirmation is told");

      const again = await post(url, "/signup", { email, password });
      assertEquals([again.status, again.body.code], [429, "over_email_send_rate_limit"]);
      assert(/^For security purposes, you can only request this after \d+ seconds\.$/.test(again.body.message));

      await psql(`update auth.users set email_confirmed_at = now(), confirmation_token = '' where id = :'id'`, { id });
      const ok = await post(url, "/token?grant_type=password", { email, password });
      assertEquals(ok.status, 200);
      assertEquals(ok.body.user.id, id);

      // A confirmed address signing up again learns nothing: a made-up user, no session.
      const confirmedAgain = await post(url, "/signup", { email, password });
      assertEquals(confirmedAgain.status, 200);
      assert(confirmedAgain.body.id !== id, "not the real user's id");
      assertEquals(confirmedAgain.body.access_token, undefined);
      const rows = await sql(`select 1 from auth.users where lower(email) = lower(:'email')`, { email });
      assertEquals(rows.length, 1, "no second account");
    });
  } finally {
    if (id) await deleteUsers(id);
  }
});
