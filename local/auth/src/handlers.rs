//! The endpoints auth-js calls for email and password users, and the service role's
//! `admin/users`. Each answers Supabase Auth's status codes, bodies and error codes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::SharedState;
use crate::emails::{self, RedirectQuery};
use crate::errors::{ApiError, non_null, parse_json};
use crate::links;
use crate::mail::Kind;
use crate::store::{self, NewUser, User, db_error};
use crate::tokens::{self, Refreshed};
use crate::verify;

pub(crate) type Answer = Result<Response, ApiError>;

/// Supabase Auth's bcrypt cost (Go's default).
const BCRYPT_COST: u32 = 10;
/// Supabase Auth refuses longer passwords (bcrypt reads 72 bytes).
const MAX_PASSWORD_LENGTH: usize = 72;
const INVALID_LOGIN: &str = "Invalid login credentials";

pub async fn health() -> Json<Value> {
    Json(json!({
        "version": concat!("local-auth ", env!("CARGO_PKG_VERSION")),
        "name": "GoTrue",
        "description": "GoTrue is a user registration and authentication API",
    }))
}

pub async fn settings(State(state): State<SharedState>) -> Json<Value> {
    let mut external = Map::new();
    for provider in [
        "anonymous_users",
        "apple",
        "azure",
        "bitbucket",
        "discord",
        "facebook",
        "snapchat",
        "figma",
        "fly",
        "github",
        "gitlab",
        "google",
        "keycloak",
        "kakao",
        "linkedin",
        "linkedin_oidc",
        "notion",
        "spotify",
        "slack",
        "slack_oidc",
        "workos",
        "twitch",
        "twitter",
        "email",
        "phone",
        "zoom",
    ] {
        external.insert(
            provider.into(),
            json!(provider == "email" && state.settings.email_enabled),
        );
    }
    Json(json!({
        "external": external,
        "disable_signup": !state.settings.enable_signup,
        "mailer_autoconfirm": !state.settings.confirmations,
        "phone_autoconfirm": false,
        "sms_provider": "",
        "saml_enabled": false,
        "saml_private_key_next_configured": false,
        "passkeys_enabled": false,
    }))
}

pub async fn jwks(State(state): State<SharedState>) -> Json<Value> {
    Json(state.keys.jwks_json.clone())
}

/// Everything this stand-in does not serve (MFA, SSO, OAuth, passkeys, phone, mail links).
pub async fn not_served(uri: Uri) -> ApiError {
    ApiError::not_found(
        "feature_disabled",
        format!("{} is not served by the local Auth stand-in", uri.path()),
    )
}

pub(crate) fn check_password(state: &SharedState, password: &str) -> Result<(), ApiError> {
    if password.len() > MAX_PASSWORD_LENGTH {
        return Err(ApiError::bad_request(
            "validation_failed",
            format!("Password cannot be longer than {MAX_PASSWORD_LENGTH} characters"),
        ));
    }
    let min = state.settings.min_password_length;
    if password.chars().count() < min {
        return Err(ApiError::weak_password(
            format!("Password should be at least {min} characters."),
            vec!["length"],
        ));
    }
    Ok(())
}

/// A plausible address, lower-cased, as Supabase Auth accepts one.
pub(crate) fn valid_email(email: &str) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "validation_failed",
            "Unable to validate email address: invalid format",
        )
    };
    if email.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "An email address is required",
        ));
    }
    if email.len() > 255 {
        return Err(ApiError::bad_request(
            "validation_failed",
            "An email address is too long",
        ));
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    if ok {
        Ok(email.to_lowercase())
    } else {
        Err(invalid())
    }
}

/// bcrypt on the blocking pool: a hash takes tens of milliseconds of CPU, which would
/// otherwise hold up every request on the same runtime thread.
pub(crate) async fn hash_password(password: &str) -> Result<String, ApiError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || bcrypt::hash(password, BCRYPT_COST))
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| ApiError::internal("Error during password storage"))
}

pub(crate) fn as_object(value: Option<Value>, what: &str) -> Result<Map<String, Value>, ApiError> {
    match non_null(value) {
        None => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(ApiError::bad_request(
            "bad_json",
            format!("Could not parse request body as JSON: {what} must be an object"),
        )),
    }
}

