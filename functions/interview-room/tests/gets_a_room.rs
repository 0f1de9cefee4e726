//! `run()` natively: a fake Supabase (the access RPC, the session update) and a fake
//! VideoSDK that checks the raw-JWT `Authorization` header and its signature, and answers
//! the same room for the same `customRoomId`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use shared::testing::{
    json_response, post_json, test_context_with, user_token, FakeSupabase, TEST_NOW_MS,
    TEST_USER_ID,
};
use shared::{Context, Method, Request, Response};

const SESSION: &str = "66666666-6666-4666-8666-666666666666";
const VIDEOSDK: &str = "http://videosdk.test";
const KEY: &str = "vsdk-key";
const SECRET: &str = "vsdk-secret-0123456789";

/// Verify an HS256 JWT with `SECRET` and return its claims.
fn verified(token: &str) -> Value {
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap())
        .expect("signed with the VideoSDK secret");
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signed.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "HS256");
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signed.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()
}

struct World {
    caller: &'static str,
    status: &'static str,
    stored_room: Option<String>,
    rooms: BTreeMap<String, String>,
    patches: Vec<(String, Value)>,
    videosdk_status: u16,
    videosdk_calls: u32,
}

fn world(caller: &'static str) -> Rc<RefCell<World>> {
    Rc::new(RefCell::new(World {
        caller,
        status: "in_progress",
        stored_room: None,
        rooms: BTreeMap::new(),
        patches: vec![],
        videosdk_status: 200,
        videosdk_calls: 0,
    }))
}

type Fake = Rc<FakeSupabase<World>>;

fn fake(w: Rc<RefCell<World>>) -> Fake {
    FakeSupabase::over(w)
        .service(VIDEOSDK, |w, req| {
            assert_eq!(req.url, format!("{VIDEOSDK}/v2/rooms"));
            let body: Value = serde_json::from_slice(req.body.as_deref().unwrap_or(b"null")).unwrap();
            w.videosdk_calls += 1;
            let auth = req.headers.get("authorization").unwrap();
            assert!(
                !auth.to_lowercase().starts_with("bearer"),
                "the raw JWT, no Bearer"
            );
            let claims = verified(auth);
            assert_eq!(
                (claims["apikey"].as_str(), claims["permissions"].clone()),
                (Some(KEY), json!(["allow_join"]))
            );
            if w.videosdk_status != 200 {
                return Ok(json_response(
                    w.videosdk_status,
                    &json!({ "statusCode": w.videosdk_status, "error": "x", "message": "x" }),
                ));
            }
            let custom = body["customRoomId"].as_str().unwrap().to_owned();
            let n = w.rooms.len();
            let room = w
                .rooms
                .entry(custom.clone())
                .or_insert_with(|| format!("room-{n:04}-abcd"))
                .clone();
            Ok(json_response(
                200,
                &json!({ "roomId": room, "customRoomId": custom, "userId": "u", "disabled": false,
                "createdAt": "2027-01-15T08:00:00Z", "updatedAt": "2027-01-15T08:00:00Z", "id": "r1", "links": {} }),
            ))
        })
        .rpc("interview_session_access", |w, call| {
            assert!(call
                .header("authorization")
                .unwrap()
                .starts_with("Bearer ey"));
            match w.caller {
                "stranger" => json_response(
                    404,
                    &json!({ "code": "PT404", "message": "session_not_found", "details": "No.", "hint": null }),
                ),
                caller => json_response(
                    200,
                    &json!({ "session_id": SESSION, "tenant_id": SESSION, "status": w.status, "caller": caller,
                    "consent_given": true, "ai_opted_out": false, "videosdk_room_id": w.stored_room }),
                ),
            }
        })
        .table("interview_sessions", |w, call| {
            assert_eq!(call.method, Method::Patch);
            assert!(
                call.eq("id") == Some(SESSION)
                    && call.param("status").is_some_and(|v| v.starts_with("in."))
            );
            let who = call.header("authorization").unwrap().to_owned();
            w.patches.push((who, call.body.clone()));
            w.stored_room = call.body["videosdk_room_id"].as_str().map(str::to_owned);
            json_response(200, &json!([{ "id": SESSION }]))
        })
        .shared()
}

