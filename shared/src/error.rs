//! The one error type of every function, and the only place that decides an error's HTTP
//! status, its public `code` and what the client may read.
//!
//! Body, always: `{"error":{"code":"snake_case","message":"...","details":...}}`.
//! 4xx carry a message written for the client (safe to show). A 503 says what the client
//! may act on (which vendor is not set up, which dependency is full, when to retry) and
//! nothing else. 500 and 502 carry a fixed generic message and `details: null`. Every
//! 5xx's full detail goes to the log, once, in [`ApiError::into_response`].
//!
//! This is the only way to answer an error: [`Response`]'s public constructors make only
//! 2xx answers, so a function cannot write an error status (or body) by hand:
//!
//! ```compile_fail
//! shared::Response::json(503, &serde_json::json!({ "error": {} }));
//! ```

use std::borrow::Cow;
use std::fmt;

use serde_json::{json, Value};

use crate::request::Method;
use crate::response::Response;

/// What a 4xx tells the client: a stable snake_case `code` it can branch on, a sentence
/// it can show, and optional structured `details` (e.g. which field).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
    pub details: Option<Value>,
}

impl Problem {
    pub fn new(code: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        Problem {
            code: code.into(),
            message: message.into(),
            details: None,
        }
    }
}

/// A limit of our own that a 429 reports: "at most `limit` `per`" (e.g. 10 "interview
/// tokens per session per hour"); the client sees both, as `message` and
/// `details.limit`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    pub limit: u64,
    pub per: &'static str,
}

/// Every way a request can fail. No catch-all `String` variant: a new kind of failure
/// gets a variant, and with it a status.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 400: the request is malformed (bad JSON, missing or invalid field).
    BadRequest(Problem),
    /// 401: no token, or a token that is malformed, badly signed or expired.
    Unauthorized(Problem),
    /// 403: a valid caller who may not do this.
    Forbidden(Problem),
    /// 404: no such thing, or not visible to this caller (RLS does not say which).
    NotFound(Problem),
    /// 405: the function does not answer this method; `Allow` lists the ones it does.
    MethodNotAllowed { allow: Vec<Method> },
    /// 409: the thing exists or is taken.
    Conflict(Problem),
    /// 410: it existed and is no longer usable (an expired invitation).
    Gone(Problem),
    /// 413: the body is over the function's limit (bytes).
    PayloadTooLarge { limit: usize },
    /// 413: what the request would add passes a size limit of ours on something that
    /// accumulates (an interview's transcript); the body itself may be small.
    TooLarge(Problem),
    /// 415: the body's content type is not the one this endpoint reads.
    UnsupportedMediaType { expected: &'static str },
    /// 422: well-formed but semantically refused.
    Unprocessable(Problem),
    /// 426: this endpoint speaks `upgrade` (sent as `Upgrade`) to this request;
    /// `message` says what to do instead.
    UpgradeRequired {
        upgrade: &'static str,
        message: &'static str,
    },
    /// 429: slow down; `retry_after` in seconds when known (sent as `Retry-After`),
    /// `quota` when the limit hit is our own rather than a vendor's.
    TooManyRequests {
        retry_after: Option<u64>,
        quota: Option<Quota>,
    },
    /// 502: a service we depend on (PostgREST, a vendor API) failed or could not be
    /// reached. `detail` is for the log only.
    Upstream {
        service: &'static str,
        status: Option<u16>,
        detail: String,
    },
    /// 503: a service we depend on cannot take this request now (Fly has no room); the
    /// client may try again after `retry_after` seconds (sent as `Retry-After`).
    Unavailable {
        problem: Problem,
        retry_after: Option<u64>,
    },
    /// 503: this server lacks configuration the request needs: a vendor's key is not set
    /// or was refused (`service` names the vendor, for the client), or required env keys
    /// are missing or invalid (`service` is `None`). `detail` is for the log only. Not a
    /// 500: nothing is broken in the code, and the answer changes once the operator sets
    /// the key, so a client shows it as "not available here" rather than a failure.
    NotConfigured {
        service: Option<&'static str>,
        detail: String,
    },
    /// 500: a bug or an impossible state; the detail is for the log only.
    Internal(String),
}

