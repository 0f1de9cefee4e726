-- Hygiene: the rules every migration must keep (row-level security on every table, deny
-- by default and grant explicitly, functions with a pinned search_path, an index behind
-- every foreign key and policy column, the Supabase linter's security and performance
-- checks). Each assertion lists what breaks the rule, so a failure names the culprit.
begin;
\ir helpers/test_helpers.sql
select plan(50);

select tables_are('public', array[
  'audit_log', 'candidate_profiles', 'candidate_tenants', 'candidates', 'companies',
  'competencies', 'interview_insights', 'interview_invitations', 'interview_sessions', 'member_invitations',
  'realtime_token_grants', 'session_machines', 'transcript_item_events',
  'position_competencies', 'positions', 'resume_jobs', 'tenants', 'transcript_entries', 'users'],
  'public holds exactly the business tables and the audit log');

-- ---- row-level security -------------------------------------------------------------
select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity
        order by 1),
  '{}'::text[],
  'RLS is enabled on every table in public');

select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
        order by 1),
  '{}'::text[],
  'no table in public lacks a policy');

select ok((select relrowsecurity from pg_class where oid = 'storage.objects'::regclass),
  'RLS is enabled on storage.objects');

select is(
  array(select viewname::text from pg_views where schemaname = 'public'),
  '{}'::text[],
  'public has no views (a view would bypass RLS unless security_invoker)');

select is(
  array(select p.schemaname || '.' || p.tablename || ': ' || p.policyname from pg_policies p
        where p.schemaname in ('public', 'storage')
          and not (p.roles <@ array['authenticated', 'supabase_auth_admin']::name[])
        order by 1),
  '{}'::text[],
  'every policy is TO authenticated (or to supabase_auth_admin for the hook), never to public or anon');

select is(
  array(select p.tablename || ': ' || p.policyname from pg_policies p
        where p.schemaname in ('public', 'storage') and 'authenticated' = any (p.roles)
          and (p.qual = 'true' or p.with_check = 'true')
        order by 1),
  '{}'::text[],
  'no policy for authenticated users is USING (true) or WITH CHECK (true)');

select is(
  array(select p.tablename || ': ' || p.policyname from pg_policies p
        where p.schemaname in ('public', 'storage')
          and coalesce(p.qual, '') || ' ' || coalesce(p.with_check, '')
              ~ '(?<!SELECT )(?<!SELECT \()(auth\.(uid|jwt|role|email)|private\.(tenant_id|tenant_role|can|my_[a-z_]+))\('
        order by 1),
  '{}'::text[],
  'policies call auth.* and the per-statement private helpers wrapped in (select ...), so they run once per statement');

select is(
  array(select p.tablename || ': ' || p.policyname from pg_policies p
        where p.schemaname in ('public', 'storage')
          and coalesce(p.qual, '') || coalesce(p.with_check, '') ~* '(user_metadata|raw_user_meta_data)'
        order by 1),
  '{}'::text[],
  'no policy reads user_metadata (user-editable)');

-- ---- functions ----------------------------------------------------------------------
select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.prosecdef
          and p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'extensions'::regnamespace)
          and not coalesce(p.proconfig @> array['search_path=""'], false)
        order by 1),
  '{}'::text[],
  'every SECURITY DEFINER function pins search_path to the empty string');

select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
        order by 1),
  '{}'::text[],
  'every function in public and private has a fixed search_path');

select set_eq(
  $$select p.proname::text from pg_proc p where p.prosecdef and p.pronamespace = 'public'::regnamespace$$,
  array['create_tenant', 'create_candidate_invitation', 'link_candidate_account', 'erase_candidate',
        'save_generated_position', 'candidate_sessions',
        'interview_session_access', 'reserve_interview_token', 'finish_interview_token', 'relay_transcript_events',
        'create_member_invitation', 'accept_member_invitation',
        'claim_file_deletions', 'finish_file_deletions', 'reserve_enrichment'],
  'the only SECURITY DEFINER functions in the exposed schema are the RPCs that check their caller');

select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and has_function_privilege('anon', p.oid, 'execute')
        order by 1),
  '{}'::text[],
  'anon can execute no function in public or private (none is meant for it)');

select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and (p.proacl is null
               or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))
        order by 1),
  '{}'::text[],
  'no function in public or private is executable by PUBLIC (explicit grants only)');

select set_eq(
  $$select p.proname::text from pg_proc p
    where p.pronamespace = 'public'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')$$,
  array['user_has_permission', 'create_tenant', 'create_candidate_invitation', 'link_candidate_account', 'erase_candidate',
        'save_generated_position', 'candidate_sessions', 'record_session_consent',
        'interview_session_access',
        'start_resume_job', 'advance_resume_job', 'save_resume_candidate',
        'create_member_invitation', 'accept_member_invitation', 'reserve_enrichment'],
  'signed-in users can execute exactly the documented RPCs in public');

