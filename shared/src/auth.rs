//! Who is calling: a verified JWT from `Authorization: Bearer`, or the project's secret
//! API key in `apikey`, turned into a [`Caller`] that exists only once
//! [`Auth::authenticate`] accepted it; [`Auth::require`] also checks it may act as a
//! [`Role`]. A handler that needs a user takes a `Caller`, so code without one cannot
//! run as one.
//!
//! Verification follows a Supabase project as created today (`jwt`: the rules): user
//! tokens are ES256 (or RS256) signed with the project's signing key, checked against
//! `SUPABASE_JWKS`; HS256 tokens are checked with the legacy JWT secret where a project
//! still has one. Functions do this themselves, whatever `verify_jwt` says: the platform's
//! check is a convenience, not the security boundary. Server-side callers present the
//! secret key (`sb_secret_...`) in `apikey`, which is not a JWT; the legacy service-role
//! JWT still works as a bearer token.
//!
//! Why not a JWT crate: `jsonwebtoken` needs `ring` (C and assembly, which does not build
//! for wasm32-unknown-unknown here) or a whole RustCrypto set in every module. HS256 is
//! one constant-time HMAC check (`Mac::verify_slice`); ES256/RS256 go to the runtime's
//! WebCrypto in wasm (`js::WebCrypto`) and to RustCrypto natively (`jwt::RustCrypto`).

use std::rc::Rc;

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::config::{Config, Secret};
use crate::error::ApiError;
use crate::jwt::{self, KeySet, Rejection, Signatures, Verifier};
use crate::request::Request;
use crate::time::Clock;

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

impl Claims {
    /// What the secret API key stands for: the service role, no user.
    fn service_role() -> Claims {
        Claims {
            sub: None,
            role: "service_role".into(),
            email: None,
            exp: None,
            nbf: None,
            session_id: None,
            app_metadata: AppMetadata::default(),
        }
    }
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

/// A caller accepted by [`Auth::authenticate`]. Only `Auth` makes one.
#[derive(Debug, Clone)]
pub struct Caller {
    claims: Claims,
    /// The bearer JWT; `None` for a caller that presented the secret key alone.
    token: Option<Secret>,
}

impl Caller {
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// `auth.users.id`: always present for the user roles (`require` checked it).
    pub fn user_id(&self) -> Option<Uuid> {
        self.claims.sub
    }

    /// `auth.users.id`, for work done on the caller's behalf with the service role; 401
    /// for a caller that has none (the secret key alone).
    pub fn require_user_id(&self) -> Result<Uuid, ApiError> {
        self.claims
            .sub
            .ok_or_else(|| ApiError::unauthorized("not_authenticated", "Sign in to do this"))
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

    /// The service role: the secret API key, or a service-role JWT.
    pub fn is_service(&self) -> bool {
        self.claims.role == "service_role"
    }

    /// The raw JWT, for forwarding to PostgREST (`db::Db::as_user`); `None` for a caller
    /// that presented the secret key alone.
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }

    /// May this caller act as `role`? 401 for the anon key (not signed in), 403 for a
    /// valid caller lacking the role.
    pub fn ensure(&self, role: Role) -> Result<(), ApiError> {
        let c = &self.claims;
        if c.role == "anon" {
            return Err(ApiError::unauthorized(
                "sign_in_required",
                "Sign in: this needs a signed-in user",
            ));
        }
        let is_user = c.role == "authenticated" && c.sub.is_some();
        let tenant_role = c.app_metadata.tenant_id.and(c.app_metadata.role());
        let allowed = match role {
            Role::User => is_user,
            Role::Candidate => is_user && c.app_metadata.is_candidate,
            Role::Member => is_user && tenant_role.is_some(),
            Role::Admin => is_user && tenant_role >= Some(TenantRole::Admin),
            Role::Owner => is_user && tenant_role == Some(TenantRole::Owner),
            Role::Service => self.is_service(),
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "insufficient_role",
                "You are not allowed to do this",
            ))
        }
    }
}

/// Checks callers. Built once per request from the config.
pub struct Auth {
    keys: KeySet,
    legacy_secret: Option<Secret>,
    /// Accepted `iss` of user tokens: `<SUPABASE_URL>/auth/v1` (and `AUTH_JWT_ISSUER`).
    issuers: Vec<String>,
    secret_keys: Vec<Secret>,
    publishable_keys: Vec<Secret>,
    signatures: Rc<dyn Signatures>,
    clock: Rc<dyn Clock>,
}

