//! The WebSocket protocol as plain Rust: opening (token from the subprotocol or the
//! query, session checks, close codes) and messages (acks per event, resends, errors,
//! mid-stream closes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};
use shared::config::ConfigError;
use shared::request::Headers;
use shared::testing::test_context;
use transcript_relay::socket::{message, open, Opened, Reply};

fn url(query: &str) -> String {
    format!("http://127.0.0.1:54400/transcript-relay{query}")
}

fn protocols(list: &str) -> Headers {
    [("sec-websocket-protocol", list)].into_iter().collect()
}

fn opened(url: &str, headers: Headers, state: &std::rc::Rc<std::cell::RefCell<Db>>) -> Opened {
    pollster::block_on(open(
        url,
        headers,
        Ok(test_context(postgrest(state.clone()))),
    ))
}

fn sent(reply_send: &[String]) -> Vec<Value> {
    reply_send
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect()
}

fn say(socket_state: &str, data: &str, state: &std::rc::Rc<std::cell::RefCell<Db>>) -> Reply {
    pollster::block_on(message(
        socket_state,
        Some(data),
        Ok(test_context(postgrest(state.clone()))),
    ))
}

#[test]
fn the_token_in_the_subprotocol_opens_the_socket_and_is_echoed() {
    let state = db(Access::Candidate, "in_progress");
    let token = candidate_token();
    let o = opened(
        &url(&format!("?session_id={SESSION}")),
        protocols(&format!("jwt-{token}")),
        &state,
    );
    assert_eq!(o.close, None);
    assert_eq!(o.protocol.as_deref(), Some(format!("jwt-{token}").as_str()));
    assert_eq!(
        sent(&o.send),
        vec![json!({ "type": "ready", "session_id": SESSION })]
    );
    assert!(o.state.is_some());
}

#[test]
fn the_token_in_the_query_opens_it_too() {
    let state = db(Access::Staff, "in_progress");
    let token = candidate_token();
    let o = opened(
        &url(&format!("?session_id={SESSION}&access_token={token}")),
        Headers::new(),
        &state,
    );
    assert_eq!((o.close, o.protocol), (None, None));
    // A client that offers another protocol gets it back (a browser needs one chosen).
    let o = opened(
        &url(&format!("?session_id={SESSION}&access_token={token}")),
        protocols("relay.v1"),
        &state,
    );
    assert_eq!(o.protocol.as_deref(), Some("relay.v1"));
}

#[test]
fn refusals_close_with_a_code_that_says_why() {
    let token = candidate_token();
    let with_token = protocols(&format!("jwt-{token}"));
    let cases: Vec<(String, Headers, Access, &str, u16, &str)> = vec![
        (
            url(""),
            with_token.clone(),
            Access::Candidate,
            "in_progress",
            4400,
            "invalid_session_id",
        ),
        (
            url("?session_id=nope"),
            with_token.clone(),
            Access::Candidate,
            "in_progress",
            4400,
            "invalid_session_id",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            Headers::new(),
            Access::Candidate,
            "in_progress",
            4001,
            "missing_token",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            protocols("jwt-"),
            Access::Candidate,
            "in_progress",
            4001,
            "missing_token",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            protocols("jwt-not.a.token"),
            Access::Candidate,
            "in_progress",
            4001,
            "invalid_token",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            protocols(&format!("jwt-{}", expired_token())),
            Access::Candidate,
            "in_progress",
            4001,
            "token_expired",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            with_token.clone(),
            Access::Stranger,
            "in_progress",
            4004,
            "session_not_found",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            with_token.clone(),
            Access::Member,
            "in_progress",
            4003,
            "not_allowed",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            with_token.clone(),
            Access::Candidate,
            "completed",
            4009,
            "session_not_in_progress",
        ),
        (
            url(&format!("?session_id={SESSION}")),
            with_token.clone(),
            Access::Candidate,
            "invited",
            4009,
            "session_not_in_progress",
        ),
    ];
    for (u, headers, access, status, code, reason) in cases {
        let state = db(access, status);
        let o = opened(&u, headers, &state);
        let close = o
            .close
            .clone()
            .unwrap_or_else(|| panic!("{u}: expected a close"));
        assert_eq!(
            (close.code, close.reason.as_str()),
            (code, reason),
            "{u} {access:?} {status}"
        );
        assert_eq!(o.state, None, "{u}: no state for a refused socket");
        let said = sent(&o.send);
        assert_eq!(said[0]["type"], "error");
        assert_eq!(said[0]["code"], reason);
    }
    // Without configuration the socket still closes cleanly.
    let o = pollster::block_on(open(
        &url(&format!("?session_id={SESSION}")),
        with_token,
        Err(ConfigError {
            missing: vec!["SUPABASE_URL"],
            invalid: vec![],
        }),
    ));
    assert_eq!(o.close.map(|c| c.code), Some(4500));
}

fn socket_state(state: &std::rc::Rc<std::cell::RefCell<Db>>, token: &str) -> String {
    opened(
        &url(&format!("?session_id={SESSION}")),
        protocols(&format!("jwt-{token}")),
        state,
    )
    .state
    .unwrap()
}

