-- Interview invitations: the single-use, expiring link a candidate receives by email.
--
-- Departures from the system description, on purpose:
--   * The token is 32 random bytes (64 hex characters), not a uuid, and only its
--     SHA-256 is stored: whoever can read this table (tenant members, a backup) cannot
--     use an invitation. create_candidate_invitation() returns the token once.
--   * An invitation can be revoked (revoked_at), which re-inviting does to the older
--     open invitations of the same candidate and session.
--   * Rows are created only by create_candidate_invitation() (or the service role): no
--     insert policy for tenant members.

create table public.interview_invitations (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references public.tenants (id) on delete cascade,
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  session_id   uuid,
  email        text not null check (email = lower(btrim(email)) and email like '%_@_%'),
  token_hash   bytea not null unique check (octet_length(token_hash) = 32),
  expires_at   timestamptz not null default (now() + interval '7 days'),
  used_at      timestamptz,
  used_by      uuid references auth.users (id) on delete set null,
  revoked_at   timestamptz,
  created_by   uuid references auth.users (id) on delete set null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  constraint interview_invitations_candidate_tenant_fkey foreign key (candidate_id, tenant_id)
    references public.candidate_tenants (candidate_id, tenant_id),
  constraint interview_invitations_session_fkey foreign key (session_id, tenant_id)
    references public.interview_sessions (id, tenant_id) on delete cascade,
  constraint interview_invitations_used_by_someone check ((used_at is null) = (used_by is null))
);
comment on table public.interview_invitations is
  'An invitation sent to email for a candidate (and session, if a position was given). token_hash = sha256 of the 64-hex-character token, which is never stored. Expires after 7 days, single use (used_at/used_by), revocable (revoked_at). Created by create_candidate_invitation(), consumed by link_candidate_account().';

create index interview_invitations_tenant_id_idx on public.interview_invitations (tenant_id);
create index interview_invitations_candidate_id_tenant_id_idx on public.interview_invitations (candidate_id, tenant_id);
create index interview_invitations_session_id_tenant_id_idx on public.interview_invitations (session_id, tenant_id);
create index interview_invitations_used_by_idx on public.interview_invitations (used_by);
create index interview_invitations_created_by_idx on public.interview_invitations (created_by);

create trigger interview_invitations_normalize_email
  before insert or update of email on public.interview_invitations
  for each row execute function private.normalize_email();

create trigger interview_invitations_set_updated_at
  before update on public.interview_invitations
  for each row execute function private.set_updated_at();

create trigger interview_invitations_audit
  after insert or update or delete on public.interview_invitations
  for each row execute function private.audit_row_change();

alter table public.interview_invitations enable row level security;

create policy "Members can read their tenant's invitations"
  on public.interview_invitations for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can update their tenant's invitations"
  on public.interview_invitations for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_invitations', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's invitations"
  on public.interview_invitations for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_invitations', 'delete')));

-- Members may revoke or extend an invitation, not rewrite who or what it is for.
revoke all on table public.interview_invitations from anon, authenticated;
grant select, delete on table public.interview_invitations to authenticated;
grant update (expires_at, revoked_at) on table public.interview_invitations to authenticated;
grant all on table public.interview_invitations to service_role;