pub(crate) async fn client(state: &SharedState) -> Result<deadpool_postgres::Client, ApiError> {
    state.pool.get().await.map_err(|e| {
        eprintln!("auth: database pool: {e}");
        ApiError::internal("Database error: no connection")
    })
}

pub(crate) fn json_ok(body: Value) -> Answer {
    Ok((StatusCode::OK, Json(body)).into_response())
}

#[derive(Deserialize)]
struct SignupParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    data: Option<Value>,
}

pub async fn signup(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    body: Bytes,
) -> Answer {
    let params: SignupParams = parse_json(&body)?;
    if !state.settings.enable_signup {
        return Err(ApiError::unprocessable(
            "signup_disabled",
            "Signups not allowed for this instance",
        ));
    }
    if params.email.is_empty() && params.phone.is_empty() {
        return Err(ApiError::unprocessable(
            "anonymous_provider_disabled",
            "Anonymous sign-ins are disabled",
        ));
    }
    if params.password.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Signup requires a valid password",
        ));
    }
    if !params.email.is_empty() && !params.phone.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Only an email address or phone number should be provided on signup.",
        ));
    }
    if !params.phone.is_empty() {
        return Err(ApiError::bad_request(
            "phone_provider_disabled",
            "Phone signups are disabled",
        ));
    }
    if !state.settings.email_enabled {
        return Err(ApiError::bad_request(
            "email_provider_disabled",
            "Email signups are disabled",
        ));
    }
    let email = valid_email(&params.email)?;
    check_password(&state, &params.password)?;
    let data = as_object(params.data, "data")?;

    let redirect_to = links::referrer(&state.settings, &headers, q.redirect_to.as_deref());
    json_ok(sign_up(&state, &email, &params.password, data, &redirect_to).await?)
}

/// Signs up `email` (checked) as Supabase Auth does. With confirmations off the user is
/// confirmed and the answer is a session. With them on, the confirmation mail goes out
/// (at most once per `max_frequency`) and the answer is the unconfirmed user; a
/// confirmed address gets a made-up user, so the answer does not tell it is registered.
pub(crate) async fn sign_up(
    state: &SharedState,
    email: &str,
    password: &str,
    data: Map<String, Value>,
    redirect_to: &str,
) -> Result<Value, ApiError> {
    let mut client = client(state).await?;
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Database error creating user"))?;
    let existing = store::user_by_email(&*tx, email)
        .await
        .map_err(|e| e.into_api("Database error finding user"))?;
    let autoconfirm = !state.settings.confirmations;
    let user = match existing {
        Some(existing) if existing.email_confirmed_at.is_some() => {
            if autoconfirm {
                return Err(ApiError::unprocessable(
                    "user_already_exists",
                    "User already registered",
                ));
            }
            return Ok(obfuscated_user(&existing, email, data));
        }
        // Registered but not confirmed (invited, or signed up before): Supabase Auth keeps
        // the account as it is, password included, and confirms or mails again.
        Some(existing) => existing,
        None if autoconfirm => {
            let hash = hash_password(password).await?;
            let user = store::insert_email_user(
                &*tx,
                NewUser {
                    id: Uuid::new_v4(),
                    email,
                    encrypted_password: Some(&hash),
                    confirmed: true,
                    confirmation_token: "",
                    user_metadata: data,
                    app_metadata: Map::new(),
                    role: "authenticated",
                    signup: true,
                },
            )
            .await
            .map_err(|e| e.into_api("Database error saving new user"))?;
            tx.commit()
                .await
                .map_err(db_error("Database error saving new user"))?;
            return session_after_sign_up(state, &mut client, user).await;
        }
        None => {
            let hash = hash_password(password).await?;
            store::insert_email_user(
                &*tx,
                NewUser {
                    id: Uuid::new_v4(),
                    email,
                    encrypted_password: Some(&hash),
                    confirmed: false,
                    confirmation_token: "",
                    user_metadata: data,
                    app_metadata: Map::new(),
                    role: "authenticated",
                    signup: true,
                },
            )
            .await
            .map_err(|e| e.into_api("Database error saving new user"))?
        }
    };
    if !autoconfirm {
        emails::send_link(state, &*tx, &user, Kind::Signup, redirect_to).await?;
        let user = store::user_by_id(&*tx, user.id)
            .await
            .map_err(|e| e.into_api("Database error updating user"))?
            .ok_or_else(|| ApiError::internal("Database error updating user"))?;
        tx.commit()
            .await
            .map_err(db_error("Database error saving new user"))?;
        return Ok(user.to_json());
    }
    verify::confirm(&*tx, &user)
        .await
        .map_err(db_error("Database error updating user"))?;
    let user = store::user_by_id(&*tx, user.id)
        .await
        .map_err(|e| e.into_api("Database error updating user"))?
        .ok_or_else(|| ApiError::internal("Database error updating user"))?;
    tx.commit()
        .await
        .map_err(db_error("Database error saving new user"))?;
    session_after_sign_up(state, &mut client, user).await
}

