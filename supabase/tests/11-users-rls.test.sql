-- users: tenant membership and roles.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(46);

select policies_are('public', 'users', array[
  'Members can read the users of their tenant',
  'Owners and admins can update users below owner in their tenant',
  'Owners can remove other users from their tenant',
  'Everyone can read their own membership',
  'The auth service can read memberships to issue tokens'],
  'users has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from users order by id$$, '42501', null,
  'anon holds no privilege on users: read fails with 42501');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$, '42501', null,
  'anon holds no privilege on users: add fails with 42501');
select throws_ok($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$, '42501', null,
  'anon holds no privilege on users: update fails with 42501');
select throws_ok($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$, '42501', null,
  'anon holds no privilege on users: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from users order by id$$,
  array['20000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000a2', '20000000-0000-0000-0000-0000000000a3']::uuid[],
  'Members can read the users of their tenant: owner_a sees exactly tenant A''s');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$, '42501', null,
  'members join only by accepting an invitation: owner_a cannot insert a member into A');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000bb', 'user')$$, '42501', null,
  'members join only by accepting an invitation: owner_a cannot add to B');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 1,
  'Owners and admins can update users below owner in their tenant: owner_a updates A''s, not B''s');
select throws_ok($$update users set id = '20000000-0000-0000-0000-0000000000e1' where id = '20000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'members join only by accepting an invitation: owner_a cannot rewrite a member''s id to another account');
select throws_ok($$update users set email = 'someone-else@fixture.test' where id = '20000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'a member''s email is not editable through the Data API: owner_a cannot change it');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 1,
  'Owners can remove other users from their tenant: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from users order by id$$,
  array['20000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000a2', '20000000-0000-0000-0000-0000000000a3']::uuid[],
  'Members can read the users of their tenant: admin_a sees exactly tenant A''s');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$, '42501', null,
  'members join only by accepting an invitation: admin_a cannot insert a member into A');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000bb', 'user')$$, '42501', null,
  'members join only by accepting an invitation: admin_a cannot add to B');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 1,
  'Owners and admins can update users below owner in their tenant: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'Owners can remove other users from their tenant: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from users order by id$$,
  array['20000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000a2', '20000000-0000-0000-0000-0000000000a3']::uuid[],
  'Members can read the users of their tenant: user_a sees exactly tenant A''s');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$, '42501', null,
  'members join only by accepting an invitation: user_a (role user) cannot add');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'Owners and admins can update users below owner in their tenant: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'Owners can remove other users from their tenant: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from users order by id$$,
  array['20000000-0000-0000-0000-0000000000b1', '20000000-0000-0000-0000-0000000000b2', '20000000-0000-0000-0000-0000000000b3']::uuid[],
  'Members can read the users of their tenant: user_b sees exactly tenant B''s');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000bb', 'user')$$, '42501', null,
  'members join only by accepting an invitation: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'Owners and admins can update users below owner in their tenant: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'Owners can remove other users from their tenant: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from users order by id$$,
  array[]::uuid[],
  'Everyone can read their own membership: cand_a has none and sees no users');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$, '42501', null,
  'members join only by accepting an invitation: cand_a cannot add');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from users order by id$$,
  array[]::uuid[],
  'Everyone can read their own membership: cand_ab has none and sees no users');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$, '42501', null,
  'members join only by accepting an invitation: cand_ab cannot add');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from users where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['20000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000a2', '20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b1', '20000000-0000-0000-0000-0000000000b2', '20000000-0000-0000-0000-0000000000b3']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'user')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update users set full_name = 'Renamed' where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from users where id in ('20000000-0000-0000-0000-0000000000a3', '20000000-0000-0000-0000-0000000000b3')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select throws_ok($$insert into users (id, tenant_id, role) values ('20000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', 'owner')$$, '42501', null,
  'members join only by accepting an invitation: admin_a cannot add an owner');
select is(tests.affected_undo($$update users set role = 'admin' where id = '20000000-0000-0000-0000-0000000000a1'$$), 0,
  'Owners and admins can update users below owner in their tenant: admin_a cannot touch the owner');
select throws_ok($$update users set role = 'owner' where id = '20000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'Owners and admins can update users below owner in their tenant: admin_a cannot promote to owner');
select throws_ok($$update users set tenant_id = '10000000-0000-0000-0000-0000000000bb' where id = '20000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'Owners and admins can update users below owner in their tenant: admin_a cannot move a user to B');
select tests.authenticate_as('owner_a');
select is(tests.affected_undo($$update users set role = 'owner' where id = '20000000-0000-0000-0000-0000000000a2'$$), 1,
  'Owners and admins can update users below owner in their tenant: owner_a can promote admin_a');
select is(tests.affected_undo($$delete from users where id = '20000000-0000-0000-0000-0000000000a1'$$), 0,
  'Owners can remove other users from their tenant: owner_a cannot remove themselves');
select throws_ok($$update users set role = 'superuser' where id = '20000000-0000-0000-0000-0000000000a3'$$, '23514', null,
  'role is owner, admin or user');
-- a member removed from the tenant loses access on their next statement, token or not
select tests.authenticate_as('user_a');
reset role;
delete from public.users where id = '20000000-0000-0000-0000-0000000000a3';
set local role authenticated;
select is_empty($$select id from positions$$,
  'a user removed from the tenant sees nothing, although their token still names the tenant');
select is(private.tenant_id(), null::uuid, 'private.tenant_id() is NULL once the membership is gone');

select * from finish();
rollback;
