//! The endpoints that mail a link, as Supabase Auth serves them: `/resend` (sign-up
//! confirmation), `/recover`, `/otp` (magic link by email), and for the service role
//! `/invite` and `/admin/generate_link` (which answers the link instead of mailing it).
//! Each answers `{}` where Supabase Auth does, so they do not tell who is registered.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::SharedState;
use crate::admin::require_admin;
use crate::errors::{ApiError, nullable, parse_json};
use crate::handlers::{
    Answer, as_object, client, hash_password, json_ok, random_password, sign_up, valid_email,
};
use crate::links;
use crate::mail::{self, Kind};
use crate::store::{self, NewUser, User, db_error};

/// `redirect_to` as auth-js sends it, in the query.
#[derive(Deserialize)]
pub struct RedirectQuery {
    pub redirect_to: Option<String>,
}

/// Mails `kind`'s link to the user and stores its token, in Supabase Auth's order: the
/// per-user frequency (not for invites), the mail, then the token.
pub async fn send_link(
    state: &SharedState,
    db: &impl tokio_postgres::GenericClient,
    user: &User,
    kind: Kind,
    redirect_to: &str,
) -> Result<(), ApiError> {
    let last_sent = match kind {
        Kind::Signup => user.confirmation_sent_at,
        Kind::MagicLink | Kind::Recovery => user.recovery_sent_at,
        Kind::Invite => None,
    };
    mail::check_frequency(last_sent, state.settings.email_max_frequency)?;
    let email = user.email.clone().unwrap_or_default();
    let otp = links::new_otp(state.settings.otp_length);
    let hash = links::token_hash(&email, &otp);
    let link = links::action_link(
        &state.env.api_url,
        &hash,
        kind.verification_type(),
        redirect_to,
    );
    state
        .mailer
        .send(kind, &email, &link, &otp, &state.settings.site_url)
        .await?;
    links::store(db, user.id, &email, kind, &hash)
        .await
        .map_err(db_error(kind.failure()))
}

fn empty() -> Answer {
    json_ok(json!({}))
}

fn pkce_not_served(challenge: &str) -> Result<(), ApiError> {
    if challenge.is_empty() {
        return Ok(());
    }
    Err(ApiError::unprocessable(
        "feature_disabled",
        "The PKCE flow is not served by the local Auth stand-in",
    ))
}

/// Runs `body` in a transaction that commits when it succeeds.
macro_rules! in_transaction {
    ($state:expr, $failure:expr, |$tx:ident| $body:expr) => {{
        let mut client = client($state).await?;
        let $tx = client.transaction().await.map_err(db_error($failure))?;
        let value = $body;
        $tx.commit().await.map_err(db_error($failure))?;
        value
    }};
}

#[derive(Deserialize)]
struct ResendParams {
    #[serde(default, rename = "type", deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    phone: String,
    #[serde(default, deserialize_with = "nullable")]
    code_challenge: String,
}

pub async fn resend(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    body: Bytes,
) -> Answer {
    let p: ResendParams = parse_json(&body)?;
    let invalid = |m: &str| ApiError::bad_request("validation_failed", m.to_owned());
    if !matches!(
        p.kind.as_str(),
        "signup" | "email_change" | "sms" | "phone_change"
    ) {
        return Err(invalid(
            "Missing one of these types: signup, email_change, sms, phone_change",
        ));
    }
    if p.email.is_empty() && p.kind == "signup" {
        return Err(invalid("Type provided requires an email address"));
    }
    if p.phone.is_empty() && p.kind == "sms" {
        return Err(invalid("Type provided requires a phone number"));
    }
    if !p.email.is_empty() && !p.phone.is_empty() {
        return Err(invalid(
            "Only an email address or phone number should be provided.",
        ));
    }
    if !p.phone.is_empty() {
        return Err(ApiError::bad_request(
            "phone_provider_disabled",
            "Phone logins are disabled",
        ));
    }
    if p.email.is_empty() {
        return Err(invalid("Missing email address or phone number"));
    }
    if !state.settings.email_enabled {
        return Err(ApiError::bad_request(
            "email_provider_disabled",
            "Email logins are disabled",
        ));
    }
    let email = valid_email(&p.email)?;
    pkce_not_served(&p.code_challenge)?;
    let redirect_to = links::referrer(&state.settings, &headers, q.redirect_to.as_deref());
    in_transaction!(&state, "Unable to process request", |tx| {
        let user = store::user_by_email(&*tx, &email)
            .await
            .map_err(|e| e.into_api("Unable to process request"))?;
        // Nobody, a confirmed address, or (this stand-in changes no address) no pending
        // address change: nothing to send, and the caller is not told which.
        if let Some(user) = user.filter(|u| p.kind == "signup" && u.email_confirmed_at.is_none()) {
            send_link(&state, &*tx, &user, Kind::Signup, &redirect_to).await?;
        }
    });
    empty()
}

