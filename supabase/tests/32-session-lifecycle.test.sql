-- Interview session lifecycle (enforced by trigger for every caller) and what a
-- candidate may change on their own session (consent, AI opt-out, start, complete).
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(51);

-- a fresh session of tenant A in the given status, consent given, reached legally
create function pg_temp.session_in(p_status text) returns uuid language plpgsql as $$
declare
  v_id uuid;
begin
  insert into public.interview_sessions (tenant_id, candidate_id, position_id, consent_given_at)
  values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
          '50000000-0000-0000-0000-0000000000a1', now())
  returning id into v_id;
  if p_status = 'completed' then
    update public.interview_sessions set status = 'in_progress' where id = v_id;
  end if;
  if p_status <> 'invited' then
    update public.interview_sessions set status = p_status where id = v_id;
  end if;
  return v_id;
end
$$;

-- every transition, as tenant staff (owner_a): allowed ones go through, others PT409
create temp table transitions as
select f.s as from_status, t.s as to_status,
       (f.s, t.s) in (('invited', 'scheduled'), ('invited', 'in_progress'), ('invited', 'cancelled'), ('invited', 'expired'),
                      ('scheduled', 'in_progress'), ('scheduled', 'cancelled'), ('scheduled', 'expired'),
                      ('in_progress', 'completed'), ('in_progress', 'cancelled')) as allowed,
       pg_temp.session_in(f.s) as session_id
from unnest(array['invited', 'scheduled', 'in_progress', 'completed', 'cancelled', 'expired']) with ordinality f(s, fo)
cross join unnest(array['invited', 'scheduled', 'in_progress', 'completed', 'cancelled', 'expired']) with ordinality t(s, tor)
where f.s <> t.s
order by fo, tor;
grant select on transitions to authenticated;

select tests.authenticate_as('owner_a');
select case when allowed then
         is(tests.affected_undo(format('update interview_sessions set status = %L where id = %L', to_status, session_id)), 1,
            format('lifecycle: %s -> %s is allowed', from_status, to_status))
       else
         throws_ok(format('update interview_sessions set status = %L where id = %L', to_status, session_id), 'PT409',
                   'invalid_status_transition', format('lifecycle: %s -> %s is refused (PT409)', from_status, to_status))
       end
from transitions
order by from_status, to_status;

select throws_ok($$insert into interview_sessions (tenant_id, candidate_id, position_id, status, consent_given_at) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1', 'completed', now())$$,
  'PT409', 'invalid_status_transition', 'lifecycle: a session cannot be created completed');
select is(tests.affected_undo($$insert into interview_sessions (tenant_id, candidate_id, position_id, status, scheduled_at) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', '50000000-0000-0000-0000-0000000000a1', 'scheduled', now() + interval '2 days')$$), 1,
  'lifecycle: a session may be created scheduled');
select throws_ok($$update interview_sessions set status = 'in_progress' where id = '80000000-0000-0000-0000-0000000000a2'$$, '23514', null,
  'lifecycle: no interview starts without consent (even when staff starts it)');

-- stamps
select is(tests.affected($$update interview_sessions set consent_given_at = now(), status = 'in_progress' where id = '80000000-0000-0000-0000-0000000000a2'$$), 1,
  'staff start a consented session');
select is((select started_at from interview_sessions where id = '80000000-0000-0000-0000-0000000000a2'), now(),
  'lifecycle: started_at is stamped on in_progress');
select is(tests.affected($$update interview_sessions set status = 'completed' where id = '80000000-0000-0000-0000-0000000000a2'$$), 1,
  'staff complete it');
select is((select ended_at from interview_sessions where id = '80000000-0000-0000-0000-0000000000a2'), now(),
  'lifecycle: ended_at is stamped on completed');

-- the candidate's own changes (cand_ab: session b2 in B is in progress; a fresh invited one in A)
reset role;
insert into public.interview_sessions (id, tenant_id, candidate_id, position_id)
values ('80000000-0000-0000-0000-0000000000a3', '10000000-0000-0000-0000-0000000000aa',
        '40000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000a2');
select tests.authenticate_as('cand_ab');
select throws_ok($$update interview_sessions set status = 'in_progress' where id = '80000000-0000-0000-0000-0000000000a3'$$, '23514', null,
  'Candidates can record consent and progress on their sessions: not starting before consent');
select is(tests.affected($$update interview_sessions set consent_given_at = '2001-01-01' where id = '80000000-0000-0000-0000-0000000000a3'$$), 1,
  'Candidates can record consent and progress on their sessions: cand_ab records consent');
select is((select consent_given_at from interview_sessions where id = '80000000-0000-0000-0000-0000000000a3'), now(),
  'consent is dated by the server, not by the client''s value');
select throws_ok($$update interview_sessions set consent_given_at = now() + interval '1 hour' where id = '80000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'consent, once recorded, cannot be rewritten by the candidate');
select is(tests.affected($$update interview_sessions set ai_opt_out_at = now() where id = '80000000-0000-0000-0000-0000000000a3'$$), 1,
  'Candidates can record consent and progress on their sessions: cand_ab opts out of AI');
select isnt((select ai_opt_out_at from interview_sessions where id = '80000000-0000-0000-0000-0000000000a3'), null,
  'the AI opt-out is recorded with a timestamp');
select throws_ok($$update interview_sessions set ai_opt_out_at = null where id = '80000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'the AI opt-out cannot be erased by the candidate');
select is(tests.affected($$update interview_sessions set status = 'in_progress' where id = '80000000-0000-0000-0000-0000000000a3'$$), 1,
  'Candidates can record consent and progress on their sessions: cand_ab starts the interview after consent');
select is(tests.affected($$update interview_sessions set status = 'completed' where id = '80000000-0000-0000-0000-0000000000b2'$$), 1,
  'Candidates can record consent and progress on their sessions: cand_ab completes their interview in B');
select throws_ok($$update interview_sessions set status = 'cancelled' where id = '80000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'a candidate cannot cancel their interview');
select throws_ok($$update interview_sessions set videosdk_room_id = 'room-1' where id = '80000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'a candidate cannot set the room or machine');
select throws_ok($$update interview_sessions set candidate_id = '40000000-0000-0000-0000-0000000000a1' where id = '80000000-0000-0000-0000-0000000000a3'$$, '42501', null,
  'a candidate cannot move their session to another candidate');
select tests.authenticate_as('cand_a');
select is(tests.affected_undo($$update interview_sessions set consent_given_at = now() where id = '80000000-0000-0000-0000-0000000000a3'$$), 0,
  'Candidates can record consent and progress on their sessions: cand_a cannot touch cand_ab''s');
select tests.authenticate_as('user_a');
select is(tests.affected_undo($$update interview_sessions set consent_given_at = now() where id = '80000000-0000-0000-0000-0000000000a3'$$), 0,
  'a read-only member cannot record consent for a candidate');

select * from finish();
rollback;
