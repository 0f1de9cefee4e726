//! analyze-resume: text or a job's text → the Resume shape and which analyzer made it;
//! OpenAI when configured (falling back to the parser, named), the parser otherwise; bad
//! input and other tenants' jobs refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use resume_pipeline::testing::*;
use serde_json::{json, Value};
use shared::{Method, Request, Response};
use uuid::Uuid;

const TEXT: &str = "Grace Hopper\ngrace.hopper@navy.mil | +1 202 555 0100 | Arlington, VA\n\nSKILLS\nCOBOL, Python, Leadership\n\nEXPERIENCE\nRear Admiral, US Navy\nJan 1967 - Aug 1986\nLed the COBOL standardisation.\n\nEDUCATION\nYale University\nPh.D. in Mathematics, 1934\n";

fn analyze(
    body: Value,
    token: Option<&str>,
    world: &std::rc::Rc<std::cell::RefCell<World>>,
    vendors: Vendors,
) -> Response {
    call(
        analyze_resume::run,
        analyze_resume::ERRORS,
        Ok(post_json("analyze-resume", body, token)),
        world,
        vendors,
    )
}

fn admin() -> String {
    token(TENANT_A, "admin")
}

#[test]
fn without_a_key_the_parser_reads_the_text() {
    let world = World::new();
    let response = analyze(
        json!({ "text": TEXT }),
        Some(&admin()),
        &world,
        Vendors::NONE,
    );
    let body = response.json_body().unwrap();
    assert_eq!(response.status(), 200, "{body}");
    assert_eq!(
        (body["analyzer"].as_str(), &body["fallback_reason"]),
        (Some("deterministic"), &Value::Null)
    );
    assert_eq!(
        (body["full_name"].as_str(), body["email"].as_str()),
        (Some("Grace Hopper"), Some("grace.hopper@navy.mil"))
    );
    assert!(
        body["skills"]
            .as_array()
            .unwrap()
            .contains(&json!("Python")),
        "{body}"
    );
    assert_eq!(body["experience"][0]["start"], "1967-01");
    for field in [
        "first_name",
        "last_name",
        "phone",
        "location",
        "links",
        "summary",
        "education",
        "warnings",
    ] {
        assert!(
            body.get(field).is_some(),
            "{field} is part of the shape: {body}"
        );
    }
    assert!(world.borrow().log.is_empty(), "nothing is read or written");
}

#[test]
fn with_a_key_openai_reads_it_and_invalid_fields_are_dropped() {
    let world = World::new();
    let mut answer = default_resume();
    answer["email"] = json!("not-an-email");
    world
        .borrow_mut()
        .openai
        .push_back(Ok(completion(&answer, "stop")));
    let response = analyze(
        json!({ "text": TEXT }),
        Some(&admin()),
        &world,
        Vendors {
            openai: true,
            ..Vendors::NONE
        },
    );
    let body = response.json_body().unwrap();
    assert_eq!(body["analyzer"], "openai", "{body}");
    assert_eq!(
        body["email"],
        Value::Null,
        "an invalid email is not passed on"
    );
    assert_eq!(body["warnings"][0]["field"], "email");
    assert_eq!(
        body["skills"],
        json!(["Rust", "PostgreSQL"]),
        "normalised to the taxonomy's names"
    );
    assert_eq!(
        world.borrow().openai_bodies[0]["messages"][1]["content"],
        TEXT
    );
}

#[test]
fn a_refusal_or_truncation_falls_back_to_the_parser() {
    for (script, reason) in [
        (refusal(), "openai_refused"),
        (completion(&json!("{\"full"), "length"), "openai_truncated"),
    ] {
        let world = World::new();
        world.borrow_mut().openai.push_back(Ok(script));
        let body = analyze(
            json!({ "text": TEXT }),
            Some(&admin()),
            &world,
            Vendors {
                openai: true,
                ..Vendors::NONE
            },
        )
        .json_body()
        .unwrap();
        assert_eq!(
            (body["analyzer"].as_str(), body["fallback_reason"].as_str()),
            (Some("deterministic"), Some(reason))
        );
        assert_eq!(body["full_name"], "Grace Hopper");
    }
}

