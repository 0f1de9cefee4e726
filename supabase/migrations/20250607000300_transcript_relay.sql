-- The transcript relay's storage: what transcript-relay receives from the browser
-- (OpenAI Realtime server events, parsed in Rust) lands here, idempotently by event id.
--
-- Two kinds of record, both keyed (session_id, event id), both "insert ... on conflict do
-- nothing", so a client that resends after a dropped connection never duplicates a row:
--   * entries: the full text of an utterance (conversation.item.input_audio_transcription
--     .completed -> candidate, response.output_audio_transcript.done -> interviewer) in
--     transcript_entries (source_event_id), with the event's ordering data in metadata:
--     item_id, content_index, response_id, output_index, and received_seq (the order
--     the relay received it in, across both tables: a fallback only).
--   * item events (this migration's table): the conversation's order and timing, which
--     the transcript events do not carry. OpenAI transcribes the candidate's audio
--     asynchronously, so the candidate's transcript often arrives after the interviewer's
--     reply to it; arrival order is not conversation order. The item chain
--     (previous_item_id of input_audio_buffer.committed / conversation.item.added) is,
--     and server VAD (input_audio_buffer.speech_started / speech_stopped) puts the
--     candidate's speech on the session's audio clock (audio_start_ms / audio_end_ms).
-- VAD timing is also copied onto the candidate's entry (start_ms / end_ms) whichever of
-- the two arrives first, so the live view can order and time entries without a join.
--
-- relay_transcript_events(session, events) is the only writer for API callers. SECURITY
-- DEFINER, because the session's candidate has no insert policy on these tables (and
-- must not: a policy would let them write any speaker, at any time, through
-- /rest/v1/transcript_entries). It checks the caller drives the session (its linked
-- candidate, or an owner/admin of its tenant), that the session is in progress, and the
-- shape of every record, before writing anything; one call is one transaction.
-- The browser relays what OpenAI said, so the content is as trustworthy as that browser:
-- this RPC bounds who may write, when and how much, not what was said.

create sequence private.transcript_received_seq;
comment on sequence private.transcript_received_seq is
  'The order in which the relay received transcript records (entries and item events), across sessions: a tie-breaker for ordering, never a position.';

create table public.transcript_item_events (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        uuid not null references public.tenants (id) on delete cascade,
  session_id       uuid not null,
  event_id         text not null check (length(event_id) between 1 and 200),
  event_type       text not null check (event_type in (
                     'input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped',
                     'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done')),
  item_id          text not null check (length(item_id) between 1 and 200),
  previous_item_id text check (length(previous_item_id) between 1 and 200),
  audio_ms         integer check (audio_ms >= 0),
  received_seq     bigint not null,
  created_at       timestamptz not null default now(),
  constraint transcript_item_events_session_fkey foreign key (session_id, tenant_id)
    references public.interview_sessions (id, tenant_id) on delete cascade,
  constraint transcript_item_events_event_key unique (session_id, event_id)
);
comment on table public.transcript_item_events is
  'Order and timing of an interview''s conversation items, from the Realtime events the relay received: VAD speech start/stop (audio_ms on the session''s audio clock) and item links (previous_item_id). (session_id, event_id) is unique: a resent event is a no-op. Written only by relay_transcript_events; members read their tenant''s, candidates their own sessions''.';

create index transcript_item_events_session_id_tenant_id_item_id_idx
  on public.transcript_item_events (session_id, tenant_id, item_id);
create index transcript_item_events_tenant_id_idx on public.transcript_item_events (tenant_id);

create trigger transcript_item_events_audit
  after insert or update or delete on public.transcript_item_events
  for each row execute function private.audit_row_change();

alter table public.transcript_item_events enable row level security;

create policy "Members can read their tenant's transcript item events"
  on public.transcript_item_events for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Candidates can read the transcript item events of their own sessions"
  on public.transcript_item_events for select to authenticated
  using (session_id in (select private.my_session_ids()));

revoke all on table public.transcript_item_events from anon, authenticated;
grant select on table public.transcript_item_events to authenticated;
grant all on table public.transcript_item_events to service_role;

-- ---------------------------------------------------------------------------------------
-- RPC
-- ---------------------------------------------------------------------------------------
create or replace function public.relay_transcript_events(p_session_id uuid, p_events jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_max_events constant integer := 500;
  c_max_text constant integer := 20000;
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
        e.v ->> 'speaker' in ('candidate', 'interviewer')
        and pg_catalog.jsonb_typeof(e.v -> 'text') = 'string'
        and pg_catalog.length(e.v ->> 'text') <= c_max_text
        and e.v ->> 'event_type' in ('conversation.item.input_audio_transcription.completed',
                                     'response.output_audio_transcript.done')
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
  'Stores relayed transcript records for an in-progress session, idempotently: p_events is an array (1-500) of {kind: entry, event_id, event_type, speaker: candidate|interviewer, text, item_id, content_index?, response_id?, output_index?} or {kind: item, event_id, event_type, item_id, previous_item_id?, audio_ms?}. Returns [{event_id, status: stored|duplicate}] in input order. Caller: the session''s linked candidate or an owner/admin of its tenant (PT401/PT404 session_not_found/PT403 not_allowed); PT409 session_not_in_progress; PT400 invalid_events/invalid_event (nothing written).';
revoke all on function public.relay_transcript_events(uuid, jsonb) from public, anon;
grant execute on function public.relay_transcript_events(uuid, jsonb) to authenticated;
