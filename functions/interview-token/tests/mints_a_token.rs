//! `run()` natively: a fake Supabase answering the two RPCs by their SQL's rules (the
//! limit included), and a fake OpenAI `client_secrets`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::testing::{
    json_response, post_json, test_context_with, user_token, FakeSupabase, RestCall, TEST_NOW_MS,
    TEST_USER_ID,
};
use shared::{Context, Method, Request, Response};

const SESSION: &str = "66666666-6666-4666-8666-666666666666";
const GRANT: &str = "99999999-9999-4999-8999-999999999999";
const OPENAI: &str = "http://openai.test/v1";

struct World {
    /// What `reserve_interview_token` raises, if anything: (status, code).
    refuse: Option<(u16, &'static str)>,
    grants: u32,
    finished: Vec<Value>,
    secrets: Vec<Value>,
    openai_status: u16,
    status: &'static str,
}

fn world() -> Rc<RefCell<World>> {
    Rc::new(RefCell::new(World {
        refuse: None,
        grants: 0,
        finished: vec![],
        secrets: vec![],
        openai_status: 200,
        status: "invited",
    }))
}

type Fake = Rc<FakeSupabase<World>>;

/// The grant RPCs are the function's alone: the service role, for the verified user.
fn as_the_service_role_for_the_caller(call: &RestCall) {
    assert_eq!(
        call.header("authorization"),
        Some("Bearer a.service.jwt"),
        "as the service role"
    );
    assert_eq!(call.body["p_actor"], TEST_USER_ID, "for the caller");
}

fn fake(w: Rc<RefCell<World>>) -> Fake {
    FakeSupabase::over(w)
        .service(OPENAI, |w, req| {
            assert_eq!(req.url, format!("{OPENAI}/realtime/client_secrets"));
            assert_eq!(req.headers.get("authorization"), Some("Bearer sk-test"));
            let body: Value = serde_json::from_slice(req.body.as_deref().unwrap_or(b"null")).unwrap();
            w.secrets.push(body.clone());
            if w.openai_status != 200 {
                return Ok(json_response(
                    w.openai_status,
                    &json!({ "error": { "message": "down", "type": "server_error", "code": null } }),
                ));
            }
            Ok(json_response(
                200,
                &json!({ "value": "ek_test_secret", "expires_at": TEST_NOW_MS / 1000 + 120,
                "session": { "type": "realtime", "model": body["session"]["model"], "id": "sess_1", "object": "realtime.session" } }),
            ))
        })
        .rpc("reserve_interview_token", |w, call| {
            as_the_service_role_for_the_caller(call);
            assert_eq!(
                call.body,
                json!({ "p_session_id": SESSION, "p_actor": TEST_USER_ID })
            );
            if let Some((status, code)) = w.refuse {
                return json_response(
                    status,
                    &json!({ "code": format!("PT{status}"), "message": code, "details": "No.", "hint": null }),
                );
            }
            if w.grants >= 10 {
                return json_response(
                    200,
                    &json!({ "granted": false, "scope": "session", "limit": 10, "retry_after_seconds": 1234 }),
                );
            }
            w.grants += 1;
            json_response(
                200,
                &json!({
                    "granted": true, "grant_id": GRANT, "limit": 10, "remaining": 10 - w.grants, "session_id": SESSION,
                    "status": w.status, "caller": "candidate", "candidate_name": "Ada",
                    "position": { "title": "Senior Backend Engineer", "description": "Billing.", "responsibilities": [],
                                  "requirements": ["Rust"], "nice_to_have": [], "seniority": null, "department": null },
                    "competencies": [{ "id": "c1", "name": "Rust", "description": null, "category": null, "weight": 40, "required_level": 4 }],
                }),
            )
        })
        .rpc("finish_interview_token", |w, call| {
            as_the_service_role_for_the_caller(call);
            w.finished.push(call.body.clone());
            if call.body["p_ok"] == true {
                w.status = "in_progress";
            }
            json_response(
                200,
                &json!({ "grant_id": GRANT, "status": if call.body["p_ok"] == true { "issued" } else { "failed" }, "session_status": w.status }),
            )
        })
        .shared()
}

fn context(http: Fake, openai: bool) -> Context {
    let keys: &[(&str, &str)] = if openai {
        &[("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", OPENAI)]
    } else {
        &[]
    };
    test_context_with(http, keys).0
}

fn request(body: Value) -> Request {
    let token = user_token(json!({ "is_candidate": true }));
    post_json("/interview-token", &body, Some(&token))
}

fn call(req: Request, http: Fake, openai: bool) -> Response {
    shared::testing::call(
        interview_token::run,
        interview_token::ERRORS,
        Ok(req),
        context(http, openai),
    )
}

#[test]
fn a_candidate_gets_a_secret_and_the_session_starts() {
    let w = world();
    let r = call(
        request(json!({ "session_id": SESSION })),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    let b = r.json_body().unwrap();
    assert_eq!(b["client_secret"], "ek_test_secret");
    assert_eq!(b["expires_at"], TEST_NOW_MS / 1000 + 120);
    assert_eq!(b["model"], "gpt-realtime");
    assert_eq!(b["calls_url"], format!("{OPENAI}/realtime/calls"));
    assert_eq!(b["session_status"], "in_progress");
    let w = w.borrow();
    // The GA body: short expiry, transcription on, the built instructions.
    let sent = &w.secrets[0];
    assert_eq!(
        sent["expires_after"],
        json!({ "anchor": "created_at", "seconds": 120 })
    );
    assert_eq!(sent["session"]["type"], "realtime");
    assert_eq!(
        sent["session"]["audio"]["input"]["transcription"]["model"],
        "gpt-4o-mini-transcribe"
    );
    let instructions = sent["session"]["instructions"].as_str().unwrap();
    assert!(
        instructions.contains("Senior Backend Engineer")
            && instructions.contains("1. Rust (level 4)")
            && instructions.contains("(Ada)")
    );
    assert_eq!(
        w.finished,
        vec![
            json!({ "p_grant_id": GRANT, "p_actor": TEST_USER_ID, "p_ok": true, "p_expires_at": "2027-01-15T08:02:00Z" })
        ]
    );
    // The server key is nowhere in the answer.
    assert!(!String::from_utf8_lossy(r.body()).contains("sk-test"));
}

#[test]
fn without_a_key_it_is_503_and_nothing_is_reserved() {
    let w = world();
    let r = call(
        request(json!({ "session_id": SESSION })),
        fake(w.clone()),
        false,
    );
    assert_eq!(r.status(), 503);
    assert_eq!(r.json_body().unwrap()["error"]["code"], "not_configured");
    assert_eq!(w.borrow().grants, 0);
}

#[test]
fn the_eleventh_token_in_an_hour_is_429_with_retry_after() {
    let w = world();
    for _ in 0..10 {
        assert_eq!(
            call(
                request(json!({ "session_id": SESSION })),
                fake(w.clone()),
                true
            )
            .status(),
            200
        );
    }
    let r = call(
        request(json!({ "session_id": SESSION })),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 429);
    assert_eq!(r.header("retry-after"), Some("1234"));
    let b = r.json_body().unwrap();
    assert_eq!(b["error"]["code"], "too_many_requests");
    assert_eq!(
        b["error"]["details"],
        json!({ "retry_after_seconds": 1234, "limit": 10 })
    );
    assert_eq!(w.borrow().secrets.len(), 10, "no OpenAI call when limited");
}

#[test]
fn what_sql_refuses_reaches_the_client() {
    for (status, code) in [
        (404, "session_not_found"),
        (403, "ai_opted_out"),
        (403, "not_allowed"),
        (409, "session_not_joinable"),
        (409, "consent_required"),
    ] {
        let w = world();
        w.borrow_mut().refuse = Some((status, code));
        let r = call(
            request(json!({ "session_id": SESSION })),
            fake(w.clone()),
            true,
        );
        assert_eq!(
            (r.status(), r.json_body().unwrap()["error"]["code"].as_str()),
            (status, Some(code))
        );
        assert!(w.borrow().secrets.is_empty());
    }
}

#[test]
fn an_openai_failure_is_recorded_and_the_session_left_alone() {
    let w = world();
    w.borrow_mut().openai_status = 503;
    let r = call(
        request(json!({ "session_id": SESSION })),
        fake(w.clone()),
        true,
    );
    assert_eq!(r.status(), 502);
    assert_eq!(r.json_body().unwrap()["error"]["code"], "upstream_error");
    let w = w.borrow();
    assert_eq!(w.secrets.len(), 3, "bounded retries");
    assert_eq!(
        w.finished,
        vec![
            json!({ "p_grant_id": GRANT, "p_actor": TEST_USER_ID, "p_ok": false, "p_error": "openai_server_error" })
        ]
    );
    assert_eq!(w.status, "invited");
}

#[test]
fn bad_requests_are_4xx_and_reach_nothing() {
    let anon = Request::new(Method::Post, "/interview-token")
        .unwrap()
        .with_json(&json!({ "session_id": SESSION }));
    for (req, status) in [
        (request(json!({})), 400),
        (request(json!({ "session_id": "x" })), 400),
        (
            request(json!({ "session_id": SESSION, "model": "gpt-4" })),
            400,
        ),
        (request(json!([SESSION])), 400),
        (Request::new(Method::Get, "/interview-token").unwrap(), 405),
        (anon, 401),
    ] {
        let w = world();
        let r = call(req, fake(w.clone()), true);
        assert_eq!(r.status(), status);
        assert_eq!(w.borrow().grants, 0);
    }
}

#[test]
fn the_organisations_daily_quota_is_a_429_that_names_it() {
    let http = FakeSupabase::over(world())
        .rpc("reserve_interview_token", |_, call| {
            as_the_service_role_for_the_caller(call);
            json_response(
                200,
                &json!({ "granted": false, "scope": "tenant", "limit": 500, "retry_after_seconds": 7200 }),
            )
        })
        .shared();
    let r = call(request(json!({ "session_id": SESSION })), http, true);
    assert_eq!(r.status(), 429);
    assert_eq!(r.header("retry-after"), Some("7200"));
    let b = r.json_body().unwrap();
    assert_eq!(
        b["error"]["message"],
        "At most 500 interview tokens per organisation per day: try again in 7200 s"
    );
    assert_eq!(
        b["error"]["details"],
        json!({ "retry_after_seconds": 7200, "limit": 500 })
    );
}
