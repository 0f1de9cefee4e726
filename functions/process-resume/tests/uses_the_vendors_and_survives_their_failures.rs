//! With vendor keys: OpenAI reads the resume (strict schema from the Rust type), PDL
//! enriches it, PDF.co reads scans. Their failures: OpenAI's are absorbed by the parser
//! (and named), PDL's and PDF.co's are recorded on the job (200 `failed`), and the same
//! file again continues from the failed step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use shared::http::HttpResponse;
use shared::testing::json_response;

const OPENAI: Vendors = Vendors {
    openai: true,
    pdl: false,
    pdfco: false,
};
const PDL: Vendors = Vendors {
    openai: false,
    pdl: true,
    pdfco: false,
};
const PDFCO: Vendors = Vendors {
    openai: false,
    pdl: false,
    pdfco: true,
};

fn amelia() -> Vec<u8> {
    fixture("amelia-chen-lo-html.pdf")
}

#[test]
fn openai_reads_the_resume_with_the_schema_of_the_rust_type() {
    let world = World::new();
    let body = ok(&run(
        upload(&amelia(), Some(&owner_a()), None),
        &world,
        OPENAI,
    ));
    assert_eq!(body["analyzer"], "openai");
    assert!(body.get("analyzer_fallback").is_none(), "{body}");
    let w = world.borrow();
    let sent = &w.openai_bodies[0];
    let format = &sent["response_format"];
    assert_eq!(
        (
            format["type"].as_str(),
            format["json_schema"]["name"].as_str(),
            format["json_schema"]["strict"].as_bool()
        ),
        (Some("json_schema"), Some("resume"), Some(true))
    );
    assert_eq!(
        format["json_schema"]["schema"],
        shared::clients::openai::strict_schema::<resume::Resume>().unwrap()
    );
    assert!(
        sent["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("Amelia Chen"),
        "the extracted text is what the model reads"
    );
    // The model's answer, normalised: canonical skills, lower-cased email.
    let candidate = w.candidate(serde_json::from_value(body["candidate_id"].clone()).unwrap());
    assert_eq!(
        (candidate.full_name.as_str(), candidate.email.as_str()),
        ("Ada Lovelace", "ada@example.com")
    );
    assert_eq!(candidate.skills, vec!["Rust", "PostgreSQL"]);
    assert_eq!(w.jobs[0].analyzer.as_deref(), Some("openai"));
}

#[test]
fn an_unusable_model_answer_falls_back_to_the_parser_and_says_why() {
    let cases: Vec<(&str, Vec<HttpResponse>, usize)> = vec![
        ("openai_refused", vec![refusal()], 1),
        (
            "openai_truncated",
            vec![completion(&json!("{\"full_name\": \"Ada"), "length")],
            1,
        ),
        (
            "openai_rate_limited",
            vec![openai_error(429, "rate_limit_exceeded").with_header("retry-after", "1"); 3],
            3,
        ),
        (
            "openai_unavailable",
            vec![openai_error(500, "server_error"); 3],
            3,
        ),
        (
            "openai_quota_exceeded",
            vec![openai_error(429, "insufficient_quota")],
            1,
        ),
        (
            "openai_invalid_output",
            vec![json_response(
                200,
                &json!({ "choices": [{ "message": { "content": "not json" }, "finish_reason": "stop" }] }),
            )],
            1,
        ),
    ];
    for (reason, script, calls) in cases {
        let world = World::new();
        world.borrow_mut().openai.extend(script.into_iter().map(Ok));
        let body = ok(&run(
            upload(&amelia(), Some(&owner_a()), None),
            &world,
            OPENAI,
        ));
        assert_eq!(
            (
                body["analyzer"].as_str(),
                body["analyzer_fallback"].as_str(),
                body["status"].as_str()
            ),
            (Some("deterministic"), Some(reason), Some("done")),
            "{reason}: {body}"
        );
        let w = world.borrow();
        assert_eq!(w.count("openai"), calls, "{reason}: attempts");
        assert_eq!(
            w.candidates[0].full_name, "Amelia Chen",
            "{reason}: the parser read the resume"
        );
        let saved = w.jobs[0]
            .steps
            .iter()
            .find(|s| s["status"] == "enriching")
            .unwrap();
        assert_eq!(
            saved["detail"]["fallback_reason"], reason,
            "{reason}: the reason is on the job"
        );
    }
}

#[test]
fn a_transient_openai_failure_is_retried() {
    let world = World::new();
    world
        .borrow_mut()
        .openai
        .push_back(Ok(openai_error(503, "server_error")));
    let body = ok(&run(
        upload(&amelia(), Some(&owner_a()), None),
        &world,
        OPENAI,
    ));
    assert_eq!(body["analyzer"], "openai");
    assert_eq!(world.borrow().count("openai"), 2);
}

#[test]
fn pdl_enriches_with_the_strongest_identifiers() {
    let world = World::new();
    world.borrow_mut().pdl.push_back(Ok(pdl_match(9, json!({ "id": "pdl-123", "job_title": "Senior Frontend Engineer", "skills": ["react"], "linkedin_url": "linkedin.com/in/ameliachen" }))));
    let body = ok(&run(upload(&amelia(), Some(&owner_a()), None), &world, PDL));
    assert_eq!(
        (body["enrichment"].as_str(), body["status"].as_str()),
        (Some("enriched"), Some("done"))
    );
    let w = world.borrow();
    let query = &w.pdl_queries[0];
    assert!(query.contains("email=amelia.chen%40gmail.com"), "{query}");
    assert!(
        query.contains("profile=https%3A%2F%2Flinkedin.com%2Fin%2Fameliachen"),
        "{query}"
    );
    assert!(query.contains("min_likelihood=6"), "{query}");
    let profile = &w.profiles[0];
    assert_eq!(
        (
            profile["enrichment_status"].as_str(),
            profile["pdl_id"].as_str(),
            profile["pdl_likelihood"].as_i64()
        ),
        (Some("enriched"), Some("pdl-123"), Some(9))
    );
    assert_eq!(profile["job_title"], "Senior Frontend Engineer");
    assert_eq!(w.jobs[0].enrichment.as_deref(), Some("enriched"));
}

#[test]
fn pdl_404_is_no_match_not_an_error() {
    let world = World::new();
    world
        .borrow_mut()
        .pdl
        .push_back(Ok(pdl_error(404, "not_found")));
    let body = ok(&run(upload(&amelia(), Some(&owner_a()), None), &world, PDL));
    assert_eq!(
        (body["enrichment"].as_str(), body["status"].as_str()),
        (Some("no_match"), Some("done"))
    );
    assert_eq!(world.borrow().count("pdl"), 1);
}

#[test]
fn a_pdl_outage_is_a_recorded_failure_and_the_retry_continues_at_enriching() {
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
        (vec![pdl_error(503, "api_error"); 3], "pdl_unavailable", 3),
    ] {
        let world = World::new();
        world.borrow_mut().pdl.extend(script.into_iter().map(Ok));
        let body = ok(&run(upload(&amelia(), Some(&owner_a()), None), &world, PDL));
        assert_eq!(
            (
                body["status"].as_str(),
                body["failed_step"].as_str(),
                body["enrichment"].as_str()
            ),
            (Some("failed"), Some("enriching"), Some("failed")),
            "{body}"
        );
        assert_eq!(body["error"]["code"], reason);
        assert!(
            body["candidate_id"].is_string(),
            "the candidate is saved before enrichment"
        );
        {
            let w = world.borrow();
            assert_eq!(w.count("pdl"), calls, "{reason}: attempts");
            assert_eq!(
                (w.jobs[0].status.as_str(), w.jobs[0].failed_step.as_deref()),
                ("failed", Some("enriching"))
            );
            assert_eq!(w.profiles[0]["enrichment_status"], "failed");
            assert!(w.profiles[0]["enrichment_error"]
                .as_str()
                .unwrap()
                .starts_with(reason));
        }
        // PDL is back: the same file again only enriches.
        world
            .borrow_mut()
            .pdl
            .push_back(Ok(pdl_match(8, json!({ "id": "pdl-9" }))));
        let log = world.borrow().log.len();
        let again = ok(&run(upload(&amelia(), Some(&owner_a()), None), &world, PDL));
        assert_eq!(
            (
                again["status"].as_str(),
                again["enrichment"].as_str(),
                again["attempts"].as_i64()
            ),
            (Some("done"), Some("enriched"), Some(2))
        );
        assert_eq!(again["candidate_id"], body["candidate_id"]);
        let w = world.borrow();
        let ran: Vec<&str> = w.log[log..].iter().map(String::as_str).collect();
        assert!(
            !ran.iter().any(|l| l.contains("save_resume_candidate")),
            "{ran:?}"
        );
        assert_eq!(w.candidates.len(), 1, "no second candidate");
        assert_eq!(w.profiles.len(), 1, "one profile per candidate and tenant");
    }
}

