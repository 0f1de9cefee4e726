//! Configuration from the environment object the adapter passes (`Deno.env.toObject()`),
//! read in one place. Every missing or invalid key is reported at once, by name; no key
//! silently defaults to `""` or localhost. Secrets are [`Secret`]s: `Debug` prints `***`.
//!
//! | key | required | what |
//! |---|---|---|
//! | `SUPABASE_URL` | yes | project URL; PostgREST is at `<url>/rest/v1` |
//! | `SUPABASE_PUBLISHABLE_KEYS` `{"default":…}`, else `SUPABASE_ANON_KEY` | yes | sent as `apikey` with the caller's JWT; a publishable key alone means "not signed in" |
//! | `SUPABASE_SECRET_KEYS` `{"<name>":…}`, else `SUPABASE_SERVICE_ROLE_KEY` | no | `db.service(...)` calls with the `default` secret key (or the legacy service-role JWT); any listed secret key in `apikey` makes a caller the service role. Without either, `db.service` answers 503 `not_configured` |
//! | `SUPABASE_JWKS` | no | the project's signing keys (`{"keys":[…]}`): ES256/RS256 user tokens are verified against them (`jwt`); unparseable, such tokens are refused (401) and the reason logged |
//! | `SUPABASE_JWT_SECRET`, else `JWT_SECRET` | no | the legacy secret: HS256 tokens are verified with it; without it (and without an `oct` key in the JWKS) HS256 is refused |
//! | `AUTH_JWT_ISSUER` | no | extra accepted `iss` of user tokens, comma-separated, besides `<SUPABASE_URL>/auth/v1` (a custom domain; `supabase functions serve`, where `SUPABASE_URL` is the container's) |
//! | `OPENAI_API_KEY` + `OPENAI_BASE_URL` | no | vendor; base URL defaults to the vendor's (with `/v1`) |
//! | `OPENAI_MODEL` | no | chat model for structured outputs, default [`OPENAI_DEFAULT_MODEL`] |
//! | `OPENAI_REALTIME_MODEL` | no | realtime model, default [`OPENAI_DEFAULT_REALTIME_MODEL`] |
//! | `OPENAI_TRANSCRIPTION_MODEL` | no | realtime input transcription, default [`OPENAI_DEFAULT_TRANSCRIPTION_MODEL`] |
//! | `PDFCO_API_KEY` + `PDFCO_BASE_URL` | no | vendor |
//! | `PDL_API_KEY` + `PDL_BASE_URL` | no | vendor |
//! | `VIDEOSDK_API_KEY` + `VIDEOSDK_SECRET` + `VIDEOSDK_BASE_URL` | no | vendor (key and secret together) |
//! | `FLY_API_TOKEN` + `FLY_API_BASE_URL` | no | vendor; with the token, `FLY_APP_NAME` and `FLY_MACHINE_IMAGE` are required |
//! | `INVITE_WEBHOOK_URL` + `INVITE_WEBHOOK_SECRET` | no | invite-candidate posts a Standard Webhooks message there, signed with the secret (`whsec_<base64>`); the URL needs the secret |
//! | `INVITE_URL_BASE` | no | the frontend page that accepts an invitation; invite-candidate answers `<base>?token=<token>` |
//!
//! Vendors are optional by design: without a key a function uses its embedded default
//! (our PDF extractor and parser, the template position generator, metrics without an
//! assessment) or answers 503 `not_configured`, so only a half-configured vendor is an
//! error.

use std::collections::BTreeMap;
use std::fmt;

use crate::jwt::KeySet;

/// The environment as plain data. Empty values count as absent.
#[derive(Clone, Default, PartialEq)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

/// A later value of the same key wins. Inserted one by one rather than collected:
/// `BTreeMap`'s `FromIterator` sorts, and compiles a copy of the sort for each iterator
/// type it is called with (3-4 KB of wasm each).
impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut env = BTreeMap::new();
        for (k, v) in iter {
            env.insert(k.into(), v.into());
        }
        Env(env)
    }
}

