//! `run()` natively against a fake Supabase: the erasure runs as the owner, the queued
//! files are deleted through the Storage API with the service key, and what Storage
//! fails to delete stays queued and is reported as pending.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::testing::{
    error_of, json_response, member_token, post_json, postgrest_error, rows, sign_token,
    test_context, FakeSupabase, StorageCall, TEST_JWT_SECRET, TEST_NOW_MS,
};
use shared::{Config, Context, Method, Request, Response};

const TENANT: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const CANDIDATE: &str = "c0000000-0000-4000-8000-000000000001";
const URL: &str = "http://supabase.test/functions/v1/erase-candidate";

fn path(file: &str) -> String {
    format!("{TENANT}/{file}")
}

#[derive(Default)]
struct World {
    /// The files erase_candidate answers.
    paths: Vec<String>,
    /// The queue: (id, name, attempts).
    queue: Vec<(i64, String, u32)>,
    /// Storage answers this status to deletes (200 when unset).
    storage_status: Option<u16>,
    /// What Storage deleted, per request: (bucket path, prefixes).
    storage_deletes: Vec<(String, Vec<String>)>,
    /// The finish calls' bodies.
    finished: Vec<Value>,
    erase_calls: Vec<Value>,
    refuse_erase: Option<(u16, &'static str)>,
}

fn fake(world: Rc<RefCell<World>>) -> Rc<FakeSupabase<World>> {
    FakeSupabase::over(world)
        .rpc("erase_candidate", |w, call| {
            w.erase_calls.push(json!({ "body": call.body, "sub": call.user_id() }));
            if let Some((status, code)) = w.refuse_erase {
                return postgrest_error(status, code, "refused");
            }
            // The SQL queues the files in the erasure's transaction.
            let next = w.queue.len() as i64 + 1;
            for (i, p) in w.paths.clone().into_iter().enumerate() {
                w.queue.push((next + i as i64, p, 0));
            }
            json_response(
                200,
                &json!({
                    "storage_paths": w.paths,
                    "removed": { "candidate": "deleted", "sessions": 1, "invitations": 1,
                                 "profiles": 0, "resume_jobs": 1, "audit_entries_redacted": 7 },
                    "vendor_copies": { "videosdk_room_ids": ["room-1"], "fly_machine_ids": [] }
                }),
            )
        })
        .rpc("claim_file_deletions", |w, call| {
            assert_eq!(call.claims.as_ref().map(|c| c.role.as_str()), None, "as the service key");
            assert_eq!(call.header("apikey"), Some("a.service.jwt"));
            let names: Option<Vec<String>> =
                call.body.get("p_names").map(|n| serde_json::from_value(n.clone()).unwrap());
            let limit = call.body["p_limit"].as_u64().unwrap() as usize;
            let claimed: Vec<Value> = w
                .queue
                .iter_mut()
                .filter(|(_, name, _)| names.as_ref().is_none_or(|n| n.contains(name)))
                .take(limit)
                .map(|(id, name, attempts)| {
                    *attempts += 1;
                    json!({ "id": id, "bucket_id": "resumes", "name": name, "attempts": attempts })
                })
                .collect();
            rows(claimed)
        })
        .rpc("finish_file_deletions", |w, call| {
            let deleted: Vec<i64> = serde_json::from_value(call.body["p_deleted"].clone()).unwrap();
            w.queue.retain(|(id, _, _)| !deleted.contains(id));
            w.finished.push(call.body.clone());
            json_response(200, &json!({ "deleted": deleted.len(), "failed": 0, "pending": w.queue.len() }))
        })
        .storage(|w, call: &StorageCall<'_>| {
            assert_eq!(call.method, Method::Delete);
            assert_eq!(call.request.headers.get("apikey"), Some("a.service.jwt"));
            assert_eq!(call.request.headers.get("authorization"), Some("Bearer a.service.jwt"));
            let body: Value = serde_json::from_slice(call.body).unwrap();
            let prefixes: Vec<String> = serde_json::from_value(body["prefixes"].clone()).unwrap();
            w.storage_deletes.push((call.path.to_owned(), prefixes));
            match w.storage_status {
                Some(status) => json_response(status, &json!({ "statusCode": status.to_string(), "error": "DatabaseError", "message": "down" })),
                None => json_response(200, &json!([])),
            }
        })
        .shared()
}

