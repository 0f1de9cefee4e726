//! The error codes a function promises its callers, as data.
//!
//! Each function crate declares `pub const ERRORS: Errors`: the groups below that its
//! pipeline passes through, and its own `(status, code)` pairs. That list is the source of
//! the error-code union in the generated TypeScript contract (`contract/functions.ts`),
//! and the function's tests hold it to what the handler answers: `testing::call` fails a
//! test whose answer carries a `(status, code)` the function did not declare.
//!
//! The groups are what `shared` itself can answer; their own tests below hold them to the
//! code that produces them.

/// One error answer: its HTTP status and its `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorCode {
    pub status: u16,
    pub code: &'static str,
}

/// `(status, code)` as a const.
pub const fn error(status: u16, code: &'static str) -> ErrorCode {
    ErrorCode { status, code }
}

/// A function's declared errors: groups of codes, its own last.
pub type Errors = &'static [&'static [ErrorCode]];

/// Every request, before the function reads it: an unreadable URL, method or body, and a
/// method the function does not answer (`Request::allow`).
pub const REQUEST: &[ErrorCode] = &[
    error(400, "invalid_url"),
    error(400, "unsupported_method"),
    error(400, "body_unreadable"),
    error(405, "method_not_allowed"),
];

/// A JSON body (`Request::json`, `Request::json_object`).
pub const JSON_BODY: &[ErrorCode] = &[
    error(400, "body_required"),
    error(400, "invalid_json"),
    error(400, "invalid_body"),
    error(413, "payload_too_large"),
    error(415, "unsupported_media_type"),
];

/// A caller who must be signed in and hold a role (`Auth::require`,
/// `Auth::authenticate` + `Caller::ensure`): 401 without a valid token, 403 for a caller
/// without the role (the service role where a user is needed, a member where an admin is).
pub const SIGNED_IN: &[ErrorCode] = &[
    error(401, "missing_token"),
    error(401, "invalid_token"),
    error(401, "token_expired"),
    error(401, "sign_in_required"),
    error(403, "insufficient_role"),
];

/// A function that reads or writes through PostgREST (`db::map_error`): the generic
/// codes of SQL and PostgREST errors that are not one of our SQL functions' own PTxyz.
pub const DATABASE: &[ErrorCode] = &[
    error(400, "bad_request"),
    error(400, "invalid_value"),
    error(401, "not_authenticated"),
    error(403, "permission_denied"),
    error(404, "not_found"),
    error(409, "already_exists"),
    error(409, "conflict"),
    error(409, "reference_violation"),
    error(410, "gone"),
    error(422, "unprocessable"),
    error(413, "too_large"),
    error(429, "too_many_requests"),
];

/// Every function: a bug, a dependency that failed, a deployment without a key it needs.
pub const SERVER: &[ErrorCode] = &[
    error(500, "internal"),
    error(502, "upstream_error"),
    error(503, "not_configured"),
];

/// The declared errors, flattened, sorted and without repeats.
pub fn flatten(errors: Errors) -> Vec<ErrorCode> {
    let mut all: Vec<ErrorCode> = errors.iter().flat_map(|g| g.iter().copied()).collect();
    all.sort();
    all.dedup();
    all
}

/// Whether `errors` declares this answer.
pub fn declares(errors: Errors, status: u16, code: &str) -> bool {
    errors
        .iter()
        .flat_map(|g| g.iter())
        .any(|e| e.status == status && e.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use crate::request::{Method, Request};
    use serde_json::json;

    fn declared_in(group: &[ErrorCode], err: &ApiError) -> bool {
        group
            .iter()
            .any(|e| e.status == err.status() && e.code == err.code())
    }

    #[test]
    fn the_database_group_holds_every_generic_mapping() {
        let answers = [
            (409, json!({ "code": "23505" })),
            (409, json!({ "code": "23503" })),
            (400, json!({ "code": "22P02" })),
            (401, json!({ "code": "42501" })),
            (403, json!({ "code": "42501" })),
            (404, json!({ "code": "P0002" })),
            (
                406,
                json!({ "code": "PGRST116", "details": "The result contains 0 rows" }),
            ),
            (400, json!({ "code": "PT400", "message": "Not a code!" })),
            (401, json!({ "code": "PT401" })),
            (403, json!({ "code": "PT403" })),
            (404, json!({ "code": "PT404" })),
            (409, json!({ "code": "PT409" })),
            (410, json!({ "code": "PT410" })),
            (413, json!({ "code": "PT413" })),
            (422, json!({ "code": "PT422" })),
            (429, json!({})),
            (418, json!({})),
        ];
        for (status, body) in answers {
            let err = crate::db::map_error(status, body.to_string().as_bytes());
            assert!(
                declared_in(DATABASE, &err) || declared_in(SERVER, &err),
                "{status} {body} -> {} {} is in no group",
                err.status(),
                err.code()
            );
        }
    }

    #[test]
    fn the_request_groups_hold_what_reading_a_request_answers() {
        let json = |content_type: &str, body: &str| {
            Request::new(Method::Post, "/f")
                .map(|r| r.with_body(content_type, body))
                .unwrap()
        };
        let errors = [
            json("application/json", "").json::<serde_json::Value>(),
            json("application/json", "{").json::<serde_json::Value>(),
            json("application/json", "[]").json_object::<serde_json::Value>(),
            json("text/plain", "{}").json::<serde_json::Value>(),
            json(
                "application/json",
                &"x".repeat(crate::DEFAULT_BODY_LIMIT + 1),
            )
            .json::<serde_json::Value>(),
        ];
        for err in errors.into_iter().filter_map(Result::err) {
            assert!(declared_in(JSON_BODY, &err), "{err}");
        }
        let wrong_method = Request::new(Method::Get, "/f")
            .unwrap()
            .allow(&[Method::Post]);
        assert!(declared_in(REQUEST, &wrong_method.unwrap_err()));
    }

    #[test]
    fn the_server_group_holds_the_fixed_codes_of_5xx() {
        let errors = [
            ApiError::internal("bug"),
            ApiError::Upstream {
                service: "postgrest",
                status: Some(500),
                detail: String::new(),
            },
            ApiError::not_configured("SUPABASE_URL is missing"),
        ];
        for err in errors {
            assert!(declared_in(SERVER, &err), "{err}");
        }
    }

    #[test]
    fn flatten_sorts_and_drops_repeats() {
        const OWN: &[ErrorCode] = &[error(400, "invalid_url"), error(404, "thing_not_found")];
        let all = flatten(&[REQUEST, OWN]);
        assert_eq!(all.len(), REQUEST.len() + 1);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(declares(&[REQUEST, OWN], 404, "thing_not_found"));
        assert!(!declares(&[REQUEST, OWN], 400, "thing_not_found"));
    }
}
