-- Foundation: deny-by-default privileges, the `private` schema for policy helpers, and
-- the trigger functions every business table shares.
--
-- Supabase's image grants the Data API roles (anon, authenticated, service_role) ALL on
-- every table and function `postgres` creates in `public`, and PostgreSQL grants EXECUTE
-- on every new function to PUBLIC. We turn both off here, so each later migration grants
-- exactly what it means to: deny by default, grant explicitly.

-- ---------------------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------------------
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated;
-- EXECUTE-to-PUBLIC is a global default, so it can only be revoked globally (not per schema).
-- Caveat: this also holds for functions of extensions that `postgres` creates later; grant
-- EXECUTE on those explicitly if the API roles need them. Every migration still revokes
-- and grants each function explicitly (the hygiene test checks), so this is a safety net.
alter default privileges for role postgres revoke execute on functions from public;

-- ---------------------------------------------------------------------------------------
-- private: helpers that policies and triggers call. PostgREST never exposes this schema
-- (config.toml [api] schemas), so SECURITY DEFINER functions here are not RPC endpoints.
-- ---------------------------------------------------------------------------------------
create schema if not exists private;
comment on schema private is
  'Policy and trigger helpers. Not exposed by the Data API. Functions are callable by the roles whose policies use them.';
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end
$$;
comment on function private.set_updated_at() is
  'BEFORE UPDATE trigger: stamps updated_at, so clients cannot forge it.';
revoke all on function private.set_updated_at() from public, anon, authenticated;