async fn session_after_sign_up(
    state: &SharedState,
    client: &mut deadpool_postgres::Client,
    mut user: User,
) -> Result<Value, ApiError> {
    // Supabase Auth answers the user as it was before confirming it: no `confirmed_at`.
    user.confirmed_at = None;
    // The session in a transaction of its own, as Supabase Auth does: a hook that fails
    // it leaves the new user in place.
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Database error granting user"))?;
    let session = tokens::issue_session(state, &*tx, &mut user, "password").await?;
    tx.commit()
        .await
        .map_err(db_error("Database error granting user"))?;
    Ok(session)
}

/// A random password for accounts made without one (magic link sign-ups, invites).
pub(crate) fn random_password() -> String {
    tokens_hex(32)
}

pub(crate) fn tokens_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn obfuscated_user(existing: &User, email: &str, data: Map<String, Value>) -> Value {
    let now = store::time(Some(chrono::Utc::now()));
    json!({
        "id": Uuid::new_v4(),
        "aud": existing.aud,
        "role": "",
        "email": email,
        "phone": "",
        "confirmation_sent_at": now,
        "app_metadata": { "provider": "email", "providers": ["email"] },
        "user_metadata": data,
        "identities": [],
        "created_at": now,
        "updated_at": now,
        "is_anonymous": false,
    })
}

#[derive(Deserialize)]
pub struct GrantQuery {
    grant_type: Option<String>,
}

#[derive(Deserialize)]
struct PasswordParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct RefreshParams {
    #[serde(default)]
    refresh_token: String,
}

pub async fn token(
    State(state): State<SharedState>,
    Query(q): Query<GrantQuery>,
    body: Bytes,
) -> Answer {
    match q.grant_type.as_deref() {
        Some("password") => password_grant(state, parse_json(&body)?).await,
        Some("refresh_token") => refresh_grant(state, parse_json(&body)?).await,
        _ => Err(ApiError::bad_request(
            "invalid_credentials",
            "unsupported_grant_type",
        )),
    }
}

async fn password_grant(state: SharedState, params: PasswordParams) -> Answer {
    if !params.email.is_empty() && !params.phone.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Only an email address or phone number should be provided on login.",
        ));
    }
    if params.email.is_empty() {
        if !params.phone.is_empty() {
            return Err(ApiError::unprocessable(
                "phone_provider_disabled",
                "Phone logins are disabled",
            ));
        }
        return Err(ApiError::bad_request(
            "validation_failed",
            "missing email or phone",
        ));
    }
    if !state.settings.email_enabled {
        return Err(ApiError::unprocessable(
            "email_provider_disabled",
            "Email logins are disabled",
        ));
    }
    let mut client = client(&state).await?;
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Database error querying schema"))?;
    let user = store::user_by_email(&*tx, &params.email)
        .await
        .map_err(|e| e.into_api("Database error querying schema"))?;
    let Some(mut user) = user else {
        return Err(ApiError::bad_request("invalid_credentials", INVALID_LOGIN));
    };
    if !user.has_password() {
        return Err(ApiError::bad_request("invalid_credentials", INVALID_LOGIN));
    }
    if user.is_banned() {
        return Err(ApiError::bad_request("user_banned", "User is banned"));
    }
    let hash = user.encrypted_password.clone().unwrap_or_default();
    let password = params.password;
    let valid =
        tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash).unwrap_or(false))
            .await
            .unwrap_or(false);
    if !valid {
        return Err(ApiError::bad_request("invalid_credentials", INVALID_LOGIN));
    }
    if user.email_confirmed_at.is_none() {
        return Err(ApiError::bad_request(
            "email_not_confirmed",
            "Email not confirmed",
        ));
    }
    let mut session = tokens::issue_session(&state, &*tx, &mut user, "password").await?;
    tx.commit()
        .await
        .map_err(db_error("Database error granting user"))?;
    // The password grant's answer names a weak password (null: none; the length rule is
    // the only one here and it held when the password was set).
    session["weak_password"] = Value::Null;
    json_ok(session)
}

