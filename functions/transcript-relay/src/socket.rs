//! The WebSocket side of the relay as plain Rust: what to do when a client opens the
//! socket, and what to answer to each message. The TypeScript glue
//! (`supabase/functions/_shared/socket.ts`) only upgrades the request, hands each text frame here in
//! order, sends what comes back and closes when told to, so all of this runs natively
//! in `cargo test`.
//!
//! Opening: `GET /functions/v1/transcript-relay?session_id=<uuid>` with the user's access
//! token in `Sec-WebSocket-Protocol: jwt-<token>` (browsers cannot set `Authorization` on
//! a WebSocket, so the function is deployed with `verify_jwt = false` and checks the
//! token itself) or, failing that, `?access_token=<token>`. The socket is always
//! upgraded, then closed with a code when the client may not relay: a refused handshake
//! shows a browser nothing but "failed" (and the local gateway turns it into a bare 502),
//! a close code says why. The offered `jwt-` protocol is echoed back, as a browser
//! requires one of its offered protocols to be chosen.
//!
//! | close code | reason | when |
//! |---|---|---|
//! | 4400 | `invalid_session_id` | no or malformed `session_id` |
//! | 4001 | `missing_token` / `invalid_token` / `token_expired` / `sign_in_required` / `not_authenticated` | no, bad or expired token (also mid-stream, when it expires) |
//! | 4003 | `not_allowed` / `insufficient_role` | a member without the owner/admin role, a service key |
//! | 4004 | `session_not_found` | no such session among the caller's |
//! | 4009 | `session_not_in_progress` | the session has not started or is over (also mid-stream) |
//! | 4500 | `not_configured` / `internal` | our side is broken |
//!
//! Messages, client → server: one Realtime server event as received (a JSON object), or
//! a JSON array of up to 500 of them (a client resending its backlog after a reconnect).
//! Server → client, one per event, in order: `{"type":"ack","event_id":..,"status":
//! "stored"|"duplicate"|"ignored"}` (`"reason"` too when ignored). A message that cannot
//! be stored gets `{"type":"error","code":..,"message":..,"event_id":..}` and nothing of it
//! is written; the socket stays open (`retryable: true` when it was our side that failed,
//! so the client resends it later). The client's contract: keep every event until its
//! ack, resend the unacknowledged ones after reconnecting; duplicates cost nothing.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::config::ConfigError;
use shared::request::Headers;
use shared::{ApiError, Context, Method, Request, Role};
use uuid::Uuid;

use crate::events::{self, Parsed};
use crate::relay::{self, Outcome, Status, MAX_EVENTS};

/// Largest text frame read, bytes: 500 events of a few KB each.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// The subprotocol prefix that carries the access token.
pub const TOKEN_PROTOCOL_PREFIX: &str = "jwt-";

/// A close the glue performs after sending `send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Close {
    pub code: u16,
    pub reason: String,
}

/// What to do with a new socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opened {
    /// The subprotocol to answer with.
    pub protocol: Option<String>,
    /// Handed back with every message: which session, as whom.
    pub state: Option<String>,
    /// Sent once the socket is open.
    pub send: Vec<String>,
    pub close: Option<Close>,
}

/// What to do after one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Reply {
    pub send: Vec<String>,
    pub close: Option<Close>,
}

/// What the glue keeps for a socket between messages. The token stays in the isolate.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    session_id: Uuid,
    token: String,
}

/// A new socket at `url` with the client's `headers` (read before the upgrade).
pub async fn open(url: &str, headers: Headers, cx: Result<Context, ConfigError>) -> Opened {
    let offered: Vec<String> = headers
        .get("sec-websocket-protocol")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let token_protocol = offered
        .iter()
        .find(|p| p.starts_with(TOKEN_PROTOCOL_PREFIX))
        .cloned();
    // One of the offered protocols must be chosen, or a browser drops the socket.
    let protocol = token_protocol.clone().or_else(|| offered.first().cloned());
    let refuse = |close: Close, message: String| Opened {
        protocol: protocol.clone(),
        state: None,
        send: vec![error_message(&close.reason, &message, None, false)],
        close: Some(close),
    };

    let request = match Request::new(Method::Get, url) {
        Ok(request) => request,
        Err(_) => {
            return refuse(
                close(4400, "invalid_session_id"),
                "The socket URL is not valid".into(),
            )
        }
    };
    let Some(session_id) = request
        .query("session_id")
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        return refuse(
            close(4400, "invalid_session_id"),
            "Open the socket with ?session_id=<the interview session's id>".into(),
        );
    };
    let token = token_protocol
        .as_deref()
        .map(|p| &p[TOKEN_PROTOCOL_PREFIX.len()..])
        .or_else(|| request.query("access_token"))
        .map(str::to_owned);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return refuse(
            close(4001, "missing_token"),
            "Send the access token as the subprotocol jwt-<token> or as ?access_token=<token>"
                .into(),
        );
    };
    let cx = match cx {
        Ok(cx) => cx,
        Err(err) => {
            shared::log::error(&format!("[transcript-relay] {err}"));
            return refuse(
                close(4500, "not_configured"),
                "The service is not configured".into(),
            );
        }
    };

    let check = async {
        let caller = cx.auth.require(&bearer(&token)?, Role::User).await?;
        let access = interview::session_access(&cx.db.as_user(&caller), session_id).await?;
        access.status.require_in_progress()
    };
    match check.await {
        Ok(()) => Opened {
            protocol,
            state: serde_json::to_string(&State { session_id, token }).ok(),
            send: vec![json!({ "type": "ready", "session_id": session_id }).to_string()],
            close: None,
        },
        Err(err) => {
            let (close, message) = close_for(&err);
            refuse(close, message)
        }
    }
}

