//! The HTTP batch: events in, counts out; records go to the RPC in one call, in order,
//! and a resent batch writes nothing new.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;

#[test]
fn a_batch_is_stored_once_and_counted() {
    let state = db(Access::Candidate, "in_progress");
    let http = postgrest(state.clone());
    let events = json!([
        interviewer_said("evt_1", "item_A1", "Tell me about a migration you led."),
        delta("evt_2", "item_A1"),
        { "event_id": "evt_3", "type": "input_audio_buffer.speech_started", "audio_start_ms": 4200, "item_id": "item_U1" },
        candidate_said("evt_4", "item_U1", "We moved billing to Postgres."),
        { "event_id": "evt_5", "type": "response.done", "response": { "id": "resp_1" } },
    ]);
    let token = candidate_token();
    let r = call(
        post(
            Some(&token),
            json!({ "session_id": SESSION, "events": events }),
        ),
        http.clone(),
    );
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    assert_eq!(
        r.json_body().unwrap(),
        json!({ "accepted": 3, "duplicates": 0, "ignored": 2 })
    );
    assert_eq!(http.requests().len(), 1, "one RPC call for the whole batch");
    let stored: Vec<String> = state
        .borrow()
        .stored
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(stored, ["evt_1", "evt_3", "evt_4"]);
    let entry = state.borrow().stored[2].1.clone();
    assert_eq!(
        (
            entry["kind"].as_str(),
            entry["speaker"].as_str(),
            entry["text"].as_str()
        ),
        (
            Some("entry"),
            Some("candidate"),
            Some("We moved billing to Postgres.")
        )
    );

    // The same batch again: all duplicates, nothing new.
    let r = call(
        post(
            Some(&token),
            json!({ "session_id": SESSION, "events": events }),
        ),
        http.clone(),
    );
    assert_eq!(
        r.json_body().unwrap(),
        json!({ "accepted": 0, "duplicates": 3, "ignored": 2 })
    );
    assert_eq!(state.borrow().stored.len(), 3);
}

#[test]
fn a_batch_of_ignored_events_still_checks_the_session() {
    let state = db(Access::Candidate, "in_progress");
    let http = postgrest(state.clone());
    let body = json!({ "session_id": SESSION, "events": [delta("d1", "item_A1"), { "type": "session.updated" }] });
    let r = call(post(Some(&candidate_token()), body.clone()), http.clone());
    assert_eq!(
        r.json_body().unwrap(),
        json!({ "accepted": 0, "duplicates": 0, "ignored": 2 })
    );
    assert!(http.requests()[0]
        .url
        .ends_with("/rpc/interview_session_access"));

    state.borrow_mut().status = "completed";
    let r = call(post(Some(&candidate_token()), body.clone()), http.clone());
    assert_eq!(
        (r.status(), r.json_body().unwrap()["error"]["code"].clone()),
        (409, json!("session_not_in_progress"))
    );

    state.borrow_mut().access = Access::Stranger;
    let r = call(post(Some(&candidate_token()), body), http);
    assert_eq!(r.status(), 404);
}

#[test]
fn what_sql_refuses_reaches_the_client_with_its_status() {
    let body =
        json!({ "session_id": SESSION, "events": [candidate_said("e1", "item_U1", "Hello.")] });
    for (access, status, want_status, want_code) in [
        (Access::Stranger, "in_progress", 404, "session_not_found"),
        (Access::Member, "in_progress", 403, "not_allowed"),
        (
            Access::Candidate,
            "scheduled",
            409,
            "session_not_in_progress",
        ),
        (Access::Staff, "completed", 409, "session_not_in_progress"),
    ] {
        let http = postgrest(db(access, status));
        let r = call(post(Some(&candidate_token()), body.clone()), http);
        let got = r.json_body().unwrap();
        assert_eq!(
            (r.status(), got["error"]["code"].as_str()),
            (want_status, Some(want_code)),
            "{access:?} {status}"
        );
    }
    // A failing database is a 502 with nothing of its detail.
    let state = db(Access::Candidate, "in_progress");
    state.borrow_mut().fail_next = 5;
    let r = call(
        post(Some(&candidate_token()), body),
        postgrest(state.clone()),
    );
    assert_eq!(r.status(), 502);
    assert!(state.borrow().stored.is_empty());
}

