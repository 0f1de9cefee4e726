-- candidate_profiles: People Data Labs enrichment, one row per candidate and tenant (the
-- description's dual-table approach). Recruiter data: candidates do not see it.
--
-- Departure: besides candidate_id -> candidates, (candidate_id, tenant_id) references
-- candidate_tenants, so a tenant can only enrich candidates it sees; the description
-- allowed a profile in any tenant for any candidate id.

create table public.candidate_profiles (
  id                      uuid primary key default gen_random_uuid(),
  candidate_id            uuid not null references public.candidates (id) on delete cascade,
  tenant_id               uuid not null references public.tenants (id) on delete cascade,

  -- People Data Labs
  pdl_id                  text,
  pdl_likelihood          integer check (pdl_likelihood between 0 and 10),
  last_enriched_at        timestamptz,

  -- contact and personal
  first_name              text,
  middle_name             text,
  last_name               text,
  gender                  text,
  birth_year              integer,
  location_name           text,
  location_locality       text,
  location_region         text,
  location_country        text,
  location_continent      text,
  location_postal_code    text,
  location_street_address text,
  location_geo            text,

  -- professional
  job_title               text,
  job_company_name        text,
  job_company_size        text,
  job_company_industry    text,
  job_start_date          text,
  job_last_updated        text,

  -- social profiles
  linkedin_url            text,
  linkedin_username       text,
  linkedin_id             text,
  twitter_url             text,
  twitter_username        text,
  facebook_url            text,
  facebook_username       text,
  github_url              text,
  github_username         text,

  -- arrays and structured data
  skills                  text[],
  interests               text[],
  countries               text[],
  experience              jsonb,
  education               jsonb,
  industry                text,
  job_title_levels        text[],

  metadata                jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),

  constraint candidate_profiles_candidate_id_key unique (candidate_id, tenant_id),
  constraint candidate_profiles_candidate_tenant_fkey foreign key (candidate_id, tenant_id)
    references public.candidate_tenants (candidate_id, tenant_id) on delete cascade
);
comment on table public.candidate_profiles is
  'People Data Labs enrichment of a candidate, per tenant (unique candidate_id, tenant_id). Readable by the tenant''s members, written by owners and admins; candidates never see it.';

create index candidate_profiles_tenant_id_idx on public.candidate_profiles (tenant_id);

create trigger candidate_profiles_set_updated_at
  before update on public.candidate_profiles
  for each row execute function private.set_updated_at();

create trigger candidate_profiles_audit
  after insert or update or delete on public.candidate_profiles
  for each row execute function private.audit_row_change();

alter table public.candidate_profiles enable row level security;

create policy "Members can read their tenant's candidate profiles"
  on public.candidate_profiles for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add candidate profiles to their tenant"
  on public.candidate_profiles for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('candidate_profiles', 'create')));

create policy "Owners and admins can update their tenant's candidate profiles"
  on public.candidate_profiles for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('candidate_profiles', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's candidate profiles"
  on public.candidate_profiles for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('candidate_profiles', 'delete')));

revoke all on table public.candidate_profiles from anon, authenticated;
grant select, insert, update, delete on table public.candidate_profiles to authenticated;
grant all on table public.candidate_profiles to service_role;
