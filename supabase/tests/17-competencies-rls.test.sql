-- competencies: a tenant's competency library, names unique per tenant ignoring case.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(37);

select policies_are('public', 'competencies', array[
  'Members can read their tenant''s competencies',
  'Owners and admins can add competencies to their tenant',
  'Owners and admins can update their tenant''s competencies',
  'Owners can delete their tenant''s competencies'],
  'competencies has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from competencies order by id$$, '42501', null,
  'anon holds no privilege on competencies: read fails with 42501');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$, '42501', null,
  'anon holds no privilege on competencies: add fails with 42501');
select throws_ok($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'anon holds no privilege on competencies: update fails with 42501');
select throws_ok($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'anon holds no privilege on competencies: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from competencies order by id$$,
  array['60000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s competencies: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$), 1,
  'Owners and admins can add competencies to their tenant: owner_a adds to A');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000bb', 'Go', 'technical')$$, '42501', null,
  'Owners and admins can add competencies to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can update their tenant''s competencies: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners can delete their tenant''s competencies: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from competencies order by id$$,
  array['60000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s competencies: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$), 1,
  'Owners and admins can add competencies to their tenant: admin_a adds to A');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000bb', 'Go', 'technical')$$, '42501', null,
  'Owners and admins can add competencies to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can update their tenant''s competencies: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s competencies: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from competencies order by id$$,
  array['60000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s competencies: user_a sees exactly tenant A''s');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$, '42501', null,
  'Owners and admins can add competencies to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners and admins can update their tenant''s competencies: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s competencies: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from competencies order by id$$,
  array['60000000-0000-0000-0000-0000000000b1']::uuid[],
  'Members can read their tenant''s competencies: user_b sees exactly tenant B''s');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000bb', 'Go', 'technical')$$, '42501', null,
  'Owners and admins can add competencies to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners and admins can update their tenant''s competencies: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s competencies: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from competencies order by id$$,
  array[]::uuid[],
  'no policy lets cand_a (candidate of A) read competencies: sees nothing');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$, '42501', null,
  'Owners and admins can add competencies to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from competencies order by id$$,
  array[]::uuid[],
  'no policy lets cand_ab (candidate of A and B) read competencies: sees nothing');
select throws_ok($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$, '42501', null,
  'Owners and admins can add competencies to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from competencies where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into competencies (tenant_id, name, category) values ('10000000-0000-0000-0000-0000000000aa', 'Go', 'technical')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update competencies set description = 'Updated' where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from competencies where id in ('60000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000b1')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$insert into competencies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'RUST')$$, '23505', null,
  'competency names are unique per tenant, ignoring case');
select tests.authenticate_as('owner_b');
select is(tests.affected_undo($$insert into competencies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000bb', 'Rust')$$), 1,
  'another tenant may use the same competency name');

select * from finish();
rollback;
