-- tenants: the customer organisations. Candidates read no tenants row (a row carries
-- metadata); the name of each organisation that invited them comes from
-- candidate_sessions() only (20250609000100).
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(37);

select policies_are('public', 'tenants', array[
  'Members can read their own tenant',
  'Owners and admins can update their own tenant'],
  'tenants has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from tenants order by id$$, '42501', null,
  'anon holds no privilege on tenants: read fails with 42501');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'anon holds no privilege on tenants: add fails with 42501');
select throws_ok($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'anon holds no privilege on tenants: update fails with 42501');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'anon holds no privilege on tenants: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from tenants order by id$$,
  array['10000000-0000-0000-0000-0000000000aa']::uuid[],
  'Members can read their own tenant: owner_a sees only A');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'no insert grant on tenants: owner_a must use create_tenant() (42501)');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 1,
  'Owners and admins can update their own tenant: owner_a renames A, not B');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'no delete grant on tenants: owner_a cannot delete one (42501)');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from tenants order by id$$,
  array['10000000-0000-0000-0000-0000000000aa']::uuid[],
  'Members can read their own tenant: admin_a sees only A');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'no insert grant on tenants: admin_a cannot add one (42501)');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 1,
  'Owners and admins can update their own tenant: admin_a renames A, not B');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'no delete grant on tenants: admin_a cannot delete one (42501)');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from tenants order by id$$,
  array['10000000-0000-0000-0000-0000000000aa']::uuid[],
  'Members can read their own tenant: user_a sees only A');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'no insert grant on tenants: user_a cannot add one (42501)');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 0,
  'Owners and admins can update their own tenant: user_a (role user, tenant A) updates nothing');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'no delete grant on tenants: user_a (role user, tenant A) cannot delete one (42501)');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from tenants order by id$$,
  array['10000000-0000-0000-0000-0000000000bb']::uuid[],
  'Members can read their own tenant: user_b sees only B');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'no insert grant on tenants: user_b cannot add one (42501)');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 0,
  'Owners and admins can update their own tenant: user_b (role user, tenant B) updates nothing');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'no delete grant on tenants: user_b (role user, tenant B) cannot delete one (42501)');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select is_empty($$select id from tenants$$,
  'no read policy for candidates: cand_a (candidate of A) reads no tenants row, not even A''s');
select results_eq($$select organization_name from candidate_sessions()$$,
  $$values ('Fixture Tenant A'::text)$$,
  'candidate_sessions(): cand_a reads the name of A, the tenant that invited them, and nothing more');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'no insert grant on tenants: cand_a cannot add one (42501)');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'no delete grant on tenants: cand_a (candidate of A) cannot delete one (42501)');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select is_empty($$select id from tenants$$,
  'no read policy for candidates: cand_ab (candidate of A and B) reads no tenants row, neither A''s nor B''s');
select results_eq($$select distinct organization_name from candidate_sessions() order by 1$$,
  $$values ('Fixture Tenant A'::text), ('Fixture Tenant B'::text)$$,
  'candidate_sessions(): cand_ab reads the names of A and B, the tenants that invited them');
select throws_ok($$insert into tenants (name) values ('New tenant')$$, '42501', null,
  'no insert grant on tenants: cand_ab cannot add one (42501)');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select throws_ok($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'no delete grant on tenants: cand_ab (candidate of A and B) cannot delete one (42501)');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into tenants (name) values ('New tenant')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update tenants set name = name || ' (renamed)' where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from tenants where id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$), 2,
  'the service role can delete tenants (everything in them cascades)');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$update tenants set name = '' where id = '10000000-0000-0000-0000-0000000000aa'$$, '23514', null,
  'a tenant name cannot be blank');
select tests.authenticate_as('outsider');
select is_empty($$select id from tenants$$, 'a signed-in user with no tenant and no candidacy sees no tenant');

select * from finish();
rollback;
