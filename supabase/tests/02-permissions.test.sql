-- The helpers every policy relies on and the permission matrix behind them:
-- private.tenant_id(), private.tenant_role(), private.can() / user_has_permission().
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(39);

-- user_has_permission: owner everything, admin all but delete, user read only
select tests.authenticate_as('owner_a');
select is(private.tenant_id(), '10000000-0000-0000-0000-0000000000aa'::uuid, 'private.tenant_id(): owner_a''s token and membership say tenant A');
select is(private.tenant_role(), 'owner', 'private.tenant_role(): owner_a is owner');
select results_eq(
  $$select a, user_has_permission('positions', a) from unnest(array['read', 'create', 'update', 'delete']) a$$,
  $$values ('read', true), ('create', true), ('update', true), ('delete', true)$$,
  'user_has_permission: an owner may read, create, update and delete positions');

select tests.authenticate_as('admin_a');
select results_eq(
  $$select a, user_has_permission('positions', a) from unnest(array['read', 'create', 'update', 'delete']) a$$,
  $$values ('read', true), ('create', true), ('update', true), ('delete', false)$$,
  'user_has_permission: an admin may do everything but delete');

select tests.authenticate_as('user_a');
select results_eq(
  $$select a, user_has_permission('positions', a) from unnest(array['read', 'create', 'update', 'delete']) a$$,
  $$values ('read', true), ('create', false), ('update', false), ('delete', false)$$,
  'user_has_permission: a user may only read');

select tests.authenticate_as('owner_a');
select ok(not user_has_permission('no_such_table', 'read'), 'user_has_permission: an unknown resource is refused, even to an owner');
select ok(not user_has_permission('positions', 'truncate'), 'user_has_permission: an unknown action is refused, even to an owner');
select ok(not user_has_permission(null, 'read'), 'user_has_permission: a NULL resource is refused');
select ok(not user_has_permission('positions', null), 'user_has_permission: a NULL action is refused');
select ok(not user_has_permission('tenants', 'create'), 'user_has_permission: nobody creates tenants through the API (create_tenant does)');
select ok(not user_has_permission('tenants', 'delete'), 'user_has_permission: nobody deletes tenants through the API');
select ok(user_has_permission('tenants', 'update'), 'user_has_permission: an owner may rename the tenant');
select ok(user_has_permission('audit_log', 'read'), 'user_has_permission: an owner may read the audit log');
select ok(not user_has_permission('audit_log', 'create'), 'user_has_permission: nobody writes the audit log');
select ok(user_has_permission('resumes', 'delete'), 'user_has_permission: an owner may delete resume files');
select tests.authenticate_as('user_a');
select ok(not user_has_permission('audit_log', 'read'), 'user_has_permission: a user may not read the audit log');
select tests.authenticate_as('admin_a');
select ok(user_has_permission('audit_log', 'read'), 'user_has_permission: an admin may read the audit log');
select ok(not user_has_permission('resumes', 'delete'), 'user_has_permission: an admin may not delete resume files');

-- everyone who is not a member: nothing
select tests.authenticate_as('cand_ab');
select is(private.tenant_id(), null::uuid, 'private.tenant_id(): a candidate has no tenant');
select ok(not user_has_permission('positions', 'read'), 'user_has_permission: a candidate has no tenant permission');
select tests.authenticate_as('outsider');
select is(private.tenant_role(), null, 'private.tenant_role(): NULL for a user with no membership');
select ok(not user_has_permission('positions', 'read'), 'user_has_permission: nothing for a user with no membership');
select tests.authenticate_as_service_role();
select ok(not user_has_permission('positions', 'read'), 'user_has_permission: the service role has no tenant (it bypasses RLS instead)');
select tests.clear_authentication();
select throws_ok($$select user_has_permission('positions', 'read')$$, '42501', null, 'anon cannot call user_has_permission');

-- the claim is honoured only with a matching membership
select tests.authenticate_as('owner_a');
select tests.set_claims(
  jsonb_set(tests.claims(), '{app_metadata,tenant_id}', '"10000000-0000-0000-0000-0000000000bb"'));
select is(private.tenant_id(), null::uuid, 'a token naming a tenant the user is not a member of gives no tenant');
select is_empty($$select id from positions$$, 'and no rows: owner_a with a forged tenant B claim sees nothing');

select tests.set_claims(
  jsonb_set(tests.claims(), '{app_metadata,tenant_id}', '"not-a-uuid"'));
select is(private.tenant_id(), null::uuid, 'a malformed tenant claim means no tenant, not an error');

select tests.set_claims(tests.claims() #- '{app_metadata,tenant_id}');
select is(private.tenant_id(), null::uuid, 'a token without a tenant claim gives no tenant, even for a member');

select tests.authenticate_as('owner_a');
select tests.set_claims(
  jsonb_set(tests.claims() #- '{app_metadata,tenant_id}', '{tenant_id}', '"10000000-0000-0000-0000-0000000000aa"'));
select is(private.tenant_id(), null::uuid, 'a top-level tenant_id claim is ignored (only app_metadata counts)');

select tests.authenticate_as('owner_a');
select tests.set_claims(
  jsonb_set(tests.claims(), '{user_metadata}', '{"tenant_id": "10000000-0000-0000-0000-0000000000bb", "role": "owner"}'));
select is(private.tenant_id(), '10000000-0000-0000-0000-0000000000aa'::uuid, 'user_metadata (user-editable) cannot change the tenant');

-- the role comes from the membership, now, not from the token
select tests.authenticate_as('admin_a');
reset role;
update public.users set role = 'user' where id = '20000000-0000-0000-0000-0000000000a2';
set local role authenticated;
select is(tests.claims() -> 'app_metadata' ->> 'role', 'admin', 'admin_a''s token still says admin');
select is(private.tenant_role(), 'user', 'private.tenant_role(): but the demotion counts at once');
select throws_ok($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'x')$$, '42501', null,
  'a demoted admin can no longer add positions');

select tests.authenticate_as('user_a');
reset role;
update public.users set role = 'admin' where id = '20000000-0000-0000-0000-0000000000a3';
set local role authenticated;
select is(private.tenant_role(), 'admin', 'a promoted user is an admin at once');
select is(tests.affected_undo($$insert into positions (tenant_id, title) values ('10000000-0000-0000-0000-0000000000aa', 'x')$$), 1,
  'a promoted user can add positions without a new token');

-- helpers are not for anon, and not exposed
select tests.clear_authentication();
select throws_ok($$select private.tenant_id()$$, '42501', null, 'anon cannot use the private helpers');
reset role;
select ok(not has_function_privilege('anon', 'private.my_candidate_ids()', 'execute'), 'anon cannot execute private.my_candidate_ids');
select ok(has_function_privilege('authenticated', 'private.my_candidate_ids()', 'execute'),
  'signed-in users can execute the helpers their policies call');
select is(
  (select array_agg(nspname::text) from pg_namespace where nspname = 'private' and has_schema_privilege('anon', oid, 'usage')),
  null, 'private is not usable by anon');

select * from finish();
rollback;
