-- candidate_tenants: which tenants see which candidate records.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(40);

select policies_are('public', 'candidate_tenants', array[
  'Members can read their tenant''s candidate links',
  'Owners and admins can link candidates their tenant owns',
  'Owners and admins can update their tenant''s candidate links',
  'Owners can remove their tenant''s candidate links',
  'Candidates can read their own tenant links'],
  'candidate_tenants has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$, '42501', null,
  'anon holds no privilege on candidate_tenants: read fails with 42501');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$, '42501', null,
  'anon holds no privilege on candidate_tenants: add fails with 42501');
select throws_ok($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$, '42501', null,
  'anon holds no privilege on candidate_tenants: update fails with 42501');
select throws_ok($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$, '42501', null,
  'anon holds no privilege on candidate_tenants: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$,
  array['40000000-0000-0000-0000-0000000000a1/aa', '40000000-0000-0000-0000-0000000000a2/aa', '40000000-0000-0000-0000-0000000000a9/aa', '40000000-0000-0000-0000-0000000000ab/aa']::text[],
  'Members can read their tenant''s candidate links: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$), 1,
  'Owners and admins can link candidates their tenant owns: owner_a adds to A');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: owner_a cannot add to B');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 1,
  'Owners and admins can update their tenant''s candidate links: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 1,
  'Owners can remove their tenant''s candidate links: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$,
  array['40000000-0000-0000-0000-0000000000a1/aa', '40000000-0000-0000-0000-0000000000a2/aa', '40000000-0000-0000-0000-0000000000a9/aa', '40000000-0000-0000-0000-0000000000ab/aa']::text[],
  'Members can read their tenant''s candidate links: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$), 1,
  'Owners and admins can link candidates their tenant owns: admin_a adds to A');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: admin_a cannot add to B');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 1,
  'Owners and admins can update their tenant''s candidate links: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'Owners can remove their tenant''s candidate links: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$,
  array['40000000-0000-0000-0000-0000000000a1/aa', '40000000-0000-0000-0000-0000000000a2/aa', '40000000-0000-0000-0000-0000000000a9/aa', '40000000-0000-0000-0000-0000000000ab/aa']::text[],
  'Members can read their tenant''s candidate links: user_a sees exactly tenant A''s');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: user_a (role user) cannot add');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'Owners and admins can update their tenant''s candidate links: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'Owners can remove their tenant''s candidate links: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$,
  array['40000000-0000-0000-0000-0000000000ab/bb', '40000000-0000-0000-0000-0000000000b2/bb', '40000000-0000-0000-0000-0000000000b9/bb']::text[],
  'Members can read their tenant''s candidate links: user_b sees exactly tenant B''s');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: user_b (role user) cannot link');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'Owners and admins can update their tenant''s candidate links: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'Owners can remove their tenant''s candidate links: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$,
  array['40000000-0000-0000-0000-0000000000a1/aa']::text[],
  'Candidates can read their own tenant links: cand_a (candidate of A) sees only their own');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: cand_a cannot add');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants order by 1$$,
  array['40000000-0000-0000-0000-0000000000a2/aa', '40000000-0000-0000-0000-0000000000b2/bb']::text[],
  'Candidates can read their own tenant links: cand_ab (candidate of A and B) sees only their own');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: cand_ab cannot add');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select candidate_id || '/' || right(tenant_id::text, 2) from candidate_tenants where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['40000000-0000-0000-0000-0000000000a1/aa', '40000000-0000-0000-0000-0000000000a2/aa', '40000000-0000-0000-0000-0000000000a9/aa', '40000000-0000-0000-0000-0000000000ab/aa', '40000000-0000-0000-0000-0000000000ab/bb', '40000000-0000-0000-0000-0000000000b2/bb', '40000000-0000-0000-0000-0000000000b9/bb']::text[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update candidate_tenants set status = 'archived' where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb'))$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from candidate_tenants where (candidate_id, tenant_id) in (('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa'), ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb'))$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_b');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: owner_b cannot pull A''s candidate into B');
select throws_ok($$insert into candidate_tenants (candidate_id, tenant_id) values ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'Owners and admins can link candidates their tenant owns: owner_b cannot re-link the record A shares with B');
select tests.authenticate_as('owner_a');
select throws_ok($$update candidate_tenants set candidate_id = '40000000-0000-0000-0000-0000000000b9' where candidate_id = '40000000-0000-0000-0000-0000000000a9'$$, '42501', null,
  'a link''s candidate cannot be swapped (no update grant on candidate_id)');
select throws_ok($$delete from candidate_tenants where candidate_id = '40000000-0000-0000-0000-0000000000a1' and tenant_id = '10000000-0000-0000-0000-0000000000aa'$$, '23503', null,
  'a link with interview sessions cannot be removed (the sessions reference it)');
select throws_ok($$update candidate_tenants set status = 'gone' where candidate_id = '40000000-0000-0000-0000-0000000000a9'$$, '23514', null,
  'link status is active or archived');

select * from finish();
rollback;
