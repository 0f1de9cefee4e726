-- Positions (job openings), the tenant's competency library, and which competencies a
-- position assesses (weight, required level).
--
-- Cross-references use composite foreign keys on (id, tenant_id): a position can only
-- name its own tenant's company, and only its own tenant's competencies, whatever ids a
-- client sends. The description had no such guard.

-- ---------------------------------------------------------------------------------------
-- positions
-- ---------------------------------------------------------------------------------------
create table public.positions (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        uuid not null references public.tenants (id) on delete cascade,
  company_id       uuid,
  title            text not null check (length(btrim(title)) between 1 and 300),
  description      text,
  responsibilities text[] not null default '{}',
  requirements     text[] not null default '{}',
  nice_to_have     text[] not null default '{}',
  department       text,
  seniority        text,
  location         text,
  employment_type  text,
  status           text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  metadata         jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (id, tenant_id),
  -- deleting a company keeps its positions, without a company
  constraint positions_company_fkey foreign key (company_id, tenant_id)
    references public.companies (id, tenant_id) on delete set null (company_id)
);
comment on table public.positions is
  'A job opening of a tenant: draft -> published -> archived. Lists are text[]; company_id must be a company of the same tenant.';

create index positions_tenant_id_status_idx on public.positions (tenant_id, status);
create index positions_company_id_tenant_id_idx on public.positions (company_id, tenant_id);

create trigger positions_set_updated_at
  before update on public.positions
  for each row execute function private.set_updated_at();

create trigger positions_audit
  after insert or update or delete on public.positions
  for each row execute function private.audit_row_change();

-- ---------------------------------------------------------------------------------------
-- competencies
-- ---------------------------------------------------------------------------------------
create table public.competencies (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references public.tenants (id) on delete cascade,
  name        text not null check (length(btrim(name)) between 1 and 200),
  description text,
  category    text,
  metadata    jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (id, tenant_id)
);
comment on table public.competencies is
  'A tenant''s competency library (e.g. "System design"). Names are unique per tenant, case-insensitively.';

create unique index competencies_tenant_id_name_key on public.competencies (tenant_id, lower(name));

create trigger competencies_set_updated_at
  before update on public.competencies
  for each row execute function private.set_updated_at();

create trigger competencies_audit
  after insert or update or delete on public.competencies
  for each row execute function private.audit_row_change();

-- ---------------------------------------------------------------------------------------
-- position_competencies
-- ---------------------------------------------------------------------------------------
create table public.position_competencies (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      uuid not null references public.tenants (id) on delete cascade,
  position_id    uuid not null,
  competency_id  uuid not null,
  weight         numeric(6, 2) not null default 1 check (weight > 0 and weight <= 100),
  required_level integer not null default 3 check (required_level between 1 and 5),
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  unique (position_id, competency_id),
  constraint position_competencies_position_fkey foreign key (position_id, tenant_id)
    references public.positions (id, tenant_id) on delete cascade,
  constraint position_competencies_competency_fkey foreign key (competency_id, tenant_id)
    references public.competencies (id, tenant_id) on delete cascade
);
comment on table public.position_competencies is
  'Which competencies a position assesses: weight (0 < w <= 100, relative) and required level 1-5. Position and competency must belong to the row''s tenant.';

create index position_competencies_tenant_id_idx on public.position_competencies (tenant_id);
create index position_competencies_position_id_tenant_id_idx on public.position_competencies (position_id, tenant_id);
create index position_competencies_competency_id_tenant_id_idx on public.position_competencies (competency_id, tenant_id);

create trigger position_competencies_set_updated_at
  before update on public.position_competencies
  for each row execute function private.set_updated_at();

create trigger position_competencies_audit
  after insert or update or delete on public.position_competencies
  for each row execute function private.audit_row_change();

-- ---------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------
alter table public.positions enable row level security;
alter table public.competencies enable row level security;
alter table public.position_competencies enable row level security;

create policy "Members can read their tenant's positions"
  on public.positions for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add positions to their tenant"
  on public.positions for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('positions', 'create')));

create policy "Owners and admins can update their tenant's positions"
  on public.positions for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('positions', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's positions"
  on public.positions for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('positions', 'delete')));

create policy "Members can read their tenant's competencies"
  on public.competencies for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add competencies to their tenant"
  on public.competencies for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('competencies', 'create')));

create policy "Owners and admins can update their tenant's competencies"
  on public.competencies for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('competencies', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's competencies"
  on public.competencies for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('competencies', 'delete')));

create policy "Members can read their tenant's position competencies"
  on public.position_competencies for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add position competencies to their tenant"
  on public.position_competencies for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('position_competencies', 'create')));

create policy "Owners and admins can edit their tenant's position competencies"
  on public.position_competencies for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('position_competencies', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's position competencies"
  on public.position_competencies for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('position_competencies', 'delete')));

revoke all on table public.positions, public.competencies, public.position_competencies from anon, authenticated;
grant select, insert, update, delete on table public.positions, public.competencies, public.position_competencies
  to authenticated;
grant all on table public.positions, public.competencies, public.position_competencies to service_role;
