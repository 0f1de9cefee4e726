//! The SQL function's refusals reach the client with their status, code and sentence.
// Tests: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use shared::testing::{user_token, TEST_USER_EMAIL};

fn redeem(invitations: Vec<Invitation>, token: &str) -> shared::Response {
    call(
        Ok(post(
            json!({ "invitation_token": token }),
            Some(&user_token(json!({}))),
        )),
        fake_postgrest(invitations),
    )
}

#[test]
fn unknown_token_is_404() {
    let response = redeem(
        vec![Invitation::for_email(TEST_USER_EMAIL)],
        &"0".repeat(64),
    );
    assert_eq!(error_of(&response), (404, "invitation_not_found".into()));
    assert_eq!(
        response.json_body().unwrap()["error"]["message"],
        "No invitation has this token."
    );
}

#[test]
fn token_used_by_someone_else_is_409() {
    let mut invitation = Invitation::for_email(TEST_USER_EMAIL);
    invitation.used_by = Some("99999999-9999-4999-8999-999999999999".into());
    assert_eq!(
        error_of(&redeem(vec![invitation], TOKEN)),
        (409, "invitation_used".into())
    );
}

#[test]
fn expired_invitation_is_410() {
    let mut invitation = Invitation::for_email(TEST_USER_EMAIL);
    invitation.expired = true;
    assert_eq!(
        error_of(&redeem(vec![invitation], TOKEN)),
        (410, "invitation_expired".into())
    );
}

#[test]
fn another_email_is_403() {
    let response = redeem(
        vec![Invitation::for_email("someone-else@example.test")],
        TOKEN,
    );
    assert_eq!(error_of(&response), (403, "email_mismatch".into()));
}

#[test]
fn a_token_of_the_wrong_form_is_400_from_sql() {
    assert_eq!(
        error_of(&redeem(vec![], "not-hex")),
        (400, "invalid_token".into())
    );
}

#[test]
fn postgrest_down_is_502_with_no_detail() {
    let down = std::rc::Rc::new(shared::testing::FakeHttp::new());
    let response = call(
        Ok(post(
            json!({ "invitation_token": TOKEN }),
            Some(&user_token(json!({}))),
        )),
        down,
    );
    assert_eq!(error_of(&response), (502, "upstream_error".into()));
    assert_eq!(
        response.json_body().unwrap()["error"]["details"],
        serde_json::Value::Null
    );
}
