-- The live-interview writes are the functions' alone.
--
-- reserve_interview_token, finish_interview_token and relay_transcript_events were
-- executable by every signed-in user, so a linked candidate could call them through the
-- Data API directly: read the rubric (competency weights and levels) that
-- reserve_interview_token returns for the interviewer's instructions, record a token
-- grant's outcome without any token being minted, and write transcript records outside
-- the relay's checks. Now only the service role executes them, and the function that
-- calls them (interview-token, transcript-relay) names the user it verified as p_actor;
-- each checks that user exactly as before, from the database's state rather than from
-- the JWT claims:
--   private.session_caller_kind_of(session, actor): candidate (the actor's account is
--   linked to the session's candidate row), staff (owner/admin of the session's tenant),
--   member (another role there), or NULL;
--   private.require_session_driver_of(session, actor): PT401 not_authenticated (no
--   actor), PT404 session_not_found, PT403 not_allowed.
-- The old signatures are dropped.

create or replace function private.session_caller_kind_of(p_session_id uuid, p_actor uuid)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when exists (select 1 from public.candidates c where c.id = s.candidate_id and c.auth_id = p_actor) then 'candidate'
    when exists (select 1 from public.users u
                 where u.id = p_actor and u.tenant_id = s.tenant_id and u.role in ('owner', 'admin')) then 'staff'
    when exists (select 1 from public.users u where u.id = p_actor and u.tenant_id = s.tenant_id) then 'member'
  end
  from public.interview_sessions s
  where s.id = p_session_id
$$;
comment on function private.session_caller_kind_of(uuid, uuid) is
  'How p_actor (a user a function verified) relates to an interview session, from the database''s state: candidate (their linked candidate row), staff (owner/admin of its tenant), member (other role in its tenant), or NULL (none, or no such session). For the RPCs only the functions call (SECURITY DEFINER themselves); private.session_caller_kind is the same judgement for the JWT''s caller.';
revoke all on function private.session_caller_kind_of(uuid, uuid) from public, anon, authenticated;
grant execute on function private.session_caller_kind_of(uuid, uuid) to service_role;

create or replace function private.require_session_driver_of(p_session_id uuid, p_actor uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_kind text;
begin
  if p_actor is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in to take part in an interview.';
  end if;
  v_kind := private.session_caller_kind_of(p_session_id, p_actor);
  if v_kind is null then
    raise exception using errcode = 'PT404', message = 'session_not_found',
      detail = 'No such interview session among yours.';
  end if;
  if v_kind = 'member' then
    raise exception using errcode = 'PT403', message = 'not_allowed',
      detail = 'Only the candidate, or an owner or admin of the organisation, can do this.';
  end if;
  return v_kind;
end
$$;
comment on function private.require_session_driver_of(uuid, uuid) is
  'The access check of the live-interview RPCs the functions call for a verified user p_actor: PT401 not_authenticated (no actor), PT404 session_not_found, PT403 not_allowed; returns candidate or staff.';
revoke all on function private.require_session_driver_of(uuid, uuid) from public, anon, authenticated;
grant execute on function private.require_session_driver_of(uuid, uuid) to service_role;

drop function public.reserve_interview_token(uuid);
drop function public.finish_interview_token(uuid, boolean, timestamptz, text);
drop function public.relay_transcript_events(uuid, jsonb);

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
      'limit', c_limit,
      'retry_after_seconds',
        greatest(1, pg_catalog.ceil(extract(epoch from (v_oldest + c_window - pg_catalog.now())))::integer));
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
  'Step 1 of interview-token, which alone calls it (service role), on behalf of p_actor, the user it verified: checks p_actor drives the session (PT401/PT404/PT403 not_allowed), that it is joinable (PT409 session_not_joinable), consented (PT409 consent_required) and not opted out of AI (PT403 ai_opted_out); then, under the session row lock, either answers {granted:false, limit, retry_after_seconds} (10 attempts per hour reached; nothing recorded) or records a pending grant and answers {granted:true, grant_id, remaining, caller, candidate_name, position{...}, competencies[...]} for the interviewer instructions.';
revoke all on function public.reserve_interview_token(uuid, uuid) from public, anon, authenticated;
grant execute on function public.reserve_interview_token(uuid, uuid) to service_role;

