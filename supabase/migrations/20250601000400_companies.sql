-- Companies: the employers a tenant recruits for.
--
-- Departures from the system description, on purpose:
--   * No `USING (true)` read: members read their own tenant's companies only.
--   * No NULL-tenant rows: tenant_id is NOT NULL. The description's trigger is kept for
--     its convenience (a client may omit tenant_id), but it fills the tenant from the
--     verified membership (private.tenant_id()) instead of a raw top-level claim, and it
--     is not SECURITY DEFINER. An explicit tenant_id is checked by the policies like any
--     other column.
--   * Insert/update/delete follow the role matrix instead of "anyone authenticated".

create table public.companies (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references public.tenants (id) on delete cascade,
  name        text not null check (length(btrim(name)) between 1 and 200),
  website     text,
  industry    text,
  size        text,
  description text,
  logo_url    text,
  metadata    jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  -- target of composite foreign keys that keep references inside one tenant
  unique (id, tenant_id)
);
comment on table public.companies is
  'An employer a tenant recruits for. tenant_id defaults to the caller''s tenant (trigger companies_set_tenant_id).';

create index companies_tenant_id_idx on public.companies (tenant_id);

create or replace function private.set_tenant_id_from_membership()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.tenant_id is null then
    new.tenant_id := (select private.tenant_id());
  end if;
  return new;
end
$$;
comment on function private.set_tenant_id_from_membership() is
  'BEFORE INSERT trigger: a missing tenant_id becomes the caller''s verified tenant (still NULL for non-members, which the insert policy then refuses).';
revoke all on function private.set_tenant_id_from_membership() from public, anon, authenticated;

create trigger companies_set_tenant_id
  before insert on public.companies
  for each row execute function private.set_tenant_id_from_membership();

create trigger companies_set_updated_at
  before update on public.companies
  for each row execute function private.set_updated_at();

create trigger companies_audit
  after insert or update or delete on public.companies
  for each row execute function private.audit_row_change();

alter table public.companies enable row level security;

create policy "Members can read their tenant's companies"
  on public.companies for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add companies to their tenant"
  on public.companies for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('companies', 'create')));

create policy "Owners and admins can update their tenant's companies"
  on public.companies for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('companies', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's companies"
  on public.companies for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('companies', 'delete')));

revoke all on table public.companies from anon, authenticated;
grant select, insert, update, delete on table public.companies to authenticated;
grant all on table public.companies to service_role;