#[test]
fn every_event_gets_an_ack_and_a_resend_is_a_duplicate() {
    let state = db(Access::Candidate, "in_progress");
    let s = socket_state(&state, &candidate_token());
    let event = candidate_said("evt_1", "item_U1", "I led it.");
    let r = say(&s, &event.to_string(), &state);
    assert_eq!(r.close, None);
    assert_eq!(
        sent(&r.send),
        vec![json!({ "type": "ack", "event_id": "evt_1", "status": "stored" })]
    );
    let r = say(&s, &event.to_string(), &state);
    assert_eq!(
        sent(&r.send),
        vec![json!({ "type": "ack", "event_id": "evt_1", "status": "duplicate" })]
    );

    // A delta is acknowledged as ignored, with its reason, and never reaches the database.
    let calls = state.borrow().stored.len();
    let r = say(&s, &delta("evt_d", "item_A1").to_string(), &state);
    assert_eq!(
        sent(&r.send),
        vec![json!({ "type": "ack", "event_id": "evt_d", "status": "ignored", "reason": "delta" })]
    );
    assert_eq!(state.borrow().stored.len(), calls);

    // A backlog resent as one array: one ack per event, in order.
    let backlog = json!([event, interviewer_said("evt_2", "item_A2", "Why?"), { "type": "rate_limits.updated" }]);
    let r = say(&s, &backlog.to_string(), &state);
    assert_eq!(
        sent(&r.send),
        vec![
            json!({ "type": "ack", "event_id": "evt_1", "status": "duplicate" }),
            json!({ "type": "ack", "event_id": "evt_2", "status": "stored" }),
            json!({ "type": "ack", "event_id": null, "status": "ignored", "reason": "not_a_transcript_event" }),
        ]
    );
    assert_eq!(state.borrow().stored.len(), 2);
}

#[test]
fn bad_messages_get_an_error_and_the_socket_stays_open() {
    let state = db(Access::Candidate, "in_progress");
    let s = socket_state(&state, &candidate_token());
    for (data, code) in [
        ("{", "invalid_json"),
        ("[]", "invalid_events"),
        (r#""text""#, "invalid_event"),
        (
            r#"{"type":"response.output_audio_transcript.done","event_id":"evt_x"}"#,
            "invalid_event",
        ),
    ] {
        let r = say(&s, data, &state);
        assert_eq!(r.close, None, "{data}");
        assert_eq!(sent(&r.send)[0]["code"], code, "{data}");
    }
    let r = say(
        &s,
        &"x".repeat(transcript_relay::socket::MAX_MESSAGE_BYTES + 1),
        &state,
    );
    assert_eq!(sent(&r.send)[0]["code"], "message_too_large");
    let binary = pollster::block_on(message(
        &s,
        None,
        Ok(test_context(postgrest(state.clone()))),
    ));
    assert_eq!(sent(&binary.send)[0]["code"], "binary_not_supported");
    assert!(state.borrow().stored.is_empty());
    // A malformed event names itself.
    let r = say(
        &s,
        r#"{"type":"response.output_audio_transcript.done","event_id":"evt_x"}"#,
        &state,
    );
    assert_eq!(sent(&r.send)[0]["event_id"], "evt_x");
}

#[test]
fn a_database_failure_asks_for_a_resend_and_the_resend_is_stored_once() {
    let state = db(Access::Candidate, "in_progress");
    let s = socket_state(&state, &candidate_token());
    // A POST to PostgREST is sent once (the shared client retries only idempotent
    // methods): the client is the one that resends.
    state.borrow_mut().fail_next = 1;
    let event = candidate_said("evt_1", "item_U1", "Hello.");
    let r = say(&s, &event.to_string(), &state);
    assert_eq!(r.close, None);
    let said = sent(&r.send);
    assert_eq!(
        (
            said[0]["code"].as_str(),
            said[0]["retryable"].as_bool(),
            said[0]["event_id"].as_str()
        ),
        (Some("upstream_error"), Some(true), Some("evt_1"))
    );
    let r = say(&s, &event.to_string(), &state);
    assert_eq!(sent(&r.send)[0]["status"], "stored");
    assert_eq!(state.borrow().stored.len(), 1);
}

#[test]
fn the_session_ending_or_the_token_expiring_closes_the_socket() {
    let state = db(Access::Candidate, "in_progress");
    let s = socket_state(&state, &candidate_token());
    state.borrow_mut().status = "completed";
    let r = say(
        &s,
        &candidate_said("evt_1", "item_U1", "Late.").to_string(),
        &state,
    );
    assert_eq!(
        r.close.as_ref().map(|c| (c.code, c.reason.as_str())),
        Some((4009, "session_not_in_progress"))
    );
    assert_eq!(sent(&r.send)[0]["event_id"], "evt_1");

    // A socket opened with a token that has since expired.
    let state = db(Access::Candidate, "in_progress");
    let stale =
        serde_json::to_string(&json!({ "session_id": SESSION, "token": expired_token() })).unwrap();
    let r = say(
        &stale,
        &candidate_said("evt_1", "item_U1", "Hi.").to_string(),
        &state,
    );
    assert_eq!(
        r.close.map(|c| (c.code, c.reason)),
        Some((4001, "token_expired".to_owned()))
    );

    // State the glue lost or mangled is our bug: 4500.
    let r = say("not state", "{}", &state);
    assert_eq!(r.close.map(|c| c.code), Some(4500));
}
