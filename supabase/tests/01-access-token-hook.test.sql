-- The custom access token hook, called as Supabase Auth calls it (role
-- supabase_auth_admin) with GoTrue-shaped events: what app_metadata says for each kind
-- of user, and that nothing else in the token changes.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(26);

-- an event for a user as GoTrue builds it, with forged app_metadata keys mixed in
create function pg_temp.event(p_user uuid) returns jsonb language sql as $$
  select jsonb_build_object(
    'user_id', p_user,
    'authentication_method', 'password',
    'claims', tests.base_claims(u) || jsonb_build_object(
      'app_metadata', coalesce(u.raw_app_meta_data, '{}'::jsonb)
                      || '{"tenant_id": "10000000-0000-0000-0000-0000000000bb", "role": "owner", "is_candidate": true}'::jsonb))
  from auth.users u where u.id = p_user
$$;
create function pg_temp.app(p_user uuid) returns jsonb language sql as $$
  select public.custom_access_token_hook(pg_temp.event(p_user)) -> 'claims' -> 'app_metadata'
$$;
grant execute on all functions in schema pg_temp to supabase_auth_admin;

-- one user who is both: admin_b, linked to a candidate record of tenant A
update public.candidates set auth_id = '20000000-0000-0000-0000-0000000000b2'
where id = '40000000-0000-0000-0000-0000000000a9';

set local role supabase_auth_admin;

select is(pg_temp.app('20000000-0000-0000-0000-0000000000a1'),
  '{"provider": "email", "providers": ["email"], "tenant_id": "10000000-0000-0000-0000-0000000000aa", "role": "owner"}'::jsonb,
  'owner of A: app_metadata has tenant A and role owner, nothing forged survives');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000a2') - 'provider' - 'providers',
  '{"tenant_id": "10000000-0000-0000-0000-0000000000aa", "role": "admin"}'::jsonb,
  'admin of A: tenant A, role admin');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000a3') - 'provider' - 'providers',
  '{"tenant_id": "10000000-0000-0000-0000-0000000000aa", "role": "user"}'::jsonb,
  'user of A: tenant A, role user');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000b3') - 'provider' - 'providers',
  '{"tenant_id": "10000000-0000-0000-0000-0000000000bb", "role": "user"}'::jsonb,
  'user of B: tenant B, role user');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000c1') - 'provider' - 'providers',
  '{"is_candidate": true}'::jsonb,
  'candidate of A: is_candidate only, no tenant claims');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000c2') - 'provider' - 'providers',
  '{"is_candidate": true}'::jsonb,
  'candidate of A and B: is_candidate only (tenants come from candidate_tenants, not the token)');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000b2') - 'provider' - 'providers',
  '{"tenant_id": "10000000-0000-0000-0000-0000000000bb", "role": "admin", "is_candidate": true}'::jsonb,
  'a tenant member who is also a candidate gets both');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000e1') - 'provider' - 'providers',
  '{}'::jsonb,
  'a user who is neither gets neither (forged keys removed)');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000e1') ->> 'provider', 'email',
  'other app_metadata keys (provider) are kept');

select is(
  (public.custom_access_token_hook(e.ev) -> 'claims') - 'app_metadata',
  (e.ev -> 'claims') - 'app_metadata',
  'every claim outside app_metadata (iss, aud, exp, iat, sub, email, phone, role, aal, amr, session_id, is_anonymous) is returned unchanged')
from (select pg_temp.event('20000000-0000-0000-0000-0000000000a1') as ev) e;
select is(
  (select array_agg(k order by k) from jsonb_object_keys(public.custom_access_token_hook(pg_temp.event('20000000-0000-0000-0000-0000000000a1'))) k),
  array['claims'],
  'the hook answers {claims: ...} and nothing else');
select is(
  public.custom_access_token_hook(pg_temp.event('20000000-0000-0000-0000-0000000000a1')) #>> '{claims,role}',
  'authenticated',
  'the top-level role claim stays authenticated (the tenant role lives in app_metadata)');
select is(
  public.custom_access_token_hook(jsonb_build_object('user_id', '20000000-0000-0000-0000-0000000000a3',
    'claims', jsonb_build_object('sub', '20000000-0000-0000-0000-0000000000a3', 'role', 'authenticated'))) #> '{claims,app_metadata}',
  '{"tenant_id": "10000000-0000-0000-0000-0000000000aa", "role": "user"}'::jsonb,
  'an event without app_metadata gets one');

-- demotion, removal and linking show up in the next token
reset role;
update public.users set role = 'user' where id = '20000000-0000-0000-0000-0000000000a2';
delete from public.users where id = '20000000-0000-0000-0000-0000000000b3';
update public.candidates set auth_id = null where id = '40000000-0000-0000-0000-0000000000a1';
set local role supabase_auth_admin;
select is(pg_temp.app('20000000-0000-0000-0000-0000000000a2') ->> 'role', 'user',
  'a demoted admin''s next token says user');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000b3') - 'provider' - 'providers', '{}'::jsonb,
  'a removed member''s next token has no tenant');
select is(pg_temp.app('20000000-0000-0000-0000-0000000000c1') - 'provider' - 'providers', '{}'::jsonb,
  'an unlinked candidate''s next token is not a candidate''s');

-- the hook role's own policies: memberships, and which accounts are candidates, no more
select is((select count(*)::int from public.users where id::text like '20000000-%'), 5,
  'The auth service can read memberships to issue tokens: supabase_auth_admin reads every membership (5 left here)');
select results_eq($$select id from public.candidates where id::text like '40000000-%' order by id$$,
  $$values ('40000000-0000-0000-0000-0000000000a2'::uuid), ('40000000-0000-0000-0000-0000000000a9'::uuid), ('40000000-0000-0000-0000-0000000000b2'::uuid)$$,
  'The auth service can see which accounts are candidates: only linked records, not prospects');

-- who may call it
reset role;
select ok(has_function_privilege('supabase_auth_admin', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'supabase_auth_admin may execute the hook');
select ok(has_column_privilege('supabase_auth_admin', 'public.users', 'tenant_id', 'select')
          and has_column_privilege('supabase_auth_admin', 'public.users', 'role', 'select'),
  'supabase_auth_admin may read users'' tenant and role (for the hook)');
select ok(not has_column_privilege('supabase_auth_admin', 'public.candidates', 'resume_text', 'select'),
  'supabase_auth_admin may not read candidates'' personal data, only id and auth_id');
select ok(not has_table_privilege('supabase_auth_admin', 'public.positions', 'select'),
  'supabase_auth_admin may not read business tables the hook does not need');
select tests.authenticate_as('owner_a');
select throws_ok($$select public.custom_access_token_hook('{"user_id": "20000000-0000-0000-0000-0000000000a1", "claims": {}}')$$,
  '42501', null, 'a signed-in user cannot call the hook to mint their own claims');
select tests.clear_authentication();
select throws_ok($$select public.custom_access_token_hook('{"user_id": "20000000-0000-0000-0000-0000000000a1", "claims": {}}')$$,
  '42501', null, 'anon cannot call the hook');

-- the test helper hands out exactly the hook's claims
select tests.authenticate_as('admin_a');
select is(tests.claims() -> 'app_metadata' ->> 'role', 'user',
  'tests.authenticate_as uses the hook''s claims (admin_a, demoted above, is a user)');
select is(tests.claims() ->> 'sub', '20000000-0000-0000-0000-0000000000a2',
  'tests.authenticate_as sets sub to the user id');

select * from finish();
rollback;
