//! User story: a candidate invited by two organisations links their account and sees
//! their interviews, records consent or opts out of AI assessment, and nothing more.
//!
//! The whole flow through supabase-js: two recruiters (tenants A and B) generate a
//! position each (`generate-position`) and invite the same person (`invite-candidate`);
//! the person signs up with that address and redeems both links
//! (`link-candidate-account`); then `rpc("candidate_sessions")` lists both interviews
//! with the position title and company name and nothing else of either tenant (through
//! the tables they read no row of `tenants`, `positions` or `companies`), and
//! `rpc("record_session_consent")` records consent on their own open session only. The
//! session lifecycle refuses what it must (PT409 through PostgREST), and the expiry job
//! is the service role's alone.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  anonClient,
  assertOk,
  claimsFor,
  clientFor,
  createUser,
  invoke,
  requireFunction,
  serviceClient,
  signUp,
  sql,
  tokenFor,
  uniqueEmail,
} from "./lib/mod.ts";

async function ready() {
  for (const fn of ["generate-position", "invite-candidate", "link-candidate-account"]) {
    await requireFunction(fn, "build it (scripts/build.sh) and start the stack (scripts/stack.sh start --test)");
  }
}

interface Tenant {
  name: string;
  tenantId: string;
  token: string;
  companyName: string;
  positionId: string;
  positionTitle: string;
}

/** A new organisation whose owner created a company and generated a position for it. */
async function organisation(prefix: string, title: string): Promise<Tenant> {
  const owner = await signUp(prefix);
  const name = `${prefix} ${crypto.randomUUID().slice(0, 6)}`;
  const { data: tenantId, error } = await clientFor(owner.token).rpc("create_tenant", { p_name: name });
  assertEquals(error, null, "create_tenant");
  const token = await tokenFor(owner.id);
  const companyName = `${prefix} Industries`;
  const { data: company } = await clientFor(token).from("companies").insert({ name: companyName, tenant_id: tenantId! }).select("id").single();
  const generated = await invoke(clientFor(token), "generate-position", { title, company_id: company!.id });
  assertOk(generated, 201);
  return { name, tenantId: tenantId!, token, companyName, positionId: generated.body.position_id, positionTitle: title };
}

async function invite(t: Tenant, email: string) {
  const got = await invoke(clientFor(t.token), "invite-candidate", { candidate_email: email, position_id: t.positionId });
  assertOk(got, 201);
  return got.body as { session_id: string; invitation_token: string; candidate_id: string };
}

/** A person who signed up with `email` and redeemed `tokens`; their refreshed token. */
async function candidate(email: string, tokens: string[]) {
  const user = await createUser(email);
  let token = await tokenFor(user.id);
  for (const invitation_token of tokens) {
    const linked = await invoke(clientFor(token), "link-candidate-account", { invitation_token });
    assertOk(linked);
  }
  token = await tokenFor(user.id); // as after a refresh: app_metadata.is_candidate
  return { id: user.id, token };
}

// record_session_consent and expire_stale_sessions return jsonb (the Database type's Json).
type Consent = { session_id: string; status: string; consent_given_at: string | null; ai_opt_out_at: string | null };
type Expired = { session_ids: string[] };

interface Row {
  session_id: string;
  status: string;
  position_title: string;
  company_name: string | null;
  organization_name: string;
  consent_given_at: string | null;
  ai_opt_out_at: string | null;
}

const COLUMNS = [
  "ai_opt_out_at", "company_name", "consent_given_at", "ended_at", "invited_at", "organization_name",
  "position_id", "position_title", "scheduled_at", "session_id", "started_at", "status",
];

// ---------------------------------------------------------------------------------------

