//! `/verify`, as Supabase Auth serves it: `GET` is the link in a mail (`token` is the
//! token hash), answered with a 303 to `redirect_to` carrying the session, or the error,
//! in the URL fragment; `POST` takes a `token_hash`, or the code from the mail with its
//! `email`, and answers the session. Sign-up and invite links confirm the address;
//! magic-link and recovery links sign the user in (and confirm an unconfirmed address).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use tokio_postgres::GenericClient;

use crate::SharedState;
use crate::errors::{ApiError, nullable, parse_json};
use crate::handlers::{Answer, client, hash_password, json_ok, random_password, valid_email};
use crate::links;
use crate::store::{self, User, db_error};
use crate::tokens;

const LINK_INVALID: &str = "Email link is invalid or has expired";
const CODE_INVALID: &str = "Token has expired or is invalid";

fn expired(message: &'static str) -> ApiError {
    ApiError::forbidden("otp_expired", message)
}

/// How the caller proved they hold the mail: its token hash, or its code and address.
enum Proof {
    Hash(String),
    Code { email: String, hash: String },
}

/// Which of the user's tokens a verification type reads (`email` reads either).
fn token_types(verification_type: &str) -> Result<&'static [&'static str], ApiError> {
    Ok(match verification_type {
        "email" => &["confirmation_token", "recovery_token"],
        "signup" | "invite" => &["confirmation_token"],
        "recovery" | "magiclink" => &["recovery_token"],
        "email_change" => &["email_change_token_new", "email_change_token_current"],
        _ => {
            return Err(ApiError::bad_request(
                "validation_failed",
                "Invalid email verification type",
            ));
        }
    })
}

struct Tokens {
    confirmation: String,
    recovery: String,
    confirmation_sent_at: Option<DateTime<Utc>>,
    recovery_sent_at: Option<DateTime<Utc>>,
}

async fn user_tokens(db: &impl GenericClient, user: &User) -> Result<Tokens, ApiError> {
    let row = db
        .query_one(
            "select confirmation_token, recovery_token, confirmation_sent_at, recovery_sent_at
             from auth.users where id = $1",
            &[&user.id],
        )
        .await
        .map_err(db_error("Database error finding user"))?;
    Ok(Tokens {
        confirmation: row.get::<_, Option<String>>(0).unwrap_or_default(),
        recovery: row.get::<_, Option<String>>(1).unwrap_or_default(),
        confirmation_sent_at: row.get(2),
        recovery_sent_at: row.get(3),
    })
}

fn is_expired(sent_at: Option<DateTime<Utc>>, otp_expiry: i64) -> bool {
    sent_at.is_none_or(|t| Utc::now() > t + chrono::Duration::seconds(otp_expiry))
}

/// The user a proof belongs to and the verification type it turned out to be (`email`
/// becomes `signup` or `magiclink`), or Supabase Auth's refusal.
async fn find_user(
    state: &SharedState,
    db: &impl GenericClient,
    verification_type: &str,
    proof: &Proof,
) -> Result<(User, String), ApiError> {
    let expiry = state.settings.otp_expiry;
    match proof {
        Proof::Hash(hash) => {
            let types = token_types(verification_type)?;
            let row = db
                .query_opt(
                    "select user_id from auth.one_time_tokens
                     where token_type::text = any($1) and token_hash = $2 limit 1",
                    &[&types, &hash],
                )
                .await
                .map_err(db_error("Database error finding user from email link"))?;
            let Some(row) = row else {
                return Err(expired(LINK_INVALID));
            };
            let user = store::user_by_id(db, row.get(0))
                .await
                .map_err(|e| e.into_api("Database error finding user from email link"))?
                .ok_or_else(|| expired(LINK_INVALID))?;
            if user.is_banned() {
                return Err(ApiError::forbidden("user_banned", "User is banned"));
            }
            let tokens = user_tokens(db, &user).await?;
            let (sent_at, kind) = match verification_type {
                "email" if tokens.recovery == *hash => (tokens.recovery_sent_at, "magiclink"),
                "email" => (tokens.confirmation_sent_at, "signup"),
                "signup" | "invite" => (tokens.confirmation_sent_at, verification_type),
                "recovery" | "magiclink" => (tokens.recovery_sent_at, verification_type),
                _ => (None, verification_type),
            };
            if is_expired(sent_at, expiry) {
                return Err(expired(LINK_INVALID));
            }
            Ok((user, kind.to_owned()))
        }
        Proof::Code { email, hash } => {
            let user = store::user_by_email(db, email)
                .await
                .map_err(|e| e.into_api("Database error finding user"))?
                .ok_or_else(|| expired(CODE_INVALID))?;
            if user.is_banned() {
                return Err(ApiError::forbidden("user_banned", "User is banned"));
            }
            let tokens = user_tokens(db, &user).await?;
            let matches = |expected: &str, sent_at| {
                !expected.is_empty()
                    && !is_expired(sent_at, expiry)
                    && (expected == hash || expected == format!("pkce_{hash}"))
            };
            let confirmation = matches(&tokens.confirmation, tokens.confirmation_sent_at);
            let recovery = matches(&tokens.recovery, tokens.recovery_sent_at);
            let kind = match verification_type {
                "email" if confirmation => "signup",
                "email" if recovery => "magiclink",
                "signup" | "invite" if confirmation => verification_type,
                "recovery" | "magiclink" if recovery => verification_type,
                _ => return Err(expired(CODE_INVALID)),
            };
            Ok((user, kind.to_owned()))
        }
    }
}