/// Values are secrets as often as not: list the keys only.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// A secret value: `Debug` and `Display` print `***`; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that sends it (a header, an HMAC key).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is a JWT (three dot-separated parts): a legacy service-role or
    /// anon key, not an `sb_secret_`/`sb_publishable_` API key.
    pub fn is_jwt(&self) -> bool {
        self.0.split('.').count() == 3
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A third-party API: where it is and the key to call it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Vendor {
    pub base_url: String,
    pub api_key: Secret,
}

/// OpenAI: the key, and which models the functions ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAiConfig {
    /// With the version segment: `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Secret,
    /// Chat completions with Structured Outputs.
    pub model: String,
    /// `session.model` of a Realtime client secret.
    pub realtime_model: String,
    /// `session.audio.input.transcription.model` of a Realtime client secret.
    pub transcription_model: String,
}

/// Fly.io Machines: the token, the app the machines belong to and the image they run.
#[derive(Debug, Clone, PartialEq)]
pub struct FlyConfig {
    pub base_url: String,
    pub api_token: Secret,
    pub app_name: String,
    pub machine_image: String,
}

/// VideoSDK signs its own tokens with a secret, beside the API key.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoSdk {
    pub base_url: String,
    pub api_key: Secret,
    pub secret: Secret,
}

/// Where invite-candidate delivers invitations (an email service, an ATS) and the
/// Standard Webhooks secret it signs them with.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    pub url: String,
    /// `whsec_<base64 of the key bytes>`, checked to decode; [`WebhookConfig::key`] gives
    /// the bytes.
    pub secret: Secret,
}

impl WebhookConfig {
    /// The HMAC key: the base64 after `whsec_`. `None` only if the config check was
    /// bypassed.
    pub fn key(&self) -> Option<Vec<u8>> {
        webhook_key(self.secret.expose())
    }
}

/// `whsec_<base64>` (the prefix optional, as Standard Webhooks libraries accept) → the
/// key bytes; `None` when the base64 does not decode or is empty.
fn webhook_key(secret: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .filter(|k| !k.is_empty())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Without a trailing slash.
    pub supabase_url: String,
    pub anon_key: Secret,
    /// For server-side calls: the default secret key, else the legacy service-role JWT.
    pub service_role_key: Option<Secret>,
    pub jwt_secret: Option<Secret>,
    pub jwks: KeySet,
    /// Accepted `iss` of user tokens, without trailing slashes.
    pub jwt_issuers: Vec<String>,
    /// Every secret key (`SUPABASE_SECRET_KEYS`): any of them in `apikey` is the service role.
    pub secret_keys: Vec<Secret>,
    pub publishable_keys: Vec<Secret>,
    pub openai: Option<OpenAiConfig>,
    pub pdfco: Option<Vendor>,
    pub pdl: Option<Vendor>,
    pub videosdk: Option<VideoSdk>,
    pub fly: Option<FlyConfig>,
    pub invite_webhook: Option<WebhookConfig>,
    /// Without a trailing slash.
    pub invite_url_base: Option<String>,
}

