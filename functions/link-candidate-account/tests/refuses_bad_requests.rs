//! What never reaches the database: malformed bodies, missing or bad tokens, wrong
//! methods, oversized bodies. Each in the JSON error shape with CORS headers.
// Tests: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use shared::request::Headers;
use shared::testing::{sign_token, user_claims, user_token, TEST_NOW_MS};
use shared::{Method, Request, DEFAULT_BODY_LIMIT};

fn untouched() -> Db {
    fake_postgrest(vec![])
}

fn raw(body: &str, content_type: &str) -> Request {
    Request::new(Method::Post, "/link-candidate-account")
        .unwrap()
        .with_body(content_type, body)
        .with_header("authorization", format!("Bearer {}", user_token(json!({}))))
}

#[test]
fn malformed_bodies_are_400() {
    let long = "a".repeat(link_candidate_account::MAX_TOKEN_LEN + 1);
    let cases = [
        (
            raw("{\"invitation_token\":", "application/json"),
            "invalid_json",
        ),
        (raw("", "application/json"), "body_required"),
        (
            post(json!({}), Some(&user_token(json!({})))),
            "invalid_body",
        ),
        (
            post(
                json!({ "invitation_token": 42 }),
                Some(&user_token(json!({}))),
            ),
            "invalid_body",
        ),
        (
            post(
                json!({ "invitation_token": "" }),
                Some(&user_token(json!({}))),
            ),
            "invalid_token",
        ),
        (
            post(
                json!({ "invitation_token": "   " }),
                Some(&user_token(json!({}))),
            ),
            "invalid_token",
        ),
        (
            post(
                json!({ "invitation_token": long }),
                Some(&user_token(json!({}))),
            ),
            "invalid_token",
        ),
        (
            post(
                json!({ "invitation_token": "ab\ncd" }),
                Some(&user_token(json!({}))),
            ),
            "invalid_token",
        ),
    ];
    for (request, code) in cases {
        let db = untouched();
        let response = call(Ok(request), db.clone());
        assert_eq!(error_of(&response), (400, code.into()));
        assert!(
            db.requests().is_empty(),
            "{code}: the database is not asked"
        );
    }
}

#[test]
fn the_wrong_content_type_is_415() {
    let response = call(
        Ok(raw(
            &json!({ "invitation_token": TOKEN }).to_string(),
            "text/plain",
        )),
        untouched(),
    );
    assert_eq!(error_of(&response), (415, "unsupported_media_type".into()));
}

#[test]
fn no_or_bad_token_is_401() {
    let expired = {
        let mut claims = user_claims(json!({}));
        claims["exp"] = json!(TEST_NOW_MS / 1000 - 3600);
        sign_token(&claims, shared::testing::TEST_JWT_SECRET)
    };
    let forged = sign_token(
        &user_claims(json!({})),
        "not-the-secret-but-at-least-32-characters",
    );
    let anon = sign_token(
        &json!({ "role": "anon", "iss": "supabase-demo", "exp": TEST_NOW_MS / 1000 + 60 }),
        shared::testing::TEST_JWT_SECRET,
    );
    let cases = [
        (None, "missing_token"),
        (Some("garbage"), "invalid_token"),
        (Some(forged.as_str()), "invalid_token"),
        (Some(expired.as_str()), "token_expired"),
        (Some(anon.as_str()), "sign_in_required"),
    ];
    for (token, code) in cases {
        let db = untouched();
        let response = call(
            Ok(post(json!({ "invitation_token": TOKEN }), token)),
            db.clone(),
        );
        assert_eq!(error_of(&response), (401, code.into()));
        assert!(db.requests().is_empty());
    }
}

#[test]
fn the_service_role_is_not_a_user() {
    let service = sign_token(
        &json!({ "role": "service_role", "exp": TEST_NOW_MS / 1000 + 60 }),
        shared::testing::TEST_JWT_SECRET,
    );
    let response = call(
        Ok(post(json!({ "invitation_token": TOKEN }), Some(&service))),
        untouched(),
    );
    assert_eq!(error_of(&response), (403, "insufficient_role".into()));
}

#[test]
fn other_methods_are_405_with_allow() {
    for method in [Method::Get, Method::Put, Method::Patch, Method::Delete] {
        let response = call(Request::new(method, "/link-candidate-account"), untouched());
        assert_eq!(error_of(&response), (405, "method_not_allowed".into()));
        assert_eq!(response.header("allow"), Some("POST"));
    }
}

#[test]
fn a_body_over_the_limit_is_413() {
    let body = format!(
        "{{\"invitation_token\":\"{}\"}}",
        "a".repeat(DEFAULT_BODY_LIMIT)
    );
    let headers: Headers = [("content-type", "application/json")].into_iter().collect();
    let request = Request::from_parts(
        "POST",
        "http://localhost/link-candidate-account",
        headers,
        body.into_bytes(),
        DEFAULT_BODY_LIMIT,
    );
    let response = call(request, untouched());
    assert_eq!(error_of(&response), (413, "payload_too_large".into()));

    let declared: Headers = [("content-length", "2000000")].into_iter().collect();
    let request = Request::from_parts(
        "POST",
        "/link-candidate-account",
        declared,
        Vec::new(),
        DEFAULT_BODY_LIMIT,
    );
    assert_eq!(
        error_of(&call(request, untouched())),
        (413, "payload_too_large".into())
    );
}

#[test]
fn preflight_is_answered_with_cors() {
    let db = untouched();
    let response = call(
        Request::new(Method::Options, "/link-candidate-account"),
        db.clone(),
    );
    assert_eq!(response.status(), 204);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        response.header("access-control-allow-headers"),
        Some(shared::cors::ALLOW_HEADERS),
        "supabase-js's list (tests/functions-allow-what-supabase-js-sends.test.ts holds it to it)"
    );
    assert!(response
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert!(db.requests().is_empty());
}