async fn refresh_grant(state: SharedState, params: RefreshParams) -> Answer {
    if params.refresh_token.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Refresh token is not valid",
        ));
    }
    let mut client = client(&state).await?;
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Database error granting user"))?;
    match tokens::refresh(&state, &*tx, &params.refresh_token).await? {
        Refreshed::Tokens(body) => {
            tx.commit()
                .await
                .map_err(db_error("Database error granting user"))?;
            json_ok(body)
        }
        Refreshed::CommitThenFail(error) => {
            tx.commit()
                .await
                .map_err(db_error("Database error granting user"))?;
            Err(error)
        }
    }
}

/// The caller of an endpoint that needs a signed-in user: the token verified, its user
/// and (when the token names one) its session loaded, as Supabase Auth's middleware does.
struct Caller {
    user: User,
    session_id: Option<Uuid>,
}

fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "no_authorization",
            "This endpoint requires a valid Bearer token",
        )
    };
    let value = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.contains(char::is_whitespace)
    {
        return Err(missing());
    }
    Ok(token.to_owned())
}

pub(crate) fn claims(state: &SharedState, headers: &HeaderMap) -> Result<Value, ApiError> {
    let token = bearer(headers)?;
    state.keys.verify(&token).map_err(|e| {
        ApiError::forbidden(
            "bad_jwt",
            format!("invalid JWT: unable to parse or verify signature, {e}"),
        )
    })
}

async fn caller(
    state: &SharedState,
    headers: &HeaderMap,
    db: &impl tokio_postgres::GenericClient,
) -> Result<Caller, ApiError> {
    let claims = claims(state, headers)?;
    let sub = claims["sub"].as_str().unwrap_or_default();
    if sub.is_empty() {
        return Err(ApiError::forbidden(
            "bad_jwt",
            "invalid claim: missing sub claim",
        ));
    }
    let id = Uuid::parse_str(sub)
        .map_err(|_| ApiError::bad_request("bad_jwt", "invalid claim: sub claim must be a UUID"))?;
    let user = store::user_by_id(db, id)
        .await
        .map_err(|e| e.into_api("Database error finding user"))?
        .ok_or_else(|| {
            ApiError::forbidden(
                "user_not_found",
                "User from sub claim in JWT does not exist",
            )
        })?;
    let mut session_id = None;
    let sid = claims["session_id"].as_str().unwrap_or_default();
    if !sid.is_empty() && sid != Uuid::nil().to_string() {
        let sid = Uuid::parse_str(sid).map_err(|_| {
            ApiError::forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID")
        })?;
        let found = db
            .query_opt("select id from auth.sessions where id = $1", &[&sid])
            .await
            .map_err(db_error("Database error finding session"))?;
        if found.is_none() {
            return Err(ApiError::forbidden(
                "session_not_found",
                "Session from session_id claim in JWT does not exist",
            ));
        }
        session_id = Some(sid);
    }
    if user.is_banned() {
        return Err(ApiError::forbidden("user_banned", "User is banned"));
    }
    Ok(Caller { user, session_id })
}

pub async fn user_get(State(state): State<SharedState>, headers: HeaderMap) -> Answer {
    let client = client(&state).await?;
    let caller = caller(&state, &headers, &**client).await?;
    json_ok(caller.user.to_json())
}

#[derive(Deserialize)]
struct UserUpdateParams {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    data: Option<Value>,
    app_metadata: Option<Value>,
}

