-- The fixture every RLS test starts from, created as postgres inside the test's
-- transaction (\ir helpers/fixtures.sql after the helpers). Separate from seed.sql: the
-- ids below are the tests' own and the seed's rows are never counted.
--
-- Ids: the first group says what it is, the last two hex digits whose it is.
--   tenants                 10000000-...-0000000000aa  tenant A   ...bb tenant B
--   auth users              20000000-...-00000000 a1 owner_a  a2 admin_a  a3 user_a
--                                                b1 owner_b  b2 admin_b  b3 user_b
--                                                c1 cand_a (candidate of A only)
--                                                c2 cand_ab (candidate of A and of B)
--                                                e1 outsider (signed in, nothing else)
--   companies               30000000-...-a1 (A)  b1 (B)
--   candidates              40000000-...-a1 cand_a's row in A     a2 cand_ab's row in A
--                                        b2 cand_ab's row in B    a9 unlinked, A
--                                        b9 unlinked, B           ab owned by A, shared with B
--                                        a8 owned by A, its candidate_tenants row removed
--   positions               50000000-...-a1 (A)  b1 (B)  a2, b2: drafts nobody interviews for
--   competencies            60000000-...-a1 (A)  b1 (B)
--   position_competencies   70000000-...-a1 (A)  b1 (B)
--   interview_sessions      80000000-...-a1 cand_a in A (in progress)   a2 cand_ab in A (invited)
--                                        b2 cand_ab in B (in progress)  b9 prospect in B (invited)
--   interview_invitations   90000000-...-a1 (A, session a1, used by cand_a)  b9 (B, session b9)
--   transcript_entries      a0000000-...-a1 (session a1)  b2 (session b2)  b9 (session b9)
--   interview_insights      b0000000-...-a1 (session a1)  b2 (session b2)
--   resume_jobs             c0000000-...-a1 (A, candidate a1)  b1 (B)
--   candidate_profiles      d0000000-...-a1 (A, candidate a1)  b2 (B, candidate b2)
--   storage objects         resumes/<tenant A>/cv-a1.pdf, resumes/<tenant B>/cv-b1.pdf

do $fixture_users$
begin
  perform tests.create_supabase_user('owner_a',  'owner-a@fixture.test',  '20000000-0000-0000-0000-0000000000a1');
  perform tests.create_supabase_user('admin_a',  'admin-a@fixture.test',  '20000000-0000-0000-0000-0000000000a2');
  perform tests.create_supabase_user('user_a',   'user-a@fixture.test',   '20000000-0000-0000-0000-0000000000a3');
  perform tests.create_supabase_user('owner_b',  'owner-b@fixture.test',  '20000000-0000-0000-0000-0000000000b1');
  perform tests.create_supabase_user('admin_b',  'admin-b@fixture.test',  '20000000-0000-0000-0000-0000000000b2');
  perform tests.create_supabase_user('user_b',   'user-b@fixture.test',   '20000000-0000-0000-0000-0000000000b3');
  perform tests.create_supabase_user('cand_a',   'cand-a@fixture.test',   '20000000-0000-0000-0000-0000000000c1');
  perform tests.create_supabase_user('cand_ab',  'cand-ab@fixture.test',  '20000000-0000-0000-0000-0000000000c2');
  perform tests.create_supabase_user('outsider', 'outsider@fixture.test', '20000000-0000-0000-0000-0000000000e1');
end
$fixture_users$;

insert into public.tenants (id, name) values
  ('10000000-0000-0000-0000-0000000000aa', 'Fixture Tenant A'),
  ('10000000-0000-0000-0000-0000000000bb', 'Fixture Tenant B');

