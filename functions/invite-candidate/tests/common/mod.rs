//! A fake PostgREST that answers `rpc/create_candidate_invitation` by the rules of the
//! SQL function (caller check, email, position of the tenant, open-session reuse), the
//! name look-ups and the webhook bookkeeping PATCH; and a fake webhook receiver with
//! scripted answers. Both behind one `FakeHttp`, as the function sees them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::http::{HttpRequest, HttpResponse, TransportError};
use shared::testing::{caller_claims, json_response, postgrest_error, FakeHttp, TEST_SUPABASE_URL};
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

fn rest(path: &str) -> String {
    format!("{TEST_SUPABASE_URL}/rest/v1/{path}")
}

/// PostgREST for tenant A's data, and the webhook receiver.
pub fn fake(state: Rc<RefCell<State>>) -> Rc<FakeHttp> {
    Rc::new(FakeHttp::with_responder(move |req: &HttpRequest| {
        if req.url == WEBHOOK_URL {
            let answer = state.borrow_mut().webhook_answers.pop_front();
            return match answer {
                None => Ok(HttpResponse::new(204, "")),
                Some(Ok(status)) => Ok(HttpResponse::new(status, "receiver says no")),
                Some(Err(err)) => Err(err),
            };
        }
        assert!(
            req.url.starts_with(&rest("")),
            "unexpected call {}",
            req.url
        );
        assert_eq!(req.headers.get("apikey"), Some("anon-key"));
        let claims = caller_claims(req).expect("every query runs as the caller");
        let tenant = claims.app_metadata.tenant_id.map(|t| t.to_string());

        if req.url == rest("rpc/create_candidate_invitation") {
            assert_eq!(req.method, Method::Post);
            let body: Value = serde_json::from_slice(req.body.as_deref().unwrap()).unwrap();
            let role = claims.app_metadata.role();
            if body["p_tenant_id"].as_str() != tenant.as_deref()
                || role < Some(shared::TenantRole::Admin)
            {
                return Ok(postgrest_error(
                    403,
                    "forbidden",
                    "Only owners and admins can invite.",
                ));
            }
            let email = body["p_candidate_email"].as_str().unwrap().to_owned();
            if !email.contains('@') {
                return Ok(postgrest_error(
                    400,
                    "invalid_email",
                    "The candidate email address is not valid.",
                ));
            }
            let position = body["p_position_id"].as_str().unwrap().to_owned();
            if position == ARCHIVED_A {
                return Ok(postgrest_error(
                    409,
                    "position_archived",
                    "The position is archived.",
                ));
            }
            if position != POSITION_A {
                return Ok(postgrest_error(
                    404,
                    "position_not_found",
                    "No such position in this organisation.",
                ));
            }
            let mut s = state.borrow_mut();
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
            return Ok(json_response(
                200,
                &json!({
                    "candidate_id": candidate, "session_id": session,
                    "invitation_id": format!("f0000000-0000-4000-8000-{n:012}"),
                    "token": format!("{n:064x}"), "expires_at": "2027-01-22T08:00:00+00:00",
                    "created": created,
                }),
            ));
        }
        if req.url.starts_with(&rest("positions?")) {
            assert_eq!(req.method, Method::Get);
            return Ok(json_response(
                200,
                &json!([{ "title": "Senior Rust Engineer", "company_id": COMPANY_A }]),
            ));
        }
        if req.url.starts_with(&rest("companies?")) {
            return Ok(json_response(200, &json!([{ "name": "Acme Robotics" }])));
        }
        if req.url.starts_with(&rest("tenants?")) {
            return Ok(json_response(200, &json!([{ "name": "Acme Recruiting" }])));
        }
        if req.url.starts_with(&rest("interview_invitations?")) {
            assert_eq!(req.method, Method::Patch);
            let body: Value = serde_json::from_slice(req.body.as_deref().unwrap()).unwrap();
            let mut s = state.borrow_mut();
            s.patches.push((req.url.clone(), body.clone()));
            let status = if s.patch_status == 0 {
                200
            } else {
                s.patch_status
            };
            return Ok(json_response(status, &json!([body])));
        }
        panic!("unexpected call {} {}", req.method.as_str(), req.url);
    }))
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
    shared::testing::call(invite_candidate::run, req, cx)
}
