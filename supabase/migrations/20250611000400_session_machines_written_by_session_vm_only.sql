-- A session's Fly machine is recorded by session-vm alone.
--
-- Owners and admins could insert and update session_machines (machine_id, state) through
-- the Data API, and session-vm then stopped or destroyed whatever machine id the row
-- named, with the platform's Fly token: an admin could aim it at any machine of the app,
-- another tenant's included, whose ids candidates could read on their sessions
-- (interview_sessions.fly_machine_id). Now:
--   * only the service role writes session_machines: session-vm checks the caller (an
--     owner or admin who can see the session, through RLS, or the service role), then
--     records the machine with the service key; members still read their tenant's rows;
--   * interview_sessions.fly_machine_id, a mirror of session_machines.machine_id that
--     every reader of a session (candidates included) could see, is dropped: staff read
--     the machine in session_machines.

drop policy "Owners and admins can record machines for their tenant's sessions" on public.session_machines;
drop policy "Owners and admins can update their tenant's session machines" on public.session_machines;
revoke insert, update, delete on table public.session_machines from authenticated;

comment on table public.session_machines is
  'The Fly Machine dedicated to an interview session: starting -> started -> destroying -> destroyed, or failed (error). One row per session. Members read their tenant''s; only session-vm writes them (with the service role, after checking its caller), so no user can make it act on a machine of their choosing.';

alter table public.interview_sessions drop column fly_machine_id;
