-- interview_invitations: single-use invitation tokens (stored as sha256).
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(36);

select policies_are('public', 'interview_invitations', array[
  'Members can read their tenant''s invitations',
  'Owners and admins can update their tenant''s invitations',
  'Owners can delete their tenant''s invitations'],
  'interview_invitations has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from interview_invitations order by id$$, '42501', null,
  'anon holds no privilege on interview_invitations: read fails with 42501');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$, '42501', null,
  'anon holds no privilege on interview_invitations: add fails with 42501');
select throws_ok($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'anon holds no privilege on interview_invitations: update fails with 42501');
select throws_ok($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$, '42501', null,
  'anon holds no privilege on interview_invitations: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from interview_invitations order by id$$,
  array['90000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s invitations: owner_a sees exactly tenant A''s');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$, '42501', null,
  'no insert grant on invitations: owner_a must use create_candidate_invitation() (42501)');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update their tenant''s invitations: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners can delete their tenant''s invitations: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from interview_invitations order by id$$,
  array['90000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s invitations: admin_a sees exactly tenant A''s');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$, '42501', null,
  'no insert grant on invitations: admin_a must use create_candidate_invitation() (42501)');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update their tenant''s invitations: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete their tenant''s invitations: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from interview_invitations order by id$$,
  array['90000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s invitations: user_a sees exactly tenant A''s');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$, '42501', null,
  'no insert grant on invitations: user_a cannot add one');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners and admins can update their tenant''s invitations: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete their tenant''s invitations: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from interview_invitations order by id$$,
  array['90000000-0000-0000-0000-0000000000b9']::uuid[],
  'Members can read their tenant''s invitations: user_b sees exactly tenant B''s');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000b9', 'prospect-b@fixture.test', sha256('forged'))$$, '42501', null,
  'no insert grant on invitations: user_b cannot add one');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners and admins can update their tenant''s invitations: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'Owners can delete their tenant''s invitations: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from interview_invitations order by id$$,
  array[]::uuid[],
  'no policy lets cand_a (candidate of A) read invitations: sees nothing');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$, '42501', null,
  'no insert grant on invitations: cand_a cannot add one');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from interview_invitations order by id$$,
  array[]::uuid[],
  'no policy lets cand_ab (candidate of A and B) read invitations: sees nothing');
select throws_ok($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$, '42501', null,
  'no insert grant on invitations: cand_ab cannot add one');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from interview_invitations where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into interview_invitations (tenant_id, candidate_id, email, token_hash) values ('10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a9', 'prospect-a@fixture.test', sha256('forged'))$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update interview_invitations set revoked_at = now() where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from interview_invitations where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$update interview_invitations set email = 'attacker@evil.test' where id = '90000000-0000-0000-0000-0000000000a1'$$, '42501', null,
  'an invitation''s email cannot be rewritten (no update grant on email)');
select throws_ok($$update interview_invitations set used_at = null where id = '90000000-0000-0000-0000-0000000000a1'$$, '42501', null,
  'a used invitation cannot be made unused again (no update grant on used_at)');
select is(tests.affected_undo($$update interview_invitations set expires_at = now() + interval '1 day' where id = '90000000-0000-0000-0000-0000000000a1'$$), 1,
  'Owners and admins can update their tenant''s invitations: owner_a can change the expiry');

select * from finish();
rollback;