/// Every problem found, so one deploy fixes them all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigError {
    pub missing: Vec<&'static str>,
    pub invalid: Vec<(&'static str, &'static str)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("configuration error:")?;
        if !self.missing.is_empty() {
            write!(f, " missing env {}", self.missing.join(", "))?;
        }
        for (i, (key, why)) in self.invalid.iter().enumerate() {
            let sep = if i == 0 && self.missing.is_empty() {
                " "
            } else {
                "; "
            };
            write!(f, "{sep}invalid {key} ({why})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl From<ConfigError> for crate::error::ApiError {
    fn from(err: ConfigError) -> Self {
        crate::error::ApiError::not_configured(err.to_string())
    }
}

const OPENAI_DEFAULT: &str = "https://api.openai.com/v1";
const PDFCO_DEFAULT: &str = "https://api.pdf.co";
const PDL_DEFAULT: &str = "https://api.peopledatalabs.com";
const VIDEOSDK_DEFAULT: &str = "https://api.videosdk.live";
const FLY_DEFAULT: &str = "https://api.machines.dev";

/// A non-reasoning model with strict `json_schema` support: answers in seconds (an edge
/// function has a wall-clock limit), honours `temperature`/`seed`, and all of
/// `max_completion_tokens` goes to the answer, so truncation is predictable. A reasoning
/// model (`gpt-5-mini`) is one env change away when quality needs it.
pub const OPENAI_DEFAULT_MODEL: &str = "gpt-4.1-mini";
/// The GA Realtime model (speech in, speech out, over WebRTC).
pub const OPENAI_DEFAULT_REALTIME_MODEL: &str = "gpt-realtime";
/// Input transcription for the Realtime session: the transcript we relay and score.
pub const OPENAI_DEFAULT_TRANSCRIPTION_MODEL: &str = "gpt-4o-mini-transcribe";

impl Config {
    pub fn from_env(env: &Env) -> Result<Config, ConfigError> {
        let mut errors = ConfigError::default();

        let supabase_url = match env.get("SUPABASE_URL") {
            None => {
                errors.missing.push("SUPABASE_URL");
                String::new()
            }
            Some(url) => base_url(url, "SUPABASE_URL", &mut errors),
        };
        // The new API keys first: the legacy JWT keys are being retired.
        let publishable_keys = named_keys(env, "SUPABASE_PUBLISHABLE_KEYS", &mut errors);
        let secret_keys = named_keys(env, "SUPABASE_SECRET_KEYS", &mut errors);
        let anon_key = default_key(&publishable_keys)
            .or_else(|| env.get("SUPABASE_ANON_KEY").map(str::to_owned))
            .map(|key| header_safe(key, "SUPABASE_ANON_KEY", &mut errors));
        if anon_key.is_none() {
            errors.missing.push("SUPABASE_ANON_KEY");
        }
        let service_role_key = default_key(&secret_keys)
            .or_else(|| env.get("SUPABASE_SERVICE_ROLE_KEY").map(str::to_owned))
            .map(|key| header_safe(key, "SUPABASE_SERVICE_ROLE_KEY", &mut errors));
        let jwt_secret = env
            .get("SUPABASE_JWT_SECRET")
            .or_else(|| env.get("JWT_SECRET"))
            .map(Secret::new);
        let jwks = env
            .get("SUPABASE_JWKS")
            .map_or(KeySet::Absent, KeySet::parse);
        let jwt_issuers = std::iter::once(format!("{supabase_url}/auth/v1"))
            .chain(
                env.get("AUTH_JWT_ISSUER")
                    .into_iter()
                    .flat_map(|list| list.split(','))
                    .map(|iss| iss.trim().trim_end_matches('/').to_owned())
                    .filter(|iss| !iss.is_empty()),
            )
            .collect();

        let openai = vendor(
            env,
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            OPENAI_DEFAULT,
            &mut errors,
        )
        .map(|v| {
            let model = |key, default: &str| env.get(key).unwrap_or(default).to_owned();
            OpenAiConfig {
                base_url: v.base_url,
                api_key: v.api_key,
                model: model("OPENAI_MODEL", OPENAI_DEFAULT_MODEL),
                realtime_model: model("OPENAI_REALTIME_MODEL", OPENAI_DEFAULT_REALTIME_MODEL),
                transcription_model: model(
                    "OPENAI_TRANSCRIPTION_MODEL",
                    OPENAI_DEFAULT_TRANSCRIPTION_MODEL,
                ),
            }
        });
        let pdfco = vendor(
            env,
            "PDFCO_API_KEY",
            "PDFCO_BASE_URL",
            PDFCO_DEFAULT,
            &mut errors,
        );
        let pdl = vendor(env, "PDL_API_KEY", "PDL_BASE_URL", PDL_DEFAULT, &mut errors);
        let fly = vendor(
            env,
            "FLY_API_TOKEN",
            "FLY_API_BASE_URL",
            FLY_DEFAULT,
            &mut errors,
        )
        .and_then(|v| {
            // A token without an app or image cannot create anything: half-configured.
            let mut required = |key: &'static str| {
                let value = env.get(key).map(str::to_owned);
                if value.is_none() {
                    errors.missing.push(key);
                }
                value
            };
            let app_name = required("FLY_APP_NAME");
            let machine_image = required("FLY_MACHINE_IMAGE");
            Some(FlyConfig {
                base_url: v.base_url,
                api_token: v.api_key,
                app_name: app_name?,
                machine_image: machine_image?,
            })
        });
        let videosdk = match (env.get("VIDEOSDK_API_KEY"), env.get("VIDEOSDK_SECRET")) {
            (None, None) => None,
            (Some(key), Some(secret)) => Some(VideoSdk {
                base_url: base_url(
                    env.get("VIDEOSDK_BASE_URL").unwrap_or(VIDEOSDK_DEFAULT),
                    "VIDEOSDK_BASE_URL",
                    &mut errors,
                ),
                api_key: header_safe(key.to_owned(), "VIDEOSDK_API_KEY", &mut errors),
                secret: Secret::new(secret),
            }),
            (Some(_), None) => {
                errors.missing.push("VIDEOSDK_SECRET");
                None
            }
            (None, Some(_)) => {
                errors.missing.push("VIDEOSDK_API_KEY");
                None
            }
        };

        let invite_webhook = match (
            env.get("INVITE_WEBHOOK_URL"),
            env.get("INVITE_WEBHOOK_SECRET"),
        ) {
            (None, None) => None,
            (Some(url), Some(secret)) => {
                if webhook_key(secret).is_none() {
                    errors
                        .invalid
                        .push(("INVITE_WEBHOOK_SECRET", "not whsec_ followed by base64"));
                }
                Some(WebhookConfig {
                    url: base_url(url, "INVITE_WEBHOOK_URL", &mut errors),
                    secret: Secret::new(secret),
                })
            }
            // An unsigned webhook would let anyone forge invitations to the receiver.
            (Some(_), None) => {
                errors.missing.push("INVITE_WEBHOOK_SECRET");
                None
            }
            (None, Some(_)) => None,
        };
        let invite_url_base = env
            .get("INVITE_URL_BASE")
            .map(|url| base_url(url, "INVITE_URL_BASE", &mut errors));

        match anon_key {
            Some(anon_key) if errors == ConfigError::default() => Ok(Config {
                supabase_url,
                anon_key,
                service_role_key,
                jwt_secret,
                jwks,
                jwt_issuers,
                secret_keys: secret_keys.into_values().map(Secret::new).collect(),
                publishable_keys: publishable_keys.into_values().map(Secret::new).collect(),
                openai,
                pdfco,
                pdl,
                videosdk,
                fly,
                invite_webhook,
                invite_url_base,
            }),
            _ => Err(errors),
        }
    }

    /// PostgREST's base URL as the platform routes it.
    pub fn rest_url(&self) -> String {
        format!("{}/rest/v1", self.supabase_url)
    }
}

