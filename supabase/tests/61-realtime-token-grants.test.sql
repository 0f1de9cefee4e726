-- realtime_token_grants and the two interview-token RPCs: reserve_interview_token (who,
-- joinable, consent, AI opt-out, 10 per hour per session) and finish_interview_token
-- (outcome; a success starts the session). Two tenants, candidate of A vs candidate of A
-- and B, roles, anon; the table is read-only to API users.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(45);

select policies_are('public', 'realtime_token_grants', array[
  'Members can read their tenant''s realtime token grants'],
  'realtime_token_grants has exactly the policies below');

-- the RPCs are interview-token's alone -----------------------------------------------------
select tests.authenticate_as('cand_a');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000c1')$$,
  '42501', null, 'a signed-in candidate cannot call reserve_interview_token through the Data API (it would show them the rubric)');
select throws_ok($$select public.finish_interview_token(gen_random_uuid(), '20000000-0000-0000-0000-0000000000c1', true)$$,
  '42501', null, 'nor record a grant''s outcome with finish_interview_token');
select tests.authenticate_as('owner_a');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000a1')$$,
  '42501', null, 'not even an owner calls them directly');
select tests.authenticate_as_service_role();
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', null)$$,
  'PT401', 'not_authenticated', 'the function must name the user it acts for');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', '20000000-0000-0000-0000-0000000000e1')$$,
  'PT404', 'session_not_found', 'acting for an outsider finds no session');

-- reserve: allowed ----------------------------------------------------------------------
select tests.act_for('cand_a');
create temp table first_grant as
  select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor()) as answer;
select is((select answer ->> 'granted' from first_grant), 'true',
  'reserve_interview_token: cand_a gets a grant for their in-progress, consented session');
select is((select answer -> 'position' ->> 'title' from first_grant), 'Position of A',
  'reserve_interview_token: answers the position the instructions are built from');
select is((select jsonb_path_query_array(answer -> 'competencies', '$[*].name') from first_grant), '["Rust"]'::jsonb,
  'reserve_interview_token: and its competencies, which a candidate cannot read through the tables');
select is((select (answer ->> 'remaining')::int from first_grant), 9,
  'reserve_interview_token: 9 of 10 attempts remain this hour');
select is((select answer ->> 'caller' from first_grant), 'candidate', 'reserve_interview_token: the caller is the candidate');

select tests.act_for('owner_a');
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor()) ->> 'caller', 'staff',
  'reserve_interview_token: owner_a may reserve for a session of A (a test call)');
select tests.act_for('cand_ab');
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000b2', tests.actor()) ->> 'granted', 'true',
  'reserve_interview_token: cand_ab reserves for their session in B');

-- reserve: denied -----------------------------------------------------------------------
select tests.act_for('cand_ab');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor())$$,
  'PT404', 'session_not_found', 'reserve_interview_token: cand_ab cannot reserve for cand_a''s session');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a2', tests.actor())$$,
  'PT409', 'consent_required', 'reserve_interview_token: no token before the candidate''s consent');
select tests.act_for('owner_b');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor())$$,
  'PT404', 'session_not_found', 'reserve_interview_token: owner_b cannot reserve for a session of A');
select tests.act_for('user_a');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor())$$,
  'PT403', 'not_allowed', 'reserve_interview_token: user_a (role user) cannot reserve');
select tests.clear_authentication();
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', null)$$,
  '42501', null, 'reserve_interview_token: anon may not execute it');

reset role;
update public.interview_sessions set consent_given_at = now(), ai_opt_out_at = now()
where id = '80000000-0000-0000-0000-0000000000a2';
select tests.act_for('cand_ab');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a2', tests.actor())$$,
  'PT403', 'ai_opted_out', 'reserve_interview_token: a candidate who opted out of AI gets no AI interviewer');

reset role;
insert into public.interview_sessions (id, tenant_id, candidate_id, position_id, consent_given_at)
values ('80000000-0000-0000-0000-0000000000a4', '10000000-0000-0000-0000-0000000000aa',
        '40000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a1', now()),
       ('80000000-0000-0000-0000-0000000000a5', '10000000-0000-0000-0000-0000000000aa',
        '40000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a1', now());
update public.interview_sessions set status = 'in_progress' where id = '80000000-0000-0000-0000-0000000000a5';
update public.interview_sessions set status = 'completed' where id = '80000000-0000-0000-0000-0000000000a5';
select tests.act_for('cand_a');
select throws_ok($$select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a5', tests.actor())$$,
  'PT409', 'session_not_joinable', 'reserve_interview_token: a completed session is not joinable');

-- the limit -----------------------------------------------------------------------------
-- a1 has 2 attempts (cand_a, owner_a); 8 more reach the limit of 10
select tests.act_for('cand_a');
select is(array_agg(public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor()) ->> 'granted'),
          array_fill('true'::text, array[8]),
  'reserve_interview_token: attempts 3 to 10 within the hour are granted')
from generate_series(1, 8);
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor()) - 'limit',
  '{"granted": false, "scope": "session", "retry_after_seconds": 3600}'::jsonb,
  'reserve_interview_token: the 11th attempt within the hour is refused with the seconds until a slot frees');
reset role;
select is((select count(*)::int from public.realtime_token_grants where session_id = '80000000-0000-0000-0000-0000000000a1'), 10,
  'reserve_interview_token: a refused attempt records nothing');
update public.realtime_token_grants set created_at = now() - interval '61 minutes'
where id = (select min(id::text)::uuid from public.realtime_token_grants where session_id = '80000000-0000-0000-0000-0000000000a1');
select tests.act_for('cand_a');
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000a1', tests.actor()) ->> 'granted', 'true',
  'reserve_interview_token: an attempt older than an hour no longer counts');