/// Constant-time equality of a presented key with a configured one.
fn same_key(presented: &str, key: &Secret) -> bool {
    presented.as_bytes().ct_eq(key.expose().as_bytes()).into()
}

impl Auth {
    pub fn new(config: &Config, signatures: Rc<dyn Signatures>, clock: Rc<dyn Clock>) -> Self {
        Auth {
            keys: config.jwks.clone(),
            legacy_secret: config.jwt_secret.clone(),
            issuers: config.jwt_issuers.clone(),
            secret_keys: config.secret_keys.clone(),
            publishable_keys: config.publishable_keys.clone(),
            signatures,
            clock,
        }
    }

    /// The caller, if it may act as `role`: [`Auth::authenticate`], then
    /// [`Caller::ensure`].
    pub async fn require(&self, request: &Request, role: Role) -> Result<Caller, ApiError> {
        let caller = self.authenticate(request).await?;
        caller.ensure(role)?;
        Ok(caller)
    }

    /// Who is calling. A bearer JWT must verify (a bad one is refused, never downgraded
    /// to the next credential); the secret key in `apikey` (or as the bearer, as
    /// supabase-js sends a key when no one is signed in) makes the caller the service
    /// role. 401 `missing_token` with neither, `sign_in_required` for the publishable key
    /// alone, `invalid_token`/`token_expired` for a token that does not verify.
    pub async fn authenticate(&self, request: &Request) -> Result<Caller, ApiError> {
        let bearer = request.bearer_token();
        let apikey = request.header("apikey").map(str::trim);
        let is_secret = |v: &str| self.secret_keys.iter().any(|k| same_key(v, k));
        let is_publishable = |v: &str| self.publishable_keys.iter().any(|k| same_key(v, k));
        let secret_presented = apikey.is_some_and(is_secret) || bearer.is_some_and(is_secret);
        let service = || Caller {
            claims: Claims::service_role(),
            token: None,
        };
        match bearer {
            // API keys are not JWTs (`sb_publishable_...`, `sb_secret_...`).
            Some(token) if !token.starts_with("sb_") => {
                let claims = self.verify(token).await?;
                if claims.role == "anon" && secret_presented {
                    return Ok(service());
                }
                Ok(Caller {
                    claims,
                    token: Some(Secret::new(token)),
                })
            }
            _ if secret_presented => Ok(service()),
            Some(key) if !is_publishable(key) => Err(ApiError::unauthorized(
                "invalid_token",
                "The bearer token is neither a JWT nor this project's API key",
            )),
            Some(_) => Err(ApiError::unauthorized(
                "sign_in_required",
                "Sign in: this needs a signed-in user",
            )),
            None => Err(ApiError::unauthorized(
                "missing_token",
                "Sign in: an Authorization: Bearer token is required",
            )),
        }
    }

    /// Verify a JWT: the key its header names may verify it (`jwt::choose_key`), the
    /// signature holds, and the claims pass `jwt::check_claims`.
    pub async fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let parsed = jwt::parse(token).map_err(refused)?;
        if let KeySet::Invalid(why) = &self.keys {
            crate::log::error(&format!("auth: {why}"));
        }
        let legacy = self.legacy_secret.as_ref().map(Secret::expose);
        let signed = match jwt::choose_key(&parsed, &self.keys, legacy).map_err(refused)? {
            Verifier::Hmac(secret) => Hmac::<Sha256>::new_from_slice(&secret)
                .map(|mut mac| {
                    mac.update(parsed.signing_input.as_bytes());
                    mac.verify_slice(&parsed.signature).is_ok()
                })
                .unwrap_or(false),
            Verifier::Public(key) => self
                .signatures
                .verify(
                    parsed.alg,
                    key,
                    parsed.signing_input.as_bytes(),
                    &parsed.signature,
                )
                .await
                .unwrap_or_else(|why| {
                    crate::log::error(&format!("auth: key {:?} unusable: {why}", key.kid));
                    false
                }),
        };
        if !signed {
            return Err(refused(Rejection::BadSignature));
        }
        let claims: serde_json::Value =
            serde_json::from_slice(&parsed.payload).map_err(|_| refused(Rejection::Malformed))?;
        let now = (self.clock.now_unix_ms() / 1000) as i64;
        jwt::check_claims(&claims, now, &self.issuers).map_err(refused)?;
        serde_json::from_slice(&parsed.payload).map_err(|_| refused(Rejection::Malformed))
    }
}

