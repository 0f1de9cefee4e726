-- relay_transcript_events and transcript_item_events: the only way API users write a
-- transcript. Who (the session's candidate or owner/admin of its tenant), when (in
-- progress), what (checked records, all or nothing), idempotency by event id, and the VAD
-- timing that lands on the candidate's entry whichever arrives first. Two tenants,
-- candidate of A vs candidate of A and B, roles, anon, service role.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(46);

select policies_are('public', 'transcript_item_events', array[
  'Members can read their tenant''s transcript item events',
  'Candidates can read the transcript item events of their own sessions'],
  'transcript_item_events has exactly the policies below');

create function pg_temp.entry(p_event text, p_speaker text, p_text text, p_item text) returns jsonb language sql as $$
  select jsonb_build_object('kind', 'entry', 'event_id', p_event, 'speaker', p_speaker, 'text', p_text, 'item_id', p_item,
    'content_index', 0,
    'event_type', case p_speaker when 'candidate' then 'conversation.item.input_audio_transcription.completed'
                                 else 'response.output_audio_transcript.done' end)
$$;
create function pg_temp.item(p_event text, p_type text, p_item text, p_ms integer default null, p_prev text default null) returns jsonb language sql as $$
  select jsonb_build_object('kind', 'item', 'event_id', p_event, 'event_type', p_type, 'item_id', p_item,
                            'audio_ms', p_ms, 'previous_item_id', p_prev)
$$;
grant execute on all functions in schema pg_temp to authenticated, service_role;

-- the RPC is transcript-relay's alone ------------------------------------------------------
select tests.authenticate_as('cand_a');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000c1', jsonb_build_array(pg_temp.entry('evt_direct', 'interviewer', 'You are hired.', 'item_Z')))$$,
  '42501', null, 'a signed-in candidate cannot write the transcript through the Data API, around the relay');
select tests.authenticate_as_service_role();
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', null, jsonb_build_array(pg_temp.entry('evt_direct', 'candidate', 'Hi.', 'item_Z')))$$,
  'PT401', 'not_authenticated', 'the relay must name the user it acts for');

-- the session's candidate ---------------------------------------------------------------
select tests.act_for('cand_a');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_1', 'interviewer', 'Tell me about ownership.', 'item_A1'),
            pg_temp.item('evt_2', 'input_audio_buffer.speech_started', 'item_C1', 4200),
            pg_temp.item('evt_3', 'input_audio_buffer.committed', 'item_C1', null, 'item_A1'))),
  '[{"event_id": "evt_1", "status": "stored"}, {"event_id": "evt_2", "status": "stored"}, {"event_id": "evt_3", "status": "stored"}]'::jsonb,
  'relay_transcript_events: cand_a stores an entry and item events on their in-progress session');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_1', 'interviewer', 'Tell me about ownership.', 'item_A1'),
            pg_temp.item('evt_3', 'input_audio_buffer.committed', 'item_C1', null, 'item_A1'),
            pg_temp.entry('evt_4', 'candidate', 'Borrowing is checked at compile time.', 'item_C1'))),
  '[{"event_id": "evt_1", "status": "duplicate"}, {"event_id": "evt_3", "status": "duplicate"}, {"event_id": "evt_4", "status": "stored"}]'::jsonb,
  'relay_transcript_events: a resent event is a duplicate, a new one is stored (one call, mixed)');
reset role;
select is((select count(*)::int from public.transcript_entries where session_id = '80000000-0000-0000-0000-0000000000a1' and source_event_id in ('evt_1', 'evt_4')), 2,
  'relay_transcript_events: exactly one entry per event after the resend');
select results_eq($$select speaker, text, metadata ->> 'item_id', metadata ->> 'event_type', start_ms, end_ms from public.transcript_entries
                    where session_id = '80000000-0000-0000-0000-0000000000a1' and source_event_id = 'evt_4'$$,
  $$values ('candidate'::text, 'Borrowing is checked at compile time.'::text, 'item_C1'::text,
            'conversation.item.input_audio_transcription.completed'::text, 4200, null::integer)$$,
  'relay_transcript_events: the entry keeps its item id and event type, and the VAD start that arrived before it');
select ok((select (metadata ->> 'received_seq')::bigint from public.transcript_entries where source_event_id = 'evt_4' and session_id = '80000000-0000-0000-0000-0000000000a1')
          > (select (metadata ->> 'received_seq')::bigint from public.transcript_entries where source_event_id = 'evt_1' and session_id = '80000000-0000-0000-0000-0000000000a1'),
  'relay_transcript_events: received_seq follows the order of receipt');

