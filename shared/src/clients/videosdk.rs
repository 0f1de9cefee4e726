//! VideoSDK, after its API reference
//! (https://docs.videosdk.live/api-reference/realtime-communication/authentication,
//! `create-room`): HS256 tokens signed with `VIDEOSDK_SECRET`, and rooms.
//! Base `VIDEOSDK_BASE_URL`; `Authorization: <jwt>` with **no** `Bearer` prefix.
//!
//! - [`VideoSdk::server_token`]: for our own API calls: `apikey`, `permissions:
//!   ["allow_join"]`, `version: 2`, `roles: ["crawler"]`, ten minutes.
//! - [`VideoSdk::participant_token`]: for the browser: `apikey`, `permissions:
//!   ["allow_join"]`, `version: 2`, `roomId`, `participantId`, a short expiry.
//! - [`VideoSdk::create_room`]: `POST /v2/rooms {customRoomId}`. VideoSDK answers the
//!   existing room for a `customRoomId` it has seen, so the call is idempotent and
//!   `cx.http` may retry it.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::vendor::{error_message, parse, success};
use super::{retry_after_secs, sign_hs256, Api, Client, VendorFailure};
use crate::config::{Config, Secret, VideoSdk as VideoSdkConfig};
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest, HttpResponse};

const SERVICE: &str = "videosdk";

/// Our own API calls: minted per call, so short.
pub const SERVER_TOKEN_TTL: Duration = Duration::from_secs(600);

#[derive(Serialize)]
struct Claims<'a> {
    apikey: &'a str,
    permissions: &'a [&'a str],
    version: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [&'a str]>,
    #[serde(rename = "roomId", skip_serializing_if = "Option::is_none")]
    room_id: Option<&'a str>,
    #[serde(rename = "participantId", skip_serializing_if = "Option::is_none")]
    participant_id: Option<&'a str>,
    iat: u64,
    exp: u64,
}

/// A room as `POST /v2/rooms` answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Room {
    /// `abc-xyzw-lmno`: what the browser SDK joins.
    #[serde(rename = "roomId")]
    pub room_id: String,
    #[serde(rename = "customRoomId", default)]
    pub custom_room_id: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(rename = "createdAt", default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VideoSdkError {
    /// What every vendor can answer; 401 and 403 (the key/secret pair is wrong) are
    /// `Unauthorized`.
    Common(VendorFailure),
    /// A token could not be signed (cannot happen with HMAC; typed rather than panicking). → 500.
    Token(String),
}

impl From<VendorFailure> for VideoSdkError {
    fn from(failure: VendorFailure) -> Self {
        VideoSdkError::Common(failure)
    }
}

impl fmt::Display for VideoSdkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VideoSdkError::Common(failure) => fmt::Display::fmt(failure, f),
            VideoSdkError::Token(detail) => write!(f, "signing a token: {detail}"),
        }
    }
}

impl std::error::Error for VideoSdkError {}

impl From<VideoSdkError> for ApiError {
    fn from(err: VideoSdkError) -> Self {
        match err {
            VideoSdkError::Common(failure) => {
                failure.into_api_error(SERVICE, "VIDEOSDK_API_KEY/VIDEOSDK_SECRET")
            }
            VideoSdkError::Token(_) => ApiError::Internal(format!("{SERVICE}: {err}")),
        }
    }
}

/// VideoSdk's [`Api`]: its settings in [`Config`].
pub struct VideoSdkApi;

impl Api for VideoSdkApi {
    type Config = VideoSdkConfig;
    const NAME: &'static str = "VideoSdk";
    fn config(config: &Config) -> Option<&VideoSdkConfig> {
        config.videosdk.as_ref()
    }
}

/// VideoSDK: `VideoSdk::from_context(cx)` is `None` without `VIDEOSDK_API_KEY` +
/// `VIDEOSDK_SECRET`.
pub type VideoSdk<H = dyn HttpClient> = Client<VideoSdkApi, H>;

impl<H: HttpClient + ?Sized> VideoSdk<H> {
    fn sign(&self, claims: &Claims<'_>) -> Result<Secret, VideoSdkError> {
        sign_hs256(claims, &self.config.secret)
            .map(Secret::new)
            .map_err(VideoSdkError::Token)
    }

    fn now(&self) -> u64 {
        self.clock.now_unix_ms() / 1000
    }

    /// The token our server calls VideoSDK's API with.
    pub fn server_token(&self) -> Result<Secret, VideoSdkError> {
        let iat = self.now();
        self.sign(&Claims {
            apikey: self.config.api_key.expose(),
            permissions: &["allow_join"],
            version: 2,
            roles: Some(&["crawler"]),
            room_id: None,
            participant_id: None,
            iat,
            exp: iat + SERVER_TOKEN_TTL.as_secs(),
        })
    }

    /// A token that lets one participant join one room, until `ttl` from now.
    pub fn participant_token(
        &self,
        room_id: &str,
        participant_id: &str,
        ttl: Duration,
    ) -> Result<Secret, VideoSdkError> {
        let iat = self.now();
        self.sign(&Claims {
            apikey: self.config.api_key.expose(),
            permissions: &["allow_join"],
            version: 2,
            roles: None,
            room_id: Some(room_id),
            participant_id: Some(participant_id),
            iat,
            exp: iat + ttl.as_secs().max(1),
        })
    }

