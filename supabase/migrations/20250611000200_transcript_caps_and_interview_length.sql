-- Bounds on what one interview session can write (the relay) and on how long it can run.
--
-- relay_transcript_events, as before, plus:
--   * the speaker of an entry follows from its event type (the candidate's words are the
--     input transcription, the interviewer's the output transcript); a record naming
--     another speaker is refused as invalid, so nobody writes lines for the interviewer
--     by labelling them;
--   * per-session caps: 3,000 entries, 1,000,000 characters of text, 20,000 timing events;
--     a batch that would pass one is refused whole with PT413 transcript_too_large;
--   * a session started more than 3 hours ago takes no more records (PT409
--     interview_time_over).
-- expire_stale_sessions, as before, plus: an in-progress session started more than 3
-- hours ago is completed (ended_at stamped by the status trigger; the completion webhook
-- then processes what was captured).

create or replace function public.relay_transcript_events(p_session_id uuid, p_events jsonb)
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
  perform private.require_session_driver(p_session_id);
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
comment on function public.relay_transcript_events(uuid, jsonb) is
  'Stores relayed transcript records for an in-progress session, idempotently: p_events is an array (1-500) of {kind: entry, event_id, event_type, speaker: candidate|interviewer, text, item_id, content_index?, response_id?, output_index?} or {kind: item, event_id, event_type, item_id, previous_item_id?, audio_ms?}. The speaker must be the one the event type implies (input transcription: candidate; output transcript: interviewer). Returns [{event_id, status: stored|duplicate}] in input order. Caller: the session''s linked candidate or an owner/admin of its tenant (PT401/PT404 session_not_found/PT403 not_allowed); PT409 session_not_in_progress / interview_time_over (started more than 3 hours ago); PT400 invalid_events/invalid_event; PT413 transcript_too_large (over 3,000 entries, 1,000,000 characters or 20,000 timing events per session). Nothing of a refused batch is written.';
revoke all on function public.relay_transcript_events(uuid, jsonb) from public, anon;
grant execute on function public.relay_transcript_events(uuid, jsonb) to authenticated;

create or replace function public.expire_stale_sessions()
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  c_max_length constant interval := interval '3 hours';
  v_ids uuid[];
  v_completed uuid[];
begin
  with stale as (
    select s.id
    from public.interview_sessions s
    where (s.status = 'invited'
           and exists (select 1 from public.interview_invitations i
                       where i.session_id = s.id and i.tenant_id = s.tenant_id)
           and not exists (select 1 from public.interview_invitations i
                           where i.session_id = s.id and i.tenant_id = s.tenant_id
                             and (i.used_at is not null
                                  or (i.revoked_at is null and i.expires_at > pg_catalog.now()))))
       or (s.status = 'scheduled'
           and s.scheduled_at < pg_catalog.now() - interval '24 hours')
    for update skip locked
  ),
  expired as (
    update public.interview_sessions s
    set status = 'expired'
    from stale
    where s.id = stale.id
    returning s.id
  )
  select coalesce(pg_catalog.array_agg(expired.id order by expired.id), '{}') into v_ids from expired;

  with overlong as (
    select s.id
    from public.interview_sessions s
    where s.status = 'in_progress' and s.started_at < pg_catalog.now() - c_max_length
    for update skip locked
  ),
  completed as (
    update public.interview_sessions s
    set status = 'completed'
    from overlong
    where s.id = overlong.id
    returning s.id
  )
  select coalesce(pg_catalog.array_agg(completed.id order by completed.id), '{}') into v_completed from completed;

  return pg_catalog.jsonb_build_object(
    'expired_sessions', pg_catalog.cardinality(v_ids),
    'session_ids', pg_catalog.to_jsonb(v_ids),
    'completed_sessions', pg_catalog.cardinality(v_completed),
    'completed_session_ids', pg_catalog.to_jsonb(v_completed),
    'ran_at', pg_catalog.now());
end
$$;
comment on function public.expire_stale_sessions() is
  'Scheduled job: marks expired the invited sessions whose invitations all ran out unused and the scheduled sessions more than 24 h past their time without a start (their open invitations are revoked by trigger), and completes the in-progress sessions started more than 3 hours ago (the maximum interview length). Idempotent. Returns {expired_sessions, session_ids, completed_sessions, completed_session_ids, ran_at}. Executable by postgres (pg_cron) and service_role only.';
