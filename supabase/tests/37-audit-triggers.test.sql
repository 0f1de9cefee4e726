-- The audit triggers: every business table, every verb, who/what/when.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(30);

-- every business table carries the trigger, AFTER INSERT OR UPDATE OR DELETE, per row
select ok(
  exists (select 1 from pg_trigger tg
          where tg.tgrelid = ('public.' || t)::regclass and not tg.tgisinternal
            and tg.tgfoid = 'private.audit_row_change()'::regprocedure
            and tg.tgtype & 1 = 1          -- row
            and tg.tgtype & 2 = 0          -- after
            and tg.tgtype & 28 = 28),      -- insert, delete, update
  format('%s is audited (after insert, update and delete, per row)', t))
from unnest(array['tenants', 'users', 'companies', 'candidates', 'candidate_tenants', 'candidate_profiles',
                  'positions', 'competencies', 'position_competencies', 'interview_sessions',
                  'interview_invitations', 'transcript_entries', 'interview_insights', 'resume_jobs']) t;
select is(
  array(select c.relname::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname <> 'audit_log'
          and not exists (select 1 from pg_trigger tg where tg.tgrelid = c.oid and tg.tgfoid = 'private.audit_row_change()'::regprocedure)),
  '{}'::text[], 'no business table is left unaudited');

-- insert, update, delete by admin_a
select tests.authenticate_as('admin_a');
select is(tests.affected($$insert into positions (id, tenant_id, title) values ('50000000-0000-0000-0000-0000000000a3', '10000000-0000-0000-0000-0000000000aa', 'Audited')$$), 1,
  'admin_a adds a position');
select is(tests.affected($$update positions set title = 'Audited twice' where id = '50000000-0000-0000-0000-0000000000a3'$$), 1,
  'admin_a renames it');
select tests.authenticate_as('owner_a');
select is(tests.affected($$delete from positions where id = '50000000-0000-0000-0000-0000000000a3'$$), 1,
  'owner_a deletes it');
reset role;
select results_eq(
  $$select tenant_id, actor_id, actor_role, table_name, op, old_data ->> 'title', new_data ->> 'title'
    from public.audit_log where row_id = '50000000-0000-0000-0000-0000000000a3' order by id$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid, '20000000-0000-0000-0000-0000000000a2'::uuid, 'admin'::text, 'positions'::text, 'INSERT'::text, null::text, 'Audited'::text),
           ('10000000-0000-0000-0000-0000000000aa'::uuid, '20000000-0000-0000-0000-0000000000a2'::uuid, 'admin'::text, 'positions'::text, 'UPDATE'::text, 'Audited'::text, 'Audited twice'::text),
           ('10000000-0000-0000-0000-0000000000aa'::uuid, '20000000-0000-0000-0000-0000000000a1'::uuid, 'owner'::text, 'positions'::text, 'DELETE'::text, 'Audited twice'::text, null::text)$$,
  'insert, update and delete are logged with tenant, actor, role, table, op, old and new row');
select is(
  (select count(distinct created_at)::int from public.audit_log where row_id = '50000000-0000-0000-0000-0000000000a3'), 1,
  'each entry is timestamped (the transaction time)');
select is(
  (select new_data from public.audit_log where row_id = '50000000-0000-0000-0000-0000000000a3' and op = 'INSERT') ->> 'id',
  '50000000-0000-0000-0000-0000000000a3', 'new_data is the whole row as jsonb');

-- actor roles outside tenant users
select tests.authenticate_as_service_role();
select is(tests.affected($$update companies set website = 'https://b.test' where id = '30000000-0000-0000-0000-0000000000b1'$$), 1,
  'the service role changes a company of B');
reset role;
select results_eq(
  $$select tenant_id, actor_id, actor_role from public.audit_log where row_id = '30000000-0000-0000-0000-0000000000b1' and op = 'UPDATE'$$,
  $$values ('10000000-0000-0000-0000-0000000000bb'::uuid, null::uuid, 'service_role'::text)$$,
  'a service-role change is logged in B''s log with role service_role and no user');
select tests.authenticate_as('cand_ab');
select is(tests.affected($$update interview_sessions set ai_opt_out_at = now() where id = '80000000-0000-0000-0000-0000000000b2'$$), 1,
  'cand_ab records an AI opt-out');
reset role;
select results_eq(
  $$select tenant_id, actor_id, actor_role from public.audit_log where row_id = '80000000-0000-0000-0000-0000000000b2' and op = 'UPDATE' and actor_id is not null$$,
  $$values ('10000000-0000-0000-0000-0000000000bb'::uuid, '20000000-0000-0000-0000-0000000000c2'::uuid, 'authenticated'::text)$$,
  'a candidate''s change is logged with their user id');
select results_eq(
  $$select tenant_id, actor_role from public.audit_log where table_name = 'tenants' and row_id = '10000000-0000-0000-0000-0000000000aa' and op = 'INSERT'$$,
  $$values ('10000000-0000-0000-0000-0000000000aa'::uuid, 'postgres'::text)$$,
  'a tenant''s own entries are in its own log; a migration or seed is logged as postgres');
select is(
  (select row_id from public.audit_log where table_name = 'candidate_tenants' and op = 'INSERT'
     and tenant_id = '10000000-0000-0000-0000-0000000000bb' and new_data ->> 'candidate_id' = '40000000-0000-0000-0000-0000000000ab'),
  '40000000-0000-0000-0000-0000000000ab', 'candidate_tenants entries are keyed by candidate_id in the tenant''s log');

-- nobody writes the log but the trigger
select throws_ok($$select private.audit_row_change()$$, '0A000', null,
  'the audit function cannot be called directly (trigger functions run only as triggers)');
select tests.authenticate_as('owner_a');
select throws_ok($$select private.audit_row_change()$$, null, null,
  'nor by a signed-in user');
select is_empty($$select 1 from audit_log where tenant_id <> '10000000-0000-0000-0000-0000000000aa'$$,
  'owner_a reads only A''s entries, though B''s exist');

select * from finish();
rollback;