pub async fn user_put(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Answer {
    let mut client = client(&state).await?;
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Error updating user"))?;
    let caller = caller(&state, &headers, &*tx).await?;
    let params: UserUpdateParams = parse_json(&body)?;
    if non_null(params.app_metadata).is_some() {
        return Err(ApiError::forbidden(
            "not_admin",
            "Updating app_metadata requires admin privileges",
        ));
    }
    let user = caller.user;
    let email_change = params
        .email
        .filter(|e| !e.is_empty() && Some(e.to_lowercase()) != user.email);
    let phone_change = params
        .phone
        .filter(|p| !p.is_empty() && Some(p) != user.phone.as_ref());
    if email_change.is_some() || phone_change.is_some() {
        return Err(ApiError::unprocessable(
            "feature_disabled",
            "Changing the email address or phone is not served by the local Auth stand-in",
        ));
    }
    if let Some(password) = params.password.filter(|p| !p.is_empty()) {
        check_password(&state, &password)?;
        let current = user.encrypted_password.clone().unwrap_or_default();
        let candidate = password.clone();
        let same = !current.is_empty()
            && tokio::task::spawn_blocking(move || {
                bcrypt::verify(candidate, &current).unwrap_or(false)
            })
            .await
            .unwrap_or(false);
        if same {
            return Err(ApiError::unprocessable(
                "same_password",
                "New password should be different from the old password.",
            ));
        }
        let hash = hash_password(&password).await?;
        tx.execute(
            "update auth.users set encrypted_password = $2, updated_at = now() where id = $1",
            &[&user.id, &hash],
        )
        .await
        .map_err(db_error("Error updating user"))?;
    }
    let data = as_object(params.data, "data")?;
    if !data.is_empty() {
        let merged = store::merge_metadata(&user.user_metadata, &data);
        tx.execute(
            "update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1",
            &[&user.id, &merged],
        )
        .await
        .map_err(db_error("Error updating user"))?;
    }
    let updated = store::user_by_id(&*tx, user.id)
        .await
        .map_err(|e| e.into_api("Error updating user"))?
        .ok_or_else(|| ApiError::internal("Error updating user"))?;
    tx.commit().await.map_err(db_error("Error updating user"))?;
    json_ok(updated.to_json())
}

#[derive(Deserialize)]
pub struct LogoutQuery {
    scope: Option<String>,
}

pub async fn logout(
    State(state): State<SharedState>,
    Query(q): Query<LogoutQuery>,
    headers: HeaderMap,
) -> Answer {
    let scope = q.scope.unwrap_or_default();
    if !matches!(scope.as_str(), "" | "global" | "local" | "others") {
        return Err(ApiError::bad_request(
            "validation_failed",
            format!("Unsupported logout scope {scope:?}"),
        ));
    }
    let client = client(&state).await?;
    let caller = caller(&state, &headers, &**client).await?;
    let failed = db_error("Error logging out user");
    match (scope.as_str(), caller.session_id) {
        ("local", Some(sid)) => {
            client
                .execute("delete from auth.sessions where id = $1", &[&sid])
                .await
                .map_err(failed)?;
        }
        ("others", Some(sid)) => {
            client
                .execute(
                    "delete from auth.sessions where user_id = $1 and id <> $2",
                    &[&caller.user.id, &sid],
                )
                .await
                .map_err(failed)?;
        }
        _ => {
            client
                .execute(
                    "delete from auth.sessions where user_id = $1",
                    &[&caller.user.id],
                )
                .await
                .map_err(&failed)?;
            client
                .execute(
                    "delete from auth.refresh_tokens where user_id = $1",
                    &[&caller.user.id.to_string()],
                )
                .await
                .map_err(failed)?;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(valid_email("Ann@Example.COM").unwrap(), "ann@example.com");
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a nn@example.com",
            "ann@.com",
            "a@b@c.com",
        ] {
            let e = valid_email(bad).unwrap_err();
            assert_eq!(e.code, Some("validation_failed"), "{bad}");
        }
    }

    #[test]
    fn bearer_tokens_are_read_as_supabase_reads_them() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h).unwrap_err().code, Some("no_authorization"));
        h.insert("authorization", "Basic abc".parse().unwrap());
        assert_eq!(bearer(&h).unwrap_err().status, StatusCode::UNAUTHORIZED);
        h.insert("authorization", "bearer abc.def".parse().unwrap());
        assert_eq!(bearer(&h).unwrap(), "abc.def");
    }
}
