//! User story: the service role's admin API (`auth.admin`, on a server with the secret
//! key) creates a user the test then signs in as, bans and unbans them, makes a sign-in
//! link for them (`generateLink`), and invites someone by email (`inviteUserByEmail`),
//! whose mail caught by Mailpit signs them in to choose a password. Through supabase-js
//! and the gateway's Auth; no token is minted by the test.

import { createClient, isAuthApiError } from "npm:@supabase/supabase-js@2.119.1";
import { assert, assertEquals } from "./lib/assert.ts";
import { browser, config, deleteUsers, follow, payload, serverKey, takeSession, uniqueEmail, waitForMail } from "./lib/mod.ts";

const PASSWORD = "an admin-made password";

function admin() {
  return createClient(config.apiUrl, serverKey, { auth: { persistSession: false, autoRefreshToken: false } }).auth.admin;
}

Deno.test("admin: createUser makes a confirmed user who signs in; a ban stops them until lifted", async () => {
  const email = uniqueEmail("made");
  const { data, error } = await admin().createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { team: "blue" } });
  assertEquals(error, null);
  const id = data.user!.id;
  try {
    const signedIn = await browser().auth.signInWithPassword({ email, password: PASSWORD });
    assertEquals(signedIn.error, null);
    assertEquals(payload(signedIn.data.session!.access_token).user_metadata.team, "blue");

    const banned = await admin().updateUserById(id, { ban_duration: "24h", app_metadata: { plan: "trial" } });
    assertEquals(banned.error, null);
    assert(Date.parse(banned.data.user!.banned_until!) > Date.now() + 23 * 3600_000, "banned for a day");
    assertEquals(banned.data.user!.app_metadata.plan, "trial");
    const refused = await browser().auth.signInWithPassword({ email, password: PASSWORD });
    assert(isAuthApiError(refused.error) && refused.error.code === "user_banned", `${refused.error}`);
    const badBan = await admin().updateUserById(id, { ban_duration: "one day" });
    assert(isAuthApiError(badBan.error) && badBan.error.status === 400, `${badBan.error}`);
    assertEquals(badBan.error.code, "validation_failed");

    assertEquals((await admin().updateUserById(id, { ban_duration: "none", password: "another admin password" })).error, null);
    const back = await browser().auth.signInWithPassword({ email, password: "another admin password" });
    assertEquals(back.error, null);

    const { data: link, error: linkError } = await admin().generateLink({ type: "magiclink", email });
    assertEquals(linkError, null);
    assertEquals(link.properties!.verification_type, "magiclink");
    assertEquals(link.properties!.email_otp.length, 6);
    const app = browser();
    await takeSession(app, (await follow(link.properties!.action_link)).fragment);
    assertEquals((await app.auth.getUser()).data.user?.id, id);
  } finally {
    await deleteUsers(id);
  }
});

Deno.test("admin: an invited user follows the mail's link, is signed in, and chooses a password", async () => {
  const email = uniqueEmail("invitee");
  const { data, error } = await admin().inviteUserByEmail(email, { data: { invited_by: "tests" } });
  assertEquals(error, null);
  const id = data.user!.id;
  try {
    assert(data.user!.invited_at, "invited_at is set");
    assertEquals(data.user!.email_confirmed_at, undefined);
    const again = await admin().inviteUserByEmail(email);
    assertEquals(again.error, null, "an unconfirmed invitee can be invited again");
    const mail = await waitForMail(email, 2);
    assertEquals(mail.subject, "You have been invited");
    assertEquals(new URL(mail.link).searchParams.get("type"), "invite");
    const app = browser();
    const { fragment } = await follow(mail.link);
    assertEquals(fragment.get("type"), "invite");
    await takeSession(app, fragment);
    assertEquals((await app.auth.updateUser({ password: PASSWORD })).error, null);
    const signedIn = await browser().auth.signInWithPassword({ email, password: PASSWORD });
    assertEquals(signedIn.error, null);
    const confirmedAgain = await admin().inviteUserByEmail(email);
    assert(isAuthApiError(confirmedAgain.error) && confirmedAgain.error.code === "email_exists", `${confirmedAgain.error}`);
  } finally {
    await deleteUsers(id);
  }
});
