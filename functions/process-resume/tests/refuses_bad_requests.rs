//! Bad input gets a clear 4xx in the project's error shape, never a 5xx, and leaves no
//! half-written row: refused before a job exists, or recorded on the job as `failed`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use process_resume::BODY_LIMIT;
use serde_json::json;
use shared::request::Headers;
use shared::{Method, Request};

fn code(response: &shared::Response) -> (u16, String) {
    error_of(response)
}

#[test]
fn who_may_call() {
    let world = World::new();
    let bytes = fixture("amelia-chen-lo-html.pdf");
    assert_eq!(
        code(&run(upload(&bytes, None, None), &world, Vendors::NONE)).0,
        401
    );
    assert_eq!(
        code(&run(
            upload(&bytes, Some("not.a.token"), None),
            &world,
            Vendors::NONE
        ))
        .0,
        401
    );
    assert_eq!(
        code(&run(
            upload(&bytes, Some(&token(TENANT_A, "user")), None),
            &world,
            Vendors::NONE
        ))
        .0,
        403
    );
    let candidate = shared::testing::user_token(json!({ "is_candidate": true }));
    assert_eq!(
        code(&run(
            upload(&bytes, Some(&candidate), None),
            &world,
            Vendors::NONE
        ))
        .0,
        403
    );
    assert!(
        world.borrow().log.is_empty(),
        "nothing is stored or recorded for a refused caller"
    );
    let get = Request::new(Method::Get, "http://localhost/process-resume")
        .unwrap()
        .with_header("authorization", format!("Bearer {}", owner_a()));
    assert_eq!(
        code(&run(get, &world, Vendors::NONE)),
        (405, "method_not_allowed".into())
    );
}

#[test]
fn bodies_that_are_not_a_resume_request() {
    let world = World::new();
    let t = owner_a();
    let auth = |r: Request| r.with_header("authorization", format!("Bearer {t}"));
    let empty = auth(Request::new(Method::Post, "http://localhost/process-resume").unwrap());
    assert_eq!(
        code(&run(empty, &world, Vendors::NONE)),
        (400, "body_required".into())
    );
    let text = auth(
        Request::new(Method::Post, "http://localhost/process-resume")
            .unwrap()
            .with_body("text/plain", "my resume"),
    );
    assert_eq!(
        code(&run(text, &world, Vendors::NONE)),
        (415, "unsupported_media_type".into())
    );
    let raw_pdf = auth(
        Request::new(Method::Post, "http://localhost/process-resume")
            .unwrap()
            .with_body("application/pdf", fixture("amelia-chen-lo-html.pdf")),
    );
    assert_eq!(
        code(&run(raw_pdf, &world, Vendors::NONE)),
        (415, "unsupported_media_type".into())
    );
    let bad_json = auth(
        Request::new(Method::Post, "http://localhost/process-resume")
            .unwrap()
            .with_body("application/json", "{\"storage_path\":"),
    );
    assert_eq!(
        code(&run(bad_json, &world, Vendors::NONE)),
        (400, "invalid_json".into())
    );
    assert_eq!(
        code(&run(stored(json!({}), Some(&t)), &world, Vendors::NONE)),
        (400, "invalid_body".into())
    );
    assert_eq!(
        code(&run(
            stored(json!({ "storage_path": 7 }), Some(&t)),
            &world,
            Vendors::NONE
        )),
        (400, "invalid_body".into())
    );
    assert_eq!(
        code(&run(
            stored(json!({ "storage_path": "../../etc/passwd" }), Some(&t)),
            &world,
            Vendors::NONE
        ))
        .0,
        400
    );
    assert_eq!(
        code(&run(
            stored(
                json!({ "storage_path": format!("{TENANT_A}/cv.pdf"), "extractor": "magic" }),
                Some(&t)
            ),
            &world,
            Vendors::NONE
        )),
        (400, "invalid_extractor".into())
    );
    assert_eq!(
        code(&run(upload(b"", Some(&t), None), &world, Vendors::NONE)),
        (400, "empty_file".into())
    );
    assert_eq!(
        code(&run(
            upload(b"PK\x03\x04 not a pdf at all", Some(&t), None),
            &world,
            Vendors::NONE
        )),
        (415, "unsupported_media_type".into())
    );
    assert!(
        world.borrow().log.is_empty(),
        "nothing reached storage or the database"
    );
}