create or replace function public.finish_interview_token(
  p_grant_id uuid,
  p_actor uuid,
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
  select g.* into v_grant from public.realtime_token_grants g
  where g.id = p_grant_id and g.requested_by = p_actor
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
  perform private.require_session_driver_of(v_grant.session_id, p_actor);

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
comment on function public.finish_interview_token(uuid, uuid, boolean, timestamptz, text) is
  'Step 2 of interview-token, which alone calls it (service role): p_actor, who reserved p_grant_id, records OpenAI''s outcome (issued with expires_at, or failed with a short error code); on success an invited or scheduled session moves to in_progress. PT401 not_authenticated, PT404 grant_not_found (not the caller''s), PT409 grant_finished, and the access errors of the session. Returns {grant_id, status, session_status}.';
revoke all on function public.finish_interview_token(uuid, uuid, boolean, timestamptz, text) from public, anon, authenticated;
grant execute on function public.finish_interview_token(uuid, uuid, boolean, timestamptz, text) to service_role;

create or replace function public.relay_transcript_events(p_session_id uuid, p_actor uuid, p_events jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_max_events constant integer := 500;
  c_max_text constant integer := 20000;
  -- Per session, whatever the number of calls: enough for the longest interview (three
  -- hours of both voices), small enough that no one can fill the database or the audit
  -- log through one session.
  c_max_session_entries constant integer := 3000;
  c_max_session_chars constant integer := 1000000;
  c_max_session_items constant integer := 20000;
  c_max_length constant interval := interval '3 hours';
  v_entries integer;
  v_chars bigint;
  v_items integer;
  v_session public.interview_sessions%rowtype;
  v_event jsonb;
  v_kind text;
  v_event_id text;
  v_type text;
  v_item text;
  v_ms integer;
  v_start integer;
  v_end integer;
  v_id uuid;
  v_results jsonb := '[]'::jsonb;
  v_bad text;
begin
  perform private.require_session_driver_of(p_session_id, p_actor);
  select s.* into v_session from public.interview_sessions s where s.id = p_session_id;
  if v_session.status <> 'in_progress' then
    raise exception using errcode = 'PT409', message = 'session_not_in_progress',
      detail = pg_catalog.format('This interview is %s, not in progress.', v_session.status);
  end if;
  if v_session.started_at < pg_catalog.now() - c_max_length then
    raise exception using errcode = 'PT409', message = 'interview_time_over',
      detail = 'This interview ran past its maximum length of 3 hours; it is being closed.';
  end if;

  -- Every record is checked before any is written: a bad batch writes nothing.
  if p_events is null or pg_catalog.jsonb_typeof(p_events) <> 'array'
     or pg_catalog.jsonb_array_length(p_events) not between 1 and c_max_events then
    raise exception using errcode = 'PT400', message = 'invalid_events',
      detail = pg_catalog.format('Send between 1 and %s events.', c_max_events);
  end if;
  select pg_catalog.format('Event %s is not a valid relay record.', e.i) into v_bad
  from pg_catalog.jsonb_array_elements(p_events) with ordinality as e(v, i)
  where not (
    pg_catalog.jsonb_typeof(e.v) = 'object'
    and pg_catalog.jsonb_typeof(e.v -> 'event_id') = 'string'
    and pg_catalog.length(e.v ->> 'event_id') between 1 and 200
    and pg_catalog.jsonb_typeof(e.v -> 'item_id') is not distinct from 'string'
    and pg_catalog.length(e.v ->> 'item_id') between 1 and 200
    and case e.v ->> 'kind'
      when 'entry' then
        -- The speaker follows from the event type: the candidate's words are the input
        -- transcription, the interviewer's the output transcript. A record that claims
        -- otherwise is refused.
        pg_catalog.jsonb_typeof(e.v -> 'text') = 'string'
        and pg_catalog.length(e.v ->> 'text') <= c_max_text
        and (e.v ->> 'event_type', e.v ->> 'speaker') in (
              ('conversation.item.input_audio_transcription.completed', 'candidate'),
              ('response.output_audio_transcript.done', 'interviewer'))
      when 'item' then
        e.v ->> 'event_type' in ('input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped',
                                 'input_audio_buffer.committed', 'conversation.item.added',
                                 'conversation.item.done')
        and (e.v -> 'previous_item_id' is null or pg_catalog.jsonb_typeof(e.v -> 'previous_item_id') in ('null', 'string'))
        and coalesce(pg_catalog.length(e.v ->> 'previous_item_id'), 1) between 1 and 200
        and (e.v -> 'audio_ms' is null or pg_catalog.jsonb_typeof(e.v -> 'audio_ms') = 'null'
             or (pg_catalog.jsonb_typeof(e.v -> 'audio_ms') = 'number'
                 and (e.v ->> 'audio_ms') ~ '^[0-9]{1,9}$'))
      else false
    end)
  order by e.i
  limit 1;
  if v_bad is not null then
    raise exception using errcode = 'PT400', message = 'invalid_event', detail = v_bad;
  end if;

  -- The session's caps, counted with this batch as if none of it were a duplicate (a
  -- retry near the cap is refused rather than half stored); the session row lock above
  -- is not taken, so two concurrent batches may pass together, by at most one batch.
  select pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.length(t.text)), 0) into v_entries, v_chars
  from public.transcript_entries t
  where t.session_id = p_session_id and t.tenant_id = v_session.tenant_id;
  select pg_catalog.count(*) into v_items
  from public.transcript_item_events ie
  where ie.session_id = p_session_id and ie.tenant_id = v_session.tenant_id;
  select v_entries + pg_catalog.count(*) filter (where e.v ->> 'kind' = 'entry'),
         v_chars + coalesce(pg_catalog.sum(pg_catalog.length(e.v ->> 'text')) filter (where e.v ->> 'kind' = 'entry'), 0),
         v_items + pg_catalog.count(*) filter (where e.v ->> 'kind' = 'item')
    into v_entries, v_chars, v_items
  from pg_catalog.jsonb_array_elements(p_events) as e(v);
  if v_entries > c_max_session_entries or v_chars > c_max_session_chars or v_items > c_max_session_items then
    raise exception using errcode = 'PT413', message = 'transcript_too_large',
      detail = pg_catalog.format(
        'An interview transcript holds at most %s entries, %s characters and %s timing events; this batch would pass that.',
        c_max_session_entries, c_max_session_chars, c_max_session_items);
  end if;

  for v_event in select e.v from pg_catalog.jsonb_array_elements(p_events) with ordinality as e(v, i) order by e.i
  loop
    v_kind := v_event ->> 'kind';
    v_event_id := v_event ->> 'event_id';
    v_type := v_event ->> 'event_type';
    v_item := v_event ->> 'item_id';
    v_id := null;

    if v_kind = 'entry' then
      v_start := null;
      v_end := null;
      if v_event ->> 'speaker' = 'candidate' then
        select min(ie.audio_ms) filter (where ie.event_type = 'input_audio_buffer.speech_started'),
               min(ie.audio_ms) filter (where ie.event_type = 'input_audio_buffer.speech_stopped')
          into v_start, v_end
        from public.transcript_item_events ie
        where ie.session_id = p_session_id and ie.tenant_id = v_session.tenant_id and ie.item_id = v_item;
        if v_end < v_start then
          v_end := null;
        end if;
      end if;
      insert into public.transcript_entries
        (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id, metadata)
      values (
        v_session.tenant_id, p_session_id, v_event ->> 'speaker', v_event ->> 'text', v_start, v_end, v_event_id,
        pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
          'event_type', v_type,
          'item_id', v_item,
          'content_index', v_event -> 'content_index',
          'response_id', v_event -> 'response_id',
          'output_index', v_event -> 'output_index',
          'received_seq', pg_catalog.nextval('private.transcript_received_seq'))))
      on conflict (session_id, source_event_id) do nothing
      returning id into v_id;
    else
      v_ms := (v_event ->> 'audio_ms')::integer;
      insert into public.transcript_item_events
        (tenant_id, session_id, event_id, event_type, item_id, previous_item_id, audio_ms, received_seq)
      values (
        v_session.tenant_id, p_session_id, v_event_id, v_type, v_item, v_event ->> 'previous_item_id', v_ms,
        pg_catalog.nextval('private.transcript_received_seq'))
      on conflict (session_id, event_id) do nothing
      returning id into v_id;
      -- VAD timing that arrives after the candidate's entry: the first value wins, and
      -- an inconsistent one (stop before start) is left off rather than refused.
      if v_id is not null and v_ms is not null and v_type = 'input_audio_buffer.speech_started' then
        update public.transcript_entries e set start_ms = v_ms
        where e.session_id = p_session_id and e.tenant_id = v_session.tenant_id and e.speaker = 'candidate'
          and e.metadata ->> 'item_id' = v_item and e.start_ms is null
          and (e.end_ms is null or e.end_ms >= v_ms);
      elsif v_id is not null and v_ms is not null and v_type = 'input_audio_buffer.speech_stopped' then
        update public.transcript_entries e set end_ms = v_ms
        where e.session_id = p_session_id and e.tenant_id = v_session.tenant_id and e.speaker = 'candidate'
          and e.metadata ->> 'item_id' = v_item and e.end_ms is null
          and (e.start_ms is null or e.start_ms <= v_ms);
      end if;
    end if;

    v_results := v_results || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'event_id', v_event_id,
      'status', case when v_id is null then 'duplicate' else 'stored' end));
  end loop;
  return v_results;
end
$$;
comment on function public.relay_transcript_events(uuid, uuid, jsonb) is
  'transcript-relay''s store, which alone calls it (service role), on behalf of p_actor, the user it verified. Stores relayed transcript records for an in-progress session, idempotently: p_events is an array (1-500) of {kind: entry, event_id, event_type, speaker: candidate|interviewer, text, item_id, content_index?, response_id?, output_index?} or {kind: item, event_id, event_type, item_id, previous_item_id?, audio_ms?}. The speaker must be the one the event type implies (input transcription: candidate; output transcript: interviewer). Returns [{event_id, status: stored|duplicate}] in input order. p_actor: the session''s linked candidate or an owner/admin of its tenant (PT401/PT404 session_not_found/PT403 not_allowed); PT409 session_not_in_progress / interview_time_over (started more than 3 hours ago); PT400 invalid_events/invalid_event; PT413 transcript_too_large (over 3,000 entries, 1,000,000 characters or 20,000 timing events per session). Nothing of a refused batch is written.';
revoke all on function public.relay_transcript_events(uuid, uuid, jsonb) from public, anon, authenticated;
grant execute on function public.relay_transcript_events(uuid, uuid, jsonb) to service_role;
