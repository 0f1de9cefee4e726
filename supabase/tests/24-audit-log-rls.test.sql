-- audit_log: append-only; owners and admins read their tenants entries.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(35);

select policies_are('public', 'audit_log', array[
  'Owners and admins can read their tenant''s audit log'],
  'audit_log has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select distinct tenant_id from audit_log order by 1$$, '42501', null,
  'anon holds no privilege on audit_log: read fails with 42501');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'anon holds no privilege on audit_log: add fails with 42501');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'anon holds no privilege on audit_log: update fails with 42501');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'anon holds no privilege on audit_log: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select distinct tenant_id from audit_log order by 1$$,
  array['10000000-0000-0000-0000-0000000000aa']::uuid[],
  'Owners and admins can read their tenant''s audit log: owner_a sees A''s entries only');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: owner_a cannot insert (42501)');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000bb', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: owner_a cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: owner_a cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: owner_a cannot delete (42501)');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select distinct tenant_id from audit_log order by 1$$,
  array['10000000-0000-0000-0000-0000000000aa']::uuid[],
  'Owners and admins can read their tenant''s audit log: admin_a sees A''s entries only');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: admin_a cannot insert (42501)');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000bb', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: admin_a cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: admin_a cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: admin_a cannot delete (42501)');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select distinct tenant_id from audit_log order by 1$$,
  array[]::uuid[],
  'Owners and admins can read their tenant''s audit log: user_a (role user) sees nothing');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: user_a (role user, tenant A) cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: user_a (role user, tenant A) cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: user_a (role user, tenant A) cannot delete (42501)');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select distinct tenant_id from audit_log order by 1$$,
  array[]::uuid[],
  'Owners and admins can read their tenant''s audit log: user_b (role user) sees nothing');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000bb', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: user_b (role user, tenant B) cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: user_b (role user, tenant B) cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: user_b (role user, tenant B) cannot delete (42501)');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select distinct tenant_id from audit_log order by 1$$,
  array[]::uuid[],
  'no policy lets cand_a (candidate of A) read the audit log: sees nothing');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: cand_a (candidate of A) cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: cand_a (candidate of A) cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: cand_a (candidate of A) cannot delete (42501)');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select distinct tenant_id from audit_log order by 1$$,
  array[]::uuid[],
  'no policy lets cand_ab (candidate of A and B) read the audit log: sees nothing');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'only the audit trigger writes the audit log: cand_ab (candidate of A and B) cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: cand_ab (candidate of A and B) cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: cand_ab (candidate of A and B) cannot delete (42501)');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select distinct tenant_id from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select throws_ok($$insert into audit_log (tenant_id, table_name, op) values ('10000000-0000-0000-0000-0000000000aa', 'positions', 'DELETE')$$, '42501', null,
  'the audit log is append-only by trigger: even the service role cannot insert (42501)');
select throws_ok($$update audit_log set old_data = null where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: even the service role cannot update (42501)');
select throws_ok($$delete from audit_log where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb')$$, '42501', null,
  'the audit log is append-only: even the service role cannot delete (42501)');

select * from finish();
rollback;
