//! What the live-interview functions (`interview-token`, `interview-room`,
//! `transcript-relay`, `transcript-processor`, `session-vm`) share, and nothing else:
//!
//! - [`SessionInput`]: the `{ "session_id": uuid }` body most of them take.
//! - [`access`]: who may drive a session, asked of SQL (`interview_session_access`), so
//!   the judgement lives in one place, beside the policies it mirrors.
//! - [`not_configured`]: the `503 not_configured` a function answers when the vendor it
//!   cannot do without has no key. (`ApiError::NotConfigured` is a 500: our deployment
//!   is broken. A vendor that is simply not set up is a state of the service, not a bug,
//!   and a client may show it or retry after the operator adds the key.)

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;

use serde::Deserialize;
use serde_json::json;
use shared::{ApiError, Request, Response};
use uuid::Uuid;

pub use access::{session_access, CallerKind, SessionAccess, SessionStatus};

/// `{ "session_id": "<uuid>" }`. Unknown fields are refused, so a typo is a 400 rather
/// than a silently ignored option.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub session_id: Uuid,
}

impl SessionInput {
    /// The body as a [`SessionInput`]: 400 `body_required` / `invalid_json` /
    /// `invalid_body` (naming the field), 415 without a JSON content type.
    pub fn from_request(req: &Request) -> Result<SessionInput, ApiError> {
        req.json_object()
    }
}

/// `503 {"error":{"code":"not_configured", ...}}` for a missing vendor: `service` names it
/// (`"openai"`, `"videosdk"`, `"fly"`); no key name or value is shown.
pub fn not_configured(service: &str) -> Response {
    let body = json!({ "error": {
        "code": "not_configured",
        "message": format!("This server has no {service} account configured"),
        "details": { "service": service },
    }});
    Response::json(503, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Method;

    #[test]
    fn not_configured_is_a_503_in_the_error_shape() {
        let r = not_configured("openai");
        assert_eq!(r.status(), 503);
        let body = r.json_body().unwrap();
        assert_eq!(body["error"]["code"], "not_configured");
        assert_eq!(body["error"]["details"]["service"], "openai");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("openai"));
    }

    #[test]
    fn session_input_reads_a_uuid_and_nothing_else() {
        let req = |v: serde_json::Value| Request::new(Method::Post, "/f").unwrap().with_json(&v);
        let id = Uuid::from_u128(7);
        assert_eq!(
            SessionInput::from_request(&req(json!({ "session_id": id }))).unwrap(),
            SessionInput { session_id: id }
        );
        for bad in [
            json!({}),
            json!({ "session_id": "nope" }),
            json!({ "session_id": 1 }),
            json!({ "session_id": id, "extra": true }),
            json!([id]),
        ] {
            let err = SessionInput::from_request(&req(bad.clone())).unwrap_err();
            assert_eq!((err.status(), err.code()), (400, "invalid_body"), "{bad}");
        }
    }
}