/// The new API keys come as a JSON object of named keys (`{"default": "sb_secret_..."}`).
/// Set but not such an object is a configuration error, not "no keys".
fn named_keys(env: &Env, key: &'static str, errors: &mut ConfigError) -> BTreeMap<String, String> {
    let Some(text) = env.get(key) else {
        return BTreeMap::new();
    };
    match serde_json::from_str::<BTreeMap<String, String>>(text) {
        Ok(mut keys) => {
            keys.retain(|_, v| !v.trim().is_empty());
            keys
        }
        Err(_) => {
            errors
                .invalid
                .push((key, "not a JSON object of named keys"));
            BTreeMap::new()
        }
    }
}

/// The key to call with: `default`, as the platform names a project's first key.
fn default_key(keys: &BTreeMap<String, String>) -> Option<String> {
    keys.get("default").cloned()
}

/// Keys travel in headers: refuse a value that cannot be one (postgrest-rs would panic
/// building the request).
fn header_safe(value: String, key: &'static str, errors: &mut ConfigError) -> Secret {
    if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        errors
            .invalid
            .push((key, "not a printable ASCII header value"));
    }
    Secret::new(value)
}

fn base_url(value: &str, key: &'static str, errors: &mut ConfigError) -> String {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            value.trim_end_matches('/').to_owned()
        }
        _ => {
            errors.invalid.push((key, "not an http(s) URL"));
            String::new()
        }
    }
}

