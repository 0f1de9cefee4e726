-- interview_insights: the assessment of a session; never shown to candidates.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(38);

select policies_are('public', 'interview_insights', array[
  'Members can read their tenant''s interview insights',
  'Owners and admins can add interview insights to their tenant',
  'Owners and admins can update their tenant''s interview insights',
  'Owners can delete their tenant''s interview insights'],
  'interview_insights has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from interview_insights order by id$$, '42501', null,
  'anon holds no privilege on interview_insights: read fails with 42501');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$, '42501', null,
  'anon holds no privilege on interview_insights: add fails with 42501');
select throws_ok($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$, '42501', null,
  'anon holds no privilege on interview_insights: update fails with 42501');
select throws_ok($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$, '42501', null,
  'anon holds no privilege on interview_insights: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from interview_insights order by id$$,
  array['b0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s interview insights: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$), 1,
  'Owners and admins can add interview insights to their tenant: owner_a adds to A');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b9', 'New')$$, '42501', null,
  'Owners and admins can add interview insights to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s interview insights: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners can delete their tenant''s interview insights: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from interview_insights order by id$$,
  array['b0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s interview insights: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$), 1,
  'Owners and admins can add interview insights to their tenant: admin_a adds to A');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b9', 'New')$$, '42501', null,
  'Owners and admins can add interview insights to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s interview insights: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s interview insights: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from interview_insights order by id$$,
  array['b0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s interview insights: user_a sees exactly tenant A''s');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$, '42501', null,
  'Owners and admins can add interview insights to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners and admins can update their tenant''s interview insights: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s interview insights: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from interview_insights order by id$$,
  array['b0000000-0000-0000-0000-0000000000b2']::uuid[],
  'Members can read their tenant''s interview insights: user_b sees exactly tenant B''s');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b9', 'New')$$, '42501', null,
  'Owners and admins can add interview insights to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners and admins can update their tenant''s interview insights: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s interview insights: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from interview_insights order by id$$,
  array[]::uuid[],
  'no policy lets cand_a (candidate of A) read interview insights: sees nothing');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$, '42501', null,
  'Owners and admins can add interview insights to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from interview_insights order by id$$,
  array[]::uuid[],
  'no policy lets cand_ab (candidate of A and B) read interview insights: sees nothing');
select throws_ok($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$, '42501', null,
  'Owners and admins can add interview insights to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from interview_insights where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into interview_insights (tenant_id, session_id, summary) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'New')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update interview_insights set summary = 'Revised' where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from interview_insights where id in ('b0000000-0000-0000-0000-0000000000a1', 'b0000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$insert into interview_insights (tenant_id, session_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1')$$, '23505', null,
  'one insight per session');
select throws_ok($$insert into interview_insights (tenant_id, session_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000b9')$$, '23503', null,
  'an insight cannot point at another tenant''s session (composite foreign key)');
select throws_ok($$update interview_insights set competency_scores = '{}' where id = 'b0000000-0000-0000-0000-0000000000a1'$$, '23514', null,
  'competency_scores is a JSON array');

select * from finish();
rollback;
