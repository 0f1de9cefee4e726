-- transcript_entries: what was said in an interview; candidates read their own.
-- Matrix: anon, owner/admin/user of tenant A, user of tenant B, candidate of A, candidate
-- of A and B, service role  x  select, insert, update, delete. Denied inserts fail with
-- 42501; denied updates and deletes affect nothing (or fail with 42501 where no grant
-- exists); denied reads see nothing. Allowed writes are undone right away.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(40);

select policies_are('public', 'transcript_entries', array[
  'Members can read their tenant''s transcripts',
  'Owners and admins can add transcript entries to their tenant',
  'Owners and admins can update their tenant''s transcript entries',
  'Owners can delete their tenant''s transcript entries',
  'Candidates can read the transcripts of their own sessions'],
  'transcript_entries has exactly the policies below');

-- anon ------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select id from transcript_entries order by id$$, '42501', null,
  'anon holds no privilege on transcript_entries: read fails with 42501');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$, '42501', null,
  'anon holds no privilege on transcript_entries: add fails with 42501');
select throws_ok($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$, '42501', null,
  'anon holds no privilege on transcript_entries: update fails with 42501');
select throws_ok($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$, '42501', null,
  'anon holds no privilege on transcript_entries: delete fails with 42501');

-- owner_a ---------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select results_eq($$select id from transcript_entries order by id$$,
  array['a0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s transcripts: owner_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$), 1,
  'Owners and admins can add transcript entries to their tenant: owner_a adds to A');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b2', 'candidate', 'More Figma.', 1300, 2000, 'evt-new')$$, '42501', null,
  'Owners and admins can add transcript entries to their tenant: owner_a cannot add to B');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s transcript entries: owner_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners can delete their tenant''s transcript entries: owner_a deletes A''s, not B''s');

-- admin_a ---------------------------------------------------------------------
select tests.authenticate_as('admin_a');
select results_eq($$select id from transcript_entries order by id$$,
  array['a0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s transcripts: admin_a sees exactly tenant A''s');
select is(tests.affected_undo($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$), 1,
  'Owners and admins can add transcript entries to their tenant: admin_a adds to A');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b2', 'candidate', 'More Figma.', 1300, 2000, 'evt-new')$$, '42501', null,
  'Owners and admins can add transcript entries to their tenant: admin_a cannot add to B');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 1,
  'Owners and admins can update their tenant''s transcript entries: admin_a updates A''s, not B''s');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s transcript entries: admin_a (not an owner) deletes nothing');

-- user_a ----------------------------------------------------------------------
select tests.authenticate_as('user_a');
select results_eq($$select id from transcript_entries order by id$$,
  array['a0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Members can read their tenant''s transcripts: user_a sees exactly tenant A''s');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$, '42501', null,
  'Owners and admins can add transcript entries to their tenant: user_a (role user) cannot add');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners and admins can update their tenant''s transcript entries: user_a (role user, tenant A) updates nothing');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s transcript entries: user_a (role user, tenant A) deletes nothing');

-- user_b ----------------------------------------------------------------------
select tests.authenticate_as('user_b');
select results_eq($$select id from transcript_entries order by id$$,
  array['a0000000-0000-0000-0000-0000000000b2', 'a0000000-0000-0000-0000-0000000000b9']::uuid[],
  'Members can read their tenant''s transcripts: user_b sees exactly tenant B''s');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b2', 'candidate', 'More Figma.', 1300, 2000, 'evt-new')$$, '42501', null,
  'Owners and admins can add transcript entries to their tenant: user_b (role user) cannot add, even to B');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners and admins can update their tenant''s transcript entries: user_b (role user, tenant B) updates nothing');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'Owners can delete their tenant''s transcript entries: user_b (role user, tenant B) deletes nothing');

-- cand_a ----------------------------------------------------------------------
select tests.authenticate_as('cand_a');
select results_eq($$select id from transcript_entries order by id$$,
  array['a0000000-0000-0000-0000-0000000000a1']::uuid[],
  'Candidates can read the transcripts of their own sessions: cand_a (candidate of A) sees only their own');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$, '42501', null,
  'Owners and admins can add transcript entries to their tenant: cand_a cannot add');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no update policy for candidates: cand_a (candidate of A) updates nothing');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no delete policy for candidates: cand_a (candidate of A) deletes nothing');

-- cand_ab ---------------------------------------------------------------------
select tests.authenticate_as('cand_ab');
select results_eq($$select id from transcript_entries order by id$$,
  array['a0000000-0000-0000-0000-0000000000b2']::uuid[],
  'Candidates can read the transcripts of their own sessions: cand_ab (candidate of A and B) sees only their own');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$, '42501', null,
  'Owners and admins can add transcript entries to their tenant: cand_ab cannot add');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no update policy for candidates: cand_ab (candidate of A and B) updates nothing');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 0,
  'no delete policy for candidates: cand_ab (candidate of A and B) deletes nothing');

-- service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select id from transcript_entries where tenant_id in ('10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000bb') order by 1$$,
  array['a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2', 'a0000000-0000-0000-0000-0000000000b9']::uuid[],
  'the service role bypasses RLS: sees A''s and B''s');
select is(tests.affected_undo($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'I love Rust.', 1600, 2600, 'evt-new')$$), 1,
  'the service role bypasses RLS: adds');
select is(tests.affected_undo($$update transcript_entries set text = 'Edited.' where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: updates both');
select is(tests.affected_undo($$delete from transcript_entries where id in ('a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000b2')$$), 2,
  'the service role bypasses RLS: deletes both');

-- --------------------------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'again', 'evt-a1')$$, '23505', null,
  'a source event is stored once per session');
select is(tests.affected_undo($$insert into transcript_entries (tenant_id, session_id, speaker, text, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate', 'again', 'evt-a1') on conflict (session_id, source_event_id) do nothing$$), 0,
  'a relayed event sent twice is a no-op with on conflict do nothing (idempotent relay)');
select is(tests.affected_undo($$insert into transcript_entries (tenant_id, session_id, speaker, text, source_event_id) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a2', 'candidate', 'hi', 'evt-a1')$$), 1,
  'the same source event id may appear in another session');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000b2', 'candidate', 'x')$$, '23503', null,
  'an entry cannot point at another tenant''s session (composite foreign key)');
select throws_ok($$insert into transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms) values ('10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'narrator', 'x', 10, 5)$$, '23514', null,
  'speaker is candidate, interviewer or system, and an entry ends after it starts');

select * from finish();
rollback;
