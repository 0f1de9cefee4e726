-- The resume pipeline's bookkeeping on resume_jobs, and the three RPCs process-resume
-- drives a job with: start_resume_job (one job per file and tenant; a duplicate, a retry
-- or a job already running), advance_resume_job (each step recorded), and
-- save_resume_candidate (candidate + candidate_tenants + job in one transaction).
--
-- Why SECURITY INVOKER, not DEFINER: every write here is one the caller (an owner or
-- admin) may already make through the Data API, so RLS on resume_jobs, candidates and
-- candidate_tenants stays the only authority; the functions add what PostgREST calls
-- cannot give one by one: a single transaction (no candidate without its junction row or
-- without its job pointing at it, even when the function dies in between), row locks
-- against two requests racing on one job, and clear PTxyz errors instead of bare 42501.
-- A definer function would have to re-implement the tenant and role checks that the
-- policies already make, and one mistake there would cross tenants.
--
-- Steps: extracting -> analyzing -> enriching -> done, or failed with failed_step (the
-- step to continue from) and error. `steps` is the log of every transition, newest
-- last. resume_text and analysis keep what earlier steps produced, so a retry continues
-- at failed_step instead of starting over.

alter table public.resume_jobs
  add column failed_step text check (failed_step in ('extracting', 'analyzing', 'enriching')),
  add column extractor   text check (extractor in ('builtin', 'pdfco')),
  add column analyzer    text check (analyzer in ('deterministic', 'openai')),
  add column enrichment  text check (enrichment in ('enriched', 'no_match', 'not_configured', 'failed')),
  add column resume_text text,
  add column analysis    jsonb check (analysis is null or jsonb_typeof(analysis) = 'object'),
  add column steps       jsonb not null default '[]'::jsonb check (jsonb_typeof(steps) = 'array');

comment on column public.resume_jobs.failed_step is
  'When status = failed: the step that failed, where a retry of the same file continues.';
comment on column public.resume_jobs.steps is
  'Every status change of the job, oldest first: {status, at, ...detail (extractor, analyzer, enrichment, error, step)}.';
comment on column public.resume_jobs.resume_text is
  'The text the extracting step produced (kept for analyzing, and for a retry that continues there).';
comment on column public.resume_jobs.analysis is
  'The structured resume the analyzing step produced (the Resume shape of analyze-resume).';

-- ---------------------------------------------------------------------------------------
-- start_resume_job
-- ---------------------------------------------------------------------------------------
create or replace function public.start_resume_job(
  p_sha256 text,
  p_file_name text default null,
  p_storage_path text default null
)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tenant uuid := private.require_permission('resume_jobs', '{create}', 'Sign in to process resumes.',
    'Only owners and admins of the organisation can process resumes.');
  v_job public.resume_jobs;
  v_from text;
begin
  if p_sha256 is null or p_sha256 !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'invalid_sha256',
      detail = 'The file digest must be 64 lowercase hex characters.';
  end if;
  if p_storage_path is not null and pg_catalog.split_part(p_storage_path, '/', 1) <> v_tenant::text then
    raise exception using errcode = 'PT403', message = 'path_outside_tenant',
      detail = 'The file must be in your organisation''s folder.';
  end if;

  insert into public.resume_jobs (tenant_id, sha256, file_name, storage_path, status, attempts, steps)
  values (v_tenant, p_sha256, pg_catalog.left(p_file_name, 255), p_storage_path, 'extracting', 1,
          pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('status', 'extracting', 'at', pg_catalog.now())))
  on conflict (tenant_id, sha256) do nothing
  returning * into v_job;
  if found then
    return pg_catalog.to_jsonb(v_job) - 'resume_text' - 'analysis' - 'steps'
      || pg_catalog.jsonb_build_object('duplicate', false, 'resume_from', 'extracting');
  end if;

  select * into v_job from public.resume_jobs j
  where j.tenant_id = v_tenant and j.sha256 = p_sha256
  for update;
  if not found then
    -- The insert conflicted on a row of this very tenant (so RLS does not hide it), yet
    -- it is gone: deleted between the two statements.
    raise exception using errcode = 'PT404', message = 'job_not_found',
      detail = 'No such resume job in this organisation.';
  end if;

  if v_job.status = 'done' and v_job.candidate_id is not null then
    return pg_catalog.to_jsonb(v_job) - 'resume_text' - 'analysis' - 'steps'
      || pg_catalog.jsonb_build_object('duplicate', true, 'resume_from', null);
  end if;

  if v_job.status = 'done' then
    -- Done, but its candidate was deleted since (candidate_id set null): the file is
    -- new again for this tenant. Analyze it again from the text already extracted.
    v_from := case when v_job.resume_text is null then 'extracting' else 'analyzing' end;
  elsif v_job.status = 'failed' then
    v_from := coalesce(v_job.failed_step, 'extracting');
  elsif v_job.updated_at < pg_catalog.now() - interval '10 minutes' then
    -- Running for longer than any edge function lives (wall clock 150-400 s): the
    -- request that ran it is gone. Continue where it stopped.
    v_from := case when v_job.status = 'uploaded' then 'extracting' else v_job.status end;
  else
    raise exception using errcode = 'PT409', message = 'job_in_progress',
      detail = 'This file is being processed right now; try again in a moment.';
  end if;

  update public.resume_jobs j
  set status = v_from,
      error = null,
      failed_step = null,
      attempts = j.attempts + 1,
      storage_path = coalesce(j.storage_path, p_storage_path),
      file_name = coalesce(j.file_name, pg_catalog.left(p_file_name, 255)),
      steps = j.steps || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'status', v_from, 'at', pg_catalog.now(), 'retry', true))
  where j.id = v_job.id
  returning * into v_job;

  return pg_catalog.to_jsonb(v_job) - 'steps'
    || pg_catalog.jsonb_build_object('duplicate', false, 'resume_from', v_from);
