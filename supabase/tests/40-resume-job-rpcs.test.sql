-- The resume pipeline's RPCs (migration 20250608000100): start_resume_job,
-- advance_resume_job, save_resume_candidate. SECURITY INVOKER: RLS on resume_jobs,
-- candidates and candidate_tenants decides, the functions add the transaction, the locks
-- and the PTxyz errors. Fixture jobs: c0..a1 (A, done, sha 'a1'x32, candidate a1),
-- c0..b1 (B, uploaded).
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(66);

select ok(not p.prosecdef, p.proname || ' is SECURITY INVOKER (RLS decides)')
from pg_proc p
where p.pronamespace = 'public'::regnamespace
  and p.proname in ('start_resume_job', 'advance_resume_job', 'save_resume_candidate')
order by p.proname;

-- ---- who may call ---------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select start_resume_job(repeat('0', 64))$$, '42501', null,
  'start_resume_job: anon may not execute it');
select throws_ok($$select advance_resume_job('c0000000-0000-0000-0000-0000000000b1', 'extracting')$$, '42501', null,
  'advance_resume_job: anon may not execute it');
select throws_ok($$select save_resume_candidate('c0000000-0000-0000-0000-0000000000b1', '{}')$$, '42501', null,
  'save_resume_candidate: anon may not execute it');

select tests.authenticate_as('outsider');
select throws_ok($$select start_resume_job(repeat('0', 64))$$, 'PT403', 'forbidden',
  'start_resume_job: a signed-in user of no tenant is refused (PT403 forbidden)');
select tests.authenticate_as('user_a');
select throws_ok($$select start_resume_job(repeat('0', 64))$$, 'PT403', 'forbidden',
  'start_resume_job: a member with role user is refused (PT403 forbidden)');
select throws_ok($$select advance_resume_job('c0000000-0000-0000-0000-0000000000a1', 'failed', '{"step":"extracting","error":"x"}')$$,
  'PT403', 'forbidden', 'advance_resume_job: a member with role user is refused');
select throws_ok($$select save_resume_candidate('c0000000-0000-0000-0000-0000000000a1', '{}')$$, 'PT403', 'forbidden',
  'save_resume_candidate: a member with role user is refused');
select tests.authenticate_as('cand_a');
select throws_ok($$select start_resume_job(repeat('0', 64))$$, 'PT403', 'forbidden',
  'start_resume_job: a candidate is refused');

-- ---- start_resume_job ------------------------------------------------------------------
select tests.authenticate_as('owner_a');
select throws_ok($$select start_resume_job('ABC')$$, 'PT400', 'invalid_sha256',
  'start_resume_job: a malformed digest is PT400 invalid_sha256');
select throws_ok($$select start_resume_job(upper(repeat('ab', 32)))$$, 'PT400', 'invalid_sha256',
  'start_resume_job: the digest is lowercase hex');
select throws_ok($$select start_resume_job(repeat('0', 64), 'cv.pdf', '10000000-0000-0000-0000-0000000000bb/cv.pdf')$$,
  'PT403', 'path_outside_tenant', 'start_resume_job: a storage path in another tenant''s folder is refused');
select throws_ok($$select start_resume_job(repeat('0', 64), 'cv.pdf', 'cv.pdf')$$,
  'PT403', 'path_outside_tenant', 'start_resume_job: a storage path outside any tenant folder is refused');

create temp table started on commit drop as
  select start_resume_job(repeat('c1', 32), 'cv.pdf', '10000000-0000-0000-0000-0000000000aa/c1.pdf') as j;
grant select on started to public;
select is((select j ->> 'tenant_id' from started), '10000000-0000-0000-0000-0000000000aa',
  'start_resume_job: a new file becomes a job of the caller''s tenant');
select is((select (j ->> 'status', j ->> 'resume_from', j ->> 'attempts', j ->> 'duplicate') from started),
  ('extracting'::text, 'extracting'::text, '1'::text, 'false'::text),
  'start_resume_job: a new job starts extracting, first attempt, not a duplicate');
select is((select jsonb_array_length(steps) from resume_jobs where id = (select (j ->> 'id')::uuid from started)), 1,
  'start_resume_job: the first step is logged');
select ok((select j ->> 'created_by' from started) = '20000000-0000-0000-0000-0000000000a1',
  'start_resume_job: created_by is the caller');

select throws_ok($$select start_resume_job(repeat('c1', 32))$$, 'PT409', 'job_in_progress',
  'start_resume_job: the same file while its job runs is PT409 job_in_progress');