#[derive(Deserialize)]
struct RecoverParams {
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    code_challenge: String,
}

pub async fn recover(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    body: Bytes,
) -> Answer {
    let p: RecoverParams = parse_json(&body)?;
    if p.email.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Password recovery requires an email",
        ));
    }
    let email = valid_email(&p.email)?;
    pkce_not_served(&p.code_challenge)?;
    let redirect_to = links::referrer(&state.settings, &headers, q.redirect_to.as_deref());
    in_transaction!(&state, "Unable to process request", |tx| {
        let user = store::user_by_email(&*tx, &email)
            .await
            .map_err(|e| e.into_api("Unable to process request"))?;
        if let Some(user) = user {
            send_link(&state, &*tx, &user, Kind::Recovery, &redirect_to).await?;
        }
    });
    empty()
}

#[derive(Deserialize)]
struct OtpParams {
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    phone: String,
    create_user: Option<bool>,
    data: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    channel: String,
    #[serde(default, deserialize_with = "nullable")]
    code_challenge: String,
}

pub async fn otp(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    body: Bytes,
) -> Answer {
    let p: OtpParams = parse_json(&body)?;
    let invalid = |m: &str| ApiError::bad_request("validation_failed", m.to_owned());
    if !p.email.is_empty() && !p.phone.is_empty() {
        return Err(invalid(
            "Only an email address or phone number should be provided",
        ));
    }
    if !p.email.is_empty() && !p.channel.is_empty() {
        return Err(invalid("Channel should only be specified with Phone OTP"));
    }
    pkce_not_served(&p.code_challenge)?;
    let data = as_object(p.data, "data")?;
    if p.create_user == Some(false) && !p.email.is_empty() {
        let email = valid_email(&p.email)?;
        let client = client(&state).await?;
        let found = store::user_by_email(&**client, &email)
            .await
            .map_err(|e| e.into_api("Database error finding user"))?;
        if found.is_none() {
            return Err(ApiError::unprocessable(
                "otp_disabled",
                "Signups not allowed for otp",
            ));
        }
    }
    if !p.phone.is_empty() {
        return Err(ApiError::bad_request(
            "phone_provider_disabled",
            "Unsupported phone provider",
        ));
    }
    if p.email.is_empty() {
        return Err(invalid("One of email or phone must be set"));
    }
    if !state.settings.email_enabled {
        return Err(ApiError::unprocessable(
            "email_provider_disabled",
            "Email logins are disabled",
        ));
    }
    let email = valid_email(&p.email)?;
    let redirect_to = links::referrer(&state.settings, &headers, q.redirect_to.as_deref());
    let existing = {
        let client = client(&state).await?;
        store::user_by_email(&**client, &email)
            .await
            .map_err(|e| e.into_api("Database error finding user"))?
    };
    // Nobody yet, or not confirmed: a sign-up with a random password, as Supabase Auth
    // does. With confirmations on its confirmation mail is the answer; with them off the
    // new user is confirmed and gets the magic link below.
    if existing
        .as_ref()
        .is_none_or(|u| u.email_confirmed_at.is_none())
    {
        if !state.settings.enable_signup {
            return Err(ApiError::unprocessable(
                "signup_disabled",
                "Signups not allowed for this instance",
            ));
        }
        sign_up(&state, &email, &random_password(), data, &redirect_to).await?;
        if state.settings.confirmations {
            return empty();
        }
    }
    in_transaction!(&state, "Database error finding user", |tx| {
        let user = store::user_by_email(&*tx, &email)
            .await
            .map_err(|e| e.into_api("Database error finding user"))?
            .ok_or_else(|| ApiError::internal("Database error finding user"))?;
        send_link(&state, &*tx, &user, Kind::MagicLink, &redirect_to).await?;
    });
    empty()
}

#[derive(Deserialize)]
struct InviteParams {
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    data: Option<Value>,
}

/// A new unconfirmed user without a password, with its email identity; as Supabase
/// Auth's admin API makes one, `data` is the user metadata as given, kept out of the
/// identity.
async fn new_invited_user(
    db: &impl tokio_postgres::GenericClient,
    email: &str,
    data: Map<String, Value>,
) -> Result<User, ApiError> {
    store::insert_email_user(
        db,
        NewUser {
            id: Uuid::new_v4(),
            email,
            encrypted_password: None,
            confirmed: false,
            confirmation_token: "",
            user_metadata: data,
            app_metadata: Map::new(),
            role: "authenticated",
            signup: false,
        },
    )
    .await
    .map_err(|e| e.into_api("Database error saving new user"))
}

fn email_exists() -> ApiError {
    ApiError::unprocessable(
        "email_exists",
        "A user with this email address has already been registered",
    )
}