fn vendor(
    env: &Env,
    key_name: &'static str,
    url_name: &'static str,
    default_url: &str,
    errors: &mut ConfigError,
) -> Option<Vendor> {
    let key = env.get(key_name)?;
    Some(Vendor {
        base_url: base_url(env.get(url_name).unwrap_or(default_url), url_name, errors),
        api_key: header_safe(key.to_owned(), key_name, errors),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs.iter().copied().collect()
    }

    #[test]
    fn a_later_value_of_a_key_wins_and_blank_values_are_absent() {
        let e = env(&[("A", "1"), ("B", " "), ("A", "2")]);
        assert_eq!(e.get("A"), Some("2"));
        assert_eq!(e.get("B"), None);
        assert_eq!(format!("{e:?}"), r#"{"A", "B"}"#);
    }

    #[test]
    fn the_minimum_is_url_and_anon_key() {
        let c = Config::from_env(&env(&[
            ("SUPABASE_URL", "http://127.0.0.1:54321/"),
            ("SUPABASE_ANON_KEY", "anon"),
        ]))
        .unwrap();
        assert_eq!(c.supabase_url, "http://127.0.0.1:54321");
        assert_eq!(c.rest_url(), "http://127.0.0.1:54321/rest/v1");
        assert_eq!(c.anon_key.expose(), "anon");
        assert_eq!(
            (c.service_role_key, c.jwt_secret, c.openai),
            (None, None, None)
        );
    }

    #[test]
    fn every_missing_key_is_reported_at_once() {
        let err = Config::from_env(&env(&[
            ("SUPABASE_ANON_KEY", " "),
            ("VIDEOSDK_API_KEY", "k"),
        ]))
        .unwrap_err();
        assert_eq!(
            err.missing,
            vec!["SUPABASE_URL", "SUPABASE_ANON_KEY", "VIDEOSDK_SECRET"]
        );
        let text = err.to_string();
        assert!(
            text.contains("SUPABASE_URL, SUPABASE_ANON_KEY, VIDEOSDK_SECRET"),
            "{text}"
        );
        let api: crate::error::ApiError = err.into();
        assert_eq!((api.status(), api.code()), (503, "not_configured"));
    }

    #[test]
    fn invalid_values_are_reported_with_the_missing_ones() {
        let err = Config::from_env(&env(&[
            ("SUPABASE_URL", "localhost:54321"),
            ("OPENAI_API_KEY", "sk"),
            ("OPENAI_BASE_URL", "ftp://x"),
            ("SUPABASE_SERVICE_ROLE_KEY", "bad\nkey"),
        ]))
        .unwrap_err();
        assert_eq!(err.missing, vec!["SUPABASE_ANON_KEY"]);
        assert_eq!(
            err.invalid.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            vec![
                "SUPABASE_URL",
                "SUPABASE_SERVICE_ROLE_KEY",
                "OPENAI_BASE_URL"
            ]
        );
    }

    #[test]
    fn new_style_keys_and_jwt_secret_fallbacks() {
        let c = Config::from_env(&env(&[
            ("SUPABASE_URL", "https://p.supabase.co"),
            (
                "SUPABASE_PUBLISHABLE_KEYS",
                r#"{"default":"sb_publishable_x"}"#,
            ),
            ("SUPABASE_SECRET_KEYS", r#"{"default":"sb_secret_y"}"#),
            ("JWT_SECRET", "local"),
            ("PDL_API_KEY", "pdl"),
        ]))
        .unwrap();
        assert_eq!(c.anon_key.expose(), "sb_publishable_x");
        assert_eq!(c.service_role_key.unwrap().expose(), "sb_secret_y");
        assert_eq!(c.jwt_secret.unwrap().expose(), "local");
        assert_eq!(c.pdl.unwrap().base_url, "https://api.peopledatalabs.com");
        let c = Config::from_env(&env(&[
            ("SUPABASE_URL", "https://p.supabase.co"),
            ("SUPABASE_ANON_KEY", "a"),
            ("SUPABASE_JWT_SECRET", "platform"),
            ("JWT_SECRET", "local"),
        ]))
        .unwrap();
        assert_eq!(c.jwt_secret.unwrap().expose(), "platform");
    }

    #[test]
    fn openai_models_default_and_override() {
        let base = [
            ("SUPABASE_URL", "https://p.supabase.co"),
            ("SUPABASE_ANON_KEY", "a"),
            ("OPENAI_API_KEY", "sk-x"),
        ];
        let c = Config::from_env(&env(&base)).unwrap().openai.unwrap();
        assert_eq!(c.base_url, "https://api.openai.com/v1");
        assert_eq!(
            (
                c.model.as_str(),
                c.realtime_model.as_str(),
                c.transcription_model.as_str()
            ),
            (
                OPENAI_DEFAULT_MODEL,
                OPENAI_DEFAULT_REALTIME_MODEL,
                OPENAI_DEFAULT_TRANSCRIPTION_MODEL
            )
        );
        let mut more = base.to_vec();
        more.extend([
            ("OPENAI_MODEL", "gpt-5-mini"),
            ("OPENAI_REALTIME_MODEL", "gpt-realtime-mini"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:54361/v1/"),
        ]);
        let c = Config::from_env(&env(&more)).unwrap().openai.unwrap();
        assert_eq!(
            (
                c.model.as_str(),
                c.realtime_model.as_str(),
                c.base_url.as_str()
            ),
            (
                "gpt-5-mini",
                "gpt-realtime-mini",
                "http://127.0.0.1:54361/v1"
            )
        );
    }

    #[test]
    fn a_fly_token_needs_an_app_and_an_image() {
        let base = [
            ("SUPABASE_URL", "https://p.supabase.co"),
            ("SUPABASE_ANON_KEY", "a"),
            ("FLY_API_TOKEN", "fo1_x"),
        ];
        let err = Config::from_env(&env(&base)).unwrap_err();
        assert_eq!(err.missing, vec!["FLY_APP_NAME", "FLY_MACHINE_IMAGE"]);
        let mut full = base.to_vec();
        full.extend([
            ("FLY_APP_NAME", "interviews"),
            ("FLY_MACHINE_IMAGE", "registry.fly.io/interviews:v1"),
        ]);
        let fly = Config::from_env(&env(&full)).unwrap().fly.unwrap();
        assert_eq!(fly.base_url, "https://api.machines.dev");
        assert_eq!(
            (fly.app_name.as_str(), fly.api_token.expose()),
            ("interviews", "fo1_x")
        );
        // No token: the app and image alone configure nothing.
        let c = Config::from_env(&env(&[
            ("SUPABASE_URL", "https://p.supabase.co"),
            ("SUPABASE_ANON_KEY", "a"),
            ("FLY_APP_NAME", "interviews"),
        ]))
        .unwrap();
        assert_eq!(c.fly, None);
    }

    #[test]
    fn the_invite_webhook_needs_a_whsec_secret() {
        let base = [
            ("SUPABASE_URL", "https://p.supabase.co"),
            ("SUPABASE_ANON_KEY", "a"),
        ];
        let c = Config::from_env(&env(&base)).unwrap();
        assert_eq!((c.invite_webhook, c.invite_url_base), (None, None));

        let mut half = base.to_vec();
        half.push(("INVITE_WEBHOOK_URL", "https://hooks.example.test/invites"));
        assert_eq!(
            Config::from_env(&env(&half)).unwrap_err().missing,
            vec!["INVITE_WEBHOOK_SECRET"]
        );

        let mut bad = half.clone();
        bad.push(("INVITE_WEBHOOK_SECRET", "whsec_***not base64***"));
        bad.push(("INVITE_URL_BASE", "app.example.test/invite"));
        let err = Config::from_env(&env(&bad)).unwrap_err();
        assert_eq!(
            err.invalid.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            vec!["INVITE_WEBHOOK_SECRET", "INVITE_URL_BASE"]
        );

        let mut full = half.clone();
        full.push((
            "INVITE_WEBHOOK_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ));
        full.push(("INVITE_URL_BASE", "https://app.example.test/invite/"));
        let c = Config::from_env(&env(&full)).unwrap();
        let hook = c.invite_webhook.unwrap();
        assert_eq!(hook.url, "https://hooks.example.test/invites");
        assert_eq!(hook.key().unwrap().len(), 24);
        assert!(!format!("{hook:?}").contains("MfKQ"));
        assert_eq!(
            c.invite_url_base.as_deref(),
            Some("https://app.example.test/invite")
        );
    }

    #[test]
    fn secrets_never_print() {
        let c = Config::from_env(&env(&[
            ("SUPABASE_URL", "https://p.supabase.co"),
            ("SUPABASE_ANON_KEY", "anon-value"),
            ("SUPABASE_SERVICE_ROLE_KEY", "service-value"),
            ("JWT_SECRET", "jwt-value"),
            ("VIDEOSDK_API_KEY", "vk"),
            ("VIDEOSDK_SECRET", "vs-value"),
        ]))
        .unwrap();
        let shown = format!(
            "{c:?} {} {:?}",
            Secret::new("x-value"),
            env(&[("K", "env-value")])
        );
        assert!(!shown.contains("-value"), "{shown}");
        assert!(shown.contains("***"));
    }
}
