//! `run()` end to end, natively: metrics always, the assessment with OpenAI, quotes
//! checked against the transcript, failures recorded, one upsert per run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};
use shared::http::HttpResponse;

fn body(r: &shared::Response) -> Value {
    r.json_body().unwrap()
}

#[test]
fn without_a_key_the_metrics_are_computed_and_the_assessment_is_not_configured() {
    let w = world();
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), false),
    );
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    let b = body(&r);
    assert_eq!(b["session_id"], SESSION);
    assert_eq!(b["assessment"], "not_configured");
    let speakers = &b["metrics"]["speakers"];
    // Candidate: 6 + 11 words, 3000 + 6000 ms. Interviewer: 5 + 6 words; floor 0-2000 and 5000-9000.
    assert_eq!(speakers["candidate"]["words"], 17);
    assert_eq!(speakers["candidate"]["talk_ms"], 9000);
    assert_eq!(speakers["candidate"]["turns"], 2);
    assert_eq!(speakers["interviewer"]["words"], 11);
    assert_eq!(speakers["interviewer"]["talk_ms"], 6000);
    assert_eq!(
        b["metrics"]["turns"], 4,
        "in conversation order, not arrival order"
    );
    assert_eq!(
        b["metrics"]["response_latency_ms"],
        json!({ "count": 1, "mean": 4000, "median": 4000, "max": 4000 })
    );
    assert_eq!(speakers["candidate"]["filler_words"], 1);
    // Stored whole, in one upsert.
    let w = w.borrow();
    assert_eq!(w.stored.len(), 1);
    let stored = &w.stored[0].1;
    assert_eq!(stored["metrics"], b["metrics"]);
    assert_eq!(
        stored["metadata"],
        json!({ "assessment": "not_configured" })
    );
    assert_eq!(stored["competency_scores"], json!([]));
    assert_eq!(
        (stored["session_id"].as_str(), stored["tenant_id"].as_str()),
        (Some(SESSION), Some(TENANT))
    );
    assert!(
        w.stored[0]
            .0
            .headers
            .get("authorization")
            .unwrap()
            .starts_with("Bearer ey"),
        "as the admin"
    );
}

#[test]
fn an_opted_out_candidate_gets_metrics_only_and_nothing_goes_to_openai() {
    let w = world();
    w.borrow_mut().ai_opt_out_at = Some("2027-01-15T07:00:00+00:00");
    // No scripted chat answer: a call to OpenAI would fail the test.
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), true),
    );
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    let b = body(&r);
    assert_eq!(b["assessment"], "opted_out");
    assert_eq!(b["metrics"]["speakers"]["candidate"]["words"], 17);
    let w = w.borrow();
    assert!(w.chat_calls.is_empty(), "nothing sent to OpenAI");
    assert_eq!(w.stored.len(), 1);
    assert_eq!(
        w.stored[0].1["metadata"],
        json!({ "assessment": "opted_out" })
    );
    assert_eq!(w.stored[0].1["competency_scores"], json!([]));
}

#[test]
fn with_openai_every_score_points_at_verified_candidate_quotes() {
    let w = world();
    w.borrow_mut().chat.push_back(completion(json!({
        "summary": "A strong backend candidate.",
        "competencies": [
            competency(RUST, 4, &[(2, "predictable latency and memory safety")]),
            competency(DESIGN, 5, &[(4, "We store the idempotency key with the response in one transaction.")]),
        ],
    })));
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), true),
    );
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    let a = &body(&r)["assessment"];
    assert_eq!(a["status"], "complete");
    assert_eq!(a["attempts"], 1);
    assert_eq!(a["model"], "gpt-4.1-mini-2025-04-14");
    assert_eq!(a["rejected_quotes"], json!([]));
    let rust = a["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["competency_id"] == RUST)
        .unwrap();
    assert_eq!(
        (
            rust["name"].as_str(),
            rust["score"].as_i64(),
            rust["status"].as_str()
        ),
        (Some("Rust"), Some(4), Some("supported"))
    );
    assert_eq!(
        rust["evidence"],
        json!([{ "entry_id": entry_id(2), "quote": "predictable latency and memory safety" }])
    );
    let w = w.borrow();
    assert_eq!(w.chat_calls.len(), 1);
    let call = &w.chat_calls[0];
    assert_eq!(call["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        call["response_format"]["json_schema"]["name"],
        "interview_assessment"
    );
    let user = call["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains(&format!(
        "[{}] CANDIDATE: Um, predictable latency",
        entry_id(2)
    )));
    assert!(
        user.find("Why did you choose Rust?").unwrap() < user.find("predictable latency").unwrap(),
        "transcript in conversation order"
    );
    let stored = &w.stored[0].1;
    assert_eq!(stored["competency_scores"], a["competencies"]);
    assert_eq!(stored["summary"], "A strong backend candidate.");
    assert_eq!(stored["model"], "gpt-4.1-mini-2025-04-14");
    assert_eq!(stored["metadata"]["assessment"], *a);
}

