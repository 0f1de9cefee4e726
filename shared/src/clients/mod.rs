//! Typed clients for the third-party APIs, one vendor per module, each after the vendor's
//! own API reference (named in its module header); the fakes the end-to-end tests run
//! against are `tests/fakes/<vendor>.ts` and follow the same shapes.
//!
//! - [`openai`]: chat completions with Structured Outputs (schema generated from the Rust
//!   type), Realtime GA client secrets.
//! - [`pdfco`]: presigned upload + PDF to text.
//! - [`pdl`]: People Data Labs person enrich.
//! - [`videosdk`]: HS256 tokens, rooms.
//! - [`fly`]: Fly Machines create / wait / destroy / list.
//!
//! Every client is a [`Client`] (in `vendor.rs`: settings, transport, clock, retry policy,
//! `from_context`/`new`/`with_retry_policy`, a `Debug` without secrets) named for its
//! vendor (`Fly = Client<FlyApi>`), so a vendor module holds only its calls and its
//! errors. It is generic over [`HttpClient`] (held as `Rc<H>`, `H = dyn HttpClient` in a
//! function: pass `cx.http`, which already retries), so its tests are fixture JSON in →
//! typed value out through `testing::FakeHttp`. `from_context(cx)` is `None` when the
//! vendor's key is not set: the function then uses its embedded default.
//!
//! Retries: `cx.http` ([`crate::http::Retrying`]) retries idempotent requests on 429/5xx
//! by status. Calls where the status alone cannot decide (OpenAI's 429 is a rate limit,
//! retried, or an exhausted quota, not retried; PDF.co reports failures in a 200 body;
//! Fly's create must not be repeated after a 5xx) are sent as non-idempotent POSTs, which
//! `Retrying` passes through once, and are retried here by [`send_judged`] with the same
//! [`RetryPolicy`] arithmetic (`Retry-After`, capped backoff with jitter).
//!
//! Each vendor's error enum is `Common(`[`VendorFailure`]`)` (a rejected key, a rate
//! limit, a refused request, 5xx, another status, no answer, an unreadable answer: read
//! from the status, shown and mapped the same way for every vendor) beside the failures
//! only that vendor has, and converts into [`crate::ApiError`]: a rejected server key is
//! `NotConfigured` (503, naming the vendor), a vendor rate limit `TooManyRequests`
//! (429 with `Retry-After`), a problem with the caller's input a 4xx of its own, and
//! everything else `Upstream` (502, detail logged, never shown).

pub mod fly;
pub mod openai;
pub mod pdfco;
pub mod pdl;
mod vendor;
pub mod videosdk;

pub use vendor::{Api, Client, VendorFailure};

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;

use crate::config::Secret;
use crate::http::{
    log_retry, retry_after, HttpClient, HttpRequest, HttpResponse, RetryPolicy, TransportError,
};
use crate::time::Clock;

/// Send `request` (a POST that `Retrying` will not repeat) and repeat it while `retry`
/// says the outcome is worth another attempt, up to `policy.max_attempts`. The wait is the
/// answer's `Retry-After` when it has one (an answer asking for longer than
/// `policy.max_retry_after` is handed back instead), else the policy's backoff.
pub(crate) async fn send_judged<H: HttpClient + ?Sized>(
    http: &H,
    clock: &dyn Clock,
    policy: &RetryPolicy,
    request: &HttpRequest,
    retry: impl Fn(&Result<HttpResponse, TransportError>) -> bool,
) -> Result<HttpResponse, TransportError> {
    let mut attempts = 0;
    loop {
        let outcome = http.send(request).await;
        attempts += 1;
        if attempts >= policy.max_attempts || !retry(&outcome) {
            return outcome;
        }
        // No randomness available only costs the jitter.
        let random = getrandom::u64().unwrap_or(0);
        let Some(wait) = policy.wait(attempts, &outcome, clock.now_unix_ms(), random) else {
            return outcome;
        };
        log_retry(request, &outcome, attempts, wait);
        clock.sleep(wait).await;
    }
}

/// `Retry-After` in whole seconds (rounded up), for `ApiError::TooManyRequests`.
pub(crate) fn retry_after_secs(response: &HttpResponse, clock: &dyn Clock) -> Option<u64> {
    let wait: Duration = retry_after(response.header("retry-after")?, clock.now_unix_ms())?;
    Some(wait.as_millis().div_ceil(1000) as u64)
}

/// A vendor's error text for our log, with the key cut out: some vendors echo (part of)
/// a rejected key back, and our logs must never hold one.
pub(crate) fn redact(text: &str, secret: &Secret) -> String {
    let key = secret.expose();
    let mut out = if key.len() >= 4 {
        text.replace(key, "***")
    } else {
        text.to_owned()
    };
    // At most 300 chars: a vendor's HTML error page is not a log line.
    if out.chars().count() > 300 {
        out = out.chars().take(300).collect::<String>() + "…";
    }
    out
}

/// The body as JSON, or `Null` when it is not JSON (an HTML error page from a proxy).
pub(crate) fn body_json(response: &HttpResponse) -> Value {
    serde_json::from_slice(&response.body).unwrap_or(Value::Null)
}