#[test]
fn bad_requests_are_4xx_and_reach_no_database() {
    let token = candidate_token();
    let good_event = candidate_said("e1", "item_U1", "Hello.");
    let cases: Vec<(shared::Request, u16, &str)> = vec![
        (
            shared::Request::new(shared::Method::Post, "/transcript-relay")
                .unwrap()
                .with_header("authorization", format!("Bearer {token}")),
            400,
            "body_required",
        ),
        (
            shared::Request::new(shared::Method::Post, "/transcript-relay")
                .unwrap()
                .with_body("application/json", "{")
                .with_header("authorization", format!("Bearer {token}")),
            400,
            "invalid_json",
        ),
        (
            shared::Request::new(shared::Method::Post, "/transcript-relay")
                .unwrap()
                .with_body("text/plain", "hi")
                .with_header("authorization", format!("Bearer {token}")),
            415,
            "unsupported_media_type",
        ),
        (post(Some(&token), json!([SESSION])), 400, "invalid_body"),
        (
            post(Some(&token), json!({ "events": [good_event] })),
            400,
            "invalid_body",
        ),
        (
            post(
                Some(&token),
                json!({ "session_id": "not-a-uuid", "events": [good_event] }),
            ),
            400,
            "invalid_body",
        ),
        (
            post(
                Some(&token),
                json!({ "session_id": 7, "events": [good_event] }),
            ),
            400,
            "invalid_body",
        ),
        (
            post(Some(&token), json!({ "session_id": SESSION })),
            400,
            "invalid_body",
        ),
        (
            post(Some(&token), json!({ "session_id": SESSION, "events": [] })),
            400,
            "invalid_body",
        ),
        (
            post(Some(&token), json!({ "session_id": SESSION, "events": {} })),
            400,
            "invalid_body",
        ),
        (
            post(
                Some(&token),
                json!({ "session_id": SESSION, "events": vec![good_event.clone(); 501] }),
            ),
            400,
            "invalid_body",
        ),
        (
            post(
                Some(&token),
                json!({ "session_id": SESSION, "events": [good_event], "extra": 1 }),
            ),
            400,
            "invalid_body",
        ),
        (
            post(
                Some(&token),
                json!({ "session_id": SESSION, "events": [good_event, { "type": "response.output_audio_transcript.done", "event_id": "x" }] }),
            ),
            400,
            "invalid_event",
        ),
        (
            post(
                Some(&token),
                json!({ "session_id": SESSION, "events": ["text"] }),
            ),
            400,
            "invalid_event",
        ),
        (
            post(
                None,
                json!({ "session_id": SESSION, "events": [good_event] }),
            ),
            401,
            "missing_token",
        ),
        (
            post(
                Some("not.a.jwt"),
                json!({ "session_id": SESSION, "events": [good_event] }),
            ),
            401,
            "invalid_token",
        ),
        (
            post(
                Some(&expired_token()),
                json!({ "session_id": SESSION, "events": [good_event] }),
            ),
            401,
            "token_expired",
        ),
        (
            shared::Request::new(shared::Method::Put, "/transcript-relay").unwrap(),
            405,
            "method_not_allowed",
        ),
        (
            shared::Request::new(shared::Method::Get, "/transcript-relay?session_id=x").unwrap(),
            426,
            "upgrade_required",
        ),
    ];
    for (req, status, code) in cases {
        let http = postgrest(db(Access::Candidate, "in_progress"));
        let described = format!("{req:?}").chars().take(200).collect::<String>();
        let r = call(req, http.clone());
        let body = r.json_body().unwrap();
        assert_eq!(
            (r.status(), body["error"]["code"].as_str()),
            (status, Some(code)),
            "{described}"
        );
        assert!(http.requests().is_empty(), "{described}: no database call");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
    // The malformed event is named by its position and id.
    let r = call(
        post(
            Some(&token),
            json!({ "session_id": SESSION, "events": [good_event, { "type": "response.output_audio_transcript.done", "event_id": "evt_bad" }] }),
        ),
        postgrest(db(Access::Candidate, "in_progress")),
    );
    assert_eq!(
        r.json_body().unwrap()["error"]["details"],
        json!({ "index": 1, "event_id": "evt_bad" })
    );
}

#[test]
fn owners_and_admins_relay_too_but_a_service_key_does_not() {
    let http = postgrest(db(Access::Staff, "in_progress"));
    let admin = shared::testing::user_token(json!({ "tenant_id": TENANT, "role": "admin" }));
    let body = json!({ "session_id": SESSION, "events": [interviewer_said("e1", "item_A1", "Test call.")] });
    assert_eq!(call(post(Some(&admin), body.clone()), http).status(), 200);
    let service = shared::testing::sign_token(
        &json!({ "role": "service_role", "exp": shared::testing::TEST_NOW_MS / 1000 + 60 }),
        shared::testing::TEST_JWT_SECRET,
    );
    let http = postgrest(db(Access::Staff, "in_progress"));
    let r = call(post(Some(&service), body), http.clone());
    assert_eq!(r.status(), 403);
    assert!(http.requests().is_empty());
}