end
$$;
comment on function public.start_resume_job(text, text, text) is
  'Owner/admin: the resume job of a file (by sha256) in the caller''s tenant. New file: a job in extracting (resume_from extracting). Done before: the job with duplicate true, nothing changed (unless its candidate was deleted since: then it is analyzed again). Failed (or stale, running > 10 min): resumed at its failed step (resume_from), attempts + 1, with the text and analysis earlier steps kept. Running: PT409 job_in_progress. PT401 not_authenticated, PT403 forbidden / path_outside_tenant, PT400 invalid_sha256.';

-- ---------------------------------------------------------------------------------------
-- advance_resume_job
-- ---------------------------------------------------------------------------------------
create or replace function public.advance_resume_job(
  p_job_id uuid,
  p_status text,
  p_detail jsonb default '{}'::jsonb
)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tenant uuid := private.require_permission('resume_jobs', '{update}', 'Sign in to process resumes.',
    'Only owners and admins of the organisation can process resumes.');
  v_detail jsonb := coalesce(p_detail, '{}'::jsonb);
  v_job public.resume_jobs;
  v_step text;
begin
  if p_status is null or p_status not in ('extracting', 'analyzing', 'enriching', 'done', 'failed') then
    raise exception using errcode = 'PT400', message = 'invalid_status',
      detail = 'A job moves to extracting, analyzing, enriching, done or failed.';
  end if;
  if pg_catalog.jsonb_typeof(v_detail) <> 'object' then
    raise exception using errcode = 'PT400', message = 'invalid_detail',
      detail = 'The step detail must be a JSON object.';
  end if;
  v_step := v_detail ->> 'step';
  if p_status = 'failed' and (v_step is null or v_step not in ('extracting', 'analyzing', 'enriching')
                              or pg_catalog.btrim(coalesce(v_detail ->> 'error', '')) = '') then
    raise exception using errcode = 'PT400', message = 'invalid_failure',
      detail = 'A failure names its step (extracting, analyzing or enriching) and its error.';
  end if;

  select * into v_job from public.resume_jobs j
  where j.id = p_job_id and j.tenant_id = v_tenant
  for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'job_not_found',
      detail = 'No such resume job in this organisation.';
  end if;
  if v_job.status = 'done' then
    raise exception using errcode = 'PT409', message = 'job_finished',
      detail = 'This resume job is already done.';
  end if;

  update public.resume_jobs j
  set status = p_status,
      error = case when p_status = 'failed' then pg_catalog.left(v_detail ->> 'error', 2000) end,
      failed_step = case when p_status = 'failed' then v_step end,
      extractor = coalesce(v_detail ->> 'extractor', j.extractor),
      analyzer = coalesce(v_detail ->> 'analyzer', j.analyzer),
      enrichment = coalesce(v_detail ->> 'enrichment', j.enrichment),
      resume_text = coalesce(v_detail ->> 'resume_text', j.resume_text),
      analysis = coalesce(v_detail -> 'analysis', j.analysis),
      steps = j.steps || pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('status', p_status, 'at', pg_catalog.now())
        || (v_detail - 'resume_text' - 'analysis'))
  where j.id = v_job.id
  returning * into v_job;

  return pg_catalog.to_jsonb(v_job) - 'resume_text' - 'analysis' - 'steps';
end
$$;
comment on function public.advance_resume_job(uuid, text, jsonb) is
  'Owner/admin: move a resume job of the caller''s tenant to a status and log it in steps. Detail keys extractor, analyzer, enrichment, resume_text, analysis are stored when given; failed needs step and error (failed_step, error). PT404 job_not_found, PT409 job_finished, PT400 invalid_status / invalid_detail / invalid_failure, PT401, PT403.';

-- ---------------------------------------------------------------------------------------
-- save_resume_candidate
-- ---------------------------------------------------------------------------------------
create or replace function public.save_resume_candidate(
  p_job_id uuid,
  p_resume jsonb,
  p_detail jsonb default '{}'::jsonb
)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tenant uuid := private.require_permission('candidates', '{create,update}', 'Sign in to process resumes.',
    'Only owners and admins of the organisation can add candidates.');
  v_job public.resume_jobs;
  v_email text;
  v_name text;
  v_skills text[];
  v_id uuid;
  v_created boolean;