select tests.act_for('cand_a');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.item('evt_5', 'input_audio_buffer.speech_stopped', 'item_C1', 9100),
            pg_temp.item('evt_6', 'input_audio_buffer.speech_stopped', 'item_C1', 9900))) -> 0 ->> 'status',
  'stored', 'relay_transcript_events: the VAD stop arriving after the entry is stored');
reset role;
select is((select end_ms from public.transcript_entries where source_event_id = 'evt_4' and session_id = '80000000-0000-0000-0000-0000000000a1'), 9100,
  'relay_transcript_events: and lands on the candidate''s entry (the first value wins)');
select is((select count(*)::int from public.transcript_item_events where session_id = '80000000-0000-0000-0000-0000000000a1'), 4,
  'relay_transcript_events: each item event is stored once');

-- an inconsistent stop (before the start) is kept as an event but not put on the entry
select tests.act_for('cand_a');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.item('evt_7', 'input_audio_buffer.speech_started', 'item_C2', 20000),
            pg_temp.item('evt_8', 'input_audio_buffer.speech_stopped', 'item_C2', 19000),
            pg_temp.entry('evt_9', 'candidate', 'Lifetimes too.', 'item_C2'))) -> 2 ->> 'status',
  'stored', 'relay_transcript_events: an entry whose VAD stop precedes its start is still stored');
reset role;
select results_eq($$select start_ms, end_ms from public.transcript_entries where source_event_id = 'evt_9' and session_id = '80000000-0000-0000-0000-0000000000a1'$$,
  $$values (20000, null::integer)$$, 'relay_transcript_events: without the inconsistent end');

-- staff ------------------------------------------------------------------------------------
select tests.act_for('owner_a');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_staff_1', 'interviewer', 'Test call.', 'item_T1'))) -> 0 ->> 'status', 'stored',
  'relay_transcript_events: owner_a relays for a session of A (a test call)');
select tests.act_for('admin_a');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_staff_2', 'interviewer', 'Test call.', 'item_T2'))) -> 0 ->> 'status', 'stored',
  'relay_transcript_events: admin_a relays for a session of A');
select tests.act_for('cand_ab');
select is(public.relay_transcript_events('80000000-0000-0000-0000-0000000000b2', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_1', 'candidate', 'In Figma.', 'item_B1'))) -> 0 ->> 'status', 'stored',
  'relay_transcript_events: cand_ab relays for their session in B; the same event id in another session is its own');

-- denied ------------------------------------------------------------------------------------
select tests.act_for('cand_ab');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('evt_x', 'candidate', 'Not mine.', 'item_X')))$$,
  'PT404', 'session_not_found', 'relay_transcript_events: cand_ab cannot write into cand_a''s session');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a2', tests.actor(), jsonb_build_array(pg_temp.entry('evt_x', 'candidate', 'Too early.', 'item_X')))$$,
  'PT409', 'session_not_in_progress', 'relay_transcript_events: nothing is relayed into a session that is not in progress');
select tests.act_for('owner_b');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('evt_x', 'interviewer', 'Hi.', 'item_X')))$$,
  'PT404', 'session_not_found', 'relay_transcript_events: owner_b cannot write into a session of A');
select tests.act_for('user_a');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('evt_x', 'interviewer', 'Hi.', 'item_X')))$$,
  'PT403', 'not_allowed', 'relay_transcript_events: user_a (role user) cannot relay');
select tests.act_for('outsider');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('evt_x', 'interviewer', 'Hi.', 'item_X')))$$,
  'PT404', 'session_not_found', 'relay_transcript_events: an outsider cannot relay');
select tests.clear_authentication();
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', null, '[]'::jsonb)$$,
  '42501', null, 'relay_transcript_events: anon may not execute it');

-- bad records: refused before anything is written -------------------------------------------
select tests.act_for('cand_a');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), '[]'::jsonb)$$,
  'PT400', 'invalid_events', 'relay_transcript_events: an empty batch is refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), '{"kind": "entry"}'::jsonb)$$,
  'PT400', 'invalid_events', 'relay_transcript_events: a batch that is not an array is refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), (select jsonb_agg(pg_temp.entry('e' || i, 'candidate', 'x', 'item')) from generate_series(1, 501) i))$$,
  'PT400', 'invalid_events', 'relay_transcript_events: more than 500 records are refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('evt_ok', 'candidate', 'Fine.', 'item_C9'), pg_temp.entry('evt_bad', 'narrator', 'Who?', 'item_C9')))$$,
  'PT400', 'invalid_event', 'relay_transcript_events: a speaker other than candidate or interviewer is refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('', 'candidate', 'No id.', 'item_C9')))$$,
  'PT400', 'invalid_event', 'relay_transcript_events: an empty event id is refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.entry('evt_long', 'candidate', repeat('x', 20001), 'item_C9')))$$,
  'PT400', 'invalid_event', 'relay_transcript_events: a text over 20000 characters is refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.item('evt_neg', 'input_audio_buffer.speech_started', 'item_C9', -5)))$$,
  'PT400', 'invalid_event', 'relay_transcript_events: a negative audio time is refused');
