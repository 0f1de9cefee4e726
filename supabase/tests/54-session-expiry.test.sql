-- expire_stale_sessions() (the scheduled job) and the revocation of a closed session's
-- invitations; the lifecycle's final states stay final.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(23);

-- Sessions of prospect a9 in A, each in a situation the job must judge.
--   e1 invited, its only invitation expired unused        -> expired
--   e2 invited, an open invitation                        -> stays
--   e3 invited, one expired, one used                     -> stays (the candidate accepted)
--   e4 invited, no invitation at all                      -> stays (not an invitation's to expire)
--   e5 scheduled 25 hours ago, never started (no-show)    -> expired, its open invitation revoked
--   e6 scheduled an hour ago                              -> stays
--   e7 in progress                                        -> stays
--   e8 invited, its invitations revoked or expired        -> expired
insert into public.interview_sessions (id, tenant_id, candidate_id, position_id, status, scheduled_at, consent_given_at)
select ('e0000000-0000-0000-0000-0000000000' || n)::uuid, '10000000-0000-0000-0000-0000000000aa',
       '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1',
       case when n in ('e5', 'e6') then 'scheduled' else 'invited' end,
       case n when 'e5' then now() - interval '25 hours' when 'e6' then now() - interval '1 hour' end,
       now()
from unnest(array['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8']) n;
update public.interview_sessions set status = 'in_progress' where id = 'e0000000-0000-0000-0000-0000000000e7';

insert into public.interview_invitations (id, tenant_id, candidate_id, session_id, email, token_hash, expires_at, used_at, used_by, revoked_at)
values
  ('f0000000-0000-0000-0000-0000000000e1', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e1', 'prospect-a@fixture.test', sha256('e1'), now() - interval '1 minute', null, null, null),
  ('f0000000-0000-0000-0000-0000000000e2', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e2', 'prospect-a@fixture.test', sha256('e2'), now() + interval '1 day', null, null, null),
  ('f0000000-0000-0000-0000-0000000000e3', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e3', 'prospect-a@fixture.test', sha256('e3'), now() - interval '1 day', null, null, null),
  ('f0000000-0000-0000-0000-0000000000e4', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e3', 'prospect-a@fixture.test', sha256('e3b'), now() - interval '1 day', now() - interval '2 days',
   '20000000-0000-0000-0000-0000000000e1', null),
  ('f0000000-0000-0000-0000-0000000000e5', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e5', 'prospect-a@fixture.test', sha256('e5'), now() + interval '1 day', null, null, null),
  ('f0000000-0000-0000-0000-0000000000e8', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e8', 'prospect-a@fixture.test', sha256('e8'), now() + interval '1 day', null, null, now()),
  ('f0000000-0000-0000-0000-0000000000e9', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
   'e0000000-0000-0000-0000-0000000000e8', 'prospect-a@fixture.test', sha256('e9'), now() - interval '1 hour', null, null, null);

-- ---- who may run it --------------------------------------------------------------------
select ok(not has_function_privilege('anon', 'public.expire_stale_sessions()', 'execute'), 'expire_stale_sessions: anon may not run it');
select ok(not has_function_privilege('authenticated', 'public.expire_stale_sessions()', 'execute'),
  'expire_stale_sessions: no signed-in user may run it (it works across tenants)');
select ok(has_function_privilege('service_role', 'public.expire_stale_sessions()', 'execute'),
  'expire_stale_sessions: the service role may (a scheduler without pg_cron)');
select tests.authenticate_as('owner_a');
select throws_ok($$select expire_stale_sessions()$$, '42501', null, 'expire_stale_sessions: an owner calling it gets 42501');

-- ---- a run --------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
create temp table run1 as select expire_stale_sessions() as r;
reset role;
select set_eq(
  $$select s::uuid from run1, jsonb_array_elements_text(r -> 'session_ids') s where s like 'e0000000-0000-0000-0000-0000000000e%'$$,
  array['e0000000-0000-0000-0000-0000000000e1', 'e0000000-0000-0000-0000-0000000000e5', 'e0000000-0000-0000-0000-0000000000e8']::uuid[],
  'expire_stale_sessions: exactly the run-out invitations and the no-show are expired');
select is((select (r ->> 'expired_sessions')::int from run1), (select jsonb_array_length(r -> 'session_ids') from run1),
  'expired_sessions counts the ids it answers');
select results_eq(
  $$select id, status from public.interview_sessions where id::text like 'e0000000-0000-0000-0000-0000000000e%' order by id$$,
  $$values ('e0000000-0000-0000-0000-0000000000e1'::uuid, 'expired'::text), ('e0000000-0000-0000-0000-0000000000e2', 'invited'),
           ('e0000000-0000-0000-0000-0000000000e3', 'invited'), ('e0000000-0000-0000-0000-0000000000e4', 'invited'),
           ('e0000000-0000-0000-0000-0000000000e5', 'expired'), ('e0000000-0000-0000-0000-0000000000e6', 'scheduled'),
           ('e0000000-0000-0000-0000-0000000000e7', 'in_progress'), ('e0000000-0000-0000-0000-0000000000e8', 'expired')$$,
  'every other session keeps its status');
select isnt((select ended_at from public.interview_sessions where id = 'e0000000-0000-0000-0000-0000000000e1'), null,
  'an expired session is stamped ended_at by the lifecycle trigger');
select isnt((select revoked_at from public.interview_invitations where id = 'f0000000-0000-0000-0000-0000000000e5'), null,
  'the no-show''s open invitation is revoked with it');
select is((select revoked_at from public.interview_invitations where id = 'f0000000-0000-0000-0000-0000000000e2'), null,
  'the open invitation of a session that stays is untouched');
select is((select count(*)::int from public.interview_sessions where id in ('80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000b9')
           and status = 'invited'), 2,
  'the fixture''s invited sessions (one without invitations, one with an open one) stay invited');

select tests.authenticate_as_service_role();
select is((select jsonb_path_query_array(expire_stale_sessions() -> 'session_ids', '$[*] ? (@ like_regex "^e0000000")')),
  '[]'::jsonb, 'expire_stale_sessions: a second run expires nothing more (idempotent)');

-- ---- closing a session revokes its open invitations -------------------------------------
select tests.authenticate_as('admin_a');
select is(tests.affected($$update interview_sessions set status = 'cancelled' where id = 'e0000000-0000-0000-0000-0000000000e2'$$), 1,
  'admin_a cancels a session with an open invitation');
reset role;
select isnt((select revoked_at from public.interview_invitations where id = 'f0000000-0000-0000-0000-0000000000e2'), null,
  'cancelling a session revokes its open invitation');
select is((select revoked_at from public.interview_invitations where id = 'f0000000-0000-0000-0000-0000000000e4'), null,
  'a used invitation is left as it is');
select tests.authenticate_as('admin_a');
select is(tests.affected($$update interview_sessions set status = 'cancelled' where id = 'e0000000-0000-0000-0000-0000000000e3'$$), 1,
  'cancelling the accepted session');
reset role;
select is((select revoked_at from public.interview_invitations where id = 'f0000000-0000-0000-0000-0000000000e4'), null,
  'still leaves its used invitation alone');

-- ---- final states stay final ----------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$update interview_sessions set status = 'invited' where id = 'e0000000-0000-0000-0000-0000000000e1'$$, 'PT409',
  'invalid_status_transition', 'lifecycle: an expired session cannot be re-invited (PT409)');
select throws_ok($$update interview_sessions set status = 'scheduled' where id = 'e0000000-0000-0000-0000-0000000000e1'$$, 'PT409',
  'invalid_status_transition', 'lifecycle: an expired session cannot be rescheduled (PT409)');
select tests.authenticate_as('cand_ab');
select throws_ok($$update interview_sessions set status = 'expired' where id = '80000000-0000-0000-0000-0000000000a2'$$, '42501', null,
  'lifecycle: a candidate cannot expire their own session');
select tests.authenticate_as('user_a');
select is(tests.affected_undo($$update interview_sessions set status = 'cancelled' where id = '80000000-0000-0000-0000-0000000000a2'$$), 0,
  'lifecycle: a read-only member cancels nothing');

-- the maximum interview length: an in-progress session started more than 3 hours ago is completed
select tests.authenticate_as_service_role();
update public.interview_sessions set started_at = now() - interval '3 hours 5 minutes' where id = '80000000-0000-0000-0000-0000000000a1';
update public.interview_sessions set started_at = now() - interval '2 hours' where id = '80000000-0000-0000-0000-0000000000b2';
select tests.authenticate_as_service_role();
select is((select public.expire_stale_sessions() -> 'completed_session_ids'), '["80000000-0000-0000-0000-0000000000a1"]'::jsonb,
  'expire_stale_sessions completes the in-progress session past 3 hours, not the one at 2 hours');
select results_eq($$select status, ended_at is not null from interview_sessions where id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2') order by id$$,
  $$values ('completed', true), ('in_progress', false)$$,
  'the overlong session is completed with its end stamped; the other runs on');

select * from finish();
rollback;
