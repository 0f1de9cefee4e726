//! User story: a candidate registers from an invitation, through supabase-js and Auth as
//! the frontend does; no token in this file is minted by the test.
//!
//! A recruiter signs up, creates the organisation and a position, and invites the
//! candidate by email (`create_candidate_invitation`). The candidate signs up with that
//! address on an Auth with `[auth.email] enable_confirmations = true` (a second Auth
//! stand-in with that config.toml, the stack's keys and database, mailing to the stack's
//! Mailpit; local/tests/auth-standin.ts); until they follow the link in the confirmation
//! mail they get no session, so `link-candidate-account` refuses them. Once confirmed they
//! link the account with the invitation token, refresh, and see the interview in
//! `candidate_sessions()`. Someone else, signed up with another address, cannot use that
//! token.

import { isAuthApiError, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { withStandIn } from "../local/tests/auth-standin.ts";
import { assert, assertEquals } from "./lib/assert.ts";
import {
  browser,
  config,
  deleteUsers,
  follow,
  payload,
  psql,
  requireFunction,
  takeSession,
  uniqueEmail,
  waitForMail,
} from "./lib/mod.ts";

const PASSWORD = "candidate password 1";
const CONFIRMING = `[auth]
site_url = "http://127.0.0.1:3000"
minimum_password_length = 8
[auth.email]
enable_confirmations = true
[auth.hook.custom_access_token]
enabled = true
uri = "pg-functions://postgres/public/custom_access_token_hook"
`;
const WELCOME = "http://127.0.0.1:3000/welcome";

/** A recruiter signed up through Auth, with an organisation, a position and an invitation. */
async function recruiterInvites(candidateEmail: string) {
  const recruiter = browser();
  const { data: signedUp, error } = await recruiter.auth.signUp({ email: uniqueEmail("recruiter"), password: PASSWORD });
  assertEquals(error, null);
  const { data: tenantId } = await recruiter.rpc("create_tenant", { p_name: `Invites ${crypto.randomUUID().slice(0, 6)}` });
  assertEquals((await recruiter.auth.refreshSession()).error, null, "the refreshed token carries the tenant");
  const { data: position, error: positionError } = await recruiter.from("positions")
    .insert({ tenant_id: tenantId, title: "Site Reliability Engineer" }).select("id").single();
  assertEquals(positionError, null);
  const { data: invitation, error: inviteError } = await recruiter.rpc("create_candidate_invitation", {
    p_tenant_id: tenantId,
    p_candidate_email: candidateEmail,
    p_position_id: position!.id,
  });
  assertEquals(inviteError, null);
  return { recruiterId: signedUp.user!.id, tenantId: tenantId as string, invitation: invitation as { token: string; session_id: string } };
}

/** Signs up on the confirming Auth and confirms from the mail; the signed-in client. */
async function signUpAndConfirm(authUrl: string, email: string): Promise<{ client: SupabaseClient; id: string }> {
  const client = browser(authUrl);
  const { data, error } = await client.auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: WELCOME } });
  assertEquals(error, null);
  const mail = await waitForMail(email);
  await takeSession(client, (await follow(mail.link)).fragment);
  return { client, id: data.user!.id };
}

Deno.test("candidate registration: invited, signs up, confirms from the mail, links the account, sees the interview", async () => {
  await requireFunction("link-candidate-account", "build it (scripts/build.sh) and start the stack (scripts/stack.sh start)");
  const email = uniqueEmail("candidate");
  const { recruiterId, tenantId, invitation } = await recruiterInvites(email);
  const ids: string[] = [recruiterId];
  try {
    await withStandIn(CONFIRMING, async (authUrl) => {
      const candidate = browser(authUrl);
      const { data, error } = await candidate.auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: WELCOME } });
      assertEquals(error, null);
      assertEquals(data.session, null, "no session before the address is confirmed");
      // The candidate's account stays: the used invitation keeps pointing at it.

      // Not confirmed: no sign-in, so no call of link-candidate-account as this person.
      const early = await candidate.auth.signInWithPassword({ email, password: PASSWORD });
      assert(isAuthApiError(early.error) && early.error.code === "email_not_confirmed", `${early.error}`);
      const refused = await candidate.functions.invoke("link-candidate-account", { body: { invitation_token: invitation.token } });
      assertEquals((refused.error as { context?: Response })?.context?.status, 401, "without a session the function refuses");

      const mail = await waitForMail(email);
      assertEquals(mail.subject, "Confirm Your Email");
      assertEquals(mail.to, [email]);
      const link = new URL(mail.link);
      assertEquals(`${link.origin}${link.pathname}`, `${config.apiUrl}/auth/v1/verify`, "the link goes through the gateway");
      assertEquals([link.searchParams.get("type"), link.searchParams.get("redirect_to")], ["signup", WELCOME]);
      assert(/^[0-9a-f]{56}$/.test(link.searchParams.get("token")!), "the token is a hash, not the code");

      const { location, fragment } = await follow(mail.link);
      assert(location.startsWith(`${WELCOME}#`), location);
      assertEquals([fragment.get("type"), fragment.get("token_type")], ["signup", "bearer"]);
      const again = await follow(mail.link);
      assertEquals(again.fragment.get("error_code"), "otp_expired", "the link works once");

      await takeSession(candidate, fragment);
      assertEquals(payload(fragment.get("access_token")!).amr[0].method, "otp");

      // Someone else, confirmed with their own address, cannot redeem the invitation.
      const other = await signUpAndConfirm(authUrl, uniqueEmail("other"));
      ids.push(other.id);
      const stolen = await other.client.functions.invoke("link-candidate-account", { body: { invitation_token: invitation.token } });
      const stolenBody = await (stolen.error as { context: Response }).context.json();
      assertEquals([(stolen.error as { context: Response }).context.status, stolenBody.error?.code], [403, "email_mismatch"]);

      const linked = await candidate.functions.invoke("link-candidate-account", { body: { invitation_token: invitation.token } });
      assertEquals(linked.error, null);
      assertEquals(linked.data.tenant_id, tenantId);

      const { data: refreshed, error: refreshError } = await candidate.auth.refreshSession();
      assertEquals(refreshError, null);
      assertEquals(payload(refreshed.session!.access_token).app_metadata.is_candidate, true, "the hook marks the candidate");
      const { data: sessions, error: listError } = await candidate.rpc("candidate_sessions");
      assertEquals(listError, null);
      assertEquals((sessions as { session_id: string }[]).map((s) => s.session_id), [invitation.session_id]);
    }, "stack");
  } finally {
    await psql(`delete from public.users where id = :'id'`, { id: recruiterId });
    await deleteUsers(...ids);
  }
});
