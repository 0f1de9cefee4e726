//! One-time tokens and the links that carry them, as Supabase Auth makes them: a random
//! code of `otp_length` digits; its hash, hex of `sha224(email + code)`, kept in the
//! user's column (`confirmation_token` for sign-up and invite, `recovery_token` for
//! recovery and magic link) and in `auth.one_time_tokens`; the link
//! `<API_URL>/auth/v1/verify?token=<hash>&type=<type>&redirect_to=<url>`. And where a
//! link may lead: `site_url`, or a `redirect_to` that `additional_redirect_urls` allows.

use axum::http::{HeaderMap, Uri};
use rand::Rng;
use sha2::{Digest, Sha224};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::config::Settings;
use crate::mail::Kind;

pub fn new_otp(digits: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..digits)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

pub fn token_hash(email: &str, otp: &str) -> String {
    Sha224::digest(format!("{email}{otp}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `auth.one_time_tokens` type of a kind's token.
fn token_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Signup | Kind::Invite => "confirmation_token",
        Kind::MagicLink | Kind::Recovery => "recovery_token",
    }
}

/// Stores `hash` as the user's token of `kind` (replacing any older one), with its time
/// sent, and `invited_at` for an invite.
pub async fn store(
    db: &impl GenericClient,
    user_id: Uuid,
    email: &str,
    kind: Kind,
    hash: &str,
) -> Result<(), tokio_postgres::Error> {
    let sql = match kind {
        Kind::Signup => {
            "update auth.users set confirmation_token = $2, confirmation_sent_at = now() where id = $1"
        }
        Kind::Invite => {
            "update auth.users set confirmation_token = $2, confirmation_sent_at = now(), invited_at = now() where id = $1"
        }
        Kind::MagicLink | Kind::Recovery => {
            "update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1"
        }
    };
    db.execute(sql, &[&user_id, &hash]).await?;
    let token_type = token_type(kind);
    db.execute(
        "delete from auth.one_time_tokens where user_id = $1 and token_type = ($2::text)::auth.one_time_token_type",
        &[&user_id, &token_type],
    )
    .await?;
    db.execute(
        "insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to)
         values (gen_random_uuid(), $1, ($2::text)::auth.one_time_token_type, $3, lower($4))",
        &[&user_id, &token_type, &hash, &email],
    )
    .await?;
    Ok(())
}

/// The link in the mail. `redirect_to` goes in as given unless it holds `&`, `=` or `#`,
/// which are escaped (Supabase Auth's rule: such a value was not escaped by its caller).
pub fn action_link(
    api_url: &str,
    hash: &str,
    verification_type: &str,
    redirect_to: &str,
) -> String {
    let redirect = if redirect_to.contains(['&', '=', '#']) {
        serde_urlencoded::to_string([("", redirect_to)])
            .map(|s| s.trim_start_matches('=').to_owned())
            .unwrap_or_default()
    } else {
        redirect_to.to_owned()
    };
    format!("{api_url}/auth/v1/verify?token={hash}&type={verification_type}&redirect_to={redirect}")
}

/// Whether a link may lead to `url`: the site's host, a loopback address, or a match of
/// one of `additional_redirect_urls` (globs: `*` within a host label or path segment,
/// `**` across them, `?` one character), the fragment left out.
pub fn redirect_allowed(settings: &Settings, url: &str) -> bool {
    if url.is_empty() {
        return false;
    }
    let host = |u: &str| {
        u.parse::<Uri>()
            .ok()
            .and_then(|u| u.host().map(str::to_owned))
    };
    let Some(target) = host(url) else {
        return false;
    };
    if host(&settings.site_url).is_some_and(|site| site == target) {
        return true;
    }
    let bare = target.trim_start_matches('[').trim_end_matches(']');
    if bare.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    let scheme = url.split(':').next().unwrap_or_default().to_lowercase();
    let regular = bare
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !bare.starts_with(['.', '-'])
        && !bare.ends_with(['.', '-']);
    if (scheme == "http" || scheme == "https") && !regular {
        return false;
    }
    let without_fragment = url.split('#').next().unwrap_or_default();
    settings
        .redirect_urls
        .iter()
        .any(|pattern| glob_match(pattern.as_bytes(), without_fragment.as_bytes()))
}

fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let separator = |c: u8| c == b'.' || c == b'/';
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|i| glob_match(rest, &text[i..])),
        [b'*', rest @ ..] => {
            let mut i = 0;
            loop {
                if glob_match(rest, &text[i..]) {
                    return true;
                }
                if i == text.len() || separator(text[i]) {
                    return false;
                }
                i += 1;
            }
        }
        [b'?', rest @ ..] => match text {
            [c, tail @ ..] if !separator(*c) => glob_match(rest, tail),
            _ => false,
        },
        [p, rest @ ..] => matches!(text, [c, tail @ ..] if c == p && glob_match(rest, tail)),
    }
}

