-- The outcome of the last People Data Labs enrichment, on the profile it is about.
-- enrich-candidate (and process-resume's enriching step) upsert candidate_profiles on
-- (candidate_id, tenant_id) as the caller, so RLS decides as for any profile write:
--   enriched        PDL matched; the profile columns hold its data
--   no_match        PDL answered 404 (not an error; nothing is billed)
--   not_configured  no PDL key is set on the platform
--   failed          PDL or the network failed after the retries; enrichment_error says how
-- A failed or empty enrichment only sets these two columns and last_enriched_at, so an
-- earlier successful enrichment's data survives a later outage.

alter table public.candidate_profiles
  add column enrichment_status text
    check (enrichment_status in ('enriched', 'no_match', 'not_configured', 'failed')),
  add column enrichment_error text
    check (enrichment_error is null or enrichment_status = 'failed');

comment on column public.candidate_profiles.enrichment_status is
  'Outcome of the last enrichment attempt: enriched, no_match (PDL 404), not_configured (no PDL key), failed (see enrichment_error).';
comment on column public.candidate_profiles.enrichment_error is
  'Why the last enrichment failed (vendor status and code), only when enrichment_status = failed.';