Deno.test("candidate: invited by A and B, linked, sees both interviews with title and company, and nothing else of either tenant", async () => {
  await ready();
  const a = await organisation("org-a", "Senior Backend Engineer");
  const b = await organisation("org-b", "Product Designer");
  const email = uniqueEmail("ada");
  const fromA = await invite(a, email);
  const fromB = await invite(b, email);
  const ada = await candidate(email, [fromA.invitation_token, fromB.invitation_token]);
  assertEquals((await claimsFor(ada.id)).app_metadata, { provider: "email", providers: ["email"], is_candidate: true });

  const client = clientFor(ada.token);
  const { data, error } = await client.rpc("candidate_sessions");
  assertEquals(error, null);
  const rows = data as Row[];
  assertEquals(rows.length, 2, JSON.stringify(rows));
  for (const row of rows) assertEquals(Object.keys(row).sort(), COLUMNS, "exactly the documented columns");
  const byId = Object.fromEntries(rows.map((r) => [r.session_id, r]));
  assertEquals(
    [byId[fromA.session_id].position_title, byId[fromA.session_id].company_name, byId[fromA.session_id].organization_name, byId[fromA.session_id].status],
    [a.positionTitle, a.companyName, a.name, "invited"],
  );
  assertEquals(
    [byId[fromB.session_id].position_title, byId[fromB.session_id].company_name, byId[fromB.session_id].organization_name],
    [b.positionTitle, b.companyName, b.name],
  );

  // Nothing else of those tenants through the tables: not even the tenants that invited
  // them or the positions they interview for (a row of either carries far more than a
  // name; candidate_sessions() above is how a candidate gets the names). A position of
  // A's that the candidate does not interview for, so "nothing" is not just "not yet".
  const other = await invoke(clientFor(a.token), "generate-position", { title: "Staff Engineer" });
  assertOk(other, 201);
  for (
    const table of [
      "tenants", "positions", "companies", "competencies", "position_competencies", "interview_invitations", "users",
      "audit_log", "candidate_profiles",
    ] as const
  ) {
    const { data: seen, error: readError } = await client.from(table).select("*");
    assertEquals(readError, null, `${table}: ${JSON.stringify(readError)}`);
    assertEquals(seen, [], `${table}: a candidate reads nothing`);
  }
  // Asked for by id, the rows behind the answer above are not there either.
  for (
    const [table, ids] of [
      ["tenants", [a.tenantId, b.tenantId]],
      ["positions", [a.positionId, b.positionId, other.body.position_id]],
    ] as const
  ) {
    const { data: seen, error: readError } = await client.from(table).select("id").in("id", [...ids]);
    assertEquals(readError, null, `${table}: ${JSON.stringify(readError)}`);
    assertEquals(seen, [], `${table}: a candidate reads none of these by id`);
  }
  // The owners still read theirs, so the empty answers above are the policies at work.
  const { data: ownPositions } = await clientFor(a.token).from("positions").select("id").in("id", [a.positionId, other.body.position_id]);
  assertEquals(ownPositions?.length, 2, "A's owner reads A's positions");
  const { data: ownTenant } = await clientFor(b.token).from("tenants").select("id");
  assertEquals(ownTenant, [{ id: b.tenantId }], "B's owner reads B");
  const { data: others } = await client.from("interview_sessions").select("id");
  assertEquals(new Set((others ?? []).map((s: { id: string }) => s.id)), new Set([fromA.session_id, fromB.session_id]), "only their own sessions");
});

Deno.test("candidate: a different candidate sees neither of the first one's interviews; a stranger and a recruiter see none", async () => {
  await ready();
  const a = await organisation("org-a", "Data Engineer");
  const b = await organisation("org-b", "QA Engineer");
  const first = uniqueEmail("first");
  const tokens = [(await invite(a, first)).invitation_token, (await invite(b, first)).invitation_token];
  await candidate(first, tokens);
  const secondEmail = uniqueEmail("second");
  const secondInvite = await invite(a, secondEmail);
  const second = await candidate(secondEmail, [secondInvite.invitation_token]);

  const { data } = await clientFor(second.token).rpc("candidate_sessions");
  assertEquals((data as Row[]).map((r) => r.session_id), [secondInvite.session_id], "only their own");

  const stranger = await signUp("stranger");
  const { data: none } = await clientFor(stranger.token).rpc("candidate_sessions");
  assertEquals(none, []);
  const { data: staff } = await clientFor(a.token).rpc("candidate_sessions");
  assertEquals(staff, [], "a recruiter is no candidate");
  const { error } = await anonClient().rpc("candidate_sessions");
  assert(error !== null, "anon cannot call it");
});

