-- Seed data for local development: two tenants with an owner, an admin and a user each,
-- companies, positions with competencies, candidates (one shared by both tenants),
-- interview sessions, a transcript and an insight. Loaded by `scripts/db.sh reset` after
-- the migrations. Every password is `password123` (bcrypt in auth.users, for a GoTrue
-- pointed at this database); the local stack mints tokens from the access token hook.
--
-- Fixed ids (memorable on purpose):
--
-- | what                                   | id                                   |
-- |----------------------------------------|--------------------------------------|
-- | tenant A  "Acme Recruiting"            | aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa |
-- | tenant B  "Globex Talent"              | bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb |
-- | owner@tenant-a.test   (owner, A)       | a0000000-0000-4000-8000-000000000001 |
-- | admin@tenant-a.test   (admin, A)       | a0000000-0000-4000-8000-000000000002 |
-- | user@tenant-a.test    (user, A)        | a0000000-0000-4000-8000-000000000003 |
-- | owner@tenant-b.test   (owner, B)       | b0000000-0000-4000-8000-000000000001 |
-- | admin@tenant-b.test   (admin, B)       | b0000000-0000-4000-8000-000000000002 |
-- | user@tenant-b.test    (user, B)        | b0000000-0000-4000-8000-000000000003 |
-- | ada@candidate.test    (account)        | c0000000-0000-4000-8000-000000000001 |
-- | grace@candidate.test  (account)        | c0000000-0000-4000-8000-000000000002 |
-- | linus@candidate.test  (account, not yet linked) | c0000000-0000-4000-8000-000000000003 |
-- | company "Acme Robotics" (A)            | a1000000-0000-4000-8000-000000000001 |
-- | company "Globex Energy" (B)            | b1000000-0000-4000-8000-000000000001 |
-- | position "Senior Rust Engineer" (A, published) | a2000000-0000-4000-8000-000000000001 |
-- | position "Product Designer" (A, draft) | a2000000-0000-4000-8000-000000000002 |
-- | position "Data Scientist" (B, published) | b2000000-0000-4000-8000-000000000001 |
-- | competencies A: Rust, System design, Communication | a3000000-0000-4000-8000-00000000000{1,2,3} |
-- | competencies B: Python, Statistics, Communication  | b3000000-0000-4000-8000-00000000000{1,2,3} |
-- | candidate Ada Lovelace (A, linked to ada@)          | d0000000-0000-4000-8000-000000000001 |
-- | candidate Grace Hopper (owned by A, SHARED with B, linked to grace@) | d0000000-0000-4000-8000-000000000002 |
-- | candidate Linus Torvalds (B, not linked)            | d0000000-0000-4000-8000-000000000003 |
-- | candidate Alan Turing (A, not linked, no sessions)  | d0000000-0000-4000-8000-000000000004 |
-- | session Ada / Rust Engineer (A, completed, transcript + insight) | e0000000-0000-4000-8000-000000000001 |
-- | session Grace / Rust Engineer (A, invited)          | e0000000-0000-4000-8000-000000000002 |
-- | session Grace / Data Scientist (B, scheduled)       | e0000000-0000-4000-8000-000000000003 |
-- | session Linus / Data Scientist (B, invited)         | e0000000-0000-4000-8000-000000000004 |
-- | invitation for Linus, token 5eed5eed... (64 hex: '5eed' x 16), open | f0000000-0000-4000-8000-000000000001 |
--
-- Try: sign in as linus@candidate.test and call
--   rpc('link_candidate_account', { p_token: '5eed'.repeat(16) })

begin;

-- ---- accounts -------------------------------------------------------------------------
-- The token columns are '' rather than NULL: Supabase Auth reads them as strings and
-- answers every sign-in of a user with a NULL there with 500 "Database error querying
-- schema".
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id::uuid, 'authenticated', 'authenticated', u.email,
       extensions.crypt('password123', extensions.gen_salt('bf', 6)), now(), '', '', '', '',
       '{"provider": "email", "providers": ["email"]}', jsonb_build_object('full_name', u.full_name), now(), now()
from (values
  ('a0000000-0000-4000-8000-000000000001', 'owner@tenant-a.test', 'Olivia Owner'),
  ('a0000000-0000-4000-8000-000000000002', 'admin@tenant-a.test', 'Adam Admin'),
  ('a0000000-0000-4000-8000-000000000003', 'user@tenant-a.test', 'Uma User'),
  ('b0000000-0000-4000-8000-000000000001', 'owner@tenant-b.test', 'Oscar Owner'),
  ('b0000000-0000-4000-8000-000000000002', 'admin@tenant-b.test', 'Alice Admin'),
  ('b0000000-0000-4000-8000-000000000003', 'user@tenant-b.test', 'Ulrich User'),
  ('c0000000-0000-4000-8000-000000000001', 'ada@candidate.test', 'Ada Lovelace'),
  ('c0000000-0000-4000-8000-000000000002', 'grace@candidate.test', 'Grace Hopper'),
  ('c0000000-0000-4000-8000-000000000003', 'linus@candidate.test', 'Linus Torvalds')
) as u(id, email, full_name);

