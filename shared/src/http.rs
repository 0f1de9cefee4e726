//! Outbound HTTP (vendor APIs, PostgREST) over a trait of plain-data requests.
//!
//! An [`HttpRequest`] is data, not a consumed builder, so [`Retrying`] can send the same
//! request again; the transport (`js::FetchClient`: gloo-net over `fetch`, with an
//! `AbortSignal.timeout`) turns it into a fresh JS request each attempt. Tests pass a
//! fake [`HttpClient`].
//!
//! Retries ([`RetryPolicy`]): only on 429, on 5xx that can be transient, and on network
//! errors or timeouts; only when repeating is safe (an idempotent method, or a request
//! marked [`HttpRequest::idempotent`] / carrying an idempotency key); at most
//! `max_attempts` in all; `Retry-After` (seconds or HTTP date) is honoured, and a server
//! asking to wait longer than `max_retry_after` gets its answer passed back instead;
//! otherwise capped exponential backoff with equal jitter (half fixed, half random, so
//! a burst of clients does not retry in step).

use std::fmt;
use std::rc::Rc;
use std::time::{Duration, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::request::{Headers, Method};
use crate::time::{Clock, LocalBoxFuture};

/// Used when a request does not set its own.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Headers whose values are credentials: never printed.
const SENSITIVE_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "apikey",
    "x-api-key",
    "cookie",
    "set-cookie",
];

#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Headers,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
    /// Set by [`HttpRequest::idempotent`] or [`HttpRequest::idempotency_key`]: the caller
    /// vouches that sending this twice does no harm.
    pub retry_safe: bool,
    /// Who we are calling, for errors and logs (`"openai"`, `"postgrest"`).
    pub service: &'static str,
}

impl HttpRequest {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: Headers::new(),
            body: None,
            timeout: DEFAULT_TIMEOUT,
            retry_safe: false,
            service: "http",
        }
    }

    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest::new(Method::Get, url)
    }

    pub fn post(url: impl Into<String>) -> Self {
        HttpRequest::new(Method::Post, url)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.insert(name, value);
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers.insert("content-type", content_type);
        self.body = Some(body.into());
        self
    }

    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(value)?;
        Ok(self.body("application/json", body))
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(mut self, service: &'static str) -> Self {
        self.service = service;
        self
    }

    /// Mark a non-idempotent method as safe to repeat (e.g. VideoSDK's room creation
    /// with a `customRoomId`, which returns the existing room).
    pub fn idempotent(mut self) -> Self {
        self.retry_safe = true;
        self
    }

    /// Send `Idempotency-Key: <key>`; the server deduplicates, so retrying is safe.
    pub fn idempotency_key(self, key: &str) -> Self {
        self.header("idempotency-key", key).idempotent()
    }

    pub fn can_retry(&self) -> bool {
        self.method.is_idempotent() || self.retry_safe
    }
}

/// Credentials and bodies (which may hold personal data) stay out of logs.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n,
                    if SENSITIVE_HEADERS.contains(&n) {
                        "***"
                    } else {
                        v
                    },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("timeout", &self.timeout)
            .field("retry_safe", &self.retry_safe)
            .field("service", &self.service)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Headers::new(),
            body: body.into(),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.insert(name, value);
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as `T`; a body that is not is the upstream's fault: 502.
    pub fn json<T: DeserializeOwned>(&self, service: &'static str) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|err| ApiError::Upstream {
            service,
            status: Some(self.status),
            detail: format!("unexpected body: {err}"),
        })
    }
}

/// The request never got an HTTP answer.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportError {
    Timeout(Duration),
    Network(String),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Timeout(after) => write!(f, "timed out after {after:?}"),
            TransportError::Network(detail) => write!(f, "network error: {detail}"),
        }
    }
}

impl From<TransportError> for ApiError {
    fn from(err: TransportError) -> Self {
        ApiError::Upstream {
            service: "http",
            status: None,
            detail: err.to_string(),
        }
    }
}

/// Sends one request, once. Implemented on `fetch` in wasm and by fakes in tests.
pub trait HttpClient {
    fn send<'a>(
        &'a self,
        request: &'a HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>>;
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A longer `Retry-After` is not waited for: the caller gets the 429/503 instead
    /// (an edge function has a wall-clock limit; its own caller can come back later).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, 250 ms doubling to 4 s: vendor SDKs retry twice by default.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Never retry (for callers that must not wait).
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Backoff before retry number `retry` (1 = the first retry): `base * 2^(retry-1)`
    /// capped at `max_delay`, of which the upper half is randomised by `random`.
    pub fn backoff(&self, retry: u32, random: u64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let ceiling = exp.min(self.max_delay).as_millis() as u64;
        let half = ceiling / 2;
        let jitter = if half == 0 { 0 } else { random % (half + 1) };
        Duration::from_millis(ceiling - half + jitter)
    }

