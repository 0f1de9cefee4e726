//! The `auth` schema's rows as Supabase Auth reads and writes them: users, identities,
//! sessions, refresh tokens and the sessions' sign-in methods (`mfa_amr_claims`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

use crate::errors::ApiError;

/// Supabase Auth keeps every user under the nil instance.
pub const INSTANCE_ID: Uuid = Uuid::nil();
pub const AUDIENCE: &str = "authenticated";

const USER_COLUMNS: &str = "id, aud, role, email, encrypted_password, email_confirmed_at, invited_at, phone,
  phone_confirmed_at, confirmation_sent_at, confirmed_at, recovery_sent_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until, deleted_at, is_anonymous,
  confirmation_token, recovery_token, email_change_token_current, email_change_token_new, email_change,
  phone_change_token, phone_change, reauthentication_token";

/// Columns that Supabase Auth reads into plain strings: a NULL in any of them makes it
/// fail ("converting NULL to string is unsupported"), so it fails here too.
const STRING_COLUMNS: [&str; 10] = [
    "aud",
    "role",
    "confirmation_token",
    "recovery_token",
    "email_change_token_current",
    "email_change_token_new",
    "email_change",
    "phone_change_token",
    "phone_change",
    "reauthentication_token",
];

#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub aud: String,
    pub role: String,
    pub email: Option<String>,
    pub encrypted_password: Option<String>,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub invited_at: Option<DateTime<Utc>>,
    pub phone: Option<String>,
    pub phone_confirmed_at: Option<DateTime<Utc>>,
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub recovery_sent_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub app_metadata: Value,
    pub user_metadata: Value,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub banned_until: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub is_anonymous: bool,
    pub identities: Vec<Value>,
}

/// Why a user row could not be read.
#[derive(Debug)]
pub enum LoadError {
    Db(tokio_postgres::Error),
    /// A column Supabase Auth scans into a string holds NULL.
    NullString(&'static str),
}

impl From<tokio_postgres::Error> for LoadError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Db(e)
    }
}

impl LoadError {
    /// The 500 Supabase Auth answers, with the call site's message.
    pub fn into_api(self, message: &str) -> ApiError {
        match self {
            Self::Db(e) => eprintln!("auth: database: {message}: {e}"),
            Self::NullString(column) => {
                eprintln!(
                    "auth: {message}: auth.users.{column} is NULL (Supabase Auth cannot scan it into a string)"
                )
            }
        }
        ApiError::internal(message)
    }
}

pub fn db_error(message: &str) -> impl Fn(tokio_postgres::Error) -> ApiError + '_ {
    move |e| {
        eprintln!("auth: database: {message}: {e}");
        ApiError::internal(message)
    }
}

fn user_from_row(row: &Row) -> Result<User, LoadError> {
    for column in STRING_COLUMNS {
        if row.get::<_, Option<String>>(column).is_none() {
            return Err(LoadError::NullString(column));
        }
    }
    Ok(User {
        id: row.get("id"),
        aud: row.get("aud"),
        role: row.get("role"),
        email: row.get("email"),
        encrypted_password: row.get("encrypted_password"),
        email_confirmed_at: row.get("email_confirmed_at"),
        invited_at: row.get("invited_at"),
        phone: row.get("phone"),
        phone_confirmed_at: row.get("phone_confirmed_at"),
        confirmation_sent_at: row.get("confirmation_sent_at"),
        confirmed_at: row.get("confirmed_at"),
        recovery_sent_at: row.get("recovery_sent_at"),
        last_sign_in_at: row.get("last_sign_in_at"),
        app_metadata: row
            .get::<_, Option<Value>>("raw_app_meta_data")
            .unwrap_or_else(|| json!({})),
        user_metadata: row
            .get::<_, Option<Value>>("raw_user_meta_data")
            .unwrap_or_else(|| json!({})),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        banned_until: row.get("banned_until"),
        deleted_at: row.get("deleted_at"),
        is_anonymous: row.get("is_anonymous"),
        identities: vec![],
    })
}

async fn with_identities(db: &impl GenericClient, mut user: User) -> Result<User, LoadError> {
    let rows = db
        .query(
            "select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
             from auth.identities where user_id = $1 order by created_at",
            &[&user.id],
        )
        .await?;
    user.identities = rows
        .iter()
        .map(|r| {
            json!({
                "identity_id": r.get::<_, Uuid>("id"),
                "id": r.get::<_, String>("provider_id"),
                "user_id": r.get::<_, Uuid>("user_id"),
                "identity_data": r.get::<_, Value>("identity_data"),
                "provider": r.get::<_, String>("provider"),
                "last_sign_in_at": time(r.get("last_sign_in_at")),
                "created_at": time(r.get("created_at")),
                "updated_at": time(r.get("updated_at")),
                "email": r.get::<_, Option<String>>("email"),
            })
        })
        .collect();
    Ok(user)
}

