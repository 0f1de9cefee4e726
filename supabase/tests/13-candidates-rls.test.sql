-- candidates: a tenant's records of people; candidate_tenants decides who else sees them.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(45);

select policies_are('public', 'candidates', array[
  'Members can read candidates owned by or linked to their tenant',
  'Owners and admins can add candidates to their tenant',
  'Owners and admins can update the candidates their tenant owns',
  'Owners can delete the candidates their tenant owns',
  'Candidates can read their own candidate records',
  'The auth service can see which accounts are candidates'],
  'candidates has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from candidates order by id$$, '42501', null,
  'anon holds no privilege on candidates: read fails with 42501');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$, '42501', null,
  'anon holds no privilege on candidates: add fails with 42501');
select throws_ok($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'anon holds no privilege on candidates: update fails with 42501');
select throws_ok($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'anon holds no privilege on candidates: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from candidates order by id$$,
  array['40000000-0000-0000-0000-0000000000a1', '40000000-0000-0000-0000-0000000000a2', '40000000-0000-0000-0000-0000000000a8', '40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000ab']::uuid[],
  'Members can read candidates owned by or linked to their tenant: owner_a sees A''s, including the one A shares');
select is(tests.affected_undo($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$), 1,
  'Owners and admins can add candidates to their tenant: owner_a adds to A');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000bb', 'New Person', 'new.person@fixture.test')$$, '42501', null,
  'Owners and admins can add candidates to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update the candidates their tenant owns: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners can delete the candidates their tenant owns: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from candidates order by id$$,
  array['40000000-0000-0000-0000-0000000000a1', '40000000-0000-0000-0000-0000000000a2', '40000000-0000-0000-0000-0000000000a8', '40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000ab']::uuid[],
  'Members can read candidates owned by or linked to their tenant: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$), 1,
  'Owners and admins can add candidates to their tenant: admin_a adds to A');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000bb', 'New Person', 'new.person@fixture.test')$$, '42501', null,
  'Owners and admins can add candidates to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update the candidates their tenant owns: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete the candidates their tenant owns: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from candidates order by id$$,
  array['40000000-0000-0000-0000-0000000000a1', '40000000-0000-0000-0000-0000000000a2', '40000000-0000-0000-0000-0000000000a8', '40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000ab']::uuid[],
  'Members can read candidates owned by or linked to their tenant: user_a sees exactly tenant A''s');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$, '42501', null,
  'Owners and admins can add candidates to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners and admins can update the candidates their tenant owns: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete the candidates their tenant owns: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from candidates order by id$$,
  array['40000000-0000-0000-0000-0000000000ab', '40000000-0000-0000-0000-0000000000b2', '40000000-0000-0000-0000-0000000000b9']::uuid[],
  'Members can read candidates owned by or linked to their tenant: user_b sees B''s and the one shared with B');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000bb', 'New Person', 'new.person@fixture.test')$$, '42501', null,
  'Owners and admins can add candidates to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners and admins can update the candidates their tenant owns: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete the candidates their tenant owns: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from candidates order by id$$,
  array['40000000-0000-0000-0000-0000000000a1']::uuid[],
  'Candidates can read their own candidate records: cand_a (candidate of A) sees only their own');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$, '42501', null,
  'Owners and admins can add candidates to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from candidates order by id$$,
  array['40000000-0000-0000-0000-0000000000a2', '40000000-0000-0000-0000-0000000000b2']::uuid[],
  'Candidates can read their own candidate records: cand_ab (candidate of A and B) sees only their own');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$, '42501', null,
  'Owners and admins can add candidates to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from candidates where id::text like '40000000-%' order by 1$$,
  array['40000000-0000-0000-0000-0000000000a1', '40000000-0000-0000-0000-0000000000a2', '40000000-0000-0000-0000-0000000000a8', '40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000ab', '40000000-0000-0000-0000-0000000000b2', '40000000-0000-0000-0000-0000000000b9']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'New Person', 'New.Person@Fixture.test')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update candidates set phone = '+1 555 0100' where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from candidates where id in ('40000000-0000-0000-0000-0000000000a9', '40000000-0000-0000-0000-0000000000b9')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
-- the shared record: B reads it, only the owner A may change it
select tests.authenticate_as('owner_b');
select is(tests.affected_undo($$update candidates set phone = 'x' where id = '40000000-0000-0000-0000-0000000000ab'$$), 0,
  'Owners and admins can update the candidates their tenant owns: owner_b cannot edit the record A shares with B');
select is(tests.affected_undo($$delete from candidates where id = '40000000-0000-0000-0000-0000000000ab'$$), 0,
  'Owners can delete the candidates their tenant owns: owner_b cannot delete the record A shares with B');
-- the account link is set by link_candidate_account() only
select tests.authenticate_as('owner_a');
select throws_ok($$update candidates set auth_id = '20000000-0000-0000-0000-0000000000e1' where id = '40000000-0000-0000-0000-0000000000a9'$$, '42501', null,
  'owner_a cannot attach a candidate record to an account (no update grant on auth_id)');
select throws_ok($$insert into candidates (tenant_id, full_name, email, auth_id) values ('10000000-0000-0000-0000-0000000000aa', 'X', 'x@fixture.test', '20000000-0000-0000-0000-0000000000e1')$$, '42501', null,
  'owner_a cannot create a candidate linked to an account (no insert grant on auth_id)');
select throws_ok($$update candidates set tenant_id = '10000000-0000-0000-0000-0000000000bb' where id = '40000000-0000-0000-0000-0000000000a9'$$, '42501', null,
  'owner_a cannot hand a candidate record to another tenant');
select throws_ok($$insert into candidates (tenant_id, full_name, email) values ('10000000-0000-0000-0000-0000000000aa', 'Dup', 'PROSPECT-A@fixture.test')$$, '23505', null,
  'emails are stored lower-cased and unique per owning tenant');
select is(tests.affected($$insert into candidates (id, tenant_id, full_name, email) values ('40000000-0000-0000-0000-0000000000a7', '10000000-0000-0000-0000-0000000000aa', 'Seven', '  Seven@Fixture.TEST ')$$), 1,
  'Owners and admins can add candidates to their tenant: owner_a adds one');
select is((select email from candidates where id = '40000000-0000-0000-0000-0000000000a7'), 'seven@fixture.test',
  'a new candidate''s email is trimmed and lower-cased');
select results_eq($$select tenant_id, relationship_type from candidate_tenants where candidate_id = '40000000-0000-0000-0000-0000000000a7'$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid, 'candidate'::text)$$,
  'a new candidate gets its owner''s candidate_tenants row from the insert trigger');
select tests.authenticate_as('outsider');
select is_empty($$select id from candidates$$, 'a signed-in user who is neither member nor candidate sees no candidates');

select * from finish();
rollback;
