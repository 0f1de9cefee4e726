-- companies: employers a tenant recruits for.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(35);

select policies_are('public', 'companies', array[
  'Members can read their tenant''s companies',
  'Owners and admins can add companies to their tenant',
  'Owners and admins can update their tenant''s companies',
  'Owners can delete their tenant''s companies'],
  'companies has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from companies order by id$$, '42501', null,
  'anon holds no privilege on companies: read fails with 42501');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$, '42501', null,
  'anon holds no privilege on companies: add fails with 42501');
select throws_ok($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'anon holds no privilege on companies: update fails with 42501');
select throws_ok($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'anon holds no privilege on companies: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from companies order by id$$,
  array['30000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s companies: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$), 1,
  'Owners and admins can add companies to their tenant: owner_a adds to A');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000bb', 'New company')$$, '42501', null,
  'Owners and admins can add companies to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can update their tenant''s companies: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners can delete their tenant''s companies: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from companies order by id$$,
  array['30000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s companies: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$), 1,
  'Owners and admins can add companies to their tenant: admin_a adds to A');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000bb', 'New company')$$, '42501', null,
  'Owners and admins can add companies to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can update their tenant''s companies: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s companies: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from companies order by id$$,
  array['30000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s companies: user_a sees exactly tenant A''s');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$, '42501', null,
  'Owners and admins can add companies to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners and admins can update their tenant''s companies: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s companies: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from companies order by id$$,
  array['30000000-0000-0000-0000-0000000000b1']::uuid[],
  'Members can read their tenant''s companies: user_b sees exactly tenant B''s');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000bb', 'New company')$$, '42501', null,
  'Owners and admins can add companies to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners and admins can update their tenant''s companies: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s companies: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from companies order by id$$,
  array[]::uuid[],
  'no policy lets cand_a (candidate of A) read companies: sees nothing');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$, '42501', null,
  'Owners and admins can add companies to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from companies order by id$$,
  array[]::uuid[],
  'no policy lets cand_ab (candidate of A and B) read companies: sees nothing');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$, '42501', null,
  'Owners and admins can add companies to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from companies where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000aa', 'New company')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update companies set website = 'https://example.test' where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from companies where id in ('30000000-0000-0000-0000-0000000000a1', '30000000-0000-0000-0000-0000000000b1')$$), 2,
  'the service role bypasses RLS: deletes both');

select * from finish();
rollback;
