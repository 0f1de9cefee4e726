-- Realtime client secrets minted for interview sessions (interview-token): one row per
-- attempt, so the per-session rate limit holds across every isolate of the function, and
-- the tenant can see who started which interview when and whether OpenAI answered.
--
-- The flow, two RPCs around the OpenAI call (the function holds no lock across it):
--   1. reserve_interview_token(session): the caller may drive the session (its linked
--      candidate or an owner/admin of its tenant), the session is joinable (invited,
--      scheduled or in progress), consent is recorded and the candidate has not opted
--      out of AI; then, under a lock on the session row, counts the attempts of the last
--      hour: at the limit (c_limit, 10) it answers {granted:false, retry_after_seconds} and
--      records nothing; otherwise it records a pending grant and answers with what the
--      interviewer's instructions are built from (the position and its competencies,
--      which a candidate cannot read through the tables).
--   2. finish_interview_token(grant, ok, expires_at, error): the same caller records the
--      outcome (issued / failed, with OpenAI's error code); on success the session moves
--      to in_progress (the status trigger stamps started_at).
-- A failed OpenAI call still counts against the limit: the limit is on attempts, so a
-- client cannot hammer OpenAI through us by retrying failures.

create table public.realtime_token_grants (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references public.tenants (id) on delete cascade,
  session_id   uuid not null,
  requested_by uuid references auth.users (id) on delete set null,
  caller_kind  text not null check (caller_kind in ('candidate', 'staff')),
  status       text not null default 'pending' check (status in ('pending', 'issued', 'failed')),
  expires_at   timestamptz,
  error        text check (length(error) <= 200),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  constraint realtime_token_grants_session_fkey foreign key (session_id, tenant_id)
    references public.interview_sessions (id, tenant_id) on delete cascade
);
comment on table public.realtime_token_grants is
  'One row per Realtime client secret requested for an interview session (pending -> issued | failed): the per-session rate limit of interview-token and its audit. Written only by reserve_interview_token/finish_interview_token; tenant members read their tenant''s. The secret itself is never stored.';

create index realtime_token_grants_session_id_tenant_id_created_at_idx
  on public.realtime_token_grants (session_id, tenant_id, created_at);
create index realtime_token_grants_tenant_id_idx on public.realtime_token_grants (tenant_id);
create index realtime_token_grants_requested_by_idx on public.realtime_token_grants (requested_by);

create trigger realtime_token_grants_set_updated_at
  before update on public.realtime_token_grants
  for each row execute function private.set_updated_at();

create trigger realtime_token_grants_audit
  after insert or update or delete on public.realtime_token_grants
  for each row execute function private.audit_row_change();

alter table public.realtime_token_grants enable row level security;

create policy "Members can read their tenant's realtime token grants"
  on public.realtime_token_grants for select to authenticated
  using (tenant_id = (select private.tenant_id()));

revoke all on table public.realtime_token_grants from anon, authenticated;
grant select on table public.realtime_token_grants to authenticated;
grant all on table public.realtime_token_grants to service_role;

-- ---------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------
create or replace function public.reserve_interview_token(p_session_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- The limit: c_limit attempts per session per c_window. A secret is valid for
  -- minutes and can start several calls, so ten an hour is generous for reconnects.
  c_limit constant integer := 10;
  c_window constant interval := interval '1 hour';
  v_kind text := private.require_session_driver(p_session_id);
  v_session public.interview_sessions%rowtype;
  v_count integer;
  v_oldest timestamptz;
  v_grant uuid;
begin
  -- The lock serialises concurrent requests for one session, so the count is exact.
  select s.* into v_session from public.interview_sessions s where s.id = p_session_id for update;
  if v_session.status not in ('invited', 'scheduled', 'in_progress') then
    raise exception using errcode = 'PT409', message = 'session_not_joinable',
      detail = pg_catalog.format('This interview is %s.', v_session.status);
  end if;
  if v_session.ai_opt_out_at is not null then
    raise exception using errcode = 'PT403', message = 'ai_opted_out',
      detail = 'The candidate opted out of the AI interviewer for this session.';
  end if;
  if v_session.consent_given_at is null then
    raise exception using errcode = 'PT409', message = 'consent_required',
      detail = 'The candidate has not given consent for this interview yet.';
  end if;

  select pg_catalog.count(*), pg_catalog.min(g.created_at) into v_count, v_oldest
  from public.realtime_token_grants g
  where g.session_id = p_session_id and g.created_at > pg_catalog.now() - c_window;
  if v_count >= c_limit then
    return pg_catalog.jsonb_build_object(
      'granted', false,
      'limit', c_limit,
      'retry_after_seconds',
        greatest(1, pg_catalog.ceil(extract(epoch from (v_oldest + c_window - pg_catalog.now())))::integer));
  end if;

  insert into public.realtime_token_grants (tenant_id, session_id, requested_by, caller_kind)
  values (v_session.tenant_id, v_session.id, (select auth.uid()), v_kind)
  returning id into v_grant;

  return pg_catalog.jsonb_build_object(
    'granted', true,
    'grant_id', v_grant,
    'limit', c_limit,
    'remaining', c_limit - v_count - 1,
    'session_id', v_session.id,
    'status', v_session.status,
    'caller', v_kind,
    'candidate_name', (select coalesce(nullif(pg_catalog.btrim(c.first_name), ''), c.full_name)
                       from public.candidates c where c.id = v_session.candidate_id),
    'position', (select pg_catalog.jsonb_build_object(
                   'title', p.title, 'description', p.description,
                   'responsibilities', pg_catalog.to_jsonb(p.responsibilities),
                   'requirements', pg_catalog.to_jsonb(p.requirements),
                   'nice_to_have', pg_catalog.to_jsonb(p.nice_to_have),
                   'seniority', p.seniority, 'department', p.department)
                 from public.positions p
                 where p.id = v_session.position_id and p.tenant_id = v_session.tenant_id),
    'competencies', coalesce((
                   select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                            'id', c.id, 'name', c.name, 'description', c.description,
                            'category', c.category, 'weight', pc.weight,
                            'required_level', pc.required_level)
                          order by pc.weight desc, c.name)
                   from public.position_competencies pc
                   join public.competencies c on c.id = pc.competency_id and c.tenant_id = pc.tenant_id
                   where pc.position_id = v_session.position_id and pc.tenant_id = v_session.tenant_id),
                   '[]'::jsonb));
