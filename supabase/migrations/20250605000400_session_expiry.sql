-- Session lifecycle, the parts 20250601000800 leaves open: what happens to invitations
-- when their session closes, and the scheduled job that expires stale sessions.
--
-- The transitions themselves (invited -> scheduled -> in_progress -> completed, or
-- cancelled/expired; PT409 invalid_status_transition otherwise; consent before start)
-- are enforced for every caller by private.enforce_session_status(), unchanged here.
--
-- 1. A session that is cancelled or expires takes its open invitations with it
--    (revoked_at), so an old link cannot be redeemed for an interview that will not
--    happen (link_candidate_account answers PT410 invitation_expired).
--
-- 2. public.expire_stale_sessions() marks expired:
--    * invited sessions whose invitations have all run out unused: at least one
--      invitation, none used, none still open (unrevoked and unexpired);
--    * scheduled sessions whose interview time passed more than 24 hours ago without
--      being started (a no-show).
--    Invitations need no marking of their own: an invitation is expired by its
--    expires_at, which link_candidate_account checks. The function is idempotent and
--    safe to run at any frequency.
--
--    Production: schedule it with pg_cron (Dashboard -> Database -> Extensions ->
--    pg_cron, or `create extension pg_cron with schema pg_catalog;`), then
--      select cron.schedule('expire-stale-sessions', '*/15 * * * *',
--                           'select public.expire_stale_sessions()');
--    The block at the end of this migration does that already when pg_cron is installed
--    at migration time. pg_cron runs jobs as the role that scheduled them (postgres),
--    which bypasses RLS. Elsewhere (the local stack has no pg_cron) call it as the service
--    role: POST /rest/v1/rpc/expire_stale_sessions with the service key.
--
--    SECURITY INVOKER: it works across tenants, which only its callers (postgres,
--    service_role; both bypass RLS) may do; no API user role may execute it.

create or replace function private.revoke_invitations_of_closed_session()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.interview_invitations i
  set revoked_at = pg_catalog.now()
  where i.session_id = new.id
    and i.tenant_id = new.tenant_id
    and i.used_at is null
    and i.revoked_at is null;
  return null;
end
$$;
comment on function private.revoke_invitations_of_closed_session() is
  'AFTER UPDATE OF status trigger on interview_sessions: when a session becomes cancelled or expired, its open invitations are revoked. Runs as the caller (staff have the revoked_at grant and policy; the expiry job bypasses RLS).';
revoke all on function private.revoke_invitations_of_closed_session() from public, anon, authenticated;

create trigger interview_sessions_revoke_invitations
  after update of status on public.interview_sessions
  for each row
  when (new.status in ('cancelled', 'expired') and old.status is distinct from new.status)
  execute function private.revoke_invitations_of_closed_session();

create or replace function public.expire_stale_sessions()
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  with stale as (
    select s.id
    from public.interview_sessions s
    where (s.status = 'invited'
           and exists (select 1 from public.interview_invitations i
                       where i.session_id = s.id and i.tenant_id = s.tenant_id)
           and not exists (select 1 from public.interview_invitations i
                           where i.session_id = s.id and i.tenant_id = s.tenant_id
                             and (i.used_at is not null
                                  or (i.revoked_at is null and i.expires_at > pg_catalog.now()))))
       or (s.status = 'scheduled'
           and s.scheduled_at < pg_catalog.now() - interval '24 hours')
    for update skip locked
  ),
  expired as (
    update public.interview_sessions s
    set status = 'expired'
    from stale
    where s.id = stale.id
    returning s.id
  )
  select coalesce(pg_catalog.array_agg(expired.id order by expired.id), '{}') into v_ids from expired;

  return pg_catalog.jsonb_build_object(
    'expired_sessions', pg_catalog.cardinality(v_ids),
    'session_ids', pg_catalog.to_jsonb(v_ids),
    'ran_at', pg_catalog.now());
end
$$;
comment on function public.expire_stale_sessions() is
  'Scheduled job: marks expired the invited sessions whose invitations all ran out unused and the scheduled sessions more than 24 h past their time without a start; their open invitations are revoked by trigger. Idempotent. Returns {expired_sessions, session_ids, ran_at}. Executable by postgres (pg_cron) and service_role only.';
revoke all on function public.expire_stale_sessions() from public, anon, authenticated;
grant execute on function public.expire_stale_sessions() to service_role;

-- Schedule it where pg_cron is available (hosted projects with the extension enabled).
do $schedule$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    execute $sql$select cron.schedule('expire-stale-sessions', '*/15 * * * *', 'select public.expire_stale_sessions()')$sql$;
  end if;
end
$schedule$;
