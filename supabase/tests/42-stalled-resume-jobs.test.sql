-- fail_stalled_resume_jobs: a job whose request died mid-flow ends as failed (stalled),
-- visible to the tenant, and a retry of the same file continues it without a second job.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(8);

insert into public.resume_jobs (id, tenant_id, sha256, status, attempts, updated_at, created_at) values
  ('c1000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', repeat('d1', 32), 'extracting', 1, now() - interval '11 minutes', now() - interval '11 minutes'),
  ('c1000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', repeat('d2', 32), 'analyzing', 1, now() - interval '2 minutes', now() - interval '2 minutes'),
  ('c1000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb', repeat('d3', 32), 'enriching', 1, now() - interval '1 hour', now() - interval '1 hour');

select tests.authenticate_as('owner_a');
select throws_ok($$select fail_stalled_resume_jobs()$$, '42501', null, 'a signed-in user cannot run the job');

select tests.authenticate_as_service_role();
select is(fail_stalled_resume_jobs() -> 'job_ids',
  '["c1000000-0000-0000-0000-0000000000a1", "c1000000-0000-0000-0000-0000000000b1"]'::jsonb,
  'the jobs untouched for 10 minutes in a running step fail; the one busy 2 minutes ago runs on');
select is(fail_stalled_resume_jobs() -> 'failed_jobs', '0'::jsonb, 'running it again changes nothing');

select tests.authenticate_as('owner_a');
select results_eq($$select status, error, failed_step, steps -> -1 ->> 'error' from resume_jobs where id = 'c1000000-0000-0000-0000-0000000000a1'$$,
  $$values ('failed', 'stalled', 'extracting', 'stalled')$$,
  'the recruiter sees the job failed, stalled at extracting, in its log');
select results_eq($$select status from resume_jobs where id = 'c1000000-0000-0000-0000-0000000000a2'$$,
  $$values ('analyzing')$$, 'a job still within its time is left alone');
select is_empty($$select id from resume_jobs where id = 'c1000000-0000-0000-0000-0000000000b1'$$,
  'owner_a does not see B''s stalled job');

create temp table retried as select start_resume_job(repeat('d1', 32)) as j;
select is((select array[j ->> 'id', j ->> 'resume_from', j ->> 'attempts'] from retried),
  array['c1000000-0000-0000-0000-0000000000a1', 'extracting', '2'],
  'a retry of the same file continues the same job at its failed step');
select is((select count(*)::int from resume_jobs where sha256 = repeat('d1', 32)), 1, 'no second job');

select * from finish();
rollback;
