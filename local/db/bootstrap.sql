-- local/db/bootstrap.sql: the platform objects that Supabase's Postgres image provides and
-- that our migrations rely on, recreated for the Docker-free local database.
--
-- LOCAL ONLY. `scripts/db.sh` applies this file as the superuser `supabase_admin` before
-- the migrations; it is never pushed to a real Supabase project (which already has all of
-- this, owned by `supabase_admin`). It is idempotent: run it as often as you like.
--
-- The roles are a hosted project's: `supabase_admin` is the only superuser; `postgres`,
-- which runs the migrations, the seed and the pgTAP suite, is NOSUPERUSER with what
-- Supabase's image gives it (membership of the API roles and of supabase_auth_admin and
-- supabase_storage_admin, all privileges on the auth tables, SET on
-- session_replication_role), so SQL that only a superuser may run fails here as it would
-- on Supabase.
--
-- What is here, and only because something needs it:
--   roles      anon, authenticated, service_role, authenticator (PostgREST logs in as it
--              and SET ROLEs), supabase_auth_admin (runs the custom access token hook),
--              supabase_storage_admin, dashboard_user
--   schemas    extensions (pgcrypto, uuid-ossp, pgtap), auth, storage
--   auth       users (the GoTrue columns our code and tests touch), and identities,
--              sessions, refresh_tokens, mfa_amr_claims for the local Auth stand-in
--              (local/auth); uid(), role(), email(), jwt() reading the request.jwt.*
--              settings PostgREST sets
--   storage    buckets, objects (RLS on), foldername(), filename(), extension()
--   realtime   the empty `supabase_realtime` publication that migrations add tables to
--   grants     the default privileges Supabase sets on `public` for the API roles
-- Deliberately absent: GoTrue's other tables (MFA factors, SSO, flow state, ...), storage's
-- migrations/search functions, the realtime schema, pg_graphql, pgsodium/vault.

\set ON_ERROR_STOP on
set client_min_messages = warning;

-- ---------------------------------------------------------------------------------------
-- Roles (cluster-wide, so they survive `db.sh reset`; each is created only if missing and
-- then brought to the expected attributes).
-- ---------------------------------------------------------------------------------------
do $roles$
declare
  r record;
begin
  for r in
    select * from (values
      -- name, attributes applied every run
      ('anon',                   'nologin noinherit'),
      ('authenticated',          'nologin noinherit'),
      ('service_role',           'nologin noinherit bypassrls'),
      ('authenticator',          'login noinherit password ''postgres'''),
      ('supabase_auth_admin',    'login noinherit createrole password ''postgres'''),
      ('supabase_storage_admin', 'login noinherit createrole password ''postgres'''),
      ('dashboard_user',         'nologin createrole createdb replication'),
      ('postgres',               'login nosuperuser createdb createrole replication bypassrls inherit password ''postgres''')
    ) as v(name, attrs)
  loop
    if not exists (select 1 from pg_catalog.pg_roles where rolname = r.name) then
      execute format('create role %I', r.name);
    end if;
    execute format('alter role %I with %s', r.name, r.attrs);
  end loop;
end
$roles$;

-- PostgREST connects as authenticator and switches to one of these per request.
grant anon, authenticated, service_role to authenticator;
-- What Supabase's image grants `postgres` in place of superuser: the API roles (tests and
-- the SQL editor SET ROLE to them), the owners of the auth and storage tables (triggers
-- on auth.users, policies on storage.objects), and disabling triggers for a restore.
grant anon, authenticated, service_role to postgres with admin option;
grant supabase_auth_admin, supabase_storage_admin to postgres;
grant set on parameter session_replication_role to postgres;
-- The storage API does the same from its own login.
grant anon, authenticated, service_role to supabase_storage_admin;

-- Supabase's image sets these on its roles; PostgREST adds its own per-request path.
alter role postgres set search_path = "$user", public, extensions;
alter role authenticator set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;
-- PostgREST's statement timeouts, as on a hosted project.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- ---------------------------------------------------------------------------------------
-- Extensions live in their own schema, as on Supabase.
-- ---------------------------------------------------------------------------------------
create schema if not exists extensions;
grant usage on schema extensions to public;
grant usage on schema extensions to postgres, anon, authenticated, service_role, dashboard_user;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgtap with schema extensions;
-- `supabase db lint` creates plpgsql_check if it is missing, which only a superuser may
-- do here (a hosted project's postgres may, through the platform's extension allow-list).
create extension if not exists plpgsql_check with schema extensions;

-- ---------------------------------------------------------------------------------------
-- auth: what GoTrue owns on Supabase. Only the columns that matter to us and the ones a
-- GoTrue-shaped insert from a test or seed would fill.
-- ---------------------------------------------------------------------------------------
create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role, postgres, dashboard_user;