select is((select (j ->> 'id', j ->> 'duplicate', j ->> 'candidate_id', j ->> 'status')
           from (select start_resume_job(repeat('a1', 32)) as j) s),
  ('c0000000-0000-0000-0000-0000000000a1'::text, 'true'::text, '40000000-0000-0000-0000-0000000000a1'::text, 'done'::text),
  'start_resume_job: a file already done returns its job and candidate, duplicate true');
select is((select attempts from resume_jobs where id = 'c0000000-0000-0000-0000-0000000000a1'), 0,
  'start_resume_job: a duplicate changes nothing (attempts untouched)');
select is((select count(*)::int from resume_jobs where sha256 = repeat('a1', 32)), 1,
  'start_resume_job: a duplicate creates no job');

-- ---- advance_resume_job ----------------------------------------------------------------
select tests.authenticate_as('admin_a');
select throws_ok($$select advance_resume_job((select (j ->> 'id')::uuid from started), 'paused')$$,
  'PT400', 'invalid_status', 'advance_resume_job: an unknown status is PT400 invalid_status');
select throws_ok($$select advance_resume_job((select (j ->> 'id')::uuid from started), 'failed', '{"error":"x"}')$$,
  'PT400', 'invalid_failure', 'advance_resume_job: a failure without its step is PT400 invalid_failure');
select throws_ok($$select advance_resume_job((select (j ->> 'id')::uuid from started), 'failed', '{"step":"analyzing"}')$$,
  'PT400', 'invalid_failure', 'advance_resume_job: a failure without its error is PT400 invalid_failure');
select throws_ok($$select advance_resume_job((select (j ->> 'id')::uuid from started), 'analyzing', '[]')$$,
  'PT400', 'invalid_detail', 'advance_resume_job: the detail is an object');
select throws_ok($$select advance_resume_job('c0000000-0000-0000-0000-0000000000b1', 'extracting')$$,
  'PT404', 'job_not_found', 'advance_resume_job: another tenant''s job is PT404 job_not_found');
select throws_ok($$select advance_resume_job('c0000000-0000-0000-0000-0000000000a1', 'extracting')$$,
  'PT409', 'job_finished', 'advance_resume_job: a done job does not move (PT409 job_finished)');

select is((select j ->> 'status' from (select advance_resume_job((select (j ->> 'id')::uuid from started), 'analyzing',
             '{"extractor":"builtin","resume_text":"Ada Lovelace\nada@example.com","pages":1}') as j) s),
  'analyzing', 'advance_resume_job: an admin moves the job to analyzing');
select is((select (extractor, resume_text, jsonb_array_length(steps), steps -> 1 ->> 'pages', steps -> 1 ? 'resume_text')
           from resume_jobs where id = (select (j ->> 'id')::uuid from started)),
  ('builtin'::text, E'Ada Lovelace\nada@example.com'::text, 2, '1'::text, false),
  'advance_resume_job: detail is stored (extractor, text) and logged (the text is not copied into the log)');

select lives_ok($$select advance_resume_job((select (j ->> 'id')::uuid from started), 'failed',
                  '{"step":"analyzing","error":"openai: 503"}')$$,
  'advance_resume_job: a failure is recorded');
select is((select (status, failed_step, error) from resume_jobs where id = (select (j ->> 'id')::uuid from started)),
  ('failed'::text, 'analyzing'::text, 'openai: 503'::text),
  'advance_resume_job: a failed job keeps its step and reason');

-- ---- retry: continue from the failed step ---------------------------------------------
select tests.authenticate_as('owner_a');
select is((select (j ->> 'id', j ->> 'resume_from', j ->> 'status', j ->> 'attempts', j ->> 'duplicate', j ->> 'resume_text')
           from (select start_resume_job(repeat('c1', 32)) as j) s),
  ((select j ->> 'id' from started), 'analyzing'::text, 'analyzing'::text, '2'::text, 'false'::text, E'Ada Lovelace\nada@example.com'::text),
  'start_resume_job: the same file after a failure resumes at the failed step, with the text extracted before');
select is((select (error, failed_step) from resume_jobs where id = (select (j ->> 'id')::uuid from started)),
  (null::text, null::text), 'start_resume_job: a resumed job no longer shows the old error');
select is((select count(*)::int from resume_jobs where sha256 = repeat('c1', 32)), 1,
  'start_resume_job: a retry creates no second job');

-- ---- save_resume_candidate --------------------------------------------------------------
select throws_ok($$select save_resume_candidate('c0000000-0000-0000-0000-0000000000a1', '{"full_name":"X","email":"x@example.com"}')$$,
  'PT409', 'job_not_analyzing', 'save_resume_candidate: only at the end of the analyzing step');