begin
  if p_resume is null or pg_catalog.jsonb_typeof(p_resume) <> 'object' then
    raise exception using errcode = 'PT400', message = 'invalid_resume',
      detail = 'The resume must be a JSON object.';
  end if;
  if p_detail is null or pg_catalog.jsonb_typeof(p_detail) <> 'object' then
    raise exception using errcode = 'PT400', message = 'invalid_detail',
      detail = 'The step detail must be a JSON object.';
  end if;

  select * into v_job from public.resume_jobs j
  where j.id = p_job_id and j.tenant_id = v_tenant
  for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'job_not_found',
      detail = 'No such resume job in this organisation.';
  end if;
  if v_job.status <> 'analyzing' then
    raise exception using errcode = 'PT409', message = 'job_not_analyzing',
      detail = 'The candidate is saved at the end of the analyzing step.';
  end if;

  v_email := pg_catalog.lower(pg_catalog.btrim(p_resume ->> 'email'));
  if v_email is null or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'PT422', message = 'email_not_found',
      detail = 'No email address was found in the resume; candidates are identified by email.';
  end if;
  v_name := nullif(pg_catalog.btrim(p_resume ->> 'full_name'), '');
  if v_name is null then
    raise exception using errcode = 'PT422', message = 'name_not_found',
      detail = 'No name was found in the resume.';
  end if;
  v_skills := array(select pg_catalog.jsonb_array_elements_text(
                      case when pg_catalog.jsonb_typeof(p_resume -> 'skills') = 'array'
                           then p_resume -> 'skills' else '[]'::jsonb end));

  -- De-duplicated by email within the tenant (unique (tenant_id, email)): the same person
  -- uploaded again is updated, never a second row. Another tenant's record of the same
  -- address never conflicts with this one.
  insert into public.candidates as c
    (tenant_id, full_name, email, phone, first_name, last_name, skills, experience, education,
     resume_text, resume_analysis, resume_url)
  values
    (v_tenant, v_name, v_email, nullif(pg_catalog.btrim(p_resume ->> 'phone'), ''),
     nullif(pg_catalog.btrim(p_resume ->> 'first_name'), ''),
     nullif(pg_catalog.btrim(p_resume ->> 'last_name'), ''),
     v_skills, p_resume -> 'experience', p_resume -> 'education',
     v_job.resume_text, p_resume, v_job.storage_path)
  on conflict (tenant_id, email) do update
    set full_name = excluded.full_name,
        phone = coalesce(excluded.phone, c.phone),
        first_name = coalesce(excluded.first_name, c.first_name),
        last_name = coalesce(excluded.last_name, c.last_name),
        skills = case when pg_catalog.cardinality(excluded.skills) > 0 then excluded.skills else c.skills end,
        experience = coalesce(excluded.experience, c.experience),
        education = coalesce(excluded.education, c.education),
        resume_text = coalesce(excluded.resume_text, c.resume_text),
        resume_analysis = excluded.resume_analysis,
        resume_url = coalesce(excluded.resume_url, c.resume_url)
  returning c.id, (c.xmax = 0) into v_id, v_created;

  -- The insert trigger links a new row to its tenant; an existing one keeps (or, if an
  -- owner removed it, gets back) its link.
  insert into public.candidate_tenants as ct (candidate_id, tenant_id, relationship_type, last_interaction)
  values (v_id, v_tenant, 'candidate', pg_catalog.now())
  on conflict (candidate_id, tenant_id) do update set last_interaction = excluded.last_interaction;

  update public.resume_jobs j
  set candidate_id = v_id,
      status = 'enriching',
      analysis = p_resume,
      analyzer = coalesce(p_detail ->> 'analyzer', j.analyzer),
      steps = j.steps || pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('status', 'enriching', 'at', pg_catalog.now())
        || (p_detail - 'resume_text' - 'analysis')
        || pg_catalog.jsonb_build_object('candidate_id', v_id, 'created', v_created))
  where j.id = v_job.id;

  return pg_catalog.jsonb_build_object('candidate_id', v_id, 'created', v_created);
end
$$;
comment on function public.save_resume_candidate(uuid, jsonb, jsonb) is
  'Owner/admin, at the end of a job''s analyzing step: create or update the tenant''s candidate with this email from the resume JSON (full_name, email, phone, first_name, last_name, skills, experience, education), make sure its candidate_tenants row exists, and move the job to enriching with candidate_id set (p_detail: analyzer and what else the analyzing step reports, logged in steps), all in one transaction. Returns {candidate_id, created}. PT422 email_not_found / name_not_found, PT404 job_not_found, PT409 job_not_analyzing, PT400 invalid_resume / invalid_detail, PT401, PT403.';

revoke all on function public.start_resume_job(text, text, text),
  public.advance_resume_job(uuid, text, jsonb),
  public.save_resume_candidate(uuid, jsonb, jsonb) from public, anon;
grant execute on function public.start_resume_job(text, text, text),
  public.advance_resume_job(uuid, text, jsonb),
  public.save_resume_candidate(uuid, jsonb, jsonb) to authenticated, service_role;