pub async fn invite(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    body: Bytes,
) -> Answer {
    require_admin(&state, &headers)?;
    let p: InviteParams = parse_json(&body)?;
    let email = valid_email(&p.email)?;
    let data = as_object(p.data, "data")?;
    let redirect_to = links::referrer(&state.settings, &headers, q.redirect_to.as_deref());
    let user = in_transaction!(&state, "Error inviting user", |tx| {
        let existing = store::user_by_email(&*tx, &email)
            .await
            .map_err(|e| e.into_api("Database error finding user"))?;
        let user = match existing {
            Some(u) if u.email_confirmed_at.is_some() => return Err(email_exists()),
            Some(u) => u,
            None => new_invited_user(&*tx, &email, data).await?,
        };
        send_link(&state, &*tx, &user, Kind::Invite, &redirect_to).await?;
        store::user_by_id(&*tx, user.id)
            .await
            .map_err(|e| e.into_api("Error inviting user"))?
            .ok_or_else(|| ApiError::internal("Error inviting user"))?
    });
    json_ok(user.to_json())
}

#[derive(Deserialize)]
struct GenerateLinkParams {
    #[serde(default, rename = "type", deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    password: String,
    data: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    redirect_to: String,
}

pub async fn generate_link(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    body: Bytes,
) -> Answer {
    require_admin(&state, &headers)?;
    let p: GenerateLinkParams = parse_json(&body)?;
    let email = valid_email(&p.email)?;
    let mut redirect_to = links::referrer(&state.settings, &headers, q.redirect_to.as_deref());
    if links::redirect_allowed(&state.settings, &p.redirect_to) {
        redirect_to = p.redirect_to.clone();
    }
    let data = as_object(p.data, "data")?;
    let mut kind = p.kind.clone();
    let mut password = p.password.clone();
    let (user, otp, hash) = in_transaction!(&state, "Database error updating user", |tx| {
        let existing = store::user_by_email(&*tx, &email)
            .await
            .map_err(|e| e.into_api("Database error finding user"))?;
        if existing.is_none() {
            match kind.as_str() {
                // A magic link for nobody is a sign-up link for a new user.
                "magiclink" => {
                    kind = "signup".into();
                    password = random_password();
                }
                "recovery" | "email_change_current" | "email_change_new" => {
                    return Err(ApiError::not_found(
                        "user_not_found",
                        "User with this email not found",
                    ));
                }
                _ => {}
            }
        }
        let link_kind = match kind.as_str() {
            "signup" => Kind::Signup,
            "invite" => Kind::Invite,
            "magiclink" => Kind::MagicLink,
            "recovery" => Kind::Recovery,
            "email_change_current" | "email_change_new" => {
                return Err(ApiError::unprocessable(
                    "feature_disabled",
                    "Email changes are not served by the local Auth stand-in",
                ));
            }
            other => {
                return Err(ApiError::bad_request(
                    "validation_failed",
                    format!("Invalid email action link type requested: {other}"),
                ));
            }
        };
        let user = match (link_kind, existing) {
            (Kind::Signup | Kind::Invite, Some(u)) if u.email_confirmed_at.is_some() => {
                return Err(email_exists());
            }
            (Kind::Signup, Some(u)) => {
                let merged = store::merge_metadata(&u.user_metadata, &data);
                tx.execute(
                    "update auth.users set raw_user_meta_data = $2 where id = $1",
                    &[&u.id, &merged],
                )
                .await
                .map_err(db_error("Database error updating user"))?;
                u
            }
            (Kind::Signup, None) => {
                crate::handlers::check_password(&state, &password)?;
                let hash = hash_password(&password).await?;
                store::insert_email_user(
                    &*tx,
                    NewUser {
                        id: Uuid::new_v4(),
                        email: &email,
                        encrypted_password: Some(&hash),
                        confirmed: false,
                        confirmation_token: "",
                        user_metadata: data,
                        app_metadata: Map::new(),
                        role: "authenticated",
                        signup: false,
                    },
                )
                .await
                .map_err(|e| e.into_api("Database error saving new user"))?
            }
            (Kind::Invite, None) => new_invited_user(&*tx, &email, data).await?,
            (_, Some(u)) => u,
            (_, None) => return Err(ApiError::internal("Database error finding user")),
        };
        let otp = links::new_otp(state.settings.otp_length);
        let hash = links::token_hash(&email, &otp);
        links::store(&*tx, user.id, &email, link_kind, &hash)
            .await
            .map_err(db_error("Database error updating user"))?;
        let user = store::user_by_id(&*tx, user.id)
            .await
            .map_err(|e| e.into_api("Database error updating user"))?
            .ok_or_else(|| ApiError::internal("Database error updating user"))?;
        (user, otp, hash)
    });
    let mut body = user.to_json();
    body["action_link"] = json!(links::action_link(
        &state.env.api_url,
        &hash,
        &kind,
        &redirect_to
    ));
    body["email_otp"] = json!(otp);
    body["hashed_token"] = json!(hash);
    body["verification_type"] = json!(kind);
    body["redirect_to"] = json!(redirect_to);
    json_ok(body)
}
