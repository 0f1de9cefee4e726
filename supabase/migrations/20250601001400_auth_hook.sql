-- The custom access token hook: Supabase Auth calls it for every token it issues
-- (config.toml [auth.hook.custom_access_token]); the local stack calls it to mint tokens.
--
-- app_metadata gets tenant_id and role for a tenant user, is_candidate for a user linked
-- to a candidate row, both for someone who is both, neither for anyone else. Whatever
-- app_metadata already held under those keys is dropped first, so only our tables decide.
-- Not SECURITY DEFINER (Supabase's advice): it runs as supabase_auth_admin, which gets
-- exactly the read access it needs below.

create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := (event ->> 'user_id')::uuid;
  v_claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  v_app jsonb := coalesce(v_claims -> 'app_metadata', '{}'::jsonb) - 'tenant_id' - 'role' - 'is_candidate';
  v_tenant uuid;
  v_role text;
begin
  select u.tenant_id, u.role into v_tenant, v_role
  from public.users u
  where u.id = v_user;
  if v_tenant is not null then
    v_app := v_app || pg_catalog.jsonb_build_object('tenant_id', v_tenant, 'role', v_role);
  end if;

  if exists (select 1 from public.candidates c where c.auth_id = v_user) then
    v_app := v_app || '{"is_candidate": true}'::jsonb;
  end if;

  return pg_catalog.jsonb_build_object('claims', pg_catalog.jsonb_set(v_claims, '{app_metadata}', v_app));
end
$$;
comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: sets app_metadata.tenant_id/role (tenant user) and/or app_metadata.is_candidate (linked candidate) from public.users and public.candidates, dropping any such keys already present. Executable only by supabase_auth_admin (and service_role, for the local token minting).';

revoke all on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin, service_role;

grant usage on schema public to supabase_auth_admin;
grant select (id, tenant_id, role) on table public.users to supabase_auth_admin;
grant select (id, auth_id) on table public.candidates to supabase_auth_admin;

create policy "The auth service can read memberships to issue tokens"
  on public.users for select to supabase_auth_admin
  using (true);

create policy "The auth service can see which accounts are candidates"
  on public.candidates for select to supabase_auth_admin
  using (auth_id is not null);
