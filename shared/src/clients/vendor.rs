//! What every vendor client shares, so a vendor module holds only what is its own:
//!
//! - [`Client`]: settings, transport, clock, retry policy; `from_context`, `new`,
//!   `with_retry_policy`, `config`, and a `Debug` that prints no secret. A vendor module
//!   names a marker type that implements [`Api`] and writes its calls on
//!   `Client<ItsApi, H>` (`pub type Fly<H = dyn HttpClient> = Client<FlyApi, H>`).
//! - [`VendorFailure`]: the failures every vendor API has (a rejected key, a rate limit, a
//!   refused request, an outage, no answer, an answer we cannot read), read from a
//!   status the same way ([`VendorFailure::from_status`]), shown the same way, and turned
//!   into the same [`ApiError`]. Each vendor's error enum wraps it as `Common(..)` beside
//!   the failures only that vendor has (PDF.co's 441, Fly's 409, OpenAI's refusals).

use std::fmt;
use std::rc::Rc;

use serde::de::DeserializeOwned;

use super::{body_json, redact};
use crate::config::{Config, Secret};
use crate::context::Context;
use crate::error::ApiError;
use crate::http::{HttpClient, HttpResponse, RetryPolicy, TransportError};
use crate::time::Clock;

/// A vendor, as [`Client`] needs to know it.
pub trait Api {
    /// The vendor's settings in [`Config`]; their `Debug` prints no secret.
    type Config: Clone + fmt::Debug;
    /// The client's name in `Debug`.
    const NAME: &'static str;
    /// The vendor's settings, or `None` when its key is not set.
    fn config(config: &Config) -> Option<&Self::Config>;
}

/// A vendor's client. `H` is the transport: `dyn HttpClient` in a function (`cx.http`,
/// which already retries idempotent calls), `testing::FakeHttp` in the clients' tests.
pub struct Client<A: Api, H: HttpClient + ?Sized = dyn HttpClient> {
    pub(super) config: A::Config,
    pub(super) http: Rc<H>,
    pub(super) clock: Rc<dyn Clock>,
    /// For the calls the client retries itself ([`super::send_judged`]).
    pub(super) policy: RetryPolicy,
}

impl<A: Api> Client<A> {
    /// The client on `cx.http` and `cx.clock`, or `None` without the vendor's key: the
    /// function then uses its embedded default, records `not_configured`, or answers 503.
    pub fn from_context(cx: &Context) -> Option<Self> {
        let config = A::config(&cx.config)?.clone();
        Some(Client::new(config, cx.http.clone(), cx.clock.clone()))
    }
}

impl<A: Api, H: HttpClient + ?Sized> Client<A, H> {
    pub fn new(config: A::Config, http: Rc<H>, clock: Rc<dyn Clock>) -> Self {
        Client {
            config,
            http,
            clock,
            policy: RetryPolicy::default(),
        }
    }

    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn config(&self) -> &A::Config {
        &self.config
    }
}

impl<A: Api, H: HttpClient + ?Sized> fmt::Debug for Client<A, H> {
    /// The settings (their secrets print `***`) and the policy; never the transport.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(A::NAME)
            .field("config", &self.config)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// The failures every vendor API has. Messages are the vendor's, with our keys cut out
/// (`error_message`).
#[derive(Debug, Clone, PartialEq)]
pub enum VendorFailure {
    /// Our key or token was refused (401; Fly and VideoSDK also answer 403). Our
    /// deployment is wrong. → 503 `not_configured` naming the vendor.
    Unauthorized { status: u16, message: String },
    /// 429 still after the retries. → 429 with `Retry-After` (seconds) when known.
    RateLimited { retry_after: Option<u64> },
    /// 400: a request the vendor refused; ours to fix. → 502.
    BadRequest {
        /// The vendor's error code, where it gives one (OpenAI's `error.code`).
        code: Option<String>,
        message: String,
    },
    /// 5xx still after the retries. → 502.
    Server { status: u16 },
    /// Any other status. → 502.
    Http {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// No answer (network, timeout). → 502.
    Transport(TransportError),
    /// A 2xx body without what it should carry. → 502.
    UnexpectedBody(String),
}

impl VendorFailure {
    /// What a failed status means when the vendor gives it no meaning of its own:
    /// 401 → `Unauthorized`, 429 → `RateLimited`, 400 → `BadRequest`, 5xx → `Server`,
    /// anything else → `Http`. A vendor matches its own statuses first (PDF.co's 441,
    /// Fly's 403 and 409, OpenAI's `insufficient_quota`).
    pub(crate) fn from_status(
        status: u16,
        code: Option<String>,
        message: String,
        retry_after: Option<u64>,
    ) -> Self {
        match status {
            401 => VendorFailure::Unauthorized { status, message },
            429 => VendorFailure::RateLimited { retry_after },
            400 => VendorFailure::BadRequest { code, message },
            500..=599 => VendorFailure::Server { status },
            _ => VendorFailure::Http {
                status,
                code,
                message,
            },
        }
    }

