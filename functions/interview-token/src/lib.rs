//! `interview-token`: an ephemeral OpenAI Realtime credential for a live interview. The
//! browser uses it to open its WebRTC call with OpenAI directly (it posts its SDP offer to
//! `calls_url` with `Authorization: Bearer <client_secret>`); our server key never leaves
//! this function.
//!
//! - Route: `POST /functions/v1/interview-token` `{"session_id": uuid}`.
//! - Output: `200 {"client_secret": "ek_…", "expires_at": <unix s>, "model", "calls_url",
//!   "session_id", "session_status": "in_progress"}`. The secret expires two minutes after
//!   it is minted (a call started with it outlives it); input transcription is on, so the
//!   browser receives the candidate's transcript events to relay.
//! - Caller: the session's linked candidate, or an owner/admin of its tenant (a test
//!   call). The session must be joinable (invited, scheduled or in progress), consented,
//!   and its candidate must not have opted out of the AI interviewer. On success the
//!   session moves to in_progress.
//! - Limit: 10 secrets per session per hour, counted in SQL (so every isolate sees the
//!   same count): the 11th is `429 too_many_requests` with `Retry-After` (seconds until
//!   the oldest attempt leaves the hour). Failed attempts count too.
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body`; 401; 403
//!   `not_allowed` / `ai_opted_out`; 404 `session_not_found`; 405; 409
//!   `session_not_joinable` / `consent_required`; 413; 415; 429; 502 `upstream_error`
//!   (OpenAI failed after its retries; the attempt is recorded as failed and the session
//!   is left as it was); 503 `not_configured` without `OPENAI_API_KEY`.
//!
//! Who may, when, and how often are decided by `reserve_interview_token` (migration
//! 20250607000200), called as the caller; the outcome is recorded by
//! `finish_interview_token`. The interviewer's instructions: [`instructions`].

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod instructions;

use serde::{Deserialize, Serialize};
use shared::clients::openai::{OpenAi, OpenAiError, RealtimeSession};
use shared::clients::VendorFailure;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::{ApiError, Context, Method, Quota, Request, Response, Role};
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
    &[
        error(403, "ai_opted_out"),
        error(409, "session_not_joinable"),
        error(409, "consent_required"),
        error(404, "grant_not_found"),
        error(409, "grant_finished"),
    ],
];

/// How long the browser has to start its call with the secret.
pub const SECRET_TTL_SECONDS: u32 = 120;

#[derive(Deserialize)]
struct Reservation {
    granted: bool,
    #[serde(default)]
    grant_id: Option<Uuid>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    retry_after_seconds: Option<u64>,
    /// Which limit refused: `session` (10 an hour) or `tenant` (500 a day).
    #[serde(default)]
    scope: Option<String>,
    #[serde(flatten)]
    brief: instructions::Brief,
}

#[derive(Serialize)]
struct Reserve {
    p_session_id: Uuid,
    p_actor: Uuid,
}

/// Absent parameters take the SQL defaults (null). They are left out rather than sent
/// as JSON null, which postrust passes to a `timestamptz` parameter as `''`.
#[derive(Serialize)]
struct Finish<'a> {
    p_grant_id: Uuid,
    p_actor: Uuid,
    p_ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    p_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p_error: Option<&'a str>,
}

#[derive(Deserialize)]
struct Finished {
    session_status: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "InterviewTokenOutput"))]
pub struct Output {
    client_secret: String,
    expires_at: u64,
    model: String,
    calls_url: String,
    session_id: Uuid,
    session_status: String,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input = interview::SessionInput::from_request(&req)?;
    let caller = cx.auth.require(&req, Role::User).await?;
    let Some(openai) = OpenAi::from_context(cx) else {
        return Err(ApiError::vendor_not_configured("openai"));
    };
    let actor = caller.require_user_id()?;
    // The grant RPCs are this function's alone (the reservation carries the rubric the
    // instructions are built from, which the candidate must not read): the service role
    // calls them for the user verified above, and the SQL checks that user.
    let db = cx
        .db
        .service("the interview-token RPCs run for the verified caller only")?;

    let reservation: Reservation = db
        .execute(db.rpc(
            "reserve_interview_token",
            &Reserve {
                p_session_id: input.session_id,
                p_actor: actor,
            },
        )?)
        .await?;
    let grant_id = match (reservation.granted, reservation.grant_id) {
        (true, Some(id)) => id,
        (true, None) => {
            return Err(ApiError::internal(
                "reserve_interview_token granted without a grant id",
            ))
        }
        (false, _) => {
            return Err(ApiError::TooManyRequests {
                retry_after: Some(reservation.retry_after_seconds.unwrap_or(60)),
                quota: Some(Quota {
                    limit: reservation.limit.map_or(10, u64::from),
                    per: if reservation.scope.as_deref() == Some("tenant") {
                        "interview tokens per organisation per day"
                    } else {
                        "interview tokens per session per hour"
                    },
                }),
            });
        }
    };

    let mut session = RealtimeSession::new(instructions::build(&reservation.brief));
    session.expires_after_seconds = SECRET_TTL_SECONDS;
    let minted = openai.create_client_secret(&session).await;
    let finish = |ok: bool, expires_at: Option<String>, error: Option<&'static str>| {
        db.rpc(
            "finish_interview_token",
            &Finish {
                p_grant_id: grant_id,
                p_actor: actor,
                p_ok: ok,
                p_expires_at: expires_at,
                p_error: error,
            },
        )
    };
    let secret = match minted {
        Ok(secret) => secret,
        Err(err) => {
            // Recorded, so the tenant sees the failed attempt; the session is untouched.
            let recorded: Result<Finished, ApiError> = db
                .execute(finish(false, None, Some(error_code(&err)))?)
                .await;
            if let Err(not_recorded) = recorded {
                shared::log::error(&format!(
                    "[interview-token] the failed attempt {grant_id} was not recorded: {not_recorded}"
                ));
            }
            return Err(err.into());
        }
    };
    let expires_at = shared::time::rfc3339_seconds(secret.expires_at);
    let finished: Finished = db.execute(finish(true, Some(expires_at), None)?).await?;
    let model = secret.session["model"]
        .as_str()
        .unwrap_or(&openai.config().realtime_model)
        .to_owned();
    Ok(Response::ok(&Output {
        client_secret: secret.value.expose().to_owned(),
        expires_at: secret.expires_at,
        model,
        calls_url: openai.calls_url(),
        session_id: input.session_id,
        session_status: finished.session_status,
    }))
}

/// A short, stable code for the attempt's record (never the vendor's message).
fn error_code(err: &OpenAiError) -> &'static str {
    match err {
        OpenAiError::Common(VendorFailure::Unauthorized { .. }) => "openai_key_rejected",
        OpenAiError::QuotaExceeded { .. } => "openai_quota_exceeded",
        OpenAiError::Common(VendorFailure::RateLimited { .. }) => "openai_rate_limited",
        OpenAiError::Common(VendorFailure::BadRequest { .. }) => "openai_bad_request",
        OpenAiError::Common(VendorFailure::Server { .. }) => "openai_server_error",
        OpenAiError::Common(VendorFailure::Transport(_)) => "openai_unreachable",
        _ => "openai_unexpected_answer",
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