#[test]
fn eleven_megabytes_is_too_large_however_it_arrives() {
    let world = World::new();
    let big = [b"%PDF-1.7\n".as_slice(), &vec![b' '; 11 * 1024 * 1024]].concat();
    // Over the body limit: refused while reading (js::serve_with), before run().
    let headers: Headers = [
        ("content-type", "multipart/form-data; boundary=x"),
        ("authorization", "Bearer x"),
    ]
    .into_iter()
    .collect();
    let over = Request::from_parts(
        "POST",
        "http://localhost/process-resume",
        headers,
        big.clone(),
        BODY_LIMIT,
    );
    let response = call(
        process_resume::run,
        process_resume::ERRORS,
        over,
        &world,
        Vendors::NONE,
    );
    assert_eq!(code(&response), (413, "payload_too_large".into()));
    // A file part just over 10 MiB inside a body under the limit.
    let file = [b"%PDF-1.7\n".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat();
    assert_eq!(
        code(&run(
            upload(&file, Some(&owner_a()), None),
            &world,
            Vendors::NONE
        )),
        (413, "payload_too_large".into())
    );
    // A stored object over the limit.
    world
        .borrow_mut()
        .objects
        .insert(format!("{TENANT_A}/big.pdf"), big);
    let response = run(
        stored(
            json!({ "storage_path": format!("{TENANT_A}/big.pdf") }),
            Some(&owner_a()),
        ),
        &world,
        Vendors::NONE,
    );
    assert_eq!(code(&response), (413, "payload_too_large".into()));
    assert!(world.borrow().jobs.is_empty());
}

#[test]
fn broken_pdfs_fail_extracting_with_their_reason() {
    let amelia = fixture("amelia-chen-lo-html.pdf");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            amelia[..amelia.len() / 3].to_vec(),
            "corrupt_pdf",
        ),
        (
            "password",
            fixture("locked-user-password.pdf"),
            "encrypted_pdf",
        ),
        ("header only", b"%PDF-1.7\n%%EOF\n".to_vec(), "corrupt_pdf"),
    ];
    for (what, bytes, expected) in cases {
        let world = World::new();
        let response = run(
            upload(&bytes, Some(&owner_a()), None),
            &world,
            Vendors::NONE,
        );
        assert_eq!(code(&response), (422, expected.into()), "{what}");
        let w = world.borrow();
        assert_eq!(
            (w.jobs[0].status.as_str(), w.jobs[0].failed_step.as_deref()),
            ("failed", Some("extracting")),
            "{what}"
        );
        assert!(
            w.jobs[0].error.as_deref().unwrap().starts_with(expected),
            "{what}: the reason is recorded"
        );
        assert!(w.candidates.is_empty(), "{what}");
    }
}

#[test]
fn the_database_down_is_a_502_with_nothing_half_written() {
    let world = World::new();
    world.borrow_mut().db_down = true;
    let response = run(
        upload(&fixture("amelia-chen-lo-html.pdf"), Some(&owner_a()), None),
        &world,
        Vendors::NONE,
    );
    assert_eq!(code(&response), (502, "upstream_error".into()));
    let w = world.borrow();
    assert!(w.jobs.is_empty() && w.candidates.is_empty());
}

#[test]
fn no_bad_input_is_ever_a_5xx() {
    let t = owner_a();
    let amelia = fixture("amelia-chen-lo-html.pdf");
    let requests = vec![
        upload(&amelia[..100], Some(&t), None),
        upload(&amelia[..amelia.len() - 200], Some(&t), None),
        upload(&fixture("scanned-image-only.pdf"), Some(&t), None),
        upload(&fixture("locked-user-password.pdf"), Some(&t), None),
        upload(b"%PDF-", Some(&t), None),
        upload(&[0u8; 4096], Some(&t), None),
        stored(json!({ "storage_path": "" }), Some(&t)),
        stored(
            json!({ "storage_path": format!("{TENANT_B}/x.pdf") }),
            Some(&t),
        ),
        stored(
            json!({ "storage_path": format!("{TENANT_A}/missing.pdf") }),
            Some(&t),
        ),
        stored(
            json!({ "storage_path": format!("{TENANT_A}/x.pdf"), "extra": 1 }),
            Some(&t),
        ),
        stored(json!([1, 2]), Some(&t)),
        stored(json!(null), Some(&t)),
    ];
    for (i, req) in requests.into_iter().enumerate() {
        let world = World::new();
        let response = run(req, &world, Vendors::ALL);
        let status = response.status();
        // A file damaged only at its end may still be read (200); never a 5xx.
        assert!(
            status < 500,
            "request {i}: {status} {:?}",
            response.json_body()
        );
    }
}
