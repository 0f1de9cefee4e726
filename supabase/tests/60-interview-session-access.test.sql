-- interview_session_access: who may drive a live interview session (its linked candidate,
-- or an owner/admin of its tenant), checked by every live-interview RPC through
-- private.require_session_driver. Two tenants, candidate of A vs candidate of A and B,
-- a member without the admin role, an outsider, anon.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(17);

-- allowed ----------------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select is(public.interview_session_access('80000000-0000-0000-0000-0000000000a1') ->> 'caller', 'candidate',
  'interview_session_access: cand_a drives their own session a1 as its candidate');
select is(public.interview_session_access('80000000-0000-0000-0000-0000000000a1') - 'caller',
  jsonb_build_object('session_id', '80000000-0000-0000-0000-0000000000a1', 'tenant_id', '10000000-0000-0000-0000-0000000000aa',
                     'status', 'in_progress', 'consent_given', true, 'ai_opted_out', false, 'videosdk_room_id', null),
  'interview_session_access: answers the session''s facts the functions decide on');

select tests.authenticate_as('cand_ab');
select is(public.interview_session_access('80000000-0000-0000-0000-0000000000b2') ->> 'caller', 'candidate',
  'interview_session_access: cand_ab (candidate of A and B) drives their session in B');
select is(public.interview_session_access('80000000-0000-0000-0000-0000000000a2') ->> 'caller', 'candidate',
  'interview_session_access: cand_ab drives their session in A');

select tests.authenticate_as('owner_a');
select is(public.interview_session_access('80000000-0000-0000-0000-0000000000a1') ->> 'caller', 'staff',
  'interview_session_access: owner_a drives a session of A as staff (a test call)');
select tests.authenticate_as('admin_a');
select is(public.interview_session_access('80000000-0000-0000-0000-0000000000a2') ->> 'caller', 'staff',
  'interview_session_access: admin_a drives a session of A as staff');

-- denied -----------------------------------------------------------------------------
select tests.authenticate_as('user_a');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  'PT403', 'not_allowed', 'interview_session_access: user_a (role user in A) reads the session but may not drive it');

select tests.authenticate_as('cand_ab');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  'PT404', 'session_not_found', 'interview_session_access: cand_ab cannot drive cand_a''s session (and is not told it exists)');
select tests.authenticate_as('cand_a');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000b2')$$,
  'PT404', 'session_not_found', 'interview_session_access: cand_a cannot drive a session of B');

select tests.authenticate_as('owner_b');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  'PT404', 'session_not_found', 'interview_session_access: owner_b cannot drive a session of A');
select tests.authenticate_as('admin_b');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a2')$$,
  'PT404', 'session_not_found', 'interview_session_access: admin_b cannot drive a session of A');

select tests.authenticate_as('outsider');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  'PT404', 'session_not_found', 'interview_session_access: a signed-in outsider drives nothing');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000ff')$$,
  'PT404', 'session_not_found', 'interview_session_access: an unknown session is not found');

-- a token whose user no longer exists carries no uid in the database's eyes
select tests.set_claims('{"role": "authenticated", "aud": "authenticated"}');
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  'PT401', 'not_authenticated', 'interview_session_access: a token without sub is not signed in');

select tests.clear_authentication();
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  '42501', null, 'interview_session_access: anon may not execute it');

select tests.authenticate_as_service_role();
select throws_ok($$select public.interview_session_access('80000000-0000-0000-0000-0000000000a1')$$,
  'PT401', 'not_authenticated', 'interview_session_access: the service role is no session''s driver (no user: it reads sessions itself)');

reset role;
select ok(not has_function_privilege('anon', 'private.session_caller_kind(uuid)', 'execute')
          and not has_function_privilege('anon', 'private.require_session_driver(uuid)', 'execute'),
  'anon cannot execute the access helpers');

select * from finish();
rollback;
