//! The custom access token hook, run as Supabase Auth runs a `pg-functions://` hook:
//! `select <function>($1)` with `{metadata, user_id, claims, authentication_method}`, in
//! the sign-in's own transaction, as the connection's role (`supabase_auth_admin`), with a
//! 2 s statement timeout; its output checked for `{"error": {...}}`, then for a `claims`
//! object, then against the JSON schema Supabase Auth validates claims with.

use std::sync::LazyLock;

use axum::http::StatusCode;
use serde_json::{Value, json};
use tokio_postgres::GenericClient;

use crate::config::Hook;
use crate::errors::ApiError;

/// The minimum a hook's claims must hold: the fields and types of Supabase Auth's own
/// schema for hook output (draft-07; `is_anonymous` required, its type free).
static CLAIMS_SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "aud": { "type": ["string", "array"] },
            "exp": { "type": "integer" },
            "jti": { "type": "string" },
            "iat": { "type": "integer" },
            "iss": { "type": "string" },
            "nbf": { "type": "integer" },
            "sub": { "type": "string" },
            "email": { "type": "string" },
            "phone": { "type": "string" },
            "app_metadata": { "type": "object", "additionalProperties": true },
            "user_metadata": { "type": "object", "additionalProperties": true },
            "role": { "type": "string" },
            "aal": { "type": "string" },
            "amr": { "type": "array", "items": { "anyOf": [{ "type": "string" }, { "type": "object" }] } },
            "session_id": { "type": "string" },
            "client_id": { "type": "string" }
        },
        "required": ["aud", "exp", "iat", "sub", "email", "phone", "role", "aal", "session_id", "is_anonymous"]
    });
    jsonschema::validator_for(&schema).expect("the claims schema is valid")
});

/// The claims to sign, from what the hook returned.
pub fn claims_from_output(output: Value) -> Result<Value, ApiError> {
    if let Some(error) = output.get("error").filter(|e| e.is_object()) {
        let message = error["message"].as_str().unwrap_or_default();
        if !message.is_empty() {
            let status = error["http_code"]
                .as_u64()
                .filter(|c| *c != 0)
                .and_then(|c| u16::try_from(c).ok())
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Err(ApiError::uncoded(status, message));
        }
    }
    let Some(claims) = output.get("claims") else {
        return Err(ApiError::internal("output claims field is missing"));
    };
    if !claims.is_object() {
        return Err(ApiError::internal("Error unmarshaling JSON output."));
    }
    let problems: Vec<String> = CLAIMS_SCHEMA
        .iter_errors(claims)
        .map(|e| format!("- {e}\n"))
        .collect();
    if !problems.is_empty() {
        return Err(ApiError::internal(format!(
            "output claims do not conform to the expected schema: \n{}",
            problems.concat()
        )));
    }
    Ok(claims.clone())
}

/// Calls the hook inside the caller's transaction and returns the claims to sign.
pub async fn run(db: &impl GenericClient, hook: &Hook, input: &Value) -> Result<Value, ApiError> {
    let failed = |e: tokio_postgres::Error| {
        eprintln!("auth: hook {} failed: {e}", hook.uri);
        ApiError::internal(format!("Error running hook URI: {}", hook.uri))
    };
    db.batch_execute("set local statement_timeout to '2000'")
        .await
        .map_err(failed)?;
    let sql = format!("select {}($1::jsonb)", hook.function);
    let row = db.query_one(&sql, &[input]).await.map_err(failed)?;
    let output: Option<Value> = row.try_get(0).map_err(failed)?;
    db.batch_execute("set local statement_timeout to default")
        .await
        .map_err(failed)?;
    claims_from_output(output.unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Value {
        json!({
            "aud": "authenticated", "exp": 2, "iat": 1, "sub": "s", "email": "", "phone": "",
            "role": "authenticated", "aal": "aal1", "session_id": "x", "is_anonymous": false,
            "app_metadata": { "tenant_id": "t", "role": "owner" }
        })
    }

    #[test]
    fn conforming_claims_pass_through() {
        assert_eq!(
            claims_from_output(json!({ "claims": claims() })).unwrap(),
            claims()
        );
    }

    #[test]
    fn every_required_claim_is_required() {
        for key in [
            "aud",
            "exp",
            "iat",
            "sub",
            "email",
            "phone",
            "role",
            "aal",
            "session_id",
            "is_anonymous",
        ] {
            let mut c = claims();
            c.as_object_mut().unwrap().remove(key);
            let e = claims_from_output(json!({ "claims": c })).unwrap_err();
            assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR, "{key}");
            assert!(
                e.message
                    .starts_with("output claims do not conform to the expected schema"),
                "{key}"
            );
        }
    }

    #[test]
    fn types_are_checked() {
        for (key, bad) in [
            ("exp", json!("soon")),
            ("app_metadata", json!("x")),
            ("aud", json!(1)),
            ("amr", json!([1])),
        ] {
            let mut c = claims();
            c[key] = bad;
            assert!(claims_from_output(json!({ "claims": c })).is_err(), "{key}");
        }
    }

    #[test]
    fn a_hooks_own_error_is_answered_with_its_status() {
        let e =
            claims_from_output(json!({ "error": { "http_code": 403, "message": "no tenant" } }))
                .unwrap_err();
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (StatusCode::FORBIDDEN, None, "no tenant")
        );
        let e = claims_from_output(json!({ "error": { "message": "broken" } })).unwrap_err();
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn missing_or_malformed_claims_fail() {
        assert_eq!(
            claims_from_output(json!({})).unwrap_err().message,
            "output claims field is missing"
        );
        assert_eq!(
            claims_from_output(Value::Null).unwrap_err().message,
            "output claims field is missing"
        );
        assert_eq!(
            claims_from_output(json!({ "claims": [1] }))
                .unwrap_err()
                .message,
            "Error unmarshaling JSON output."
        );
    }
}
