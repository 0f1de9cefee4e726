-- The dedicated Fly Machine of an interview session (session-vm): one row per session,
-- its lifecycle and its last failure, so a start is never repeated behind the caller's
-- back, concurrent starts cannot create two machines, and a failure is visible to the
-- tenant instead of lost in a log.
--
--   starting -> started -> destroying -> destroyed
--   starting -> failed (Fly refused or the machine never started; error says why)
--   failed | destroyed -> starting (a new start of the same session)
--
-- interview_sessions.fly_machine_id mirrors machine_id while the machine lives, for the
-- screens that already read the session. Owners and admins write through session-vm as
-- themselves (the policies below); the reaper runs as the service role (no user).

create table public.session_machines (
  session_id   uuid primary key,
  tenant_id    uuid not null references public.tenants (id) on delete cascade,
  machine_id   text check (length(machine_id) between 1 and 100),
  region       text check (length(region) <= 50),
  state        text not null default 'starting'
               check (state in ('starting', 'started', 'destroying', 'destroyed', 'failed')),
  error        text check (length(error) <= 200),
  started_at   timestamptz,
  destroyed_at timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  constraint session_machines_session_fkey foreign key (session_id, tenant_id)
    references public.interview_sessions (id, tenant_id) on delete cascade,
  constraint session_machines_started_has_machine check (state not in ('started', 'destroying') or machine_id is not null)
);
comment on table public.session_machines is
  'The Fly Machine dedicated to an interview session: starting -> started -> destroying -> destroyed, or failed (error). One row per session. Members read their tenant''s; owners/admins record and update them (through session-vm); the service role reaps.';

create index session_machines_session_id_tenant_id_idx on public.session_machines (session_id, tenant_id);
create index session_machines_tenant_id_state_idx on public.session_machines (tenant_id, state);

create trigger session_machines_set_updated_at
  before update on public.session_machines
  for each row execute function private.set_updated_at();

create trigger session_machines_audit
  after insert or update or delete on public.session_machines
  for each row execute function private.audit_row_change('session_id');

alter table public.session_machines enable row level security;

create policy "Members can read their tenant's session machines"
  on public.session_machines for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can record machines for their tenant's sessions"
  on public.session_machines for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('interview_sessions', 'update')));

create policy "Owners and admins can update their tenant's session machines"
  on public.session_machines for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_sessions', 'update')))
  with check (tenant_id = (select private.tenant_id()));

revoke all on table public.session_machines from anon, authenticated;
grant select on table public.session_machines to authenticated;
grant insert (session_id, tenant_id, machine_id, region, state, error, started_at, destroyed_at)
  on table public.session_machines to authenticated;
grant update (machine_id, region, state, error, started_at, destroyed_at)
  on table public.session_machines to authenticated;
grant all on table public.session_machines to service_role;