create table if not exists auth.users (
  instance_id                 uuid,
  id                          uuid primary key,
  aud                         varchar(255),
  role                        varchar(255),
  email                       varchar(255),
  encrypted_password          varchar(255),
  email_confirmed_at          timestamptz,
  invited_at                  timestamptz,
  confirmation_token          varchar(255),
  confirmation_sent_at        timestamptz,
  recovery_token              varchar(255),
  recovery_sent_at            timestamptz,
  email_change_token_new      varchar(255),
  email_change                varchar(255),
  email_change_sent_at        timestamptz,
  last_sign_in_at             timestamptz,
  raw_app_meta_data           jsonb,
  raw_user_meta_data          jsonb,
  is_super_admin              boolean,
  created_at                  timestamptz default now(),
  updated_at                  timestamptz default now(),
  phone                       text unique default null,
  phone_confirmed_at          timestamptz,
  phone_change                text default '',
  phone_change_token          varchar(255) default '',
  phone_change_sent_at        timestamptz,
  confirmed_at                timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current  varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until                timestamptz,
  reauthentication_token      varchar(255) default '',
  reauthentication_sent_at    timestamptz,
  is_sso_user                 boolean not null default false,
  deleted_at                  timestamptz,
  is_anonymous                boolean not null default false
);
alter table auth.users owner to supabase_auth_admin;
-- GoTrue enforces one non-SSO account per email with a partial unique index like this one.
create unique index if not exists users_email_partial_key on auth.users (email) where (is_sso_user = false);
create index if not exists users_instance_id_email_idx on auth.users (instance_id, lower(email));
comment on table auth.users is 'LOCAL STAND-IN for GoTrue''s auth.users (subset of columns). Not a migration.';
grant all on table auth.users to postgres, dashboard_user, service_role;