insert into public.users (id, tenant_id, role, email) values
  ('20000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'owner', 'owner-a@fixture.test'),
  ('20000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'admin', 'admin-a@fixture.test'),
  ('20000000-0000-0000-0000-0000000000a3', '10000000-0000-0000-0000-0000000000aa', 'user',  'user-a@fixture.test'),
  ('20000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb', 'owner', 'owner-b@fixture.test'),
  ('20000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', 'admin', 'admin-b@fixture.test'),
  ('20000000-0000-0000-0000-0000000000b3', '10000000-0000-0000-0000-0000000000bb', 'user',  'user-b@fixture.test');

insert into public.companies (id, tenant_id, name) values
  ('30000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'Company of A'),
  ('30000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb', 'Company of B');

-- candidate_tenants rows for the owners come from the insert trigger
insert into public.candidates (id, tenant_id, full_name, email, auth_id, auth_email, resume_url, resume_text) values
  ('40000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'Cand A', 'cand-a@fixture.test',
   '20000000-0000-0000-0000-0000000000c1', 'cand-a@fixture.test', '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf', 'resume of cand A'),
  ('40000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'Cand AB (A)', 'cand-ab@fixture.test',
   '20000000-0000-0000-0000-0000000000c2', 'cand-ab@fixture.test', null, null),
  ('40000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', 'Cand AB (B)', 'cand-ab@fixture.test',
   '20000000-0000-0000-0000-0000000000c2', 'cand-ab@fixture.test', null, null),
  ('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa', 'Prospect A', 'prospect-a@fixture.test',
   null, null, null, null),
  ('40000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb', 'Prospect B', 'prospect-b@fixture.test',
   null, null, null, null),
  ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000aa', 'Shared Person', 'shared@fixture.test',
   null, null, null, null);

insert into public.candidates (id, tenant_id, full_name, email) values
  ('40000000-0000-0000-0000-0000000000a8', '10000000-0000-0000-0000-0000000000aa', 'Unlinked A', 'unlinked-a@fixture.test');
delete from public.candidate_tenants where candidate_id = '40000000-0000-0000-0000-0000000000a8';

insert into public.candidate_tenants (candidate_id, tenant_id, relationship_type) values
  ('40000000-0000-0000-0000-0000000000ab', '10000000-0000-0000-0000-0000000000bb', 'shared');

insert into public.candidate_profiles (id, candidate_id, tenant_id, job_title) values
  ('d0000000-0000-0000-0000-0000000000a1', '40000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'Engineer'),
  ('d0000000-0000-0000-0000-0000000000b2', '40000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', 'Designer');

insert into public.positions (id, tenant_id, company_id, title, status) values
  ('50000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '30000000-0000-0000-0000-0000000000a1', 'Position of A', 'published'),
  ('50000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb', '30000000-0000-0000-0000-0000000000b1', 'Position of B', 'published'),
  ('50000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', null, 'Draft of A', 'draft'),
  ('50000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', null, 'Draft of B', 'draft');

insert into public.competencies (id, tenant_id, name, category) values
  ('60000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'Rust', 'technical'),
  ('60000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb', 'Figma', 'technical');

insert into public.position_competencies (id, tenant_id, position_id, competency_id, weight, required_level) values
  ('70000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa',
   '50000000-0000-0000-0000-0000000000a1', '60000000-0000-0000-0000-0000000000a1', 60, 4),
  ('70000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb',
   '50000000-0000-0000-0000-0000000000b1', '60000000-0000-0000-0000-0000000000b1', 40, 3);

insert into public.interview_sessions (id, tenant_id, candidate_id, position_id, status) values
  ('80000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa',
   '40000000-0000-0000-0000-0000000000a1', '50000000-0000-0000-0000-0000000000a1', 'invited'),
  ('80000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa',
   '40000000-0000-0000-0000-0000000000a2', '50000000-0000-0000-0000-0000000000a1', 'invited'),
  ('80000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb',
   '40000000-0000-0000-0000-0000000000b2', '50000000-0000-0000-0000-0000000000b1', 'scheduled'),
  ('80000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb',
   '40000000-0000-0000-0000-0000000000b9', '50000000-0000-0000-0000-0000000000b1', 'invited');
update public.interview_sessions
set status = 'in_progress', consent_given_at = now()
where id in ('80000000-0000-0000-0000-0000000000a1', '80000000-0000-0000-0000-0000000000b2');

insert into public.interview_invitations (id, tenant_id, candidate_id, session_id, email, token_hash, used_at, used_by) values
  ('90000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '40000000-0000-0000-0000-0000000000a1',
   '80000000-0000-0000-0000-0000000000a1', 'cand-a@fixture.test', sha256('fixture-a1'), now(), '20000000-0000-0000-0000-0000000000c1'),
  ('90000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb', '40000000-0000-0000-0000-0000000000b9',
   '80000000-0000-0000-0000-0000000000b9', 'prospect-b@fixture.test', sha256('fixture-b9'), null, null);

insert into public.transcript_entries (id, tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values
  ('a0000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1',
   'interviewer', 'Tell me about Rust.', 0, 1500, 'evt-a1'),
  ('a0000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b2',
   'candidate', 'I design in Figma.', 0, 1200, 'evt-b2'),
  ('a0000000-0000-0000-0000-0000000000b9', '10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b9',
   'system', 'Session created.', 0, 0, 'evt-b9');

insert into public.interview_insights (id, tenant_id, session_id, summary, metrics, competency_scores) values
  ('b0000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '80000000-0000-0000-0000-0000000000a1',
   'Strong', '{"talk_ratio": 0.6}', '[{"competency_id": "60000000-0000-0000-0000-0000000000a1", "score": 4, "evidence": ["Tell me about Rust."]}]'),
  ('b0000000-0000-0000-0000-0000000000b2', '10000000-0000-0000-0000-0000000000bb', '80000000-0000-0000-0000-0000000000b2',
   'Promising', '{"talk_ratio": 0.5}', '[]');

insert into public.resume_jobs (id, tenant_id, storage_path, sha256, status, candidate_id) values
  ('c0000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf',
   repeat('a1', 32), 'done', '40000000-0000-0000-0000-0000000000a1'),
  ('c0000000-0000-0000-0000-0000000000b1', '10000000-0000-0000-0000-0000000000bb', '10000000-0000-0000-0000-0000000000bb/cv-b1.pdf',
   repeat('b1', 32), 'uploaded', null);

insert into storage.objects (id, bucket_id, name, owner, metadata) values
  ('e0000000-0000-0000-0000-0000000000a1', 'resumes', '10000000-0000-0000-0000-0000000000aa/cv-a1.pdf',
   '20000000-0000-0000-0000-0000000000a2', '{"mimetype": "application/pdf", "size": 1024}'),
  ('e0000000-0000-0000-0000-0000000000b1', 'resumes', '10000000-0000-0000-0000-0000000000bb/cv-b1.pdf',
   '20000000-0000-0000-0000-0000000000b2', '{"mimetype": "application/pdf", "size": 2048}');
