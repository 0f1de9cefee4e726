//! A recruiter adds a colleague to their organisation through supabase-js, as the frontend
//! does: the owner invites the colleague's address (`create_member_invitation`), the
//! colleague signs in and accepts (`accept_member_invitation`), and their next token
//! carries the tenant. Nobody can pull an account into a tenant without its consent: the
//! owner cannot insert a membership or rewrite one, and the token works only for the
//! invited, confirmed address.

import { assert, assertEquals } from "./lib/assert.ts";
import { clientFor, psql, signUp, sql, tokenFor } from "./lib/mod.ts";
import { tenantOwner } from "./interview/world.ts";

async function membership(userId: string): Promise<{ tenant_id: string; role: string } | undefined> {
  const rows = await sql<{ tenant_id: string; role: string }>(
    `select tenant_id, role from public.users where id = :'id'`,
    { id: userId },
  );
  return rows[0];
}

Deno.test("team: an owner cannot insert another account into the tenant or rewrite a member's account", async () => {
  const owner = await tenantOwner("team-owner");
  const stranger = await signUp("stranger");
  const { error } = await clientFor(owner.token).from("users")
    .insert({ id: stranger.id, tenant_id: owner.tenantId, role: "user", email: stranger.email });
  assertEquals(error?.code, "42501", "insert into users is refused");
  assertEquals(await membership(stranger.id), undefined, "the stranger is in no tenant");

  const { error: rewrite } = await clientFor(owner.token).from("users")
    .update({ id: stranger.id }).eq("id", owner.id);
  assertEquals(rewrite?.code, "42501", "users.id is not writable");
});

Deno.test("team: the invited colleague accepts with their confirmed address and gets the tenant's claims", async () => {
  const owner = await tenantOwner("team-owner");
  const colleague = await signUp("colleague");
  const { data: invitation, error } = await clientFor(owner.token)
    .rpc("create_member_invitation", { p_email: colleague.email.toUpperCase(), p_role: "admin" })
    .single<{ invitation_id: string; token: string; expires_at: string }>();
  assertEquals(error, null);
  assert(/^[0-9a-f]{64}$/.test(invitation!.token), "a 64-hex-character token");

  // The owner sees the open invitation, never its token.
  const { data: listed } = await clientFor(owner.token).from("member_invitations").select("email, role, accepted_at");
  assertEquals(listed, [{ email: colleague.email, role: "admin", accepted_at: null }]);

  // Someone else holding the token cannot use it.
  const other = await signUp("other");
  const { error: stolen } = await clientFor(other.token).rpc("accept_member_invitation", { p_token: invitation!.token });
  assertEquals(stolen?.message, "email_mismatch");
  assertEquals(await membership(other.id), undefined);

  const { data: tenantId, error: acceptError } = await clientFor(colleague.token)
    .rpc("accept_member_invitation", { p_token: invitation!.token });
  assertEquals(acceptError, null);
  assertEquals(tenantId, owner.tenantId);
  assertEquals(await membership(colleague.id), { tenant_id: owner.tenantId, role: "admin" });

  // Their next token names the tenant, and the tenant's rows are theirs to read.
  const fresh = await tokenFor(colleague.id);
  const claims = JSON.parse(atob(fresh.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  assertEquals(claims.app_metadata.tenant_id, owner.tenantId);
  assertEquals(claims.app_metadata.role, "admin");
  const { data: team, error: readError } = await clientFor(fresh).from("users").select("id");
  assertEquals(readError, null);
  assertEquals(new Set(team!.map((u) => u.id)), new Set([owner.id, colleague.id]));
});

Deno.test("team: an address not yet confirmed cannot accept, and a used invitation is not reusable", async () => {
  const owner = await tenantOwner("team-owner");
  const squatter = await signUp("squatter", { emailConfirmed: false });
  const { data: invitation } = await clientFor(owner.token)
    .rpc("create_member_invitation", { p_email: squatter.email, p_role: "user" })
    .single<{ token: string }>();
  const { error } = await clientFor(squatter.token).rpc("accept_member_invitation", { p_token: invitation!.token });
  assertEquals(error?.message, "email_not_confirmed");
  assertEquals(await membership(squatter.id), undefined);

  await psql(`update auth.users set email_confirmed_at = now() where id = :'id';`, { id: squatter.id });
  const { error: afterConfirm } = await clientFor(squatter.token).rpc("accept_member_invitation", { p_token: invitation!.token });
  assertEquals(afterConfirm, null, "once confirmed, the invitee gets in");
  const { error: again } = await clientFor(squatter.token).rpc("accept_member_invitation", { p_token: invitation!.token });
  assertEquals(again, null, "accepting twice is harmless");
  const rows = await sql<{ n: number }>(`select count(*)::int as n from public.users where id = :'id'`, { id: squatter.id });
  assertEquals(rows[0].n, 1, "one membership, not two");
});