impl ApiError {
    pub fn bad_request(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::BadRequest(Problem::new(code, message))
    }
    pub fn unauthorized(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::Unauthorized(Problem::new(code, message))
    }
    pub fn forbidden(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::Forbidden(Problem::new(code, message))
    }
    pub fn not_found(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::NotFound(Problem::new(code, message))
    }
    pub fn conflict(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::Conflict(Problem::new(code, message))
    }
    pub fn gone(code: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        ApiError::Gone(Problem::new(code, message))
    }
    pub fn unprocessable(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::Unprocessable(Problem::new(code, message))
    }
    pub fn internal(detail: impl Into<String>) -> Self {
        ApiError::Internal(detail.into())
    }
    /// 503 `not_configured` for a vendor whose key is not set: the function cannot do
    /// without `service` (`"openai"`, `"videosdk"`, `"fly"`).
    pub fn vendor_not_configured(service: &'static str) -> Self {
        ApiError::NotConfigured {
            service: Some(service),
            detail: format!("{service}: no key is set"),
        }
    }
    /// 503 `not_configured` for missing or invalid env keys (`detail` lists them, for
    /// the log only).
    pub fn not_configured(detail: impl Into<String>) -> Self {
        ApiError::NotConfigured {
            service: None,
            detail: detail.into(),
        }
    }
    /// 503 with `code`: a dependency cannot take the request now; `Retry-After` when
    /// `retry_after` is known.
    pub fn unavailable(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
        retry_after: Option<u64>,
    ) -> Self {
        ApiError::Unavailable {
            problem: Problem::new(code, message),
            retry_after,
        }
    }
    /// 429 `too_many_requests`, with `Retry-After` when `retry_after` is known.
    pub fn too_many_requests(retry_after: Option<u64>) -> Self {
        ApiError::TooManyRequests {
            retry_after,
            quota: None,
        }
    }

    /// Attach structured `details` to a 4xx (ignored on the others, which show none).
    pub fn with_details(mut self, details: Value) -> Self {
        if let Some(problem) = self.problem_mut() {
            problem.details = Some(details);
        }
        self
    }

    /// The HTTP status. One match: adding a variant without a status does not compile.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::Conflict(_) => 409,
            ApiError::Gone(_) => 410,
            ApiError::PayloadTooLarge { .. } | ApiError::TooLarge(_) => 413,
            ApiError::UnsupportedMediaType { .. } => 415,
            ApiError::Unprocessable(_) => 422,
            ApiError::UpgradeRequired { .. } => 426,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::Internal(_) => 500,
            ApiError::Upstream { .. } => 502,
            ApiError::Unavailable { .. } | ApiError::NotConfigured { .. } => 503,
        }
    }

    /// The public snake_case code. The 4xx that carry a [`Problem`] use its code (e.g.
    /// `invitation_expired`); the others have one fixed code each.
    pub fn code(&self) -> &str {
        match self {
            ApiError::BadRequest(p)
            | ApiError::Unauthorized(p)
            | ApiError::Forbidden(p)
            | ApiError::NotFound(p)
            | ApiError::Conflict(p)
            | ApiError::Gone(p)
            | ApiError::TooLarge(p)
            | ApiError::Unprocessable(p)
            | ApiError::Unavailable { problem: p, .. } => &p.code,
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::UpgradeRequired { .. } => "upgrade_required",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Upstream { .. } => "upstream_error",
            ApiError::NotConfigured { .. } => "not_configured",
            ApiError::Internal(_) => "internal",
        }
    }

    fn problem_mut(&mut self) -> Option<&mut Problem> {
        match self {
            ApiError::BadRequest(p)
            | ApiError::Unauthorized(p)
            | ApiError::Forbidden(p)
            | ApiError::NotFound(p)
            | ApiError::Conflict(p)
            | ApiError::Gone(p)
            | ApiError::TooLarge(p)
            | ApiError::Unprocessable(p)
            | ApiError::Unavailable { problem: p, .. } => Some(p),
            _ => None,
        }
    }

    /// The message and details the client sees. 5xx never show their detail.
    fn public(&self) -> (Cow<'_, str>, Value) {
        match self {
            ApiError::BadRequest(p)
            | ApiError::Unauthorized(p)
            | ApiError::Forbidden(p)
            | ApiError::NotFound(p)
            | ApiError::Conflict(p)
            | ApiError::Gone(p)
            | ApiError::TooLarge(p)
            | ApiError::Unprocessable(p)
            | ApiError::Unavailable { problem: p, .. } => (
                Cow::Borrowed(&*p.message),
                p.details.clone().unwrap_or(Value::Null),
            ),
            ApiError::MethodNotAllowed { allow } => (
                Cow::Borrowed("Method not allowed"),
                json!({ "allow": allow.iter().map(|m| m.as_str()).collect::<Vec<_>>() }),
            ),
            ApiError::PayloadTooLarge { limit } => (
                Cow::Owned(format!("Request body is larger than {limit} bytes")),
                json!({ "limit_bytes": limit }),
            ),
            ApiError::UnsupportedMediaType { expected } => (
                Cow::Owned(format!("Content-Type must be {expected}")),
                json!({ "expected": expected }),
            ),
            ApiError::UpgradeRequired {
                upgrade: _,
                message,
            } => (Cow::Borrowed(*message), Value::Null),
            ApiError::TooManyRequests { retry_after, quota } => {
                let message = match (quota, retry_after) {
                    (None, _) => Cow::Borrowed("Too many requests"),
                    (Some(Quota { limit, per }), None) => {
                        Cow::Owned(format!("At most {limit} {per}"))
                    }
                    (Some(Quota { limit, per }), Some(s)) => {
                        Cow::Owned(format!("At most {limit} {per}: try again in {s} s"))
                    }
                };
                let mut details = serde_json::Map::new();
                if let Some(s) = retry_after {
                    details.insert("retry_after_seconds".into(), json!(s));
                }
                if let Some(quota) = quota {
                    details.insert("limit".into(), json!(quota.limit));
                }
                let details = if details.is_empty() {
                    Value::Null
                } else {
                    Value::Object(details)
                };
                (message, details)
            }
            ApiError::Upstream { .. } => (Cow::Borrowed("An upstream service failed"), Value::Null),
            ApiError::NotConfigured {
                service: Some(service),
                ..
            } => (
                Cow::Owned(format!("This server has no {service} account configured")),
                json!({ "service": service }),
            ),
            ApiError::NotConfigured { service: None, .. } => {
                (Cow::Borrowed("The service is not configured"), Value::Null)
            }
            ApiError::Internal(_) => (Cow::Borrowed("Internal error"), Value::Null),
        }
    }

    /// The JSON body `{"error":{"code","message","details"}}`.
    pub fn body(&self) -> Value {
        let (message, details) = self.public();
        json!({ "error": { "code": self.code(), "message": message, "details": details } })
    }

    /// The response for this error, with `Allow`/`Retry-After`/`Upgrade` where they belong. The
    /// request pipeline calls this exactly once per failed request, so a 5xx's detail
    /// is logged exactly once, here.
    pub fn into_response(self) -> Response {
        if self.status() >= 500 {
            crate::log::error(&format!("[{}] {}", self.code(), self));
        }
        let response = Response::json(self.status(), &self.body());
        match &self {
            ApiError::MethodNotAllowed { allow } => {
                let allow: Vec<&str> = allow.iter().map(|m| m.as_str()).collect();
                response.with_header("Allow", allow.join(", "))
            }
            ApiError::UpgradeRequired { upgrade, .. } => response.with_header("Upgrade", *upgrade),
            ApiError::TooManyRequests {
                retry_after: Some(seconds),
                ..
            }
            | ApiError::Unavailable {
                retry_after: Some(seconds),
                ..
            } => response.with_header("Retry-After", seconds.to_string()),
            _ => response,
        }
    }
}