pub async fn user_by_id(db: &impl GenericClient, id: Uuid) -> Result<Option<User>, LoadError> {
    let sql = format!("select {USER_COLUMNS} from auth.users where id = $1");
    match db.query_opt(&sql, &[&id]).await? {
        Some(row) => Ok(Some(with_identities(db, user_from_row(&row)?).await?)),
        None => Ok(None),
    }
}

/// As Supabase Auth finds a user signing in by email: nil instance, case-insensitive
/// email, the audience, not an SSO user.
pub async fn user_by_email(
    db: &impl GenericClient,
    email: &str,
) -> Result<Option<User>, LoadError> {
    let sql = format!(
        "select {USER_COLUMNS} from auth.users
         where instance_id = $1 and lower(email) = lower($2) and aud = $3 and is_sso_user = false"
    );
    match db
        .query_opt(&sql, &[&INSTANCE_ID, &email, &AUDIENCE])
        .await?
    {
        Some(row) => Ok(Some(with_identities(db, user_from_row(&row)?).await?)),
        None => Ok(None),
    }
}

pub async fn list_users(
    db: &impl GenericClient,
    page: i64,
    per_page: i64,
) -> Result<(Vec<User>, i64), LoadError> {
    let total: i64 = db
        .query_one(
            "select count(*) from auth.users where instance_id = $1 and aud = $2",
            &[&INSTANCE_ID, &AUDIENCE],
        )
        .await?
        .get(0);
    let sql = format!(
        "select {USER_COLUMNS} from auth.users where instance_id = $1 and aud = $2
         order by created_at desc, id desc limit $3 offset $4"
    );
    let rows = db
        .query(
            &sql,
            &[&INSTANCE_ID, &AUDIENCE, &per_page, &((page - 1) * per_page)],
        )
        .await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in &rows {
        users.push(with_identities(db, user_from_row(row)?).await?);
    }
    Ok((users, total))
}

/// What a new email user is made of.
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub encrypted_password: Option<&'a str>,
    pub confirmed: bool,
    pub confirmation_token: &'a str,
    pub user_metadata: Map<String, Value>,
    pub app_metadata: Map<String, Value>,
    pub role: &'a str,
    /// Sign-up (true): the identity's data (`sub`, `email`, `email_verified`,
    /// `phone_verified`) merged into the user metadata, and the user metadata into the
    /// identity's data. The admin API (false) keeps the metadata it was given.
    pub signup: bool,
}

/// Inserts the user and its email identity as Supabase Auth's sign-up or admin API does;
/// a confirmed address gets `email_verified: true` in the user metadata.
pub async fn insert_email_user(
    db: &impl GenericClient,
    new: NewUser<'_>,
) -> Result<User, LoadError> {
    let identity_fields = json!({
        "sub": new.id.to_string(),
        "email": new.email,
        "email_verified": false,
        "phone_verified": false,
    });
    let mut user_metadata = new.user_metadata;
    let mut identity_data = Map::new();
    if new.signup {
        identity_data = user_metadata.clone();
        for (k, v) in identity_fields.as_object().into_iter().flatten() {
            user_metadata.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in identity_fields.as_object().into_iter().flatten() {
        identity_data.insert(k.clone(), v.clone());
    }
    let identity_data = Value::Object(identity_data);
    // A confirmed address is a verified one (Supabase Auth's confirmation sets this).
    if new.confirmed {
        user_metadata.insert("email_verified".into(), Value::Bool(true));
    }
    let mut app_metadata = json!({ "provider": "email", "providers": ["email"] })
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (k, v) in new.app_metadata {
        app_metadata.insert(k, v);
    }
    db.execute(
        "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
           confirmation_token, confirmation_sent_at, recovery_token, email_change_token_new, email_change,
           raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous)
         values ($1, $2, $3, $4, $5, $6, case when $7 then now() end, $8,
           null, '', '', '', $9, $10, now(), now(), false)",
        &[
            &INSTANCE_ID,
            &new.id,
            &AUDIENCE,
            &new.role,
            &new.email,
            &new.encrypted_password,
            &new.confirmed,
            &new.confirmation_token,
            &Value::Object(app_metadata),
            &Value::Object(user_metadata),
        ],
    )
    .await?;
    db.execute(
        "insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
         values (gen_random_uuid(), $1, $2, $3, 'email', now(), now(), now())",
        &[&new.id.to_string(), &new.id, &identity_data],
    )
    .await?;
    user_by_id(db, new.id)
        .await?
        .ok_or(LoadError::NullString("id"))
}

/// RFC 3339 in UTC, as Go writes times in JSON; None stays null.
pub fn time(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    })
}

