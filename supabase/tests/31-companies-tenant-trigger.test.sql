-- The companies tenant-id trigger (the description's, made safe): a missing tenant_id
-- becomes the caller's verified tenant; it never creates a tenant-less row and never
-- lets a row land in another tenant.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(10);

select has_trigger('public', 'companies', 'companies_set_tenant_id', 'companies has the tenant-id trigger');
select is((select prosecdef from pg_proc where oid = 'private.set_tenant_id_from_membership()'::regprocedure), false,
  'the trigger function is not SECURITY DEFINER (the description''s was)');

select tests.authenticate_as('admin_a');
select is(tests.affected($$insert into companies (id, name) values ('30000000-0000-0000-0000-0000000000a2', 'No tenant given')$$), 1,
  'an admin may insert a company without tenant_id');
select is((select tenant_id from companies where id = '30000000-0000-0000-0000-0000000000a2'),
  '10000000-0000-0000-0000-0000000000aa'::uuid, 'the trigger filled in the admin''s tenant');
select throws_ok($$insert into companies (tenant_id, name) values ('10000000-0000-0000-0000-0000000000bb', 'Planted in B')$$, '42501', null,
  'an explicit tenant_id of another tenant is refused by the policy, not overwritten');

-- a forged claim does not fill the tenant: the membership decides
select tests.authenticate_as('outsider');
select tests.set_claims(jsonb_set(tests.claims(), '{app_metadata,tenant_id}', '"10000000-0000-0000-0000-0000000000aa"'));
select throws_ok($$insert into companies (name) values ('Sneaky')$$, '42501', null,
  'a non-member with a forged tenant claim gets no tenant and the insert is refused');
select tests.authenticate_as('cand_a');
select throws_ok($$insert into companies (name) values ('Candidate Co')$$, '42501', null,
  'a candidate (no tenant) cannot insert a company: the row would be tenant-less');

select tests.authenticate_as_service_role();
select throws_ok($$insert into companies (name) values ('Nobody''s')$$, '23502', null,
  'no NULL-tenant companies, even from the service role (tenant_id is NOT NULL)');

reset role;
select is(
  (select count(*)::int from public.companies where tenant_id is null), 0,
  'there are no tenant-less companies');
select tests.authenticate_as('owner_b');
select throws_ok($$update companies set tenant_id = null where id = '30000000-0000-0000-0000-0000000000b1'$$, '42501', null,
  'Owners and admins can update their tenant''s companies: owner_b cannot make a company tenant-less');

select * from finish();
rollback;