fn run(req: Request, cx: Context) -> Response {
    shared::testing::call(erase_candidate::run, erase_candidate::ERRORS, Ok(req), cx)
}

fn owner_erases(world: &Rc<RefCell<World>>) -> Response {
    let token = member_token(TENANT, "owner");
    run(
        post_json(URL, &json!({ "candidate_id": CANDIDATE }), Some(&token)),
        test_context(fake(world.clone())),
    )
}

fn service_token() -> String {
    sign_token(
        &json!({ "role": "service_role", "exp": TEST_NOW_MS / 1000 + 60 }),
        TEST_JWT_SECRET,
    )
}

#[test]
fn the_owner_erases_and_the_files_are_deleted_with_the_service_key() {
    let world = Rc::new(RefCell::new(World {
        paths: vec![path("cv.pdf"), path("cv-2.pdf")],
        ..World::default()
    }));
    let response = owner_erases(&world);
    assert_eq!(response.status(), 200, "{:?}", response.json_body());
    let body = response.json_body().unwrap();
    assert_eq!(
        body["files"],
        json!({ "deleted": [path("cv.pdf"), path("cv-2.pdf")], "pending": [] })
    );
    assert_eq!(body["removed"]["audit_entries_redacted"], 7);
    assert_eq!(
        body["vendor_copies"]["videosdk_room_ids"],
        json!(["room-1"])
    );
    let w = world.borrow();
    assert_eq!(
        w.erase_calls,
        vec![
            json!({ "body": { "p_candidate_id": CANDIDATE }, "sub": shared::testing::TEST_USER_ID })
        ],
        "erase_candidate runs once, as the owner"
    );
    assert_eq!(
        w.storage_deletes,
        vec![(
            "object/resumes".to_owned(),
            vec![path("cv.pdf"), path("cv-2.pdf")]
        )]
    );
    assert!(w.queue.is_empty(), "the deleted entries left the queue");
}

#[test]
fn what_storage_fails_to_delete_stays_queued_and_is_pending() {
    let world = Rc::new(RefCell::new(World {
        paths: vec![path("cv.pdf")],
        storage_status: Some(503),
        ..World::default()
    }));
    let response = owner_erases(&world);
    assert_eq!(
        response.status(),
        200,
        "the erasure itself is done: {:?}",
        response.json_body()
    );
    assert_eq!(
        response.json_body().unwrap()["files"],
        json!({ "deleted": [], "pending": [path("cv.pdf")] })
    );
    let w = world.borrow();
    assert!(
        w.storage_deletes.len() > 1,
        "a 503 is retried (the delete is idempotent)"
    );
    assert_eq!(w.queue.len(), 1, "still queued for the scheduled retry");
    let failed = &w.finished[0]["p_failed"]["1"];
    assert!(
        failed.as_str().unwrap().starts_with("storage answered 503"),
        "{failed}"
    );
}

#[test]
fn an_erasure_without_files_touches_neither_queue_nor_storage() {
    let world = Rc::new(RefCell::new(World::default()));
    let response = owner_erases(&world);
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json_body().unwrap()["files"],
        json!({ "deleted": [], "pending": [] })
    );
    assert!(world.borrow().storage_deletes.is_empty());
    assert!(world.borrow().finished.is_empty());
}