    /// The one `ApiError` of a common failure of `service`, whose key is the env var
    /// `credential` (named in `not_configured`'s log line).
    pub(crate) fn into_api_error(self, service: &'static str, credential: &str) -> ApiError {
        let status = match &self {
            VendorFailure::Unauthorized { .. } => {
                return ApiError::NotConfigured {
                    service: Some(service),
                    detail: format!("{credential}: {self}"),
                }
            }
            VendorFailure::RateLimited { retry_after } => {
                return ApiError::too_many_requests(*retry_after)
            }
            VendorFailure::BadRequest { .. } => Some(400),
            VendorFailure::Server { status } | VendorFailure::Http { status, .. } => Some(*status),
            VendorFailure::Transport(_) => None,
            VendorFailure::UnexpectedBody(_) => Some(200),
        };
        upstream(service, status, &self)
    }
}

impl fmt::Display for VendorFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VendorFailure::Unauthorized { status, message } => {
                write!(f, "key rejected ({status}): {message}")
            }
            VendorFailure::RateLimited { retry_after } => {
                write!(f, "rate limited (429), retry after {retry_after:?} s")
            }
            VendorFailure::BadRequest {
                code: None,
                message,
            } => {
                write!(f, "bad request (400): {message}")
            }
            VendorFailure::BadRequest {
                code: Some(code),
                message,
            } => write!(f, "bad request (400, {code}): {message}"),
            VendorFailure::Server { status } => write!(f, "server error ({status})"),
            VendorFailure::Http {
                status,
                code: None,
                message,
            } => write!(f, "status {status}: {message}"),
            VendorFailure::Http {
                status,
                code: Some(code),
                message,
            } => write!(f, "status {status} ({code}): {message}"),
            VendorFailure::Transport(err) => write!(f, "{err}"),
            VendorFailure::UnexpectedBody(detail) => write!(f, "unexpected body: {detail}"),
        }
    }
}

impl std::error::Error for VendorFailure {}

/// 502 for a failure of `service`; `err`'s text goes to the log, never to the client.
pub(crate) fn upstream(
    service: &'static str,
    status: Option<u16>,
    err: &dyn fmt::Display,
) -> ApiError {
    ApiError::Upstream {
        service,
        status,
        detail: err.to_string(),
    }
}

/// A vendor's error text: the first string at one of `paths` (keys into the JSON body,
/// in the vendor's order of preference: `&[&["error", "message"]]`), else the body as
/// text; with `secrets` cut out and long pages shortened ([`redact`]).
///
/// Key paths rather than JSON pointers: `Value::pointer` brings its own string
/// splitting and unescaping into every function's wasm (about 2.7 KB).
pub(crate) fn error_message(
    response: &HttpResponse,
    paths: &[&[&str]],
    secrets: &[&Secret],
) -> String {
    let body = body_json(response);
    let text = paths
        .iter()
        .find_map(|path| path.iter().fold(&body, |value, key| &value[*key]).as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(&response.body).into_owned());
    secrets
        .iter()
        .fold(text, |text, secret| redact(&text, secret))
}

/// A 2xx answer, or the failure `error_from` reads from any other; no answer at all is
/// `Transport`.
pub(crate) fn success<E: From<VendorFailure>>(
    outcome: Result<HttpResponse, TransportError>,
    error_from: impl FnOnce(&HttpResponse) -> E,
) -> Result<HttpResponse, E> {
    let response = outcome.map_err(VendorFailure::Transport)?;
    if response.is_success() {
        Ok(response)
    } else {
        Err(error_from(&response))
    }
}

/// A 2xx body as a `T`, or `UnexpectedBody`.
pub(crate) fn parse<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, VendorFailure> {
    serde_json::from_slice(&response.body).map_err(|e| VendorFailure::UnexpectedBody(e.to_string()))
}
