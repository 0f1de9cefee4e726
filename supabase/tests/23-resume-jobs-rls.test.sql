-- resume_jobs: resume processing jobs, one per file and tenant.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(40);

select policies_are('public', 'resume_jobs', array[
  'Members can read their tenant''s resume jobs',
  'Owners and admins can add resume jobs to their tenant',
  'Owners and admins can update their tenant''s resume jobs',
  'Owners can delete their tenant''s resume jobs'],
  'resume_jobs has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from resume_jobs order by id$$, '42501', null,
  'anon holds no privilege on resume_jobs: read fails with 42501');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$, '42501', null,
  'anon holds no privilege on resume_jobs: add fails with 42501');
select throws_ok($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'anon holds no privilege on resume_jobs: update fails with 42501');
select throws_ok($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$, '42501', null,
  'anon holds no privilege on resume_jobs: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from resume_jobs order by id$$,
  array['c0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s resume jobs: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$), 1,
  'Owners and admins can add resume jobs to their tenant: owner_a adds to A');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000bb', '10000000-0000-0000-0000-0000000000bb/new.pdf', repeat('c1', 32))$$, '42501', null,
  'Owners and admins can add resume jobs to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can update their tenant''s resume jobs: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners can delete their tenant''s resume jobs: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from resume_jobs order by id$$,
  array['c0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s resume jobs: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$), 1,
  'Owners and admins can add resume jobs to their tenant: admin_a adds to A');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000bb', '10000000-0000-0000-0000-0000000000bb/new.pdf', repeat('c1', 32))$$, '42501', null,
  'Owners and admins can add resume jobs to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 1,
  'Owners and admins can update their tenant''s resume jobs: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s resume jobs: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from resume_jobs order by id$$,
  array['c0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s resume jobs: user_a sees exactly tenant A''s');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$, '42501', null,
  'Owners and admins can add resume jobs to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners and admins can update their tenant''s resume jobs: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s resume jobs: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from resume_jobs order by id$$,
  array['c0000000-0000-0000-0000-0000000000b1']::uuid[],
  'Members can read their tenant''s resume jobs: user_b sees exactly tenant B''s');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000bb', '10000000-0000-0000-0000-0000000000bb/new.pdf', repeat('c1', 32))$$, '42501', null,
  'Owners and admins can add resume jobs to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners and admins can update their tenant''s resume jobs: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'Owners can delete their tenant''s resume jobs: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from resume_jobs order by id$$,
  array[]::uuid[],
  'no policy lets cand_a (candidate of A) read resume jobs: sees nothing');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$, '42501', null,
  'Owners and admins can add resume jobs to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from resume_jobs order by id$$,
  array[]::uuid[],
  'no policy lets cand_ab (candidate of A and B) read resume jobs: sees nothing');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$, '42501', null,
  'Owners and admins can add resume jobs to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from resume_jobs where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/new.pdf', repeat('c1', 32))$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update resume_jobs set attempts = attempts + 1 where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000b1')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$insert into resume_jobs (tenant_id, sha256) values ('10000000-0000-0000-0000-0000000000aa', repeat('a1', 32))$$, '23505', null,
  'the same file (sha256) is one job per tenant, so never two candidates');
select throws_ok($$insert into resume_jobs (tenant_id, storage_path, sha256) values ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb/stolen.pdf', repeat('d1', 32))$$, '23514', null,
  'a job''s storage path lies in its tenant''s folder');
select throws_ok($$update resume_jobs set status = 'failed' where id = 'c0000000-0000-0000-0000-0000000000a1'$$, '23514', null,
  'a failed job says why (error is required)');
select is(tests.affected($$insert into resume_jobs (id, tenant_id, sha256) values ('c0000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', repeat('e1', 32))$$), 1,
  'Owners and admins can add resume jobs to their tenant: owner_a adds one');
select is((select created_by from resume_jobs where id = 'c0000000-0000-0000-0000-0000000000a2'), '20000000-0000-0000-0000-0000000000a1'::uuid,
  'created_by defaults to the signed-in user');

select * from finish();
rollback;