select throws_ok($$select save_resume_candidate('c0000000-0000-0000-0000-0000000000b1', '{"full_name":"X","email":"x@example.com"}')$$,
  'PT404', 'job_not_found', 'save_resume_candidate: not into another tenant''s job');
select throws_ok($$select save_resume_candidate((select (j ->> 'id')::uuid from started), '{"full_name":"Ada Lovelace"}')$$,
  'PT422', 'email_not_found', 'save_resume_candidate: no email is PT422 email_not_found');
select throws_ok($$select save_resume_candidate((select (j ->> 'id')::uuid from started), '{"full_name":"Ada","email":"not an email"}')$$,
  'PT422', 'email_not_found', 'save_resume_candidate: a malformed email is PT422 email_not_found');
select throws_ok($$select save_resume_candidate((select (j ->> 'id')::uuid from started), '{"email":"ada@example.com","full_name":"  "}')$$,
  'PT422', 'name_not_found', 'save_resume_candidate: no name is PT422 name_not_found');
select throws_ok($$select save_resume_candidate((select (j ->> 'id')::uuid from started), '"x"')$$,
  'PT400', 'invalid_resume', 'save_resume_candidate: the resume is an object');
select throws_ok($$select save_resume_candidate((select (j ->> 'id')::uuid from started), '{"full_name":"A","email":"a@example.com"}', '[]')$$,
  'PT400', 'invalid_detail', 'save_resume_candidate: the detail is an object');

create temp table saved on commit drop as
  select save_resume_candidate((select (j ->> 'id')::uuid from started),
    '{"full_name":"Ada Lovelace","first_name":"Ada","last_name":"Lovelace","email":" Ada@Example.COM ",
      "phone":"+44 20 7946 0000","skills":["Rust","PostgreSQL"],
      "experience":[{"title":"Analyst","company":"Babbage & Co","start":"1842","end":"1843","description":null}],
      "education":[]}'::jsonb, '{"analyzer":"deterministic"}') as s;
grant select on saved to public;
select is((select s ->> 'created' from saved), 'true', 'save_resume_candidate: a new email creates a candidate');
select is((select (tenant_id, full_name, email, phone, skills, experience -> 0 ->> 'company', resume_url, resume_text)
           from candidates where id = (select (s ->> 'candidate_id')::uuid from saved)),
  ('10000000-0000-0000-0000-0000000000aa'::uuid, 'Ada Lovelace'::text, 'ada@example.com'::text, '+44 20 7946 0000'::text,
   array['Rust', 'PostgreSQL'], 'Babbage & Co'::text, '10000000-0000-0000-0000-0000000000aa/c1.pdf'::text,
   E'Ada Lovelace\nada@example.com'::text),
  'save_resume_candidate: the candidate holds the resume''s fields, the job''s text and file, the email lower-cased');
select is((select relationship_type from candidate_tenants
           where candidate_id = (select (s ->> 'candidate_id')::uuid from saved)
             and tenant_id = '10000000-0000-0000-0000-0000000000aa'), 'candidate',
  'save_resume_candidate: the candidate is linked to the tenant');
select is((select (status, candidate_id, analysis ->> 'full_name', analyzer, steps -> -1 ->> 'analyzer') from resume_jobs where id = (select (j ->> 'id')::uuid from started)),
  ('enriching'::text, (select (s ->> 'candidate_id')::uuid from saved), 'Ada Lovelace'::text, 'deterministic'::text, 'deterministic'::text),
  'save_resume_candidate: the job points at the candidate and moves on to enriching, in the same transaction');

-- The same person again (a second file): updated, not duplicated.
create temp table second_job on commit drop as select start_resume_job(repeat('c2', 32)) as j;
grant select on second_job to public;
select lives_ok($$select advance_resume_job((select (j ->> 'id')::uuid from second_job), 'analyzing')$$, 'a second job reaches analyzing');
select is((select (s ->> 'candidate_id', s ->> 'created')
           from (select save_resume_candidate((select (j ->> 'id')::uuid from second_job),
                   '{"full_name":"Augusta Ada King","email":"ada@example.com","skills":[]}') as s) x),
  ((select s ->> 'candidate_id' from saved), 'false'::text),
  'save_resume_candidate: the same email in the same tenant updates the existing candidate');
select is((select (full_name, phone, skills) from candidates where id = (select (s ->> 'candidate_id')::uuid from saved)),
  ('Augusta Ada King'::text, '+44 20 7946 0000'::text, array['Rust', 'PostgreSQL']),
  'save_resume_candidate: an update takes the new name and keeps what the new resume lacks');
