-- link_candidate_account(p_token): a signed-in candidate redeems an invitation. Every
-- error code of docs/DEVELOPING.md, single use, expiry, and idempotence.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(39);

do $users$
begin
  perform tests.create_supabase_user('newbie', 'newbie@fixture.test');
  perform tests.create_supabase_user('upper', 'Upper.Case@Fixture.TEST');
  perform tests.create_supabase_user('multi', 'multi@fixture.test');
  perform tests.create_supabase_user('prospect_a', 'prospect-a@fixture.test');
end
$users$;

-- invitations made the real way, as admin_a / admin_b; tokens kept in a temp table
create temp table tok (name text primary key, r jsonb);
grant all on tok to anon, authenticated;
select tests.authenticate_as('admin_a');
insert into tok values
  ('newbie', create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'newbie@fixture.test', '50000000-0000-0000-0000-0000000000a1')),
  ('expired', create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'newbie@fixture.test')),
  ('upper', create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'upper.case@fixture.test')),
  ('multi_a', create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'multi@fixture.test', '50000000-0000-0000-0000-0000000000a1')),
  ('prospect', create_candidate_invitation('10000000-0000-0000-0000-0000000000aa', 'prospect-a@fixture.test'));
select tests.authenticate_as('admin_b');
insert into tok values
  ('multi_b', create_candidate_invitation('10000000-0000-0000-0000-0000000000bb', 'multi@fixture.test', '50000000-0000-0000-0000-0000000000b1'));
create function pg_temp.t(p_name text) returns text language sql as $$ select r ->> 'token' from tok where name = p_name $$;
grant execute on function pg_temp.t(text) to anon, authenticated;

-- ---- every refusal -----------------------------------------------------------------
select tests.clear_authentication();
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')), '42501', null,
  'link_candidate_account: anon cannot call it');
select tests.authenticate_as('newbie');
select tests.set_claims(tests.claims() - 'sub');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')), 'PT401', 'not_authenticated',
  'link_candidate_account: PT401 not_authenticated without a signed-in user');
select tests.authenticate_as('newbie');
select throws_ok($$select link_candidate_account('abc')$$, 'PT400', 'invalid_token', 'link_candidate_account: PT400 invalid_token (too short)');
select throws_ok(format('select link_candidate_account(%L)', repeat('g', 64)), 'PT400', 'invalid_token', 'link_candidate_account: PT400 invalid_token (not hex)');
select throws_ok($$select link_candidate_account(null)$$, 'PT400', 'invalid_token', 'link_candidate_account: PT400 invalid_token (NULL)');
select throws_ok(format('select link_candidate_account(%L)', repeat('ab', 32)), 'PT404', 'invitation_not_found',
  'link_candidate_account: PT404 invitation_not_found for a well-formed unknown token');
select tests.authenticate_as('outsider');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')), 'PT403', 'email_mismatch',
  'link_candidate_account: PT403 email_mismatch when the signed-in email is not the invited one');
-- An unconfirmed account with the invited address (a sign-up by whoever holds a leaked
-- token) is refused; once the address is confirmed, the same account may link.
reset role;
update auth.users set email_confirmed_at = null where email = 'newbie@fixture.test';
select tests.authenticate_as('newbie');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')), 'PT403', 'email_not_confirmed',
  'link_candidate_account: PT403 email_not_confirmed when the invited address is not confirmed');
reset role;
select is((select used_at from public.interview_invitations
           where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'newbie')), null,
  'link_candidate_account: a refused unconfirmed account leaves the invitation unused');
select is((select auth_id from public.candidates where email = 'newbie@fixture.test'), null,
  'link_candidate_account: a refused unconfirmed account is not linked');
update auth.users set email_confirmed_at = now() where email = 'newbie@fixture.test';
select tests.authenticate_as('newbie');
select tests.set_claims(jsonb_set(tests.claims(), '{email}', '"outsider@fixture.test"'));
select lives_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')),
  'the email is the account''s (auth.users), not a claim: a different email claim does not matter');
reset role;
update public.candidates set auth_id = null, auth_email = null where email = 'newbie@fixture.test';
update public.interview_invitations set used_at = null, used_by = null
where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'newbie');

-- expiry, boundary included (now() is fixed inside the test's transaction)
update public.interview_invitations set expires_at = now()
where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'expired');
select tests.authenticate_as('newbie');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('expired')), 'PT410', 'invitation_expired',
  'link_candidate_account: PT410 invitation_expired at the expiry instant');
reset role;
update public.interview_invitations set expires_at = now() - interval '1 day'
where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'expired');
select tests.authenticate_as('newbie');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('expired')), 'PT410', 'invitation_expired',
  'link_candidate_account: PT410 invitation_expired a day after');
reset role;
update public.interview_invitations set expires_at = now() + interval '1 microsecond', revoked_at = now()
where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'expired');
select tests.authenticate_as('newbie');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('expired')), 'PT410', 'invitation_expired',
  'link_candidate_account: a revoked invitation is PT410 invitation_expired');
reset role;
update public.interview_invitations set revoked_at = null
where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'expired');
select tests.authenticate_as('newbie');
select lives_ok(format('select link_candidate_account(%L)', pg_temp.t('expired')),
  'an invitation a microsecond before expiry still works');