/// Confirms the address: the confirmation token spent, every one-time token of the user
/// gone, `email_verified` in the user metadata.
pub async fn confirm(db: &impl GenericClient, user: &User) -> Result<(), tokio_postgres::Error> {
    db.execute(
        "update auth.users set confirmation_token = '', email_confirmed_at = now(),
           raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{\"email_verified\": true}'
         where id = $1",
        &[&user.id],
    )
    .await?;
    db.execute(
        "delete from auth.one_time_tokens where user_id = $1",
        &[&user.id],
    )
    .await?;
    Ok(())
}

/// Spends the proof, then opens a session (sign-in method `otp`).
async fn sign_in(
    state: &SharedState,
    db: &impl GenericClient,
    mut user: User,
    kind: &str,
) -> Result<Value, ApiError> {
    match kind {
        "signup" | "invite" => {
            // An invited user who never chose a password gets a random one, as Supabase
            // Auth gives them, so the password grant cannot open the account unasked.
            if !user.has_password() && user.invited_at.is_some() {
                let hash = hash_password(&random_password()).await?;
                db.execute(
                    "update auth.users set encrypted_password = $2 where id = $1",
                    &[&user.id, &hash],
                )
                .await
                .map_err(db_error("Error storing password"))?;
            }
            confirm(db, &user)
                .await
                .map_err(db_error("Error confirming user"))?;
            // Following the link also verifies the address of the email identity.
            db.execute(
                "update auth.identities set identity_data = identity_data || '{\"email_verified\": true}'
                 where user_id = $1 and provider = 'email' and email = lower($2)",
                &[&user.id, &user.email],
            )
            .await
            .map_err(db_error("Error setting email_verified to true on identity"))?;
        }
        "recovery" | "magiclink" => {
            let failed = db_error("Database error updating user");
            db.execute(
                "update auth.users set recovery_token = '' where id = $1",
                &[&user.id],
            )
            .await
            .map_err(&failed)?;
            db.execute(
                "delete from auth.one_time_tokens where user_id = $1",
                &[&user.id],
            )
            .await
            .map_err(&failed)?;
            if user.email_confirmed_at.is_none() {
                confirm(db, &user).await.map_err(failed)?;
            }
        }
        _ => {
            return Err(ApiError::bad_request(
                "validation_failed",
                "Unsupported verification type",
            ));
        }
    }
    user = store::user_by_id(db, user.id)
        .await
        .map_err(|e| e.into_api("Database error updating user"))?
        .ok_or_else(|| ApiError::internal("Database error updating user"))?;
    tokens::issue_session(state, db, &mut user, "otp").await
}

/// The whole verification in one transaction: find, spend, sign in.
async fn verify(
    state: &SharedState,
    verification_type: &str,
    proof: Proof,
) -> Result<(Value, String), ApiError> {
    let mut client = client(state).await?;
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Database error updating user"))?;
    let (user, kind) = find_user(state, &*tx, verification_type, &proof).await?;
    let session = sign_in(state, &*tx, user, &kind).await?;
    tx.commit()
        .await
        .map_err(db_error("Database error updating user"))?;
    Ok((session, kind))
}

fn see_other(location: &str) -> Answer {
    let value = location
        .parse()
        .map_err(|_| ApiError::internal("Unable to build the redirect"))?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(header::LOCATION, value);
    Ok(response)
}

fn encode(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The OAuth error name Supabase Auth puts beside its own code in a redirect.
fn oauth_error(status: StatusCode) -> Option<&'static str> {
    match status.as_u16() {
        400 => Some("invalid_request"),
        401 => Some("unauthorized_client"),
        403 => Some("access_denied"),
        500 => Some("server_error"),
        503 => Some("temporarily_unavailable"),
        _ => None,
    }
}

fn error_redirect(redirect_to: &str, error: &ApiError) -> Answer {
    let code = error.code.unwrap_or(if error.status.is_server_error() {
        "unexpected_failure"
    } else {
        "unknown"
    });
    let mut pairs = vec![];
    if let Some(name) = oauth_error(error.status) {
        pairs.push(("error", name));
    }
    pairs.extend([
        ("error_code", code),
        ("error_description", error.message.as_str()),
        ("sb", ""),
    ]);
    let base = redirect_to.split('#').next().unwrap_or_default();
    see_other(&format!("{base}#{}", encode(&pairs)))
}

pub async fn verify_get(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or_default();
    let (verification_type, token) = (get("type"), get("token"));
    if verification_type.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Verify requires a verification type",
        ));
    }
    if token.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Verify requires a token or a token hash",
        ));
    }
    let redirect_to = links::referrer(
        &state.settings,
        &headers,
        query.get("redirect_to").map(String::as_str),
    );
    match verify(&state, verification_type, Proof::Hash(token.to_owned())).await {
        Ok((session, _)) => {
            let text = |k: &str| match &session[k] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let fragment = encode(&[
                ("access_token", &text("access_token")),
                ("expires_at", &text("expires_at")),
                ("expires_in", &text("expires_in")),
                ("refresh_token", &text("refresh_token")),
                ("sb", ""),
                ("token_type", &text("token_type")),
                ("type", verification_type),
            ]);
            see_other(&format!("{redirect_to}#{fragment}"))
        }
        Err(error) => error_redirect(&redirect_to, &error),
    }
}

