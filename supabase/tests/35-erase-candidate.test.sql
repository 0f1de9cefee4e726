-- erase_candidate(p_candidate_id): an owner erases everything their tenant holds about
-- a candidate; other tenants keep theirs; the audit log keeps the fact, not the data.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(38);

-- ---- refused callers -----------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, '42501', null,
  'erase_candidate: anon cannot call it');
select tests.authenticate_as('admin_a');
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, 'PT403', 'forbidden',
  'erase_candidate: an admin is refused (PT403 forbidden): owners only');
select tests.authenticate_as('user_a');
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, 'PT403', 'forbidden',
  'erase_candidate: a plain user is refused');
select tests.authenticate_as('cand_a');
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, 'PT403', 'forbidden',
  'erase_candidate: the candidate themselves cannot call it (the tenant erases on request)');
select tests.authenticate_as('owner_b');
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, 'PT404', 'candidate_not_found',
  'erase_candidate: another tenant''s candidate is PT404 candidate_not_found');
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000ff')$$, 'PT404', 'candidate_not_found',
  'erase_candidate: an unknown id is PT404');
select tests.set_claims('{"role": "authenticated"}');
select throws_ok($$select erase_candidate('40000000-0000-0000-0000-0000000000a1')$$, 'PT401', 'not_authenticated',
  'erase_candidate: PT401 without a signed-in user');
reset role;
select is((select count(*)::int from public.interview_sessions where candidate_id = '40000000-0000-0000-0000-0000000000a1'), 1,
  'refused calls erased nothing');

-- ---- a candidate only A knows: cand A (session, transcript, insight, invitation, profile, resume job, file)
create temp table b_before as
select (select count(*) from public.interview_sessions where tenant_id = '10000000-0000-0000-0000-0000000000bb') as sessions,
       (select count(*) from public.transcript_entries where tenant_id = '10000000-0000-0000-0000-0000000000bb') as transcripts,
       (select count(*) from public.candidates where tenant_id = '10000000-0000-0000-0000-0000000000bb') as candidates;
-- rows that go with the session and are audited under their own ids, a live machine,
-- a room; and a job of cand A's file whose candidate link is gone
insert into public.realtime_token_grants (id, tenant_id, session_id, caller_kind)
values ('e1000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'candidate');
insert into public.transcript_item_events (id, tenant_id, session_id, event_id, event_type, item_id, received_seq)
values ('e2000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1', 'evt', 'conversation.item.added', 'item_1', 1);
insert into public.session_machines (session_id, tenant_id, machine_id, state)
values ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'e286d3f1c24e68', 'started');
update public.interview_sessions set videosdk_room_id = 'room-a1' where id = '80000000-0000-0000-0000-0000000000a1';
update public.candidates set resume_url = '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf' where id = '40000000-0000-0000-0000-0000000000a1';
insert into public.resume_jobs (id, tenant_id, storage_path, file_name, sha256, status, error)
values ('c0000000-0000-0000-0000-0000000000a7', '10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf',
        'cand-a.pdf', repeat('a7', 32), 'failed', 'no_text_layer');
select tests.authenticate_as('owner_a');
create temp table a1_answer as select erase_candidate('40000000-0000-0000-0000-0000000000a1') as answer;
select is((select answer -> 'storage_paths' from a1_answer),
  '["10000000-0000-0000-0000-0000000000aa/cv-a1.pdf"]'::jsonb,
  'erase_candidate: returns the resume file''s path for deletion from Storage, once');
select is((select answer -> 'vendor_copies' from a1_answer),
  '{"videosdk_room_ids": ["room-a1"], "fly_machine_ids": ["e286d3f1c24e68"]}'::jsonb,
  'and names the vendors'' copies (the room, the live machine) for the caller to have destroyed');
select is((select (answer -> 'removed') - 'audit_entries_redacted' from a1_answer),
  '{"candidate": "deleted", "sessions": 1, "invitations": 1, "profiles": 1, "resume_jobs": 2}'::jsonb,
  'and says what it removed');
reset role;
select is((select count(*)::int from public.candidates where id = '40000000-0000-0000-0000-0000000000a1'), 0, 'the candidate record is gone');
select is((select count(*)::int from public.candidate_profiles where candidate_id = '40000000-0000-0000-0000-0000000000a1'), 0, 'the profile is gone');
select is((select count(*)::int from public.interview_sessions where id = '80000000-0000-0000-0000-0000000000a1'), 0, 'the session is gone');
select is((select count(*)::int from public.transcript_entries where id = 'a0000000-0000-0000-0000-0000000000a1'), 0, 'the transcript is gone');
select is((select count(*)::int from public.interview_insights where id = 'b0000000-0000-0000-0000-0000000000a1'), 0, 'the insight is gone');
select is((select count(*)::int from public.interview_invitations where id = '90000000-0000-0000-0000-0000000000a1'), 0, 'the invitation is gone');
select is((select count(*)::int from public.resume_jobs where id in ('c0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000a7')), 0,
  'the resume job is gone, and so is the job of the same file that no longer named the candidate');
select is((select count(*)::int from public.candidate_tenants where candidate_id = '40000000-0000-0000-0000-0000000000a1'), 0, 'the tenant link is gone');
select results_eq(
  $$select (select count(*) from public.interview_sessions where tenant_id = '10000000-0000-0000-0000-0000000000bb'),
           (select count(*) from public.transcript_entries where tenant_id = '10000000-0000-0000-0000-0000000000bb'),
           (select count(*) from public.candidates where tenant_id = '10000000-0000-0000-0000-0000000000bb')$$,
  $$select sessions, transcripts, candidates from b_before$$,
  'tenant B lost nothing');
