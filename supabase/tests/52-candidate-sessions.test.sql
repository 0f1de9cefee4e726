-- candidate_sessions(): a linked candidate lists their sessions in every tenant that
-- invited them, with the position title and company name, and nothing else; everyone
-- else gets nothing.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(18);

-- cand_ab also interviews for A's draft without a company
insert into public.interview_sessions (id, tenant_id, candidate_id, position_id, scheduled_at, status)
values ('80000000-0000-0000-0000-0000000000a3', '10000000-0000-0000-0000-0000000000aa',
        '40000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000a2', now() + interval '1 day', 'scheduled');

select is(
  pg_get_function_result('public.candidate_sessions()'::regprocedure),
  'TABLE(session_id uuid, status text, scheduled_at timestamp with time zone, started_at timestamp with time zone, ended_at timestamp with time zone, consent_given_at timestamp with time zone, ai_opt_out_at timestamp with time zone, invited_at timestamp with time zone, position_id uuid, position_title text, company_name text, organization_name text)',
  'candidate_sessions returns exactly the session, position title, company and organisation names');

select tests.clear_authentication();
select throws_ok($$select * from candidate_sessions()$$, '42501', null, 'candidate_sessions: anon cannot call it');

select tests.authenticate_as('cand_a');
select results_eq(
  $$select session_id, status, position_title, company_name, organization_name from candidate_sessions()$$,
  $$values ('80000000-0000-0000-0000-0000000000a1'::uuid, 'in_progress'::text, 'Position of A'::text, 'Company of A'::text, 'Fixture Tenant A'::text)$$,
  'candidate_sessions: a candidate of A sees their session in A with its title, company and organisation');

select tests.authenticate_as('cand_ab');
select set_eq(
  $$select session_id from candidate_sessions()$$,
  array['80000000-0000-0000-0000-0000000000a2', '80000000-0000-0000-0000-0000000000a3', '80000000-0000-0000-0000-0000000000b2']::uuid[],
  'candidate_sessions: a candidate of A and B sees their sessions in both tenants');
select results_eq(
  $$select position_title, company_name, organization_name from candidate_sessions() where session_id = '80000000-0000-0000-0000-0000000000b2'$$,
  $$values ('Position of B'::text, 'Company of B'::text, 'Fixture Tenant B'::text)$$,
  'candidate_sessions: B''s session carries B''s title, company and organisation');
select results_eq(
  $$select position_title, company_name from candidate_sessions() where session_id = '80000000-0000-0000-0000-0000000000a3'$$,
  $$values ('Draft of A'::text, null::text)$$,
  'candidate_sessions: a position without a company answers a NULL company name');
select is((select session_id from candidate_sessions() limit 1), '80000000-0000-0000-0000-0000000000a3'::uuid,
  'candidate_sessions: the next scheduled interview comes first');
select is((select count(*)::int from candidate_sessions() where session_id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b9')),
  0, 'candidate_sessions: cand_ab sees no other candidate''s session');

select tests.authenticate_as('outsider');
select is((select count(*)::int from candidate_sessions()), 0, 'candidate_sessions: a signed-in user who is no candidate sees nothing');
select tests.authenticate_as('owner_a');
select is((select count(*)::int from candidate_sessions()), 0, 'candidate_sessions: tenant staff see nothing through it (they have the tables)');
select tests.authenticate_as('user_b');
select is((select count(*)::int from candidate_sessions()), 0, 'candidate_sessions: a user of B sees nothing through it');
select tests.authenticate_as('cand_ab');
select tests.set_claims(tests.claims() - 'sub');
select is((select count(*)::int from candidate_sessions()), 0, 'candidate_sessions: no rows without a signed-in user');

-- the tables stay as narrow as they were for candidates
select tests.authenticate_as('cand_ab');
select is((select count(*)::int from public.companies), 0, 'a candidate still reads no companies row directly');
select is((select count(*)::int from public.competencies), 0, 'nor competencies');
select is((select count(*)::int from public.interview_invitations), 0, 'nor invitations');
select is((select count(*)::int from public.users), 0, 'nor tenant users');

reset role;
select ok(has_function_privilege('authenticated', 'public.candidate_sessions()', 'execute'), 'signed-in users may call it');
select ok(not has_function_privilege('anon', 'public.candidate_sessions()', 'execute'), 'anon may not');

select * from finish();
rollback;
