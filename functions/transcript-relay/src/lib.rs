//! `transcript-relay`: the browser forwards the OpenAI Realtime events of a live
//! interview (it talks to OpenAI directly over WebRTC); we keep the transcript, once per
//! event, so the recruiter's screen (transcript_entries is in the Realtime publication)
//! and the transcript processor see what was said.
//!
//! - WebSocket: `GET /functions/v1/transcript-relay?session_id=<uuid>`, token in
//!   `Sec-WebSocket-Protocol: jwt-<token>` or `?access_token=`; one event (or an array of
//!   events) per message, one ack per event. Protocol and close codes: [`socket`].
//! - HTTP batch, for clients that cannot hold a socket: `POST /functions/v1/transcript-relay`
//!   `{"session_id": uuid, "events": [<Realtime server events exactly as received>, ...]}`
//!   (1 to 500 events) with `Authorization: Bearer <token>` → `200 {"accepted": n,
//!   "duplicates": n, "ignored": n}`. Events of types we do not store are ignored, not
//!   errors; an event of a stored type that is malformed refuses the whole batch (400
//!   `invalid_event`, `details: {index, event_id}`), nothing written.
//! - Caller: the session's linked candidate, or an owner/admin of its tenant (a test
//!   call); the session must be in progress. `verify_jwt = false` (a browser cannot set
//!   headers on a WebSocket), so the token is verified here (HS256 with the JWT secret
//!   when set; PostgREST verifies it again on every write).
//! - Errors (HTTP): 400 `body_required` / `invalid_json` / `invalid_body` /
//!   `invalid_event`; 401 `missing_token` / `invalid_token` / `token_expired` /
//!   `sign_in_required`; 403 `not_allowed` / `insufficient_role`; 404
//!   `session_not_found`; 405; 409 `session_not_in_progress`; 413; 415; 426
//!   `upgrade_required` for a GET that is not a WebSocket handshake.
//!
//! What is stored, what is ignored (deltas: acknowledged, not stored) and why: [`events`].
//! The writes go through `relay_transcript_events` as the caller ([`relay`]).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod events;
pub mod relay;
pub mod socket;

use serde_json::{json, Value};
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

use crate::events::Parsed;
use crate::relay::{Counts, MAX_EVENTS};

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
        error(400, "invalid_event"),
        error(400, "invalid_events"),
        error(409, "session_not_in_progress"),
        error(413, "transcript_too_large"),
        error(426, "upgrade_required"),
    ],
];

/// The HTTP batch as the TypeScript contract shows it. [`batch`] reads the body field by
/// field instead of deserializing this, so that a malformed event is refused by its index.
#[cfg(feature = "ts")]
#[derive(ts_rs::TS)]
#[ts(rename = "TranscriptRelayInput")]
pub struct Batch {
    pub session_id: Uuid,
    /// OpenAI Realtime server events exactly as received, 1 to [`MAX_EVENTS`].
    pub events: Vec<Value>,
}

/// The HTTP side: the batch `POST`, and a clear answer to a `GET` that is not a socket.
pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    if req.method() == Method::Get {
        // The glue hands WebSocket handshakes to `socket::open` before this runs.
        return Err(ApiError::UpgradeRequired {
            upgrade: "websocket",
            message: "Open a WebSocket here, or POST a batch of events",
        });
    }
    req.allow(&[Method::Get, Method::Post])?;
    let (session_id, events) = batch(&req)?;
    let caller = cx.auth.require(&req, Role::User).await?;
    let db = cx.db.as_user(&caller);

    let has_records = events.iter().any(|e| matches!(e, Parsed::Store(_)));
    if !has_records {
        // Nothing to write, so the RPC's checks would not run: the same ones here.
        let access = interview::session_access(&db, session_id).await?;
        access.status.require_in_progress()?;
    }
    let outcomes = relay::store(&cx.db, &caller, session_id, events).await?;
    Ok(Response::ok(&Counts::of(&outcomes)))
}

/// `{session_id, events}`, every event read; a malformed one refuses the batch.
fn batch(req: &Request) -> Result<(Uuid, Vec<Parsed>), ApiError> {
    let body: Value = req.json()?;
    let Some(body) = body.as_object() else {
        return Err(invalid_body("expected a JSON object"));
    };
    if let Some(unknown) = body
        .keys()
        .find(|k| !matches!(k.as_str(), "session_id" | "events"))
    {
        return Err(invalid_body(&format!("unknown field `{unknown}`")));
    }
    let session_id = body
        .get("session_id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| invalid_body("`session_id` must be a UUID"))?;
    let raw = match body.get("events") {
        Some(Value::Array(events)) if (1..=MAX_EVENTS).contains(&events.len()) => events,
        _ => {
            return Err(invalid_body(&format!(
                "`events` must be an array of 1 to {MAX_EVENTS} events"
            )))
        }
    };
    let mut events = Vec::with_capacity(raw.len());
    for (index, event) in raw.iter().enumerate() {
        let parsed = events::parse(event).map_err(|err| {
            ApiError::bad_request("invalid_event", format!("Event {index}: {}", err.message))
                .with_details(json!({ "index": index, "event_id": err.event_id }))
        })?;
        events.push(parsed);
    }
    Ok((session_id, events))
}

fn invalid_body(why: &str) -> ApiError {
    ApiError::bad_request("invalid_body", format!("Invalid request body: {why}"))
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    //! The exports: `handle` for HTTP (the usual glue), and the two socket calls the
    //! wrapper's socket glue (`supabase/functions/_shared/socket.ts`) makes. The env object goes to
    //! `shared::js::context` as it does for `handle`; the headers cross as JSON text.
    use std::collections::BTreeMap;

    use shared::request::Headers;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsValue;

    #[wasm_bindgen]
    pub async fn handle(
        req: web_sys::Request,
        env: wasm_bindgen::JsValue,
    ) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
        shared::js::serve(req, env, super::run).await
    }

    /// A new socket: `headers` is a JSON object of the handshake's headers.
    #[wasm_bindgen]
    pub async fn socket_open(url: String, headers: String, env: JsValue) -> String {
        let headers: BTreeMap<String, String> = serde_json::from_str(&headers).unwrap_or_default();
        let headers: Headers = headers.into_iter().collect();
        let opened = super::socket::open(&url, headers, shared::js::context(&env)).await;
        serde_json::to_string(&opened).unwrap_or_default()
    }

    /// One text frame (`None`: a binary one) on a socket `socket_open` accepted.
    #[wasm_bindgen]
    pub async fn socket_message(state: String, data: Option<String>, env: JsValue) -> String {
        let reply =
            super::socket::message(&state, data.as_deref(), shared::js::context(&env)).await;
        serde_json::to_string(&reply).unwrap_or_default()
    }
}
