-- positions: job openings of a tenant. Candidates read no positions row (a row carries
-- the description, requirements, metadata...); the title and company name of the ones
-- they interview for come from candidate_sessions() only (20250609000100).
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(40);

select policies_are('public', 'positions', array[
  'Members can read their tenant''s positions',
  'Owners and admins can add positions to their tenant',
  'Owners and admins can update their tenant''s positions',
  'Owners can delete their tenant''s positions'],
  'positions has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from positions order by id$$, '42501', null,
  'anon holds no privilege on positions: read fails with 42501');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$, '42501', null,
  'anon holds no privilege on positions: add fails with 42501');
select throws_ok($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$, '42501', null,
  'anon holds no privilege on positions: update fails with 42501');
select throws_ok($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$, '42501', null,
  'anon holds no privilege on positions: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from positions order by id$$,
  array['50000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a2']::uuid[],
  'Members can read their tenant''s positions: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$), 1,
  'Owners and admins can add positions to their tenant: owner_a adds to A');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000bb', 'New position')$$, '42501', null,
  'Owners and admins can add positions to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s positions: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners can delete their tenant''s positions: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from positions order by id$$,
  array['50000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a2']::uuid[],
  'Members can read their tenant''s positions: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$), 1,
  'Owners and admins can add positions to their tenant: admin_a adds to A');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000bb', 'New position')$$, '42501', null,
  'Owners and admins can add positions to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s positions: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s positions: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from positions order by id$$,
  array['50000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a2']::uuid[],
  'Members can read their tenant''s positions: user_a sees exactly tenant A''s');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$, '42501', null,
  'Owners and admins can add positions to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners and admins can update their tenant''s positions: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s positions: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from positions order by id$$,
  array['50000000-0000-0000-0000-0000000000b1', '50000000-0000-0000-0000-0000000000b2']::uuid[],
  'Members can read their tenant''s positions: user_b sees exactly tenant B''s');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000bb', 'New position')$$, '42501', null,
  'Owners and admins can add positions to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners and admins can update their tenant''s positions: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s positions: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select is_empty($$select id from positions$$,
  'no read policy for candidates: cand_a (candidate of A) reads no positions row, not even the one they interview for');
select results_eq($$select position_id, position_title, company_name from candidate_sessions()$$,
  $$values ('50000000-0000-0000-0000-0000000000a1'::uuid, 'Position of A'::text, 'Company of A'::text)$$,
  'candidate_sessions(): cand_a reads the title and company name of the position they interview for');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$, '42501', null,
  'Owners and admins can add positions to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select is_empty($$select id from positions$$,
  'no read policy for candidates: cand_ab (candidate of A and B) reads no positions row in A or B');
select results_eq($$select position_id, position_title, company_name from candidate_sessions() order by 1$$,
  $$values ('50000000-0000-0000-0000-0000000000a1'::uuid, 'Position of A'::text, 'Company of A'::text),
           ('50000000-0000-0000-0000-0000000000b1'::uuid, 'Position of B'::text, 'Company of B'::text)$$,
  'candidate_sessions(): cand_ab reads the titles and company names of the positions they interview for in A and B');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$, '42501', null,
  'Owners and admins can add positions to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from positions where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['50000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b1', '50000000-0000-0000-0000-0000000000b2']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'New position')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update positions set status = 'published' where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from positions where id in ('50000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$insert into positions (tenant_id, title, company_id) values ('10000000-0000-0000-0000-0000000000aa', 'X', '30000000-0000-0000-0000-0000000000b1')$$, '23503', null,
  'a position cannot name another tenant''s company (composite foreign key)');
select throws_ok($$delete from positions where id = '50000000-0000-0000-0000-0000000000a1'$$, '23503', null,
  'a position with interview sessions cannot be deleted (archive it instead)');
select throws_ok($$update positions set status = 'closed' where id = '50000000-0000-0000-0000-0000000000a2'$$, '23514', null,
  'position status is draft, published or archived');

select * from finish();
rollback;
