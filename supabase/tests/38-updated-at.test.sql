-- updated_at is the server's: every table that has it stamps it on update, whatever the
-- client sends.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(14);

-- as the service role, so every table can be written; the stamp must still win
select tests.authenticate_as_service_role();
create temp table stamped (t text, w text);
insert into stamped values
  ('tenants', $$id = '10000000-0000-0000-0000-0000000000aa'$$),
  ('users', $$id = '20000000-0000-0000-0000-0000000000a3'$$),
  ('companies', $$id = '30000000-0000-0000-0000-0000000000a1'$$),
  ('candidates', $$id = '40000000-0000-0000-0000-0000000000a9'$$),
  ('candidate_tenants', $$candidate_id = '40000000-0000-0000-0000-0000000000a9'$$),
  ('candidate_profiles', $$id = 'd0000000-0000-0000-0000-0000000000a1'$$),
  ('positions', $$id = '50000000-0000-0000-0000-0000000000a2'$$),
  ('competencies', $$id = '60000000-0000-0000-0000-0000000000a1'$$),
  ('position_competencies', $$id = '70000000-0000-0000-0000-0000000000a1'$$),
  ('interview_sessions', $$id = '80000000-0000-0000-0000-0000000000a2'$$),
  ('interview_invitations', $$id = '90000000-0000-0000-0000-0000000000b9'$$),
  ('transcript_entries', $$id = 'a0000000-0000-0000-0000-0000000000a1'$$),
  ('interview_insights', $$id = 'b0000000-0000-0000-0000-0000000000a1'$$),
  ('resume_jobs', $$id = 'c0000000-0000-0000-0000-0000000000a1'$$);
grant select on stamped to service_role;

create function pg_temp.stamp_after_forged_update(p_table text, p_where text) returns timestamptz language plpgsql as $$
declare
  v timestamptz;
begin
  execute format($q$update public.%I set updated_at = '2000-01-01' where %s$q$, p_table, p_where);
  execute format($q$select updated_at from public.%I where %s$q$, p_table, p_where) into v;
  return v;
end
$$;
grant execute on function pg_temp.stamp_after_forged_update(text, text) to service_role;

select is(pg_temp.stamp_after_forged_update(t, w), now(), format('%s.updated_at is stamped by the server on update', t))
from stamped order by t;

select * from finish();
rollback;