#[test]
fn the_sql_refusal_reaches_the_caller_and_nothing_is_deleted() {
    let world = Rc::new(RefCell::new(World {
        paths: vec![path("cv.pdf")],
        refuse_erase: Some((404, "candidate_not_found")),
        ..World::default()
    }));
    assert_eq!(
        error_of(&owner_erases(&world)),
        (404, "candidate_not_found".into())
    );
    world.borrow_mut().refuse_erase = Some((403, "forbidden"));
    assert_eq!(error_of(&owner_erases(&world)), (403, "forbidden".into()));
    assert!(world.borrow().storage_deletes.is_empty());
}

#[test]
fn the_service_role_retries_what_is_due_and_may_not_erase() {
    let world = Rc::new(RefCell::new(World {
        queue: vec![(1, path("a.pdf"), 1), (2, path("b.pdf"), 3)],
        ..World::default()
    }));
    let retried = run(
        post_json(
            URL,
            &json!({ "retry_pending": true }),
            Some(&service_token()),
        ),
        test_context(fake(world.clone())),
    );
    assert_eq!(retried.status(), 200, "{:?}", retried.json_body());
    assert_eq!(
        retried.json_body().unwrap(),
        json!({ "deleted": 2, "failed": 0 })
    );
    assert!(world.borrow().queue.is_empty());

    let erasing = run(
        post_json(
            URL,
            &json!({ "candidate_id": CANDIDATE }),
            Some(&service_token()),
        ),
        test_context(fake(world.clone())),
    );
    assert_eq!(error_of(&erasing), (403, "insufficient_role".into()));
    assert!(world.borrow().erase_calls.is_empty());
}

#[test]
fn a_user_may_not_retry() {
    let world = Rc::new(RefCell::new(World::default()));
    let response = run(
        post_json(
            URL,
            &json!({ "retry_pending": true }),
            Some(&member_token(TENANT, "owner")),
        ),
        test_context(fake(world.clone())),
    );
    assert_eq!(error_of(&response), (403, "insufficient_role".into()));
}

#[test]
fn malformed_bodies_are_400() {
    for body in [
        json!({}),
        json!({ "candidate_id": "not-a-uuid" }),
        json!({ "candidate_id": CANDIDATE, "also": 1 }),
        json!({ "retry_pending": "yes" }),
        json!([CANDIDATE]),
    ] {
        let world = Rc::new(RefCell::new(World::default()));
        let response = run(
            post_json(URL, &body, Some(&member_token(TENANT, "owner"))),
            test_context(fake(world.clone())),
        );
        assert_eq!(error_of(&response), (400, "invalid_body".into()), "{body}");
        assert!(world.borrow().erase_calls.is_empty());
    }
    let response = run(
        post_json(
            URL,
            &json!({ "retry_pending": false }),
            Some(&service_token()),
        ),
        test_context(fake(Rc::new(RefCell::new(World::default())))),
    );
    assert_eq!(error_of(&response), (400, "invalid_body".into()));
}

#[test]
fn without_a_service_key_nothing_is_erased() {
    let world = Rc::new(RefCell::new(World {
        paths: vec![path("cv.pdf")],
        ..World::default()
    }));
    // test_env without SUPABASE_SERVICE_ROLE_KEY.
    let env: shared::config::Env = [
        (
            "SUPABASE_URL",
            shared::testing::TEST_SUPABASE_URL.to_owned(),
        ),
        ("SUPABASE_ANON_KEY", "anon-key".to_owned()),
        ("JWT_SECRET", TEST_JWT_SECRET.to_owned()),
        ("SUPABASE_JWKS", shared::testing::test_jwks().to_string()),
    ]
    .into_iter()
    .collect();
    let fake = fake(world.clone());
    let cx = Context::new(
        Config::from_env(&env).unwrap(),
        fake,
        Rc::new(shared::testing::ManualClock::new(TEST_NOW_MS)),
    );
    let token = member_token(TENANT, "owner");
    let response = run(
        post_json(URL, &json!({ "candidate_id": CANDIDATE }), Some(&token)),
        cx,
    );
    assert_eq!(error_of(&response), (503, "not_configured".into()));
    assert!(world.borrow().erase_calls.is_empty());
}