Deno.test("candidate: records consent and AI opt-out on their own open session, once; nobody else can", async () => {
  await ready();
  const a = await organisation("org-a", "Mobile Engineer");
  const email = uniqueEmail("consent");
  const invited = await invite(a, email);
  const me = await candidate(email, [invited.invitation_token]);
  const client = clientFor(me.token);

  const { data: firstJson, error } = await client.rpc("record_session_consent", { p_session_id: invited.session_id });
  assertEquals(error, null);
  const first = firstJson as Consent;
  assertEquals([first.session_id, first.status, first.ai_opt_out_at], [invited.session_id, "invited", null]);
  assert(first.consent_given_at, "consent is stamped");
  const again = (await client.rpc("record_session_consent", { p_session_id: invited.session_id })).data as Consent;
  assertEquals(again.consent_given_at, first.consent_given_at, "a retry keeps the first timestamp");
  const optedOut = (await client.rpc("record_session_consent", { p_session_id: invited.session_id, p_consent: false, p_ai_opt_out: true })).data as Consent;
  assert(optedOut.ai_opt_out_at, "AI opt-out is stamped");
  const { data: listed } = await client.rpc("candidate_sessions");
  assertEquals([(listed as Row[])[0].consent_given_at !== null, (listed as Row[])[0].ai_opt_out_at !== null], [true, true]);

  const { error: nothing } = await client.rpc("record_session_consent", { p_session_id: invited.session_id, p_consent: false });
  assertEquals([nothing?.code, nothing?.message], ["PT400", "nothing_to_record"]);

  // Another candidate, the recruiter, and a stranger cannot record it.
  const otherEmail = uniqueEmail("other");
  const other = await candidate(otherEmail, [(await invite(a, otherEmail)).invitation_token]);
  for (const token of [other.token, a.token, (await signUp("stranger")).token]) {
    const { error: refused } = await clientFor(token).rpc("record_session_consent", { p_session_id: invited.session_id });
    assertEquals([refused?.code, refused?.message], ["PT404", "session_not_found"]);
  }
  // Nor can the candidate change anything else of the session directly.
  const { error: direct } = await client.from("interview_sessions").update({ scheduled_at: new Date().toISOString() }).eq("id", invited.session_id);
  assertEquals(direct?.code, "42501", JSON.stringify(direct));
});

Deno.test("candidate: the lifecycle refuses forbidden transitions; a closed session takes no consent and its link dies", async () => {
  await ready();
  const a = await organisation("org-a", "DevOps Engineer");
  const email = uniqueEmail("lifecycle");
  const invited = await invite(a, email);
  const me = await candidate(email, [invited.invitation_token]);
  const staff = clientFor(a.token);

  const { error: skip } = await staff.from("interview_sessions").update({ status: "completed" }).eq("id", invited.session_id);
  assertEquals([skip?.code, skip?.message], ["PT409", "invalid_status_transition"], "invited cannot jump to completed");
  const { error: candidateCancels } = await clientFor(me.token).from("interview_sessions").update({ status: "cancelled" }).eq("id", invited.session_id);
  assertEquals(candidateCancels?.code, "42501", "a candidate cannot cancel");

  // A second, unredeemed invitation for the same session: cancelling revokes it.
  const reinvite = await invoke(clientFor(a.token), "invite-candidate", { candidate_email: email, position_id: a.positionId });
  assertOk(reinvite);
  const { error: cancel } = await staff.from("interview_sessions").update({ status: "cancelled" }).eq("id", invited.session_id);
  assertEquals(cancel, null);
  const [revoked] = await sql<{ revoked_at: string | null }>(`select revoked_at from public.interview_invitations where id = :'id'`, { id: reinvite.body.invitation_id });
  assert(revoked.revoked_at !== null, "the open invitation of a cancelled session is revoked");

  const { error: revive } = await staff.from("interview_sessions").update({ status: "invited" }).eq("id", invited.session_id);
  assertEquals([revive?.code, revive?.message], ["PT409", "invalid_status_transition"], "cancelled is final");
  const { error: closed } = await clientFor(me.token).rpc("record_session_consent", { p_session_id: invited.session_id });
  assertEquals([closed?.code, closed?.message], ["PT409", "session_closed"]);
});

Deno.test("candidate: the expiry job runs with the service role only and expires sessions whose invitations ran out", async () => {
  await ready();
  const a = await organisation("org-a", "Security Engineer");
  const invited = await invite(a, uniqueEmail("late"));
  await sql(`update public.interview_invitations set expires_at = now() - interval '1 minute' where session_id = :'s' returning id`, { s: invited.session_id });

  const { error: staffError } = await clientFor(a.token).rpc("expire_stale_sessions");
  assert(staffError !== null, "a recruiter cannot run it");
  const { data, error } = await serviceClient().rpc("expire_stale_sessions");
  assertEquals(error, null);
  assert((data as Expired).session_ids.includes(invited.session_id), JSON.stringify(data));
  const { data: session } = await clientFor(a.token).from("interview_sessions").select("status").eq("id", invited.session_id).single();
  assertEquals(session?.status, "expired");
  const { data: rerun } = await serviceClient().rpc("expire_stale_sessions");
  assert(!(rerun as Expired).session_ids.includes(invited.session_id), "idempotent");
});
