-- Transcript entries: what was said in an interview, one row per utterance, relayed
-- from the interview room. (session_id, source_event_id) is unique so the relay can
-- retry an insert (upsert / on conflict do nothing) without duplicating a line.
-- Published to Realtime (20250601001500) for the live transcript view.

create table public.transcript_entries (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       uuid not null references public.tenants (id) on delete cascade,
  session_id      uuid not null,
  speaker         text not null check (speaker in ('candidate', 'interviewer', 'system')),
  text            text not null,
  start_ms        integer check (start_ms >= 0),
  end_ms          integer check (end_ms >= 0),
  source_event_id text,
  metadata        jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  constraint transcript_entries_session_fkey foreign key (session_id, tenant_id)
    references public.interview_sessions (id, tenant_id) on delete cascade,
  constraint transcript_entries_source_event_key unique (session_id, source_event_id),
  constraint transcript_entries_end_after_start check (end_ms is null or start_ms is null or end_ms >= start_ms)
);
comment on table public.transcript_entries is
  'One utterance of an interview (speaker, text, start/end in ms from the session start). source_event_id is unique per session for idempotent relay. Tenant members read, owners/admins write, owners delete; the candidate reads the transcripts of their own sessions.';

create index transcript_entries_tenant_id_idx on public.transcript_entries (tenant_id);
create index transcript_entries_session_id_tenant_id_start_ms_idx
  on public.transcript_entries (session_id, tenant_id, start_ms);

create trigger transcript_entries_set_updated_at
  before update on public.transcript_entries
  for each row execute function private.set_updated_at();

create trigger transcript_entries_audit
  after insert or update or delete on public.transcript_entries
  for each row execute function private.audit_row_change();

alter table public.transcript_entries enable row level security;

create policy "Members can read their tenant's transcripts"
  on public.transcript_entries for select to authenticated
  using (tenant_id = (select private.tenant_id()));

create policy "Candidates can read the transcripts of their own sessions"
  on public.transcript_entries for select to authenticated
  using (session_id in (select private.my_session_ids()));

create policy "Owners and admins can add transcript entries to their tenant"
  on public.transcript_entries for insert to authenticated
  with check (tenant_id = (select private.tenant_id()) and (select private.can('transcript_entries', 'create')));

create policy "Owners and admins can update their tenant's transcript entries"
  on public.transcript_entries for update to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('transcript_entries', 'update')))
  with check (tenant_id = (select private.tenant_id()));

create policy "Owners can delete their tenant's transcript entries"
  on public.transcript_entries for delete to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('transcript_entries', 'delete')));

revoke all on table public.transcript_entries from anon, authenticated;
grant select, insert, update, delete on table public.transcript_entries to authenticated;
grant all on table public.transcript_entries to service_role;
