//! With no vendor keys, a resume PDF becomes a candidate: stored in the tenant's folder,
//! extracted by our extractor, read by the deterministic parser, saved with its
//! candidate_tenants row, enrichment recorded as not configured, every step on the job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use uuid::Uuid;

#[test]
fn an_upload_becomes_a_candidate_with_every_step_recorded() {
    let world = World::new();
    let bytes = fixture("amelia-chen-lo-html.pdf");
    let body = ok(&run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(
        (
            body["status"].as_str(),
            body["extractor"].as_str(),
            body["analyzer"].as_str(),
            body["enrichment"].as_str(),
            body["duplicate"].as_bool()
        ),
        (
            Some("done"),
            Some("builtin"),
            Some("deterministic"),
            Some("not_configured"),
            Some(false)
        ),
        "{body}"
    );
    let w = world.borrow();
    let candidate = w.candidate(serde_json::from_value(body["candidate_id"].clone()).unwrap());
    assert_eq!(
        (candidate.full_name.as_str(), candidate.email.as_str()),
        ("Amelia Chen", "amelia.chen@gmail.com")
    );
    assert_eq!(candidate.phone.as_deref(), Some("(415) 555-0132"));
    assert!(
        candidate.skills.contains(&"TypeScript".to_owned()),
        "{:?}",
        candidate.skills
    );
    assert_eq!(candidate.tenant_id, TENANT_A);

    let sha = process_resume::sha256_hex(&bytes);
    let path = format!("{TENANT_A}/{sha}.pdf");
    assert_eq!(
        w.objects.get(&path),
        Some(&bytes),
        "the file is stored, content-addressed, in the tenant's folder"
    );
    let job = w.job(serde_json::from_value(body["job_id"].clone()).unwrap());
    assert_eq!(
        (
            job.status.as_str(),
            job.sha256.as_str(),
            job.storage_path.as_deref()
        ),
        ("done", sha.as_str(), Some(path.as_str()))
    );
    let steps: Vec<&str> = job
        .steps
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["extracting", "analyzing", "enriching", "done"]);
    assert!(
        job.resume_text.as_deref().unwrap().contains("Amelia Chen"),
        "the extracted text is kept on the job"
    );
    assert_eq!(job.steps[1]["pages"], json!(1));
    // Upload first, then the job's RPCs, each as the caller: storage, start, advance, save, profile, done.
    assert_eq!(
        w.log,
        vec![
            format!("storage POST resumes/{path}"),
            "rest POST rpc/start_resume_job".into(),
            "rest POST rpc/advance_resume_job".into(),
            "rest POST rpc/save_resume_candidate".into(),
            "rest POST candidate_profiles".into(),
            "rest POST rpc/advance_resume_job".into(),
        ]
    );
    assert_eq!(
        w.profiles[0]["enrichment_status"], "not_configured",
        "no key is recorded, not skipped"
    );
}

