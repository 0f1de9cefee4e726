-- Candidates and candidate_tenants, the junction that decides which tenants see a
-- candidate record.
--
-- The multi-tenant model (decided here; see also create_candidate_invitation):
--   * A candidate row is a tenant's record of a person. tenant_id is the owning tenant,
--     the only one that may edit or delete it. A person invited by two tenants normally
--     has one row per tenant (an invitation never looks into another tenant's records),
--     and after account linking all of them carry the same candidates.auth_id.
--   * candidate_tenants(candidate_id, tenant_id) lists every tenant that sees the row: the
--     owner (added by trigger on insert) and any tenant it is shared with. Sharing a row
--     with another tenant is a platform operation (service role), never a tenant's: a
--     tenant may only link candidates it owns. Shared tenants read the row, nothing more.
--   * tenant_id is NULL only for a shared row whose owner erased it (erase_candidate);
--     such a row is read-only and visible only through the junction. NULL-tenant rows are
--     never writable through the Data API (the description let everyone update them).
--   * The person (auth user) sees every candidate row linked to them, and their junction
--     rows, in every tenant, and nothing about other candidates.
--   * auth_id and auth_email are set only by link_candidate_account() (or the service
--     role): tenants cannot attach their records to someone's account.

create table public.candidates (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       uuid references public.tenants (id) on delete cascade,
  full_name       text not null,
  email           text not null check (email = lower(btrim(email)) and email like '%_@_%'),
  phone           text,
  resume_url      text,
  resume_text     text,
  resume_analysis jsonb,
  skills          text[] not null default '{}',
  experience      jsonb,
  education       jsonb,
  auth_id         uuid references auth.users (id) on delete set null,
  auth_email      text,
  first_name      text,
  last_name       text,
  metadata        jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
comment on table public.candidates is
  'A tenant''s record of a person (core data from the resume). tenant_id owns it (NULL: ownerless shared record); candidate_tenants decides who else sees it; auth_id links it to the person''s account (set only by link_candidate_account). email is stored lower-cased and is unique per owning tenant.';

create unique index candidates_tenant_id_email_key on public.candidates (tenant_id, email);
create index candidates_auth_id_idx on public.candidates (auth_id);

create table public.candidate_tenants (
  candidate_id      uuid not null references public.candidates (id) on delete cascade,
  tenant_id         uuid not null references public.tenants (id) on delete cascade,
  status            text not null default 'active' check (status in ('active', 'archived')),
  relationship_type text not null default 'candidate' check (relationship_type in ('candidate', 'shared')),
  invitation_date   timestamptz not null default now(),
  last_interaction  timestamptz,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  primary key (candidate_id, tenant_id)
);
comment on table public.candidate_tenants is
  'Which tenants see which candidate rows: the owner (relationship_type candidate, added on insert) and tenants it is shared with (shared, service role only). Per-tenant status of the relationship. Sessions, profiles and invitations reference (candidate_id, tenant_id) here, so a tenant can only attach its data to candidates it sees.';

create index candidate_tenants_tenant_id_idx on public.candidate_tenants (tenant_id);

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------
create or replace function private.link_candidate_to_owner()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.tenant_id is not null then
    insert into public.candidate_tenants (candidate_id, tenant_id, relationship_type)
    values (new.id, new.tenant_id, 'candidate')
    on conflict (candidate_id, tenant_id) do nothing;
  end if;
  return null;
end
$$;
comment on function private.link_candidate_to_owner() is
  'AFTER INSERT trigger on candidates: the owning tenant''s candidate_tenants row, so the junction is complete. Runs as the caller (the junction''s insert policy applies).';
revoke all on function private.link_candidate_to_owner() from public, anon, authenticated;

create or replace function private.normalize_email()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.email := pg_catalog.lower(pg_catalog.btrim(new.email));
  return new;
end
$$;
comment on function private.normalize_email() is
  'BEFORE INSERT/UPDATE trigger: emails are compared case-insensitively, so they are stored lower-cased and trimmed.';
revoke all on function private.normalize_email() from public, anon, authenticated;

create trigger candidates_normalize_email
  before insert or update of email on public.candidates
  for each row execute function private.normalize_email();

create trigger candidates_link_to_owner
  after insert on public.candidates
  for each row execute function private.link_candidate_to_owner();

create trigger candidates_set_updated_at
  before update on public.candidates
  for each row execute function private.set_updated_at();

create trigger candidate_tenants_set_updated_at
  before update on public.candidate_tenants
  for each row execute function private.set_updated_at();

create trigger candidates_audit
  after insert or update or delete on public.candidates
  for each row execute function private.audit_row_change();

create trigger candidate_tenants_audit
  after insert or update or delete on public.candidate_tenants
  for each row execute function private.audit_row_change('candidate_id');

-- ---------------------------------------------------------------------------------------
-- Helpers. SECURITY DEFINER because candidates and candidate_tenants policies refer to
-- each other (plain subqueries would recurse); each answers only about the caller.
-- ---------------------------------------------------------------------------------------
create or replace function private.my_candidate_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select c.id from public.candidates c where c.auth_id = (select auth.uid())
$$;
comment on function private.my_candidate_ids() is
  'The candidate rows linked to the caller''s account (all tenants).';

create or replace function private.tenant_owns_candidate(p_candidate_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.candidates c
    where c.id = p_candidate_id
      and c.tenant_id = (select private.tenant_id())
  )
$$;
comment on function private.tenant_owns_candidate(uuid) is
  'Whether the caller''s tenant owns the candidate row (it may link it; a shared tenant may not).';

create or replace function private.my_candidate_tenant_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select ct.tenant_id
  from public.candidate_tenants ct
  join public.candidates c on c.id = ct.candidate_id
  where c.auth_id = (select auth.uid())
$$;
comment on function private.my_candidate_tenant_ids() is
  'The tenants that see a candidate row linked to the caller''s account.';

revoke all on function private.my_candidate_ids(), private.tenant_owns_candidate(uuid),
  private.my_candidate_tenant_ids() from public, anon;
grant execute on function private.my_candidate_ids(), private.tenant_owns_candidate(uuid),
  private.my_candidate_tenant_ids() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------
alter table public.candidates enable row level security;
alter table public.candidate_tenants enable row level security;

create policy "Members can read candidates owned by or linked to their tenant"
  on public.candidates for select to authenticated
  using (
    tenant_id = (select private.tenant_id())
    or id in (
      select ct.candidate_id from public.candidate_tenants ct
      where ct.tenant_id = (select private.tenant_id())
    )
  );

create policy "Candidates can read their own candidate records"
  on public.candidates for select to authenticated
  using (auth_id = (select auth.uid()));

create policy "Owners and admins can add candidates to their tenant"
  on public.candidates for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('candidates', 'create')));

