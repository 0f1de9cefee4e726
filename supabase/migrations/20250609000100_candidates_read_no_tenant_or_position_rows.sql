-- As a candidate, a user reads no row of tenants or positions any more (tenant members
-- still read their own tenant's); candidate_sessions() (20250605000300) is how a
-- candidate sees the names.
--
-- Issue 5 promises that a candidate sees "their sessions across all tenants that invited
-- them, the position title and company name for each, and nothing else of those
-- tenants". Two policies from the first schema broke that promise:
--   "Candidates can read the tenants they are candidates of" (20250601000500) gave them
--     the whole tenants row, metadata included;
--   "Candidates can read the positions they are interviewing for" (20250601000800) gave
--     them the whole positions row: description, responsibilities, requirements,
--     nice_to_have, metadata (the generator's notes), status, company_id...
-- A policy picks rows, never columns, and a column grant cannot tell a candidate from the
-- staff who need those columns, so narrowing is not possible: the policies go.
-- candidate_sessions() (SECURITY DEFINER) already returns exactly the documented columns
-- (position title, company name, organisation name), and it does not depend on them.
--
-- Nothing else depended on them. Of the SQL functions a candidate calls, only
-- candidate_sessions and reserve_interview_token (the position and its competencies for
-- the interviewer's instructions) read positions or tenants, and both are SECURITY
-- DEFINER, reading as the tables' owner; interview_session_access, finish_interview_token,
-- relay_transcript_events, link_candidate_account, record_session_consent (SECURITY
-- INVOKER), the triggers a candidate's consent update fires, and the access token hook
-- read neither. The edge functions read positions, companies and tenants only as tenant
-- staff (generate-position, invite-candidate, transcript-processor), under the members'
-- policies. Foreign key checks from interview_sessions do not go through RLS.
--
-- Their helpers go with them: private.my_candidate_tenant_ids() and
-- private.my_position_ids() served only these two policies (no function body names them
-- either). No CASCADE: were another policy or a view to use them, this migration would
-- fail rather than silently take it along.

drop policy "Candidates can read the tenants they are candidates of" on public.tenants;
drop policy "Candidates can read the positions they are interviewing for" on public.positions;

drop function private.my_candidate_tenant_ids();
drop function private.my_position_ids();
