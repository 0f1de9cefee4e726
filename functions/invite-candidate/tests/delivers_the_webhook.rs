//! The invitation webhook: Standard Webhooks headers and signature, a stable id across
//! retries, the outcome recorded on the invitation, and a failing receiver never turning
//! a created invitation into an error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use invite_candidate::Output;
use serde_json::Value;
use sha2::Sha256;
use shared::http::{HttpRequest, TransportError};
use shared::testing::{test_context_with, TEST_NOW_MS};

fn webhook_requests(http: &Fake) -> Vec<HttpRequest> {
    http.requests()
        .into_iter()
        .filter(|r| r.url == WEBHOOK_URL)
        .collect()
}

fn run_with(
    answers: Vec<Result<u16, TransportError>>,
) -> (
    Output,
    u16,
    Rc<RefCell<State>>,
    Vec<HttpRequest>,
    Vec<Duration>,
) {
    let state = Rc::new(RefCell::new(State {
        webhook_answers: answers.into(),
        ..State::default()
    }));
    let http = fake(state.clone());
    let (cx, clock) = test_context_with(http.clone(), &WITH_WEBHOOK);
    let response = call(
        Ok(post(
            invite("ada@example.com"),
            Some(&member_token("admin")),
        )),
        cx,
    );
    let status = response.status();
    let out: Output = serde_json::from_slice(response.body())
        .unwrap_or_else(|e| panic!("{e}: {:?}", response.json_body()));
    let hooks = webhook_requests(&http);
    (out, status, state, hooks, clock.sleeps())
}

#[test]
fn a_delivered_webhook_is_signed_by_the_standard() {
    let (out, status, state, hooks, _) = run_with(vec![]);
    assert_eq!(status, 201);
    assert_eq!(
        (out.webhook.as_str(), out.webhook_error),
        ("delivered", None)
    );
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    let id = hook.headers.get("webhook-id").unwrap();
    let timestamp = hook.headers.get("webhook-timestamp").unwrap();
    let signature = hook.headers.get("webhook-signature").unwrap();
    assert_eq!(id, format!("inv_{}", out.invitation_id.simple()));
    assert_eq!(timestamp, (TEST_NOW_MS / 1000).to_string());
    assert_eq!(
        hook.headers.get("idempotency-key"),
        Some(id),
        "cx.http may retry it"
    );
    assert_eq!(hook.headers.get("content-type"), Some("application/json"));

    // Verify as a receiver would: HMAC-SHA256 over "id.timestamp.body" with the whsec key.
    let key = STANDARD
        .decode(WEBHOOK_SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let body = hook.body.as_deref().unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(signature, expected);

    let message: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(message["type"], "invitation.created");
    assert_eq!(message["timestamp"], "2027-01-15T08:00:00Z");
    let data = &message["data"];
    assert_eq!(data["candidate_email"], "ada@example.com");
    assert_eq!(data["invitation_token"], out.invitation_token.as_str());
    assert_eq!(data["position_title"], "Senior Rust Engineer");
    assert_eq!(data["company_name"], "Acme Robotics");
    assert_eq!(data["organization_name"], "Acme Recruiting");
    assert_eq!(data["tenant_id"], TENANT_A);
    assert_eq!(data["reinvite"], false);

    let patches = &state.borrow().patches;
    assert_eq!(patches.len(), 1);
    assert!(patches[0]
        .0
        .contains(&format!("id=eq.{}", out.invitation_id)));
    assert_eq!(patches[0].1["webhook_status"], "delivered");
    assert_eq!(patches[0].1["webhook_response_status"], 204);
    assert_eq!(patches[0].1["webhook_error"], Value::Null);
}

#[test]
fn a_busy_receiver_is_retried_with_the_same_message() {
    let (out, status, _, hooks, sleeps) =
        run_with(vec![Ok(503), Err(TransportError::Network("reset".into()))]);
    assert_eq!((status, out.webhook.as_str()), (201, "delivered"));
    assert_eq!(hooks.len(), 3, "503, network error, then 204");
    assert!(
        hooks.iter().all(|h| *h == hooks[0]),
        "the same id, timestamp, signature and body each time"
    );
    assert_eq!(sleeps.len(), 2, "backoff between attempts");
}

#[test]
fn a_receiver_that_stays_down_is_reported_not_raised() {
    let (out, status, state, hooks, _) = run_with(vec![Ok(500), Ok(500), Ok(500)]);
    assert_eq!(status, 201, "the invitation exists: not a 5xx");
    assert_eq!(out.webhook, "failed");
    assert_eq!(
        out.webhook_error.as_deref(),
        Some("the receiver answered 500")
    );
    assert_eq!(
        out.invitation_token.len(),
        64,
        "the caller still gets the token to send it another way"
    );
    assert_eq!(hooks.len(), 3, "every attempt of the retry policy");
    let patch = &state.borrow().patches[0].1;
    assert_eq!(
        (
            patch["webhook_status"].as_str(),
            patch["webhook_response_status"].as_u64()
        ),
        (Some("failed"), Some(500))
    );
}

#[test]
fn a_refusal_is_not_retried() {
    let (out, _, _, hooks, _) = run_with(vec![Ok(400)]);
    assert_eq!((out.webhook.as_str(), hooks.len()), ("failed", 1));
}

#[test]
fn an_unreachable_receiver_is_reported() {
    let timeout = || Err(TransportError::Timeout(Duration::from_secs(10)));
    let (out, status, state, hooks, _) = run_with(vec![timeout(), timeout(), timeout()]);
    assert_eq!((status, out.webhook.as_str()), (201, "failed"));
    assert_eq!(out.webhook_error.as_deref(), Some("no answer within 10s"));
    assert_eq!(hooks.len(), 3);
    assert_eq!(
        state.borrow().patches[0].1["webhook_response_status"],
        Value::Null
    );
}

#[test]
fn failing_to_record_the_outcome_does_not_fail_the_invitation() {
    let state = Rc::new(RefCell::new(State {
        patch_status: 500,
        ..State::default()
    }));
    let http = fake(state.clone());
    let (cx, _) = test_context_with(http, &WITH_WEBHOOK);
    let response = call(
        Ok(post(
            invite("ada@example.com"),
            Some(&member_token("owner")),
        )),
        cx,
    );
    assert_eq!(response.status(), 201);
    let out: Output = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(out.webhook, "delivered");
}

#[test]
fn a_re_invite_is_a_new_message_marked_as_such() {
    let state = Rc::new(RefCell::new(State::default()));
    let http = fake(state.clone());
    let token = member_token("admin");
    let first = call(
        Ok(post(invite("ada@example.com"), Some(&token))),
        test_context_with(http.clone(), &WITH_WEBHOOK).0,
    );
    let again = call(
        Ok(post(invite("ada@example.com"), Some(&token))),
        test_context_with(http.clone(), &WITH_WEBHOOK).0,
    );
    assert_eq!((first.status(), again.status()), (201, 200));
    let hooks = webhook_requests(&http);
    assert_eq!(hooks.len(), 2);
    assert_ne!(
        hooks[0].headers.get("webhook-id"),
        hooks[1].headers.get("webhook-id"),
        "a new invitation, a new id"
    );
    let second: Value = serde_json::from_slice(hooks[1].body.as_deref().unwrap()).unwrap();
    assert_eq!(second["data"]["reinvite"], true);
}
