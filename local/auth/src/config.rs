//! What the stand-in is configured with: the `[auth]` settings of `supabase/config.toml`
//! (read as Supabase Auth reads them, with its defaults where the file is silent) and the
//! stack's environment (ports, database, keys).

use serde::Deserialize;

/// The settings the endpoints obey.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Access token lifetime, seconds (`[auth] jwt_expiry`).
    pub jwt_expiry: i64,
    /// `[auth] enable_signup`: no sign-up at all when false.
    pub enable_signup: bool,
    /// `[auth.email] enable_signup`: the email provider.
    pub email_enabled: bool,
    /// `[auth.email] enable_confirmations`: when false, users are confirmed at sign-up
    /// and get a session at once (Supabase Auth's "autoconfirm").
    pub confirmations: bool,
    /// `[auth] enable_refresh_token_rotation`.
    pub rotation: bool,
    /// `[auth] refresh_token_reuse_interval`, seconds.
    pub reuse_interval: i64,
    /// `[auth] minimum_password_length` (Supabase Auth's default 6).
    pub min_password_length: usize,
    /// `[auth.email] max_frequency` in seconds (Supabase Auth's default 1 minute): how
    /// often a confirmation can be asked for again.
    pub email_max_frequency: i64,
    /// The custom access token hook, when enabled: its URI and the SQL name to call.
    pub hook: Option<Hook>,
    /// `[auth] site_url`: where links lead when the request names no allowed `redirect_to`.
    pub site_url: String,
    /// `[auth] additional_redirect_urls`: other allowed `redirect_to` values (globs).
    pub redirect_urls: Vec<String>,
    /// `[auth.email] otp_length` (6 to 10; Supabase Auth's default 6).
    pub otp_length: usize,
    /// `[auth.email] otp_expiry`, seconds (Supabase Auth's default one day when unset).
    pub otp_expiry: i64,
    /// Mails per hour across the server, as `supabase start` configures Supabase Auth:
    /// `[auth.rate_limit] email_sent` when `[auth.email.smtp]` is enabled, else 360000.
    /// Applied only while confirmations are on, as Supabase Auth applies it.
    pub emails_per_hour: u64,
    /// `[auth.email.smtp]` when enabled; otherwise mail goes to the stack's catcher.
    pub smtp: Option<Smtp>,
    /// The sender, `[auth.email.smtp]` or `[inbucket]` `admin_email` and `sender_name`.
    pub sender: Sender,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub pass: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub email: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub uri: String,
    /// `"schema"."function"`, quoted for SQL.
    pub function: String,
}

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    auth: AuthSection,
    #[serde(default)]
    inbucket: InbucketSection,
}

/// `supabase start`'s mail catcher; its sender is Auth's when no SMTP server is set.
#[derive(Deserialize)]
#[serde(default)]
struct InbucketSection {
    admin_email: String,
    sender_name: String,
}

