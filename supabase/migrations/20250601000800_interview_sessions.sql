-- Interview sessions: one candidate interviewing for one position in one tenant.
--
-- Lifecycle (enforced by trigger, any caller):
--   invited -> scheduled | in_progress | cancelled | expired
--   scheduled -> in_progress | cancelled | expired
--   in_progress -> completed | cancelled
--   completed, cancelled, expired: final
-- A session is created invited or scheduled. It cannot be in progress or completed
-- without consent_given_at. started_at/ended_at are stamped on the transitions.
--
-- The candidate (through the account linked to the session's candidate row) may update
-- their own session, but only to record consent or AI opt-out (stamped now(), once) and
-- to start (after consent) and complete it; a trigger refuses anything else with 42501.

create table public.interview_sessions (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        uuid not null references public.tenants (id) on delete cascade,
  candidate_id     uuid not null references public.candidates (id) on delete cascade,
  position_id      uuid not null,
  status           text not null default 'invited'
                   check (status in ('invited', 'scheduled', 'in_progress', 'completed', 'cancelled', 'expired')),
  scheduled_at     timestamptz,
  started_at       timestamptz,
  ended_at         timestamptz,
  consent_given_at timestamptz,
  ai_opt_out_at    timestamptz,
  videosdk_room_id text,
  fly_machine_id   text,
  metadata         jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (id, tenant_id),
  -- the candidate must be one this tenant sees; the position one this tenant owns
  constraint interview_sessions_candidate_tenant_fkey foreign key (candidate_id, tenant_id)
    references public.candidate_tenants (candidate_id, tenant_id),
  constraint interview_sessions_position_fkey foreign key (position_id, tenant_id)
    references public.positions (id, tenant_id),
  constraint interview_sessions_consent_before_start
    check (status in ('invited', 'scheduled', 'cancelled', 'expired') or consent_given_at is not null),
  constraint interview_sessions_ended_after_started
    check (ended_at is null or started_at is null or ended_at >= started_at)
);
comment on table public.interview_sessions is
  'An interview of a candidate for a position. Status lifecycle enforced by trigger; consent and AI opt-out are timestamps. Tenant members read, owners/admins write, owners delete; the candidate reads their own sessions in every tenant and may record consent, opt out, start and complete them.';

create index interview_sessions_tenant_id_status_idx on public.interview_sessions (tenant_id, status);
create index interview_sessions_candidate_id_tenant_id_idx on public.interview_sessions (candidate_id, tenant_id);
create index interview_sessions_position_id_tenant_id_idx on public.interview_sessions (position_id, tenant_id);

-- ---------------------------------------------------------------------------------------
-- Triggers (BEFORE triggers fire in name order: candidate guard, status, updated_at)
-- ---------------------------------------------------------------------------------------
create or replace function private.guard_candidate_session_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_fixed text[] := array['consent_given_at', 'ai_opt_out_at', 'status', 'updated_at'];
begin
  -- Service role and internal callers carry no user; tenant staff go by the policies.
  if (select auth.uid()) is null
     or (old.tenant_id = (select private.tenant_id()) and (select private.can('interview_sessions', 'update'))) then
    return new;
  end if;

  -- Anyone else got here through "Candidates can record consent and progress ...".
  if (pg_catalog.to_jsonb(new) - v_fixed) is distinct from (pg_catalog.to_jsonb(old) - v_fixed) then
    raise exception using errcode = '42501', message = 'candidate_update_not_allowed',
      detail = 'A candidate may only record consent or AI opt-out, and start or complete the interview.';
  end if;
  if old.consent_given_at is not null and new.consent_given_at is distinct from old.consent_given_at
     or old.ai_opt_out_at is not null and new.ai_opt_out_at is distinct from old.ai_opt_out_at then
    raise exception using errcode = '42501', message = 'candidate_update_not_allowed',
      detail = 'Consent and AI opt-out are recorded once.';
  end if;
  if new.status is distinct from old.status
     and not (old.status in ('invited', 'scheduled') and new.status = 'in_progress'
              or old.status = 'in_progress' and new.status = 'completed') then
    raise exception using errcode = '42501', message = 'candidate_update_not_allowed',
      detail = 'A candidate may only start or complete their interview.';
  end if;
  -- The server's clock, not the client's, dates consent and opt-out.
  if old.consent_given_at is null and new.consent_given_at is not null then
    new.consent_given_at := pg_catalog.now();
  end if;
  if old.ai_opt_out_at is null and new.ai_opt_out_at is not null then
    new.ai_opt_out_at := pg_catalog.now();
  end if;
  return new;
end
$$;
comment on function private.guard_candidate_session_update() is
  'BEFORE UPDATE trigger on interview_sessions: limits what a candidate (not tenant staff, not the service role) may change on their own session; stamps consent and opt-out with now().';

create or replace function private.enforce_session_status()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status not in ('invited', 'scheduled') then
      raise exception using errcode = 'PT409', message = 'invalid_status_transition',
        detail = pg_catalog.format('An interview session starts as invited or scheduled, not %s.', new.status);
    end if;
    return new;
  end if;

  if new.status is distinct from old.status then
    if not (
      old.status = 'invited' and new.status in ('scheduled', 'in_progress', 'cancelled', 'expired')
      or old.status = 'scheduled' and new.status in ('in_progress', 'cancelled', 'expired')
      or old.status = 'in_progress' and new.status in ('completed', 'cancelled')
    ) then
      raise exception using errcode = 'PT409', message = 'invalid_status_transition',
        detail = pg_catalog.format('An interview session cannot go from %s to %s.', old.status, new.status);
    end if;
    if new.status = 'in_progress' then
      new.started_at := coalesce(new.started_at, pg_catalog.now());
    elsif new.status in ('completed', 'cancelled', 'expired') then
      new.ended_at := coalesce(new.ended_at, pg_catalog.now());
    end if;
  end if;
  return new;
end
$$;
comment on function private.enforce_session_status() is
  'BEFORE INSERT/UPDATE trigger on interview_sessions: the status lifecycle (PT409 invalid_status_transition) and the started_at/ended_at stamps.';

revoke all on function private.guard_candidate_session_update(), private.enforce_session_status()
  from public, anon, authenticated;

create trigger interview_sessions_candidate_guard
  before update on public.interview_sessions
  for each row execute function private.guard_candidate_session_update();

create trigger interview_sessions_status
  before insert or update on public.interview_sessions
  for each row execute function private.enforce_session_status();

create trigger interview_sessions_set_updated_at
  before update on public.interview_sessions
  for each row execute function private.set_updated_at();

create trigger interview_sessions_audit
  after insert or update or delete on public.interview_sessions
  for each row execute function private.audit_row_change();

-- ---------------------------------------------------------------------------------------
-- Helpers for candidate-side policies (SECURITY DEFINER: the caller's own rows only)
-- ---------------------------------------------------------------------------------------
create or replace function private.my_session_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.id from public.interview_sessions s
  where s.candidate_id in (select private.my_candidate_ids())
$$;
comment on function private.my_session_ids() is
  'The interview sessions of the candidate rows linked to the caller''s account (all tenants).';

create or replace function private.my_position_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.position_id from public.interview_sessions s
  where s.candidate_id in (select private.my_candidate_ids())
$$;
comment on function private.my_position_ids() is
  'The positions the caller is interviewing for (through their candidate rows, all tenants).';

revoke all on function private.my_session_ids(), private.my_position_ids() from public, anon;
grant execute on function private.my_session_ids(), private.my_position_ids() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------
alter table public.interview_sessions enable row level security;

create policy "Members can read their tenant's interview sessions"
  on public.interview_sessions for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Candidates can read their own interview sessions"
  on public.interview_sessions for select to authenticated
  using (candidate_id in (select private.my_candidate_ids()));

create policy "Owners and admins can add interview sessions to their tenant"
  on public.interview_sessions for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('interview_sessions', 'create')));

create policy "Owners and admins can update their tenant's interview sessions"
  on public.interview_sessions for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_sessions', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Candidates can record consent and progress on their sessions"
  on public.interview_sessions for update to authenticated
  using (candidate_id in (select private.my_candidate_ids()))
  with check (candidate_id in (select private.my_candidate_ids()));

create policy "Owners can delete their tenant's interview sessions"
  on public.interview_sessions for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_sessions', 'delete')));

-- On positions (defined in 20250601000700), here because it reads interview sessions.
create policy "Candidates can read the positions they are interviewing for"
  on public.positions for select to authenticated
  using (id in (select private.my_position_ids()));

revoke all on table public.interview_sessions from anon, authenticated;
grant select, insert, update, delete on table public.interview_sessions to authenticated;
grant all on table public.interview_sessions to service_role;
