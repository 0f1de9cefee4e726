-- candidate_profiles.enrichment_status / enrichment_error (migration 20250608000200):
-- the outcome of the last People Data Labs call, written by enrich-candidate as the
-- caller with PostgREST's upsert on (candidate_id, tenant_id), i.e. INSERT ... ON
-- CONFLICT DO UPDATE of only the columns sent. The profile policies are unchanged
-- (14-candidate-profiles-rls); this proves the upsert path and the columns' rules.
-- Fixture: profile d0..a1 (A, candidate a1, job_title Engineer), d0..b2 (B, candidate b2).
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(11);

select has_column('public', 'candidate_profiles', 'enrichment_status', 'candidate_profiles has enrichment_status');
select has_column('public', 'candidate_profiles', 'enrichment_error', 'candidate_profiles has enrichment_error');

select tests.authenticate_as('admin_a');
-- a failed enrichment of a profile that has data: only the status columns change
select is(tests.affected($$insert into candidate_profiles (candidate_id, tenant_id, enrichment_status, enrichment_error, last_enriched_at)
  values ('40000000-0000-0000-0000-0000000000a1', '10000000-0000-0000-0000-0000000000aa', 'failed', 'pdl: 503', now())
  on conflict (candidate_id, tenant_id) do update
  set enrichment_status = excluded.enrichment_status, enrichment_error = excluded.enrichment_error,
      last_enriched_at = excluded.last_enriched_at$$), 1,
  'an admin records a failed enrichment on the existing profile (upsert on candidate_id, tenant_id)');
select is((select (job_title, enrichment_status, enrichment_error) from candidate_profiles
           where id = 'd0000000-0000-0000-0000-0000000000a1'),
  ('Engineer'::text, 'failed'::text, 'pdl: 503'::text),
  'a failed enrichment keeps the data of the earlier one');
select is(tests.affected($$insert into candidate_profiles (candidate_id, tenant_id, enrichment_status)
  values ('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa', 'no_match')
  on conflict (candidate_id, tenant_id) do update set enrichment_status = excluded.enrichment_status$$), 1,
  'a no_match creates the profile row that records it');
select is((select count(*)::int from candidate_profiles where candidate_id = '40000000-0000-0000-0000-0000000000a9'), 1,
  'one profile per candidate and tenant');

select throws_ok($$update candidate_profiles set enrichment_status = 'enriched', enrichment_error = 'x'
  where id = 'd0000000-0000-0000-0000-0000000000a1'$$, '23514', null,
  'an error is only recorded with the failed status');
select throws_ok($$update candidate_profiles set enrichment_status = 'pending'
  where id = 'd0000000-0000-0000-0000-0000000000a1'$$, '23514', null,
  'enrichment_status is one of enriched, no_match, not_configured, failed');

select tests.authenticate_as('user_a');
select throws_ok($$insert into candidate_profiles (candidate_id, tenant_id, enrichment_status)
  values ('40000000-0000-0000-0000-0000000000a2', '10000000-0000-0000-0000-0000000000aa', 'not_configured')$$, '42501', null,
  'a member with role user cannot record an enrichment');

select tests.authenticate_as('owner_b');
select throws_ok($$insert into candidate_profiles (candidate_id, tenant_id, enrichment_status)
  values ('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000aa', 'failed')$$, '42501', null,
  'an owner of B cannot write a profile into tenant A');
select throws_ok($$insert into candidate_profiles (candidate_id, tenant_id, enrichment_status)
  values ('40000000-0000-0000-0000-0000000000a9', '10000000-0000-0000-0000-0000000000bb', 'no_match')$$, '23503', null,
  'an owner of B cannot enrich a candidate B does not see (no candidate_tenants row)');

select * from finish();
rollback;
