//! An owner or admin invites someone by email: the SQL function runs as them, a new
//! session answers 201, a re-invite 200 with the same session, and the link is built when
//! the frontend's URL is configured.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use invite_candidate::Output;
use serde_json::{json, Value};
use shared::testing::{error_of, test_context_with};

#[test]
fn an_admin_invites_a_new_candidate() {
    let state = Rc::new(RefCell::new(State::default()));
    let http = fake(state.clone());
    let token = member_token("admin");
    let (cx, _) = test_context_with(http.clone(), &[]);
    let response = call(
        Ok(post(
            json!({ "candidate_email": "  Ada.Lovelace@Example.COM ", "position_id": POSITION_A }),
            Some(&token),
        )),
        cx,
    );
    assert_eq!(response.status(), 201, "{:?}", response.json_body());
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let out: Output = serde_json::from_slice(response.body()).unwrap();
    assert!(out.created);
    assert_eq!(out.invitation_token.len(), 64);
    assert_eq!(out.expires_at, "2027-01-22T08:00:00+00:00");
    assert!(out.session_id.is_some());
    assert_eq!(
        (out.webhook.as_str(), out.invitation_url, out.webhook_error),
        ("not_configured", None, None)
    );

    let sent = http.requests();
    assert_eq!(sent.len(), 1, "one rpc; nothing else without a webhook");
    assert_eq!(
        sent[0].headers.get("authorization"),
        Some(format!("Bearer {token}").as_str()),
        "the SQL function runs as the caller"
    );
    let params: Value = serde_json::from_slice(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        params,
        json!({ "p_tenant_id": TENANT_A, "p_candidate_email": "ada.lovelace@example.com", "p_position_id": POSITION_A }),
        "the tenant comes from the caller's claims; the email is normalised"
    );
}

#[test]
fn re_inviting_returns_the_open_session() {
    let state = Rc::new(RefCell::new(State::default()));
    let http = fake(state.clone());
    let token = member_token("owner");
    let first = call(
        Ok(post(invite("grace@example.com"), Some(&token))),
        test_context_with(http.clone(), &[]).0,
    );
    let again = call(
        Ok(post(invite("GRACE@example.com"), Some(&token))),
        test_context_with(http.clone(), &[]).0,
    );
    assert_eq!((first.status(), again.status()), (201, 200));
    let first: Output = serde_json::from_slice(first.body()).unwrap();
    let again: Output = serde_json::from_slice(again.body()).unwrap();
    assert_eq!(again.session_id, first.session_id, "the same session");
    assert_eq!(again.candidate_id, first.candidate_id, "the same candidate");
    assert!(!again.created);
    assert_ne!(
        again.invitation_token, first.invitation_token,
        "a fresh link"
    );
    assert_eq!(state.borrow().sessions.len(), 1, "no second session");
}

#[test]
fn the_invitation_url_is_built_when_configured() {
    let state = Rc::new(RefCell::new(State::default()));
    let (cx, _) = test_context_with(
        fake(state),
        &[("INVITE_URL_BASE", "https://app.example.test/invite/")],
    );
    let response = call(
        Ok(post(
            invite("ada@example.com"),
            Some(&member_token("admin")),
        )),
        cx,
    );
    let out: Output = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        out.invitation_url,
        Some(format!(
            "https://app.example.test/invite?token={}",
            out.invitation_token
        ))
    );
}

#[test]
fn what_the_sql_refuses_passes_through() {
    let cases = [
        (
            json!({ "candidate_email": "ada@example.com", "position_id": POSITION_B }),
            404,
            "position_not_found",
        ),
        (
            json!({ "candidate_email": "ada@example.com", "position_id": ARCHIVED_A }),
            409,
            "position_archived",
        ),
    ];
    for (body, status, code) in cases {
        let state = Rc::new(RefCell::new(State::default()));
        let (cx, _) = test_context_with(fake(state.clone()), &WITH_WEBHOOK);
        let response = call(Ok(post(body.clone(), Some(&member_token("admin")))), cx);
        assert_eq!(error_of(&response), (status, code.to_owned()), "{body}");
        let text = String::from_utf8_lossy(response.body()).to_string();
        assert!(
            !text.contains(TENANT_B),
            "nothing of the other tenant: {text}"
        );
        assert!(
            state.borrow().patches.is_empty(),
            "no webhook for a refused invitation"
        );
    }
}
