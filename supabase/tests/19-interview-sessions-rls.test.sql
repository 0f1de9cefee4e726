-- interview_sessions: interviews; candidates read theirs in every tenant.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(38);

select policies_are('public', 'interview_sessions', array[
  'Members can read their tenant''s interview sessions',
  'Owners and admins can add interview sessions to their tenant',
  'Owners and admins can update their tenant''s interview sessions',
  'Owners can delete their tenant''s interview sessions',
  'Candidates can read their own interview sessions',
  'Candidates can record consent and progress on their sessions'],
  'interview_sessions has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from interview_sessions order by id$$, '42501', null,
  'anon holds no privilege on interview_sessions: read fails with 42501');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$, '42501', null,
  'anon holds no privilege on interview_sessions: add fails with 42501');
select throws_ok($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'anon holds no privilege on interview_sessions: update fails with 42501');
select throws_ok($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'anon holds no privilege on interview_sessions: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from interview_sessions order by id$$,
  array['80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000a2']::uuid[],
  'Members can read their tenant''s interview sessions: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$), 1,
  'Owners and admins can add interview sessions to their tenant: owner_a adds to A');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000b9', '50000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'Owners and admins can add interview sessions to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update their tenant''s interview sessions: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners can delete their tenant''s interview sessions: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from interview_sessions order by id$$,
  array['80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000a2']::uuid[],
  'Members can read their tenant''s interview sessions: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$), 1,
  'Owners and admins can add interview sessions to their tenant: admin_a adds to A');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000b9', '50000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'Owners and admins can add interview sessions to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update their tenant''s interview sessions: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete their tenant''s interview sessions: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from interview_sessions order by id$$,
  array['80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000a2']::uuid[],
  'Members can read their tenant''s interview sessions: user_a sees exactly tenant A''s');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$, '42501', null,
  'Owners and admins can add interview sessions to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners and admins can update their tenant''s interview sessions: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete their tenant''s interview sessions: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from interview_sessions order by id$$,
  array['80000000-0000-0000-0000-0000000000b2', '80000000-0000-0000-0000-0000000000b9']::uuid[],
  'Members can read their tenant''s interview sessions: user_b sees exactly tenant B''s');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000b9', '50000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'Owners and admins can add interview sessions to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners and admins can update their tenant''s interview sessions: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete their tenant''s interview sessions: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from interview_sessions order by id$$,
  array['80000000-0000-0000-0000-0000000000a1']::uuid[],
  'Candidates can read their own interview sessions: cand_a (candidate of A) sees only their own');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$, '42501', null,
  'Owners and admins can add interview sessions to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'Candidates can record consent and progress on their sessions: cand_a reaches neither session (not theirs)');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from interview_sessions order by id$$,
  array['80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b2']::uuid[],
  'Candidates can read their own interview sessions: cand_ab (candidate of A and B) sees only their own');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$, '42501', null,
  'Owners and admins can add interview sessions to their tenant: cand_ab cannot add');
select throws_ok($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'cand_ab (candidate of A and B) cannot change anything but consent and progress of their session: 42501');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from interview_sessions where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b2', '80000000-0000-0000-0000-0000000000b9']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update interview_sessions set scheduled_at = now() + interval '1 day' where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000b9', '50000000-0000-0000-0000-0000000000a1')$$, '23503', null,
  'a session cannot be for a candidate the tenant does not see (candidate_tenants foreign key)');
select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000b1')$$, '23503', null,
  'a session cannot be for another tenant''s position (composite foreign key)');
select tests.authenticate_as('owner_b');
select is(tests.affected_undo($$insert into interview_sessions (tenant_id, candidate_id, position_id) values ('10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000ab', '50000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can add interview sessions to their tenant: owner_b interviews the candidate A shares with B');

select * from finish();
rollback;
