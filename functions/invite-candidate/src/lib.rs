//! `invite-candidate`: a recruiter invites someone, by email, to interview for a position.
//!
//! - Route: `POST /functions/v1/invite-candidate` (the function sees `/invite-candidate`);
//!   `OPTIONS` answers the CORS preflight.
//! - Input: `{"candidate_email": "ada@example.com", "position_id": "<uuid>"}`.
//! - Output: `201` for a new interview session, `200` when the candidate already had an
//!   open one for this position (a re-invite: the same session, a fresh link, the old
//!   link revoked):
//!   `{"session_id", "candidate_id", "invitation_id", "invitation_token", "expires_at",
//!     "invitation_url": string | null, "created": bool,
//!     "webhook": "delivered" | "failed" | "not_configured", "webhook_error": string | null}`.
//!   `invitation_url` is `INVITE_URL_BASE?token=<token>` when that is set; the frontend
//!   builds it from the token otherwise. The token is shown this once (only its hash is
//!   stored).
//! - Caller: owner or admin of a tenant ([`Role::Admin`]); the invitation is in their
//!   tenant.
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body` / `invalid_email` /
//!   `invalid_position_id`; 401; 403 `insufficient_role` (a plain member, a candidate); 404
//!   `position_not_found` (unknown, or another tenant's: the same answer); 405; 409
//!   `position_archived`; 413; 415.
//!
//! With `INVITE_WEBHOOK_URL` set, the invitation is posted there as a signed Standard
//! Webhooks message ([`webhook`]) for an email service or an ATS to deliver. Its outcome
//! is recorded on the invitation (`webhook_status`, ...) and reported in the answer; a
//! receiver that is down never turns a created invitation into an error.
//!
//! The invitation itself is `public.create_candidate_invitation`, called as the caller
//! (it checks owner/admin of the tenant itself, finds or creates the candidate, reuses
//! an open session, and issues the token); this crate validates, delivers and answers.

pub mod webhook;

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::db::Session;
use shared::{ApiError, Caller, Context, Method, Request, Response, Role};
use uuid::Uuid;

use crate::webhook::{Delivery, InvitationEvent};

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[
        error(400, "invalid_email"),
        error(400, "invalid_position_id"),
        error(403, "forbidden"),
        error(404, "position_not_found"),
        error(409, "position_archived"),
    ],
];

/// RFC 5321's limit on a forward path; the SQL function refuses longer too.
pub const MAX_EMAIL_LEN: usize = 320;

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "InviteCandidateInput"))]
pub struct Input {
    candidate_email: String,
    position_id: String,
}

impl Input {
    /// Trimmed and lower-cased, as the database stores it.
    fn email(&self) -> Result<String, ApiError> {
        let email = self.candidate_email.trim().to_lowercase();
        if is_valid_email(&email) {
            Ok(email)
        } else {
            Err(
                ApiError::bad_request("invalid_email", "The candidate email address is not valid")
                    .with_details(json!({ "field": "candidate_email" })),
            )
        }
    }

    fn position_id(&self) -> Result<Uuid, ApiError> {
        Uuid::parse_str(self.position_id.trim()).map_err(|_| {
            ApiError::bad_request("invalid_position_id", "position_id must be a uuid")
                .with_details(json!({ "field": "position_id" }))
        })
    }
}

/// `local@domain.tld`: one `@`, no spaces or control characters, a dot in the domain
/// with something on both sides, at most [`MAX_EMAIL_LEN`]. The same rule as the SQL.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let clean = |s: &str| {
        !s.is_empty()
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@')
    };
    email.len() <= MAX_EMAIL_LEN
        && clean(local)
        && clean(domain)
        && domain
            .rsplit_once('.')
            .is_some_and(|(host, tld)| !host.is_empty() && !tld.is_empty())
}

/// `create_candidate_invitation`'s answer.
#[derive(Debug, Clone, Deserialize)]
struct Invitation {
    candidate_id: Uuid,
    session_id: Option<Uuid>,
    invitation_id: Uuid,
    token: String,
    expires_at: String,
    created: bool,
}

#[derive(Serialize)]
struct InviteParams<'a> {
    p_tenant_id: Uuid,
    p_candidate_email: &'a str,
    p_position_id: Uuid,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "InviteCandidateOutput")
)]
pub struct Output {
    pub session_id: Option<Uuid>,
    pub candidate_id: Uuid,
    pub invitation_id: Uuid,
    pub invitation_token: String,
    pub expires_at: String,
    pub invitation_url: Option<String>,
    pub created: bool,
    /// `delivered`, `failed` or `not_configured`.
    pub webhook: String,
    pub webhook_error: Option<String>,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input: Input = req.json_object()?;
    let email = input.email()?;
    let position_id = input.position_id()?;
    let caller = cx.auth.require(&req, Role::Admin).await?;
    let tenant_id = caller.tenant_id().ok_or_else(|| {
        ApiError::forbidden(
            "insufficient_role",
            "Only owners and admins of an organisation can invite candidates",
        )
    })?;

    let db = cx.db.as_user(&caller);
    let invitation: Invitation = db
        .execute(db.rpc(
            "create_candidate_invitation",
            &InviteParams {
                p_tenant_id: tenant_id,
                p_candidate_email: &email,
                p_position_id: position_id,
            },
        )?)
        .await?;
    let invitation_url = cx
        .config
        .invite_url_base
        .as_deref()
        .map(|base| invitation_url(base, &invitation.token));

    let delivery = match &cx.config.invite_webhook {
        None => None,
        Some(config) => {
            let names = describe(&db, tenant_id, position_id).await;
            let event = InvitationEvent {
                invitation_id: invitation.invitation_id,
                tenant_id,
                organization_name: names.organization,
                candidate_id: invitation.candidate_id,
                candidate_email: email.clone(),
                session_id: invitation.session_id,
                position_id,
                position_title: names.position_title,
                company_name: names.company,
                invitation_token: invitation.token.clone(),
                invitation_url: invitation_url.clone(),
                expires_at: invitation.expires_at.clone(),
                reinvite: !invitation.created,
            };
            let request = webhook::request(config, &event, cx.clock.now_unix_ms())?;
            let delivery = webhook::deliver(&*cx.http, &request).await;
            record(
                &db,
                &caller,
                invitation.invitation_id,
                &delivery,
                cx.clock.now_unix_ms(),
            )
            .await;
            Some(delivery)
        }
    };

    let output = Output {
        session_id: invitation.session_id,
        candidate_id: invitation.candidate_id,
        invitation_id: invitation.invitation_id,
        invitation_token: invitation.token,
        expires_at: invitation.expires_at,
        invitation_url,
        created: invitation.created,
        webhook: delivery
            .as_ref()
            .map_or("not_configured", Delivery::as_str)
            .to_owned(),
        webhook_error: match delivery {
            Some(Delivery::Failed { error, .. }) => Some(error),
            _ => None,
        },
    };
    Ok(if output.created {
        Response::created(&output)
    } else {
        Response::ok(&output)
    })
}

/// `base?token=…` (or `&token=…` when the base has a query already).
pub fn invitation_url(base: &str, token: &str) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    format!("{base}{separator}token={token}")
}

#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    company_id: Option<Uuid>,
}

/// The names the receiver shows in its email.
struct Names {
    position_title: Option<String>,
    company: Option<String>,
    organization: Option<String>,
}

/// Position title, company and organisation names, read as the caller. Best effort: the
/// invitation is made, and a message without a name beats none.
async fn describe(db: &Session<'_>, tenant_id: Uuid, position_id: Uuid) -> Names {
    let first = |rows: Result<Vec<Named>, ApiError>| rows.ok().and_then(|r| r.into_iter().next());
    let position = first(
        db.execute(
            db.from("positions")
                .select("title,company_id")
                .eq("id", position_id.to_string()),
        )
        .await,
    );
    let company = match position.as_ref().and_then(|p| p.company_id) {
        Some(company_id) => first(
            db.execute(
                db.from("companies")
                    .select("name")
                    .eq("id", company_id.to_string()),
            )
            .await,
        ),
        None => None,
    };
    let organization = first(
        db.execute(
            db.from("tenants")
                .select("name")
                .eq("id", tenant_id.to_string()),
        )
        .await,
    );
    Names {
        position_title: position.and_then(|p| p.title),
        company: company.and_then(|c| c.name),
        organization: organization.and_then(|o| o.name),
    }
}

/// Record the outcome on the invitation, as the caller (the policy "Owners and admins
/// can update their tenant's invitations" and the webhook columns' grant). A failure
/// here is logged, not answered: the invitation and its delivery already happened.
async fn record(
    db: &Session<'_>,
    caller: &Caller,
    invitation_id: Uuid,
    delivery: &Delivery,
    now_ms: u64,
) {
    let (status, error) = match delivery {
        Delivery::Delivered { status } => (Some(*status), None),
        Delivery::Failed { status, error } => (*status, Some(error.as_str())),
    };
    let patch = json!({
        "webhook_status": delivery.as_str(),
        "webhook_attempted_at": shared::time::rfc3339_seconds(now_ms / 1000),
        "webhook_response_status": status,
        "webhook_error": error,
    });
    let query = db
        .from("interview_invitations")
        .eq("id", invitation_id.to_string())
        .update(patch.to_string());
    if let Err(err) = db.execute::<serde_json::Value>(query).await {
        shared::log::error(&format!(
            "[invite-candidate] recording webhook outcome of {invitation_id} for {:?}: {err:?}",
            caller.user_id()
        ));
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_like_the_sql_does() {
        for ok in ["ada@example.com", "a.b+c@sub.example.co.uk", "x@y.z"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a da@example.com",
            "ada@example.",
            "ada@.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert!(!is_valid_email(&format!("{}@example.com", "a".repeat(320))));
    }

    #[test]
    fn invitation_urls_carry_the_token() {
        assert_eq!(
            invitation_url("https://app.test/invite", "ab12"),
            "https://app.test/invite?token=ab12"
        );
        assert_eq!(
            invitation_url("https://app.test/i?lang=en", "ab12"),
            "https://app.test/i?lang=en&token=ab12"
        );
    }
}