create policy "Owners and admins can update the candidates their tenant owns"
  on public.candidates for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('candidates', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete the candidates their tenant owns"
  on public.candidates for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('candidates', 'delete')));

-- On tenants (defined in 20250601000200): a candidate sees the name of each organisation
-- that has them as a candidate.
create policy "Candidates can read the tenants they are candidates of"
  on public.tenants for select to authenticated
  using (id in (select private.my_candidate_tenant_ids()));

create policy "Members can read their tenant's candidate links"
  on public.candidate_tenants for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Candidates can read their own tenant links"
  on public.candidate_tenants for select to authenticated
  using (candidate_id in (select private.my_candidate_ids()));

create policy "Owners and admins can link candidates their tenant owns"
  on public.candidate_tenants for insert to authenticated
  with check (
    tenant_id = (select private.tenant_id())
    and (select private.can('candidate_tenants', 'create'))
    and private.tenant_owns_candidate(candidate_id)
  );

create policy "Owners and admins can update their tenant's candidate links"
  on public.candidate_tenants for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('candidate_tenants', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can remove their tenant's candidate links"
  on public.candidate_tenants for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('candidate_tenants', 'delete')));

-- ---------------------------------------------------------------------------------------
-- Grants: column lists keep the account link (auth_id, auth_email) and the junction's
-- keys out of reach of the Data API.
-- ---------------------------------------------------------------------------------------
revoke all on table public.candidates, public.candidate_tenants from anon, authenticated;
grant select, delete on table public.candidates to authenticated;
grant insert (id, tenant_id, full_name, email, phone, resume_url, resume_text, resume_analysis,
              skills, experience, education, first_name, last_name, metadata)
  on table public.candidates to authenticated;
grant update (full_name, email, phone, resume_url, resume_text, resume_analysis,
              skills, experience, education, first_name, last_name, metadata)
  on table public.candidates to authenticated;
grant select, delete on table public.candidate_tenants to authenticated;
grant insert (candidate_id, tenant_id, status, relationship_type, invitation_date, last_interaction)
  on table public.candidate_tenants to authenticated;
grant update (status, last_interaction) on table public.candidate_tenants to authenticated;
grant all on table public.candidates, public.candidate_tenants to service_role;
