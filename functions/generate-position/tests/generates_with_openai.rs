//! With OPENAI_API_KEY: a strict json_schema completion, normalised and matched to the
//! library; a refusal is a 422; truncation, bad output, rate limits and outages (after
//! the client's retries) fall back to the template and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use generate_position::Output;
use serde_json::{json, Value};
use shared::http::TransportError;
use shared::testing::{error_of, openai_completion, openai_error, openai_refusal};

fn output(response: &shared::Response) -> Output {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|e| panic!("{e}: {:?}", response.json_body()))
}

fn senior_backend() -> shared::Request {
    post(
        json!({ "title": "Senior Backend Engineer", "competency_hints": ["Kafka"] }),
        Some(&member_token("admin")),
    )
}

#[test]
fn a_valid_answer_is_normalised_matched_and_saved() {
    let (response, state, sent, _) = run(senior_backend(), true, |_| {});
    assert_eq!(response.status(), 201, "{:?}", response.json_body());
    let out = output(&response);
    assert_eq!(out.generator, "openai");
    assert_eq!(out.model.as_deref(), Some("gpt-4.1-mini-2025-04-14"));
    assert_eq!(out.description, "Own the services behind our robot fleet.");
    let total: f64 = out.competencies.iter().map(|c| c.weight).sum();
    assert!((total - 1.0).abs() < 1e-9);
    let rust = out.competencies.iter().find(|c| c.name == "Rust").unwrap();
    assert!(
        rust.reused,
        "\"rust\" from the model is the library's \"Rust\""
    );
    assert!(
        out.competencies.iter().any(|c| c.name == "Kafka"),
        "a hint the model left out is added"
    );

    let calls = openai_calls(&sent);
    assert_eq!(calls.len(), 1);
    let body: Value = serde_json::from_slice(calls[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "job_position"
    );
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["additionalProperties"],
        false
    );
    let brief: Value =
        serde_json::from_str(body["messages"][1]["content"].as_str().unwrap()).unwrap();
    assert_eq!(brief["title"], "Senior Backend Engineer");
    assert_eq!(brief["seniority"], "senior");
    assert_eq!(
        brief["organisation_competency_library"],
        json!(["Rust", "System design", "Communication"])
    );
    assert_eq!(
        state.borrow().saves[0]["p_position"]["generation"]["generator"],
        "openai"
    );
}

#[test]
fn a_refusal_is_422_and_nothing_is_saved() {
    let (response, state, sent, _) = run(senior_backend(), true, |s| {
        s.openai.push_back(Ok(openai_refusal()))
    });
    assert_eq!(error_of(&response), (422, "ai_refused".into()));
    assert!(state.borrow().saves.is_empty());
    assert_eq!(openai_calls(&sent).len(), 1, "a refusal is not retried");
}

#[test]
fn truncated_output_falls_back_to_the_template() {
    let (response, _, sent, _) = run(senior_backend(), true, |s| {
        s.openai.push_back(Ok(openai_completion(
            &json!("{\"description\": \"Own the"),
            "length",
        )));
    });
    assert_eq!(response.status(), 201);
    let out = output(&response);
    assert_eq!(
        (out.generator.as_str(), out.fallback_reason.as_deref()),
        ("template", Some("openai_truncated"))
    );
    assert!(out.competencies.len() >= 5);
    assert_eq!(openai_calls(&sent).len(), 1);
}

#[test]
fn unusable_output_falls_back() {
    let mut thin = ai_position();
    thin["competencies"] = json!([{ "name": "Rust", "description": "x", "category": "technical", "weight": 1, "required_level": 3 }]);
    let (response, _, _, _) = run(
        post(
            json!({ "title": "Senior Backend Engineer" }),
            Some(&member_token("admin")),
        ),
        true,
        |s| {
            s.openai.push_back(Ok(openai_completion(&thin, "stop")));
        },
    );
    assert_eq!(
        output(&response).fallback_reason.as_deref(),
        Some("openai_invalid_output")
    );
    let (response, _, _, _) = run(senior_backend(), true, |s| {
        s.openai
            .push_back(Ok(openai_completion(&json!({ "nonsense": true }), "stop")));
    });
    assert_eq!(
        output(&response).fallback_reason.as_deref(),
        Some("openai_invalid_output")
    );
}

#[test]
fn a_rate_limit_is_retried_then_succeeds() {
    let (response, _, sent, sleeps) = run(senior_backend(), true, |s| {
        s.openai
            .push_back(Ok(openai_error(429, "rate_limit_exceeded", "requests")
                .with_header("retry-after", "1")));
    });
    assert_eq!(response.status(), 201);
    assert_eq!(output(&response).generator, "openai");
    assert_eq!((openai_calls(&sent).len(), sleeps), (2, 1));
}

#[test]
fn an_outage_after_the_retries_falls_back() {
    let (response, state, sent, _) = run(senior_backend(), true, |s| {
        for _ in 0..3 {
            s.openai
                .push_back(Ok(openai_error(500, "server_error", "server_error")));
        }
    });
    assert_eq!(
        response.status(),
        201,
        "never a 5xx for a recruiter: the template answers"
    );
    let out = output(&response);
    assert_eq!(
        (out.generator.as_str(), out.fallback_reason.as_deref()),
        ("template", Some("openai_unavailable"))
    );
    assert_eq!(openai_calls(&sent).len(), 3, "the client's three attempts");
    assert_eq!(
        state.borrow().saves[0]["p_position"]["generation"]["fallback_reason"],
        "openai_unavailable"
    );

    let (response, _, sent, _) = run(senior_backend(), true, |s| {
        for _ in 0..3 {
            s.openai
                .push_back(Ok(openai_error(429, "rate_limit_exceeded", "requests")));
        }
    });
    assert_eq!(
        output(&response).fallback_reason.as_deref(),
        Some("openai_rate_limited")
    );
    assert_eq!(openai_calls(&sent).len(), 3);

    let (response, _, sent, _) = run(senior_backend(), true, |s| {
        for _ in 0..3 {
            s.openai
                .push_back(Err(TransportError::Network("reset".into())));
        }
    });
    assert_eq!(
        output(&response).fallback_reason.as_deref(),
        Some("openai_unavailable")
    );
    assert_eq!(openai_calls(&sent).len(), 3);
}

#[test]
fn billing_and_key_problems_are_not_retried() {
    for (status, code, reason) in [
        (429, "insufficient_quota", "openai_quota_exceeded"),
        (401, "invalid_api_key", "openai_key_rejected"),
    ] {
        let (response, _, sent, _) = run(senior_backend(), true, |s| {
            s.openai
                .push_back(Ok(openai_error(status, code, "invalid_request_error")));
        });
        assert_eq!(output(&response).fallback_reason.as_deref(), Some(reason));
        assert_eq!(openai_calls(&sent).len(), 1, "{code}");
    }
}
