-- Test helpers in the style of supabase-test-helpers (usebasejump), written for this
-- project and vendored here so the suite never fetches anything. Every test file
-- includes this inside its own transaction (\ir helpers/test_helpers.sql after BEGIN),
-- so the `tests` schema exists only for that file and is rolled back with it.
--
--   tests.create_supabase_user(identifier, email, id, app_metadata) -> uuid
--   tests.get_supabase_uid(identifier) -> uuid
--   tests.authenticate_as(identifier)   role authenticated + the claims the access token
--                                        hook returns for that user (run as supabase_auth_admin)
--   tests.authenticate_as_service_role()
--   tests.act_for(identifier)           as a function acting for a user it verified: the
--                                        service role, with tests.actor() = that user's id
--   tests.actor() -> uuid               the user of the last act_for
--   tests.clear_authentication()        role anon, no claims
--   tests.affected(sql) -> int          rows the statement affected (kept)
--   tests.affected_undo(sql) -> int     rows the statement affected, then undone
--   tests.claims() -> jsonb             the claims currently in force
--   tests.set_claims(jsonb)             replace them (to forge or tamper with a token)

create schema tests;
grant usage on schema tests to public;

create function tests.create_supabase_user(
  identifier text,
  email text default null,
  id uuid default gen_random_uuid(),
  app_metadata jsonb default '{}'::jsonb
) returns uuid
language plpgsql
as $$
declare
  v_email text := coalesce(email, identifier || '@test.local');
begin
  insert into auth.users (id, aud, role, email, email_confirmed_at,
                          confirmation_token, recovery_token, email_change_token_new, email_change,
                          raw_app_meta_data, raw_user_meta_data)
  values (id, 'authenticated', 'authenticated', v_email, now(), '', '', '', '',
          '{"provider": "email", "providers": ["email"]}'::jsonb || app_metadata,
          jsonb_build_object('test_identifier', identifier));
  return id;
end
$$;

create function tests.get_supabase_uid(identifier text) returns uuid
language plpgsql
as $$
declare
  v_id uuid;
begin
  select u.id into v_id from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = identifier;
  if v_id is null then
    raise exception 'tests: no user with identifier %', identifier;
  end if;
  return v_id;
end
$$;

-- The claims GoTrue would put in the token before the hook, for one user.
create function tests.base_claims(p_user auth.users) returns jsonb
language sql
as $$
  select jsonb_build_object(
    'iss', 'http://127.0.0.1:54321/auth/v1',
    'aud', 'authenticated',
    'exp', extract(epoch from now())::bigint + 3600,
    'iat', extract(epoch from now())::bigint,
    'sub', p_user.id,
    'email', p_user.email,
    'phone', '',
    'role', 'authenticated',
    'aal', 'aal1',
    'amr', jsonb_build_array(jsonb_build_object('method', 'password', 'timestamp', extract(epoch from now())::bigint)),
    'session_id', gen_random_uuid(),
    'is_anonymous', false,
    'app_metadata', coalesce(p_user.raw_app_meta_data, '{}'::jsonb),
    'user_metadata', coalesce(p_user.raw_user_meta_data, '{}'::jsonb))
$$;

create function tests.authenticate_as(identifier text) returns void
language plpgsql
as $$
declare
  v_user auth.users;
  v_claims jsonb;
begin
  -- back to the session user (postgres) from whatever role the test switched to
  perform set_config('role', 'postgres', true);
  select * into v_user from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = identifier;
  if v_user.id is null then
    raise exception 'tests: no user with identifier %', identifier;
  end if;
  -- The hook runs as Supabase Auth runs it, so its grants and policies are exercised.
  perform set_config('role', 'supabase_auth_admin', true);
  v_claims := public.custom_access_token_hook(jsonb_build_object(
    'user_id', v_user.id,
    'claims', tests.base_claims(v_user),
    'authentication_method', 'password')) -> 'claims';
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', v_claims::text, true);
end
$$;

create function tests.authenticate_as_service_role() returns void
language plpgsql
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role", "iss": "supabase-demo"}', true);
end
$$;

create function tests.act_for(identifier text) returns void
language plpgsql
as $$
declare
  v_id uuid;
begin
  perform set_config('role', 'postgres', true);
  v_id := tests.get_supabase_uid(identifier);
  perform tests.authenticate_as_service_role();
  perform set_config('tests.actor', v_id::text, true);
end
$$;

create function tests.actor() returns uuid
language sql
stable
as $$
  select nullif(current_setting('tests.actor', true), '')::uuid
$$;

create function tests.clear_authentication() returns void
language plpgsql
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role": "anon", "iss": "supabase-demo"}', true);
end
$$;

create function tests.claims() returns jsonb
language sql
as $$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;

create function tests.set_claims(claims jsonb) returns void
language sql
as $$ select set_config('request.jwt.claims', claims::text, true) $$;

create function tests.affected(sql text) returns integer
language plpgsql
as $$
declare
  n integer;
begin
  execute sql;
  get diagnostics n = row_count;
  return n;
end
$$;

-- Runs sql in a subtransaction, counts the rows it affected, then rolls it back, so
-- allowed writes leave the fixtures as they were for the next assertion.
create function tests.affected_undo(sql text) returns integer
language plpgsql
as $$
declare
  n integer;
begin
  begin
    execute sql;
    get diagnostics n = row_count;
    raise exception using errcode = 'TSTUN', message = 'undo';
  exception when sqlstate 'TSTUN' then
    null;
  end;
  return n;
end
$$;

grant execute on all functions in schema tests to public;
