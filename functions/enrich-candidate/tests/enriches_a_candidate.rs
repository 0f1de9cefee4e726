//! enrich-candidate: every outcome of People Data Labs recorded on the tenant's profile
//! (enriched, no_match, not_configured, failed after retries), a 200 for a vendor outage,
//! 404 for an unknown candidate or another tenant's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use resume_pipeline::testing::*;
use serde_json::{json, Value};
use shared::Response;
use uuid::Uuid;

const PDL: Vendors = Vendors {
    openai: false,
    pdl: true,
    pdfco: false,
};

fn enrich(id: Value, token: &str, world: &Rc<RefCell<World>>, vendors: Vendors) -> Response {
    call(
        enrich_candidate::run,
        enrich_candidate::ERRORS,
        Ok(post_json(
            "enrich-candidate",
            json!({ "candidate_id": id }),
            Some(token),
        )),
        world,
        vendors,
    )
}

fn with_candidate() -> (Rc<RefCell<World>>, Uuid) {
    let world = World::new();
    let analysis = json!({ "full_name": "Amelia Chen", "email": "amelia.chen@gmail.com", "location": "San Francisco, CA",
        "links": ["https://linkedin.com/in/ameliachen"], "skills": [],
        "experience": [{ "title": "Engineer", "company": "Brightline Health", "start": "2021-01", "end": "present", "description": null }],
        "education": [] });
    let id = world.borrow_mut().add_candidate(
        TENANT_A,
        "amelia.chen@gmail.com",
        "Amelia Chen",
        Some(analysis),
    );
    (world, id)
}

fn ok(response: &Response) -> Value {
    let body = response.json_body().unwrap();
    assert_eq!(response.status(), 200, "{body}");
    body
}

