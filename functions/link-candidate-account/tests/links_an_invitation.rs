//! A signed-in user redeems their invitation and gets the candidate, tenant and session.
// Tests: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use link_candidate_account::Output;
use serde_json::json;
use shared::testing::{
    sign_token, user_claims, user_token, TEST_JWT_SECRET, TEST_USER_EMAIL, TEST_USER_ID,
};

#[test]
fn the_invited_user_is_linked() {
    let db = fake_postgrest(vec![Invitation::for_email(TEST_USER_EMAIL)]);
    let response = call(
        Ok(post(
            json!({ "invitation_token": TOKEN }),
            Some(&user_token(json!({}))),
        )),
        db.clone(),
    );
    assert_eq!(response.status(), 200, "{:?}", response.json_body());
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let output: Output = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(output.candidate_id.to_string(), CANDIDATE);
    assert_eq!(output.tenant_id.to_string(), TENANT);
    assert_eq!(
        output.session_id.map(|s| s.to_string()).as_deref(),
        Some(SESSION)
    );
    assert_eq!(response.json_body().unwrap().as_object().unwrap().len(), 3);
}

#[test]
fn the_call_runs_as_the_user_with_the_token_as_sent() {
    let db = fake_postgrest(vec![Invitation::for_email(TEST_USER_EMAIL)]);
    let token = user_token(json!({}));
    let padded = format!("  {}  ", TOKEN.to_uppercase());
    let response = call(
        Ok(post(json!({ "invitation_token": padded }), Some(&token))),
        db.clone(),
    );
    assert_eq!(response.status(), 200);
    let sent = db.requests();
    assert_eq!(sent.len(), 1, "one rpc, not retried: it is a POST");
    assert_eq!(
        sent[0].headers.get("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let body: serde_json::Value = serde_json::from_slice(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({ "p_token": TOKEN.to_uppercase() }),
        "trimmed; case is the SQL's business"
    );
}

#[test]
fn redeeming_twice_is_idempotent_for_the_same_user() {
    let db = fake_postgrest(vec![Invitation::for_email(TEST_USER_EMAIL)]);
    let token = user_token(json!({}));
    let first = call(
        Ok(post(json!({ "invitation_token": TOKEN }), Some(&token))),
        db.clone(),
    );
    let again = call(
        Ok(post(json!({ "invitation_token": TOKEN }), Some(&token))),
        db.clone(),
    );
    assert_eq!((first.status(), again.status()), (200, 200));
    assert_eq!(first.body(), again.body());
}

#[test]
fn an_invitation_without_a_session_answers_null() {
    let mut invitation = Invitation::for_email(TEST_USER_EMAIL);
    invitation.session_id = None;
    let db = fake_postgrest(vec![invitation]);
    let response = call(
        Ok(post(
            json!({ "invitation_token": TOKEN }),
            Some(&user_token(json!({}))),
        )),
        db,
    );
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json_body().unwrap()["session_id"],
        serde_json::Value::Null
    );
}

#[test]
fn a_user_already_in_a_tenant_may_also_be_a_candidate() {
    let db = fake_postgrest(vec![Invitation::for_email(TEST_USER_EMAIL)]);
    let mut claims = user_claims(json!({ "tenant_id": TENANT, "role": "user" }));
    claims["sub"] = json!(TEST_USER_ID);
    let token = sign_token(&claims, TEST_JWT_SECRET);
    let response = call(
        Ok(post(json!({ "invitation_token": TOKEN }), Some(&token))),
        db,
    );
    assert_eq!(response.status(), 200);
}