-- ---- the happy path ------------------------------------------------------------------
select tests.authenticate_as('newbie');
select is(link_candidate_account(pg_temp.t('newbie')),
  (select jsonb_build_object('candidate_id', r -> 'candidate_id', 'tenant_id', '10000000-0000-0000-0000-0000000000aa', 'session_id', r -> 'session_id')
   from tok where name = 'newbie'),
  'link_candidate_account: returns {candidate_id, tenant_id, session_id}');
reset role;
select results_eq(
  $$select auth_id, auth_email from public.candidates where id = (select (r ->> 'candidate_id')::uuid from tok where name = 'newbie')$$,
  $$values ((select id from auth.users where email = 'newbie@fixture.test'), 'newbie@fixture.test'::text)$$,
  'the candidate record is linked to the account');
select results_eq(
  $$select used_at, used_by from public.interview_invitations where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'newbie')$$,
  $$values (now(), (select id from auth.users where email = 'newbie@fixture.test'))$$,
  'the invitation is marked used, by this account');
select is(
  (select last_interaction from public.candidate_tenants
   where candidate_id = (select (r ->> 'candidate_id')::uuid from tok where name = 'newbie')
     and tenant_id = '10000000-0000-0000-0000-0000000000aa'),
  now(), 'the tenant link records the interaction');
select tests.authenticate_as('newbie');
select results_eq($$select id from interview_sessions$$,
  $$select (r ->> 'session_id')::uuid from tok where name = 'newbie'$$,
  'right after linking, the candidate sees their session');
select results_eq($$select session_id, organization_name from candidate_sessions()$$,
  $$select (r ->> 'session_id')::uuid, 'Fixture Tenant A'::text from tok where name = 'newbie'$$,
  'and, through candidate_sessions(), the name of the tenant that invited them');
select is_empty($$select id from tenants$$,
  'but no tenants row: a candidate reads the names through candidate_sessions() only');
select is(tests.claims() -> 'app_metadata' -> 'is_candidate', 'true'::jsonb,
  'their next token says is_candidate');

-- idempotent for the same user, even once expired
reset role;
create temp table writes_before as
select count(*) as n from public.audit_log
where row_id = (select r ->> 'invitation_id' from tok where name = 'newbie')
  and actor_id = (select id from auth.users where email = 'newbie@fixture.test') and actor_role = 'authenticated';
select tests.authenticate_as('newbie');
select is(link_candidate_account(pg_temp.t('newbie')) ->> 'candidate_id',
  (select r ->> 'candidate_id' from tok where name = 'newbie'),
  'link_candidate_account: the same user again gets the same answer (idempotent)');
reset role;
update public.interview_invitations set expires_at = now() - interval '1 day'
where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'newbie');
select tests.authenticate_as('newbie');
select lives_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')),
  'link_candidate_account: idempotent for the same user even after the expiry');
select lives_ok(format('select link_candidate_account(%L)', upper(pg_temp.t('newbie'))),
  'tokens are accepted in either case');
reset role;
select is((select count(*) from public.audit_log
           where row_id = (select r ->> 'invitation_id' from tok where name = 'newbie')
             and actor_id = (select id from auth.users where email = 'newbie@fixture.test') and actor_role = 'authenticated'),
  (select n from writes_before),
  'repeating the link wrote nothing (the candidate made no new change to the invitation)');

-- single use: another account with the token
select tests.authenticate_as('outsider');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')), 'PT409', 'invitation_used',
  'link_candidate_account: PT409 invitation_used for another user''s token');
select tests.authenticate_as('cand_a');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('newbie')), 'PT409', 'invitation_used',
  'link_candidate_account: PT409 invitation_used, whoever the other user is');

-- the candidate record already belongs to another account
reset role;
update public.candidates set auth_id = '20000000-0000-0000-0000-0000000000e1' where id = '40000000-0000-0000-0000-0000000000a9';
select tests.authenticate_as('prospect_a');
select throws_ok(format('select link_candidate_account(%L)', pg_temp.t('prospect')), 'PT409', 'candidate_already_linked',
  'link_candidate_account: PT409 candidate_already_linked when the record is another account''s');
reset role;
select is((select used_at from public.interview_invitations where id = (select (r ->> 'invitation_id')::uuid from tok where name = 'prospect')),
  null, 'a refused link leaves the invitation unused');

-- emails compare case-insensitively
select tests.authenticate_as('upper');
select lives_ok(format('select link_candidate_account(%L)', pg_temp.t('upper')),
  'an account email in another case matches the invitation');

-- one person, two tenants, one account
select tests.authenticate_as('multi');
select lives_ok(format('select link_candidate_account(%L)', pg_temp.t('multi_a')), 'multi accepts A''s invitation');
select lives_ok(format('select link_candidate_account(%L)', pg_temp.t('multi_b')), 'multi accepts B''s invitation');
select is((select count(distinct tenant_id)::int from candidates), 2,
  'multi now sees their two candidate records, one per tenant');
select results_eq($$select tenant_id from interview_sessions order by tenant_id$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid), ('10000000-0000-0000-0000-0000000000bb'::uuid)$$,
  'and their sessions in both tenants');
select is_empty($$select id from candidates where email <> 'multi@fixture.test'$$, 'and no one else''s records');

reset role;
select ok(not has_function_privilege('anon', 'public.link_candidate_account(text)', 'execute'), 'anon may not execute it');
select ok(has_function_privilege('authenticated', 'public.link_candidate_account(text)', 'execute'), 'signed-in users may');

select * from finish();
rollback;
