-- create_tenant(p_name): onboarding. The caller becomes the owner of a new tenant.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(14);

select function_privs_are('public', 'create_tenant', array['text'], 'anon', array[]::text[],
  'anon has no EXECUTE on create_tenant');

select tests.clear_authentication();
select throws_ok($$select create_tenant('Nope Inc')$$, '42501', null, 'create_tenant: anon cannot call it');

-- a signed-in user with no tenant: allowed
select tests.authenticate_as('outsider');
select lives_ok($$create temp table new_tenant as select create_tenant('  Outsider Labs  ') as id$$,
  'create_tenant: a signed-in user with no tenant creates one');
reset role;
select is((select name from public.tenants where id = (select id from new_tenant)), 'Outsider Labs',
  'create_tenant: the name is stored trimmed');
select results_eq(
  $$select tenant_id, role, email from public.users where id = '20000000-0000-0000-0000-0000000000e1'$$,
  $$select id, 'owner'::text, 'outsider@fixture.test'::text from new_tenant$$,
  'create_tenant: the caller is the new tenant''s owner, with their account email');
select is(
  (public.custom_access_token_hook(jsonb_build_object('user_id', '20000000-0000-0000-0000-0000000000e1', 'claims', '{}'::jsonb))
     #>> '{claims,app_metadata,tenant_id}')::uuid,
  (select id from new_tenant),
  'create_tenant: the caller''s next token carries the new tenant');
select tests.authenticate_as('outsider');
select results_eq($$select id from tenants$$, $$select id from new_tenant$$,
  'with the refreshed token the new owner sees their tenant');
select is(tests.affected_undo($$insert into positions (tenant_id, title) select id, 'First role' from new_tenant$$), 1,
  'and may add positions to it');
select throws_ok($$select create_tenant('Second Labs')$$, 'PT409', 'already_member',
  'create_tenant: PT409 already_member for a user who already has a tenant (one tenant per user)');

-- refused callers
select tests.authenticate_as('user_a');
select throws_ok($$select create_tenant('Breakaway')$$, 'PT409', 'already_member',
  'create_tenant: a member of tenant A cannot create another tenant');
select tests.authenticate_as('cand_a');
select throws_ok($$select create_tenant('   ')$$, 'PT400', 'invalid_name', 'create_tenant: PT400 invalid_name for a blank name');
select throws_ok($$select create_tenant(repeat('x', 201))$$, 'PT400', 'invalid_name', 'create_tenant: PT400 invalid_name for a name over 200 characters');
select tests.set_claims('{"role": "authenticated"}');
select throws_ok($$select create_tenant('No one')$$, 'PT401', 'not_authenticated', 'create_tenant: PT401 not_authenticated without a subject');
select tests.authenticate_as_service_role();
select throws_ok($$select create_tenant('Service Co')$$, 'PT401', 'not_authenticated',
  'create_tenant: the service role has no user to make owner (PT401 not_authenticated)');

select * from finish();
rollback;