select is((select count(*)::int from candidates where email = 'ada@example.com'), 1,
  'save_resume_candidate: one candidate per email and tenant');

-- An email that tenant B also has: A gets its own record, B's is untouched.
create temp table third_job on commit drop as select start_resume_job(repeat('c3', 32)) as j;
grant select on third_job to public;
select lives_ok($$select advance_resume_job((select (j ->> 'id')::uuid from third_job), 'analyzing')$$, 'a third job reaches analyzing');
select is((select s ->> 'candidate_id' from (select save_resume_candidate((select (j ->> 'id')::uuid from third_job),
             '{"full_name":"Unlinked Again","email":"unlinked-a@fixture.test"}') as s) x),
  '40000000-0000-0000-0000-0000000000a8',
  'save_resume_candidate: the tenant''s existing record of that email is the one updated');
select is((select count(*)::int from candidate_tenants
           where candidate_id = '40000000-0000-0000-0000-0000000000a8' and tenant_id = '10000000-0000-0000-0000-0000000000aa'), 1,
  'save_resume_candidate: a record whose tenant link was removed gets it back');

create temp table fourth_job on commit drop as select start_resume_job(repeat('c4', 32)) as j;
grant select on fourth_job to public;
select lives_ok($$select advance_resume_job((select (j ->> 'id')::uuid from fourth_job), 'analyzing')$$, 'a fourth job reaches analyzing');
select isnt((select s ->> 'candidate_id' from (select save_resume_candidate((select (j ->> 'id')::uuid from fourth_job),
               '{"full_name":"Prospect Bee","email":"prospect-b@fixture.test"}') as s) x),
  '40000000-0000-0000-0000-0000000000b9',
  'save_resume_candidate: an email tenant B has becomes A''s own record, never B''s');
select tests.authenticate_as('owner_b');
select is((select full_name from candidates where id = '40000000-0000-0000-0000-0000000000b9'), 'Prospect B',
  'save_resume_candidate: tenant B''s record of that email is untouched');
select is_empty($$select id from candidates where email = 'ada@example.com'$$,
  'tenant B does not see tenant A''s new candidate');
select throws_ok($$select save_resume_candidate((select (j ->> 'id')::uuid from fourth_job), '{"full_name":"X","email":"x@example.com"}')$$,
  'PT404', 'job_not_found', 'save_resume_candidate: owner_b cannot touch A''s job');

-- The same file in tenant B is B's own job, not a duplicate of A's.
select is((select (j ->> 'tenant_id', j ->> 'duplicate') from (select start_resume_job(repeat('c1', 32)) as j) s),
  ('10000000-0000-0000-0000-0000000000bb'::text, 'false'::text),
  'start_resume_job: the same file in another tenant is that tenant''s new job');

-- ---- a job left running by a request that died -----------------------------------------
select tests.authenticate_as('owner_a');
reset role;
set local session_replication_role = replica;  -- keep set_updated_at from stamping now()
update resume_jobs set status = 'analyzing', updated_at = now() - interval '11 minutes'
where id = (select (j ->> 'id')::uuid from fourth_job);
set local session_replication_role = origin;
select tests.authenticate_as('owner_a');
select is((select (j ->> 'resume_from', j ->> 'attempts') from (select start_resume_job(repeat('c4', 32)) as j) s),
  ('analyzing'::text, '2'::text),
  'start_resume_job: a job running for more than 10 minutes is resumed where it stopped');

-- ---- a done job whose candidate was deleted since ---------------------------------------
select lives_ok($$select advance_resume_job((select (j ->> 'id')::uuid from started), 'done')$$, 'the first job is done');
select lives_ok($$select advance_resume_job((select (j ->> 'id')::uuid from second_job), 'done')$$, 'the second job is done');
select is(tests.affected($$delete from candidates where email = 'ada@example.com'$$), 1, 'owner_a deletes the candidate');
select is((select (j ->> 'duplicate', j ->> 'resume_from', j ->> 'candidate_id') from (select start_resume_job(repeat('c1', 32)) as j) s),
  ('false'::text, 'analyzing'::text, null::text),
  'start_resume_job: a done file whose candidate was deleted is analyzed again from its text, not a duplicate of nothing');
select is((select j ->> 'resume_from' from (select start_resume_job(repeat('c2', 32)) as j) s), 'extracting',
  'start_resume_job: ... and extracted again when no text was kept');

select * from finish();
rollback;