    /// After `attempts` attempts ended in `outcome`, how long to wait before the next
    /// one; `None` means stop and hand `outcome` back.
    pub fn next_delay(
        &self,
        attempts: u32,
        request: &HttpRequest,
        outcome: &Result<HttpResponse, TransportError>,
        now_unix_ms: u64,
        random: u64,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts || !request.can_retry() {
            return None;
        }
        match outcome {
            Ok(response) if !is_transient(response.status) => None,
            _ => self.wait(attempts, outcome, now_unix_ms, random),
        }
    }

    /// The wait before another attempt of an outcome worth one: the answer's
    /// `Retry-After`, or `None` (stop) when it asks for longer than `max_retry_after`;
    /// without one (or unparseable, or no answer at all), our own backoff.
    pub(crate) fn wait(
        &self,
        attempts: u32,
        outcome: &Result<HttpResponse, TransportError>,
        now_unix_ms: u64,
        random: u64,
    ) -> Option<Duration> {
        let asked = match outcome {
            Ok(response) => response
                .header("retry-after")
                .and_then(|v| retry_after(v, now_unix_ms)),
            Err(_) => None,
        };
        match asked {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempts, random)),
        }
    }
}

/// The log line of a retry: which call, why, and when the next attempt goes.
pub(crate) fn log_retry(
    request: &HttpRequest,
    outcome: &Result<HttpResponse, TransportError>,
    attempts: u32,
    wait: Duration,
) {
    let why = match outcome {
        Ok(response) => format!("status {}", response.status),
        Err(err) => err.to_string(),
    };
    crate::log::error(&format!(
        "[retry] {} {} {} ({why}); attempt {} in {wait:?}",
        request.service,
        request.method.as_str(),
        request.url,
        attempts + 1
    ));
}

/// 429 and the 5xx that a later attempt may not see. 501 and 505 are permanent.
pub fn is_transient(status: u16) -> bool {
    status == 429 || ((500..600).contains(&status) && status != 501 && status != 505)
}

/// `Retry-After` as a wait: delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015
/// 07:28:00 GMT`, waited for until then; a date in the past means now).
pub fn retry_after(value: &str, now_unix_ms: u64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at_ms = at.duration_since(UNIX_EPOCH).ok()?.as_millis() as u64;
    Some(Duration::from_millis(at_ms.saturating_sub(now_unix_ms)))
}

/// An [`HttpClient`] that retries another one by a [`RetryPolicy`].
pub struct Retrying {
    inner: Rc<dyn HttpClient>,
    policy: RetryPolicy,
    clock: Rc<dyn Clock>,
}

impl Retrying {
    pub fn new(inner: Rc<dyn HttpClient>, policy: RetryPolicy, clock: Rc<dyn Clock>) -> Self {
        Retrying {
            inner,
            policy,
            clock,
        }
    }
}

