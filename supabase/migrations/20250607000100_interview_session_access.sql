-- Who may drive a live interview session, decided once for the live-interview functions
-- (interview-token, interview-room, transcript-relay, session-vm): the candidate whose
-- account is linked to the session's candidate row, or an owner/admin of the session's
-- tenant (a test call). A member with the role `user` reads the session through the
-- table policies but may not drive it.
--
-- private.session_caller_kind(id) is the one place that judgement lives; the RPCs of the
-- following migrations call it first. public.interview_session_access(id) exposes it
-- to the functions, with the facts they decide on, so that the functions never need the
-- service role to look at a session.
--
-- Errors (PTxyz, DEVELOPING.md): PT401 not_authenticated; PT404 session_not_found (no
-- such session, or not one the caller can see: existence is not disclosed); PT403
-- not_allowed (a member of the session's tenant without the owner/admin role).

create or replace function private.session_caller_kind(p_session_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when s.candidate_id in (select private.my_candidate_ids()) then 'candidate'
    when s.tenant_id = (select private.tenant_id())
         and (select private.tenant_role()) in ('owner', 'admin') then 'staff'
    when s.tenant_id = (select private.tenant_id()) then 'member'
  end
  from public.interview_sessions s
  where s.id = p_session_id
$$;
comment on function private.session_caller_kind(uuid) is
  'How the caller relates to an interview session: candidate (their linked candidate row), staff (owner/admin of its tenant), member (other role in its tenant), or NULL (none, or no such session). Facts about the caller only.';
revoke all on function private.session_caller_kind(uuid) from public, anon;
grant execute on function private.session_caller_kind(uuid) to authenticated, service_role;

-- Raises the access errors above; returns the caller kind ('candidate' or 'staff').
create or replace function private.require_session_driver(p_session_id uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_kind text;
begin
  if (select auth.uid()) is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in to take part in an interview.';
  end if;
  v_kind := private.session_caller_kind(p_session_id);
  if v_kind is null then
    raise exception using errcode = 'PT404', message = 'session_not_found',
      detail = 'No such interview session among yours.';
  end if;
  if v_kind = 'member' then
    raise exception using errcode = 'PT403', message = 'not_allowed',
      detail = 'Only the candidate, or an owner or admin of the organisation, can do this.';
  end if;
  return v_kind;
end
$$;
comment on function private.require_session_driver(uuid) is
  'The access check of every live-interview RPC: PT401 not_authenticated, PT404 session_not_found, PT403 not_allowed; returns candidate or staff.';
revoke all on function private.require_session_driver(uuid) from public, anon;
grant execute on function private.require_session_driver(uuid) to authenticated;

create or replace function public.interview_session_access(p_session_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_kind text := private.require_session_driver(p_session_id);
  v_session public.interview_sessions%rowtype;
begin
  select s.* into v_session from public.interview_sessions s where s.id = p_session_id;
  return pg_catalog.jsonb_build_object(
    'session_id', v_session.id,
    'tenant_id', v_session.tenant_id,
    'status', v_session.status,
    'caller', v_kind,
    'consent_given', v_session.consent_given_at is not null,
    'ai_opted_out', v_session.ai_opt_out_at is not null,
    'videosdk_room_id', v_session.videosdk_room_id);
end
$$;
comment on function public.interview_session_access(uuid) is
  'Whether the caller may drive this interview session (its linked candidate, or an owner/admin of its tenant) and the facts the live-interview functions decide on: {session_id, tenant_id, status, caller: candidate|staff, consent_given, ai_opted_out, videosdk_room_id}. PT401 not_authenticated, PT404 session_not_found, PT403 not_allowed. SECURITY DEFINER: a candidate cannot read their own candidate link, only this answer.';
revoke all on function public.interview_session_access(uuid) from public, anon;
grant execute on function public.interview_session_access(uuid) to authenticated;
