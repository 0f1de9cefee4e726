//! A fake Supabase that answers `rpc/create_candidate_invitation` by the rules of the
//! SQL function (caller check, email, position of the tenant, open-session reuse), the
//! name look-ups and the webhook bookkeeping PATCH; and beside it a fake webhook receiver
//! with scripted answers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::http::{HttpResponse, TransportError};
use shared::testing::{json_response, postgrest_error, FakeSupabase, RestCall};
use shared::{Context, Method, Request, Response};

pub const TENANT_A: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
pub const TENANT_B: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
pub const POSITION_A: &str = "a2000000-0000-4000-8000-000000000001";
pub const ARCHIVED_A: &str = "a2000000-0000-4000-8000-000000000009";
pub const POSITION_B: &str = "b2000000-0000-4000-8000-000000000001";
pub const COMPANY_A: &str = "a1000000-0000-4000-8000-000000000001";
pub const WEBHOOK_URL: &str = "https://hooks.example.test/invitations";
/// The Standard Webhooks specification's example secret.
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A token of a member of tenant A with `role`.
pub fn member_token(role: &str) -> String {
    shared::testing::member_token(TENANT_A, role)
}

#[derive(Default)]
pub struct State {
    /// (email, position) → (candidate id, session id): sessions that are open.
    pub sessions: Vec<(String, String, String, String)>,
    pub invitations: u32,
    pub patches: Vec<(String, Value)>,
    /// Answers of the webhook receiver, in order; empty means 204.
    pub webhook_answers: VecDeque<Result<u16, TransportError>>,
    /// The PATCH that records the outcome answers this status.
    pub patch_status: u16,
}

/// Every query runs as the caller, with the anon key as `apikey`; their tenant.
fn caller_tenant(call: &RestCall) -> Option<String> {
    assert_eq!(call.header("apikey"), Some("anon-key"));
    let claims = call
        .claims
        .as_ref()
        .expect("every query runs as the caller");
    claims.app_metadata.tenant_id.map(|t| t.to_string())
}

/// The fake project: tenant A's data, and the webhook receiver beside it.
pub type Fake = Rc<FakeSupabase<State>>;

/// PostgREST for tenant A's data, and the webhook receiver.
pub fn fake(state: Rc<RefCell<State>>) -> Fake {
    FakeSupabase::over(state)
        .service(WEBHOOK_URL, |s, _| match s.webhook_answers.pop_front() {
            None => Ok(HttpResponse::new(204, "")),
            Some(Ok(status)) => Ok(HttpResponse::new(status, "receiver says no")),
            Some(Err(err)) => Err(err),
        })
        .rpc("create_candidate_invitation", |s, call| {
            let tenant = caller_tenant(call);
            assert_eq!(call.method, Method::Post);
            let body = &call.body;
            let role = call.claims.as_ref().and_then(|c| c.app_metadata.role());
            if body["p_tenant_id"].as_str() != tenant.as_deref()
                || role < Some(shared::TenantRole::Admin)
            {
                return postgrest_error(403, "forbidden", "Only owners and admins can invite.");
            }
            let email = body["p_candidate_email"].as_str().unwrap().to_owned();
            if !email.contains('@') {
                return postgrest_error(
                    400,
                    "invalid_email",
                    "The candidate email address is not valid.",
                );
            }
            let position = body["p_position_id"].as_str().unwrap().to_owned();
            if position == ARCHIVED_A {
                return postgrest_error(409, "position_archived", "The position is archived.");
            }
            if position != POSITION_A {
                return postgrest_error(
                    404,
                    "position_not_found",
                    "No such position in this organisation.",
                );
            }
            s.invitations += 1;
            let n = s.invitations;
            let existing = s
                .sessions
                .iter()
                .find(|(e, p, _, _)| *e == email && *p == position)
                .cloned();
            let created = existing.is_none();
            let (candidate, session) = match existing {
                Some((_, _, c, s)) => (c, s),
                None => {
                    let c = format!("c0000000-0000-4000-8000-{:012}", s.sessions.len() + 1);
                    let x = format!("e0000000-0000-4000-8000-{:012}", s.sessions.len() + 1);
                    s.sessions.push((email, position, c.clone(), x.clone()));
                    (c, x)
                }
            };
            json_response(
                200,
                &json!({
                    "candidate_id": candidate, "session_id": session,
                    "invitation_id": format!("f0000000-0000-4000-8000-{n:012}"),
                    "token": format!("{n:064x}"), "expires_at": "2027-01-22T08:00:00+00:00",
                    "created": created,
                }),
            )
        })
        .table("positions", |_, call| {
            caller_tenant(call);
            assert_eq!(call.method, Method::Get);
            json_response(
                200,
                &json!([{ "title": "Senior Rust Engineer", "company_id": COMPANY_A }]),
            )
        })
        .table("companies", |_, call| {
            caller_tenant(call);
            json_response(200, &json!([{ "name": "Acme Robotics" }]))
        })
        .table("tenants", |_, call| {
            caller_tenant(call);
            json_response(200, &json!([{ "name": "Acme Recruiting" }]))
        })
        .table("interview_invitations", |s, call| {
            caller_tenant(call);
            assert_eq!(call.method, Method::Patch);
            s.patches
                .push((call.request.url.clone(), call.body.clone()));
            let status = if s.patch_status == 0 {
                200
            } else {
                s.patch_status
            };
            json_response(status, &json!([call.body]))
        })
        .shared()
}

pub const WITH_WEBHOOK: [(&str, &str); 2] = [
    ("INVITE_WEBHOOK_URL", WEBHOOK_URL),
    ("INVITE_WEBHOOK_SECRET", WEBHOOK_SECRET),
];

/// `POST /invite-candidate` with a JSON body and, if given, a bearer token.
pub fn post(body: Value, token: Option<&str>) -> Request {
    shared::testing::post_json("http://localhost/invite-candidate", &body, token)
}

pub fn invite(email: &str) -> Value {
    json!({ "candidate_email": email, "position_id": POSITION_A })
}

/// Through the shared pipeline, as `handle` does in wasm.
pub fn call(req: Result<Request, shared::ApiError>, cx: Context) -> Response {
    shared::testing::call(invite_candidate::run, invite_candidate::ERRORS, req, cx)
}
