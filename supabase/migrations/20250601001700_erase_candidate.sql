-- Erasure of a candidate within the caller's tenant (a data subject's request).
--
-- Deletes the tenant's sessions with the candidate (and with them their invitations,
-- transcripts and insights), the remaining invitations, the tenant's profile (People
-- Data Labs), resume jobs and candidate_tenants row. The candidate record itself:
--   * owned by the tenant and seen by no other tenant: deleted;
--   * owned by the tenant but shared with others: kept for them, with no owner
--     (tenant_id NULL) and no resume_url (its file is being erased);
--   * owned by another tenant (shared into this one): left alone.
-- Audit entries of the erased rows in this tenant lose their old/new data
-- (redacted_at), and one ERASE entry records the erasure without personal data.
-- Files cannot be deleted from SQL (the storage API owns them): the function returns
-- the paths, relative to the `resumes` bucket and inside the tenant's folder, for the
-- caller to delete through the Storage API.

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
  v_candidate_deleted boolean := false;
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

  select coalesce(pg_catalog.array_agg(distinct x.path order by x.path), '{}')
  into v_paths
  from (
    select j.storage_path as path from public.resume_jobs j
    where j.tenant_id = v_tenant and j.candidate_id = p_candidate_id
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
    select j.id::text from public.resume_jobs j
    where j.tenant_id = v_tenant and j.candidate_id = p_candidate_id
  ) r;

  delete from public.interview_sessions s
  where s.tenant_id = v_tenant and s.candidate_id = p_candidate_id;
  get diagnostics v_sessions = row_count;
  delete from public.interview_invitations i
  where i.tenant_id = v_tenant and i.candidate_id = p_candidate_id;
  delete from public.candidate_profiles p
  where p.tenant_id = v_tenant and p.candidate_id = p_candidate_id;
  delete from public.resume_jobs j
  where j.tenant_id = v_tenant and j.candidate_id = p_candidate_id;
  delete from public.candidate_tenants ct
  where ct.tenant_id = v_tenant and ct.candidate_id = p_candidate_id;

  if v_owner = v_tenant then
    if exists (select 1 from public.candidate_tenants ct where ct.candidate_id = p_candidate_id) then
      update public.candidates c
      set tenant_id = null, resume_url = null
      where c.id = p_candidate_id;
    else
      delete from public.candidates c where c.id = p_candidate_id;
      v_candidate_deleted := true;
    end if;
  end if;

  -- The deletes above were audited with the full rows: remove that data too.
  update public.audit_log a
  set old_data = null, new_data = null, redacted_at = pg_catalog.now()
  where a.tenant_id = v_tenant
    and a.row_id = any (v_row_ids)
    and a.redacted_at is null;

  insert into public.audit_log (tenant_id, actor_id, actor_role, table_name, op, row_id, new_data)
  values (v_tenant, v_uid, 'owner', 'candidates', 'ERASE', p_candidate_id::text,
          pg_catalog.jsonb_build_object(
            'sessions_deleted', v_sessions,
            'storage_paths', pg_catalog.cardinality(v_paths),
            'candidate_deleted', v_candidate_deleted));

  return pg_catalog.jsonb_build_object('storage_paths', pg_catalog.to_jsonb(v_paths));
end
$$;
comment on function public.erase_candidate(uuid) is
  'Erases everything the caller''s tenant holds about a candidate (sessions, invitations, transcripts, insights, profile, resume jobs, the tenant link, and the record itself unless another tenant shares it), redacts the matching audit entries, logs an ERASE entry, and returns {storage_paths} (bucket-relative, in the tenant''s folder) for the caller to delete from Storage. Owners only: PT401 not_authenticated, PT403 forbidden, PT404 candidate_not_found.';
revoke all on function public.erase_candidate(uuid) from public, anon;
grant execute on function public.erase_candidate(uuid) to authenticated;
