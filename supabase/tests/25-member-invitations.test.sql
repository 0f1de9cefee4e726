-- member_invitations and the two RPCs through which members join a tenant:
-- create_member_invitation (owners and admins) and accept_member_invitation (the invitee,
-- signed in with the invited address, confirmed). Across tenants A and B: who may invite,
-- read and revoke, and every way accepting is refused.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(38);

-- Invitees: signed in, in no tenant. joiner's address is confirmed, unconfirmed's is not.
do $$ begin
  perform tests.create_supabase_user('joiner', 'joiner@fixture.test', '20000000-0000-0000-0000-0000000000e2');
  perform tests.create_supabase_user('unconfirmed', 'unconfirmed@fixture.test', '20000000-0000-0000-0000-0000000000e3');
  perform tests.create_supabase_user('late', 'late@fixture.test', '20000000-0000-0000-0000-0000000000e4');
end $$;
update auth.users set email_confirmed_at = null where id = '20000000-0000-0000-0000-0000000000e3';

select policies_are('public', 'member_invitations', array[
  'Owners and admins can read their tenant''s member invitations',
  'Owners and admins can revoke their tenant''s member invitations'],
  'member_invitations has exactly the policies below');

-- ---- creating -----------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select * from create_member_invitation('joiner@fixture.test', 'user')$$, '42501', null,
  'anon cannot invite');

select tests.authenticate_as('user_a');
select throws_ok($$select * from create_member_invitation('joiner@fixture.test', 'user')$$, 'PT403', 'forbidden',
  'a user (role user) cannot invite');
select tests.authenticate_as('cand_a');
select throws_ok($$select * from create_member_invitation('joiner@fixture.test', 'user')$$, 'PT403', 'forbidden',
  'a candidate cannot invite');

select tests.authenticate_as('admin_a');
select throws_ok($$select * from create_member_invitation('joiner@fixture.test', 'owner')$$, 'PT403', 'forbidden',
  'an admin cannot invite an owner');
select throws_ok($$select * from create_member_invitation('not an address', 'user')$$, 'PT400', 'invalid_email',
  'an address that is not one is refused');
select throws_ok($$select * from create_member_invitation('joiner@fixture.test', 'superuser')$$, 'PT400', 'invalid_role',
  'a role that does not exist is refused');
select throws_ok($$select * from create_member_invitation('USER-A@fixture.test', 'user')$$, 'PT409', 'already_member',
  'an address that is already a member of the tenant is refused (case-insensitively)');
select throws_ok($$insert into member_invitations (tenant_id, email, role, token_hash, expires_at) values ('10000000-0000-0000-0000-0000000000aa', 'x@fixture.test', 'owner', sha256('x'), now() + interval '1 day')$$, '42501', null,
  'an invitation is not inserted through the Data API (the token hash would be chosen by the caller)');

select lives_ok($$select set_config('tests.first_token', (select token from create_member_invitation(' Joiner@Fixture.test ', 'admin')), true)$$,
  'admin_a invites joiner to A as an admin');
select lives_ok($$select set_config('tests.token_a', (select token from create_member_invitation('joiner@fixture.test', 'admin')), true)$$,
  'admin_a invites joiner again (a retried request)');
select results_eq($$select count(*)::int from member_invitations where email = 'joiner@fixture.test' and revoked_at is null$$,
  array[1], 'inviting again leaves one open invitation: the first is revoked');
select isnt(current_setting('tests.first_token'), current_setting('tests.token_a'), 'and the new one has a new token');
select throws_ok($$select token_hash from member_invitations$$, '42501', null,
  'nobody reads a token hash through the Data API');

select tests.authenticate_as('owner_b');
select lives_ok($$select set_config('tests.token_b', (select token from create_member_invitation('joiner@fixture.test', 'user')), true)$$,
  'owner_b invites joiner to B');

-- ---- reading and revoking -------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select tenant_id, email, role from member_invitations where revoked_at is null$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid, 'joiner@fixture.test', 'admin')$$,
  'Owners and admins can read their tenant''s member invitations: owner_a sees A''s open one, not B''s');
select tests.authenticate_as('user_a');
select is_empty($$select id from member_invitations$$,
  'Owners and admins can read their tenant''s member invitations: user_a (role user) sees none');
select tests.authenticate_as('joiner');
select is_empty($$select id from member_invitations$$,
  'Owners and admins can read their tenant''s member invitations: the invitee sees none');