#[test]
fn the_same_file_again_is_a_duplicate_and_changes_nothing() {
    let world = World::new();
    let bytes = fixture("jose-muller-lo-fodt.pdf");
    let first = ok(&run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    let calls = world.borrow().log.len();
    let again = ok(&run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(again["duplicate"], true);
    assert_eq!(
        (&again["job_id"], &again["candidate_id"], &again["status"]),
        (&first["job_id"], &first["candidate_id"], &json!("done"))
    );
    assert_eq!(
        (
            &again["extractor"],
            &again["analyzer"],
            &again["enrichment"]
        ),
        (
            &first["extractor"],
            &first["analyzer"],
            &first["enrichment"]
        )
    );
    let w = world.borrow();
    assert_eq!(w.candidates.len(), 1);
    assert_eq!(w.jobs.len(), 1);
    assert_eq!(w.jobs[0].attempts, 1, "a duplicate is not an attempt");
    // The upload found its object already there (409 = stored), then start answered the duplicate.
    let new: Vec<&String> = w.log[calls..].iter().collect();
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new[1].ends_with("rpc/start_resume_job"));
}

#[test]
fn the_same_person_in_another_file_updates_the_candidate() {
    let world = World::new();
    let existing =
        world
            .borrow_mut()
            .add_candidate(TENANT_A, "amelia.chen@gmail.com", "A. Chen", None);
    let body = ok(&run(
        upload(&fixture("amelia-chen-lo-html.pdf"), Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(
        body["candidate_id"],
        json!(existing),
        "de-duplicated by email within the tenant"
    );
    assert_eq!(body["candidate_created"], false);
    assert_eq!(world.borrow().candidate(existing).full_name, "Amelia Chen");
    assert_eq!(world.borrow().candidates.len(), 1);
}

#[test]
fn the_same_file_in_another_tenant_is_that_tenants_own() {
    let world = World::new();
    let bytes = fixture("renee-lefevre-groff.pdf");
    let a = ok(&run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    let b = ok(&run(
        upload(&bytes, Some(&token(TENANT_B, "admin")), None),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(b["duplicate"], false);
    assert_ne!(a["candidate_id"], b["candidate_id"]);
    let w = world.borrow();
    assert_eq!(
        w.candidates
            .iter()
            .map(|c| c.tenant_id.as_str())
            .collect::<Vec<_>>(),
        vec![TENANT_A, TENANT_B]
    );
}

#[test]
fn a_stored_file_is_fetched_as_the_caller_from_the_tenants_folder() {
    let world = World::new();
    let bytes = fixture("zoe-kowalczyk-chromium-2col.pdf");
    let path = format!("{TENANT_A}/inbox/zoe cv.pdf");
    world
        .borrow_mut()
        .objects
        .insert(path.clone(), bytes.clone());
    let body = ok(&run(
        stored(json!({ "storage_path": path }), Some(&owner_a())),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(body["status"], "done");
    let w = world.borrow();
    let job = w.job(serde_json::from_value(body["job_id"].clone()).unwrap());
    assert_eq!(
        job.storage_path.as_deref(),
        Some(path.as_str()),
        "the job points at the caller's file, not a copy"
    );
    assert_eq!(job.file_name.as_deref(), Some("zoe cv.pdf"));
    assert_eq!(w.objects.len(), 1, "nothing else is stored");
    assert!(
        w.log[0].starts_with("storage GET authenticated/resumes/"),
        "{:?}",
        w.log
    );
    assert_eq!(
        w.candidate(serde_json::from_value(body["candidate_id"].clone()).unwrap())
            .full_name,
        "Zoë Kowalczyk"
    );
}

#[test]
fn a_stored_path_outside_the_tenant_or_missing_is_refused() {
    let world = World::new();
    world.borrow_mut().objects.insert(
        format!("{TENANT_B}/cv.pdf"),
        fixture("amelia-chen-lo-html.pdf"),
    );
    let response = run(
        stored(
            json!({ "storage_path": format!("{TENANT_B}/cv.pdf") }),
            Some(&owner_a()),
        ),
        &world,
        Vendors::NONE,
    );
    assert_eq!(error_of(&response), (403, "path_outside_tenant".into()));
    assert!(world.borrow().log.is_empty(), "refused before any call");
    let response = run(
        stored(
            json!({ "storage_path": format!("{TENANT_A}/nope.pdf") }),
            Some(&owner_a()),
        ),
        &world,
        Vendors::NONE,
    );
    assert_eq!(error_of(&response), (404, "file_not_found".into()));
    assert!(
        world.borrow().jobs.is_empty(),
        "no job for a file that is not there"
    );
}

#[test]
fn a_resume_without_an_email_fails_at_analyzing_and_says_so() {
    let world = World::new();
    // A text-layer PDF whose text has a name but no email: built from the corpus' groff
    // file by replacing its address bytes would be brittle; use the job path instead.
    let bytes = fixture("soren-ostergaard-enscript.pdf");
    world.borrow_mut().jobs.push(JobRow {
        id: Uuid::new_v4(),
        tenant_id: TENANT_A.into(),
        sha256: process_resume::sha256_hex(&bytes),
        status: "failed".into(),
        failed_step: Some("analyzing".into()),
        error: Some("x".into()),
        attempts: 1,
        candidate_id: None,
        storage_path: None,
        file_name: None,
        extractor: Some("builtin".into()),
        analyzer: None,
        enrichment: None,
        resume_text: Some("Someone Nameless\nNo contact here\n".into()),
        analysis: None,
        steps: vec![],
        stale: false,
    });
    let response = run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    );
    assert_eq!(error_of(&response), (422, "email_not_found".into()));
    let body = response.json_body().unwrap();
    assert_eq!(body["error"]["details"]["step"], "analyzing");
    let w = world.borrow();
    assert_eq!(
        (w.jobs[0].status.as_str(), w.jobs[0].failed_step.as_deref()),
        ("failed", Some("analyzing"))
    );
    assert!(w.jobs[0]
        .error
        .as_deref()
        .unwrap()
        .starts_with("email_not_found"));
    assert_eq!(
        w.count("rest POST rpc/advance_resume_job"),
        1,
        "only the failure was recorded: no extraction ran again"
    );
    assert!(w.candidates.is_empty());
}

#[test]
fn a_job_left_running_is_refused_until_it_goes_stale_then_continues() {
    let world = World::new();
    let bytes = fixture("michael-obrien-reportlab.pdf");
    let first = ok(&run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    let id: Uuid = serde_json::from_value(first["job_id"].clone()).unwrap();
    {
        let mut w = world.borrow_mut();
        let job = w.jobs.iter_mut().find(|j| j.id == id).unwrap();
        job.status = "enriching".into();
    }
    let response = run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    );
    assert_eq!(error_of(&response), (409, "job_in_progress".into()));
    world.borrow_mut().jobs[0].stale = true;
    let log = world.borrow().log.len();
    let again = ok(&run(
        upload(&bytes, Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    ));
    assert_eq!(
        (again["status"].as_str(), again["attempts"].as_i64()),
        (Some("done"), Some(2))
    );
    let w = world.borrow();
    assert!(
        !w.log[log..]
            .iter()
            .any(|l| l.contains("save_resume_candidate")),
        "continued at enriching: {:?}",
        &w.log[log..]
    );
}
