-- The candidate's own view: a signed-in candidate (an account linked to candidate rows
-- by link_candidate_account) lists their interview sessions across every tenant that
-- invited them, with the position title and the company name of each, and records
-- consent or AI opt-out on one of them.
--
-- Why an RPC and not a `security_invoker` view: such a view shows only what the tables'
-- policies show, so it would need new candidate policies on companies (and keep relying
-- on the whole-row candidate policy on positions). A policy cannot narrow columns, so
-- those rows would then be readable whole through /rest/v1/companies too: website,
-- industry, size, description, metadata, all "else of those tenants". A SECURITY DEFINER
-- function returning exactly the columns below exposes nothing through the tables, filters
-- on the caller's own candidate rows (auth.uid() -> candidates.auth_id) before anything
-- else, and is not a "security definer view" (splinter 0010). The table policies stay as
-- they are.
--
-- record_session_consent is SECURITY INVOKER: the candidate's existing update policy and
-- the guard trigger (20250601000800) already limit what a candidate may change and stamp
-- the server's clock; the RPC narrows it further to "consent and/or AI opt-out on a
-- session of mine that is still open" and refuses tenant staff recording consent for a
-- candidate.

create or replace function public.candidate_sessions()
returns table (
  session_id uuid,
  status text,
  scheduled_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  consent_given_at timestamptz,
  ai_opt_out_at timestamptz,
  invited_at timestamptz,
  position_id uuid,
  position_title text,
  company_name text,
  organization_name text
)
language sql
stable
security definer
set search_path = ''
as $$
  select s.id, s.status, s.scheduled_at, s.started_at, s.ended_at, s.consent_given_at,
         s.ai_opt_out_at, s.created_at, p.id, p.title, co.name, t.name
  from public.candidates c
  join public.interview_sessions s on s.candidate_id = c.id
  join public.positions p on p.id = s.position_id and p.tenant_id = s.tenant_id
  join public.tenants t on t.id = s.tenant_id
  left join public.companies co on co.id = p.company_id and co.tenant_id = p.tenant_id
  where c.auth_id = (select auth.uid())
    and (select auth.uid()) is not null
  order by coalesce(s.scheduled_at, s.created_at) desc, s.id
$$;
comment on function public.candidate_sessions() is
  'The signed-in candidate''s interview sessions in every tenant that invited them: status, dates, consent, the position title, the company name (NULL if the position has none) and the organisation name. Nothing else of those tenants. Rows come only from candidate rows linked to auth.uid(); anyone else gets no rows. SECURITY DEFINER so that no table policy has to widen (see the migration header).';
revoke all on function public.candidate_sessions() from public, anon;
grant execute on function public.candidate_sessions() to authenticated;

create or replace function public.record_session_consent(
  p_session_id uuid,
  p_consent boolean default true,
  p_ai_opt_out boolean default false
)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_session public.interview_sessions%rowtype;
begin
  if (select auth.uid()) is null then
    raise exception using errcode = 'PT401', message = 'not_authenticated',
      detail = 'Sign in to record your consent.';
  end if;
  if not coalesce(p_consent, false) and not coalesce(p_ai_opt_out, false) then
    raise exception using errcode = 'PT400', message = 'nothing_to_record',
      detail = 'Give consent, opt out of AI assessment, or both.';
  end if;

  -- Only a session of the caller's own candidate rows; staff of the tenant see the row
  -- through their own policy, but consent is the candidate's to give.
  select s.* into v_session
  from public.interview_sessions s
  where s.id = p_session_id
    and s.candidate_id in (select private.my_candidate_ids())
  for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'session_not_found',
      detail = 'No such interview among yours.';
  end if;
  if v_session.status in ('completed', 'cancelled', 'expired') then
    raise exception using errcode = 'PT409', message = 'session_closed',
      detail = pg_catalog.format('This interview is %s.', v_session.status);
  end if;

  -- Recorded once: a second call keeps the first timestamps (the guard trigger refuses
  -- rewriting them anyway), so retrying is harmless.
  update public.interview_sessions s
  set consent_given_at = case when p_consent then coalesce(s.consent_given_at, pg_catalog.now()) else s.consent_given_at end,
      ai_opt_out_at = case when p_ai_opt_out then coalesce(s.ai_opt_out_at, pg_catalog.now()) else s.ai_opt_out_at end
  where s.id = v_session.id
  returning s.* into v_session;

  return pg_catalog.jsonb_build_object(
    'session_id', v_session.id,
    'status', v_session.status,
    'consent_given_at', v_session.consent_given_at,
    'ai_opt_out_at', v_session.ai_opt_out_at);
end
$$;
comment on function public.record_session_consent(uuid, boolean, boolean) is
  'The signed-in candidate records consent (p_consent) and/or AI opt-out (p_ai_opt_out) on one of their own open sessions; stamped with the server''s clock, once (a repeat keeps the first timestamps). SECURITY INVOKER: runs under the candidate''s update policy and the guard trigger. PT401 not_authenticated; PT400 nothing_to_record; PT404 session_not_found (not the caller''s, or unknown); PT409 session_closed. Returns {session_id, status, consent_given_at, ai_opt_out_at}.';
revoke all on function public.record_session_consent(uuid, boolean, boolean) from public, anon;
grant execute on function public.record_session_consent(uuid, boolean, boolean) to authenticated;