select ok(has_function_privilege('supabase_auth_admin', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'supabase_auth_admin can execute the access token hook');
select ok(not has_function_privilege('authenticated', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'signed-in users cannot execute the access token hook');

select is(
  array(select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
          and obj_description(p.oid, 'pg_proc') is null
        order by 1),
  '{}'::text[],
  'every function in public and private has a comment');

-- ---- privileges ---------------------------------------------------------------------
select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
          and (has_table_privilege('anon', c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
               or has_any_column_privilege('anon', c.oid, 'SELECT,INSERT,UPDATE,REFERENCES'))
        order by 1),
  '{}'::text[],
  'anon holds no privilege on any table in public (deny by default)');

select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and has_table_privilege('authenticated', c.oid, 'TRUNCATE,REFERENCES,TRIGGER')
        order by 1),
  '{}'::text[],
  'signed-in users hold no TRUNCATE, REFERENCES or TRIGGER on any table');

select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use the private schema');
select ok(not has_schema_privilege('anon', 'public', 'create') and not has_schema_privilege('authenticated', 'public', 'create'),
  'API roles cannot create objects in public');

select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
          and obj_description(c.oid, 'pg_class') is null
        order by 1),
  '{}'::text[],
  'every table in public has a comment');

-- ---- indexes ------------------------------------------------------------------------
select is(
  array(select c.conrelid::regclass::text || ' ' || c.conname from pg_constraint c
        where c.contype = 'f' and c.connamespace = 'public'::regnamespace
          and not exists (
            select 1 from pg_index i
            where i.indrelid = c.conrelid
              and (select array_agg(k order by k)
                   from unnest(i.indkey::int2[]) with ordinality u(k, n)
                   where n <= cardinality(c.conkey))
                  = (select array_agg(k order by k) from unnest(c.conkey) k))
        order by 1),
  '{}'::text[],
  'every foreign key in public has an index led by its columns');

-- A policy column must lead an index, or follow tenant_id in one (every tenant policy
-- also filters on tenant_id, so such an index serves the pair).
select is(
  array(select distinct d.refobjid::regclass::text || '.' || a.attname
        from pg_depend d
        join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
        where d.classid = 'pg_policy'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
          and not exists (
            select 1 from pg_index i
            where i.indrelid = d.refobjid
              and (i.indkey[0] = d.refobjsubid
                   or (i.indkey[1] = d.refobjsubid
                       and i.indkey[0] = (select t.attnum from pg_attribute t
                                          where t.attrelid = d.refobjid and t.attname = 'tenant_id'))))
        order by 1),
  '{}'::text[],
  'every column a policy filters on is indexed');

-- Columns the SECURITY DEFINER policy helpers filter on (invisible to pg_depend).
select has_index('public', 'candidates', 'candidates_auth_id_idx', array['auth_id'],
  'candidates.auth_id is indexed (private.my_candidate_ids, the hook)');
select has_index('public', 'interview_sessions', 'interview_sessions_candidate_id_tenant_id_idx', array['candidate_id', 'tenant_id'],
  'interview_sessions.candidate_id is indexed (private.my_session_ids)');
select has_index('public', 'users', 'users_pkey', array['id'],
  'users.id is indexed (private.tenant_id, tenant_role)');
-- The helpers of the candidate policies on tenants and positions went with those policies
-- (20250609000100): a candidate reads neither table; candidate_sessions() names them.
select hasnt_function('private', 'my_candidate_tenant_ids', array[]::name[],
  'private.my_candidate_tenant_ids() is gone (no candidate policy on tenants)');
select hasnt_function('private', 'my_position_ids', array[]::name[],
  'private.my_position_ids() is gone (no candidate policy on positions)');

-- ---- realtime -----------------------------------------------------------------------
select set_eq(
  $$select schemaname || '.' || tablename from pg_publication_tables where pubname = 'supabase_realtime'$$,
  array['public.interview_sessions', 'public.transcript_entries'],
  'supabase_realtime publishes exactly the transcript entries and the session status');

-- ---- tenant isolation by construction -----------------------------------------------
select col_not_null('public', t, 'tenant_id', t || '.tenant_id is NOT NULL')
from unnest(array['users', 'companies', 'candidate_profiles', 'candidate_tenants', 'positions',
                  'competencies', 'position_competencies', 'interview_sessions',
                  'interview_invitations', 'transcript_entries', 'interview_insights', 'resume_jobs',
                  'realtime_token_grants', 'session_machines', 'transcript_item_events']) t;

-- ---- seed -------------------------------------------------------------------------------
select is_empty(
  $$select email from auth.users
    where confirmation_token is null or recovery_token is null
       or email_change_token_new is null or email_change is null$$,
  'every seeded account has '''' (not NULL) in the token columns Supabase Auth reads as strings, so it can sign in');

-- ---- the roles are a hosted project's --------------------------------------------------
select is(array(select rolname::text from pg_roles where rolsuper order by 1), array['supabase_admin'],
  'supabase_admin is the only superuser (postgres is not, as on a hosted project)');
select is((select rolname::text from pg_roles where oid = 10), 'supabase_admin',
  'the bootstrap superuser, owner of the catalogs, is supabase_admin');
select is((select array[rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin]
           from pg_roles where rolname = 'postgres'), array[true, true, true, true, true],
  'postgres: CREATEDB CREATEROLE REPLICATION BYPASSRLS LOGIN, as Supabase''s image makes it');

select * from finish();
rollback;