    /// Create the room for `custom_room_id`, or get the one that already has it.
    pub async fn create_room(&self, custom_room_id: &str) -> Result<Room, VideoSdkError> {
        let token = self.server_token()?;
        let request = HttpRequest::post(format!("{}/v2/rooms", self.config.base_url))
            .service(SERVICE)
            // The raw JWT: VideoSDK refuses `Bearer <jwt>`.
            .header("authorization", token.expose())
            .json(&json!({ "customRoomId": custom_room_id }))
            .map_err(|e| VendorFailure::UnexpectedBody(e.to_string()))?
            .idempotent();
        let outcome = self.http.send(&request).await;
        let response = success(outcome, |response| self.error_from(response, &token))?;
        Ok(parse(&response)?)
    }

    fn error_from(&self, response: &HttpResponse, token: &Secret) -> VideoSdkError {
        let secrets = [token, &self.config.api_key];
        let message = error_message(response, &[&["message"], &["error"]], &secrets);
        let failure = match response.status {
            status @ 403 => VendorFailure::Unauthorized { status, message },
            status => {
                let retry_after = retry_after_secs(response, &*self.clock);
                VendorFailure::from_status(status, None, message, retry_after)
            }
        };
        failure.into()
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use hmac::{Hmac, KeyInit, Mac};
    use serde_json::{json, Value};
    use sha2::Sha256;

    use std::rc::Rc;

    use super::super::test_support::*;
    use super::*;
    use crate::testing::{FakeHttp, TEST_NOW_MS};

    const SECRET: &str = "videosdk-test-secret";

    fn client(http: &Rc<FakeHttp>) -> VideoSdk<FakeHttp> {
        let config = VideoSdkConfig {
            base_url: "http://videosdk.test".into(),
            api_key: Secret::new("vsdk-key"),
            secret: Secret::new(SECRET),
        };
        VideoSdk::new(config, http.clone(), clock())
    }

    /// Verify as VideoSDK would: signature with the secret, then the claims.
    fn verified(token: &str) -> Value {
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "HS256");
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .expect("signed with the secret");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
    }

    #[test]
    fn tokens_carry_the_documented_claims() {
        let http = fake();
        let sdk = client(&http);
        let now = TEST_NOW_MS / 1000;
        let server = verified(sdk.server_token().unwrap().expose());
        assert_eq!(
            server,
            json!({"apikey": "vsdk-key", "permissions": ["allow_join"], "version": 2,
                   "roles": ["crawler"], "iat": now, "exp": now + 600})
        );
        let p = verified(
            sdk.participant_token("abc-xyzw-lmno", "cand-1", Duration::from_secs(900))
                .unwrap()
                .expose(),
        );
        assert_eq!(
            p,
            json!({"apikey": "vsdk-key", "permissions": ["allow_join"], "version": 2,
                   "roomId": "abc-xyzw-lmno", "participantId": "cand-1", "iat": now, "exp": now + 900})
        );
        let t = sdk
            .participant_token("r", "p", Duration::from_secs(60))
            .unwrap();
        assert_eq!(format!("{t:?}"), "***");
        assert!(!format!("{sdk:?}").contains(SECRET));
    }

    #[test]
    fn create_room_sends_the_raw_jwt_and_the_custom_id() {
        let http = fake();
        http.push(Ok(json(200, json!({
            "roomId": "abc-xyzw-lmno", "customRoomId": "session-1", "userId": "u1", "disabled": false,
            "createdAt": "2026-11-26T10:00:00.000Z", "updatedAt": "2026-11-26T10:00:00.000Z", "id": "65f0",
            "links": {"get_room": "https://api.videosdk.live/v2/rooms/abc-xyzw-lmno", "get_session": "…"}
        }))));
        let room = pollster::block_on(client(&http).create_room("session-1")).unwrap();
        assert_eq!(room.room_id, "abc-xyzw-lmno");
        assert_eq!(room.custom_room_id.as_deref(), Some("session-1"));
        let sent = &http.requests()[0];
        assert_eq!(sent.url, "http://videosdk.test/v2/rooms");
        let auth = sent.headers.get("authorization").unwrap();
        assert!(!auth.starts_with("Bearer"), "{auth}");
        assert_eq!(verified(auth)["roles"], json!(["crawler"]));
        assert_eq!(body(sent), json!({"customRoomId": "session-1"}));
        assert!(sent.can_retry(), "idempotent by customRoomId");
    }

    #[test]
    fn errors_are_typed() {
        let run = |response: HttpResponse| {
            let http = fake();
            http.push(Ok(response));
            pollster::block_on(client(&http).create_room("s"))
        };
        let e = run(json(401, json!({"message": "Token is invalid or expired"}))).unwrap_err();
        assert!(matches!(
            e,
            VideoSdkError::Common(VendorFailure::Unauthorized { .. })
        ));
        assert_eq!(ApiError::from(e).code(), "not_configured");
        let e = run(HttpResponse::new(429, "").with_header("retry-after", "4")).unwrap_err();
        assert_eq!(
            e,
            VideoSdkError::Common(VendorFailure::RateLimited {
                retry_after: Some(4)
            })
        );
        assert_eq!(ApiError::from(e).status(), 429);
        let e = run(HttpResponse::new(500, "oops")).unwrap_err();
        assert_eq!(ApiError::from(e).status(), 502);
        let e = run(json(200, json!({"no": "room"}))).unwrap_err();
        assert!(matches!(
            e,
            VideoSdkError::Common(VendorFailure::UnexpectedBody(_))
        ));
    }
}
