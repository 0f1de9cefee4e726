-- record_session_consent(p_session_id, p_consent, p_ai_opt_out): the candidate records
-- consent and/or AI opt-out on their own open session, once, and nothing more.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(22);

-- a2: cand_ab in A, invited, no consent yet. b2: cand_ab in B, in progress.
select tests.clear_authentication();
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2')$$, '42501', null,
  'record_session_consent: anon cannot call it');
select tests.authenticate_as('cand_ab');
select tests.set_claims(tests.claims() - 'sub');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2')$$, 'PT401', 'not_authenticated',
  'record_session_consent: PT401 without a signed-in user');

select tests.authenticate_as('cand_a');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2')$$, 'PT404', 'session_not_found',
  'record_session_consent: another candidate''s session is PT404 session_not_found');
select tests.authenticate_as('owner_a');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2')$$, 'PT404', 'session_not_found',
  'record_session_consent: tenant staff cannot record a candidate''s consent');
select tests.authenticate_as('outsider');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2')$$, 'PT404', 'session_not_found',
  'record_session_consent: a signed-in stranger gets PT404');
select tests.authenticate_as('cand_ab');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000ff')$$, 'PT404', 'session_not_found',
  'record_session_consent: an unknown session is PT404');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2', false, false)$$, 'PT400', 'nothing_to_record',
  'record_session_consent: PT400 nothing_to_record when neither is given');
reset role;
select is((select consent_given_at from public.interview_sessions where id = '80000000-0000-0000-0000-0000000000a2'), null,
  'refused calls recorded nothing');

-- consent
select tests.authenticate_as('cand_ab');
select is((record_session_consent('80000000-0000-0000-0000-0000000000a2') - 'consent_given_at'),
  jsonb_build_object('session_id', '80000000-0000-0000-0000-0000000000a2', 'status', 'invited', 'ai_opt_out_at', null),
  'record_session_consent: cand_ab consents on their session in A; it answers session, status and both stamps');
reset role;
select is((select consent_given_at from public.interview_sessions where id = '80000000-0000-0000-0000-0000000000a2'), now(),
  'consent is stamped with the server''s clock');
select is((select ai_opt_out_at from public.interview_sessions where id = '80000000-0000-0000-0000-0000000000a2'), null,
  'consent alone does not opt out of AI');
select tests.clear_authentication();  -- as postgres without cand_ab's claims, past the guard trigger
reset role;
update public.interview_sessions set consent_given_at = '2001-01-01' where id = '80000000-0000-0000-0000-0000000000a2';
select tests.authenticate_as('cand_ab');
select is((record_session_consent('80000000-0000-0000-0000-0000000000a2') ->> 'consent_given_at')::timestamptz, '2001-01-01'::timestamptz,
  'record_session_consent: consenting again keeps the first timestamp (a retry is harmless)');

-- AI opt-out
select is((record_session_consent('80000000-0000-0000-0000-0000000000a2', false, true) ->> 'ai_opt_out_at')::timestamptz, now(),
  'record_session_consent: cand_ab opts out of AI assessment');
select is((record_session_consent('80000000-0000-0000-0000-0000000000a2', false, true) ->> 'ai_opt_out_at')::timestamptz, now(),
  'record_session_consent: opting out again is idempotent');
select is((record_session_consent('80000000-0000-0000-0000-0000000000a2', false, true) ->> 'consent_given_at')::timestamptz, '2001-01-01'::timestamptz,
  'record_session_consent: p_consent = false does not withdraw the recorded consent');
reset role;
select is((select status from public.interview_sessions where id = '80000000-0000-0000-0000-0000000000a2'), 'invited',
  'recording consent changes no status');

-- both at once, in B; then B's session completes
select tests.authenticate_as('cand_ab');
select isnt((record_session_consent('80000000-0000-0000-0000-0000000000b2', true, true) ->> 'ai_opt_out_at'), null,
  'record_session_consent: consent and opt-out together, on their in-progress session in B');
select tests.clear_authentication();
reset role;
update public.interview_sessions set status = 'completed' where id = '80000000-0000-0000-0000-0000000000b2';
update public.interview_sessions set status = 'cancelled' where id = '80000000-0000-0000-0000-0000000000a2';
select tests.authenticate_as('cand_ab');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000b2')$$, 'PT409', 'session_closed',
  'record_session_consent: PT409 session_closed on a completed session');
select throws_ok($$select record_session_consent('80000000-0000-0000-0000-0000000000a2', false, true)$$, 'PT409', 'session_closed',
  'record_session_consent: PT409 session_closed on a cancelled session');

-- it is the only narrow door: a candidate still cannot change anything else directly
select throws_ok($$update interview_sessions set scheduled_at = now() where id = '80000000-0000-0000-0000-0000000000a2'$$, '42501', null,
  'a candidate cannot reschedule through the table');

reset role;
select ok(has_function_privilege('authenticated', 'public.record_session_consent(uuid, boolean, boolean)', 'execute'), 'signed-in users may call it');
select ok(not has_function_privilege('anon', 'public.record_session_consent(uuid, boolean, boolean)', 'execute'), 'anon may not');

select * from finish();
rollback;