select is(
  (select count(*)::int from public.audit_log
   where tenant_id = '10000000-0000-0000-0000-0000000000aa'
     and row_id in ('40000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000a1',
                    'b0000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000a1',
                    'd0000000-0000-0000-0000-0000000000a1', 'c0000000-0000-0000-0000-0000000000a7',
                    'e1000000-0000-0000-0000-0000000000a1', 'e2000000-0000-0000-0000-0000000000a1')
     and op <> 'ERASE'
     and (old_data is not null or new_data is not null or redacted_at is null)),
  0, 'every audit entry of the erased rows lost its data (redacted)');
select is(
  (select count(*)::int from public.audit_log where tenant_id = '10000000-0000-0000-0000-0000000000aa'
     and (old_data::text like '%resume of cand A%' or new_data::text like '%resume of cand A%' or old_data::text like '%cand-a@fixture.test%')),
  0, 'no audit entry of tenant A still holds the candidate''s resume text or email');
select results_eq(
  $$select actor_id, actor_role, table_name, new_data from public.audit_log
    where op = 'ERASE' and row_id = '40000000-0000-0000-0000-0000000000a1' and tenant_id = '10000000-0000-0000-0000-0000000000aa'$$,
  $$values ('20000000-0000-0000-0000-0000000000a1'::uuid, 'owner'::text, 'candidates'::text,
            '{"sessions_deleted": 1, "storage_paths": 1, "candidate": "deleted"}'::jsonb)$$,
  'the erasure itself is audited: who, when, how much, no personal data');
select tests.authenticate_as('cand_a');
select is_empty($$select id from interview_sessions$$, 'the erased candidate''s account sees no sessions any more');

-- ---- a record A owns and shares with B ----------------------------------------------
reset role;
update public.candidates set resume_url = '10000000-0000-0000-0000-0000000000aa/shared.pdf', resume_text = 'shared resume'
where id = '40000000-0000-0000-0000-0000000000ab';
select tests.authenticate_as('owner_a');
select is(erase_candidate('40000000-0000-0000-0000-0000000000ab') -> 'storage_paths',
  '["10000000-0000-0000-0000-0000000000aa/shared.pdf"]'::jsonb, 'A erases the record it shares with B: its file path is returned');
select is_empty($$select id from candidates where id = '40000000-0000-0000-0000-0000000000ab'$$, 'A no longer sees it');
select tests.authenticate_as('owner_b');
select results_eq($$select tenant_id, resume_url, resume_text, full_name is not null and email is not null from candidates where id = '40000000-0000-0000-0000-0000000000ab'$$,
  $$values (null::uuid, null::text, null::text, true)$$,
  'B still has it: ownerless, with who the person is, but nothing of A''s file (no path, no text)');
select is(tests.affected_undo($$update candidates set phone = 'x' where id = '40000000-0000-0000-0000-0000000000ab'$$), 0,
  'an ownerless record is read-only, even for a tenant that sees it');

-- ---- a record shared into B: B's erasure leaves the owner's record alone ---------------
reset role;
insert into public.candidate_tenants (candidate_id, tenant_id, relationship_type)
values ('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000bb', 'shared');
select tests.authenticate_as('owner_b');
select is(erase_candidate('40000000-0000-0000-0000-0000000000a9') -> 'storage_paths', '[]'::jsonb,
  'B erases a record A shares with it: no files of B''s to delete');
select is_empty($$select id from candidates where id = '40000000-0000-0000-0000-0000000000a9'$$, 'B no longer sees it');
select tests.authenticate_as('owner_a');
select isnt_empty($$select id from candidates where id = '40000000-0000-0000-0000-0000000000a9' and tenant_id = '10000000-0000-0000-0000-0000000000aa'$$,
  'A, the owner, still has it');

-- ---- a person with records in A and B: A's erasure leaves B's record and sessions --------
select tests.authenticate_as('owner_a');
select is(erase_candidate('40000000-0000-0000-0000-0000000000a2') -> 'storage_paths', '[]'::jsonb,
  'A erases cand_ab''s record in A');
select tests.authenticate_as('cand_ab');
select results_eq($$select id from candidates$$, $$values ('40000000-0000-0000-0000-0000000000b2'::uuid)$$,
  'cand_ab still sees their record in B, and not the one A erased');
select results_eq($$select id from interview_sessions$$, $$values ('80000000-0000-0000-0000-0000000000b2'::uuid)$$,
  'and their session in B');
select results_eq($$select id from transcript_entries$$, $$values ('a0000000-0000-0000-0000-0000000000b2'::uuid)$$,
  'and its transcript');

-- ---- paths outside the tenant's folder are never returned -------------------------------
reset role;
insert into public.candidates (id, tenant_id, full_name, email, resume_url)
values ('40000000-0000-0000-0000-0000000000a6', '10000000-0000-0000-0000-0000000000aa', 'Six', 'six@fixture.test',
        '10000000-0000-0000-0000-0000000000bb/cv-b1.pdf');
select tests.authenticate_as('owner_a');
select is(erase_candidate('40000000-0000-0000-0000-0000000000a6') -> 'storage_paths', '[]'::jsonb,
  'a resume_url in another tenant''s folder is not offered for deletion');

reset role;
select ok(not has_function_privilege('anon', 'public.erase_candidate(uuid)', 'execute'), 'anon may not execute erase_candidate');
select is((select prosecdef from pg_proc where oid = 'public.erase_candidate(uuid)'::regprocedure), true,
  'erase_candidate is SECURITY DEFINER (it redacts the append-only audit log) and checks its caller');

select * from finish();
rollback;
