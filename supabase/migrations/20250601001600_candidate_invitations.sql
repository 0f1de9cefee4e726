-- The invitation RPCs: a recruiter invites a candidate by email; the candidate, signed
-- in with that email, redeems the token and their account is linked to the candidate
-- record. Both are SECURITY DEFINER (they write rows no policy lets the caller write
-- directly), pin search_path, and check their caller first. Errors use SQLSTATE PTxyz
-- (xyz = the HTTP status PostgREST answers with) and a stable snake_case message, as
-- docs/DEVELOPING.md lists them.

create or replace function public.create_candidate_invitation(
  p_tenant_id uuid,
  p_candidate_email text,
  p_position_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_email text := pg_catalog.lower(pg_catalog.btrim(coalesce(p_candidate_email, '')));
  v_position_status text;
  v_candidate uuid;
  v_session uuid;
  v_created boolean := true;
  v_token text;
  v_invitation uuid;
  v_expires timestamptz;
begin
  if v_uid is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in to invite candidates.';
  end if;
  -- The description's version let anyone invite into any tenant. Owner or admin of
  -- p_tenant_id only, judged by the same helpers as the policies.
  if p_tenant_id is null
     or p_tenant_id is distinct from (select private.tenant_id())
     or not (select private.can('interview_invitations', 'create')) then
    raise exception using errcode = 'PT403', message = 'forbidden',
      detail = 'Only owners and admins of the organisation can invite candidates to it.';
  end if;
  if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(v_email) > 320 then
    raise exception using errcode = 'PT400', message = 'invalid_email',
      detail = 'The candidate email address is not valid.';
  end if;
  if p_position_id is not null then
    select p.status into v_position_status
    from public.positions p
    where p.id = p_position_id and p.tenant_id = p_tenant_id;
    if not found then
      raise exception using errcode = 'PT404', message = 'position_not_found',
        detail = 'No such position in this organisation.';
    end if;
    if v_position_status = 'archived' then
      raise exception using errcode = 'PT409', message = 'position_archived',
        detail = 'The position is archived.';
    end if;
  end if;

  -- One invitation per tenant and email at a time, so concurrent calls cannot create
  -- two candidates or two open sessions.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_tenant_id::text || '/' || v_email, 0));

  -- Find the tenant's own record of this email, else one shared with the tenant; never
  -- another tenant's record (that would tell the caller who else knows this person).
  select c.id into v_candidate
  from public.candidates c
  where c.email = v_email
    and (c.tenant_id = p_tenant_id
         or exists (select 1 from public.candidate_tenants ct
                    where ct.candidate_id = c.id and ct.tenant_id = p_tenant_id))
  order by (c.tenant_id = p_tenant_id) desc nulls last, c.created_at
  limit 1;

  if v_candidate is null then
    insert into public.candidates (tenant_id, email, full_name)
    values (p_tenant_id, v_email, pg_catalog.split_part(v_email, '@', 1))
    returning id into v_candidate;
  end if;

  insert into public.candidate_tenants (candidate_id, tenant_id)
  values (v_candidate, p_tenant_id)
  on conflict (candidate_id, tenant_id) do update set invitation_date = pg_catalog.now();

  -- Re-inviting the same candidate to the same position reuses the open session.
  if p_position_id is not null then
    select s.id into v_session
    from public.interview_sessions s
    where s.tenant_id = p_tenant_id
      and s.candidate_id = v_candidate
      and s.position_id = p_position_id
      and s.status in ('invited', 'scheduled', 'in_progress')
    order by s.created_at desc
    limit 1;
    if v_session is not null then
      v_created := false;
    else
      insert into public.interview_sessions (tenant_id, candidate_id, position_id, status)
      values (p_tenant_id, v_candidate, p_position_id, 'invited')
      returning id into v_session;
    end if;
  end if;

  -- The newest invitation replaces any open one for the same candidate and session.
  update public.interview_invitations i
  set revoked_at = pg_catalog.now()
  where i.tenant_id = p_tenant_id
    and i.candidate_id = v_candidate
    and i.session_id is not distinct from v_session
    and i.used_at is null
    and i.revoked_at is null;

  v_token := pg_catalog.encode(extensions.gen_random_bytes(32), 'hex');
  insert into public.interview_invitations (tenant_id, candidate_id, session_id, email, token_hash, expires_at, created_by)
  values (p_tenant_id, v_candidate, v_session, v_email,
          pg_catalog.sha256(pg_catalog.decode(v_token, 'hex')),
          pg_catalog.now() + interval '7 days', v_uid)
  returning id, expires_at into v_invitation, v_expires;

  return pg_catalog.jsonb_build_object(
    'candidate_id', v_candidate,
    'session_id', v_session,
    'invitation_id', v_invitation,
    'token', v_token,
    'expires_at', v_expires,
    'created', v_created);
