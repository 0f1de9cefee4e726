-- session_machines: the Fly Machine of an interview session. Matrix: anon, owner/admin/
-- user of A, owner of B, candidate of A, candidate of A and B, service role x select,
-- insert, update, delete. Members read their tenant's rows; nobody but the service role
-- (session-vm, after checking its caller) writes them: a user who could write a machine
-- id could make session-vm destroy any machine of the app. Denied writes fail with 42501.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(30);

insert into public.session_machines (session_id, tenant_id, machine_id, state, started_at) values
  ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'machine-a1', 'started', now()),
  ('80000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', 'machine-b2', 'started', now());

select policies_are('public', 'session_machines', array[
  'Members can read their tenant''s session machines'],
  'session_machines has exactly the policies below');

-- owner_a --------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-a1'],
  'Members can read their tenant''s session machines: owner_a sees exactly A''s');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'only session-vm writes machines: owner_a records one for a session of A');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb', 'starting')$$,
  '42501', null, 'only session-vm writes machines: owner_a cannot for a session of B');
select throws_ok($$update session_machines set state = 'destroying' where session_id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2')$$,
  '42501', null, 'only session-vm writes machines: owner_a updates A''s, not B''s');
select throws_ok($$update session_machines set tenant_id = '10000000-0000-0000-0000-0000000000bb' where session_id = '80000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'no update privilege on tenant_id: a machine cannot be moved to another tenant');
select throws_ok($$delete from session_machines where session_id = '80000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'no delete privilege: owner_a cannot erase a machine''s history');

-- admin_a --------------------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-a1'],
  'Members can read their tenant''s session machines: admin_a sees exactly A''s');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'only session-vm writes machines: admin_a records one for A');
select throws_ok($$update session_machines set state = 'destroying' where session_id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2')$$,
  '42501', null, 'only session-vm writes machines: admin_a updates A''s, not B''s');

-- user_a ---------------------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-a1'],
  'Members can read their tenant''s session machines: user_a (role user) reads A''s');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'only session-vm writes machines: user_a (role user) cannot');
select throws_ok($$update session_machines set state = 'destroying'$$, '42501', null,
  'only session-vm writes machines: user_a cannot update');

-- owner_b --------------------------------------------------------------------------------
select tests.authenticate_as('owner_b');
select results_eq($$select machine_id from session_machines order by 1$$, array['machine-b2'],
  'Members can read their tenant''s session machines: owner_b sees exactly B''s');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'only session-vm writes machines: owner_b cannot for A');
select throws_ok($$update session_machines set state = 'destroying' where session_id = '80000000-0000-0000-0000-0000000000a1'$$, '42501', null,
  'only session-vm writes machines: owner_b cannot update');

-- candidates -----------------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select is((select count(*)::int from session_machines), 0,
  'no policy for candidates: cand_a does not see the machine of their own session');
select throws_ok($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'starting')$$,
  '42501', null, 'no insert policy for candidates: cand_a cannot record a machine');
select throws_ok($$update session_machines set state = 'destroying'$$, '42501', null,
  'only session-vm writes machines: cand_a cannot update');
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
select is(tests.affected_undo($$insert into session_machines (session_id, tenant_id, state) values ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'starting')$$), 1,
  'the service role records a machine (session-vm)');
select is(tests.affected_undo($$update session_machines set state = 'destroying' where session_id = '80000000-0000-0000-0000-0000000000a1'$$), 1,
  'and updates one');
select hasnt_column('public', 'interview_sessions', 'fly_machine_id',
  'no machine id on the session, where every reader of the session (candidates included) would see it');

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
