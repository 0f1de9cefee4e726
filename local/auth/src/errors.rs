//! Errors in Supabase Auth's shapes. Two shapes, chosen by the request's
//! `X-Supabase-Api-Version` header as Supabase Auth chooses them:
//! - no header (or a date before 2024-01-01): `{"code": <status>, "error_code": "...",
//!   "msg": "..."}` and an `x-sb-error-code` header;
//! - `2024-01-01` or later (what auth-js sends): `{"code": "...", "message": "..."}`, the
//!   version echoed in the response header.
//!
//! Weak passwords add `"weak_password": {"reasons": [...]}`.
//! Handlers return an [`ApiError`]; the [`render`] middleware writes it in the caller's shape.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const API_VERSION_HEADER: &str = "x-supabase-api-version";

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    /// Supabase Auth's `error_code`; None becomes `unexpected_failure` (500) or `unknown`.
    pub code: Option<&'static str>,
    pub message: String,
    pub weak_password_reasons: Option<Vec<&'static str>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: Some(code),
            message: message.into(),
            weak_password_reasons: None,
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    /// A 500 without an error code, as Supabase Auth's internal errors are.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::uncoded(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
    /// An error with a status and no error code (a hook's own error).
    pub fn uncoded(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code: None,
            message: message.into(),
            weak_password_reasons: None,
        }
    }
    pub fn weak_password(message: String, reasons: Vec<&'static str>) -> Self {
        Self {
            weak_password_reasons: Some(reasons),
            ..Self::unprocessable("weak_password", message)
        }
    }

    fn code_or_default(&self) -> &'static str {
        self.code
            .unwrap_or(if self.status == StatusCode::INTERNAL_SERVER_ERROR {
                "unexpected_failure"
            } else {
                "unknown"
            })
    }

    /// The body and headers for a caller that asked for `api_version` (the header's value).
    pub fn to_response(&self, api_version: Option<&str>) -> Response {
        let versioned = api_version.is_some_and(is_2024_or_later);
        let body = if versioned {
            let mut body = json!({ "code": self.code_or_default(), "message": self.message });
            if let Some(reasons) = &self.weak_password_reasons {
                body["weak_password"] = json!({ "reasons": reasons });
            }
            body
        } else {
            let mut body = json!({
                "code": self.status.as_u16(),
                "error_code": self.code_or_default(),
                "msg": self.message,
            });
            if let Some(reasons) = &self.weak_password_reasons {
                body["weak_password"] = json!({ "reasons": reasons });
            }
            body
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if versioned {
            headers.insert(API_VERSION_HEADER, HeaderValue::from_static("2024-01-01"));
        }
        if !versioned || self.weak_password_reasons.is_none() {
            headers.insert(
                "x-sb-error-code",
                HeaderValue::from_static(self.code_or_default()),
            );
        }
        response
    }
}

/// A date `YYYY-MM-DD` on or after 2024-01-01; anything else is the initial version.
fn is_2024_or_later(value: &str) -> bool {
    let b = value.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shaped && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() && value >= "2024-01-01"
}

/// A handler's error travels in the response's extensions until [`render`] writes it.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        response.extensions_mut().insert(self);
        response
    }
}

/// Writes an [`ApiError`] in the shape the request's API version asks for.
pub async fn render(request: Request, next: Next) -> Response {
    let version = request
        .headers()
        .get(API_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    match response.extensions().get::<ApiError>() {
        Some(error) => error.to_response(version.as_deref()),
        None => response,
    }
}

/// Body of a JSON request, as Supabase Auth parses one: anything unparsable is `bad_json`.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "bad_json",
            format!("Could not parse request body as JSON: {e}"),
        )
    })
}

/// A string field as Go decodes one: JSON `null` leaves it empty (auth-js sends `null`
/// for options it was not given). Use with `#[serde(default, deserialize_with = ...)]`.
pub fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(<Option<String> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

/// JSON `null` or missing: None; present: the value.
pub fn non_null(value: Option<Value>) -> Option<Value> {
    value.filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> (StatusCode, Value, Option<String>) {
        let status = response.status();
        let code = response
            .headers()
            .get("x-sb-error-code")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap(), code)
    }

    #[tokio::test]
    async fn initial_shape_without_the_version_header() {
        let e = ApiError::bad_request("invalid_credentials", "Invalid login credentials");
        let (status, json, code) = body(e.to_response(None)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            json,
            json!({"code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials"})
        );
        assert_eq!(code.as_deref(), Some("invalid_credentials"));
    }

    #[tokio::test]
    async fn versioned_shape_for_auth_js() {
        let e = ApiError::bad_request("invalid_credentials", "Invalid login credentials");
        let response = e.to_response(Some("2024-01-01"));
        assert_eq!(response.headers()[API_VERSION_HEADER], "2024-01-01");
        let (_, json, _) = body(response).await;
        assert_eq!(
            json,
            json!({"code": "invalid_credentials", "message": "Invalid login credentials"})
        );
    }

    #[tokio::test]
    async fn weak_password_carries_its_reasons() {
        let e = ApiError::weak_password(
            "Password should be at least 6 characters.".into(),
            vec!["length"],
        );
        let (status, json, _) = body(e.to_response(Some("2024-01-01"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["code"], "weak_password");
        assert_eq!(json["weak_password"], json!({"reasons": ["length"]}));
    }

    #[tokio::test]
    async fn uncoded_errors_get_supabases_default_codes() {
        let (_, json, _) = body(ApiError::internal("boom").to_response(None)).await;
        assert_eq!(json["error_code"], "unexpected_failure");
        let (_, json, _) =
            body(ApiError::uncoded(StatusCode::FORBIDDEN, "no").to_response(None)).await;
        assert_eq!(json["error_code"], "unknown");
    }

    #[test]
    fn api_versions() {
        assert!(is_2024_or_later("2024-01-01"));
        assert!(is_2024_or_later("2025-06-30"));
        assert!(!is_2024_or_later("2023-12-31"));
        assert!(!is_2024_or_later("2024-1-1"));
        assert!(!is_2024_or_later("2024-02-30"));
        assert!(!is_2024_or_later("nonsense"));
    }
}
