//! The service role's `admin/users`: create, list, get, update, delete, as Supabase
//! Auth's admin API answers them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::SharedState;
use crate::errors::{ApiError, nullable, parse_json};
use crate::handlers::{
    Answer, as_object, check_password, claims, client, hash_password, json_ok, tokens_hex,
    valid_email,
};
use crate::store::{self, NewUser, User, db_error};

/// The service role (the secret key's JWT, or a service_role JWT), as Supabase Auth's
/// admin endpoints require it.
pub(crate) fn require_admin(state: &SharedState, headers: &HeaderMap) -> Result<(), ApiError> {
    let claims = claims(state, headers)?;
    match claims["role"].as_str() {
        Some("service_role" | "supabase_admin") => Ok(()),
        _ => Err(ApiError::forbidden("not_admin", "User not allowed")),
    }
}

#[derive(Deserialize)]
struct AdminCreateParams {
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    phone: String,
    password: Option<String>,
    #[serde(default)]
    email_confirm: bool,
    user_metadata: Option<Value>,
    app_metadata: Option<Value>,
    role: Option<String>,
}

pub async fn admin_create(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    require_admin(&state, &headers)?;
    let params: AdminCreateParams = parse_json(&body)?;
    if params.email.is_empty() && params.phone.is_empty() {
        return Err(ApiError::bad_request(
            "validation_failed",
            "Cannot create a user without either an email or phone",
        ));
    }
    if !params.phone.is_empty() {
        return Err(ApiError::bad_request(
            "phone_provider_disabled",
            "Phone users are not served by the local Auth stand-in",
        ));
    }
    let email = valid_email(&params.email)?;
    let password = match params.password.filter(|p| !p.is_empty()) {
        Some(p) => {
            check_password(&state, &p)?;
            p
        }
        None => tokens_hex(32),
    };
    let user_metadata = as_object(params.user_metadata, "user_metadata")?;
    let app_metadata = as_object(params.app_metadata, "app_metadata")?;
    let mut client = client(&state).await?;
    let tx = client
        .transaction()
        .await
        .map_err(db_error("Database error creating new user"))?;
    if store::user_by_email(&*tx, &email)
        .await
        .map_err(|e| e.into_api("Database error checking email"))?
        .is_some()
    {
        return Err(ApiError::unprocessable(
            "email_exists",
            "A user with this email address has already been registered",
        ));
    }
    let hash = hash_password(&password).await?;
    let role = params
        .role
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "authenticated".into());
    let user = store::insert_email_user(
        &*tx,
        NewUser {
            id: Uuid::new_v4(),
            email: &email,
            encrypted_password: Some(&hash),
            confirmed: params.email_confirm,
            confirmation_token: "",
            user_metadata,
            app_metadata,
            role: &role,
            signup: false,
        },
    )
    .await
    .map_err(|e| e.into_api("Database error creating new user"))?;
    tx.commit()
        .await
        .map_err(db_error("Database error creating new user"))?;
    // As Supabase Auth answers it: the user as built, before the database derived
    // `confirmed_at`.
    let mut user = user;
    user.confirmed_at = None;
    json_ok(user.to_json())
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
    per_page: Option<String>,
}

pub async fn admin_list(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Answer {
    require_admin(&state, &headers)?;
    let number = |v: Option<String>, default: i64| -> Result<i64, ApiError> {
        match v.filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => s.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ApiError::bad_request(
                    "validation_failed",
                    format!("Bad Pagination Parameters: invalid number {s:?}"),
                )
            }),
        }
    };
    let page = number(q.page, 1)?;
    let per_page = number(q.per_page, 50)?.min(1000);
    let client = client(&state).await?;
    let (users, total) = store::list_users(&**client, page, per_page)
        .await
        .map_err(|e| e.into_api("Database error finding users"))?;
    let mut response = Json(json!({
        "users": users.iter().map(User::to_json).collect::<Vec<_>>(),
        "aud": store::AUDIENCE,
    }))
    .into_response();
    let headers = response.headers_mut();
    let last = ((total + per_page - 1) / per_page).max(1);
    let mut links = vec![];
    if page < last {
        links.push(format!(
            "</admin/users?page={}&per_page={per_page}>; rel=\"next\"",
            page + 1
        ));
    }
    links.push(format!(
        "</admin/users?page={last}&per_page={per_page}>; rel=\"last\""
    ));
    if let Ok(v) = total.to_string().parse() {
        headers.insert("x-total-count", v);
    }
    if let Ok(v) = links.join(", ").parse() {
        headers.insert("link", v);
    }
    Ok(response)
}

