-- Members join a tenant through an invitation the account accepts.
--
-- Before this migration an owner or admin could insert any auth.users id into
-- public.users (pulling a stranger's account into their tenant, where the access token
-- hook then issued that account tenant claims) and could rewrite users.id, tenant_id or
-- email of a member. Now:
--   * nobody but the service role inserts into public.users or changes its id, tenant_id
--     or email; members may still change role, full_name and metadata as the update
--     policy allows;
--   * an owner or admin creates a member invitation for an email address and a role
--     (create_member_invitation), and hands its one-time token to the invitee;
--   * the invitee, signed in with that address confirmed, accepts it
--     (accept_member_invitation) and becomes a member; the token is single use, expires
--     after 7 days and can be revoked.

-- ---------------------------------------------------------------------------------------
-- public.users: no inserts, no identity changes through the Data API
-- ---------------------------------------------------------------------------------------
drop policy "Owners and admins can add users below owner to their tenant" on public.users;
revoke insert, update on table public.users from authenticated;
grant update (role, full_name, metadata) on table public.users to authenticated;

-- ---------------------------------------------------------------------------------------
-- member_invitations
-- ---------------------------------------------------------------------------------------
create table public.member_invitations (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references public.tenants (id) on delete cascade,
  email       text not null check (email = lower(btrim(email)) and email like '%_@_%'),
  role        text not null check (role in ('owner', 'admin', 'user')),
  token_hash  bytea not null unique check (octet_length(token_hash) = 32),
  expires_at  timestamptz not null,
  created_by  uuid references auth.users (id) on delete set null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at  timestamptz,
  created_at  timestamptz not null default now(),
  check ((accepted_at is null) = (accepted_by is null))
);
comment on table public.member_invitations is
  'An invitation to join a tenant as owner, admin or user, for one email address. token_hash = sha256 of the 64-hex-character token, which is never stored. Single use (accepted_at/accepted_by), expires after 7 days, revocable (revoked_at). Created by create_member_invitation(), consumed by accept_member_invitation().';

-- tenant_id then role: the two columns the policies filter on.
create index member_invitations_tenant_id_role_idx on public.member_invitations (tenant_id, role);
create index member_invitations_created_by_idx on public.member_invitations (created_by);
create index member_invitations_accepted_by_idx on public.member_invitations (accepted_by);
-- One open invitation per address and tenant (inviting again replaces it); also the
-- lookup of an address's open invitation.
create unique index member_invitations_one_open_idx on public.member_invitations (tenant_id, email)
  where accepted_at is null and revoked_at is null;

create trigger member_invitations_audit
  after insert or update or delete on public.member_invitations
  for each row execute function private.audit_row_change();

alter table public.member_invitations enable row level security;

create policy "Owners and admins can read their tenant's member invitations"
  on public.member_invitations for select to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('users', 'create')));

-- Revoking is an update of revoked_at only (column grant below); an owner invitation only
-- by an owner, as with the users it would create.
create policy "Owners and admins can revoke their tenant's member invitations"
  on public.member_invitations for update to authenticated
  using (
    tenant_id = (select private.tenant_id())
    and (select private.can('users', 'create'))
    and (role <> 'owner' or (select private.tenant_role()) = 'owner')
  )
  with check (tenant_id = (select private.tenant_id()));

revoke all on table public.member_invitations from anon, authenticated;
grant select (id, tenant_id, email, role, expires_at, created_by, accepted_at, accepted_by, revoked_at, created_at)
  on table public.member_invitations to authenticated;
grant update (revoked_at) on table public.member_invitations to authenticated;
grant all on table public.member_invitations to service_role;