#[test]
fn without_a_key_not_configured_is_recorded() {
    let (world, id) = with_candidate();
    let body = ok(&enrich(
        json!(id),
        &token(TENANT_A, "owner"),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(
        (body["enrichment"].as_str(), &body["likelihood"]),
        (Some("not_configured"), &Value::Null)
    );
    let w = world.borrow();
    assert_eq!(w.profiles[0]["enrichment_status"], "not_configured");
    assert_eq!(body["profile_id"], w.profiles[0]["id"]);
    assert_eq!(w.count("pdl"), 0);
}

#[test]
fn a_match_fills_the_profile() {
    let (world, id) = with_candidate();
    world.borrow_mut().pdl.push_back(Ok(pdl_match(8, json!({ "id": "pdl-1", "job_title": "Senior Frontend Engineer",
        "job_company_name": "Brightline Health", "location_name": "san francisco, california, united states",
        "skills": ["react", "typescript"], "experience": [{ "title": { "name": "engineer" } }], "work_email": true }))));
    let body = ok(&enrich(json!(id), &token(TENANT_A, "admin"), &world, PDL));
    assert_eq!(
        (body["enrichment"].as_str(), body["likelihood"].as_i64()),
        (Some("enriched"), Some(8))
    );
    let w = world.borrow();
    let p = &w.profiles[0];
    assert_eq!(
        (
            p["pdl_id"].as_str(),
            p["job_title"].as_str(),
            p["pdl_likelihood"].as_i64()
        ),
        (Some("pdl-1"), Some("Senior Frontend Engineer"), Some(8))
    );
    assert_eq!(p["skills"], json!(["react", "typescript"]));
    assert_eq!(p["enrichment_error"], Value::Null);
    assert!(p["last_enriched_at"].as_str().unwrap().ends_with('Z'));
    let q = &w.pdl_queries[0];
    assert!(
        q.contains("email=amelia.chen%40gmail.com")
            && q.contains("profile=")
            && q.contains("min_likelihood=6"),
        "{q}"
    );
    assert!(
        !q.contains("company="),
        "a name + company is only used without an email or profile: {q}"
    );
}

#[test]
fn a_404_is_no_match() {
    let (world, id) = with_candidate();
    world
        .borrow_mut()
        .pdl
        .push_back(Ok(pdl_error(404, "not_found")));
    let body = ok(&enrich(json!(id), &token(TENANT_A, "owner"), &world, PDL));
    assert_eq!(body["enrichment"], "no_match");
    assert!(body.get("error").is_none());
    assert_eq!(world.borrow().profiles[0]["enrichment_status"], "no_match");
}

#[test]
fn vendor_failures_are_recorded_and_answered_200() {
    for (script, reason, calls) in [
        (
            vec![pdl_error(402, "payment_required")],
            "pdl_payment_required",
            1,
        ),
        (
            vec![pdl_error(429, "rate_limit_error").with_header("retry-after", "1"); 3],
            "pdl_rate_limited",
            3,
        ),
        (vec![pdl_error(500, "api_error"); 3], "pdl_unavailable", 3),
        (
            vec![pdl_error(401, "authentication_error")],
            "pdl_key_rejected",
            1,
        ),
    ] {
        let (world, id) = with_candidate();
        world.borrow_mut().pdl.extend(script.into_iter().map(Ok));
        let body = ok(&enrich(json!(id), &token(TENANT_A, "owner"), &world, PDL));
        assert_eq!(
            (body["enrichment"].as_str(), body["error"]["code"].as_str()),
            (Some("failed"), Some(reason)),
            "{body}"
        );
        let w = world.borrow();
        assert_eq!(w.count("pdl"), calls, "{reason}: attempts");
        assert_eq!(w.profiles[0]["enrichment_status"], "failed");
        assert!(w.profiles[0]["enrichment_error"]
            .as_str()
            .unwrap()
            .starts_with(reason));
        assert!(
            w.profiles[0].get("pdl_id").is_none(),
            "a failure writes only the status columns"
        );
    }
}

#[test]
fn a_429_then_success_is_retried_into_a_match() {
    let (world, id) = with_candidate();
    world.borrow_mut().pdl.push_back(Ok(
        pdl_error(429, "rate_limit_error").with_header("retry-after", "1")
    ));
    world
        .borrow_mut()
        .pdl
        .push_back(Ok(pdl_match(7, json!({ "id": "pdl-2" }))));
    let body = ok(&enrich(json!(id), &token(TENANT_A, "owner"), &world, PDL));
    assert_eq!(body["enrichment"], "enriched");
    assert_eq!(world.borrow().count("pdl"), 2);
}

#[test]
fn unknown_and_other_tenants_candidates_are_404() {
    let (world, id) = with_candidate();
    let response = enrich(
        json!(Uuid::new_v4()),
        &token(TENANT_A, "owner"),
        &world,
        PDL,
    );
    assert_eq!(error_of(&response), (404, "candidate_not_found".into()));
    let response = enrich(json!(id), &token(TENANT_B, "owner"), &world, PDL);
    assert_eq!(error_of(&response), (404, "candidate_not_found".into()));
    let w = world.borrow();
    assert_eq!(w.count("pdl"), 0);
    assert!(w.profiles.is_empty());
}

#[test]
fn bad_requests_are_4xx() {
    let (world, id) = with_candidate();
    let t = token(TENANT_A, "owner");
    let req = |body: Value| {
        call(
            enrich_candidate::run,
            enrich_candidate::ERRORS,
            Ok(post_json("enrich-candidate", body, Some(&t))),
            &world,
            PDL,
        )
    };
    assert_eq!(error_of(&req(json!({}))), (400, "invalid_body".into()));
    assert_eq!(
        error_of(&req(json!({ "candidate_id": "42" }))),
        (400, "invalid_body".into())
    );
    assert_eq!(
        error_of(&req(json!({ "candidate_id": id, "x": 1 }))),
        (400, "invalid_body".into())
    );
    assert_eq!(error_of(&req(json!([id]))), (400, "invalid_body".into()));
    assert_eq!(
        error_of(&enrich(json!(id), &token(TENANT_A, "user"), &world, PDL)),
        (403, "insufficient_role".into())
    );
    assert!(world.borrow().profiles.is_empty());
}

#[test]
fn a_spent_enrichment_quota_is_429_and_pdl_is_not_called() {
    let (world, id) = with_candidate();
    world.borrow_mut().enrichment_quota = Some(1);
    world
        .borrow_mut()
        .pdl
        .push_back(Ok(pdl_match(8, json!({ "id": "pdl-1" }))));
    ok(&enrich(json!(id), &token(TENANT_A, "owner"), &world, PDL));
    let refused = enrich(json!(id), &token(TENANT_A, "owner"), &world, PDL);
    assert_eq!(error_of(&refused), (429, "too_many_requests".into()));
    assert_eq!(refused.header("retry-after"), Some("3600"));
    let details = &refused.json_body().unwrap()["error"]["details"];
    assert_eq!(details["limit"], 1000);
    let w = world.borrow();
    assert_eq!(w.count("pdl"), 1, "the refused call never reached PDL");
    assert_eq!(w.enrichments_reserved, 1);
}
