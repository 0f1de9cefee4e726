//! Who is calling: the caller's JWT from `Authorization: Bearer`, verified, turned into a
//! [`Caller`] that exists only once [`Auth::require`] has accepted it for a [`Role`]. A
//! handler that needs a user takes a `Caller`, so code without one cannot run as one.
//!
//! Verification: with `SUPABASE_JWT_SECRET`/`JWT_SECRET` in the env, the HS256 signature
//! is checked here (a function deployed with `verify_jwt = false` is then still
//! protected); `exp` and `nbf` are always checked. Without a secret the platform's
//! `verify_jwt` is what checked the signature, and PostgREST checks it again on every
//! `as_user` call, so RLS never runs on a forged token either way.
//!
//! Why `hmac` + `sha2` + `base64` and not a JWT crate: `jsonwebtoken` 9 needs `ring`
//! (C and assembly, which does not build for wasm32-unknown-unknown here) and 10 pulls a
//! whole RustCrypto set (RSA, ECDSA, EdDSA) for algorithms we refuse anyway. HS256 is
//! three base64url segments and one constant-time HMAC check (`Mac::verify_slice`).
//! Asymmetric (ES256/RS256) Supabase signing keys are not verified here: with a secret
//! configured such a token is refused; deploy those functions with `verify_jwt = true`
//! and no `JWT_SECRET`.

use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use uuid::Uuid;

use crate::config::Secret;
use crate::error::ApiError;
use crate::request::Request;
use crate::time::Clock;

/// Clock skew tolerated on `exp`/`nbf`, seconds.
const LEEWAY_SECONDS: i64 = 30;

/// A tenant user's role, from `app_metadata.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TenantRole {
    User,
    Admin,
    Owner,
}

impl TenantRole {
    fn parse(role: &str) -> Option<TenantRole> {
        match role {
            "user" => Some(TenantRole::User),
            "admin" => Some(TenantRole::Admin),
            "owner" => Some(TenantRole::Owner),
            _ => None,
        }
    }
}

/// What the custom access token hook puts in `app_metadata` (DEVELOPING.md "Tokens").
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AppMetadata {
    #[serde(default)]
    pub tenant_id: Option<Uuid>,
    #[serde(default, rename = "role")]
    role_name: Option<String>,
    #[serde(default)]
    pub is_candidate: bool,
}

impl AppMetadata {
    /// The tenant role; an unknown value counts as none.
    pub fn role(&self) -> Option<TenantRole> {
        self.role_name.as_deref().and_then(TenantRole::parse)
    }
}

/// The claims functions read. Unknown claims are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Claims {
    /// `auth.users.id`; absent on the anon and service-role keys.
    #[serde(default)]
    pub sub: Option<Uuid>,
    /// The Postgres role PostgREST switches to: `anon`, `authenticated`, `service_role`.
    pub role: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub exp: Option<i64>,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub app_metadata: AppMetadata,
}

/// What a handler requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Any signed-in user (Postgres role `authenticated`).
    User,
    /// A signed-in user linked to at least one candidate (`app_metadata.is_candidate`).
    Candidate,
    /// A member of a tenant, any tenant role.
    Member,
    /// Owner or admin of their tenant.
    Admin,
    /// Owner of their tenant.
    Owner,
    /// The service-role key (server-to-server calls, webhooks).
    Service,
}

/// A caller accepted by [`Auth::require`]. Only `require` makes one.
#[derive(Debug, Clone)]
pub struct Caller {
    claims: Claims,
    token: Secret,
}

impl Caller {
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// `auth.users.id`: always present for the user roles (`require` checked it).
    pub fn user_id(&self) -> Option<Uuid> {
        self.claims.sub
    }

    pub fn email(&self) -> Option<&str> {
        self.claims.email.as_deref()
    }

    pub fn tenant_id(&self) -> Option<Uuid> {
        self.claims.app_metadata.tenant_id
    }

    pub fn tenant_role(&self) -> Option<TenantRole> {
        self.claims.app_metadata.role()
    }

    /// The raw token, for forwarding to PostgREST (`db::Db::as_user`).
    pub fn token(&self) -> &Secret {
        &self.token
    }
}

/// Checks tokens. Built once per request from the config.
pub struct Auth {
    secret: Option<Secret>,
    clock: Rc<dyn Clock>,
}

impl Auth {
    pub fn new(secret: Option<Secret>, clock: Rc<dyn Clock>) -> Self {
        Auth { secret, clock }
    }

