-- create_candidate_invitation(p_tenant_id, p_candidate_email, p_position_id): who may
-- call it, what it creates (once), re-invites, and what it refuses.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(43);

-- ---- refused callers ---------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test')$$, '42501', null,
  'create_candidate_invitation: anon cannot call it');
select tests.authenticate_as('user_a');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test')$$, 'PT403', 'forbidden',
  'create_candidate_invitation: a plain user of the tenant is refused (PT403 forbidden)');
select tests.authenticate_as('admin_b');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test')$$, 'PT403', 'forbidden',
  'create_candidate_invitation: an admin of another tenant is refused');
select throws_ok($$select create_candidate_invitation(null, 'x@fixture.test')$$, 'PT403', 'forbidden',
  'create_candidate_invitation: a NULL tenant is refused');
select tests.authenticate_as('cand_ab');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test')$$, 'PT403', 'forbidden',
  'create_candidate_invitation: a candidate is refused');
select tests.authenticate_as('outsider');
select tests.set_claims(jsonb_set(tests.claims(), '{app_metadata}', '{"tenant_id": "10000000-0000-0000-0000-0000000000aa", "role": "owner"}'));
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test')$$, 'PT403', 'forbidden',
  'create_candidate_invitation: forged owner claims without a membership are refused');
select tests.set_claims('{"role": "authenticated"}');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test')$$, 'PT401', 'not_authenticated',
  'create_candidate_invitation: PT401 without a signed-in user');
reset role;
select is((select count(*)::int from public.candidates where email = 'x@fixture.test'), 0,
  'refused calls created no candidate');

-- ---- refused input -----------------------------------------------------------------
select tests.authenticate_as('admin_a');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'not an email')$$, 'PT400', 'invalid_email',
  'create_candidate_invitation: PT400 invalid_email');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'new@fixture.test', '50000000-0000-0000-0000-0000000000b1')$$,
  'PT404', 'position_not_found', 'create_candidate_invitation: another tenant''s position is PT404 position_not_found');
reset role;
update public.positions set status = 'archived' where id = '50000000-0000-0000-0000-0000000000a2';
select tests.authenticate_as('admin_a');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'new@fixture.test', '50000000-0000-0000-0000-0000000000a2')$$,
  'PT409', 'position_archived', 'create_candidate_invitation: an archived position is PT409 position_archived');

-- ---- a new candidate -----------------------------------------------------------------
select lives_ok($$create temp table inv1 as
  select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', '  New.Person@Fixture.TEST ', '50000000-0000-0000-0000-0000000000a1') as r$$,
  'create_candidate_invitation: an admin of the tenant invites a new person to a position');
reset role;
select is((select array_agg(k order by k) from inv1, jsonb_object_keys(r) k),
  array['candidate_id', 'created', 'expires_at', 'invitation_id', 'session_id', 'token'],
  'it answers {candidate_id, session_id, invitation_id, token, expires_at, created}');
select is((select (r ->> 'created')::boolean from inv1), true, 'created is true for a new session');
select matches((select r ->> 'token' from inv1), '^[0-9a-f]{64}$', 'the token is 64 hex characters (256 random bits)');
select results_eq(
  $$select tenant_id, email, full_name, auth_id from public.candidates where id = (select (r ->> 'candidate_id')::uuid from inv1)$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid, 'new.person@fixture.test'::text, 'new.person'::text, null::uuid)$$,
  'the candidate is created in the tenant, email normalised, not yet linked to an account');
select results_eq(
  $$select relationship_type, status from public.candidate_tenants
    where candidate_id = (select (r ->> 'candidate_id')::uuid from inv1) and tenant_id = '10000000-0000-0000-0000-0000000000aa'$$,
  $$values ('candidate'::text, 'active'::text)$$,
  'the candidate_tenants row exists');
select results_eq(
  $$select tenant_id, candidate_id, position_id, status from public.interview_sessions where id = (select (r ->> 'session_id')::uuid from inv1)$$,
  $$select '10000000-0000-0000-0000-0000000000aa'::uuid, (r ->> 'candidate_id')::uuid, '50000000-0000-0000-0000-0000000000a1'::uuid, 'invited'::text from inv1$$,
  'an invited session for the position exists');
select results_eq(
  $$select session_id, email, expires_at, used_at, revoked_at, created_by from public.interview_invitations where id = (select (r ->> 'invitation_id')::uuid from inv1)$$,
  $$select (r ->> 'session_id')::uuid, 'new.person@fixture.test'::text, now() + interval '7 days', null::timestamptz, null::timestamptz, '20000000-0000-0000-0000-0000000000a2'::uuid from inv1$$,
  'the invitation is for that email and session, expires in exactly 7 days, unused, by admin_a');
select is((select (r ->> 'expires_at')::timestamptz from inv1), now() + interval '7 days', 'expires_at is returned');
select is(
  (select token_hash from public.interview_invitations where id = (select (r ->> 'invitation_id')::uuid from inv1)),
  (select sha256(decode(r ->> 'token', 'hex')) from inv1),
  'only the token''s sha256 is stored');