end
$$;
comment on function public.create_candidate_invitation(uuid, text, uuid) is
  'Invites p_candidate_email to p_tenant_id (and to an interview for p_position_id): finds or creates the tenant''s candidate record, the candidate_tenants row, an invited session (reusing an open one for the same position: created = false), and a 7-day single-use invitation whose token is returned once. Caller: owner or admin of p_tenant_id (PT401 not_authenticated, PT403 forbidden); PT400 invalid_email, PT404 position_not_found, PT409 position_archived.';
revoke all on function public.create_candidate_invitation(uuid, text, uuid) from public, anon;
grant execute on function public.create_candidate_invitation(uuid, text, uuid) to authenticated;

create or replace function public.link_candidate_account(p_token text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_token text := pg_catalog.lower(pg_catalog.btrim(coalesce(p_token, '')));
  v_invitation public.interview_invitations%rowtype;
  v_email text;
  v_linked uuid;
  v_result jsonb;
begin
  if v_uid is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in before accepting an invitation.';
  end if;
  if v_token !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'invalid_token',
      detail = 'The invitation token is malformed.';
  end if;

  select * into v_invitation
  from public.interview_invitations i
  where i.token_hash = pg_catalog.sha256(pg_catalog.decode(v_token, 'hex'))
  for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'invitation_not_found',
      detail = 'No invitation has this token.';
  end if;

  v_result := pg_catalog.jsonb_build_object(
    'candidate_id', v_invitation.candidate_id,
    'tenant_id', v_invitation.tenant_id,
    'session_id', v_invitation.session_id);

  if v_invitation.used_at is not null then
    if v_invitation.used_by = v_uid then
      return v_result;     -- the same user again: idempotent
    end if;
    raise exception using errcode = 'PT409', message = 'invitation_used',
      detail = 'This invitation has already been accepted by another account.';
  end if;
  if v_invitation.revoked_at is not null or v_invitation.expires_at <= pg_catalog.now() then
    raise exception using errcode = 'PT410', message = 'invitation_expired',
      detail = case when v_invitation.revoked_at is not null
                    then 'This invitation was replaced by a newer one.'
                    else 'This invitation has expired.' end;
  end if;

  -- The account's own email (auth.users), not a claim: the invitation went to that inbox.
  select pg_catalog.lower(u.email) into v_email from auth.users u where u.id = v_uid;
  if v_email is distinct from v_invitation.email then
    raise exception using errcode = 'PT403', message = 'email_mismatch',
      detail = 'Sign in with the email address the invitation was sent to.';
  end if;

  select c.auth_id into v_linked from public.candidates c where c.id = v_invitation.candidate_id for update;
  if v_linked is not null and v_linked <> v_uid then
    raise exception using errcode = 'PT409', message = 'candidate_already_linked',
      detail = 'This candidate record is linked to another account.';
  end if;

  update public.candidates c
  set auth_id = v_uid, auth_email = v_email
  where c.id = v_invitation.candidate_id
    and c.auth_id is distinct from v_uid;

  update public.interview_invitations i
  set used_at = pg_catalog.now(), used_by = v_uid
  where i.id = v_invitation.id;

  update public.candidate_tenants ct
  set last_interaction = pg_catalog.now()
  where ct.candidate_id = v_invitation.candidate_id and ct.tenant_id = v_invitation.tenant_id;

  return v_result;
end
$$;
comment on function public.link_candidate_account(text) is
  'Redeems an invitation token for the signed-in user: the token must exist (PT400 invalid_token, PT404 invitation_not_found), be unexpired and not revoked (PT410 invitation_expired), unused or used by this same user (PT409 invitation_used; idempotent for the same user), and the account email must be the invitation''s (PT403 email_mismatch). Marks it used and sets candidates.auth_id. PT401 not_authenticated; PT409 candidate_already_linked.';
revoke all on function public.link_candidate_account(text) from public, anon;
grant execute on function public.link_candidate_account(text) to authenticated;
