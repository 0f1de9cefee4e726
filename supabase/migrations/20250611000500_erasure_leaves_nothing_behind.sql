-- Erasure leaves nothing of the person behind in the database, and says what it removed.
--
-- erase_candidate, as before, plus:
--   * the audit entries of the rows that go with the candidate's sessions (token grants,
--     transcript timing events), audited under their own ids, are redacted too;
--   * the tenant's resume jobs of the candidate's file that no longer name a candidate
--     (removing a candidate's tenant link clears its jobs' candidate_id) are deleted with
--     their audit data;
--   * a record kept for the tenants it is shared with keeps who the person is (name,
--     email) but not what the erasing tenant's resume said (text, analysis, skills,
--     experience, education);
--   * the answer lists what was removed, and the vendors' copies (VideoSDK rooms, Fly
--     machines still alive) for the caller to have destroyed.
-- Files still go through the Storage API (the caller deletes storage_paths): a direct
-- DELETE on storage.objects would orphan the stored bytes.

create or replace function public.erase_candidate(p_candidate_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_tenant uuid := private.require_permission('candidates', '{delete}',
    'Sign in to erase candidate data.', 'Only owners of the organisation can erase candidate data.');
  v_owner uuid;
  v_paths text[];
  v_row_ids text[];
  v_sessions integer;
  v_invitations integer;
  v_profiles integer;
  v_jobs integer;
  v_redacted integer;
  v_job_ids uuid[];
  v_rooms text[];
  v_machines text[];
  v_candidate text := 'kept';
begin
  select c.tenant_id into v_owner
  from public.candidates c
  where c.id = p_candidate_id
    and (c.tenant_id = v_tenant
         or exists (select 1 from public.candidate_tenants ct
                    where ct.candidate_id = c.id and ct.tenant_id = v_tenant))
  for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'candidate_not_found',
      detail = 'No such candidate in this organisation.';
  end if;

  -- The candidate's resume jobs, and the tenant's jobs of the candidate's resume file
  -- that no longer name a candidate (the link to it was removed, which clears the job's
  -- candidate_id): they hold the file's path and name.
  select coalesce(pg_catalog.array_agg(j.id), '{}') into v_job_ids
  from public.resume_jobs j
  where j.tenant_id = v_tenant
    and (j.candidate_id = p_candidate_id
         or (j.candidate_id is null
             and j.storage_path in (select c.resume_url from public.candidates c
                                    where c.id = p_candidate_id and c.tenant_id = v_tenant)));

  select coalesce(pg_catalog.array_agg(distinct x.path order by x.path), '{}')
  into v_paths
  from (
    select j.storage_path as path from public.resume_jobs j
    where j.id = any (v_job_ids)
    union
    select c.resume_url from public.candidates c
    where c.id = p_candidate_id and c.tenant_id = v_tenant
  ) x
  where x.path is not null
    and pg_catalog.split_part(x.path, '/', 1) = v_tenant::text;

  select coalesce(pg_catalog.array_agg(r.id), '{}')
  into v_row_ids
  from (
    select p_candidate_id::text as id
    union all
    select s.id::text from public.interview_sessions s
    where s.tenant_id = v_tenant and s.candidate_id = p_candidate_id
    union all
    select i.id::text from public.interview_invitations i
    where i.tenant_id = v_tenant and i.candidate_id = p_candidate_id
    union all
    select t.id::text from public.transcript_entries t
    join public.interview_sessions s on s.id = t.session_id
    where t.tenant_id = v_tenant and s.candidate_id = p_candidate_id
    union all
    select n.id::text from public.interview_insights n
    join public.interview_sessions s on s.id = n.session_id
    where n.tenant_id = v_tenant and s.candidate_id = p_candidate_id
    union all
    select p.id::text from public.candidate_profiles p
    where p.tenant_id = v_tenant and p.candidate_id = p_candidate_id
    union all
    select pg_catalog.unnest(v_job_ids)::text
    union all
    -- rows that go with the sessions (cascade), audited under their own ids
    select g.id::text from public.realtime_token_grants g
    join public.interview_sessions s on s.id = g.session_id
    where g.tenant_id = v_tenant and s.candidate_id = p_candidate_id
    union all
    select ie.id::text from public.transcript_item_events ie
    join public.interview_sessions s on s.id = ie.session_id
    where ie.tenant_id = v_tenant and s.candidate_id = p_candidate_id
  ) r;

  -- What the vendors hold for these sessions (a VideoSDK room, a Fly machine), named in
  -- the answer so the caller can have them destroyed: the rows naming them go now.
  select coalesce(pg_catalog.array_agg(distinct s.videosdk_room_id order by s.videosdk_room_id), '{}')
  into v_rooms
  from public.interview_sessions s
  where s.tenant_id = v_tenant and s.candidate_id = p_candidate_id and s.videosdk_room_id is not null;
  select coalesce(pg_catalog.array_agg(distinct m.machine_id order by m.machine_id), '{}')
  into v_machines
  from public.session_machines m
  join public.interview_sessions s on s.id = m.session_id
  where m.tenant_id = v_tenant and s.candidate_id = p_candidate_id
    and m.machine_id is not null and m.state <> 'destroyed';

  -- Counted first: a session's invitations go with it.
  select pg_catalog.count(*) into v_invitations from public.interview_invitations i
  where i.tenant_id = v_tenant and i.candidate_id = p_candidate_id;
  delete from public.interview_sessions s
  where s.tenant_id = v_tenant and s.candidate_id = p_candidate_id;
  get diagnostics v_sessions = row_count;
  delete from public.interview_invitations i
  where i.tenant_id = v_tenant and i.candidate_id = p_candidate_id;
  delete from public.candidate_profiles p
  where p.tenant_id = v_tenant and p.candidate_id = p_candidate_id;
  get diagnostics v_profiles = row_count;
  delete from public.resume_jobs j
  where j.id = any (v_job_ids);
  get diagnostics v_jobs = row_count;
  delete from public.candidate_tenants ct
  where ct.tenant_id = v_tenant and ct.candidate_id = p_candidate_id;

  if v_owner = v_tenant then
    if exists (select 1 from public.candidate_tenants ct where ct.candidate_id = p_candidate_id) then
      -- Kept for the tenants it is shared with, as who the person is (name, email); what
      -- came from the erasing tenant's resume (its text and what was read from it) goes
      -- with the file.
      update public.candidates c
      set tenant_id = null, resume_url = null, resume_text = null, resume_analysis = null,
          skills = '{}', experience = null, education = null
      where c.id = p_candidate_id;
      v_candidate := 'detached';
    else
      delete from public.candidates c where c.id = p_candidate_id;
      v_candidate := 'deleted';
    end if;
  end if;

  -- The deletes above were audited with the full rows: remove that data too.
  update public.audit_log a
  set old_data = null, new_data = null, redacted_at = pg_catalog.now()
  where a.tenant_id = v_tenant
    and a.row_id = any (v_row_ids)
    and a.redacted_at is null;
  get diagnostics v_redacted = row_count;

  insert into public.audit_log (tenant_id, actor_id, actor_role, table_name, op, row_id, new_data)
  values (v_tenant, v_uid, 'owner', 'candidates', 'ERASE', p_candidate_id::text,
          pg_catalog.jsonb_build_object(
            'sessions_deleted', v_sessions,
            'storage_paths', pg_catalog.cardinality(v_paths),
            'candidate', v_candidate));

  return pg_catalog.jsonb_build_object(
    'storage_paths', pg_catalog.to_jsonb(v_paths),
    'removed', pg_catalog.jsonb_build_object(
      'candidate', v_candidate,
      'sessions', v_sessions,
      'invitations', v_invitations,
      'profiles', v_profiles,
      'resume_jobs', v_jobs,
      'audit_entries_redacted', v_redacted),
    'vendor_copies', pg_catalog.jsonb_build_object(
      'videosdk_room_ids', pg_catalog.to_jsonb(v_rooms),
      'fly_machine_ids', pg_catalog.to_jsonb(v_machines)));
end
$$;
comment on function public.erase_candidate(uuid) is
  'Erases everything the caller''s tenant holds about a candidate: sessions (with their transcripts, insights, token grants, timing events and machine rows), invitations, profile, resume jobs (also those of the candidate''s file that lost their candidate link), the tenant link, and the record itself unless another tenant shares it (then it keeps only who the person is: no resume text or what was read from it). Redacts every audit entry of those rows, logs an ERASE entry, and answers {storage_paths (bucket-relative, in the tenant''s folder, for the caller to delete through the Storage API), removed {candidate: deleted|detached|kept, sessions, invitations, profiles, resume_jobs, audit_entries_redacted}, vendor_copies {videosdk_room_ids, fly_machine_ids}}. Owners only: PT401 not_authenticated, PT403 forbidden, PT404 candidate_not_found.';
revoke all on function public.erase_candidate(uuid) from public, anon;
grant execute on function public.erase_candidate(uuid) to authenticated;