impl Default for InbucketSection {
    fn default() -> Self {
        Self {
            admin_email: "admin@email.com".into(),
            sender_name: "Admin".into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RateLimitSection {
    /// The Supabase CLI passes 0 when the file is silent: then no mail goes out at all.
    email_sent: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SmtpSection {
    enabled: Option<bool>,
    host: String,
    port: u16,
    user: String,
    pass: String,
    admin_email: String,
    sender_name: String,
}

#[derive(Deserialize)]
#[serde(default)]
struct AuthSection {
    jwt_expiry: i64,
    enable_signup: bool,
    enable_refresh_token_rotation: bool,
    refresh_token_reuse_interval: i64,
    minimum_password_length: usize,
    site_url: String,
    additional_redirect_urls: Vec<String>,
    email: EmailSection,
    hook: HookSection,
    rate_limit: RateLimitSection,
}

impl Default for AuthSection {
    fn default() -> Self {
        Self {
            jwt_expiry: 3600,
            enable_signup: true,
            enable_refresh_token_rotation: true,
            refresh_token_reuse_interval: 10,
            minimum_password_length: 6,
            site_url: "http://127.0.0.1:3000".into(),
            additional_redirect_urls: vec![],
            email: EmailSection::default(),
            hook: HookSection::default(),
            rate_limit: RateLimitSection::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(default)]
struct EmailSection {
    enable_signup: bool,
    enable_confirmations: bool,
    max_frequency: Option<String>,
    otp_length: usize,
    otp_expiry: i64,
    smtp: Option<SmtpSection>,
}

impl Default for EmailSection {
    fn default() -> Self {
        Self {
            enable_signup: true,
            enable_confirmations: false,
            max_frequency: None,
            otp_length: 0,
            otp_expiry: 0,
            smtp: None,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HookSection {
    custom_access_token: Option<HookEntry>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HookEntry {
    enabled: bool,
    uri: String,
}

impl Settings {
    /// Reads the text of a `config.toml`.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("config.toml: {e}"))?;
        let auth = file.auth;
        // A section that is present is enabled unless it says otherwise (the CLI's rule).
        let (smtp, sender, emails_per_hour) = match &auth.email.smtp {
            Some(smtp_section) if smtp_section.enabled.unwrap_or(true) => (
                Some(Smtp {
                    host: smtp_section.host.clone(),
                    port: smtp_section.port,
                    user: smtp_section.user.clone(),
                    pass: smtp_section.pass.clone(),
                }),
                Sender {
                    email: smtp_section.admin_email.clone(),
                    name: smtp_section.sender_name.clone(),
                },
                auth.rate_limit.email_sent,
            ),
            _ => {
                let sender = Sender {
                    email: file.inbucket.admin_email.clone(),
                    name: file.inbucket.sender_name.clone(),
                };
                (None, sender, 360_000)
            }
        };
        let hook = match auth.hook.custom_access_token {
            Some(entry) if entry.enabled => Some(Hook {
                function: pg_function(&entry.uri)?,
                uri: entry.uri,
            }),
            _ => None,
        };
        Ok(Self {
            jwt_expiry: auth.jwt_expiry,
            enable_signup: auth.enable_signup,
            email_enabled: auth.email.enable_signup,
            confirmations: auth.email.enable_confirmations,
            rotation: auth.enable_refresh_token_rotation,
            reuse_interval: auth.refresh_token_reuse_interval,
            min_password_length: auth.minimum_password_length,
            email_max_frequency: match auth.email.max_frequency.as_deref() {
                None => 60,
                Some(text) => duration_seconds(text).ok_or_else(|| {
                    format!("[auth.email] max_frequency: not a duration: {text:?}")
                })?,
            },
            hook,
            site_url: auth.site_url,
            redirect_urls: auth.additional_redirect_urls,
            otp_length: match auth.email.otp_length {
                n @ 6..=10 => n,
                _ => 6,
            },
            otp_expiry: match auth.email.otp_expiry {
                n if n > 0 => n,
                _ => 86_400,
            },
            emails_per_hour,
            smtp,
            sender,
        })
    }
}

/// A Go duration as config.toml writes them (`"1s"`, `"1m0s"`, `"2h"`), in whole seconds.
fn duration_seconds(text: &str) -> Option<i64> {
    let (mut total, mut number) = (0i64, String::new());
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        total += n * match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return None,
        };
    }
    (number.is_empty() && !text.is_empty()).then_some(total)
}

/// `pg-functions://<database>/<schema>/<function>` to `"schema"."function"`. Only plain
/// lower-case identifiers are accepted, so the name is safe to put into SQL.
fn pg_function(uri: &str) -> Result<String, String> {
    let rest = uri.strip_prefix("pg-functions://").ok_or_else(|| {
        format!("custom_access_token hook: only pg-functions:// URIs are served here, not {uri}")
    })?;
    let parts: Vec<&str> = rest.split('/').collect();
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    match parts.as_slice() {
        [_db, schema, function] if ident(schema) && ident(function) => {
            Ok(format!("\"{schema}\".\"{function}\""))
        }
        _ => Err(format!(
            "custom_access_token hook: not pg-functions://<db>/<schema>/<function>: {uri}"
        )),
    }
}

/// Where the stand-in listens and what it talks to, from the environment stack.sh sets.
#[derive(Debug, Clone)]
pub struct Env {
    pub port: u16,
    pub database_url: String,
    /// The public URL of the API (the gateway); tokens' `iss` is this plus `/auth/v1`.
    pub api_url: String,
    pub config_file: String,
    /// The stack's mail catcher (`AUTH_SMTP_HOST`, `AUTH_SMTP_PORT`), where mail goes
    /// when config.toml names no SMTP server; without it such mail fails as unsendable.
    pub catcher: Option<(String, u16)>,
}

impl Env {
    pub fn from_env() -> Result<Self, String> {
        let var = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
        Ok(Self {
            port: var("AUTH_PORT")?
                .parse()
                .map_err(|_| "AUTH_PORT is not a port".to_string())?,
            database_url: var("AUTH_DATABASE_URL")?,
            api_url: var("API_URL")?,
            config_file: var("AUTH_CONFIG_FILE")?,
            catcher: match (var("AUTH_SMTP_HOST"), var("AUTH_SMTP_PORT")) {
                (Ok(host), Ok(port)) => Some((
                    host,
                    port.parse()
                        .map_err(|_| "AUTH_SMTP_PORT is not a port".to_string())?,
                )),
                _ => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_projects_settings() {
        let s = Settings::from_toml(
            r#"
[auth]
jwt_expiry = 600
enable_refresh_token_rotation = true
refresh_token_reuse_interval = 3
minimum_password_length = 8
[auth.email]
enable_confirmations = true
[auth.hook.custom_access_token]
enabled = true
uri = "pg-functions://postgres/public/custom_access_token_hook"
"#,
        )
        .unwrap();
        assert_eq!(s.jwt_expiry, 600);
        assert_eq!(s.reuse_interval, 3);
        assert_eq!(s.min_password_length, 8);
        assert!(s.confirmations);
        let hook = s.hook.unwrap();
        assert_eq!(hook.function, "\"public\".\"custom_access_token_hook\"");
    }

    #[test]
    fn defaults_are_supabase_auths() {
        let s = Settings::from_toml("").unwrap();
        assert_eq!(
            (s.jwt_expiry, s.reuse_interval, s.min_password_length),
            (3600, 10, 6)
        );
        assert!(s.enable_signup && s.email_enabled && s.rotation && !s.confirmations);
        assert_eq!(s.hook, None);
    }

    #[test]
    fn email_frequency_is_a_go_duration() {
        let s = |t: &str| Settings::from_toml(&format!("[auth.email]\nmax_frequency = \"{t}\"\n"));
        assert_eq!(s("1s").unwrap().email_max_frequency, 1);
        assert_eq!(s("1m0s").unwrap().email_max_frequency, 60);
        assert_eq!(s("2h").unwrap().email_max_frequency, 7200);
        assert!(s("soon").is_err() && s("10").is_err() && s("").is_err());
        assert_eq!(Settings::from_toml("").unwrap().email_max_frequency, 60);
    }

    #[test]
    fn mail_goes_to_the_catcher_unless_smtp_is_set_as_the_cli_sets_it() {
        let s = Settings::from_toml("[auth]\nsite_url = \"http://app\"\n").unwrap();
        assert_eq!((s.smtp, s.emails_per_hour), (None, 360_000));
        assert_eq!(
            (s.sender.email.as_str(), s.sender.name.as_str()),
            ("admin@email.com", "Admin")
        );
        assert_eq!(
            (s.site_url.as_str(), s.otp_length, s.otp_expiry),
            ("http://app", 6, 86_400)
        );
        let s = Settings::from_toml(
            "[auth.email.smtp]\nhost = \"mx\"\nport = 25\nadmin_email = \"a@x.io\"\n[auth.rate_limit]\nemail_sent = 2\n",
        )
        .unwrap();
        assert_eq!(
            s.smtp.as_ref().map(|m| (m.host.as_str(), m.port)),
            Some(("mx", 25))
        );
        assert_eq!((s.emails_per_hour, s.sender.email.as_str()), (2, "a@x.io"));
        let s = Settings::from_toml("[auth.email.smtp]\nenabled = false\nhost = \"mx\"\n").unwrap();
        assert_eq!(s.smtp, None);
        let s = Settings::from_toml("[auth.email.smtp]\nhost = \"mx\"\n").unwrap();
        assert_eq!(
            s.emails_per_hour, 0,
            "the CLI passes 0 when email_sent is unset"
        );
    }

    #[test]
    fn a_disabled_hook_is_not_called() {
        let s = Settings::from_toml(
            "[auth.hook.custom_access_token]\nenabled = false\nuri = \"pg-functions://postgres/public/h\"\n",
        )
        .unwrap();
        assert_eq!(s.hook, None);
    }

    #[test]
    fn refuses_hook_names_that_are_not_plain_identifiers() {
        for uri in [
            "pg-functions://postgres/public/h(); drop table x; --",
            "pg-functions://postgres/Public/h",
            "https://example.com/hook",
            "pg-functions://postgres/h",
        ] {
            let text =
                format!("[auth.hook.custom_access_token]\nenabled = true\nuri = \"{uri}\"\n");
            assert!(Settings::from_toml(&text).is_err(), "{uri}");
        }
    }
}