fn user_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found("validation_failed", "user_id must be an UUID"))
}

pub async fn admin_get(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    require_admin(&state, &headers)?;
    let id = user_id(&id)?;
    let client = client(&state).await?;
    let user = store::user_by_id(&**client, id)
        .await
        .map_err(|e| e.into_api("Database error loading user"))?
        .ok_or_else(|| ApiError::not_found("user_not_found", "User not found"))?;
    json_ok(user.to_json())
}

pub async fn admin_delete(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    require_admin(&state, &headers)?;
    let id = user_id(&id)?;
    #[derive(Deserialize, Default)]
    struct DeleteParams {
        #[serde(default)]
        should_soft_delete: bool,
    }
    let params: DeleteParams = if body.is_empty() {
        DeleteParams::default()
    } else {
        parse_json(&body)?
    };
    let client = client(&state).await?;
    let found = store::user_by_id(&**client, id)
        .await
        .map_err(|e| e.into_api("Database error loading user"))?;
    if found.is_none() {
        return Err(ApiError::not_found("user_not_found", "User not found"));
    }
    if params.should_soft_delete {
        return Err(ApiError::unprocessable(
            "feature_disabled",
            "Soft deletion is not served by the local Auth stand-in",
        ));
    }
    client
        .execute("delete from auth.users where id = $1", &[&id])
        .await
        .map_err(db_error("Database error deleting user"))?;
    json_ok(json!({}))
}

#[derive(Deserialize)]
struct AdminUpdateParams {
    #[serde(default, deserialize_with = "nullable")]
    role: String,
    #[serde(default, deserialize_with = "nullable")]
    email: String,
    #[serde(default, deserialize_with = "nullable")]
    phone: String,
    password: Option<String>,
    #[serde(default)]
    email_confirm: bool,
    user_metadata: Option<Value>,
    app_metadata: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    ban_duration: String,
}

/// A Go duration (`"24h"`, `"1h30m"`, `"90s"`, `"500ms"`) as `ban_duration` takes it;
/// the error is Go's, which Supabase Auth puts in its message.
fn go_duration(text: &str) -> Result<chrono::Duration, String> {
    let invalid = || format!("time: invalid duration {text:?}");
    if text == "0" {
        return Ok(chrono::Duration::zero());
    }
    let (mut total, mut rest) = (0f64, text);
    if rest.is_empty() {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "" => return Err(format!("time: missing unit in duration {text:?}")),
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            unit => return Err(format!("time: unknown unit {unit:?} in duration {text:?}")),
        };
        total += number * seconds;
        rest = &rest[unit_len..];
    }
    chrono::Duration::try_milliseconds((total * 1000.0) as i64).ok_or_else(invalid)
}