#[derive(Deserialize)]
struct VerifyParams {
    #[serde(default, rename = "type", deserialize_with = "nullable")]
    verification_type: String,
    #[serde(default, deserialize_with = "nullable")]
    token: String,
    #[serde(default, deserialize_with = "nullable")]
    token_hash: String,
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    phone: String,
    #[serde(default, deserialize_with = "nullable")]
    redirect_to: String,
}

pub async fn verify_post(State(state): State<SharedState>, body: Bytes) -> Answer {
    let p: VerifyParams = parse_json(&body)?;
    let invalid = |m: &str| ApiError::bad_request("validation_failed", m.to_owned());
    if p.verification_type.is_empty() {
        return Err(invalid("Verify requires a verification type"));
    }
    if p.token.is_empty() == p.token_hash.is_empty() {
        return Err(invalid("Verify requires either a token or a token hash"));
    }
    let proof = if !p.token.is_empty() {
        match (p.email.is_empty(), p.phone.is_empty()) {
            (false, true) => {
                let email = valid_email(&p.email).map_err(|_| {
                    ApiError::unprocessable("validation_failed", "Invalid email format")
                })?;
                let hash = links::token_hash(&email, &p.token);
                Proof::Code { email, hash }
            }
            // No user here has a phone, so no phone code can match.
            (true, false) => return Err(expired(CODE_INVALID)),
            _ => {
                return Err(invalid(
                    "Only an email address or phone number should be provided on verify",
                ));
            }
        }
    } else {
        if !p.email.is_empty() || !p.phone.is_empty() || !p.redirect_to.is_empty() {
            return Err(invalid("Only the token_hash and type should be provided"));
        }
        Proof::Hash(p.token_hash)
    };
    let (session, _) = verify(&state, &p.verification_type, proof).await?;
    json_ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_travel_in_the_fragment() {
        let e = expired(LINK_INVALID);
        let r = error_redirect("http://127.0.0.1:3000/cb?x=1#old", &e).unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()[header::LOCATION],
            "http://127.0.0.1:3000/cb?x=1#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb="
        );
    }

    #[test]
    fn links_expire_after_otp_expiry() {
        assert!(is_expired(None, 60));
        assert!(!is_expired(Some(Utc::now()), 60));
        assert!(is_expired(
            Some(Utc::now() - chrono::Duration::seconds(61)),
            60
        ));
    }

    #[test]
    fn only_mail_types_are_verified_by_hash() {
        assert!(token_types("signup").is_ok() && token_types("email").is_ok());
        assert_eq!(
            token_types("sms").unwrap_err().message,
            "Invalid email verification type"
        );
    }
}