-- ---- tenants and their users -------------------------------------------------------------
insert into public.tenants (id, name) values
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Acme Recruiting'),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Globex Talent');

insert into public.users (id, tenant_id, role, email, full_name) values
  ('a0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'owner', 'owner@tenant-a.test', 'Olivia Owner'),
  ('a0000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'admin', 'admin@tenant-a.test', 'Adam Admin'),
  ('a0000000-0000-4000-8000-000000000003', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'user', 'user@tenant-a.test', 'Uma User'),
  ('b0000000-0000-4000-8000-000000000001', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'owner', 'owner@tenant-b.test', 'Oscar Owner'),
  ('b0000000-0000-4000-8000-000000000002', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'admin', 'admin@tenant-b.test', 'Alice Admin'),
  ('b0000000-0000-4000-8000-000000000003', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'user', 'user@tenant-b.test', 'Ulrich User');

-- ---- companies, positions, competencies ------------------------------------------------------
insert into public.companies (id, tenant_id, name, website, industry, size) values
  ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Acme Robotics', 'https://acme-robotics.test', 'Robotics', '51-200'),
  ('b1000000-0000-4000-8000-000000000001', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Globex Energy', 'https://globex-energy.test', 'Energy', '1001-5000');

insert into public.positions (id, tenant_id, company_id, title, description, responsibilities, requirements, nice_to_have,
                              department, seniority, location, employment_type, status) values
  ('a2000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a1000000-0000-4000-8000-000000000001',
   'Senior Rust Engineer', 'Build the control plane of our robot fleet.',
   array['Design and own fleet services', 'Mentor engineers'],
   array['5+ years of systems programming', 'Production Rust'],
   array['Embedded experience'],
   'Engineering', 'senior', 'Remote (EU)', 'full_time', 'published'),
  ('a2000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a1000000-0000-4000-8000-000000000001',
   'Product Designer', 'Shape the operator console.', array['Own the design system'], array['Portfolio'], array[]::text[],
   'Design', 'mid', 'Berlin', 'full_time', 'draft'),
  ('b2000000-0000-4000-8000-000000000001', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b1000000-0000-4000-8000-000000000001',
   'Data Scientist', 'Forecast grid demand.', array['Build forecasting models'], array['Python', 'Statistics'], array['Energy markets'],
   'Analytics', 'mid', 'Hybrid (NYC)', 'full_time', 'published');

insert into public.competencies (id, tenant_id, name, description, category) values
  ('a3000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Rust', 'Idiomatic, safe, fast Rust', 'technical'),
  ('a3000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'System design', 'Distributed systems trade-offs', 'technical'),
  ('a3000000-0000-4000-8000-000000000003', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Communication', 'Clear and kind', 'behavioral'),
  ('b3000000-0000-4000-8000-000000000001', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Python', 'Data tooling in Python', 'technical'),
  ('b3000000-0000-4000-8000-000000000002', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Statistics', 'Inference and forecasting', 'technical'),
  ('b3000000-0000-4000-8000-000000000003', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Communication', 'Explains results to non-experts', 'behavioral');

insert into public.position_competencies (id, tenant_id, position_id, competency_id, weight, required_level) values
  ('a4000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 50, 4),
  ('a4000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000002', 30, 4),
  ('a4000000-0000-4000-8000-000000000003', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000003', 20, 3),
  ('a4000000-0000-4000-8000-000000000004', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2000000-0000-4000-8000-000000000002', 'a3000000-0000-4000-8000-000000000003', 100, 4),
  ('b4000000-0000-4000-8000-000000000001', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b2000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000001', 40, 4),
  ('b4000000-0000-4000-8000-000000000002', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b2000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002', 40, 4),
  ('b4000000-0000-4000-8000-000000000003', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b2000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000003', 20, 3);

-- ---- candidates (the owner's candidate_tenants row comes from the insert trigger) -------------
insert into public.candidates (id, tenant_id, full_name, first_name, last_name, email, phone, auth_id, auth_email,
                               resume_url, resume_text, skills) values
  ('d0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Ada Lovelace', 'Ada', 'Lovelace',
   'ada@candidate.test', '+44 20 7946 0001', 'c0000000-0000-4000-8000-000000000001', 'ada@candidate.test',
   'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/ada-lovelace.pdf', 'Ada Lovelace. Analytical engines, Rust, notes on Bernoulli numbers.',
   array['Rust', 'Mathematics']),
  ('d0000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Grace Hopper', 'Grace', 'Hopper',
   'grace@candidate.test', null, 'c0000000-0000-4000-8000-000000000002', 'grace@candidate.test',
   null, 'Grace Hopper. Compilers, COBOL, Python, debugging.', array['Compilers', 'Python']),
  ('d0000000-0000-4000-8000-000000000003', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Linus Torvalds', 'Linus', 'Torvalds',
   'linus@candidate.test', null, null, null, null, 'Linus Torvalds. Kernels, C, statistics of patches.', array['C', 'Git']),
  ('d0000000-0000-4000-8000-000000000004', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Alan Turing', 'Alan', 'Turing',
   'alan@candidate.test', null, null, null, null, null, array['Cryptanalysis']);

-- Grace's record, owned by A, is shared with B: the candidate shared by both tenants.
insert into public.candidate_tenants (candidate_id, tenant_id, relationship_type) values
  ('d0000000-0000-4000-8000-000000000002', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'shared');

insert into public.candidate_profiles (candidate_id, tenant_id, pdl_id, pdl_likelihood, last_enriched_at, first_name, last_name,
                                       location_name, location_country, job_title, job_company_name, linkedin_url, skills, industry) values
  ('d0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'pdl-ada-1815', 9, now(), 'Ada', 'Lovelace',
   'London, England', 'united kingdom', 'analyst', 'analytical engines ltd', 'linkedin.com/in/ada-lovelace',
   array['rust', 'mathematics'], 'computer software');

insert into public.resume_jobs (tenant_id, storage_path, file_name, sha256, status, attempts, candidate_id) values
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/ada-lovelace.pdf', 'ada-lovelace.pdf',
   encode(sha256('ada-lovelace.pdf'), 'hex'), 'done', 1, 'd0000000-0000-4000-8000-000000000001');

-- ---- interview sessions (created invited/scheduled, then moved along the lifecycle) -----------
insert into public.interview_sessions (id, tenant_id, candidate_id, position_id, status, scheduled_at) values
  ('e0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'd0000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'scheduled', now() - interval '2 days'),
  ('e0000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'd0000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001', 'invited', null),
  ('e0000000-0000-4000-8000-000000000003', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'd0000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000001', 'scheduled', now() + interval '3 days'),
  ('e0000000-0000-4000-8000-000000000004', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'd0000000-0000-4000-8000-000000000003', 'b2000000-0000-4000-8000-000000000001', 'invited', null);
update public.interview_sessions
set status = 'in_progress', consent_given_at = now() - interval '2 days', started_at = now() - interval '2 days'
where id = 'e0000000-0000-4000-8000-000000000001';
update public.interview_sessions
set status = 'completed', ended_at = now() - interval '2 days' + interval '25 minutes'
where id = 'e0000000-0000-4000-8000-000000000001';

insert into public.interview_invitations (id, tenant_id, candidate_id, session_id, email, token_hash, expires_at, created_by) values
  ('f0000000-0000-4000-8000-000000000001', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'd0000000-0000-4000-8000-000000000003',
   'e0000000-0000-4000-8000-000000000004', 'linus@candidate.test', sha256(decode(repeat('5eed', 16), 'hex')),
   now() + interval '7 days', 'b0000000-0000-4000-8000-000000000002');

insert into public.transcript_entries (tenant_id, session_id, speaker, text, start_ms, end_ms, source_event_id) values
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'e0000000-0000-4000-8000-000000000001', 'interviewer',
   'Tell me about a Rust service you designed.', 0, 3200, 'seed-evt-1'),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'e0000000-0000-4000-8000-000000000001', 'candidate',
   'I built a scheduler for analytical engines; ownership made the concurrency easy to reason about.', 3600, 11800, 'seed-evt-2'),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'e0000000-0000-4000-8000-000000000001', 'interviewer',
   'How would you scale it to a fleet of robots?', 12400, 15000, 'seed-evt-3'),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'e0000000-0000-4000-8000-000000000001', 'candidate',
   'Partition by site, keep a leader per partition, and make every command idempotent.', 15500, 24000, 'seed-evt-4');

insert into public.interview_insights (tenant_id, session_id, summary, metrics, competency_scores, model) values
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'e0000000-0000-4000-8000-000000000001',
   'Strong systems thinker with practical Rust experience.',
   '{"talk_ratio_candidate": 0.68, "words_per_minute": 142, "answer_latency_ms": 450}',
   '[{"competency_id": "a3000000-0000-4000-8000-000000000001", "score": 5, "evidence": ["ownership made the concurrency easy to reason about"]},
     {"competency_id": "a3000000-0000-4000-8000-000000000002", "score": 4, "evidence": ["Partition by site, keep a leader per partition"]},
     {"competency_id": "a3000000-0000-4000-8000-000000000003", "score": 4, "evidence": ["make every command idempotent"]}]',
   'deterministic-v1');

commit;
