-- Interview insights: the assessment of one session. metrics holds the deterministic
-- transcript metrics (talk ratio, pace, ...); competency_scores holds one object per
-- competency: {"competency_id": uuid, "score": 1-5, "evidence": ["quote", ...]}.
-- Recruiter data: the candidate does not see it.

create table public.interview_insights (
  id                uuid primary key default gen_random_uuid(),
  tenant_id         uuid not null references public.tenants (id) on delete cascade,
  session_id        uuid not null,
  summary           text,
  metrics           jsonb not null default '{}'::jsonb check (jsonb_typeof(metrics) = 'object'),
  competency_scores jsonb not null default '[]'::jsonb check (jsonb_typeof(competency_scores) = 'array'),
  model             text,
  metadata          jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  constraint interview_insights_session_key unique (session_id),
  constraint interview_insights_session_fkey foreign key (session_id, tenant_id)
    references public.interview_sessions (id, tenant_id) on delete cascade
);
comment on table public.interview_insights is
  'The assessment of one interview session (unique per session): summary, metrics jsonb, competency_scores jsonb array of {competency_id, score, evidence[]}. Tenant members read, owners/admins write, owners delete; never visible to candidates.';

create index interview_insights_tenant_id_idx on public.interview_insights (tenant_id);
create index interview_insights_session_id_tenant_id_idx on public.interview_insights (session_id, tenant_id);

create trigger interview_insights_set_updated_at
  before update on public.interview_insights
  for each row execute function private.set_updated_at();

create trigger interview_insights_audit
  after insert or update or delete on public.interview_insights
  for each row execute function private.audit_row_change();

alter table public.interview_insights enable row level security;

create policy "Members can read their tenant's interview insights"
  on public.interview_insights for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Owners and admins can add interview insights to their tenant"
  on public.interview_insights for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('interview_insights', 'create')));

create policy "Owners and admins can update their tenant's interview insights"
  on public.interview_insights for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_insights', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's interview insights"
  on public.interview_insights for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('interview_insights', 'delete')));

revoke all on table public.interview_insights from anon, authenticated;
grant select, insert, update, delete on table public.interview_insights to authenticated;
grant all on table public.interview_insights to service_role;
