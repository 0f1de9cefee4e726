-- A quota per organisation on interview tokens.
--
-- Each granted reservation mints an OpenAI Realtime client secret, paid by the platform.
-- The limit per session (10 an hour) bounds one interview, not a tenant: with many
-- sessions, one organisation (or one stolen staff account) could mint without end. Now a
-- tenant gets at most 500 grants a day; past it reserve_interview_token answers
-- {granted: false, scope: "tenant", limit, retry_after_seconds}, recording nothing, and
-- interview-token answers 429 with the quota. The per-session answer names scope
-- "session".

create or replace function public.reserve_interview_token(p_session_id uuid, p_actor uuid)
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
  -- And per organisation: every grant mints an OpenAI Realtime secret the platform pays
  -- for, so one tenant (or one stolen staff account) cannot spend without bound.
  c_tenant_limit constant integer := 500;
  c_tenant_window constant interval := interval '1 day';
  v_tenant_count integer;
  v_tenant_oldest timestamptz;
  v_kind text := private.require_session_driver_of(p_session_id, p_actor);
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
      'scope', 'session',
      'limit', c_limit,
      'retry_after_seconds',
        greatest(1, pg_catalog.ceil(extract(epoch from (v_oldest + c_window - pg_catalog.now())))::integer));
  end if;

  select pg_catalog.count(*), pg_catalog.min(g.created_at) into v_tenant_count, v_tenant_oldest
  from public.realtime_token_grants g
  where g.tenant_id = v_session.tenant_id and g.created_at > pg_catalog.now() - c_tenant_window;
  if v_tenant_count >= c_tenant_limit then
    return pg_catalog.jsonb_build_object(
      'granted', false,
      'scope', 'tenant',
      'limit', c_tenant_limit,
      'retry_after_seconds',
        greatest(1, pg_catalog.ceil(extract(epoch from (v_tenant_oldest + c_tenant_window - pg_catalog.now())))::integer));
  end if;

  insert into public.realtime_token_grants (tenant_id, session_id, requested_by, caller_kind)
  values (v_session.tenant_id, v_session.id, p_actor, v_kind)
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
comment on function public.reserve_interview_token(uuid, uuid) is
  'Step 1 of interview-token, which alone calls it (service role), on behalf of p_actor, the user it verified: checks p_actor drives the session (PT401/PT404/PT403 not_allowed), that it is joinable (PT409 session_not_joinable), consented (PT409 consent_required) and not opted out of AI (PT403 ai_opted_out); then, under the session row lock, either answers {granted:false, scope, limit, retry_after_seconds} (scope session: 10 attempts per session per hour; scope tenant: 500 per organisation per day; nothing recorded) or records a pending grant and answers {granted:true, grant_id, remaining, caller, candidate_name, position{...}, competencies[...]} for the interviewer instructions.';
revoke all on function public.reserve_interview_token(uuid, uuid) from public, anon, authenticated;
grant execute on function public.reserve_interview_token(uuid, uuid) to service_role;
