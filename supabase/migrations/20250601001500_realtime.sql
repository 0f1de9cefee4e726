-- Realtime: the live transcript and the session status reach subscribers through
-- Postgres Changes. Realtime applies each table's SELECT policies to every event, so a
-- subscriber receives exactly the rows they could select (tenant members: their tenant;
-- a candidate: their own sessions and transcripts).
alter publication supabase_realtime add table public.transcript_entries, public.interview_sessions;