impl User {
    /// The user as Supabase Auth's API answers it.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("aud".into(), json!(self.aud));
        o.insert("role".into(), json!(self.role));
        o.insert(
            "email".into(),
            json!(self.email.clone().unwrap_or_default()),
        );
        let optional = [
            ("email_confirmed_at", self.email_confirmed_at),
            ("invited_at", self.invited_at),
        ];
        for (k, v) in optional {
            if v.is_some() {
                o.insert(k.into(), time(v));
            }
        }
        o.insert(
            "phone".into(),
            json!(self.phone.clone().unwrap_or_default()),
        );
        let optional = [
            ("phone_confirmed_at", self.phone_confirmed_at),
            ("confirmation_sent_at", self.confirmation_sent_at),
            ("confirmed_at", self.confirmed_at),
            ("recovery_sent_at", self.recovery_sent_at),
            ("last_sign_in_at", self.last_sign_in_at),
        ];
        for (k, v) in optional {
            if v.is_some() {
                o.insert(k.into(), time(v));
            }
        }
        o.insert("app_metadata".into(), self.app_metadata.clone());
        o.insert("user_metadata".into(), self.user_metadata.clone());
        o.insert("identities".into(), Value::Array(self.identities.clone()));
        o.insert("created_at".into(), time(self.created_at));
        o.insert("updated_at".into(), time(self.updated_at));
        for (k, v) in [
            ("banned_until", self.banned_until),
            ("deleted_at", self.deleted_at),
        ] {
            if v.is_some() {
                o.insert(k.into(), time(v));
            }
        }
        o.insert("is_anonymous".into(), json!(self.is_anonymous));
        Value::Object(o)
    }

    pub fn is_banned(&self) -> bool {
        self.banned_until.is_some_and(|t| t > Utc::now())
    }

    pub fn has_password(&self) -> bool {
        self.encrypted_password
            .as_deref()
            .is_some_and(|p| !p.is_empty())
    }
}

/// Merges `data` into a metadata object as Supabase Auth's updates do: each key replaces
/// the old value, a `null` removes the key.
pub fn merge_metadata(current: &Value, data: &Map<String, Value>) -> Value {
    let mut merged = current.as_object().cloned().unwrap_or_default();
    for (k, v) in data {
        if v.is_null() {
            merged.remove(k);
        } else {
            merged.insert(k.clone(), v.clone());
        }
    }
    Value::Object(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            id: Uuid::nil(),
            aud: AUDIENCE.into(),
            role: "authenticated".into(),
            email: Some("a@example.com".into()),
            encrypted_password: None,
            email_confirmed_at: None,
            invited_at: None,
            phone: None,
            phone_confirmed_at: None,
            confirmation_sent_at: None,
            confirmed_at: None,
            recovery_sent_at: None,
            last_sign_in_at: None,
            app_metadata: json!({}),
            user_metadata: json!({}),
            created_at: None,
            updated_at: None,
            banned_until: None,
            deleted_at: None,
            is_anonymous: false,
            identities: vec![],
        }
    }

    #[test]
    fn user_json_has_supabases_fields_and_omits_unset_times() {
        let mut u = user();
        u.encrypted_password = Some("$2a$10$secret".into());
        let j = u.to_json();
        assert_eq!(j["phone"], "");
        assert_eq!(j["identities"], json!([]));
        assert!(j.get("email_confirmed_at").is_none());
        assert!(
            j.get("encrypted_password").is_none(),
            "the hash never leaves"
        );
        assert!(!j.to_string().contains("secret"));
    }

    #[test]
    fn bans_last_until_their_time() {
        let mut u = user();
        assert!(!u.is_banned());
        u.banned_until = Some(Utc::now() + chrono::Duration::hours(1));
        assert!(u.is_banned());
        u.banned_until = Some(Utc::now() - chrono::Duration::hours(1));
        assert!(!u.is_banned());
    }

    #[test]
    fn metadata_merges_and_null_removes() {
        let data = json!({ "name": "B", "old": null })
            .as_object()
            .cloned()
            .unwrap();
        let merged = merge_metadata(&json!({ "name": "A", "old": 1, "keep": true }), &data);
        assert_eq!(merged, json!({ "name": "B", "keep": true }));
    }
}
