//! The invitation webhook, by the Standard Webhooks specification: an email service or
//! an ATS receives each invitation as a signed POST and delivers it to the candidate.
//!
//! - `webhook-id`: `inv_<invitation id>`. Stable for one invitation, so the receiver
//!   deduplicates our retries; a re-invite is a new invitation (a new token, the old one
//!   revoked), hence a new id and a new message.
//! - `webhook-timestamp`: Unix seconds at signing.
//! - `webhook-signature`: `v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`,
//!   the key being the bytes of `INVITE_WEBHOOK_SECRET` after `whsec_`.
//!
//! Delivery goes through `cx.http`, whose retries (429, 5xx, network; `Retry-After`)
//! apply because the request carries an idempotency key (the webhook id).

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;
use shared::config::WebhookConfig;
use shared::time::rfc3339_seconds;
use shared::{ApiError, HttpClient, HttpRequest, TransportError};
use uuid::Uuid;

/// A receiver that takes longer is treated as down (and retried).
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The event type of a new invitation.
pub const EVENT_TYPE: &str = "invitation.created";

/// The message body: `{type, timestamp, data}`, Standard Webhooks' recommended shape.
#[derive(Debug, Clone, Serialize)]
pub struct Message<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// RFC 3339, UTC.
    pub timestamp: String,
    pub data: &'a InvitationEvent,
}

/// What the receiver needs to write and send the invitation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvitationEvent {
    pub invitation_id: Uuid,
    pub tenant_id: Uuid,
    pub organization_name: Option<String>,
    pub candidate_id: Uuid,
    pub candidate_email: String,
    pub session_id: Option<Uuid>,
    pub position_id: Uuid,
    pub position_title: Option<String>,
    pub company_name: Option<String>,
    pub invitation_token: String,
    pub invitation_url: Option<String>,
    pub expires_at: String,
    /// The candidate was invited to this position before (the open session is reused).
    pub reinvite: bool,
}

/// The webhook id of an invitation.
pub fn webhook_id(invitation_id: Uuid) -> String {
    format!("inv_{}", invitation_id.simple())
}

/// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
pub fn sign(key: &[u8], id: &str, timestamp: u64, body: &[u8]) -> Result<String, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| ApiError::internal(format!("webhook key: {e}")))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Delivered { status: u16 },
    Failed { status: Option<u16>, error: String },
}

impl Delivery {
    pub fn as_str(&self) -> &'static str {
        match self {
            Delivery::Delivered { .. } => "delivered",
            Delivery::Failed { .. } => "failed",
        }
    }
}

/// The signed request for `event`, at `now_ms`.
pub fn request(
    config: &WebhookConfig,
    event: &InvitationEvent,
    now_ms: u64,
) -> Result<HttpRequest, ApiError> {
    let key = config
        .key()
        .ok_or_else(|| ApiError::not_configured("INVITE_WEBHOOK_SECRET does not decode"))?;
    let id = webhook_id(event.invitation_id);
    let timestamp = now_ms / 1000;
    let body = serde_json::to_vec(&Message {
        kind: EVENT_TYPE,
        timestamp: rfc3339_seconds(timestamp),
        data: event,
    })?;
    let signature = sign(&key, &id, timestamp, &body)?;
    Ok(HttpRequest::post(&config.url)
        .service("invite-webhook")
        .timeout(DELIVERY_TIMEOUT)
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body("application/json", body)
        // Retried by cx.http on 429/5xx/network: the receiver deduplicates by this id.
        .idempotency_key(&id))
}

/// Send the signed request (retries included) and say how it ended. Never an error: the
/// invitation exists whatever the receiver does.
pub async fn deliver(http: &dyn HttpClient, request: &HttpRequest) -> Delivery {
    match http.send(request).await {
        Ok(response) if response.is_success() => Delivery::Delivered {
            status: response.status,
        },
        Ok(response) => Delivery::Failed {
            status: Some(response.status),
            error: format!("the receiver answered {}", response.status),
        },
        Err(TransportError::Timeout(after)) => Delivery::Failed {
            status: None,
            error: format!("no answer within {}s", after.as_secs()),
        },
        Err(TransportError::Network(_)) => Delivery::Failed {
            status: None,
            error: "the receiver could not be reached".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference implementations:
    /// secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`, id `msg_p5jXN8AQM9LWM0D4loKWxJek`,
    /// timestamp 1614265330, body `{"test": 2432232314}`.
    #[test]
    fn the_signature_matches_the_specification_example() {
        let key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn the_id_is_stable_per_invitation() {
        let id = Uuid::parse_str("0f9c1c1e-6a59-4d2b-9d43-3c9e0c7a8b11").unwrap();
        assert_eq!(webhook_id(id), webhook_id(id));
        assert_eq!(webhook_id(id), "inv_0f9c1c1e6a594d2b9d433c9e0c7a8b11");
    }
}
