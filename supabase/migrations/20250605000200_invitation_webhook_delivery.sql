-- Delivery of the invitation webhook (invite-candidate posts a Standard Webhooks message
-- to INVITE_WEBHOOK_URL so an email service or an ATS can send the invitation).
--
-- The outcome is recorded on the invitation itself, so a recruiter (and a retry job) can
-- see which invitations never reached the delivery service. The webhook id is derived
-- from the invitation id (`inv_<invitation id>`), stable across retries so the receiver
-- can deduplicate; it is not stored.
--
-- The function records the outcome as the caller (owner/admin), through the existing
-- policy "Owners and admins can update their tenant's invitations"; the column grant below
-- widens what they may update by these bookkeeping columns only.

alter table public.interview_invitations
  add column webhook_status text check (webhook_status in ('delivered', 'failed')),
  add column webhook_attempted_at timestamptz,
  add column webhook_response_status integer check (webhook_response_status between 100 and 599),
  add column webhook_error text check (length(webhook_error) <= 500);

comment on column public.interview_invitations.webhook_status is
  'Outcome of the invitation webhook: delivered (2xx) or failed (after retries); NULL when no webhook is configured.';
comment on column public.interview_invitations.webhook_error is
  'Why the webhook failed (status or network error), for the recruiter; never the response body.';

grant update (webhook_status, webhook_attempted_at, webhook_response_status, webhook_error)
  on table public.interview_invitations to authenticated;
