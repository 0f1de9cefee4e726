//! A fake Supabase that answers the relay's two RPCs by the rules of their SQL
//! (migrations 20250607000100/0300): who may drive the session, in progress or not,
//! and "insert ... on conflict do nothing" by event id. So the tests drive `run()` and
//! the socket through the shared pipeline natively, resends included.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::http::HttpResponse;
use shared::testing::{
    json_response, postgrest_error, sign_token, test_context, user_claims, user_token,
    FakeSupabase, RestCall, TEST_JWT_SECRET, TEST_NOW_MS, TEST_USER_ID,
};
use shared::{Context, Method, Request, Response};

pub const SESSION: &str = "66666666-6666-4666-8666-666666666666";
pub const TENANT: &str = "55555555-5555-4555-8555-555555555555";

/// Who the fake database thinks the caller is, for the session.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Access {
    Candidate,
    Staff,
    Member,
    Stranger,
}

pub struct Db {
    pub access: Access,
    pub status: &'static str,
    /// (event_id, record) in the order stored.
    pub stored: Vec<(String, Value)>,
    pub ids: BTreeSet<String>,
    /// Answer 503 to the next N writes.
    pub fail_next: u32,
}

pub fn db(access: Access, status: &'static str) -> Rc<RefCell<Db>> {
    Rc::new(RefCell::new(Db {
        access,
        status,
        stored: Vec::new(),
        ids: BTreeSet::new(),
        fail_next: 0,
    }))
}

fn pt(status: u16, code: &str) -> HttpResponse {
    postgrest_error(status, code, &format!("{code}."))
}

/// What both RPCs check first: the session, and who may drive it
/// (`private.require_session_driver`).
fn refused(db: &Db, call: &RestCall) -> Option<HttpResponse> {
    assert_eq!(call.method, Method::Post);
    assert_eq!(call.body["p_session_id"], SESSION);
    match db.access {
        Access::Stranger => Some(pt(404, "session_not_found")),
        Access::Member => Some(pt(403, "not_allowed")),
        Access::Candidate | Access::Staff => None,
    }
}

/// The fake project: the relay's two RPCs over `state`.
pub type Fake = Rc<FakeSupabase<Db>>;

pub fn postgrest(state: Rc<RefCell<Db>>) -> Fake {
    FakeSupabase::over(state)
        .rpc("interview_session_access", |db, call| {
            // The session check runs as the caller.
            assert!(
                call.header("authorization")
                    .unwrap_or_default()
                    .starts_with("Bearer ey"),
                "as the caller"
            );
            if let Some(refusal) = refused(db, call) {
                return refusal;
            }
            json_response(
                200,
                &json!({ "session_id": SESSION, "tenant_id": TENANT, "status": db.status,
                         "caller": if db.access == Access::Staff { "staff" } else { "candidate" },
                         "consent_given": true, "ai_opted_out": false, "videosdk_room_id": null }),
            )
        })
        .rpc("relay_transcript_events", |db, call| {
            // The write is the function's alone: the service role, naming the verified
            // caller.
            assert_eq!(
                call.header("authorization").unwrap_or_default(),
                "Bearer a.service.jwt",
                "as the service role"
            );
            assert_eq!(call.body["p_actor"], TEST_USER_ID, "for the caller");
            if let Some(refusal) = refused(db, call) {
                return refusal;
            }
            if db.status != "in_progress" {
                return pt(409, "session_not_in_progress");
            }
            if db.fail_next > 0 {
                db.fail_next -= 1;
                return HttpResponse::new(503, "unavailable");
            }
            let mut out = Vec::new();
            for record in call.body["p_events"].as_array().unwrap() {
                let id = record["event_id"].as_str().unwrap().to_owned();
                let status = if db.ids.insert(id.clone()) {
                    db.stored.push((id.clone(), record.clone()));
                    "stored"
                } else {
                    "duplicate"
                };
                out.push(json!({ "event_id": id, "status": status }));
            }
            json_response(200, &Value::Array(out))
        })
        .shared()
}

pub fn candidate_token() -> String {
    user_token(json!({ "is_candidate": true }))
}

pub fn expired_token() -> String {
    let mut claims = user_claims(json!({ "is_candidate": true }));
    claims["exp"] = json!(TEST_NOW_MS / 1000 - 3600);
    sign_token(&claims, TEST_JWT_SECRET)
}

pub fn context(http: Fake) -> Context {
    test_context(http)
}

/// `POST /transcript-relay` with `body` and `token`.
pub fn post(token: Option<&str>, body: Value) -> Request {
    shared::testing::post_json("/transcript-relay", &body, token)
}

pub fn call(req: Request, http: Fake) -> Response {
    shared::testing::call(
        transcript_relay::run,
        transcript_relay::ERRORS,
        Ok(req),
        test_context(http),
    )
}

/// Realtime GA events as the browser receives them.
pub fn candidate_said(event_id: &str, item: &str, text: &str) -> Value {
    json!({ "event_id": event_id, "type": "conversation.item.input_audio_transcription.completed",
            "item_id": item, "content_index": 0, "transcript": text,
            "usage": { "type": "duration", "seconds": 3 } })
}

pub fn interviewer_said(event_id: &str, item: &str, text: &str) -> Value {
    json!({ "event_id": event_id, "type": "response.output_audio_transcript.done",
            "response_id": format!("resp_{item}"), "item_id": item, "output_index": 0,
            "content_index": 0, "transcript": text })
}

pub fn delta(event_id: &str, item: &str) -> Value {
    json!({ "event_id": event_id, "type": "response.output_audio_transcript.delta",
            "response_id": "resp_x", "item_id": item, "output_index": 0, "content_index": 0, "delta": "Hel" })
}
