-- Quotas per organisation on what vendors bill: interview sessions (a VideoSDK room and a
-- Fly machine each) and People Data Labs enrichments. One tenant's use never spends
-- another's.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(16);

-- ---- sessions: 200 a day per tenant --------------------------------------------------
-- Fill tenant A's day up to the limit (the fixtures' sessions count too).
insert into public.interview_sessions (tenant_id, candidate_id, position_id, status)
select '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
       '50000000-0000-0000-0000-0000000000a1', 'invited'
from generate_series(1, 200 - (select count(*) from public.interview_sessions
                               where tenant_id = '10000000-0000-0000-0000-0000000000aa'));
select is((select count(*)::int from public.interview_sessions where tenant_id = '10000000-0000-0000-0000-0000000000aa'),
  200, 'tenant A has created 200 sessions today');

select tests.authenticate_as('owner_a');
select throws_ok($$insert into public.interview_sessions (tenant_id, candidate_id, position_id, status)
                   values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
                           '50000000-0000-0000-0000-0000000000a1', 'invited')$$,
  'PT429', 'too_many_requests', 'the 201st session of the day is refused with PT429 (Data API insert)');
select throws_ok($$select create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'quota@fixture.test',
                   '50000000-0000-0000-0000-0000000000a1')$$,
  'PT429', 'too_many_requests', 'and through create_candidate_invitation (what invite-candidate calls)');

select tests.authenticate_as('owner_b');
select lives_ok($$insert into public.interview_sessions (tenant_id, candidate_id, position_id, status)
                  values ('10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000b9',
                          '50000000-0000-0000-0000-0000000000b1', 'invited')$$,
  'tenant B is not limited by A''s sessions');

select tests.clear_authentication();
reset role;
update public.interview_sessions set created_at = now() - interval '25 hours'
where id in (select id from public.interview_sessions
             where tenant_id = '10000000-0000-0000-0000-0000000000aa' order by id limit 1);
select tests.authenticate_as('owner_a');
select lives_ok($$insert into public.interview_sessions (tenant_id, candidate_id, position_id, status)
                  values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9',
                          '50000000-0000-0000-0000-0000000000a1', 'invited')$$,
  'a session older than a day no longer counts: A may create one again');

-- ---- enrichments: 1000 PDL calls a day per tenant -----------------------------------------
select tests.clear_authentication();
select throws_ok($$select reserve_enrichment('10000000-0000-0000-0000-0000000000aa')$$, '42501', null,
  'anon cannot reserve');
select tests.authenticate_as('user_a');
select throws_ok($$select reserve_enrichment('10000000-0000-0000-0000-0000000000aa')$$, 'PT403', 'forbidden',
  'a plain user cannot reserve (owners and admins enrich)');
select tests.authenticate_as('cand_a');
select throws_ok($$select reserve_enrichment('10000000-0000-0000-0000-0000000000aa')$$, 'PT403', 'forbidden',
  'a candidate cannot reserve');
select tests.authenticate_as('owner_a');
select throws_ok($$select reserve_enrichment('10000000-0000-0000-0000-0000000000bb')$$, 'PT403', 'forbidden',
  'an owner cannot spend another tenant''s quota');
select is(reserve_enrichment('10000000-0000-0000-0000-0000000000aa'), '{"granted": true, "limit": 1000}'::jsonb,
  'the owner reserves a call for their tenant');
select tests.authenticate_as('admin_a');
select is(reserve_enrichment('10000000-0000-0000-0000-0000000000aa') ->> 'granted', 'true', 'an admin too');
select tests.authenticate_as_service_role();
select is(reserve_enrichment('10000000-0000-0000-0000-0000000000bb') ->> 'granted', 'true', 'the service role for any tenant');

reset role;
select is((select count(*)::int from private.enrichment_calls where tenant_id = '10000000-0000-0000-0000-0000000000aa'), 2,
  'each granted call is recorded');
insert into private.enrichment_calls (tenant_id, created_at)
select '10000000-0000-0000-0000-0000000000aa', now() - interval '1 hour' from generate_series(1, 998);
select tests.authenticate_as('owner_a');
create temp table refused as select reserve_enrichment('10000000-0000-0000-0000-0000000000aa') as r;
select is((select r - 'retry_after_seconds' from refused), '{"granted": false, "limit": 1000}'::jsonb,
  'the 1001st call of the day is refused');
select ok((select (r ->> 'retry_after_seconds')::int between 82000 and 86400 from refused),
  'with the seconds until the day''s oldest call leaves the window');
select tests.authenticate_as('owner_b');
select is(reserve_enrichment('10000000-0000-0000-0000-0000000000bb') ->> 'granted', 'true',
  'tenant B still enriches');

select * from finish();
rollback;