/// Every refusal is a 401; an expired token says so, so a client knows to refresh.
fn refused(why: Rejection) -> ApiError {
    let code = match why {
        Rejection::Expired => "token_expired",
        _ => "invalid_token",
    };
    ApiError::unauthorized(code, why.message())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Env;
    use crate::request::Method;
    use crate::testing::{
        es256_signing_key, sign_es256, sign_es256_with, sign_rs256, sign_token, sign_with,
        test_env, ManualClock, TEST_ES256_KID, TEST_JWT_SECRET, TEST_NOW_MS, TEST_RS256_KID,
        TEST_SUPABASE_URL,
    };
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use serde_json::{json, Value};

    const NOW: u64 = TEST_NOW_MS / 1000;
    const USER: &str = "11111111-1111-1111-1111-111111111111";
    const TENANT: &str = "22222222-2222-2222-2222-222222222222";
    const SECRET_KEY: &str = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
    const PUBLISHABLE_KEY: &str = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";

    /// An `Auth` over `test_env()` with `changes` applied (a `None` value removes a key).
    fn auth_with(changes: &[(&str, Option<&str>)]) -> Auth {
        let mut pairs: Vec<(String, String)> = test_env_pairs();
        for (key, value) in changes {
            pairs.retain(|(k, _)| k != key);
            if let Some(value) = value {
                pairs.push(((*key).into(), (*value).into()));
            }
        }
        let env: Env = pairs.into_iter().collect();
        let config = Config::from_env(&env).unwrap();
        Auth::new(
            &config,
            Rc::new(jwt::RustCrypto),
            Rc::new(ManualClock::new(TEST_NOW_MS)),
        )
    }

    fn test_env_pairs() -> Vec<(String, String)> {
        let env = test_env();
        [
            "SUPABASE_URL",
            "SUPABASE_ANON_KEY",
            "SUPABASE_SERVICE_ROLE_KEY",
            "JWT_SECRET",
            "SUPABASE_JWKS",
        ]
        .into_iter()
        .filter_map(|k| env.get(k).map(|v| (k.to_owned(), v.to_owned())))
        .collect()
    }

    fn auth() -> Auth {
        auth_with(&[
            (
                "SUPABASE_SECRET_KEYS",
                Some(&format!(
                    r#"{{"default":"{SECRET_KEY}","cron":"sb_secret_other"}}"#
                )),
            ),
            (
                "SUPABASE_PUBLISHABLE_KEYS",
                Some(&format!(r#"{{"default":"{PUBLISHABLE_KEY}"}}"#)),
            ),
        ])
    }

    fn with_token(token: &str) -> Request {
        Request::new(Method::Post, "/fn")
            .unwrap()
            .with_header("Authorization", format!("Bearer {token}"))
    }

    fn user(app_metadata: Value) -> Value {
        json!({ "iss": format!("{TEST_SUPABASE_URL}/auth/v1"), "sub": USER,
                "role": "authenticated", "aud": "authenticated", "email": "a@x.test",
                "exp": NOW + 3600, "iat": NOW, "app_metadata": app_metadata })
    }

    fn check(auth: &Auth, req: &Request, role: Role) -> Result<(), (u16, String)> {
        pollster::block_on(auth.require(req, role))
            .map(|_| ())
            .map_err(|e| (e.status(), e.code().to_owned()))
    }

    fn invalid() -> Result<(), (u16, String)> {
        Err((401, "invalid_token".into()))
    }

    #[test]
    fn es256_rs256_and_legacy_hs256_user_tokens_give_their_claims() {
        let a = auth();
        let claims = user(json!({ "tenant_id": TENANT, "role": "admin" }));
        for token in [
            sign_es256(&claims),
            sign_rs256(&claims),
            sign_token(&claims, TEST_JWT_SECRET),
        ] {
            let caller = pollster::block_on(a.require(&with_token(&token), Role::Admin)).unwrap();
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
            assert_eq!(caller.token().map(Secret::expose), Some(token.as_str()));
            assert!(!caller.is_service());
            assert!(!format!("{caller:?}").contains(&token));
        }
    }

    #[test]
    fn a_key_outside_the_jwks_an_unknown_kid_or_a_mismatched_alg_is_401() {
        let a = auth();
        let claims = user(json!({}));
        let stranger = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let es256 = sign_es256(&claims);
        let rest = es256.split_once('.').unwrap().1;
        let header = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        for token in [
            // Signed by a key that is not the project's, under the project key's kid.
            sign_es256_with(&claims, &stranger, TEST_ES256_KID),
            // An unknown kid, and no kid at all.
            sign_es256_with(&claims, &es256_signing_key(), "rotated-away"),
            format!("{}.{rest}", header(json!({ "alg": "ES256", "typ": "JWT" }))),
            // The ES256 signature presented under the RSA key's kid, and as RS256.
            format!(
                "{}.{rest}",
                header(json!({ "alg": "ES256", "kid": TEST_RS256_KID }))
            ),
            format!(
                "{}.{rest}",
                header(json!({ "alg": "RS256", "kid": TEST_ES256_KID }))
            ),
            // A tampered payload under a valid signature.
            {
                let (h, tail) = es256.split_once('.').unwrap();
                let sig = tail.split_once('.').unwrap().1;
                let forged = URL_SAFE_NO_PAD
                    .encode(user(json!({ "tenant_id": TENANT, "role": "owner" })).to_string());
                format!("{h}.{forged}.{sig}")
            },
        ] {
            assert_eq!(
                check(&a, &with_token(&token), Role::User),
                invalid(),
                "{token}"
            );
        }
        // The stack's own key still passes.
        assert_eq!(check(&a, &with_token(&es256), Role::User), Ok(()));
    }

    #[test]
    fn none_other_algorithms_and_algorithm_confusion_are_401() {
        let a = auth();
        let claims = user(json!({}));
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let none = format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT" }).to_string())
        );
        let es512 = sign_with(
            &json!({ "alg": "ES512", "kid": TEST_ES256_KID }),
            &claims,
            |_| vec![1; 132],
        );
        // HS256 "signed" with the public key's bytes, under its kid: the classic confusion.
        let jwks = crate::testing::test_jwks();
        let public_json = jwks["keys"][0].to_string();
        let confused: Vec<String> = [
            public_json.as_bytes().to_vec(),
            URL_SAFE_NO_PAD
                .decode(jwks["keys"][0]["x"].as_str().unwrap())
                .unwrap(),
        ]
        .into_iter()
        .map(|secret| {
            sign_with(
                &json!({ "alg": "HS256", "kid": TEST_ES256_KID }),
                &claims,
                |input| {
                    let mut mac = Hmac::<Sha256>::new_from_slice(&secret).unwrap();
                    mac.update(input);
                    mac.finalize().into_bytes().to_vec()
                },
            )
        })
        .collect();
        for token in [
            none.as_str(),
            es512.as_str(),
            &confused[0],
            &confused[1],
            "not-a-jwt",
            "a.b.c.d",
            "x\ny.z.w",
        ] {
            assert_eq!(
                check(&a, &with_token(token), Role::User),
                invalid(),
                "{token}"
            );
        }
        // Without the legacy secret, HS256 is not accepted at all.
        let no_secret = auth_with(&[("JWT_SECRET", None)]);
        let hs = sign_token(&claims, TEST_JWT_SECRET);
        assert_eq!(check(&no_secret, &with_token(&hs), Role::User), invalid());
        assert_eq!(
            check(&no_secret, &with_token(&sign_es256(&claims)), Role::User),
            Ok(())
        );
    }

    #[test]
    fn an_hs256_secret_listed_in_the_jwks_verifies_by_kid() {
        let jwks = json!({ "keys": [{ "kty": "oct", "kid": "legacy", "alg": "HS256",
                                       "k": URL_SAFE_NO_PAD.encode("listed-secret") }] });
        let a = auth_with(&[
            ("SUPABASE_JWKS", Some(&jwks.to_string())),
            ("JWT_SECRET", None),
        ]);
        let claims = user(json!({}));
        let good = sign_with(
            &json!({ "alg": "HS256", "kid": "legacy" }),
            &claims,
            |input| {
                let mut mac = Hmac::<Sha256>::new_from_slice(b"listed-secret").unwrap();
                mac.update(input);
                mac.finalize().into_bytes().to_vec()
            },
        );
        assert_eq!(check(&a, &with_token(&good), Role::User), Ok(()));
        let other = sign_token(&claims, "listed-secret");
        assert_eq!(
            check(&a, &with_token(&other), Role::User),
            invalid(),
            "no kid, no legacy secret"
        );
    }

    #[test]
    fn a_key_set_that_does_not_parse_refuses_asymmetric_tokens_with_401() {
        let claims = user(json!({}));
        for broken in ["{not json", r#"{"keys":"nope"}"#, "42"] {
            let a = auth_with(&[("SUPABASE_JWKS", Some(broken))]);
            assert_eq!(
                check(&a, &with_token(&sign_es256(&claims)), Role::User),
                invalid(),
                "{broken}"
            );
            assert_eq!(
                check(&a, &with_token(&sign_rs256(&claims)), Role::User),
                invalid(),
                "{broken}"
            );
            // The legacy secret still verifies its own tokens.
            assert_eq!(
                check(
                    &a,
                    &with_token(&sign_token(&claims, TEST_JWT_SECRET)),
                    Role::User
                ),
                Ok(())
            );
        }
        // A key this code cannot read is skipped; the others still work.
        let mixed = json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "kid": "x", "x": "AA" }, 7,
                                      crate::testing::test_jwks()["keys"][0]] });
        let a = auth_with(&[("SUPABASE_JWKS", Some(&mixed.to_string()))]);
        assert_eq!(
            check(&a, &with_token(&sign_es256(&claims)), Role::User),
            Ok(())
        );
        // A key whose own members forbid verifying is not used.
        let mut key = crate::testing::test_jwks()["keys"][0].clone();
        key["key_ops"] = json!(["sign"]);
        let a = auth_with(&[("SUPABASE_JWKS", Some(&json!({ "keys": [key] }).to_string()))]);
        assert_eq!(
            check(&a, &with_token(&sign_es256(&claims)), Role::User),
            invalid()
        );
    }

    #[test]
    fn expiry_audience_and_issuer_are_checked() {
        let a = auth();
        let with = |change: &dyn Fn(&mut Value)| {
            let mut claims = user(json!({}));
            change(&mut claims);
            with_token(&sign_es256(&claims))
        };
        type Case<'a> = (&'a str, &'a dyn Fn(&mut Value), Result<(), (u16, String)>);
        let cases: [Case; 9] = [
            (
                "no exp",
                &|c| {
                    c.as_object_mut().unwrap().remove("exp");
                },
                invalid(),
            ),
            (
                "expired",
                &|c| c["exp"] = json!(NOW - 31),
                Err((401, "token_expired".into())),
            ),
            ("30 s of skew", &|c| c["exp"] = json!(NOW - 29), Ok(())),
            ("not yet", &|c| c["nbf"] = json!(NOW + 31), invalid()),
            ("wrong aud", &|c| c["aud"] = json!("anon"), invalid()),
            (
                "aud list",
                &|c| c["aud"] = json!(["other", "authenticated"]),
                Ok(()),
            ),
            (
                "no aud",
                &|c| {
                    c.as_object_mut().unwrap().remove("aud");
                },
                invalid(),
            ),
            (
                "other project",
                &|c| c["iss"] = json!("https://evil.supabase.co/auth/v1"),
                invalid(),
            ),
            (
                "no iss",
                &|c| {
                    c.as_object_mut().unwrap().remove("iss");
                },
                invalid(),
            ),
        ];
        for (name, change, want) in cases {
            assert_eq!(check(&a, &with(change), Role::User), want, "{name}");
        }
        let custom = auth_with(&[(
            "AUTH_JWT_ISSUER",
            Some("https://auth.example.test/auth/v1/, http://x"),
        )]);
        let mut claims = user(json!({}));
        claims["iss"] = json!("https://auth.example.test/auth/v1");
        assert_eq!(
            check(&custom, &with_token(&sign_es256(&claims)), Role::User),
            Ok(())
        );
        assert_eq!(
            check(&a, &with_token(&sign_es256(&claims)), Role::User),
            invalid()
        );
    }

    #[test]
    fn api_keys_the_secret_key_is_the_service_role_the_publishable_key_is_signed_out() {
        let a = auth();
        let post = || Request::new(Method::Post, "/fn").unwrap();
        let service = |req: Request| {
            pollster::block_on(a.authenticate(&req)).map(|c| (c.is_service(), c.token().is_some()))
        };
        // The secret key in apikey (a webhook, pg_net, a cron job), any named one.
        assert_eq!(
            service(post().with_header("apikey", SECRET_KEY)).unwrap(),
            (true, false)
        );
        assert_eq!(
            service(post().with_header("apikey", "sb_secret_other")).unwrap(),
            (true, false)
        );
        // supabase-js with the secret key and no session sends it as the bearer too.
        assert_eq!(
            service(
                post()
                    .with_header("apikey", SECRET_KEY)
                    .with_header("authorization", format!("Bearer {SECRET_KEY}"))
            )
            .unwrap(),
            (true, false)
        );
        assert_eq!(
            check(&a, &post().with_header("apikey", SECRET_KEY), Role::Service),
            Ok(())
        );
        assert_eq!(
            check(&a, &post().with_header("apikey", SECRET_KEY), Role::User),
            Err((403, "insufficient_role".into()))
        );
        // A signed-in user's JWT decides, whatever key rides along.
        let admin = sign_es256(&user(json!({ "tenant_id": TENANT, "role": "admin" })));
        assert_eq!(
            service(with_token(&admin).with_header("apikey", SECRET_KEY)).unwrap(),
            (false, true)
        );
        // A near miss of the secret key, the publishable key, and an unknown key.
        assert_eq!(
            check(
                &a,
                &post().with_header("apikey", &SECRET_KEY[..SECRET_KEY.len() - 1]),
                Role::Service
            ),
            Err((401, "missing_token".into()))
        );
        assert_eq!(
            check(
                &a,
                &with_token(PUBLISHABLE_KEY).with_header("apikey", PUBLISHABLE_KEY),
                Role::User
            ),
            Err((401, "sign_in_required".into()))
        );
        assert_eq!(
            check(&a, &with_token("sb_secret_guess"), Role::Service),
            invalid()
        );
        // A bad JWT is refused even with a valid key beside it: no silent downgrade.
        assert_eq!(
            check(
                &a,
                &with_token("e30.e30.AAAA").with_header("apikey", SECRET_KEY),
                Role::Service
            ),
            invalid()
        );
        // The legacy service-role JWT still works.
        let legacy = sign_token(
            &json!({ "role": "service_role", "exp": NOW + 10 }),
            TEST_JWT_SECRET,
        );
        assert_eq!(check(&a, &with_token(&legacy), Role::Service), Ok(()));
        // Without secret keys configured, no apikey is the service role.
        assert_eq!(
            check(
                &auth_with(&[]),
                &post().with_header("apikey", SECRET_KEY),
                Role::Service
            ),
            Err((401, "missing_token".into()))
        );
    }

    #[test]
    fn the_anon_key_is_not_signed_in() {
        let anon = sign_token(
            &json!({ "iss": "supabase-demo", "role": "anon", "exp": NOW + 10 }),
            TEST_JWT_SECRET,
        );
        assert_eq!(
            check(&auth(), &with_token(&anon), Role::User),
            Err((401, "sign_in_required".into()))
        );
        let no_header = Request::new(Method::Post, "/fn").unwrap();
        assert_eq!(
            check(&auth(), &no_header, Role::User),
            Err((401, "missing_token".into()))
        );
    }

    #[test]
    fn roles_are_403_when_lacking() {
        let a = auth();
        let token = |m| sign_es256(&user(m));
        let tokens = [
            token(json!({})),
            token(json!({ "is_candidate": true })),
            token(json!({ "tenant_id": TENANT, "role": "user" })),
            token(json!({ "tenant_id": TENANT, "role": "admin" })),
            token(json!({ "tenant_id": TENANT, "role": "owner" })),
            token(json!({ "role": "owner" })),
            token(json!({ "tenant_id": TENANT, "role": "superuser" })),
            sign_token(
                &json!({ "role": "service_role", "exp": NOW + 10 }),
                TEST_JWT_SECRET,
            ),
        ];
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
        for (role, expected) in table {
            for (token, ok) in tokens.iter().zip(expected) {
                let want = if ok {
                    Ok(())
                } else {
                    Err((403, "insufficient_role".to_owned()))
                };
                assert_eq!(
                    check(&a, &with_token(token), role),
                    want,
                    "{role:?} {token}"
                );
            }
        }
    }
}
