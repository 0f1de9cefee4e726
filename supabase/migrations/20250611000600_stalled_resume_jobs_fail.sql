-- A resume job whose request died mid-flow ends in a recorded state.
--
-- process-resume moves a job through extracting -> analyzing -> enriching -> done; when
-- the function's request dies in between (the REST server or the isolate gone), the job
-- stays in its step. Uploading the same file again already continues it after 10 minutes
-- (start_resume_job), but a job nobody retries stayed "extracting" for good, and the
-- recruiter never saw that it had failed. public.fail_stalled_resume_jobs() marks every
-- job untouched for 10 minutes in a running step as failed, with error `stalled` and the
-- step as failed_step, logged in steps: the recruiter sees the failure, and a retry of
-- the same file continues at that step with what earlier steps kept (no second job, no
-- second candidate: the job is unique per file and tenant).
--
-- Scheduled with pg_cron where it is installed (as expire_stale_sessions is); elsewhere
-- call it as the service role: POST /rest/v1/rpc/fail_stalled_resume_jobs.

create or replace function public.fail_stalled_resume_jobs()
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  c_stalled_after constant interval := interval '10 minutes';
  v_ids uuid[];
begin
  with stalled as (
    select j.id
    from public.resume_jobs j
    where j.status in ('extracting', 'analyzing', 'enriching')
      and j.updated_at < pg_catalog.now() - c_stalled_after
    for update skip locked
  ),
  failed as (
    update public.resume_jobs j
    set failed_step = j.status,
        status = 'failed',
        error = 'stalled',
        steps = j.steps || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
          'status', 'failed', 'at', pg_catalog.now(), 'step', j.status, 'error', 'stalled'))
    from stalled
    where j.id = stalled.id
    returning j.id
  )
  select coalesce(pg_catalog.array_agg(failed.id order by failed.id), '{}') into v_ids from failed;

  return pg_catalog.jsonb_build_object(
    'failed_jobs', pg_catalog.cardinality(v_ids),
    'job_ids', pg_catalog.to_jsonb(v_ids),
    'ran_at', pg_catalog.now());
end
$$;
comment on function public.fail_stalled_resume_jobs() is
  'Scheduled job: every resume job left in extracting, analyzing or enriching for 10 minutes (its request died) becomes failed with error stalled and failed_step = that step, logged in steps; a retry of the same file continues there. Idempotent. Returns {failed_jobs, job_ids, ran_at}. Executable by postgres (pg_cron) and service_role only.';
revoke all on function public.fail_stalled_resume_jobs() from public, anon, authenticated;
grant execute on function public.fail_stalled_resume_jobs() to service_role;

do $schedule$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    execute $sql$select cron.schedule('fail-stalled-resume-jobs', '*/5 * * * *', 'select public.fail_stalled_resume_jobs()')$sql$;
  end if;
end
$schedule$;
