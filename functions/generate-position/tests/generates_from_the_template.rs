//! Without an OpenAI key: the template generator, saved as a draft with its competencies
//! in one RPC, as the caller; companies, regeneration and idempotent retries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use generate_position::Output;
use serde_json::{json, Value};
use shared::testing::error_of;

fn output(response: &shared::Response) -> Output {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|e| panic!("{e}: {:?}", response.json_body()))
}

#[test]
fn senior_backend_engineer_without_a_key() {
    let token = member_token("admin");
    let (response, state, sent, _) = run(
        post(json!({ "title": "Senior Backend Engineer" }), Some(&token)),
        false,
        |_| {},
    );
    assert_eq!(response.status(), 201, "{:?}", response.json_body());
    let out = output(&response);
    assert_eq!(
        (
            out.generator.as_str(),
            out.model.as_deref(),
            out.fallback_reason.as_deref()
        ),
        ("template", None, None)
    );
    assert_eq!(out.status, "draft");
    assert_eq!(out.role_family.as_deref(), Some("backend"));
    assert!(out.competencies.len() >= 5, "{:?}", out.competencies);
    let total: f64 = out.competencies.iter().map(|c| c.weight).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert!(
        !out.description.is_empty()
            && !out.responsibilities.is_empty()
            && !out.requirements.is_empty()
    );
    let system_design = out
        .competencies
        .iter()
        .find(|c| c.name == "System design")
        .unwrap();
    assert!(
        system_design.reused,
        "matched to the tenant's library, not duplicated"
    );

    assert_eq!(
        sent.len(),
        1,
        "one call: the save (no library read without OpenAI)"
    );
    assert_eq!(
        sent[0].headers.get("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let params = &state.borrow().saves[0];
    assert!(
        params.get("p_position_id").is_none() && params.get("p_request_key").is_none(),
        "absent, not null: {params}"
    );
    assert_eq!(params["p_position"]["seniority"], "senior");
    assert_eq!(params["p_position"]["company_id"], Value::Null);
    assert_eq!(params["p_position"]["generation"]["generator"], "template");
}

#[test]
fn a_company_of_the_tenant_names_the_description() {
    let (response, state, _, _) = run(
        post(
            json!({ "title": "Data Scientist", "company_id": COMPANY_A, "location": "Berlin", "employment_type": "full_time" }),
            Some(&member_token("owner")),
        ),
        false,
        |_| {},
    );
    assert_eq!(response.status(), 201);
    let out = output(&response);
    assert!(
        out.description
            .starts_with("Acme Robotics is hiring a Data Scientist"),
        "{}",
        out.description
    );
    assert_eq!(
        out.company_id.map(|c| c.to_string()).as_deref(),
        Some(COMPANY_A)
    );
    assert_eq!(
        state.borrow().saves[0]["p_position"]["company_id"],
        COMPANY_A
    );
}

#[test]
fn another_tenants_company_is_not_found_and_nothing_is_saved() {
    for company in [COMPANY_B, "c1000000-0000-4000-8000-00000000ffff"] {
        let (response, state, _, _) = run(
            post(
                json!({ "title": "Data Scientist", "company_id": company }),
                Some(&member_token("admin")),
            ),
            false,
            |_| {},
        );
        assert_eq!(error_of(&response), (404, "company_not_found".into()));
        assert!(state.borrow().saves.is_empty());
    }
}

#[test]
fn regenerating_a_draft_reuses_its_fields_and_hints() {
    let (response, state, _, _) = run(
        post(
            json!({ "position_id": DRAFT_A, "regenerate": true }),
            Some(&member_token("admin")),
        ),
        false,
        |_| {},
    );
    assert_eq!(response.status(), 200, "{:?}", response.json_body());
    let out = output(&response);
    assert!(out.regenerated);
    assert_eq!(out.position_id.to_string(), DRAFT_A);
    assert_eq!(out.title, "Product Designer");
    assert!(
        out.competencies.iter().any(|c| c.name == "Figma"),
        "the stored hint: {:?}",
        out.competencies
    );
    let params = &state.borrow().saves[0];
    assert_eq!(params["p_position_id"], DRAFT_A);
    assert_eq!(params["p_position"]["location"], "Berlin");
    assert_eq!(
        params["p_position"]["company_id"], COMPANY_A,
        "the draft's company is kept"
    );

    let (response, state, _, _) = run(
        post(
            json!({ "position_id": DRAFT_A, "regenerate": true, "title": "Senior Product Designer", "competency_hints": ["Design systems"] }),
            Some(&member_token("owner")),
        ),
        false,
        |_| {},
    );
    let out = output(&response);
    assert_eq!(
        (out.title.as_str(), out.seniority.as_deref()),
        ("Senior Product Designer", Some("senior"))
    );
    assert!(
        !out.competencies.iter().any(|c| c.name == "Figma"),
        "new hints replace the stored ones"
    );
    assert_eq!(state.borrow().saves.len(), 1);
}

#[test]
fn a_published_or_unknown_position_is_not_regenerated() {
    let (response, state, _, _) = run(
        post(
            json!({ "position_id": PUBLISHED_A, "regenerate": true }),
            Some(&member_token("owner")),
        ),
        false,
        |_| {},
    );
    assert_eq!(error_of(&response), (409, "position_not_draft".into()));
    assert!(state.borrow().saves.is_empty());
    let (response, state, _, _) = run(
        post(
            json!({ "position_id": "b2000000-0000-4000-8000-000000000001", "regenerate": true }),
            Some(&member_token("owner")),
        ),
        false,
        |_| {},
    );
    assert_eq!(error_of(&response), (404, "position_not_found".into()));
    assert!(state.borrow().saves.is_empty());
}

#[test]
fn a_retry_with_the_same_idempotency_key_answers_the_first_position() {
    let state = std::rc::Rc::new(std::cell::RefCell::new(State::default()));
    let http = fake(state.clone());
    let request = || {
        post(
            json!({ "title": "Frontend Developer" }),
            Some(&member_token("admin")),
        )
        .with_header("Idempotency-Key", "create-frontend-1")
    };
    let first = call(request(), context(http.clone(), false).0);
    let again = call(request(), context(http.clone(), false).0);
    assert_eq!((first.status(), again.status()), (201, 200));
    let (first, again) = (output(&first), output(&again));
    assert_eq!(first.position_id, again.position_id);
    assert!(again.replayed && !first.replayed);
    assert_eq!(
        state.borrow().saves[0]["p_request_key"],
        "create-frontend-1"
    );
}

#[test]
fn what_the_sql_refuses_passes_through() {
    for (status, code) in [
        (404, "company_not_found"),
        (409, "position_not_draft"),
        (400, "invalid_competencies"),
        (403, "forbidden"),
    ] {
        let (response, _, _, _) = run(
            post(
                json!({ "title": "Backend Engineer" }),
                Some(&member_token("admin")),
            ),
            false,
            |s| {
                s.save_error = Some((status, code));
            },
        );
        assert_eq!(error_of(&response), (status, code.to_owned()));
    }
}