-- What the local Auth stand-in (local/auth) keeps besides users, with Supabase Auth's
-- names and types for the columns it uses: the email identity of each user, the sessions,
-- their refresh tokens (rotated; the parent kept to detect reuse) and the sign-in methods
-- of each session (the tokens' `amr`).
create table if not exists auth.identities (
  provider_id     text not null,
  user_id         uuid not null references auth.users (id) on delete cascade,
  identity_data   jsonb not null,
  provider        text not null,
  last_sign_in_at timestamptz,
  created_at      timestamptz,
  updated_at      timestamptz,
  email           text generated always as (lower(identity_data ->> 'email')) stored,
  id              uuid not null default gen_random_uuid() primary key,
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);

do $aal$
begin
  if not exists (select 1 from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'auth' and t.typname = 'aal_level') then
    create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
  end if;
end
$aal$;

create table if not exists auth.sessions (
  id           uuid not null primary key,
  user_id      uuid not null references auth.users (id) on delete cascade,
  created_at   timestamptz,
  updated_at   timestamptz,
  factor_id    uuid,
  aal          auth.aal_level,
  not_after    timestamptz,
  refreshed_at timestamp without time zone,
  user_agent   text,
  ip           inet,
  tag          text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id          bigserial primary key,
  token       varchar(255) unique,
  user_id     varchar(255),
  revoked     boolean,
  created_at  timestamptz,
  updated_at  timestamptz,
  parent      varchar(255),
  session_id  uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);

create table if not exists auth.mfa_amr_claims (
  session_id            uuid not null references auth.sessions (id) on delete cascade,
  created_at            timestamptz not null,
  updated_at            timestamptz not null,
  authentication_method text not null,
  id                    uuid not null primary key,
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

alter table auth.identities owner to supabase_auth_admin;
alter table auth.sessions owner to supabase_auth_admin;
alter table auth.refresh_tokens owner to supabase_auth_admin;
alter sequence auth.refresh_tokens_id_seq owner to supabase_auth_admin;
alter table auth.mfa_amr_claims owner to supabase_auth_admin;
alter type auth.aal_level owner to supabase_auth_admin;
grant all on table auth.identities, auth.sessions, auth.refresh_tokens, auth.mfa_amr_claims
  to postgres, dashboard_user;

-- The hashes of the links and codes Auth mails (sign-up, invite, magic link, recovery),
-- one per user and kind, as Supabase Auth keeps them beside the users' token columns.
do $ott$
begin
  if not exists (select 1 from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'auth' and t.typname = 'one_time_token_type') then
    create type auth.one_time_token_type as enum ('confirmation_token', 'reauthentication_token',
      'recovery_token', 'email_change_token_new', 'email_change_token_current', 'phone_change_token');
  end if;
end
$ott$;

create table if not exists auth.one_time_tokens (
  id         uuid not null primary key,
  user_id    uuid not null references auth.users (id) on delete cascade,
  token_type auth.one_time_token_type not null,
  token_hash text not null check (char_length(token_hash) > 0),
  relates_to text not null,
  created_at timestamp without time zone not null default now(),
  updated_at timestamp without time zone not null default now(),
  constraint one_time_tokens_user_id_token_type_key unique (user_id, token_type)
);
create index if not exists one_time_tokens_token_hash_idx on auth.one_time_tokens using hash (token_hash);
create index if not exists one_time_tokens_relates_to_idx on auth.one_time_tokens using hash (relates_to);
alter table auth.one_time_tokens owner to supabase_auth_admin;
alter type auth.one_time_token_type owner to supabase_auth_admin;
grant all on table auth.one_time_tokens to postgres, dashboard_user;

-- Supabase's helpers read the settings PostgREST sets from the verified JWT. The
-- request.jwt.claim.* forms are PostgREST <9 compatibility, kept as Supabase keeps them.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to public, anon, authenticated, service_role, postgres, dashboard_user;
comment on function auth.uid() is 'LOCAL STAND-IN: the JWT subject, as Supabase defines it.';
comment on function auth.jwt() is 'LOCAL STAND-IN: the verified JWT claims, as Supabase defines it.';

-- ---------------------------------------------------------------------------------------
-- storage: buckets and objects as the storage API keeps them. The API itself (if any)
-- is another part of the local stack; policies on objects come from our migrations.
-- ---------------------------------------------------------------------------------------
-- As Supabase's image: postgres and dashboard_user may do anything with the auth tables,
-- also those the Auth server creates later.
grant usage on schema auth to postgres, dashboard_user;
grant all on all tables in schema auth to postgres, dashboard_user;
grant all on all sequences in schema auth to postgres, dashboard_user;
grant all on all routines in schema auth to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth grant all on tables to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth grant all on routines to postgres, dashboard_user;

create schema if not exists storage authorization supabase_storage_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role, dashboard_user;

create table if not exists storage.buckets (
  id                 text primary key,
  name               text not null,
  owner              uuid,
  owner_id           text,
  public             boolean default false,
  avif_autodetection boolean default false,
  file_size_limit    bigint,
  allowed_mime_types text[],
  created_at         timestamptz default now(),
  updated_at         timestamptz default now()
);
create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id               uuid primary key default extensions.gen_random_uuid(),
  bucket_id        text references storage.buckets (id),
  name             text,
  owner            uuid,
  owner_id         text,
  metadata         jsonb,
  path_tokens      text[] generated always as (string_to_array(name, '/')) stored,
  version          text,
  user_metadata    jsonb,
  created_at       timestamptz default now(),
  updated_at       timestamptz default now(),
  last_accessed_at timestamptz default now()
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);
alter table storage.objects enable row level security;
alter table storage.buckets enable row level security;
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
comment on table storage.objects is 'LOCAL STAND-IN for the storage API''s objects table. Not a migration.';

-- As on Supabase: the API roles hold table privileges and RLS decides.
grant all on table storage.buckets, storage.objects to anon, authenticated, service_role, postgres, dashboard_user;

create or replace function storage.foldername(name text) returns text[]
language sql immutable
as $$
  -- every path segment but the last: 'a/b/c.pdf' -> {a,b}
  select (string_to_array(name, '/'))[1:coalesce(array_length(string_to_array(name, '/'), 1), 1) - 1]
$$;

create or replace function storage.filename(name text) returns text
language sql immutable
as $$
  select (string_to_array(name, '/'))[coalesce(array_length(string_to_array(name, '/'), 1), 1)]
$$;

create or replace function storage.extension(name text) returns text
language sql immutable
as $$
  -- like Supabase's: the text after the last dot of the file name, or '' if none
  select case when storage.filename(name) like '%.%'
              then reverse(split_part(reverse(storage.filename(name)), '.', 1))
              else '' end
$$;

alter function storage.foldername(text) owner to supabase_storage_admin;
alter function storage.filename(text) owner to supabase_storage_admin;
alter function storage.extension(text) owner to supabase_storage_admin;
grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
  to public, anon, authenticated, service_role, postgres;

-- ---------------------------------------------------------------------------------------
-- Realtime reads changes from this publication; migrations add tables to it.
-- ---------------------------------------------------------------------------------------
do $pub$
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
  -- Its owner is postgres, as on Supabase: migrations add tables to it.
  alter publication supabase_realtime owner to postgres;
end
$pub$;

-- ---------------------------------------------------------------------------------------
-- public: the privileges Supabase's image gives the API roles on objects that `postgres`
-- creates. Our first migration narrows these (deny by default); they are here so that the
-- migrations run against the same starting point as on a hosted project.
-- ---------------------------------------------------------------------------------------
grant usage on schema public to postgres, anon, authenticated, service_role;
grant all on schema public to postgres;
alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;
