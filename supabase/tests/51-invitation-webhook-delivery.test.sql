-- The webhook bookkeeping columns of interview_invitations: owners and admins record the
-- delivery outcome on their tenant's invitations, through the existing update policy,
-- and nothing more becomes writable.
begin;
\ir helpers/test_helpers.sql
\ir helpers/fixtures.sql
select plan(12);

select has_column('public', 'interview_invitations', 'webhook_status', 'interview_invitations.webhook_status exists');
select col_is_null('public', 'interview_invitations', 'webhook_status', 'webhook_status is NULL until a webhook is attempted');

-- a1 is A's invitation, b9 B's
select tests.clear_authentication();
select throws_ok($$update interview_invitations set webhook_status = 'failed' where id = '90000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'anon cannot record a webhook outcome');

select tests.authenticate_as('admin_a');
select is(tests.affected_undo($$update interview_invitations
    set webhook_status = 'delivered', webhook_attempted_at = now(), webhook_response_status = 204, webhook_error = null
    where id in ('90000000-0000-0000-0000-0000000000a1', '90000000-0000-0000-0000-0000000000b9')$$), 1,
  'Owners and admins can update their tenant''s invitations: admin_a records the webhook outcome on A''s, not B''s');
select throws_ok($$update interview_invitations set webhook_status = 'lost' where id = '90000000-0000-0000-0000-0000000000a1'$$,
  '23514', null, 'webhook_status is delivered or failed only');
select throws_ok($$update interview_invitations set webhook_error = repeat('x', 501) where id = '90000000-0000-0000-0000-0000000000a1'$$,
  '23514', null, 'webhook_error is at most 500 characters');
select throws_ok($$update interview_invitations set email = 'someone@else.test' where id = '90000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'the grant does not widen to the invitation itself (email)');
select throws_ok($$update interview_invitations set used_at = now() where id = '90000000-0000-0000-0000-0000000000a1'$$,
  '42501', null, 'nor to used_at');

select tests.authenticate_as('owner_a');
select is(tests.affected_undo($$update interview_invitations set webhook_status = 'failed', webhook_error = 'status 503'
    where id = '90000000-0000-0000-0000-0000000000a1'$$), 1,
  'Owners and admins can update their tenant''s invitations: owner_a records a failure');

select tests.authenticate_as('user_a');
select is(tests.affected_undo($$update interview_invitations set webhook_status = 'failed' where id = '90000000-0000-0000-0000-0000000000a1'$$), 0,
  'Owners and admins can update their tenant''s invitations: user_a (role user) records nothing');
select tests.authenticate_as('owner_b');
select is(tests.affected_undo($$update interview_invitations set webhook_status = 'failed' where id = '90000000-0000-0000-0000-0000000000a1'$$), 0,
  'Owners and admins can update their tenant''s invitations: owner_b records nothing on A''s');
select tests.authenticate_as('cand_a');
select is(tests.affected_undo($$update interview_invitations set webhook_status = 'failed' where id = '90000000-0000-0000-0000-0000000000a1'$$), 0,
  'a candidate records nothing on their own invitation');

select * from finish();
rollback;
