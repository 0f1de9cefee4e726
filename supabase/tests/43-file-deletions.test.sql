-- Resume files nothing names any more are queued for deletion by the server
-- (private.file_deletions), and only the service role drains the queue.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(20);

select is_empty($$select * from private.file_deletions$$, 'the fixtures queue nothing');

-- ---- who may touch the queue ---------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$select * from private.file_deletions$$, '42501', null,
  'a signed-in owner cannot read the queue');
select throws_ok($$select * from claim_file_deletions(10)$$, '42501', null,
  'an owner cannot claim deletions');
select throws_ok($$select finish_file_deletions('{1}')$$, '42501', null,
  'an owner cannot finish deletions');
select tests.clear_authentication();
select throws_ok($$select * from claim_file_deletions(10)$$, '42501', null, 'anon cannot claim deletions');

-- ---- erasure queues the erased candidate's file, and only that ----------------------
select tests.authenticate_as('owner_a');
select lives_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, 'owner A erases cand A');
reset role;
select results_eq($$select bucket_id, name from private.file_deletions$$,
  $$values ('resumes', '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf')$$,
  'cand A''s resume file is queued in the erasure''s transaction');

-- ---- a file still named by another row stays -----------------------------------------
insert into public.resume_jobs (id, tenant_id, sha256, status, storage_path) values
  ('c2000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', repeat('e1', 32), 'done',
   '10000000-0000-0000-0000-0000000000aa/shared.pdf');
update public.candidates set resume_url = '10000000-0000-0000-0000-0000000000aa/shared.pdf'
  where id = '40000000-0000-0000-0000-0000000000a8';
update public.candidates set resume_url = null where id = '40000000-0000-0000-0000-0000000000a8';
select is((select count(*)::int from private.file_deletions where name like '%/shared.pdf'), 0,
  'a candidate dropping a file a resume job still names queues nothing');
delete from public.resume_jobs where id = 'c2000000-0000-0000-0000-0000000000a1';
select is((select count(*)::int from private.file_deletions where name like '%/shared.pdf'), 1,
  'when the last row naming it goes, the file is queued');

-- ---- a replaced resume: the old file is queued ---------------------------------------
update public.candidates set resume_url = '10000000-0000-0000-0000-0000000000bb/old.pdf'
  where id = '40000000-0000-0000-0000-0000000000b2';
update public.candidates set resume_url = '10000000-0000-0000-0000-0000000000bb/new.pdf'
  where id = '40000000-0000-0000-0000-0000000000b2';
select results_eq($$select name from private.file_deletions where name like '10000000-0000-0000-0000-0000000000bb/%'$$,
  $$values ('10000000-0000-0000-0000-0000000000bb/old.pdf')$$,
  'a candidate whose resume_url changes queues the file it named before, not the new one');

-- ---- the service role drains it --------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok($$select * from claim_file_deletions(0)$$, 'PT400', 'invalid_limit', 'a limit of 0 is PT400');
create temp table claimed on commit drop as select * from claim_file_deletions(100);
grant select on claimed to service_role;
select is((select count(*)::int from claimed), 3, 'the service role claims the three due entries');
select is((select array_agg(attempts) from claimed), array[1, 1, 1], 'each claim counts an attempt');
select is_empty($$select * from claim_file_deletions(100)$$,
  'a claimed entry is leased: claiming again hands out nothing');
select is((select c.attempts from claim_file_deletions(100, array['10000000-0000-0000-0000-0000000000aa/cv-a1.pdf']) c), 2,
  'naming a file claims it even within its lease (the erasure''s own request)');

select is(finish_file_deletions(
    (select array_agg(id) from claimed where name like '%cv-a1.pdf'),
    (select jsonb_object_agg(id::text, 'storage answered 503') from claimed where name not like '%cv-a1.pdf')),
  '{"deleted": 1, "failed": 2, "pending": 2}'::jsonb,
  'finish removes the deleted entry and records the error of the others');
select throws_ok($$select finish_file_deletions('{}', '[]')$$, 'PT400', 'invalid_failed', 'p_failed must be an object');
reset role;
select is((select array_agg(last_error) from private.file_deletions), array['storage answered 503', 'storage answered 503'],
  'failed entries stay queued with their error');

-- ---- a file named again is not deleted --------------------------------------------------
update private.file_deletions set next_attempt = now() - interval '1 second';
insert into public.resume_jobs (id, tenant_id, sha256, status, storage_path) values
  ('c2000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', repeat('e2', 32), 'done',
   '10000000-0000-0000-0000-0000000000aa/shared.pdf');
select tests.authenticate_as_service_role();
select is((select array_agg(name) from claim_file_deletions(100)),
  array['10000000-0000-0000-0000-0000000000bb/old.pdf'],
  'the file uploaded anew (named by a job again) leaves the queue; the other is claimed');
reset role;
update private.file_deletions set attempts = 8, next_attempt = now() - interval '1 second';
select tests.authenticate_as_service_role();
select is_empty($$select * from claim_file_deletions(100)$$,
  'after 8 attempts an entry is no longer handed out (it stays, with its error, for an operator)');

select * from finish();
rollback;