/// Where a request's links lead: its `redirect_to` (the header, else the query) when
/// allowed, else its `Referer` when allowed, else `site_url`.
pub fn referrer(settings: &Settings, headers: &HeaderMap, query_redirect: Option<&str>) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    };
    let asked = header("redirect_to").or(query_redirect).unwrap_or_default();
    if redirect_allowed(settings, asked) {
        return asked.to_owned();
    }
    if let Some(referer) = header("referer").filter(|r| redirect_allowed(settings, r)) {
        return referer.to_owned();
    }
    settings.site_url.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        let mut s = Settings::from_toml("").unwrap();
        s.site_url = "https://app.example.com".into();
        s.redirect_urls = vec!["https://*.example.org/welcome".into(), "myapp://**".into()];
        s
    }

    #[test]
    fn codes_are_digits_and_hashes_are_sha224_hex() {
        let otp = new_otp(6);
        assert_eq!(otp.len(), 6);
        assert!(otp.chars().all(|c| c.is_ascii_digit()));
        // sha224("") is a published test vector; the hash covers the email and the code.
        assert_eq!(
            token_hash("", ""),
            "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"
        );
        assert_ne!(
            token_hash("a@x.io", "123456"),
            token_hash("b@x.io", "123456")
        );
        assert_eq!(token_hash("a@x.io", "123456").len(), 56);
    }

    #[test]
    fn redirects_go_only_where_the_config_allows() {
        let s = settings();
        assert!(redirect_allowed(&s, "https://app.example.com/any/path"));
        assert!(redirect_allowed(&s, "http://127.0.0.1:3000/cb"));
        assert!(!redirect_allowed(&s, "http://localhost:3000/cb"));
        assert!(redirect_allowed(&s, "https://shop.example.org/welcome"));
        assert!(
            !redirect_allowed(&s, "https://a.b.example.org/welcome"),
            "* stays in one label"
        );
        assert!(redirect_allowed(&s, "myapp://deep/link#frag"));
        assert!(!redirect_allowed(&s, "https://evil.com/"));
        assert!(
            !redirect_allowed(&s, "http://2130706433/"),
            "decimal IPs are refused"
        );
        assert!(!redirect_allowed(&s, ""));
    }

    #[test]
    fn the_referrer_falls_back_to_the_site() {
        let s = settings();
        let mut h = HeaderMap::new();
        assert_eq!(
            referrer(&s, &h, Some("https://evil.com/")),
            "https://app.example.com"
        );
        assert_eq!(referrer(&s, &h, Some("myapp://x")), "myapp://x");
        h.insert(
            "referer",
            "https://shop.example.org/welcome".parse().unwrap(),
        );
        assert_eq!(referrer(&s, &h, None), "https://shop.example.org/welcome");
    }

    #[test]
    fn links_escape_a_redirect_only_when_it_needs_it() {
        assert_eq!(
            action_link("http://api", "ab", "signup", "http://x/cb"),
            "http://api/auth/v1/verify?token=ab&type=signup&redirect_to=http://x/cb"
        );
        assert_eq!(
            action_link("http://api", "ab", "recovery", "http://x/cb?a=1"),
            "http://api/auth/v1/verify?token=ab&type=recovery&redirect_to=http%3A%2F%2Fx%2Fcb%3Fa%3D1"
        );
    }
}