#[test]
fn a_jobs_text_is_read_as_the_caller() {
    let world = World::new();
    let id = Uuid::new_v4();
    world.borrow_mut().jobs.push(JobRow {
        id,
        tenant_id: TENANT_A.into(),
        sha256: "a".repeat(64),
        status: "done".into(),
        failed_step: None,
        error: None,
        attempts: 1,
        candidate_id: None,
        storage_path: None,
        file_name: None,
        extractor: Some("builtin".into()),
        analyzer: None,
        enrichment: None,
        resume_text: Some(TEXT.into()),
        analysis: None,
        steps: vec![],
        stale: false,
    });
    let response = analyze(
        json!({ "job_id": id }),
        Some(&admin()),
        &world,
        Vendors::NONE,
    );
    assert_eq!(response.json_body().unwrap()["full_name"], "Grace Hopper");
    let other = analyze(
        json!({ "job_id": id }),
        Some(&token(TENANT_B, "owner")),
        &world,
        Vendors::NONE,
    );
    assert_eq!(
        error_of(&other),
        (404, "job_not_found".into()),
        "another tenant's job does not exist for B"
    );
    world.borrow_mut().jobs[0].resume_text = None;
    let empty = analyze(
        json!({ "job_id": id }),
        Some(&admin()),
        &world,
        Vendors::NONE,
    );
    assert_eq!(error_of(&empty), (409, "job_not_extracted".into()));
}

#[test]
fn bad_requests_are_4xx() {
    let world = World::new();
    let t = admin();
    let cases: Vec<(Response, u16, &str)> = vec![
        (
            analyze(json!({}), Some(&t), &world, Vendors::NONE),
            400,
            "text_required",
        ),
        (
            analyze(json!({ "text": "  " }), Some(&t), &world, Vendors::NONE),
            400,
            "text_required",
        ),
        (
            analyze(
                json!({ "text": TEXT, "job_id": Uuid::new_v4() }),
                Some(&t),
                &world,
                Vendors::NONE,
            ),
            400,
            "text_required",
        ),
        (
            analyze(json!({ "job_id": "nope" }), Some(&t), &world, Vendors::NONE),
            400,
            "invalid_body",
        ),
        (
            analyze(json!({ "text": 5 }), Some(&t), &world, Vendors::NONE),
            400,
            "invalid_body",
        ),
        (
            analyze(
                json!({ "text": "x".repeat(200_001) }),
                Some(&t),
                &world,
                Vendors::NONE,
            ),
            422,
            "text_too_long",
        ),
        (
            analyze(
                json!({ "job_id": Uuid::new_v4() }),
                Some(&t),
                &world,
                Vendors::NONE,
            ),
            404,
            "job_not_found",
        ),
        (
            analyze(json!({ "text": TEXT }), None, &world, Vendors::NONE),
            401,
            "missing_token",
        ),
        (
            analyze(
                json!({ "text": TEXT }),
                Some(&token(TENANT_A, "user")),
                &world,
                Vendors::NONE,
            ),
            403,
            "insufficient_role",
        ),
    ];
    for (response, status, code) in cases {
        assert_eq!(error_of(&response), (status, code.into()));
    }
    let plain = Request::new(Method::Post, "http://localhost/analyze-resume")
        .unwrap()
        .with_body("text/plain", TEXT)
        .with_header("authorization", format!("Bearer {t}"));
    assert_eq!(
        error_of(&call(
            analyze_resume::run,
            analyze_resume::ERRORS,
            Ok(plain),
            &world,
            Vendors::NONE
        )),
        (415, "unsupported_media_type".into())
    );
    let empty = Request::new(Method::Post, "http://localhost/analyze-resume")
        .unwrap()
        .with_header("authorization", format!("Bearer {t}"));
    assert_eq!(
        error_of(&call(
            analyze_resume::run,
            analyze_resume::ERRORS,
            Ok(empty),
            &world,
            Vendors::NONE
        )),
        (400, "body_required".into())
    );
}
