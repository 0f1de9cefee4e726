//! `interview-room`: the VideoSDK room of an interview session, and a token to join it.
//!
//! - Route: `POST /functions/v1/interview-room` `{"session_id": uuid}`.
//! - Output: `200 {"room_id": "abc-xyzw-lmno", "token": <participant JWT>, "expires_at":
//!   <unix s>, "participant_id": <the caller's user id>, "session_id"}`. The room is
//!   created with `customRoomId` = the session id, which VideoSDK makes idempotent, so
//!   every call for a session answers the same room (created once, reused after); its id
//!   is stored on the session (`videosdk_room_id`). The token is HS256, signed with the
//!   VideoSDK secret, scoped to that room and participant, `allow_join` only, and valid
//!   for [`TOKEN_TTL`]; the API key and secret never leave the function.
//! - Caller: the session's linked candidate, or an owner/admin of its tenant; the
//!   session must be joinable (invited, scheduled or in progress).
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body`; 401; 403
//!   `not_allowed`; 404 `session_not_found`; 405; 409 `session_not_joinable`; 413; 415;
//!   429 (VideoSDK rate limit, with `Retry-After`); 502 `upstream_error` (VideoSDK failed
//!   after the retries; nothing was stored); 503 `not_configured` without
//!   `VIDEOSDK_API_KEY` + `VIDEOSDK_SECRET`.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use shared::clients::videosdk::VideoSdk;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    interview::SESSION_ERRORS,
    &[error(409, "session_not_joinable")],
];

/// How long the participant token lets its holder join: enough to join and to rejoin
/// after a network change; the browser asks again for a later join.
pub const TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "InterviewRoomOutput"))]
pub struct Output {
    room_id: String,
    token: String,
    expires_at: u64,
    participant_id: String,
    session_id: Uuid,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input = interview::SessionInput::from_request(&req)?;
    let caller = cx.auth.require(&req, Role::User).await?;
    let Some(videosdk) = VideoSdk::from_context(cx) else {
        return Err(ApiError::vendor_not_configured("videosdk"));
    };
    let db = cx.db.as_user(&caller);
    let access = interview::session_access(&db, input.session_id).await?;
    access.status.require_joinable()?;

    let room = videosdk.create_room(&input.session_id.to_string()).await?;
    if room.disabled {
        return Err(ApiError::Upstream {
            service: "videosdk",
            status: Some(200),
            detail: format!(
                "room {} of session {} is disabled",
                room.room_id, input.session_id
            ),
        });
    }
    if access.videosdk_room_id.as_deref() != Some(room.room_id.as_str()) {
        // Staff write the session as themselves. The candidate's own update policy stops at
        // consent and progress (a trigger refuses anything else), and rightly: a client must
        // not choose a session's room. Here SQL has just confirmed the candidate drives this
        // session, and the id is the one VideoSDK returned for it, so the server writes it
        // with the service role.
        let writer = match access.caller {
            interview::CallerKind::Staff => db,
            interview::CallerKind::Candidate => cx.db.service(
                "store the VideoSDK room id on the candidate's session (the guard trigger forbids the candidate that column)",
            )?,
        };
        let stored: Result<serde_json::Value, ApiError> = writer
            .execute(
                writer
                    .from("interview_sessions")
                    .update(json!({ "videosdk_room_id": room.room_id }).to_string())
                    .eq("id", input.session_id.to_string())
                    .in_("status", ["invited", "scheduled", "in_progress"]),
            )
            .await;
        match stored {
            Ok(_) => {}
            // The session closed between the check and the write.
            Err(err) if err.status() == 404 => return Err(access.status.not_joinable()),
            Err(err) => return Err(err),
        }
    }

    let participant_id = caller
        .user_id()
        .map(|id| id.to_string())
        .ok_or_else(|| ApiError::internal("a signed-in caller without a user id"))?;
    let token = videosdk.participant_token(&room.room_id, &participant_id, TOKEN_TTL)?;
    let expires_at = cx.clock.now_unix_ms() / 1000 + TOKEN_TTL.as_secs();
    Ok(Response::ok(&Output {
        room_id: room.room_id,
        token: token.expose().to_owned(),
        expires_at,
        participant_id,
        session_id: input.session_id,
    }))
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