/// The full story, for logs: includes what the client is not shown.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Upstream {
                service,
                status,
                detail,
            } => match status {
                Some(status) => write!(f, "{service} answered {status}: {detail}"),
                None => write!(f, "{service} unreachable: {detail}"),
            },
            ApiError::NotConfigured { detail, .. } | ApiError::Internal(detail) => {
                f.write_str(detail)
            }
            other => {
                let (message, _) = other.public();
                write!(f, "{} {}: {}", other.status(), other.code(), message)
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// JSON that *our* code fails to (de)serialize (an upstream body, our own output) is a
/// 500, not the client's fault. Request bodies never reach this: `Request::json` maps
/// its errors to 400 itself.
impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        ApiError::Internal(format!("JSON: {err}"))
    }
}

// PostgREST failures become `ApiError`s in one place, `db::Session::execute`; transport
// failures of outbound HTTP in `http` (`From<TransportError>`).

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_4xx_shows_its_message_and_details() {
        let err = ApiError::gone("invitation_expired", "The invitation has expired")
            .with_details(json!({ "field": "invitation_token" }));
        assert_eq!(err.status(), 410);
        assert_eq!(
            err.body(),
            json!({ "error": { "code": "invitation_expired", "message": "The invitation has expired",
                               "details": { "field": "invitation_token" } } })
        );
    }

    #[test]
    fn a_5xx_hides_its_detail() {
        for err in [
            ApiError::internal("db password is hunter2"),
            ApiError::not_configured("missing SUPABASE_URL"),
            ApiError::Upstream {
                service: "postgrest",
                status: Some(500),
                detail: "hunter2".into(),
            },
        ] {
            let body = err.body().to_string();
            assert!(
                !body.contains("hunter2") && !body.contains("SUPABASE_URL"),
                "{body}"
            );
            assert_eq!(err.body()["error"]["details"], Value::Null);
            assert!(err.status() >= 500);
            // ...but the log line has it.
            assert!(
                err.to_string().contains("hunter2") || err.to_string().contains("SUPABASE_URL")
            );
        }
    }

    #[test]
    fn statuses_and_codes() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (
                ApiError::bad_request("invalid_json", "x"),
                400,
                "invalid_json",
            ),
            (
                ApiError::unauthorized("missing_token", "x"),
                401,
                "missing_token",
            ),
            (
                ApiError::forbidden("email_mismatch", "x"),
                403,
                "email_mismatch",
            ),
            (
                ApiError::not_found("invitation_not_found", "x"),
                404,
                "invitation_not_found",
            ),
            (
                ApiError::MethodNotAllowed {
                    allow: vec![Method::Post],
                },
                405,
                "method_not_allowed",
            ),
            (
                ApiError::conflict("invitation_used", "x"),
                409,
                "invitation_used",
            ),
            (
                ApiError::PayloadTooLarge { limit: 10 },
                413,
                "payload_too_large",
            ),
            (
                ApiError::UnsupportedMediaType {
                    expected: "application/json",
                },
                415,
                "unsupported_media_type",
            ),
            (ApiError::unprocessable("bad", "x"), 422, "bad"),
            (ApiError::too_many_requests(None), 429, "too_many_requests"),
        ];
        for (err, status, code) in cases {
            assert_eq!((err.status(), err.code()), (status, code));
        }
    }

    #[test]
    fn method_not_allowed_sets_allow_and_too_many_sets_retry_after() {
        let r = ApiError::MethodNotAllowed {
            allow: vec![Method::Get, Method::Post],
        }
        .into_response();
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("GET, POST"));
        let r = ApiError::too_many_requests(Some(7)).into_response();
        assert_eq!(r.header("retry-after"), Some("7"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(
            r.json_body().unwrap()["error"]["details"],
            json!({ "retry_after_seconds": 7 })
        );
        let r = ApiError::too_many_requests(None).into_response();
        assert_eq!(r.header("retry-after"), None);
        assert_eq!(r.json_body().unwrap()["error"]["details"], Value::Null);
    }

    #[test]
    fn a_quota_of_our_own_is_named_with_its_limit() {
        let err = ApiError::TooManyRequests {
            retry_after: Some(1234),
            quota: Some(Quota {
                limit: 10,
                per: "interview tokens per session per hour",
            }),
        };
        assert_eq!(
            err.body(),
            json!({ "error": { "code": "too_many_requests",
                "message": "At most 10 interview tokens per session per hour: try again in 1234 s",
                "details": { "retry_after_seconds": 1234, "limit": 10 } } })
        );
        assert_eq!(err.into_response().header("retry-after"), Some("1234"));
    }

    #[test]
    fn upgrade_required_names_the_protocol() {
        let r = ApiError::UpgradeRequired {
            upgrade: "websocket",
            message: "Open a WebSocket here",
        }
        .into_response();
        assert_eq!(r.status(), 426);
        assert_eq!(r.header("upgrade"), Some("websocket"));
        assert_eq!(
            r.json_body().unwrap(),
            json!({ "error": { "code": "upgrade_required", "message": "Open a WebSocket here",
                               "details": null } })
        );
    }

    #[test]
    fn a_full_dependency_is_a_503_with_its_own_code_and_retry_after() {
        let r =
            ApiError::unavailable("fly_unavailable", "Fly has no room", Some(30)).into_response();
        assert_eq!(r.status(), 503);
        assert_eq!(r.header("retry-after"), Some("30"));
        assert_eq!(
            r.json_body().unwrap(),
            json!({ "error": { "code": "fly_unavailable", "message": "Fly has no room",
                               "details": null } })
        );
    }

    #[test]
    fn not_configured_is_a_503_naming_the_vendor_but_no_key() {
        let vendor = ApiError::vendor_not_configured("openai");
        assert_eq!((vendor.status(), vendor.code()), (503, "not_configured"));
        assert_eq!(
            vendor.body(),
            json!({ "error": { "code": "not_configured",
                "message": "This server has no openai account configured",
                "details": { "service": "openai" } } })
        );
        let env = ApiError::not_configured("missing SUPABASE_URL, OPENAI_API_KEY");
        assert_eq!((env.status(), env.code()), (503, "not_configured"));
        assert_eq!(env.body()["error"]["details"], Value::Null);
        assert!(!env.body().to_string().contains("SUPABASE_URL"));
    }

    #[test]
    fn serde_errors_are_ours_not_the_clients() {
        let err: ApiError = serde_json::from_str::<u8>("nope")
            .err()
            .map(Into::into)
            .unwrap_or(ApiError::internal(""));
        assert_eq!(err.status(), 500);
    }
}