/// An HS256 JWT of `claims` signed with `secret` (VideoSDK's tokens). `hmac` + `sha2` +
/// `base64`, as `auth` verifies them: `jsonwebtoken` does not build for wasm32 here.
pub(crate) fn sign_hs256<C: Serialize>(claims: &C, secret: &Secret) -> Result<String, String> {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload =
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).map_err(|e| format!("claims: {e}"))?);
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .map_err(|e| format!("hmac key: {e}"))?;
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signing_input}.{signature}"))
}

/// Percent-encode one path segment (a Fly app name or machine id from our own data).
pub(crate) fn path_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Shared by the clients' tests: a fake transport, a manual clock, and the
    //! `Rc<dyn Clock>` the clients take.
    use std::rc::Rc;

    use serde_json::Value;

    use crate::http::HttpResponse;
    use crate::testing::{json_response, FakeHttp, ManualClock, TEST_NOW_MS};

    pub fn fake() -> Rc<FakeHttp> {
        Rc::new(FakeHttp::new())
    }

    pub fn clock() -> Rc<ManualClock> {
        Rc::new(ManualClock::new(TEST_NOW_MS))
    }

    pub fn json(status: u16, body: Value) -> HttpResponse {
        json_response(status, &body)
    }

    pub fn body(request: &crate::http::HttpRequest) -> Value {
        serde_json::from_slice(request.body.as_deref().unwrap_or(b"null")).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn send_judged_retries_what_it_is_told_and_honours_retry_after() {
        let http = fake();
        http.push(Ok(
            HttpResponse::new(429, "slow").with_header("retry-after", "2")
        ));
        http.push(Err(TransportError::Network("reset".into())));
        http.push(Ok(HttpResponse::new(200, "ok")));
        let clock = clock();
        let request = HttpRequest::post("http://vendor/x");
        let out = pollster::block_on(send_judged(
            &*http,
            &*clock,
            &RetryPolicy::default(),
            &request,
            |o| !matches!(o, Ok(r) if r.status == 200),
        ))
        .unwrap();
        assert_eq!(out.body, b"ok");
        let sleeps = clock.sleeps();
        assert_eq!(sleeps[0], Duration::from_secs(2));
        assert!(sleeps[1] <= Duration::from_millis(500), "{sleeps:?}");
        assert_eq!(http.requests().len(), 3);
    }

    #[test]
    fn send_judged_stops_when_told_at_the_attempt_cap_and_on_a_long_retry_after() {
        let clock = clock();
        let policy = RetryPolicy::default();
        let request = HttpRequest::post("http://vendor/x");
        let http = fake();
        http.push(Ok(HttpResponse::new(429, "quota")));
        let out = pollster::block_on(send_judged(&*http, &*clock, &policy, &request, |_| false));
        assert_eq!((out.unwrap().status, http.requests().len()), (429, 1));

        let http = fake();
        for _ in 0..5 {
            http.push(Ok(HttpResponse::new(503, "")));
        }
        let out = pollster::block_on(send_judged(&*http, &*clock, &policy, &request, |_| true));
        assert_eq!((out.unwrap().status, http.requests().len()), (503, 3));

        let http = fake();
        http.push(Ok(
            HttpResponse::new(429, "").with_header("retry-after", "60")
        ));
        let out = pollster::block_on(send_judged(&*http, &*clock, &policy, &request, |_| true));
        assert_eq!((out.unwrap().status, http.requests().len()), (429, 1));
    }

    #[test]
    fn redact_cuts_the_key_and_long_bodies() {
        let key = Secret::new("sk-test-1234567890");
        assert_eq!(
            redact("Incorrect API key provided: sk-test-1234567890.", &key),
            "Incorrect API key provided: ***."
        );
        assert!(redact(&"x".repeat(1000), &key).chars().count() <= 301);
    }

    #[test]
    fn hs256_matches_the_test_signer() {
        let claims = serde_json::json!({"apikey": "k", "exp": 1});
        let ours = sign_hs256(&claims, &Secret::new("s3cret")).unwrap();
        assert_eq!(ours, crate::testing::sign_token(&claims, "s3cret"));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment("e286d3f1c24e68"), "e286d3f1c24e68");
    }

    /// Every request the clients send, recorded with the fakes' test credentials
    /// (tests/fakes/keys.ts) and committed as tests/fakes/fixtures/client-requests.json:
    /// tests/fakes/fakes.test.ts replays them against the contract fakes, so the clients
    /// and the fakes are checked against each other. `UPDATE_GOLDEN=1` rewrites it.
    #[test]
    fn golden_requests_for_the_fakes() {
        use crate::config::{FlyConfig, OpenAiConfig, Vendor, VideoSdk as VideoSdkConfig};
        use crate::testing::FakeHttp;
        use serde_json::json;
        use std::rc::Rc;

        let http = Rc::new(FakeHttp::with_responder(|r| {
            let body = if r.url.contains("/chat/completions") {
                json!({"id": "c", "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
                       "message": {"role": "assistant", "content": "{\"name\":\"x\",\"score\":1,\"tags\":[]}", "refusal": null}}]})
            } else if r.url.contains("/client_secrets") {
                json!({"value": "ek_x", "expires_at": 1, "session": {}})
            } else if r.url.contains("get-presigned-url") {
                json!({"presignedUrl": "http://fake.pdfco/_storage/put/ID", "url": "http://fake.pdfco/_storage/files/ID/resume.pdf", "error": false, "status": 200})
            } else if r.url.contains("/convert/") {
                json!({"body": "text", "error": false, "status": 200})
            } else if r.url.contains("/person/enrich") {
                json!({"status": 200, "likelihood": 8, "data": {}})
            } else if r.url.contains("/v2/rooms") {
                json!({"roomId": "abcd-efgh-ijkl", "customRoomId": "session-1"})
            } else if r.url.ends_with("/machines") && r.method == crate::Method::Post {
                json!({"id": "MACHINE", "state": "created", "config": {}})
            } else if r.url.ends_with("/machines") {
                json!([])
            } else {
                json!({"ok": true})
            };
            Ok(crate::testing::json_response(200, &body))
        }));
        let clock = clock();
        let vendor = |base: &str, key: &str| Vendor {
            base_url: base.into(),
            api_key: Secret::new(key),
        };

        #[derive(serde::Deserialize, schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Scored {
            name: String,
            score: u8,
            tags: Vec<String>,
        }
        let openai = openai::OpenAi::new(
            OpenAiConfig {
                base_url: "http://fake.openai/v1".into(),
                api_key: Secret::new("sk-test-fake-openai"),
                model: "gpt-4.1-mini".into(),
                realtime_model: "gpt-realtime".into(),
                transcription_model: "gpt-4o-mini-transcribe".into(),
            },
            http.clone(),
            clock.clone(),
        );
        let pdfco = pdfco::PdfCo::new(
            vendor("http://fake.pdfco", "pdfco-test-fake-key"),
            http.clone(),
            clock.clone(),
        );
        let pdl = pdl::Pdl::new(
            vendor("http://fake.pdl", "pdl-test-fake-key"),
            http.clone(),
            clock.clone(),
        );
        let videosdk = videosdk::VideoSdk::new(
            VideoSdkConfig {
                base_url: "http://fake.videosdk".into(),
                api_key: Secret::new("videosdk-test-key"),
                secret: Secret::new("videosdk-test-secret-0123456789"),
            },
            http.clone(),
            clock.clone(),
        );
        let fly = fly::Fly::new(
            FlyConfig {
                base_url: "http://fake.fly".into(),
                api_token: Secret::new("fly-test-fake-token"),
                app_name: "interviews-test".into(),
                machine_image: "registry.fly.io/interviews-test:e2e".into(),
            },
            http.clone(),
            clock.clone(),
        );
        pollster::block_on(async {
            openai
                .complete_structured::<Scored>(
                    vec![
                        openai::Message::system("Score it."),
                        openai::Message::user("Ada"),
                    ],
                    "scored",
                )
                .await
                .unwrap();
            openai
                .create_client_secret(&openai::RealtimeSession::new("Interview."))
                .await
                .unwrap();
            pdfco
                .extract_text("resume.pdf", b"%PDF-1.7 golden", &Default::default())
                .await
                .unwrap();
            let query = pdl::PersonQuery {
                email: Some("ada@example.com".into()),
                ..Default::default()
            };
            pdl.enrich(&query, &Default::default()).await.unwrap();
            videosdk.create_room("session-1").await.unwrap();
            let spec = fly::MachineSpec {
                metadata: [("session_id".to_string(), "s1".to_string())].into(),
                ..Default::default()
            };
            fly.create_machine(&spec).await.unwrap();
            fly.wait_for_state(
                "MACHINE",
                fly::WaitState::Started,
                None,
                std::time::Duration::from_secs(5),
            )
            .await
            .unwrap();
            fly.list_machines().await.unwrap();
            fly.destroy_machine("MACHINE").await.unwrap();
        });
        let recorded: Vec<Value> = http
            .requests()
            .iter()
            .map(|r| {
                json!({
                    "method": r.method.as_str(),
                    "url": r.url,
                    "headers": r.headers.iter().collect::<std::collections::BTreeMap<_, _>>(),
                    "body": r.body.as_deref().map(String::from_utf8_lossy),
                })
            })
            .collect();
        let golden = serde_json::to_string_pretty(&recorded).unwrap() + "\n";
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fakes/fixtures/client-requests.json"
        );
        if std::env::var("UPDATE_GOLDEN").is_ok() {
            std::fs::write(path, &golden).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(committed, golden, "regenerate with UPDATE_GOLDEN=1");
    }

    #[test]
    fn retry_after_rounds_up_to_seconds() {
        let clock = clock();
        let r = HttpResponse::new(429, "").with_header("retry-after", "3");
        assert_eq!(retry_after_secs(&r, &*clock), Some(3));
        assert_eq!(retry_after_secs(&HttpResponse::new(429, ""), &*clock), None);
        let _ = json(200, Value::Null);
    }
}