    /// The caller, if the request's token is valid and its bearer may act as `role`:
    /// 401 for no, malformed, badly signed or expired tokens and for the anon key (not
    /// signed in); 403 for a valid caller lacking the role.
    pub fn require(&self, request: &Request, role: Role) -> Result<Caller, ApiError> {
        let token = request.bearer_token().ok_or_else(|| {
            ApiError::unauthorized(
                "missing_token",
                "Sign in: an Authorization: Bearer token is required",
            )
        })?;
        let claims = self.verify(token)?;
        let caller = Caller {
            claims,
            token: Secret::new(token),
        };
        let c = &caller.claims;
        if c.role == "anon" {
            return Err(ApiError::unauthorized(
                "sign_in_required",
                "Sign in: this needs a signed-in user",
            ));
        }
        let is_user = c.role == "authenticated" && c.sub.is_some();
        let allowed = match role {
            Role::User => is_user,
            Role::Candidate => is_user && c.app_metadata.is_candidate,
            Role::Member => {
                is_user && c.app_metadata.tenant_id.is_some() && c.app_metadata.role().is_some()
            }
            Role::Admin => {
                is_user
                    && c.app_metadata.tenant_id.is_some()
                    && c.app_metadata.role() >= Some(TenantRole::Admin)
            }
            Role::Owner => {
                is_user
                    && c.app_metadata.tenant_id.is_some()
                    && c.app_metadata.role() == Some(TenantRole::Owner)
            }
            Role::Service => c.role == "service_role",
        };
        if allowed {
            Ok(caller)
        } else {
            Err(ApiError::forbidden(
                "insufficient_role",
                "You are not allowed to do this",
            ))
        }
    }

