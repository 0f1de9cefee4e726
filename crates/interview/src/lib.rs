//! What the live-interview functions (`interview-token`, `interview-room`,
//! `transcript-relay`, `transcript-processor`, `session-vm`) share, and nothing else:
//!
//! - [`SessionInput`]: the `{ "session_id": uuid }` body most of them take.
//! - [`access`]: who may drive a session, asked of SQL (`interview_session_access`), so
//!   the judgement lives in one place, beside the policies it mirrors.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;

use serde::Deserialize;
use shared::contract::{error, ErrorCode};
use shared::{ApiError, Request};
use uuid::Uuid;

pub use access::{session_access, CallerKind, SessionAccess, SessionStatus};

/// What `interview_session_access` (and the SQL functions that check a session's driver
/// the same way) refuses with, for the functions' declared `ERRORS`.
pub const SESSION_ERRORS: &[ErrorCode] = &[
    error(401, "not_authenticated"),
    error(403, "not_allowed"),
    error(404, "session_not_found"),
];

/// `{ "session_id": "<uuid>" }`. Unknown fields are refused, so a typo is a 400 rather
/// than a silently ignored option.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shared::Method;

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