-- ---------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------
create or replace function public.create_member_invitation(p_email text, p_role text default 'user')
returns table (invitation_id uuid, token text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_tenant uuid := (select private.tenant_id());
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_role text := coalesce(p_role, 'user');
  v_token text;
  v_id uuid;
  v_expires timestamptz := now() + interval '7 days';
begin
  if v_uid is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in first.';
  end if;
  if v_tenant is null or not (select private.can('users', 'create')) then
    raise exception using errcode = 'PT403', message = 'forbidden',
      detail = 'Only owners and admins invite members.';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(v_email) > 320 then
    raise exception using errcode = 'PT400', message = 'invalid_email',
      detail = 'Give the invitee''s email address.';
  end if;
  if v_role not in ('owner', 'admin', 'user') then
    raise exception using errcode = 'PT400', message = 'invalid_role',
      detail = 'The role must be owner, admin or user.';
  end if;
  if v_role = 'owner' and (select private.tenant_role()) <> 'owner' then
    raise exception using errcode = 'PT403', message = 'forbidden',
      detail = 'Only owners invite owners.';
  end if;
  if exists (select 1 from public.users u where u.tenant_id = v_tenant and lower(u.email) = v_email) then
    raise exception using errcode = 'PT409', message = 'already_member',
      detail = 'This address already belongs to a member of the organisation.';
  end if;

  -- Inviting the same address again replaces the open invitation (a new token; the old
  -- one stops working), so a retried request leaves one open invitation, not two.
  update public.member_invitations mi set revoked_at = now()
  where mi.tenant_id = v_tenant and mi.email = v_email
    and mi.accepted_at is null and mi.revoked_at is null;

  v_token := pg_catalog.encode(extensions.gen_random_bytes(32), 'hex');
  insert into public.member_invitations (tenant_id, email, role, token_hash, expires_at, created_by)
  values (v_tenant, v_email, v_role, pg_catalog.sha256(pg_catalog.decode(v_token, 'hex')), v_expires, v_uid)
  returning id into v_id;

  return query select v_id, v_token, v_expires;
end
$$;
comment on function public.create_member_invitation(text, text) is
  'An owner or admin invites an email address to join their tenant with a role (owner only by an owner). Returns the one-time token, shown once; inviting the same address again replaces the open invitation. SECURITY DEFINER to write the token hash, which no one may read; checks the caller''s tenant and role. Errors: PT401 not_authenticated, PT403 forbidden, PT400 invalid_email|invalid_role, PT409 already_member.';
revoke all on function public.create_member_invitation(text, text) from public, anon;
grant execute on function public.create_member_invitation(text, text) to authenticated;

create or replace function public.accept_member_invitation(p_token text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_token text := lower(btrim(coalesce(p_token, '')));
  v_inv public.member_invitations;
  v_email text;
  v_confirmed timestamptz;
begin
  if v_uid is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in with the invited address first.';
  end if;
  if v_token !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'invalid_token',
      detail = 'The invitation token is 64 hexadecimal characters.';
  end if;

  select * into v_inv from public.member_invitations mi
  where mi.token_hash = pg_catalog.sha256(pg_catalog.decode(v_token, 'hex'))
  for update;
  if not found or v_inv.revoked_at is not null then
    raise exception using errcode = 'PT404', message = 'invitation_not_found',
      detail = 'No open invitation has this token.';
  end if;
  if v_inv.accepted_at is not null then
    if v_inv.accepted_by = v_uid then
      return v_inv.tenant_id;  -- accepting twice is not an error: the first one counted
    end if;
    raise exception using errcode = 'PT409', message = 'invitation_used',
      detail = 'This invitation was already accepted.';
  end if;
  if v_inv.expires_at <= now() then
    raise exception using errcode = 'PT410', message = 'invitation_expired',
      detail = 'This invitation has expired; ask for a new one.';
  end if;

  select lower(au.email), au.email_confirmed_at into v_email, v_confirmed
  from auth.users au where au.id = v_uid;
  if v_email is distinct from v_inv.email then
    raise exception using errcode = 'PT403', message = 'email_mismatch',
      detail = 'Sign in with the address the invitation was sent to.';
  end if;
  if v_confirmed is null then
    raise exception using errcode = 'PT403', message = 'email_not_confirmed',
      detail = 'Confirm your email address, then accept the invitation.';
  end if;
  if exists (select 1 from public.users u where u.id = v_uid) then
    raise exception using errcode = 'PT409', message = 'already_member',
      detail = 'This account already belongs to an organisation.';
  end if;

  insert into public.users (id, tenant_id, role, email)
  values (v_uid, v_inv.tenant_id, v_inv.role, v_email);
  update public.member_invitations mi set accepted_at = now(), accepted_by = v_uid
  where mi.id = v_inv.id;
  return v_inv.tenant_id;
end
$$;
comment on function public.accept_member_invitation(text) is
  'The signed-in invitee accepts a member invitation by its token and becomes a member of the tenant with the invited role; returns the tenant id (refresh the session to get the tenant claims). Requires the invited address, confirmed, and an account that belongs to no organisation yet; single use (accepting again as the same account returns the tenant). SECURITY DEFINER to insert the membership, which no policy allows; checks the caller against the invitation. Errors: PT401 not_authenticated, PT400 invalid_token, PT404 invitation_not_found, PT409 invitation_used|already_member, PT410 invitation_expired, PT403 email_mismatch|email_not_confirmed.';
revoke all on function public.accept_member_invitation(text) from public, anon;
grant execute on function public.accept_member_invitation(text) to authenticated;