    /// Decode the token and check signature (when a secret is configured) and times.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let invalid = || ApiError::unauthorized("invalid_token", "The access token is invalid");
        // The token is forwarded in a header later: only base64url and dots may pass.
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(invalid());
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| invalid());

        #[derive(Deserialize)]
        struct Header {
            alg: String,
        }
        let header_json: Header =
            serde_json::from_slice(&decode(header)?).map_err(|_| invalid())?;
        if let Some(secret) = &self.secret {
            if header_json.alg != "HS256" {
                return Err(invalid());
            }
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
                .map_err(|_| invalid())?;
            mac.update(header.as_bytes());
            mac.update(b".");
            mac.update(payload.as_bytes());
            mac.verify_slice(&decode(signature)?)
                .map_err(|_| invalid())?;
        }
        let claims: Claims = serde_json::from_slice(&decode(payload)?).map_err(|_| invalid())?;

        let now = (self.clock.now_unix_ms() / 1000) as i64;
        if claims.exp.is_some_and(|exp| now > exp + LEEWAY_SECONDS) {
            return Err(ApiError::unauthorized(
                "token_expired",
                "The access token has expired: sign in again",
            ));
        }
        if claims.nbf.is_some_and(|nbf| now + LEEWAY_SECONDS < nbf) {
            return Err(invalid());
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;
    use crate::testing::{sign_token, ManualClock, TEST_JWT_SECRET};
    use serde_json::json;

    const NOW: u64 = 1_800_000_000;
    const USER: &str = "11111111-1111-1111-1111-111111111111";
    const TENANT: &str = "22222222-2222-2222-2222-222222222222";

    fn auth(secret: Option<&str>) -> Auth {
        Auth::new(
            secret.map(Secret::new),
            Rc::new(ManualClock::new(NOW * 1000)),
        )
    }

    fn with_token(token: &str) -> Request {
        Request::new(Method::Post, "/fn")
            .unwrap()
            .with_header("Authorization", format!("Bearer {token}"))
    }

    fn user(app_metadata: serde_json::Value) -> serde_json::Value {
        json!({ "sub": USER, "role": "authenticated", "aud": "authenticated", "email": "a@x.test",
                "exp": NOW + 3600, "iat": NOW, "app_metadata": app_metadata })
    }

    fn status(result: Result<Caller, ApiError>) -> Result<(), (u16, String)> {
        result
            .map(|_| ())
            .map_err(|e| (e.status(), e.code().to_owned()))
    }

    #[test]
    fn a_signed_user_token_gives_its_claims() {
        let token = sign_token(
            &user(json!({ "tenant_id": TENANT, "role": "admin" })),
            TEST_JWT_SECRET,
        );
        let caller = auth(Some(TEST_JWT_SECRET))
            .require(&with_token(&token), Role::Admin)
            .unwrap();
        assert_eq!(
            caller.user_id().map(|u| u.to_string()).as_deref(),
            Some(USER)
        );
        assert_eq!(
            caller.tenant_id().map(|u| u.to_string()).as_deref(),
            Some(TENANT)
        );
        assert_eq!(caller.tenant_role(), Some(TenantRole::Admin));
        assert_eq!(caller.email(), Some("a@x.test"));
        assert_eq!(caller.token().expose(), token);
        assert!(!format!("{caller:?}").contains(&token));
    }

    #[test]
    fn no_or_bad_tokens_are_401() {
        let a = auth(Some(TEST_JWT_SECRET));
        let good = sign_token(&user(json!({})), TEST_JWT_SECRET);
        let no_header = Request::new(Method::Post, "/fn").unwrap();
        assert_eq!(
            status(a.require(&no_header, Role::User)),
            Err((401, "missing_token".into()))
        );
        let wrong_key = sign_token(&user(json!({})), "another-secret-of-at-least-32-characters");
        let (h, rest) = good.split_once('.').unwrap();
        let tampered_payload = format!(
            "{h}.{}.{}",
            URL_SAFE_NO_PAD.encode(
                serde_json::to_vec(&json!({ "sub": USER, "role": "service_role" })).unwrap()
            ),
            rest.split_once('.').unwrap().1
        );
        let expired = sign_token(
            &json!({ "sub": USER, "role": "authenticated", "exp": NOW - 31 }),
            TEST_JWT_SECRET,
        );
        let not_yet = sign_token(
            &json!({ "sub": USER, "role": "authenticated", "nbf": NOW + 31 }),
            TEST_JWT_SECRET,
        );
        let none_alg = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            good.split('.').nth(1).unwrap()
        );
        for (token, code) in [
            (wrong_key.as_str(), "invalid_token"),
            (tampered_payload.as_str(), "invalid_token"),
            (none_alg.as_str(), "invalid_token"),
            ("not-a-jwt", "invalid_token"),
            ("a.b.c.d", "invalid_token"),
            ("x\ny.z.w", "invalid_token"),
            (expired.as_str(), "token_expired"),
            (not_yet.as_str(), "invalid_token"),
        ] {
            assert_eq!(
                status(a.require(&with_token(token), Role::User)),
                Err((401, code.into())),
                "{token}"
            );
        }
        // 30 s of skew is tolerated.
        let just_expired = sign_token(
            &json!({ "sub": USER, "role": "authenticated", "exp": NOW - 29 }),
            TEST_JWT_SECRET,
        );
        assert!(a.require(&with_token(&just_expired), Role::User).is_ok());
    }

    #[test]
    fn the_anon_key_is_not_signed_in() {
        let anon = sign_token(
            &json!({ "iss": "supabase-demo", "role": "anon", "exp": NOW + 10 }),
            TEST_JWT_SECRET,
        );
        assert_eq!(
            status(auth(Some(TEST_JWT_SECRET)).require(&with_token(&anon), Role::User)),
            Err((401, "sign_in_required".into()))
        );
    }

    #[test]
    fn roles_are_403_when_lacking() {
        let a = auth(Some(TEST_JWT_SECRET));
        let token = |m| sign_token(&user(m), TEST_JWT_SECRET);
        let plain = token(json!({}));
        let candidate = token(json!({ "is_candidate": true }));
        let member = token(json!({ "tenant_id": TENANT, "role": "user" }));
        let admin = token(json!({ "tenant_id": TENANT, "role": "admin" }));
        let owner = token(json!({ "tenant_id": TENANT, "role": "owner" }));
        let role_without_tenant = token(json!({ "role": "owner" }));
        let bogus_role = token(json!({ "tenant_id": TENANT, "role": "superuser" }));
        let service = sign_token(
            &json!({ "role": "service_role", "exp": NOW + 10 }),
            TEST_JWT_SECRET,
        );
        let table = [
            (
                Role::User,
                [true, true, true, true, true, true, true, false],
            ),
            (
                Role::Candidate,
                [false, true, false, false, false, false, false, false],
            ),
            (
                Role::Member,
                [false, false, true, true, true, false, false, false],
            ),
            (
                Role::Admin,
                [false, false, false, true, true, false, false, false],
            ),
            (
                Role::Owner,
                [false, false, false, false, true, false, false, false],
            ),
            (
                Role::Service,
                [false, false, false, false, false, false, false, true],
            ),
        ];
        let tokens = [
            &plain,
            &candidate,
            &member,
            &admin,
            &owner,
            &role_without_tenant,
            &bogus_role,
            &service,
        ];
        for (role, expected) in table {
            for (token, ok) in tokens.iter().zip(expected) {
                let got = status(a.require(&with_token(token), role));
                let want = if ok {
                    Ok(())
                } else {
                    Err((403, "insufficient_role".to_owned()))
                };
                assert_eq!(got, want, "{role:?} {token}");
            }
        }
    }

    #[test]
    fn without_a_secret_the_signature_is_the_platforms_job_but_times_are_still_checked() {
        let a = auth(None);
        let other_key = sign_token(&user(json!({})), "another-secret-of-at-least-32-characters");
        assert!(a.require(&with_token(&other_key), Role::User).is_ok());
        let expired = sign_token(
            &json!({ "sub": USER, "role": "authenticated", "exp": NOW - 100 }),
            "k",
        );
        assert_eq!(
            status(a.require(&with_token(&expired), Role::User)),
            Err((401, "token_expired".into()))
        );
    }
}