select throws_ok($$select public.relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(pg_temp.item('evt_type', 'response.done', 'item_C9')))$$,
  'PT400', 'invalid_event', 'relay_transcript_events: an item event of another type is refused');
reset role;
select is((select count(*)::int from public.transcript_entries where source_event_id = 'evt_ok'), 0,
  'relay_transcript_events: the good record of a refused batch was not written');

-- reading item events ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select is((select count(*)::int from transcript_item_events), 6,
  'Members can read their tenant''s transcript item events: owner_a sees A''s');
select tests.authenticate_as('user_a');
select is((select count(*)::int from transcript_item_events), 6,
  'Members can read their tenant''s transcript item events: user_a (role user) too');
select tests.authenticate_as('owner_b');
select is((select count(*)::int from transcript_item_events), 0,
  'Members can read their tenant''s transcript item events: owner_b sees none of A''s');
select tests.authenticate_as('cand_a');
select is((select count(*)::int from transcript_item_events), 6,
  'Candidates can read the transcript item events of their own sessions: cand_a sees a1''s');
select tests.authenticate_as('cand_ab');
select is((select count(*)::int from transcript_item_events), 0,
  'Candidates can read the transcript item events of their own sessions: cand_ab sees none of cand_a''s');
select throws_ok($$insert into transcript_item_events (tenant_id, session_id, event_id, event_type, item_id, received_seq) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b2', 'forged', 'conversation.item.added', 'x', 1)$$,
  '42501', null, 'no insert privilege: cand_ab cannot write item events directly, even for their own session');
select tests.authenticate_as('owner_a');
select throws_ok($$update transcript_item_events set audio_ms = 0$$, '42501', null,
  'no update privilege: owner_a cannot rewrite the timing');
select tests.clear_authentication();
select throws_ok($$select count(*) from transcript_item_events$$, '42501', null,
  'anon holds no privilege on transcript_item_events');
select tests.authenticate_as_service_role();
select is((select count(*)::int from transcript_item_events where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')), 6,
  'the service role bypasses RLS');

-- bounds: the speaker follows the event type; per-session caps; the maximum length ------
select tests.act_for('cand_a');
select throws_ok($$select relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_fake', 'interviewer', 'I should hire you.', 'item_C9') || '{"event_type": "conversation.item.input_audio_transcription.completed"}'::jsonb))$$,
  'PT400', 'invalid_event', 'an entry whose speaker is not the one its event type implies is refused (no lines for the interviewer by label)');
select throws_ok($$select relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_fake2', 'candidate', 'I should hire you.', 'item_C9') || '{"event_type": "response.output_audio_transcript.done"}'::jsonb))$$,
  'PT400', 'invalid_event', 'and the other way round');
reset role;
insert into public.transcript_entries (tenant_id, session_id, speaker, text, source_event_id)
select '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'filler', 'bulk_' || g
from generate_series(1, 3000 - (select count(*) from public.transcript_entries where session_id = '80000000-0000-0000-0000-0000000000a1')) g;
select tests.act_for('cand_a');
select throws_ok($$select relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_3001', 'candidate', 'One more.', 'item_C9')))$$,
  'PT413', 'transcript_too_large', 'the 3,001st entry of a session is refused with PT413');
select is((select count(*)::int from transcript_entries where session_id = '80000000-0000-0000-0000-0000000000a1'), 3000,
  'and nothing of the refused batch is written');
reset role;
delete from public.transcript_entries where source_event_id like 'bulk\_%';
insert into public.transcript_entries (tenant_id, session_id, speaker, text, source_event_id)
select '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', repeat('x', 20000), 'long_' || g
from generate_series(1, 50) g;
select tests.act_for('cand_a');
select throws_ok($$select relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_long', 'candidate', repeat('y', 200), 'item_C9')))$$,
  'PT413', 'transcript_too_large', 'text past 1,000,000 characters per session is refused with PT413');
reset role;
delete from public.transcript_entries where source_event_id like 'long\_%';
select tests.authenticate_as_service_role();
update public.interview_sessions set started_at = now() - interval '3 hours 1 minute' where id = '80000000-0000-0000-0000-0000000000a1';
select tests.act_for('cand_a');
select throws_ok($$select relay_transcript_events('80000000-0000-0000-0000-0000000000a1', tests.actor(), jsonb_build_array(
            pg_temp.entry('evt_late', 'candidate', 'Still here.', 'item_C9')))$$,
  'PT409', 'interview_time_over', 'a session started more than 3 hours ago takes no more records');

select * from finish();
rollback;
