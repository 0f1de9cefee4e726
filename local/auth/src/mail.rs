//! The mail Supabase Auth sends with a link (confirmation, invite, magic link, recovery),
//! over SMTP to `[auth.email.smtp]` or to the stack's mail catcher (Mailpit), with its
//! two limits: `[auth.email] max_frequency` per user and kind of mail, and the
//! server-wide number of mails per hour.
//!
//! The subjects are Supabase Auth's default ones; the bodies are this stand-in's own
//! short HTML, carrying the same link and one-time code Supabase Auth's templates carry.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Env, Settings};
use crate::errors::ApiError;

/// What a mail is for; each carries a link of its own verification type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Signup,
    Invite,
    MagicLink,
    Recovery,
}

impl Kind {
    /// The `type` of the link, as `/verify` reads it.
    pub fn verification_type(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::Invite => "invite",
            Self::MagicLink => "magiclink",
            Self::Recovery => "recovery",
        }
    }

    pub fn subject(self) -> &'static str {
        match self {
            Self::Signup => "Confirm Your Email",
            Self::Invite => "You have been invited",
            Self::MagicLink => "Your Magic Link",
            Self::Recovery => "Reset Your Password",
        }
    }

    /// Supabase Auth's 500 message when this mail cannot be sent.
    pub fn failure(self) -> &'static str {
        match self {
            Self::Signup => "Error sending confirmation email",
            Self::Invite => "Error sending invite email",
            Self::MagicLink => "Error sending magic link email",
            Self::Recovery => "Error sending recovery email",
        }
    }

    fn body(self, link: &str, otp: &str, site_url: &str) -> String {
        let (heading, action) = match self {
            Self::Signup => ("Confirm your address", "Confirm this address"),
            Self::Invite => ("An invitation", "Accept the invitation"),
            Self::MagicLink => ("Sign in", "Sign in"),
            Self::Recovery => ("Choose a new password", "Choose a new password"),
        };
        let link = html_escape(link);
        let site = html_escape(site_url);
        format!(
            "<h2>{heading}</h2>\n<p>For {site}: <a href=\"{link}\">{action}</a></p>\n<p>Or enter the code {otp}</p>\n"
        )
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Supabase Auth's 429 for a mail asked for again within `max_frequency`.
pub fn check_frequency(sent_at: Option<DateTime<Utc>>, max_frequency: i64) -> Result<(), ApiError> {
    let Some(sent_at) = sent_at else {
        return Ok(());
    };
    let left = sent_at + chrono::Duration::seconds(max_frequency) - Utc::now();
    if left <= chrono::Duration::zero() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "over_email_send_rate_limit",
        format!(
            "For security purposes, you can only request this after {} seconds.",
            left.num_seconds()
        ),
    ))
}

fn over_limit() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "over_email_send_rate_limit",
        "email rate limit exceeded",
    )
}

/// A fixed window of one hour from start-up, counted as Supabase Auth counts mails.
struct Window {
    started: Instant,
    sent: u64,
}

pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Option<Mailbox>,
    per_hour: u64,
    /// Supabase Auth counts mails only while confirmations are on.
    counted: bool,
    window: Mutex<Window>,
}

impl Mailer {
    pub fn new(settings: &Settings, env: &Env) -> Self {
        let transport = match (&settings.smtp, &env.catcher) {
            (Some(smtp), _) => {
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                        .port(smtp.port);
                if !smtp.user.is_empty() {
                    builder =
                        builder.credentials(Credentials::new(smtp.user.clone(), smtp.pass.clone()));
                }
                Some(builder)
            }
            (None, Some((host, port))) => {
                Some(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(*port))
            }
            (None, None) => None,
        }
        .map(|b| b.timeout(Some(Duration::from_secs(10))).build());
        let from = format!("{} <{}>", settings.sender.name, settings.sender.email)
            .parse()
            .or_else(|_| settings.sender.email.parse())
            .ok();
        Self {
            transport,
            from,
            per_hour: settings.emails_per_hour,
            counted: settings.confirmations,
            window: Mutex::new(Window {
                started: Instant::now(),
                sent: 0,
            }),
        }
    }

    /// One more mail within the hour's limit, or Supabase Auth's 429.
    fn allow(&self) -> Result<(), ApiError> {
        if self.per_hour == 0 {
            return Err(over_limit());
        }
        if !self.counted {
            return Ok(());
        }
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let hours = window.started.elapsed().as_secs() / 3600;
        if hours > 0 {
            window.started += Duration::from_secs(hours * 3600);
            window.sent = 0;
        }
        if window.sent >= self.per_hour {
            return Err(over_limit());
        }
        window.sent += 1;
        Ok(())
    }

    /// Sends `kind`'s mail with `link` and `otp` to `to`.
    pub async fn send(
        &self,
        kind: Kind,
        to: &str,
        link: &str,
        otp: &str,
        site_url: &str,
    ) -> Result<(), ApiError> {
        self.allow()?;
        let failed = |what: String| {
            eprintln!("auth: {} mail not sent: {what}", kind.verification_type());
            ApiError::internal(kind.failure())
        };
        let (Some(transport), Some(from)) = (&self.transport, &self.from) else {
            return Err(failed("no SMTP server configured".into()));
        };
        let to: Mailbox = to.parse().map_err(|_| {
            ApiError::bad_request(
                "email_address_invalid",
                format!("Email address {to:?} is invalid"),
            )
        })?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(kind.subject())
            .header(ContentType::TEXT_HTML)
            .body(kind.body(link, otp, site_url))
            .map_err(|e| failed(e.to_string()))?;
        transport
            .send(message)
            .await
            .map_err(|e| failed(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer(per_hour: u64, counted: bool) -> Mailer {
        Mailer {
            transport: None,
            from: None,
            per_hour,
            counted,
            window: Mutex::new(Window {
                started: Instant::now(),
                sent: 0,
            }),
        }
    }

    #[test]
    fn the_hourly_limit_counts_only_with_confirmations_on() {
        let m = mailer(2, true);
        assert!(m.allow().is_ok() && m.allow().is_ok());
        let e = m.allow().unwrap_err();
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.code, Some("over_email_send_rate_limit"));
        assert_eq!(e.message, "email rate limit exceeded");
        let m = mailer(2, false);
        assert!((0..5).all(|_| m.allow().is_ok()));
        assert!(
            mailer(0, false).allow().is_err(),
            "a limit of 0 sends nothing"
        );
    }

    #[test]
    fn a_mail_asked_for_again_too_soon_is_refused() {
        assert!(check_frequency(None, 60).is_ok());
        assert!(check_frequency(Some(Utc::now() - chrono::Duration::seconds(61)), 60).is_ok());
        let e = check_frequency(Some(Utc::now() - chrono::Duration::seconds(10)), 60).unwrap_err();
        assert_eq!(e.code, Some("over_email_send_rate_limit"));
        assert!(
            e.message
                .starts_with("For security purposes, you can only request this after 4"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bodies_carry_the_link_escaped() {
        let body = Kind::Signup.body(
            "http://x/verify?token=a&type=signup",
            "123456",
            "http://site",
        );
        assert!(body.contains("href=\"http://x/verify?token=a&amp;type=signup\""));
        assert!(body.contains("123456"));
    }
}