impl HttpClient for Retrying {
    fn send<'a>(
        &'a self,
        request: &'a HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let mut attempts = 0;
            loop {
                let outcome = self.inner.send(request).await;
                attempts += 1;
                // No randomness available only costs the jitter.
                let random = getrandom::u64().unwrap_or(0);
                let now = self.clock.now_unix_ms();
                let Some(wait) = self
                    .policy
                    .next_delay(attempts, request, &outcome, now, random)
                else {
                    return outcome;
                };
                log_retry(request, &outcome, attempts, wait);
                self.clock.sleep(wait).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FakeHttp, ManualClock};

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(10),
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_jitters_within_the_upper_half() {
        let p = policy();
        assert_eq!(p.backoff(1, 0), Duration::from_millis(50));
        assert_eq!(p.backoff(1, 50), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 0), Duration::from_millis(100));
        assert_eq!(p.backoff(3, 0), Duration::from_millis(200));
        assert_eq!(p.backoff(10, 0), Duration::from_millis(500));
        assert_eq!(p.backoff(60, u64::MAX), p.backoff(60, u64::MAX % 501));
        for random in [1, 77, 12345, u64::MAX] {
            let d = p.backoff(4, random);
            assert!(
                d >= Duration::from_millis(400) && d <= Duration::from_millis(800),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        // 1994-11-06T08:49:37Z
        let now = 784_111_777_000;
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn which_outcomes_are_retried() {
        let p = policy();
        let get = HttpRequest::get("http://x");
        let post = HttpRequest::post("http://x");
        let resp = |s| Ok(HttpResponse::new(s, ""));
        let net: Result<HttpResponse, TransportError> =
            Err(TransportError::Network("reset".into()));
        let timeout: Result<HttpResponse, TransportError> =
            Err(TransportError::Timeout(Duration::from_secs(1)));
        for outcome in [
            resp(429),
            resp(500),
            resp(502),
            resp(503),
            resp(504),
            net.clone(),
            timeout,
        ] {
            assert!(
                p.next_delay(1, &get, &outcome, 0, 0).is_some(),
                "{outcome:?}"
            );
            assert!(
                p.next_delay(1, &post, &outcome, 0, 0).is_none(),
                "POST {outcome:?}"
            );
            assert!(p
                .next_delay(1, &post.clone().idempotency_key("k"), &outcome, 0, 0)
                .is_some());
            assert!(
                p.next_delay(4, &get, &outcome, 0, 0).is_none(),
                "attempts exhausted"
            );
        }
        for status in [200, 201, 400, 401, 404, 409, 501, 505] {
            assert!(
                p.next_delay(1, &get, &resp(status), 0, 0).is_none(),
                "{status}"
            );
        }
        assert!(RetryPolicy::none()
            .next_delay(1, &get, &net, 0, 0)
            .is_none());
    }

    #[test]
    fn retry_after_wins_over_backoff_unless_too_long() {
        let p = policy();
        let get = HttpRequest::get("http://x");
        let with = |v: &str| Ok(HttpResponse::new(429, "").with_header("Retry-After", v));
        assert_eq!(
            p.next_delay(1, &get, &with("7"), 0, 0),
            Some(Duration::from_secs(7))
        );
        assert_eq!(p.next_delay(1, &get, &with("11"), 0, 0), None);
        assert_eq!(
            p.next_delay(1, &get, &with("garbage"), 0, 0),
            Some(Duration::from_millis(50))
        );
    }

    #[test]
    fn retrying_resends_the_same_request_and_sleeps_between() {
        let fake = Rc::new(FakeHttp::new());
        fake.push(Ok(HttpResponse::new(503, "busy")));
        fake.push(Err(TransportError::Network("reset".into())));
        fake.push(Ok(HttpResponse::new(200, "done")));
        let clock = Rc::new(ManualClock::new(0));
        let client = Retrying::new(fake.clone(), policy(), clock.clone());
        let request = HttpRequest::get("http://vendor/thing").bearer("sk-secret");
        let response = pollster::block_on(client.send(&request)).unwrap();
        assert_eq!(response.body, b"done");
        let sent = fake.requests();
        assert_eq!(sent.len(), 3);
        assert!(sent.iter().all(|r| *r == request));
        let sleeps = clock.sleeps();
        assert_eq!(sleeps.len(), 2);
        assert!(sleeps[0] >= Duration::from_millis(50) && sleeps[0] <= Duration::from_millis(100));
        assert!(sleeps[1] >= Duration::from_millis(100) && sleeps[1] <= Duration::from_millis(200));
    }

    #[test]
    fn retrying_gives_up_with_the_last_answer() {
        let fake = Rc::new(FakeHttp::new());
        for _ in 0..4 {
            fake.push(Ok(HttpResponse::new(503, "")));
        }
        fake.push(Ok(HttpResponse::new(200, "never reached")));
        let clock = Rc::new(ManualClock::new(0));
        let client = Retrying::new(fake.clone(), policy(), clock.clone());
        let response = pollster::block_on(client.send(&HttpRequest::get("http://x"))).unwrap();
        assert_eq!(response.status, 503);
        assert_eq!(fake.requests().len(), 4);
        assert_eq!(clock.sleeps().len(), 3);

        // A POST is sent once, whatever the answer.
        let fake = Rc::new(FakeHttp::new());
        fake.push(Ok(HttpResponse::new(503, "")));
        let client = Retrying::new(fake.clone(), policy(), clock);
        let response = pollster::block_on(client.send(&HttpRequest::post("http://x"))).unwrap();
        assert_eq!((response.status, fake.requests().len()), (503, 1));
    }

    #[test]
    fn debug_never_prints_credentials_or_bodies() {
        let request = HttpRequest::post("http://x")
            .bearer("sk-live-123")
            .header("apikey", "anon-123")
            .header("X-Api-Key", "pdl-123")
            .header("accept", "application/json")
            .body("application/json", r#"{"email":"a@b.c"}"#);
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("-123") && !shown.contains("a@b.c"),
            "{shown}"
        );
        assert!(shown.contains("application/json") && shown.contains("***"));
    }
}
