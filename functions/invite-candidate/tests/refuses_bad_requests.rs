//! What never reaches the database: malformed input, missing or insufficient callers,
//! wrong methods. Each in the JSON error shape with CORS headers, never a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use serde_json::json;
use shared::testing::{
    error_of, sign_token, test_context_with, user_claims, user_token, TEST_JWT_SECRET,
};
use shared::{Method, Request};

fn refused(req: Request) -> (u16, String, usize) {
    let state = Rc::new(RefCell::new(State::default()));
    let http = fake(state);
    let (cx, _) = test_context_with(http.clone(), &WITH_WEBHOOK);
    let response = call(Ok(req), cx);
    let (status, code) = error_of(&response);
    (status, code, http.requests().len())
}

#[test]
fn malformed_input_is_400() {
    let admin = member_token("admin");
    let long = format!("{}@example.com", "a".repeat(400));
    let cases = [
        (json!({}), "invalid_body"),
        (json!({ "position_id": POSITION_A }), "invalid_body"),
        (
            json!({ "candidate_email": "ada@example.com" }),
            "invalid_body",
        ),
        (
            json!({ "candidate_email": 42, "position_id": POSITION_A }),
            "invalid_body",
        ),
        (
            json!({ "candidate_email": "not an email", "position_id": POSITION_A }),
            "invalid_email",
        ),
        (
            json!({ "candidate_email": "", "position_id": POSITION_A }),
            "invalid_email",
        ),
        (
            json!({ "candidate_email": long, "position_id": POSITION_A }),
            "invalid_email",
        ),
        (
            json!({ "candidate_email": "ada@example.com", "position_id": "42" }),
            "invalid_position_id",
        ),
        (
            json!({ "candidate_email": "ada@example.com", "position_id": "" }),
            "invalid_position_id",
        ),
        (json!([1, 2]), "invalid_body"),
        (json!(["ada@example.com", POSITION_A]), "invalid_body"),
    ];
    for (body, code) in cases {
        assert_eq!(
            refused(post(body.clone(), Some(&admin))),
            (400, code.to_owned(), 0),
            "{body}"
        );
    }
    let raw = |body: &str, content_type: &str| {
        Request::new(Method::Post, "/invite-candidate")
            .unwrap()
            .with_body(content_type, body.to_owned())
            .with_header("authorization", format!("Bearer {admin}"))
    };
    assert_eq!(
        refused(raw("{\"candidate_email\":", "application/json")),
        (400, "invalid_json".into(), 0)
    );
    assert_eq!(
        refused(raw("", "application/json")),
        (400, "body_required".into(), 0)
    );
    assert_eq!(refused(raw("candidate_email=a", "text/plain")).0, 415);
}

#[test]
fn callers_who_may_not_invite() {
    let body = invite("ada@example.com");
    assert_eq!(refused(post(body.clone(), None)).0, 401);
    let anon = sign_token(
        &json!({ "role": "anon", "iss": "supabase-demo", "exp": 4_000_000_000u64 }),
        TEST_JWT_SECRET,
    );
    assert_eq!(refused(post(body.clone(), Some(&anon))).0, 401);
    assert_eq!(refused(post(body.clone(), Some("not.a.jwt"))).0, 401);
    let forged = sign_token(
        &user_claims(json!({ "tenant_id": TENANT_A, "role": "owner" })),
        "another-secret-of-at-least-32-chars!!",
    );
    assert_eq!(refused(post(body.clone(), Some(&forged))).0, 401);
    assert_eq!(
        refused(post(body.clone(), Some(&member_token("user")))),
        (403, "insufficient_role".into(), 0),
        "a plain member"
    );
    assert_eq!(
        refused(post(
            body.clone(),
            Some(&user_token(json!({ "is_candidate": true })))
        ))
        .0,
        403,
        "a candidate"
    );
    assert_eq!(
        refused(post(body, Some(&user_token(json!({}))))).0,
        403,
        "a signed-in user without a tenant"
    );
}

#[test]
fn only_post_is_answered() {
    for method in [Method::Get, Method::Put, Method::Delete] {
        let req = Request::new(method, "/invite-candidate")
            .unwrap()
            .with_header("authorization", format!("Bearer {}", member_token("admin")));
        assert_eq!(refused(req), (405, "method_not_allowed".into(), 0));
    }
}
