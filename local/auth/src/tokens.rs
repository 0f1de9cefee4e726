//! Sessions, refresh tokens and access tokens, as Supabase Auth issues them (its
//! refresh-token algorithm 1: a 12-character random token per row of
//! `auth.refresh_tokens`, rotated on every use, the parent kept).

use chrono::Utc;
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::{Value, json};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::AppState;
use crate::errors::ApiError;
use crate::hook;
use crate::store::{self, INSTANCE_ID, User, db_error};

fn new_refresh_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(12)
        .map(char::from)
        .collect()
}

/// The claims Supabase Auth puts into an access token, before the hook sees them.
pub fn base_claims(
    state: &AppState,
    user: &User,
    session_id: Uuid,
    amr: Vec<Value>,
    now: i64,
) -> Value {
    json!({
        "iss": format!("{}/auth/v1", state.env.api_url),
        "sub": user.id.to_string(),
        "aud": user.aud,
        "exp": now + state.settings.jwt_expiry,
        "iat": now,
        "email": user.email.clone().unwrap_or_default(),
        "phone": user.phone.clone().unwrap_or_default(),
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
        "role": user.role,
        "aal": "aal1",
        "amr": amr,
        "session_id": session_id.to_string(),
        "is_anonymous": user.is_anonymous,
    })
}

/// Signs the access token of a session: its sign-in methods as `amr`, the hook applied.
async fn access_token(
    state: &AppState,
    db: &impl GenericClient,
    user: &User,
    session_id: Uuid,
    method: &str,
) -> Result<(String, i64), ApiError> {
    let rows = db
        .query(
            "select authentication_method, extract(epoch from updated_at)::bigint
             from auth.mfa_amr_claims where session_id = $1 order by updated_at desc",
            &[&session_id],
        )
        .await
        .map_err(db_error("Database error loading session"))?;
    let amr = rows
        .iter()
        .map(|r| json!({ "method": r.get::<_, String>(0), "timestamp": r.get::<_, i64>(1) }))
        .collect();
    let now = Utc::now().timestamp();
    let mut claims = base_claims(state, user, session_id, amr, now);
    if let Some(hook) = &state.settings.hook {
        let input = json!({
            "metadata": {
                "uuid": Uuid::new_v4(),
                "time": store::time(Some(Utc::now())),
                "name": "customize-access-token",
            },
            "user_id": user.id,
            "claims": claims,
            "authentication_method": method,
        });
        claims = hook::run(db, hook, &input).await?;
    }
    let expires_at = claims["exp"]
        .as_i64()
        .unwrap_or(now + state.settings.jwt_expiry);
    let token = state.keys.sign(&claims).map_err(|e| {
        eprintln!("auth: signing failed: {e}");
        ApiError::internal("error generating jwt token")
    })?;
    Ok((token, expires_at))
}

fn token_response(
    access_token: String,
    expires_at: i64,
    refresh_token: String,
    user: &User,
) -> Value {
    json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_at - Utc::now().timestamp(),
        "expires_at": expires_at,
        "refresh_token": refresh_token,
        "user": user.to_json(),
    })
}

/// A new session for a user who just proved who they are (`method`: `password`).
pub async fn issue_session(
    state: &AppState,
    db: &impl GenericClient,
    user: &mut User,
    method: &str,
) -> Result<Value, ApiError> {
    let failed = db_error("Database error granting user");
    user.last_sign_in_at = db
        .query_one(
            "update auth.users set last_sign_in_at = now() where id = $1 returning last_sign_in_at",
            &[&user.id],
        )
        .await
        .map_err(&failed)?
        .get(0);
    let session_id = Uuid::new_v4();
    db.execute(
        "insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), 'aal1')",
        &[&session_id, &user.id],
    )
    .await
    .map_err(&failed)?;
    let refresh_token = new_refresh_token();
    db.execute(
        "insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
         values ($1, $2, $3, false, now(), now(), $4)",
        &[&INSTANCE_ID, &refresh_token, &user.id.to_string(), &session_id],
    )
    .await
    .map_err(&failed)?;
    db.execute(
        "insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
         values (gen_random_uuid(), $1, now(), now(), $2)
         on conflict (session_id, authentication_method) do update set updated_at = now()",
        &[&session_id, &method],
    )
    .await
    .map_err(&failed)?;
    let (access_token, expires_at) = access_token(state, db, user, session_id, method).await?;
    Ok(token_response(
        access_token,
        expires_at,
        refresh_token,
        user,
    ))
}