select tests.authenticate_as('admin_b');
select is(tests.affected_undo($$update member_invitations set revoked_at = now() where revoked_at is null$$), 1,
  'Owners and admins can revoke their tenant''s member invitations: admin_b revokes B''s, not A''s');
select tests.authenticate_as('user_b');
select is(tests.affected_undo($$update member_invitations set revoked_at = now() where revoked_at is null$$), 0,
  'Owners and admins can revoke their tenant''s member invitations: user_b (role user) revokes nothing');
select tests.authenticate_as('owner_a');
select throws_ok($$update member_invitations set role = 'owner'$$, '42501', null,
  'an invitation''s role is not editable: only revoked_at is');

-- ---- accepting ------------------------------------------------------------------------
select tests.authenticate_as('joiner');
select throws_ok($$select accept_member_invitation('not-a-token')$$, 'PT400', 'invalid_token',
  'a malformed token is refused');
select throws_ok($$select accept_member_invitation(repeat('ab', 32))$$, 'PT404', 'invitation_not_found',
  'an unknown token is refused');
select throws_ok($$select accept_member_invitation(current_setting('tests.first_token'))$$, 'PT404', 'invitation_not_found',
  'a replaced (revoked) token is refused');

select tests.authenticate_as('outsider');
select throws_ok($$select accept_member_invitation(current_setting('tests.token_a'))$$, 'PT403', 'email_mismatch',
  'another account holding the token cannot accept it');

select tests.authenticate_as('admin_a');
select lives_ok($$select set_config('tests.token_unconfirmed', (select token from create_member_invitation('unconfirmed@fixture.test', 'user')), true)$$,
  'admin_a invites an address whose owner has not confirmed it');
select tests.authenticate_as('unconfirmed');
select throws_ok($$select accept_member_invitation(current_setting('tests.token_unconfirmed'))$$, 'PT403', 'email_not_confirmed',
  'an unconfirmed address cannot accept (whoever registered it first does not get in)');

select tests.authenticate_as('user_b');
select throws_ok($$select accept_member_invitation(current_setting('tests.token_b'))$$, 'PT403', 'email_mismatch',
  'a member of B cannot take joiner''s invitation to B');

select tests.authenticate_as('joiner');
select is(accept_member_invitation(upper(current_setting('tests.token_a'))), '10000000-0000-0000-0000-0000000000aa'::uuid,
  'joiner accepts the invitation to A and gets A back');
select is(accept_member_invitation(current_setting('tests.token_a')), '10000000-0000-0000-0000-0000000000aa'::uuid,
  'accepting again as the same account is not an error and changes nothing');
reset role;
select results_eq($$select tenant_id, role, email from public.users where id = '20000000-0000-0000-0000-0000000000e2'$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid, 'admin', 'joiner@fixture.test')$$,
  'joiner is a member of A with the invited role, once');
select isnt((select accepted_at from public.member_invitations where tenant_id = '10000000-0000-0000-0000-0000000000aa' and accepted_by = '20000000-0000-0000-0000-0000000000e2'), null,
  'the invitation records who accepted it');
select tests.authenticate_as('joiner');
select throws_ok($$select accept_member_invitation(current_setting('tests.token_b'))$$, 'PT409', 'already_member',
  'a member of A cannot also join B (one tenant per account)');

-- a used invitation is refused to anyone else; an expired one to its invitee
select tests.authenticate_as('user_b');
select throws_ok($$select accept_member_invitation(current_setting('tests.token_a'))$$, 'PT409', 'invitation_used',
  'an accepted invitation cannot be accepted by another account');

select tests.authenticate_as('owner_b');
select lives_ok($$select set_config('tests.token_late', (select token from create_member_invitation('late@fixture.test', 'user')), true)$$,
  'owner_b invites late');
reset role;
update public.member_invitations set expires_at = now() - interval '1 second' where email = 'late@fixture.test';
select tests.authenticate_as('late');
select throws_ok($$select accept_member_invitation(current_setting('tests.token_late'))$$, 'PT410', 'invitation_expired',
  'an expired invitation is refused');
select is_empty($$select 1 from public.users where id = '20000000-0000-0000-0000-0000000000e4'$$,
  'and leaves no membership behind');

select tests.clear_authentication();
select throws_ok($$select accept_member_invitation(current_setting('tests.token_late'))$$, '42501', null,
  'anon cannot accept');

select * from finish();
rollback;