#[test]
fn a_scan_without_pdfco_is_no_text_layer_and_leaves_no_candidate() {
    let world = World::new();
    let response = run(
        upload(&fixture("scanned-image-only.pdf"), Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    );
    assert_eq!(error_of(&response), (422, "no_text_layer".into()));
    let details = &response.json_body().unwrap()["error"]["details"];
    assert_eq!(details["step"], "extracting");
    let w = world.borrow();
    assert_eq!(details["job_id"], json!(w.jobs[0].id));
    assert_eq!(
        (w.jobs[0].status.as_str(), w.jobs[0].failed_step.as_deref()),
        ("failed", Some("extracting"))
    );
    assert!(w.candidates.is_empty());
}

#[test]
fn a_scan_with_pdfco_is_read_by_ocr() {
    let world = World::new();
    let body = ok(&run(
        upload(&fixture("scanned-image-only.pdf"), Some(&owner_a()), None),
        &world,
        PDFCO,
    ));
    assert_eq!(
        (body["extractor"].as_str(), body["status"].as_str()),
        (Some("pdfco"), Some("done"))
    );
    let w = world.borrow();
    assert_eq!(w.candidates[0].full_name, "Ola Nordmann");
    assert_eq!(w.candidates[0].email, "ola.nordmann@example.no");
    assert_eq!(w.count("pdfco"), 3, "presign, put, convert");
    assert_eq!(w.jobs[0].steps[1]["ocr_reason"], "no_text_layer");
}

#[test]
fn pdfco_when_asked_even_for_a_text_pdf_and_builtin_when_asked_never() {
    let world = World::new();
    let body = ok(&run(
        upload(&amelia(), Some(&owner_a()), Some("pdfco")),
        &world,
        PDFCO,
    ));
    assert_eq!(body["extractor"], "pdfco");
    let world = World::new();
    let response = run(
        upload(
            &fixture("scanned-image-only.pdf"),
            Some(&owner_a()),
            Some("builtin"),
        ),
        &world,
        PDFCO,
    );
    assert_eq!(error_of(&response), (422, "no_text_layer".into()));
    assert_eq!(world.borrow().count("pdfco"), 0);
    let world = World::new();
    let response = run(
        upload(&amelia(), Some(&owner_a()), Some("pdfco")),
        &world,
        Vendors::NONE,
    );
    assert_eq!(
        error_of(&response),
        (422, "extractor_not_configured".into())
    );
    assert!(
        world.borrow().log.is_empty(),
        "refused before anything is stored"
    );
}

#[test]
fn a_pdfco_outage_fails_extracting_and_the_retry_extracts_again() {
    let world = World::new();
    world.borrow_mut().pdfco.push_back(Ok(json_response(
        402,
        &json!({ "error": true, "status": 402, "message": "Not enough credits" }),
    )));
    let body = ok(&run(
        upload(&fixture("scanned-image-only.pdf"), Some(&owner_a()), None),
        &world,
        PDFCO,
    ));
    assert_eq!(
        (body["status"].as_str(), body["failed_step"].as_str()),
        (Some("failed"), Some("extracting"))
    );
    assert_eq!(body["error"]["code"], "pdfco_no_credits");
    assert_eq!(body["candidate_id"], json!(null));
    let again = ok(&run(
        upload(&fixture("scanned-image-only.pdf"), Some(&owner_a()), None),
        &world,
        PDFCO,
    ));
    assert_eq!(
        (
            again["status"].as_str(),
            again["extractor"].as_str(),
            again["attempts"].as_i64()
        ),
        (Some("done"), Some("pdfco"), Some(2))
    );
    assert_eq!(world.borrow().jobs.len(), 1);
}

#[test]
fn pdfco_refusing_the_file_is_the_files_fault() {
    let world = World::new();
    world.borrow_mut().pdfco.push_back(Ok(json_response(
        200,
        &json!({ "error": true, "status": 442, "message": "Damaged document" }),
    )));
    let response = run(
        upload(&fixture("scanned-image-only.pdf"), Some(&owner_a()), None),
        &world,
        PDFCO,
    );
    assert_eq!(error_of(&response), (422, "corrupt_pdf".into()));
}

#[test]
fn a_spent_enrichment_quota_fails_the_job_at_enriching_with_429_and_the_retry_continues() {
    let world = World::new();
    world.borrow_mut().enrichment_quota = Some(0);
    let refused = run(upload(&amelia(), Some(&owner_a()), None), &world, PDL);
    assert_eq!(error_of(&refused), (429, "too_many_requests".into()));
    assert!(refused.header("retry-after").is_some());
    {
        let w = world.borrow();
        assert_eq!(w.count("pdl"), 0, "PDL is not called past the quota");
        assert_eq!(
            w.candidates.len(),
            1,
            "the candidate is saved before enrichment"
        );
        assert_eq!(
            (w.jobs[0].status.as_str(), w.jobs[0].failed_step.as_deref()),
            ("failed", Some("enriching")),
            "the job records where it stopped"
        );
    }
    // The quota allows again: the same file only enriches.
    world.borrow_mut().enrichment_quota = None;
    world
        .borrow_mut()
        .pdl
        .push_back(Ok(pdl_match(8, json!({ "id": "pdl-9" }))));
    let again = ok(&run(upload(&amelia(), Some(&owner_a()), None), &world, PDL));
    assert_eq!(
        (again["status"].as_str(), again["enrichment"].as_str()),
        (Some("done"), Some("enriched"))
    );
    assert_eq!(world.borrow().candidates.len(), 1, "no second candidate");
}