fn context(http: Fake, configured: bool) -> Context {
    let keys: &[(&str, &str)] = if configured {
        &[
            ("VIDEOSDK_API_KEY", KEY),
            ("VIDEOSDK_SECRET", SECRET),
            ("VIDEOSDK_BASE_URL", VIDEOSDK),
        ]
    } else {
        &[]
    };
    test_context_with(http, keys).0
}

fn request(app_metadata: Value, body: Value) -> Request {
    post_json("/interview-room", &body, Some(&user_token(app_metadata)))
}

fn call(req: Request, http: Fake, configured: bool) -> Response {
    shared::testing::call(
        interview_room::run,
        interview_room::ERRORS,
        Ok(req),
        context(http, configured),
    )
}

#[test]
fn the_candidate_gets_the_sessions_room_and_a_token_scoped_to_it_and_the_room_is_reused() {
    let w = world("candidate");
    let r = call(
        request(
            json!({ "is_candidate": true }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    let b = r.json_body().unwrap();
    let room = b["room_id"].as_str().unwrap().to_owned();
    assert_eq!(b["participant_id"], TEST_USER_ID);
    assert_eq!(b["expires_at"], TEST_NOW_MS / 1000 + 900);
    let claims = verified(b["token"].as_str().unwrap());
    assert_eq!(claims["roomId"], room);
    assert_eq!(claims["participantId"], TEST_USER_ID);
    assert_eq!(claims["permissions"], json!(["allow_join"]));
    assert_eq!(claims["exp"], TEST_NOW_MS / 1000 + 900);
    // Stored on the session with the service key (the candidate may not write it).
    assert_eq!(
        w.borrow().patches,
        vec![(
            "Bearer a.service.jwt".to_owned(),
            json!({ "videosdk_room_id": room })
        )]
    );

    // Again: the same room, nothing to store.
    let r = call(
        request(
            json!({ "is_candidate": true }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.json_body().unwrap()["room_id"], room);
    assert_eq!(w.borrow().patches.len(), 1);
    assert_eq!(w.borrow().videosdk_calls, 2);
    assert_eq!(w.borrow().rooms.len(), 1);
}

#[test]
fn staff_store_the_room_as_themselves() {
    let w = world("staff");
    let r = call(
        request(
            json!({ "tenant_id": SESSION, "role": "admin" }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 200);
    assert!(
        w.borrow().patches[0].0.starts_with("Bearer ey"),
        "the admin's own JWT"
    );
}

#[test]
fn without_keys_503_and_closed_sessions_409() {
    let w = world("candidate");
    let r = call(
        request(
            json!({ "is_candidate": true }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        false,
    );
    assert_eq!(
        (r.status(), r.json_body().unwrap()["error"]["code"].as_str()),
        (503, Some("not_configured"))
    );
    w.borrow_mut().status = "completed";
    let r = call(
        request(
            json!({ "is_candidate": true }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        true,
    );
    assert_eq!(
        (r.status(), r.json_body().unwrap()["error"]["code"].as_str()),
        (409, Some("session_not_joinable"))
    );
    assert_eq!(w.borrow().videosdk_calls, 0);
    let w = world("stranger");
    let r = call(
        request(
            json!({ "is_candidate": true }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 404);
}

#[test]
fn a_videosdk_failure_is_502_after_the_retries_and_stores_nothing() {
    let w = world("candidate");
    w.borrow_mut().videosdk_status = 503;
    let r = call(
        request(
            json!({ "is_candidate": true }),
            json!({ "session_id": SESSION }),
        ),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 502);
    assert_eq!(
        w.borrow().videosdk_calls,
        3,
        "idempotent by customRoomId, so retried"
    );
    assert!(w.borrow().patches.is_empty());
}

#[test]
fn bad_requests_are_4xx() {
    for (req, status) in [
        (request(json!({ "is_candidate": true }), json!({})), 400),
        (
            request(json!({ "is_candidate": true }), json!({ "session_id": 3 })),
            400,
        ),
        (
            Request::new(Method::Delete, "/interview-room").unwrap(),
            405,
        ),
        (
            Request::new(Method::Post, "/interview-room")
                .unwrap()
                .with_json(&json!({ "session_id": SESSION })),
            401,
        ),
    ] {
        let w = world("candidate");
        assert_eq!(call(req, fake(w.clone()), true).status(), status);
        assert_eq!(w.borrow().videosdk_calls, 0);
    }
}
