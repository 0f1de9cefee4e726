-- The audit log: one row per insert, update and delete on every business table, written
-- by a trigger (attached here to tenants and users, and by each later migration to its
-- own tables). Append-only for everyone but the trigger and erase_candidate(), which
-- redacts the personal data of an erased candidate.

create table public.audit_log (
  id          bigint generated always as identity primary key,
  -- No foreign key: the log must outlive the rows it describes, and a cascading tenant
  -- delete writes audit rows for the very tenant being deleted.
  tenant_id   uuid,
  actor_id    uuid,
  actor_role  text,
  table_name  text not null,
  op          text not null check (op in ('INSERT', 'UPDATE', 'DELETE', 'ERASE')),
  row_id      text,
  old_data    jsonb,
  new_data    jsonb,
  redacted_at timestamptz,
  created_at  timestamptz not null default now()
);
comment on table public.audit_log is
  'Who (actor_id = auth.uid(), actor_role = tenant role, else the database role) did what (table, op, row id, old/new row as jsonb) when, per tenant. Written only by private.audit_row_change(); readable by owners and admins of the tenant. redacted_at marks rows whose data erase_candidate() removed.';

create index audit_log_tenant_id_created_at_idx on public.audit_log (tenant_id, created_at desc);
create index audit_log_tenant_id_row_id_idx on public.audit_log (tenant_id, row_id);

create or replace function private.audit_row_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- SECURITY DEFINER so that callers need no privilege on audit_log (which would let them
-- forge entries). A trigger function cannot be called directly, so its caller is always
-- a statement the caller was allowed to run. TG_ARGV[0] names the key column (default id).
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, v_old);
  v_key text := coalesce(tg_argv[0], 'id');
  v_uid uuid := (select auth.uid());
  v_tenant uuid;
begin
  if tg_table_name = 'tenants' then
    v_tenant := (v_row ->> 'id')::uuid;
  else
    -- A row that moves out of a tenant (erasure) is logged where it was.
    v_tenant := coalesce(v_new ->> 'tenant_id', v_old ->> 'tenant_id')::uuid;
  end if;

  insert into public.audit_log (tenant_id, actor_id, actor_role, table_name, op, row_id, old_data, new_data)
  values (
    v_tenant,
    v_uid,
    coalesce(
      (select u.role from public.users u where u.id = v_uid),
      nullif(pg_catalog.current_setting('role'), 'none'),
      session_user::text),
    tg_table_name,
    tg_op,
    v_row ->> v_key,
    v_old,
    v_new);
  return null;
end
$$;
comment on function private.audit_row_change() is
  'AFTER ROW trigger for every business table: appends the change to public.audit_log. TG_ARGV[0] = key column if not id.';
revoke all on function private.audit_row_change() from public, anon, authenticated;

create trigger tenants_audit
  after insert or update or delete on public.tenants
  for each row execute function private.audit_row_change();

create trigger users_audit
  after insert or update or delete on public.users
  for each row execute function private.audit_row_change();

alter table public.audit_log enable row level security;

create policy "Owners and admins can read their tenant's audit log"
  on public.audit_log for select to authenticated
  using (tenant_id = (select private.tenant_id()) and (select private.can('audit_log', 'read')));

-- No insert/update/delete grant to any API role, service_role included: append-only.
revoke all on table public.audit_log from anon, authenticated, service_role;
grant select on table public.audit_log to authenticated, service_role;
