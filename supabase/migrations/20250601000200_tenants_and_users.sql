-- Tenants and their users (recruiters), the two helpers every tenant policy uses, the
-- permission matrix, and the onboarding RPC.
--
-- Choices made on purpose, where a simpler design would be weaker:
--   * The tenant claim is read from app_metadata (put there by the access token hook),
--     never from the top level of the JWT or from user_metadata (user-editable).
--   * The claim is honoured only while public.users still has the caller in that tenant,
--     and the role is the caller's current role there: removing or demoting a member
--     takes effect on their next statement, not when their token expires.
--   * user_has_permission() reads the same helpers and knows its resources: an unknown
--     resource or action is refused instead of allowed for owners.

-- ---------------------------------------------------------------------------------------
-- tenants
-- ---------------------------------------------------------------------------------------
create table public.tenants (
  id         uuid primary key default gen_random_uuid(),
  name       text not null check (length(btrim(name)) between 1 and 200),
  metadata   jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.tenants is
  'A customer organisation. Every business row belongs to one. Created only through create_tenant() (or the service role); never deleted through the Data API.';

create trigger tenants_set_updated_at
  before update on public.tenants
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------
-- users: tenant membership. One tenant per auth user (the description's "single tenant
-- association"); candidates are not users.
-- ---------------------------------------------------------------------------------------
create table public.users (
  id         uuid primary key references auth.users (id) on delete cascade,
  tenant_id  uuid not null references public.tenants (id) on delete cascade,
  role       text not null default 'user' check (role in ('owner', 'admin', 'user')),
  email      text,
  full_name  text,
  metadata   jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.users is
  'Tenant membership of an auth user (id = auth.users.id) with role owner|admin|user. Owners manage everyone; admins manage admins and users but cannot create, promote or edit owners.';

-- tenant_id leads (foreign key, every policy); role follows for the owner-only rules.
create index users_tenant_id_role_idx on public.users (tenant_id, role);

create trigger users_set_updated_at
  before update on public.users
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------
-- Helpers the policies call. SECURITY DEFINER because they read public.users, whose own
-- policies call them; each returns only facts about the caller (auth.uid()).
-- ---------------------------------------------------------------------------------------
create or replace function private.tenant_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  -- Text comparison, so a malformed claim means "no tenant" rather than a cast error.
  select u.tenant_id
  from public.users u
  where u.id = (select auth.uid())
    and u.tenant_id::text = (select auth.jwt() -> 'app_metadata' ->> 'tenant_id')
$$;
comment on function private.tenant_id() is
  'The caller''s tenant: app_metadata.tenant_id of the JWT, typed uuid, and only while public.users confirms the membership; NULL otherwise. Wrap as (select private.tenant_id()) in policies.';

create or replace function private.tenant_role()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select u.role
  from public.users u
  where u.id = (select auth.uid())
    and u.tenant_id::text = (select auth.jwt() -> 'app_metadata' ->> 'tenant_id')
$$;
comment on function private.tenant_role() is
  'The caller''s current role (owner|admin|user) in the tenant of their JWT, from public.users; NULL for anyone else.';

create or replace function private.can(resource text, action text)
returns boolean
language sql
stable
set search_path = ''
as $$
  -- The one permission matrix. Policies call it with a constant resource and action,
  -- wrapped as (select private.can('x', 'y')), so it runs once per statement.
  select coalesce(
    case
      when r.role is null then false
      when action not in ('read', 'create', 'update', 'delete') then false
      when resource = 'audit_log' then action = 'read' and r.role in ('owner', 'admin')
      when resource = 'tenants' then
        action = 'read' or (action = 'update' and r.role in ('owner', 'admin'))
      when resource in ('users', 'companies', 'candidates', 'candidate_profiles',
                        'candidate_tenants', 'positions', 'competencies',
                        'position_competencies', 'interview_sessions',
                        'interview_invitations', 'transcript_entries',
                        'interview_insights', 'resume_jobs', 'resumes') then
        case action
          when 'read' then r.role in ('owner', 'admin', 'user')
          when 'create' then r.role in ('owner', 'admin')
          when 'update' then r.role in ('owner', 'admin')
          when 'delete' then r.role = 'owner'
        end
      else false
    end,
    false)
  from (select private.tenant_role() as role) r
$$;
comment on function private.can(text, text) is
  'Permission matrix: owner may do everything in their tenant, admin all but delete, user read only; the audit log is readable by owners and admins; tenants are created and deleted only outside the Data API. Unknown resources and actions are refused.';

revoke all on function private.tenant_id(), private.tenant_role(), private.can(text, text) from public, anon;
grant execute on function private.tenant_id(), private.tenant_role(), private.can(text, text)
  to authenticated, service_role;

-- The caller check RPCs open with (not policies: it raises). SECURITY INVOKER: it only
-- reads the helpers above; executable by service_role too, so that a service-role call of
-- an invoker RPC gets PT401 rather than a privilege error.
create or replace function private.require_permission(
  p_resource text,
  p_actions text[],
  p_sign_in_detail text,
  p_forbidden_detail text
)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_tenant uuid := (select private.tenant_id());
begin
  if (select auth.uid()) is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated', detail = p_sign_in_detail;
  end if;
  if v_tenant is null
     or not coalesce((select pg_catalog.bool_and(private.can(p_resource, a))
                      from pg_catalog.unnest(p_actions) a), false) then
    raise exception using errcode = 'PT403', message = 'forbidden', detail = p_forbidden_detail;
  end if;
  return v_tenant;
end
$$;
comment on function private.require_permission(text, text[], text, text) is
  'The caller''s tenant, once they are signed in (else PT401 not_authenticated) and may do every one of p_actions on p_resource there (else PT403 forbidden, also for a non-member); the details are the calling RPC''s sentences.';
revoke all on function private.require_permission(text, text[], text, text) from public, anon;
grant execute on function private.require_permission(text, text[], text, text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------
alter table public.tenants enable row level security;
alter table public.users enable row level security;

create policy "Members can read their own tenant"
  on public.tenants for select to authenticated
  using (id = (select private.tenant_id()));

create policy "Owners and admins can update their own tenant"
  on public.tenants for update to authenticated
  using (id = (select private.tenant_id()) and (select private.can('tenants', 'update')))
  with check (id = (select private.tenant_id()));

create policy "Members can read the users of their tenant"
  on public.users for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Everyone can read their own membership"
  on public.users for select to authenticated
  using (id = (select auth.uid()));

create policy "Owners and admins can add users below owner to their tenant"
  on public.users for insert to authenticated
  with check (
    tenant_id = (select private.tenant_id())
    and (select private.can('users', 'create'))
    and (role <> 'owner' or (select private.tenant_role()) = 'owner')
  );

create policy "Owners and admins can update users below owner in their tenant"
  on public.users for update to authenticated
  using (
    tenant_id = (select private.tenant_id())
    and (select private.can('users', 'update'))
    and (role <> 'owner' or (select private.tenant_role()) = 'owner')
  )
  with check (
    tenant_id = (select private.tenant_id())
    and (role <> 'owner' or (select private.tenant_role()) = 'owner')
  );

create policy "Owners can remove other users from their tenant"
  on public.users for delete to authenticated
  using (
    tenant_id = (select private.tenant_id())
    and (select private.can('users', 'delete'))
    and id <> (select auth.uid())
  );

-- ---------------------------------------------------------------------------------------
-- Grants
-- ---------------------------------------------------------------------------------------
revoke all on table public.tenants, public.users from anon, authenticated;
grant select, update on table public.tenants to authenticated;
grant select, insert, update, delete on table public.users to authenticated;
grant all on table public.tenants, public.users to service_role;

-- ---------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------
create or replace function public.user_has_permission(resource text, action text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.can(resource, action)
$$;
comment on function public.user_has_permission(text, text) is
  'Whether the caller may perform action (read|create|update|delete) on resource (a table name, or ''resumes'' for the storage folder) in their tenant. The same matrix the policies use; for the UI.';
revoke all on function public.user_has_permission(text, text) from public, anon;
grant execute on function public.user_has_permission(text, text) to authenticated, service_role;

create or replace function public.create_tenant(p_name text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_name text := btrim(coalesce(p_name, ''));
  v_tenant uuid;
begin
  if v_uid is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in before creating an organisation.';
  end if;
  if length(v_name) not between 1 and 200 then
    raise exception using errcode = 'PT400', message = 'invalid_name',
      detail = 'The organisation name must be 1 to 200 characters.';
  end if;
  if exists (select 1 from public.users u where u.id = v_uid) then
    raise exception using errcode = 'PT409', message = 'already_member',
      detail = 'This account already belongs to an organisation.';
  end if;

  insert into public.tenants (name) values (v_name) returning id into v_tenant;
  insert into public.users (id, tenant_id, role, email)
  select v_uid, v_tenant, 'owner', au.email from auth.users au where au.id = v_uid;
  if not found then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'The signed-in account does not exist.';
  end if;
  return v_tenant;
end
$$;
comment on function public.create_tenant(text) is
  'Onboarding: creates a tenant and makes the signed-in caller its owner. SECURITY DEFINER because no policy lets anyone insert tenants; it checks the caller is signed in and not yet a member of any tenant. The caller must refresh their token to get the tenant claims.';
revoke all on function public.create_tenant(text) from public, anon;
grant execute on function public.create_tenant(text) to authenticated;