select tests.act_for('cand_ab');
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000b2', tests.actor()) ->> 'granted', 'true',
  'reserve_interview_token: the limit is per session (B''s session is unaffected)');

-- the organisation's daily quota: 500 grants a day across all of its sessions ------------
select tests.authenticate_as_service_role();
insert into public.realtime_token_grants (tenant_id, session_id, caller_kind, created_at)
select '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a4', 'staff', now() - interval '23 hours'
from generate_series(1, 500 - (select count(*)::int from public.realtime_token_grants where tenant_id = '10000000-0000-0000-0000-0000000000aa'));
select tests.act_for('cand_a');
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000a4', tests.actor()) - 'retry_after_seconds',
  '{"granted": false, "scope": "tenant", "limit": 500}'::jsonb,
  'reserve_interview_token: the 501st grant of the organisation in a day is refused, for any of its sessions');
select tests.act_for('cand_ab');
select is(public.reserve_interview_token('80000000-0000-0000-0000-0000000000b2', tests.actor()) ->> 'granted', 'true',
  'reserve_interview_token: another organisation is unaffected');
select tests.authenticate_as_service_role();
delete from public.realtime_token_grants where session_id = '80000000-0000-0000-0000-0000000000a4' and created_at < now() - interval '22 hours';

-- finish ----------------------------------------------------------------------------------
select tests.act_for('cand_ab');
select throws_ok(format('select public.finish_interview_token(%L, tests.actor(), true, now() + interval ''10 minutes'')',
                        (select answer ->> 'grant_id' from first_grant)),
  'PT404', 'grant_not_found', 'finish_interview_token: cand_ab cannot finish cand_a''s grant');
select tests.act_for('owner_a');
select throws_ok(format('select public.finish_interview_token(%L, tests.actor(), true, now() + interval ''10 minutes'')',
                        (select answer ->> 'grant_id' from first_grant)),
  'PT404', 'grant_not_found', 'finish_interview_token: not even owner_a finishes a grant someone else requested');
select tests.act_for('cand_a');
select is(public.finish_interview_token((select (answer ->> 'grant_id')::uuid from first_grant), tests.actor(), true, now() + interval '10 minutes'),
  jsonb_build_object('grant_id', (select answer ->> 'grant_id' from first_grant), 'status', 'issued', 'session_status', 'in_progress'),
  'finish_interview_token: cand_a records their grant as issued');
select throws_ok(format('select public.finish_interview_token(%L, tests.actor(), false, null, ''x'')', (select answer ->> 'grant_id' from first_grant)),
  'PT409', 'grant_finished', 'finish_interview_token: an outcome is recorded once');

-- a success starts an invited session; a failure leaves it as it was
create temp table a4_grant as
  select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a4', tests.actor()) as answer;
select is((select answer ->> 'status' from a4_grant), 'invited', 'reserve_interview_token: an invited, consented session is joinable');
select is(public.finish_interview_token((select (answer ->> 'grant_id')::uuid from a4_grant), tests.actor(), false, null, 'upstream_error') ->> 'session_status',
  'invited', 'finish_interview_token: a failed call does not start the session');
create temp table a4_grant2 as
  select public.reserve_interview_token('80000000-0000-0000-0000-0000000000a4', tests.actor()) as answer;
select is(public.finish_interview_token((select (answer ->> 'grant_id')::uuid from a4_grant2), tests.actor(), true, now() + interval '10 minutes') ->> 'session_status',
  'in_progress', 'finish_interview_token: a success moves the invited session to in_progress');
reset role;
select is((select started_at from public.interview_sessions where id = '80000000-0000-0000-0000-0000000000a4'), now(),
  'finish_interview_token: the status trigger stamps started_at');
select results_eq($$select status, error from public.realtime_token_grants where session_id = '80000000-0000-0000-0000-0000000000a4' order by status$$,
  $$values ('failed'::text, 'upstream_error'::text), ('issued'::text, null::text)$$,
  'finish_interview_token: the failure is recorded with its error, the success without');

-- the table: read by members, written by nobody but the RPCs -------------------------------
select tests.authenticate_as('owner_a');
select is((select count(*)::int from realtime_token_grants where session_id = '80000000-0000-0000-0000-0000000000a1'), 11,
  'Members can read their tenant''s realtime token grants: owner_a sees A''s');
select is((select count(*)::int from realtime_token_grants where tenant_id = '10000000-0000-0000-0000-0000000000bb'), 0,
  'Members can read their tenant''s realtime token grants: owner_a sees none of B''s');
select tests.authenticate_as('user_a');
select ok((select count(*) from realtime_token_grants) > 0,
  'Members can read their tenant''s realtime token grants: user_a (role user) reads them too');
select tests.authenticate_as('owner_b');
select is((select count(*)::int from realtime_token_grants), 3,
  'Members can read their tenant''s realtime token grants: owner_b sees exactly B''s three');
select tests.authenticate_as('cand_a');
select is((select count(*)::int from realtime_token_grants), 0,
  'no policy for candidates: cand_a reads no grants, not even their own');
select tests.authenticate_as('owner_a');
select throws_ok($$insert into realtime_token_grants (tenant_id, session_id, caller_kind) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'staff')$$,
  '42501', null, 'no insert privilege: owner_a cannot forge a grant');
select throws_ok($$delete from realtime_token_grants$$, '42501', null,
  'no delete privilege: owner_a cannot erase the limit''s history');
select tests.clear_authentication();
select throws_ok($$select count(*) from realtime_token_grants$$, '42501', null,
  'anon holds no privilege on realtime_token_grants');
select tests.authenticate_as_service_role();
select is((select count(*)::int from realtime_token_grants where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')), 16,
  'the service role bypasses RLS: sees A''s and B''s');

select * from finish();
rollback;
