-- Resume processing jobs: one per uploaded file and tenant, driven by the edge functions
-- through uploaded -> extracting -> analyzing -> enriching -> done | failed.
-- unique (tenant_id, sha256): the same file uploaded twice to a tenant is one job, so it
-- can never become two candidates (the row stays, as that memory, when its candidate is
-- deleted: candidate_id becomes NULL). A file's storage path lies in the tenant's folder.

create table public.resume_jobs (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references public.tenants (id) on delete cascade,
  storage_path text check (storage_path is null or split_part(storage_path, '/', 1) = tenant_id::text),
  file_name    text,
  sha256       text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  status       text not null default 'uploaded'
               check (status in ('uploaded', 'extracting', 'analyzing', 'enriching', 'done', 'failed')),
  error        text,
  attempts     integer not null default 0 check (attempts >= 0),
  candidate_id uuid references public.candidates (id) on delete set null,
  created_by   uuid default auth.uid() references auth.users (id) on delete set null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  constraint resume_jobs_tenant_id_sha256_key unique (tenant_id, sha256),
  constraint resume_jobs_candidate_tenant_fkey foreign key (candidate_id, tenant_id)
    references public.candidate_tenants (candidate_id, tenant_id) on delete set null (candidate_id),
  constraint resume_jobs_failed_has_error check (status <> 'failed' or error is not null)
);
comment on table public.resume_jobs is
  'A resume file being turned into a candidate: storage path (in the tenant''s folder of the resumes bucket) and content sha256 (unique per tenant), status uploaded|extracting|analyzing|enriching|done|failed, error, attempts, and the candidate it produced.';

create index resume_jobs_candidate_id_tenant_id_idx on public.resume_jobs (candidate_id, tenant_id);
create index resume_jobs_created_by_idx on public.resume_jobs (created_by);

create trigger resume_jobs_set_updated_at
  before update on public.resume_jobs
  for each row execute function private.set_updated_at();

create trigger resume_jobs_audit
  after insert or update or delete on public.resume_jobs
  for each row execute function private.audit_row_change();

alter table public.resume_jobs enable row level security;

create policy "Members can read their tenant's resume jobs"
  on public.resume_jobs for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add resume jobs to their tenant"
  on public.resume_jobs for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('resume_jobs', 'create')));

create policy "Owners and admins can update their tenant's resume jobs"
  on public.resume_jobs for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('resume_jobs', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's resume jobs"
  on public.resume_jobs for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('resume_jobs', 'delete')));

revoke all on table public.resume_jobs from anon, authenticated;
grant select, insert, update, delete on table public.resume_jobs to authenticated;
grant all on table public.resume_jobs to service_role;