/// One message on an open socket: `data` is its text, `None` for a binary frame.
pub async fn message(state: &str, data: Option<&str>, cx: Result<Context, ConfigError>) -> Reply {
    let Ok(state) = serde_json::from_str::<State>(state) else {
        shared::log::error("[transcript-relay] a message arrived without socket state");
        return Reply {
            send: vec![],
            close: Some(close(4500, "internal")),
        };
    };
    let say = |code: &str, message: &str, event_id: Option<&str>, retryable: bool| Reply {
        send: vec![error_message(code, message, event_id, retryable)],
        close: None,
    };
    let Some(data) = data else {
        return say(
            "binary_not_supported",
            "Send events as JSON text frames",
            None,
            false,
        );
    };
    if data.len() > MAX_MESSAGE_BYTES {
        return say(
            "message_too_large",
            &format!("A message may hold at most {MAX_MESSAGE_BYTES} bytes"),
            None,
            false,
        );
    }
    let Ok(value) = serde_json::from_str::<Value>(data) else {
        return say("invalid_json", "The message is not valid JSON", None, false);
    };
    let raw = match value {
        Value::Array(events) if events.len() <= MAX_EVENTS && !events.is_empty() => events,
        Value::Array(_) => {
            return say(
                "invalid_events",
                &format!("Send between 1 and {MAX_EVENTS} events in one message"),
                None,
                false,
            )
        }
        event => vec![event],
    };
    let mut parsed = Vec::with_capacity(raw.len());
    for event in &raw {
        match events::parse(event) {
            Ok(p) => parsed.push(p),
            Err(err) => {
                return say(
                    "invalid_event",
                    &format!("Invalid event: {}", err.message),
                    err.event_id.as_deref(),
                    false,
                )
            }
        }
    }

    let cx = match cx {
        Ok(cx) => cx,
        Err(err) => {
            shared::log::error(&format!("[transcript-relay] {err}"));
            return Reply {
                send: vec![error_message(
                    "not_configured",
                    "The service is not configured",
                    None,
                    true,
                )],
                close: Some(close(4500, "not_configured")),
            };
        }
    };
    let first_id = parsed.iter().find_map(Parsed::event_id).map(str::to_owned);
    let stored = async {
        let caller = cx.auth.require(&bearer(&state.token)?, Role::User).await?;
        relay::store(&cx.db, &caller, state.session_id, parsed).await
    };
    match stored.await {
        Ok(outcomes) => Reply {
            send: outcomes.iter().map(ack).collect(),
            close: None,
        },
        // A full transcript (413) ends the relay as a closed session does: nothing more
        // would be stored.
        Err(err) => match err.status() {
            401 | 403 | 404 | 409 | 413 => {
                let (close, message) = close_for(&err);
                Reply {
                    send: vec![error_message(
                        &close.reason,
                        &message,
                        first_id.as_deref(),
                        false,
                    )],
                    close: Some(close),
                }
            }
            status if status >= 500 => {
                // Logged once here; the client only learns to try again.
                shared::log::error(&format!("[transcript-relay] [{}] {err}", err.code()));
                say(
                    "upstream_error",
                    "The events could not be stored now; send them again",
                    first_id.as_deref(),
                    true,
                )
            }
            _ => {
                let body = err.body();
                let message = body["error"]["message"].as_str().unwrap_or("Refused");
                say(err.code(), message, first_id.as_deref(), false)
            }
        },
    }
}

/// `{"type":"ack","event_id":...,"status":...}` (+ `reason` when ignored).
fn ack(outcome: &Outcome) -> String {
    let mut ack = json!({ "type": "ack", "event_id": outcome.event_id, "status": outcome.status });
    if let (Status::Ignored, Some(reason)) = (outcome.status, outcome.reason) {
        ack["reason"] = json!(reason);
    }
    ack.to_string()
}

fn error_message(code: &str, message: &str, event_id: Option<&str>, retryable: bool) -> String {
    json!({ "type": "error", "code": code, "message": message, "event_id": event_id, "retryable": retryable })
        .to_string()
}

fn close(code: u16, reason: &str) -> Close {
    Close {
        code,
        reason: reason.to_owned(),
    }
}

/// A request carrying `token` as a bearer token, for `Auth::require`.
fn bearer(token: &str) -> Result<Request, ApiError> {
    Ok(Request::new(Method::Get, "/transcript-relay")?
        .with_header("authorization", format!("Bearer {token}")))
}

/// The close code and the sentence for an error that ends the socket.
fn close_for(err: &ApiError) -> (Close, String) {
    let body = err.body();
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or("Refused")
        .to_owned();
    let code = match err.status() {
        400 => 4400,
        401 => 4001,
        403 => 4003,
        404 => 4004,
        409 => 4009,
        413 => 4413,
        _ => {
            shared::log::error(&format!("[transcript-relay] [{}] {err}", err.code()));
            return (close(4500, "internal"), "Internal error".into());
        }
    };
    // A close reason is at most 123 bytes; our codes are short snake_case.
    (close(code, err.code()), message)
}