#[test]
fn a_fabricated_quote_is_rejected_and_the_assessment_retried_once() {
    let w = world();
    let fabricated = json!({
        "summary": "x",
        "competencies": [
            competency(RUST, 5, &[(2, "I have shipped Rust at scale for a decade")]),
            competency(DESIGN, 4, &[(4, "in one transaction")]),
        ],
    });
    let fixed = json!({
        "summary": "Corrected.",
        "competencies": [
            competency(RUST, 3, &[(2, "memory safety")]),
            competency(DESIGN, 4, &[(4, "in one transaction")]),
        ],
    });
    w.borrow_mut()
        .chat
        .extend([completion(fabricated), completion(fixed)]);
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), true),
    );
    let a = &body(&r)["assessment"];
    assert_eq!(
        (a["status"].as_str(), a["attempts"].as_i64()),
        (Some("complete"), Some(2))
    );
    assert_eq!(a["summary"], "Corrected.");
    let w = w.borrow();
    assert_eq!(w.chat_calls.len(), 2);
    let retry = w.chat_calls[1]["messages"].as_array().unwrap();
    assert_eq!(
        retry.len(),
        4,
        "the first answer and the feedback follow the prompt"
    );
    assert!(retry[3]["content"]
        .as_str()
        .unwrap()
        .contains("I have shipped Rust at scale for a decade"));
}

#[test]
fn a_quote_still_fabricated_after_the_retry_leaves_its_competency_unsupported() {
    let w = world();
    let answer = json!({
        "summary": "x",
        "competencies": [
            competency(RUST, 5, &[(2, "I have shipped Rust at scale for a decade"), (1, "Why did you choose Rust?")]),
            competency(DESIGN, 4, &[(4, "in one transaction")]),
        ],
    });
    w.borrow_mut()
        .chat
        .extend([completion(answer.clone()), completion(answer)]);
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), true),
    );
    let a = &body(&r)["assessment"];
    assert_eq!(
        (a["status"].as_str(), a["attempts"].as_i64()),
        (Some("partial"), Some(2))
    );
    let rust = a["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["competency_id"] == RUST)
        .unwrap();
    assert_eq!(
        (
            rust["score"].clone(),
            rust["status"].as_str(),
            rust["evidence"].clone()
        ),
        (Value::Null, Some("unsupported"), json!([]))
    );
    let reasons: Vec<&str> = a["rejected_quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["not_in_transcript", "not_the_candidate"]);
    let design = a["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["competency_id"] == DESIGN)
        .unwrap();
    assert_eq!(design["score"], 4);
}

#[test]
fn an_openai_failure_is_recorded_and_the_metrics_still_stand() {
    let w = world();
    for _ in 0..3 {
        w.borrow_mut().chat.push_back(HttpResponse::new(
            500,
            r#"{"error":{"message":"boom","type":"server_error","code":null}}"#,
        ));
    }
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), true),
    );
    assert_eq!(r.status(), 200);
    let b = body(&r);
    assert_eq!(
        b["assessment"],
        json!({ "status": "failed", "error": "upstream_error", "retryable": true })
    );
    assert_eq!(b["metrics"]["speakers"]["candidate"]["words"], 17);
    let w = w.borrow();
    assert_eq!(w.chat_calls.len(), 3, "bounded retries");
    assert_eq!(w.stored[0].1["metadata"]["assessment"]["status"], "failed");
}

#[test]
fn the_service_role_processes_with_the_service_key() {
    let w = world();
    let service = shared::testing::sign_token(
        &json!({ "role": "service_role", "exp": shared::testing::TEST_NOW_MS / 1000 + 60 }),
        shared::testing::TEST_JWT_SECRET,
    );
    let r = call(
        request(Some(&service), json!({ "session_id": SESSION })),
        context(fake(w.clone()), false),
    );
    assert_eq!(r.status(), 200);
    assert_eq!(
        w.borrow().stored[0].0.headers.get("authorization"),
        Some("Bearer a.service.jwt")
    );
}

#[test]
fn refusals_are_4xx() {
    let member = shared::testing::user_token(json!({ "tenant_id": TENANT, "role": "user" }));
    let candidate = shared::testing::user_token(json!({ "is_candidate": true }));
    let cases: Vec<(shared::Request, u16, &str)> = vec![
        (
            request(None, json!({ "session_id": SESSION })),
            401,
            "missing_token",
        ),
        (
            request(Some(&member), json!({ "session_id": SESSION })),
            403,
            "insufficient_role",
        ),
        (
            request(Some(&candidate), json!({ "session_id": SESSION })),
            403,
            "insufficient_role",
        ),
        (
            request(Some(&admin_token()), json!({})),
            400,
            "invalid_body",
        ),
        (
            request(Some(&admin_token()), json!({ "session_id": "x" })),
            400,
            "invalid_body",
        ),
        (
            request(
                Some(&admin_token()),
                json!({ "session_id": SESSION, "force": true }),
            ),
            400,
            "invalid_body",
        ),
        (
            request(Some(&admin_token()), json!([SESSION])),
            400,
            "invalid_body",
        ),
        (
            shared::Request::new(shared::Method::Get, "/transcript-processor").unwrap(),
            405,
            "method_not_allowed",
        ),
    ];
    for (req, status, code) in cases {
        let w = world();
        let r = call(req, context(fake(w.clone()), true));
        assert_eq!(
            (r.status(), body(&r)["error"]["code"].as_str()),
            (status, Some(code))
        );
        assert!(w.borrow().stored.is_empty() && w.borrow().chat_calls.is_empty());
    }
    let w = world();
    w.borrow_mut().visible = false;
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w), true),
    );
    assert_eq!(
        (r.status(), body(&r)["error"]["code"].as_str()),
        (404, Some("session_not_found"))
    );
    let w = world();
    w.borrow_mut().status = "invited";
    let r = call(
        request(Some(&admin_token()), json!({ "session_id": SESSION })),
        context(fake(w.clone()), true),
    );
    assert_eq!(
        (r.status(), body(&r)["error"]["code"].as_str()),
        (409, Some("session_not_started"))
    );
    assert!(w.borrow().stored.is_empty());
}
