//! The bad-input suite: missing or oversized titles, bad fields, wrong callers, wrong
//! methods. Each a 4xx in the JSON error shape, before any query; never a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use shared::testing::{error_of, sign_token, user_claims, user_token, TEST_JWT_SECRET};
use shared::{Method, Request};

fn refused(req: Request) -> (u16, String, usize) {
    let (response, _, sent, _) = run(req, true, |_| {});
    let (status, code) = error_of(&response);
    (status, code, sent.len())
}

#[test]
fn bad_input_is_400_before_any_query() {
    let admin = member_token("admin");
    let cases = [
        (json!({}), "invalid_title"),
        (json!({ "title": "" }), "invalid_title"),
        (json!({ "title": "x".repeat(201) }), "invalid_title"),
        (json!({ "title": "x".repeat(10 * 1024) }), "invalid_title"),
        (json!({ "title": 42 }), "invalid_body"),
        (
            json!({ "title": "Engineer", "seniority": "wizard" }),
            "invalid_seniority",
        ),
        (
            json!({ "title": "Engineer", "company_id": "acme" }),
            "invalid_company_id",
        ),
        (
            json!({ "title": "Engineer", "department": "d".repeat(101) }),
            "invalid_field",
        ),
        (
            json!({ "title": "Engineer", "notes": "n".repeat(2001) }),
            "invalid_field",
        ),
        (
            json!({ "title": "Engineer", "competency_hints": vec!["x"; 11] }),
            "invalid_competency_hints",
        ),
        (
            json!({ "title": "Engineer", "competency_hints": "Rust" }),
            "invalid_body",
        ),
        (json!({ "position_id": DRAFT_A }), "regenerate_required"),
        (json!({ "regenerate": true }), "invalid_position_id"),
        (
            json!({ "regenerate": true, "position_id": "nope" }),
            "invalid_position_id",
        ),
        (json!(["Senior Backend Engineer"]), "invalid_body"),
    ];
    for (body, code) in cases {
        assert_eq!(
            refused(post(body.clone(), Some(&admin))),
            (400, code.to_owned(), 0),
            "{body}"
        );
    }
    let with_key = post(json!({ "title": "Engineer" }), Some(&admin))
        .with_header("Idempotency-Key", "k".repeat(300));
    assert_eq!(
        refused(with_key),
        (400, "invalid_idempotency_key".into(), 0)
    );
    let raw = Request::new(Method::Post, "/generate-position")
        .unwrap()
        .with_body("application/json", "{\"title\": ")
        .with_header("authorization", format!("Bearer {admin}"));
    assert_eq!(refused(raw), (400, "invalid_json".into(), 0));
}

#[test]
fn only_owners_and_admins_generate() {
    let body = json!({ "title": "Senior Backend Engineer" });
    assert_eq!(refused(post(body.clone(), None)).0, 401);
    let anon = sign_token(
        &json!({ "role": "anon", "iss": "supabase-demo", "exp": 4_000_000_000u64 }),
        TEST_JWT_SECRET,
    );
    assert_eq!(refused(post(body.clone(), Some(&anon))).0, 401);
    let forged = sign_token(
        &user_claims(json!({ "tenant_id": TENANT_A, "role": "owner" })),
        "not-the-secret-but-long-enough-to-be-one",
    );
    assert_eq!(refused(post(body.clone(), Some(&forged))).0, 401);
    assert_eq!(
        refused(post(body.clone(), Some(&member_token("user")))),
        (403, "insufficient_role".into(), 0)
    );
    assert_eq!(
        refused(post(
            body.clone(),
            Some(&user_token(json!({ "is_candidate": true })))
        ))
        .0,
        403
    );
    assert_eq!(refused(post(body, Some(&user_token(json!({}))))).0, 403);
}

#[test]
fn only_post_is_answered() {
    for method in [Method::Get, Method::Patch, Method::Delete] {
        let req = Request::new(method, "/generate-position")
            .unwrap()
            .with_header("authorization", format!("Bearer {}", member_token("admin")));
        assert_eq!(refused(req), (405, "method_not_allowed".into(), 0));
    }
}
