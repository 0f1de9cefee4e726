-- session_machines: the Fly Machine of an interview session. Matrix: anon, owner/admin/
-- user of A, owner of B, candidate of A, candidate of A and B, service role x select,
-- insert, update, delete. Denied inserts fail with 42501; denied updates affect nothing;
-- nobody but the service role deletes (the row is the machine's history).
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(27);

insert into public.session_machines (session_id, tenant_id, machine_id, state, started_at) values
  ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'machine-a1', 'started', now()),
  ('80000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', 'machine-b2', 'started', now());

select policies_are('public', 'session_machines', array[
  'Members can read their tenant''s session machines',
  'Owners and admins can record machines for their tenant''s sessions',
  'Owners and admins can update their tenant''s session machines'],
  'session_machines has exactly the policies below');

-- owner_a --------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-a1'],
  'Members can read their tenant''s session machines: owner_a sees exactly A''s');
select is(tests.affected_undo($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$), 1,
  'Owners and admins can record machines for their tenant''s sessions: owner_a records one for a session of A');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb', 'starting')$$,
  '42501', null, 'Owners and admins can record machines for their tenant''s sessions: owner_a cannot for a session of B');
select is(tests.affected_undo($$update session_machines set state = 'destroying' where session_id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s session machines: owner_a updates A''s, not B''s');
select throws_ok($$update session_machines set tenant_id = '10000000-0000-0000-0000-0000000000bb' where session_id = '80000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'no update privilege on tenant_id: a machine cannot be moved to another tenant');
select throws_ok($$delete from session_machines where session_id = '80000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'no delete privilege: owner_a cannot erase a machine''s history');

-- admin_a --------------------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-a1'],
  'Members can read their tenant''s session machines: admin_a sees exactly A''s');
select is(tests.affected_undo($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$), 1,
  'Owners and admins can record machines for their tenant''s sessions: admin_a records one for A');
select is(tests.affected_undo($$update session_machines set state = 'destroying' where session_id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s session machines: admin_a updates A''s, not B''s');

-- user_a ---------------------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-a1'],
  'Members can read their tenant''s session machines: user_a (role user) reads A''s');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'Owners and admins can record machines for their tenant''s sessions: user_a (role user) cannot');
select is(tests.affected_undo($$update session_machines set state = 'destroying'$$), 0,
  'Owners and admins can update their tenant''s session machines: user_a updates nothing');

-- owner_b --------------------------------------------------------------------------------
select tests.authenticate_as('owner_b');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-b2'],
  'Members can read their tenant''s session machines: owner_b sees exactly B''s');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'Owners and admins can record machines for their tenant''s sessions: owner_b cannot for A');
select is(tests.affected_undo($$update session_machines set state = 'destroying' where session_id = '80000000-0000-0000-0000-0000000000a1'$$), 0,
  'Owners and admins can update their tenant''s session machines: owner_b updates nothing of A''s');

-- candidates -----------------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select is((select count(*)::int from session_machines), 0,
  'no policy for candidates: cand_a does not see the machine of their own session');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'no insert policy for candidates: cand_a cannot record a machine');
select is(tests.affected_undo($$update session_machines set state = 'destroying'$$), 0,
  'no update policy for candidates: cand_a updates nothing');
select tests.authenticate_as('cand_ab');
select is((select count(*)::int from session_machines), 0,
  'no policy for candidates: cand_ab (candidate of A and B) sees nothing');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', 'starting')$$,
  '42501', null, 'no insert policy for candidates: cand_ab cannot record a machine for their own session in B');

-- anon and service role ------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select count(*) from session_machines$$, '42501', null,
  'anon holds no privilege on session_machines');
select tests.authenticate_as_service_role();
select results_eq($$select machine_id from session_machines where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['machine-a1', 'machine-b2'], 'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$delete from session_machines where session_id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: deletes (the reaper''s clean-up)');

-- constraints ----------------------------------------------------------------------------
reset role;
select throws_ok($$insert into public.session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'started')$$,
  '23514', null, 'a started machine has a machine id');
select throws_ok($$insert into public.session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '23503', null, 'a machine row cannot point at another tenant''s session (composite foreign key)');
select throws_ok($$insert into public.session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '23505', null, 'one machine row per session');

select * from finish();
rollback;
