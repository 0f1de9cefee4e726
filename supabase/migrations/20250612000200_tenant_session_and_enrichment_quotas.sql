-- Quotas per organisation on what the platform pays vendors for.
--
-- Interview tokens already have one (500 a day). The others:
--   * interview sessions: each can get a VideoSDK room (one per session: the room is
--     created with the session id as its custom id, so asking again reuses it) and a Fly
--     machine (one per session). Bounding the sessions an organisation creates bounds
--     both: at most 200 a day. Past it, creating one (invite-candidate,
--     create_candidate_invitation, or an insert through the Data API) fails with PT429
--     (HTTP 429).
--   * People Data Labs enrichments, billed per match: at most 1000 calls a day.
--     reserve_enrichment(p_tenant_id) is asked before each call and records the call;
--     past the limit it answers {granted: false, limit, retry_after_seconds} and records
--     nothing.

create or replace function private.limit_sessions_per_tenant()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_limit constant integer := 200;
  c_window constant interval := interval '1 day';
  v_count integer;
begin
  -- Serialises the tenant's session inserts, so the count is exact under concurrency.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sessions:' || new.tenant_id::text, 0));
  select pg_catalog.count(*) into v_count
  from public.interview_sessions s
  where s.tenant_id = new.tenant_id and s.created_at > pg_catalog.now() - c_window;
  if v_count >= c_limit then
    raise exception using errcode = 'PT429', message = 'too_many_requests',
      detail = pg_catalog.format('At most %s interview sessions per organisation per day.', c_limit);
  end if;
  return new;
end
$$;
comment on function private.limit_sessions_per_tenant() is
  'Trigger: refuses (PT429 too_many_requests) a tenant''s 201st interview session within a day; each session can cost a VideoSDK room and a Fly machine.';
revoke all on function private.limit_sessions_per_tenant() from public, anon, authenticated;

create index interview_sessions_tenant_id_created_at_idx on public.interview_sessions (tenant_id, created_at);

create trigger interview_sessions_limit_per_tenant
  before insert on public.interview_sessions
  for each row execute function private.limit_sessions_per_tenant();

create table private.enrichment_calls (
  id         bigint generated always as identity primary key,
  tenant_id  uuid not null references public.tenants (id) on delete cascade,
  created_at timestamptz not null default pg_catalog.now()
);
comment on table private.enrichment_calls is
  'One row per People Data Labs call made for a tenant (reserve_enrichment), for its daily quota. Not exposed.';
alter table private.enrichment_calls enable row level security;
revoke all on table private.enrichment_calls from public, anon, authenticated;
create index enrichment_calls_tenant_id_created_at_idx on private.enrichment_calls (tenant_id, created_at);

create or replace function public.reserve_enrichment(p_tenant_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_limit constant integer := 1000;
  c_window constant interval := interval '1 day';
  v_count integer;
  v_oldest timestamptz;
begin
  -- Owners and admins enrich their own tenant's candidates; the service role any.
  if (select auth.role()) is distinct from 'service_role' then
    if p_tenant_id is distinct from (select private.tenant_id())
       or (select private.tenant_role()) not in ('owner', 'admin') then
      raise exception using errcode = 'PT403', message = 'forbidden',
        detail = 'Only owners and admins of the organisation enrich its candidates.';
    end if;
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('enrichments:' || p_tenant_id::text, 0));
  select pg_catalog.count(*), pg_catalog.min(e.created_at) into v_count, v_oldest
  from private.enrichment_calls e
  where e.tenant_id = p_tenant_id and e.created_at > pg_catalog.now() - c_window;
  if v_count >= c_limit then
    return pg_catalog.jsonb_build_object(
      'granted', false,
      'limit', c_limit,
      'retry_after_seconds',
        greatest(1, pg_catalog.ceil(extract(epoch from (v_oldest + c_window - pg_catalog.now())))::integer));
  end if;
  insert into private.enrichment_calls (tenant_id) values (p_tenant_id);
  return pg_catalog.jsonb_build_object('granted', true, 'limit', c_limit);
end
$$;
comment on function public.reserve_enrichment(uuid) is
  'Asked before each People Data Labs call for p_tenant_id: records it and answers {granted: true, limit}, or, past 1000 calls in a day, {granted: false, limit, retry_after_seconds} recording nothing. The caller must be an owner or admin of that tenant (PT403 forbidden otherwise) or the service role.';
revoke all on function public.reserve_enrichment(uuid) from public, anon;
grant execute on function public.reserve_enrichment(uuid) to authenticated, service_role;