/// What became of a refresh grant that did not issue tokens but must commit its changes.
pub enum Refreshed {
    Tokens(Value),
    /// Commit (the session's tokens were revoked), then answer this error.
    CommitThenFail(ApiError),
}

/// The refresh grant, in one transaction: the token row locked, rotation, the reuse
/// interval, and the whole session revoked when a revoked token is reused after it.
pub async fn refresh(
    state: &AppState,
    db: &impl GenericClient,
    token: &str,
) -> Result<Refreshed, ApiError> {
    let failed = db_error("Database error granting user");
    let row = db
        .query_opt(
            "select id, user_id, revoked, session_id, updated_at, parent,
                    (select s.id from auth.sessions s where s.id = t.session_id) as live_session
             from auth.refresh_tokens t where token = $1 for update",
            &[&token],
        )
        .await
        .map_err(&failed)?;
    let Some(row) = row else {
        return Err(ApiError::bad_request(
            "refresh_token_not_found",
            "Invalid Refresh Token: Refresh Token Not Found",
        ));
    };
    let token_id: i64 = row.get("id");
    let user_id: Option<String> = row.get("user_id");
    let user_id = user_id.and_then(|u| Uuid::parse_str(&u).ok());
    let user = match user_id {
        Some(id) => store::user_by_id(db, id)
            .await
            .map_err(|e| e.into_api("Database error granting user"))?,
        None => None,
    };
    let Some(user) = user else {
        return Err(ApiError::bad_request(
            "refresh_token_not_found",
            "Invalid Refresh Token: Refresh Token Not Found",
        ));
    };
    if user.is_banned() {
        return Err(ApiError::bad_request(
            "user_banned",
            "Invalid Refresh Token: User Banned",
        ));
    }
    let Some(session_id) = row.get::<_, Option<Uuid>>("live_session") else {
        return Err(ApiError::bad_request(
            "session_not_found",
            "Invalid Refresh Token: No Valid Session Found",
        ));
    };
    let revoked: bool = row.get("revoked");
    let mut issued: Option<String> = None;
    if revoked {
        // The client may have lost the answer of its last refresh: the session's active
        // token is this one's child, so it gets that one again.
        let active = db
            .query_opt(
                "select token, parent from auth.refresh_tokens
                 where session_id = $1 and revoked = false order by id desc limit 1",
                &[&session_id],
            )
            .await
            .map_err(&failed)?;
        if let Some(active) =
            active.filter(|a| a.get::<_, Option<String>>("parent").as_deref() == Some(token))
        {
            issued = Some(active.get("token"));
        } else {
            let updated_at: chrono::DateTime<Utc> = row.get("updated_at");
            let reuse_until = updated_at + chrono::Duration::seconds(state.settings.reuse_interval);
            if Utc::now() > reuse_until {
                if state.settings.rotation {
                    db.execute(
                        "update auth.refresh_tokens set revoked = true, updated_at = now()
                         where session_id = $1 and revoked = false",
                        &[&session_id],
                    )
                    .await
                    .map_err(&failed)?;
                }
                eprintln!(
                    "auth: refresh token {token_id} of session {session_id} reused after the reuse interval; session revoked"
                );
                return Ok(Refreshed::CommitThenFail(ApiError::bad_request(
                    "refresh_token_already_used",
                    "Invalid Refresh Token: Already Used",
                )));
            }
        }
    }
    let issued = match issued {
        Some(t) => t,
        None => {
            db.execute(
                "update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1",
                &[&token_id],
            )
            .await
            .map_err(&failed)?;
            let next = new_refresh_token();
            db.execute(
                "insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
                 values ($1, $2, $3, false, now(), now(), $4, $5)",
                &[&INSTANCE_ID, &next, &user.id.to_string(), &token, &session_id],
            )
            .await
            .map_err(&failed)?;
            next
        }
    };
    db.execute(
        "update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now() where id = $1",
        &[&session_id],
    )
    .await
    .map_err(&failed)?;
    let (access_token, expires_at) =
        access_token(state, db, &user, session_id, "token_refresh").await?;
    Ok(Refreshed::Tokens(token_response(
        access_token,
        expires_at,
        issued,
        &user,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_are_12_random_alphanumerics() {
        let (a, b) = (new_refresh_token(), new_refresh_token());
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