select is(
  (select count(*)::int from public.audit_log a, inv1
   where a.row_id = inv1.r ->> 'invitation_id' and a.op = 'INSERT' and a.actor_id = '20000000-0000-0000-0000-0000000000a2'),
  1, 'the invitation is audited with admin_a as the actor');

-- ---- the same person and position again: once ----------------------------------------
select tests.authenticate_as('owner_a');
select lives_ok($$create temp table inv2 as
  select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'new.person@fixture.test', '50000000-0000-0000-0000-0000000000a1') as r$$,
  'create_candidate_invitation: re-inviting the same person to the same position works');
reset role;
select is((select r ->> 'candidate_id' from inv2), (select r ->> 'candidate_id' from inv1), 're-invite: same candidate');
select is((select r ->> 'session_id' from inv2), (select r ->> 'session_id' from inv1), 're-invite: the open session is returned');
select is((select (r ->> 'created')::boolean from inv2), false, 're-invite: created is false');
select isnt((select r ->> 'token' from inv2), (select r ->> 'token' from inv1), 're-invite: a fresh token');
select isnt((select revoked_at from public.interview_invitations where id = (select (r ->> 'invitation_id')::uuid from inv1)), null,
  're-invite: the earlier open invitation is revoked');
select results_eq(
  $$select (select count(*) from public.candidates where email = 'new.person@fixture.test')::int,
           (select count(*) from public.interview_sessions where candidate_id = (select (r ->> 'candidate_id')::uuid from inv1))::int,
           (select count(*) from public.candidate_tenants where candidate_id = (select (r ->> 'candidate_id')::uuid from inv1))::int,
           (select count(*) from public.interview_invitations where candidate_id = (select (r ->> 'candidate_id')::uuid from inv1) and revoked_at is null)::int$$,
  $$values (1, 1, 1, 1)$$,
  'after two invitations: one candidate, one session, one tenant link, one open invitation');

-- another position: another session; a finished session: a new one
select tests.authenticate_as('owner_a');
select isnt(
  (select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'new.person@fixture.test', '50000000-0000-0000-0000-0000000000a1') ->> 'token'),
  null, 'a third invitation to the same position still works');
reset role;
update public.interview_sessions set status = 'cancelled' where id = (select (r ->> 'session_id')::uuid from inv1);
select tests.authenticate_as('owner_a');
select lives_ok($$create temp table inv3 as
  select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'new.person@fixture.test', '50000000-0000-0000-0000-0000000000a1') as r$$,
  'create_candidate_invitation: inviting again after the session was cancelled');
reset role;
select isnt((select r ->> 'session_id' from inv3), (select r ->> 'session_id' from inv1), 'a closed session is not reused: a new one is created');
select is((select (r ->> 'created')::boolean from inv3), true, 'and created is true');

-- without a position: an invitation without a session
select tests.authenticate_as('owner_a');
select lives_ok($$create temp table inv4 as
  select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'talent@fixture.test') as r$$,
  'create_candidate_invitation: an invitation without a position');
reset role;
select is((select r -> 'session_id' from inv4), 'null'::jsonb, 'without a position there is no session');

-- ---- never another tenant's record ------------------------------------------------------
select tests.authenticate_as('owner_a');
select lives_ok($$create temp table inv5 as
  select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'prospect-b@fixture.test', '50000000-0000-0000-0000-0000000000a1') as r$$,
  'A invites someone B already has as a candidate');
reset role;
select isnt((select (r ->> 'candidate_id')::uuid from inv5), '40000000-0000-0000-0000-0000000000b9'::uuid,
  'A gets its own new record, not B''s (no cross-tenant lookup)');
select is((select tenant_id from public.candidates where id = (select (r ->> 'candidate_id')::uuid from inv5)),
  '10000000-0000-0000-0000-0000000000aa'::uuid, 'the new record belongs to A');
select tests.authenticate_as('owner_b');
select lives_ok($$create temp table inv6 as
  select create_candidate_invitation('10000000-0000-0000-0000-0000000000bb', 'shared@fixture.test', '50000000-0000-0000-0000-0000000000b1') as r$$,
  'B invites the person whose record A shares with B');
reset role;
select is((select (r ->> 'candidate_id')::uuid from inv6), '40000000-0000-0000-0000-0000000000ab'::uuid,
  'a record shared with the tenant is reused');
select tests.authenticate_as('owner_a');
select is((create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'cand-ab@fixture.test') ->> 'candidate_id')::uuid,
  '40000000-0000-0000-0000-0000000000a2'::uuid, 'an existing record of the tenant is found by email');

-- ---- grants -------------------------------------------------------------------------
reset role;
select ok(has_function_privilege('authenticated', 'public.create_candidate_invitation(uuid, text, uuid)', 'execute'),
  'signed-in users may call it (it checks the caller itself)');
select ok(not has_function_privilege('anon', 'public.create_candidate_invitation(uuid, text, uuid)', 'execute'),
  'anon may not');

select * from finish();
rollback;
