-- A resume file that nothing refers to any more is deleted by the server, not left to the
-- client.
--
-- erase_candidate used to answer the file paths for the client to delete; a client that
-- never did left the person's resume in Storage. A DELETE on storage.objects is no way
-- out: Supabase Storage refuses direct deletes from its tables (a statement trigger
-- wants its own `storage.allow_delete_query` setting), and a row deleted that way would
-- orphan the stored bytes. Files are deleted through the Storage API, so:
--
--   * private.file_deletions is a durable queue: when the last row that names a file of
--     the `resumes` bucket (candidates.resume_url, resume_jobs.storage_path) is deleted or
--     stops naming it, in the same transaction, the file is queued. Erasure, a deleted
--     candidate and a replaced resume all end there, however they happen;
--   * the edge function `erase-candidate` erases through erase_candidate and then deletes
--     the queued files with the service role; called by the service role with
--     {"retry_pending": true} (a scheduled job) it deletes what earlier attempts left;
--   * claim_file_deletions hands out due entries with a lease (attempts and an
--     exponential backoff, so a failing Storage is not hammered), and drops an entry whose
--     file is named again by then (the same content-addressed file uploaded anew);
--     finish_file_deletions removes the deleted entries and records the error of the
--     others: after 8 attempts an entry stays, with its last error, for an operator.
--
-- Schedule the retry where pg_cron and pg_net are installed (Dashboard -> Integrations ->
-- Cron), with the project's secret key in Vault:
--   select cron.schedule('retry-file-deletions', '*/10 * * * *', $$
--     select net.http_post(
--       url := '<project URL>/functions/v1/erase-candidate',
--       headers := jsonb_build_object('content-type', 'application/json',
--         'apikey', (select decrypted_secret from vault.decrypted_secrets where name = 'secret_key'),
--         'authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'secret_key')),
--       body := '{"retry_pending": true}')$$);

create table private.file_deletions (
  id           bigint generated always as identity primary key,
  bucket_id    text not null,
  name         text not null,
  queued_at    timestamptz not null default pg_catalog.now(),
  attempts     integer not null default 0,
  next_attempt timestamptz not null default pg_catalog.now(),
  last_error   text,
  unique (bucket_id, name)
);
comment on table private.file_deletions is
  'Files of Storage to delete through the Storage API (nothing refers to them any more). Written by triggers on candidates and resume_jobs; drained by the erase-candidate function (claim_file_deletions / finish_file_deletions). Not exposed: the private schema is not in the Data API.';
alter table private.file_deletions enable row level security;
revoke all on table private.file_deletions from public, anon, authenticated;
create index file_deletions_due on private.file_deletions (next_attempt);

-- Queues the resumes-bucket files in `p_names` that no candidate and no resume job names.
create or replace function private.queue_unreferenced_resume_files(p_names text[])
returns void
language sql
security definer
set search_path = ''
as $$
  insert into private.file_deletions (bucket_id, name)
  select 'resumes', n.name
  from (select distinct x as name from pg_catalog.unnest(p_names) x where x is not null) n
  where not exists (select 1 from public.candidates c where c.resume_url = n.name)
    and not exists (select 1 from public.resume_jobs j where j.storage_path = n.name)
  on conflict (bucket_id, name) do update
    set next_attempt = pg_catalog.now(), attempts = 0, last_error = null;
$$;
comment on function private.queue_unreferenced_resume_files(text[]) is
  'Queues for deletion the resumes-bucket files among p_names that no candidate and no resume job names any more (called by the triggers on both tables, in their transaction). Not executable by API roles.';
revoke all on function private.queue_unreferenced_resume_files(text[]) from public, anon, authenticated;

-- Statement triggers with transition tables: one query per statement, whatever its size.
-- Trigger functions cannot be called through the Data API (PostgREST refuses them, and a
-- direct call fails: "trigger functions can only be called as triggers").
create or replace function private.candidates_release_resume_files()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.queue_unreferenced_resume_files(
      (select pg_catalog.array_agg(o.resume_url) from old_rows o));
  else
    perform private.queue_unreferenced_resume_files(
      (select pg_catalog.array_agg(o.resume_url)
       from old_rows o join new_rows n on n.id = o.id
       where n.resume_url is distinct from o.resume_url));
  end if;
  return null;
end
$$;
comment on function private.candidates_release_resume_files() is
  'Trigger: after candidates lose their resume_url (deleted or changed), queues the files nothing names any more (private.file_deletions).';
revoke all on function private.candidates_release_resume_files() from public, anon, authenticated;

create or replace function private.resume_jobs_release_files()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.queue_unreferenced_resume_files(
      (select pg_catalog.array_agg(o.storage_path) from old_rows o));
  else
    perform private.queue_unreferenced_resume_files(
      (select pg_catalog.array_agg(o.storage_path)
       from old_rows o join new_rows n on n.id = o.id
       where n.storage_path is distinct from o.storage_path));
  end if;
  return null;
end
$$;
comment on function private.resume_jobs_release_files() is
  'Trigger: after resume jobs lose their storage_path (deleted or changed), queues the files nothing names any more (private.file_deletions).';
revoke all on function private.resume_jobs_release_files() from public, anon, authenticated;

create trigger candidates_release_resume_files_on_delete
  after delete on public.candidates
  referencing old table as old_rows
  for each statement execute function private.candidates_release_resume_files();
create trigger candidates_release_resume_files_on_update
  after update on public.candidates
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.candidates_release_resume_files();
create trigger resume_jobs_release_files_on_delete
  after delete on public.resume_jobs
  referencing old table as old_rows
  for each statement execute function private.resume_jobs_release_files();
create trigger resume_jobs_release_files_on_update
  after update on public.resume_jobs
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.resume_jobs_release_files();

create or replace function public.claim_file_deletions(p_limit integer default 100, p_names text[] default null)
returns table (id bigint, bucket_id text, name text, attempts integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_max_attempts constant integer := 8;
begin
  if (select auth.role()) is distinct from 'service_role' then
    raise exception using errcode = 'PT403', message = 'forbidden',
      detail = 'Only the service role drains the file deletion queue.';
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception using errcode = 'PT400', message = 'invalid_limit',
      detail = 'p_limit must be between 1 and 1000.';
  end if;

  -- A file named again since it was queued (uploaded anew) is not deleted.
  delete from private.file_deletions d
  where (p_names is null or d.name = any (p_names))
    and d.bucket_id = 'resumes'
    and (exists (select 1 from public.candidates c where c.resume_url = d.name)
         or exists (select 1 from public.resume_jobs j where j.storage_path = d.name));

  return query
  with due as (
    select d.id from private.file_deletions d
    where (p_names is null or d.name = any (p_names))
      and d.attempts < c_max_attempts
      and (p_names is not null or d.next_attempt <= pg_catalog.now())
    order by d.next_attempt
    limit p_limit
    for update skip locked
  )
  update private.file_deletions d
  set attempts = d.attempts + 1,
      -- The lease: 1, 2, 4 ... 128 minutes before another claim may take it.
      next_attempt = pg_catalog.now() + pg_catalog.make_interval(mins => (2 ^ d.attempts)::integer)
  from due
  where d.id = due.id
  returning d.id, d.bucket_id, d.name, d.attempts;
end
$$;
comment on function public.claim_file_deletions(integer, text[]) is
  'Service role only (PT403 forbidden otherwise): leases up to p_limit (1..1000, else PT400 invalid_limit) queued file deletions that are due (with p_names: those files, due or not), after dropping the entries whose file is named again. Each claim counts an attempt and pushes the next one back 2^attempts minutes; after 8 attempts an entry is no longer handed out. Returns {id, bucket_id, name, attempts}.';
revoke all on function public.claim_file_deletions(integer, text[]) from public, anon, authenticated;
grant execute on function public.claim_file_deletions(integer, text[]) to service_role;

create or replace function public.finish_file_deletions(p_deleted bigint[], p_failed jsonb default '{}')
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_deleted integer;
  v_failed integer;
begin
  if (select auth.role()) is distinct from 'service_role' then
    raise exception using errcode = 'PT403', message = 'forbidden',
      detail = 'Only the service role drains the file deletion queue.';
  end if;
  if p_failed is null or pg_catalog.jsonb_typeof(p_failed) <> 'object' then
    raise exception using errcode = 'PT400', message = 'invalid_failed',
      detail = 'p_failed must be an object {"<id>": "<error>"}.';
  end if;

  delete from private.file_deletions d where d.id = any (coalesce(p_deleted, '{}'));
  get diagnostics v_deleted = row_count;

  update private.file_deletions d
  set last_error = pg_catalog.left(f.value, 500)
  from pg_catalog.jsonb_each_text(p_failed) f
  where f.key ~ '^[0-9]{1,18}$' and d.id = f.key::bigint;
  get diagnostics v_failed = row_count;

  return pg_catalog.jsonb_build_object(
    'deleted', v_deleted,
    'failed', v_failed,
    'pending', (select pg_catalog.count(*) from private.file_deletions));
end
$$;
comment on function public.finish_file_deletions(bigint[], jsonb) is
  'Service role only (PT403 forbidden otherwise): removes the queue entries p_deleted (their files are gone) and records p_failed {"<id>": "<error>"} (PT400 invalid_failed when not an object) on the others, which stay queued. Returns {deleted, failed, pending}.';
revoke all on function public.finish_file_deletions(bigint[], jsonb) from public, anon, authenticated;
grant execute on function public.finish_file_deletions(bigint[], jsonb) to service_role;

comment on function public.erase_candidate(uuid) is
  'Erases everything the caller''s tenant holds about a candidate: sessions (with their transcripts, insights, token grants, timing events and machine rows), invitations, profile, resume jobs (also those of the candidate''s file that lost their candidate link), the tenant link, and the record itself unless another tenant shares it (then it keeps only who the person is: no resume text or what was read from it). Redacts every audit entry of those rows, logs an ERASE entry, and answers {storage_paths (bucket-relative, in the tenant''s folder: queued in the same transaction for deletion by the server, see the erase-candidate function), removed {candidate: deleted|detached|kept, sessions, invitations, profiles, resume_jobs, audit_entries_redacted}, vendor_copies {videosdk_room_ids, fly_machine_ids}}. Owners only: PT401 not_authenticated, PT403 forbidden, PT404 candidate_not_found.';