end
$$;
comment on function public.reserve_interview_token(uuid) is
  'Step 1 of interview-token: checks the caller drives the session (PT401/PT404/PT403 not_allowed), that it is joinable (PT409 session_not_joinable), consented (PT409 consent_required) and not opted out of AI (PT403 ai_opted_out); then, under the session row lock, either answers {granted:false, limit, retry_after_seconds} (10 attempts per hour reached; nothing recorded) or records a pending grant and answers {granted:true, grant_id, remaining, caller, candidate_name, position{...}, competencies[...]} for the interviewer instructions.';
revoke all on function public.reserve_interview_token(uuid) from public, anon;
grant execute on function public.reserve_interview_token(uuid) to authenticated;

create or replace function public.finish_interview_token(
  p_grant_id uuid,
  p_ok boolean,
  p_expires_at timestamptz default null,
  p_error text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_grant public.realtime_token_grants%rowtype;
  v_status text;
begin
  if (select auth.uid()) is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in to take part in an interview.';
  end if;
  select g.* into v_grant from public.realtime_token_grants g
  where g.id = p_grant_id and g.requested_by = (select auth.uid())
  for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'grant_not_found',
      detail = 'No such token request of yours.';
  end if;
  if v_grant.status <> 'pending' then
    raise exception using errcode = 'PT409', message = 'grant_finished',
      detail = 'This token request already has its outcome.';
  end if;
  -- The caller may still drive the session (a member demoted meanwhile may not).
  perform private.require_session_driver(v_grant.session_id);

  update public.realtime_token_grants g
  set status = case when p_ok then 'issued' else 'failed' end,
      expires_at = case when p_ok then p_expires_at end,
      error = case when p_ok then null else pg_catalog.left(coalesce(p_error, 'unknown'), 200) end
  where g.id = v_grant.id;

  select s.status into v_status from public.interview_sessions s where s.id = v_grant.session_id for update;
  if p_ok and v_status in ('invited', 'scheduled') then
    -- The status trigger stamps started_at; the candidate guard allows this transition.
    update public.interview_sessions s set status = 'in_progress' where s.id = v_grant.session_id
    returning s.status into v_status;
  end if;
  return pg_catalog.jsonb_build_object(
    'grant_id', v_grant.id,
    'status', case when p_ok then 'issued' else 'failed' end,
    'session_status', v_status);
end
$$;
comment on function public.finish_interview_token(uuid, boolean, timestamptz, text) is
  'Step 2 of interview-token: the caller who reserved p_grant_id records OpenAI''s outcome (issued with expires_at, or failed with a short error code); on success an invited or scheduled session moves to in_progress. PT401 not_authenticated, PT404 grant_not_found (not the caller''s), PT409 grant_finished, and the access errors of the session. Returns {grant_id, status, session_status}.';
revoke all on function public.finish_interview_token(uuid, boolean, timestamptz, text) from public, anon;
grant execute on function public.finish_interview_token(uuid, boolean, timestamptz, text) to authenticated;
