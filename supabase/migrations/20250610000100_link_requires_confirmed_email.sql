-- Linking an account to an invitation requires a confirmed email.
-- link_candidate_account compared the account's email with the invitation's
-- but not whether the account had proven it owns that inbox: whoever holds a leaked token
-- could sign up with the invitee's address (unconfirmed, where confirmations are on) and
-- redeem the invitation before the invitee. Now the email must match AND be confirmed
-- (auth.users.email_confirmed_at): PT403 email_not_confirmed otherwise. The rest of the
-- function is unchanged from 20250601001600_candidate_invitations.sql; `create or replace`
-- keeps its owner and grants, which are restated below anyway.

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
  v_confirmed boolean;
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
  select pg_catalog.lower(u.email), u.email_confirmed_at is not null
    into v_email, v_confirmed
  from auth.users u where u.id = v_uid;
  if v_email is distinct from v_invitation.email then
    raise exception using errcode = 'PT403', message = 'email_mismatch',
      detail = 'Sign in with the email address the invitation was sent to.';
  end if;
  -- The address must be proven: an unconfirmed sign-up with the invitee's address proves
  -- nothing about who holds the inbox.
  if not coalesce(v_confirmed, false) then
    raise exception using errcode = 'PT403', message = 'email_not_confirmed',
      detail = 'Confirm your email address (the link in the confirmation email), then accept the invitation.';
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
  'Redeems an invitation token for the signed-in user: the token must exist (PT400 invalid_token, PT404 invitation_not_found), be unexpired and not revoked (PT410 invitation_expired), unused or used by this same user (PT409 invitation_used; idempotent for the same user), the account email must be the invitation''s (PT403 email_mismatch) and confirmed (PT403 email_not_confirmed). Marks it used and sets candidates.auth_id. PT401 not_authenticated; PT409 candidate_already_linked.';
revoke all on function public.link_candidate_account(text) from public, anon;
grant execute on function public.link_candidate_account(text) to authenticated;