pub async fn admin_update(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    require_admin(&state, &headers)?;
    let id = user_id(&id)?;
    let mut client = client(&state).await?;
    let found = store::user_by_id(&**client, id)
        .await
        .map_err(|e| e.into_api("Database error loading user"))?;
    let Some(user) = found else {
        return Err(ApiError::not_found("user_not_found", "User not found"));
    };
    let p: AdminUpdateParams = parse_json(&body)?;
    let email = match p.email.as_str() {
        "" => None,
        e => Some(valid_email(e)?),
    };
    if !p.phone.is_empty() {
        return Err(ApiError::bad_request(
            "phone_provider_disabled",
            "Phone users are not served by the local Auth stand-in",
        ));
    }
    // Go's zero is no ban; "none" lifts one.
    let ban = match p.ban_duration.as_str() {
        "" => None,
        "none" => Some(chrono::Duration::zero()),
        text => Some(go_duration(text).map_err(|e| {
            ApiError::bad_request(
                "validation_failed",
                format!("invalid format for ban duration: {e}"),
            )
        })?),
    };
    let password_hash = match &p.password {
        Some(password) => {
            check_password(&state, password)?;
            Some(hash_password(password).await?)
        }
        None => None,
    };
    let user_metadata = as_object(p.user_metadata, "user_metadata")?;
    let app_metadata = as_object(p.app_metadata, "app_metadata")?;

    let tx = client
        .transaction()
        .await
        .map_err(db_error("Error updating user"))?;
    let failed = db_error("Error updating user");
    if !p.role.is_empty() {
        tx.execute(
            "update auth.users set role = $2, updated_at = now() where id = $1",
            &[&id, &p.role.trim()],
        )
        .await
        .map_err(&failed)?;
    }
    if p.email_confirm {
        crate::verify::confirm(&*tx, &user).await.map_err(&failed)?;
    }
    if let Some(hash) = &password_hash {
        tx.execute(
            "update auth.users set encrypted_password = $2, updated_at = now() where id = $1",
            &[&id, hash],
        )
        .await
        .map_err(&failed)?;
    }
    if let Some(email) = &email {
        let changed = json!({ "email": email, "email_verified": p.email_confirm });
        tx.execute(
            "update auth.identities set identity_data = identity_data || $2, updated_at = now()
             where user_id = $1 and provider = 'email'",
            &[&id, &changed],
        )
        .await
        .map_err(&failed)?;
        // An address in use by another account breaks the unique index: Supabase Auth's
        // answer is then its generic 500, as here.
        tx.execute(
            "update auth.users set email = $2, updated_at = now() where id = $1",
            &[&id, email],
        )
        .await
        .map_err(&failed)?;
    }
    if !app_metadata.is_empty() {
        let merged = store::merge_metadata(&user.app_metadata, &app_metadata);
        tx.execute(
            "update auth.users set raw_app_meta_data = $2, updated_at = now() where id = $1",
            &[&id, &merged],
        )
        .await
        .map_err(&failed)?;
    }
    if !user_metadata.is_empty() {
        let current = if p.email_confirm {
            // confirm() above added `email_verified`; merge onto what is stored now.
            tx.query_one(
                "select raw_user_meta_data from auth.users where id = $1",
                &[&id],
            )
            .await
            .map_err(&failed)?
            .get::<_, Option<Value>>(0)
            .unwrap_or_else(|| json!({}))
        } else {
            user.user_metadata.clone()
        };
        let merged = store::merge_metadata(&current, &user_metadata);
        tx.execute(
            "update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1",
            &[&id, &merged],
        )
        .await
        .map_err(&failed)?;
    }
    if let Some(ban) = ban {
        tx.execute(
            "update auth.users set banned_until = case when $2::bigint = 0 then null
               else now() + make_interval(secs => $2::bigint / 1000.0) end where id = $1",
            &[&id, &ban.num_milliseconds()],
        )
        .await
        .map_err(&failed)?;
    }
    let updated = store::user_by_id(&*tx, id)
        .await
        .map_err(|e| e.into_api("Error updating user"))?
        .ok_or_else(|| ApiError::internal("Error updating user"))?;
    tx.commit().await.map_err(failed)?;
    json_ok(updated.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ban_durations_are_go_durations() {
        assert_eq!(go_duration("24h").unwrap(), chrono::Duration::hours(24));
        assert_eq!(go_duration("1h30m").unwrap(), chrono::Duration::minutes(90));
        assert_eq!(
            go_duration("1.5s").unwrap(),
            chrono::Duration::milliseconds(1500)
        );
        assert_eq!(
            go_duration("10").unwrap_err(),
            "time: missing unit in duration \"10\""
        );
        assert_eq!(
            go_duration("2d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"2d\""
        );
        assert_eq!(
            go_duration("soon").unwrap_err(),
            "time: invalid duration \"soon\""
        );
    }
}
