//! OpenAI, after its API reference and guides (https://developers.openai.com: Chat
//! Completions with Structured Outputs, Realtime client secrets, error codes): chat
//! completions with Structured Outputs, and the Realtime GA ephemeral client secret. `Authorization: Bearer <OPENAI_API_KEY>`, base URL
//! `OPENAI_BASE_URL` (with `/v1`), models from `OPENAI_MODEL` / `OPENAI_REALTIME_MODEL` /
//! `OPENAI_TRANSCRIPTION_MODEL` ([`crate::config::OpenAiConfig`]).
//!
//! ```no_run
//! # use schemars::JsonSchema;
//! # use serde::Deserialize;
//! # use shared::clients::openai::{Message, OpenAi};
//! # use shared::{ApiError, Context};
//! #[derive(Deserialize, JsonSchema)]
//! struct Resume { full_name: Option<String>, skills: Vec<String> }
//!
//! async fn full_name(cx: &Context, text: &str) -> Result<Option<String>, ApiError> {
//!     let Some(openai) = OpenAi::from_context(cx) else { return Ok(None) }; // no key: our parser
//!     let out = openai
//!         .complete_structured::<Resume>(vec![Message::system("Extract the resume."), Message::user(text)], "resume")
//!         .await?;                   // OpenAiError -> ApiError (see `From` below)
//!     Ok(out.value.full_name)
//! }
//! ```
//!
//! The strict schema of a `T` comes from [`strict_schema`] (`schema.rs`); the Realtime
//! client secret from [`OpenAi::create_client_secret`] (`realtime.rs`).
//!
//! Retries ([`should_retry`]): 429 `rate_limit_exceeded`, 500/502/503/504 and network
//! errors, at most `RetryPolicy::max_attempts` in all, honouring `Retry-After`; 429
//! `insufficient_quota` (billing) and every other status are not retried. Repeating a
//! completion has no effect beyond its cost, which is why OpenAI's own SDKs retry it.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

mod realtime;
mod schema;
#[cfg(test)]
mod tests;

pub use realtime::{ClientSecret, RealtimeSession, TurnDetection};
pub use schema::strict_schema;

use schema::check_schema_name;

use super::vendor::{error_message, parse, success, upstream};
use super::{body_json, retry_after_secs, send_judged, Api, Client, VendorFailure};
use crate::config::{Config, OpenAiConfig};
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest, HttpResponse, TransportError};

const SERVICE: &str = "openai";

/// A completion may take a while; Supabase's wall clock is 150 s (Free) / 400 s.
pub const DEFAULT_COMPLETION_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// Requests and answers

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    Developer,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn developer(content: impl Into<String>) -> Self {
        Message {
            role: Role::Developer,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// A chat completion whose answer must be a `T`, with the strict schema of `T`.
pub struct StructuredRequest<T> {
    pub messages: Vec<Message>,
    /// `response_format.json_schema.name`: a-z A-Z 0-9 `_` `-`, at most 64.
    pub schema_name: String,
    pub description: Option<String>,
    /// Defaults to the configured `OPENAI_MODEL`.
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_completion_tokens: Option<u32>,
    pub seed: Option<i64>,
    pub timeout: Duration,
    output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for StructuredRequest<T> {
    /// Messages hold personal data (resumes, transcripts): counted, not printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StructuredRequest")
            .field("schema_name", &self.schema_name)
            .field("messages", &self.messages.len())
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl<T: JsonSchema> StructuredRequest<T> {
    pub fn new(schema_name: impl Into<String>, messages: Vec<Message>) -> Self {
        StructuredRequest {
            messages,
            schema_name: schema_name.into(),
            description: None,
            model: None,
            temperature: None,
            max_completion_tokens: None,
            seed: None,
            timeout: DEFAULT_COMPLETION_TIMEOUT,
            output: PhantomData,
        }
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }
    pub fn temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }
    pub fn max_completion_tokens(mut self, tokens: u32) -> Self {
        self.max_completion_tokens = Some(tokens);
        self
    }
    pub fn seed(mut self, seed: i64) -> Self {
        self.seed = Some(seed);
        self
    }
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The JSON body of `POST /chat/completions`.
    pub fn body(&self, default_model: &str) -> Result<Value, OpenAiError> {
        check_schema_name(&self.schema_name)?;
        let mut json_schema = json!({
            "name": self.schema_name,
            "schema": strict_schema::<T>()?,
            "strict": true,
        });
        if let Some(description) = &self.description {
            json_schema["description"] = json!(description);
        }
        let mut body = json!({
            "model": self.model.as_deref().unwrap_or(default_model),
            "messages": self.messages,
            "response_format": { "type": "json_schema", "json_schema": json_schema },
        });
        // Only what the caller set: reasoning models refuse `temperature`.
        if let Some(t) = self.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(n) = self.max_completion_tokens {
            body["max_completion_tokens"] = json!(n);
        }
        if let Some(seed) = self.seed {
            body["seed"] = json!(seed);
        }
        Ok(body)
    }
}

/// A completed structured answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Structured<T> {
    pub value: T,
    /// `chatcmpl-…`, for the log.
    pub id: String,
    /// The model that answered (a dated snapshot of the one asked for).
    pub model: String,
    pub usage: Usage,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
}

#[derive(Deserialize)]
struct ChatCompletion {
    #[serde(default)]
    id: String,
    #[serde(default)]
    model: String,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}
// ---------------------------------------------------------------------------------------
// Errors

#[derive(Debug, Clone, PartialEq)]
pub enum OpenAiError {
    /// What every vendor can answer: 401 (key wrong, revoked, not in the org), 429
    /// `rate_limit_exceeded`, 400 `invalid_request_error` (a schema OpenAI refused, a
    /// context too long), 500/502/503/504 (other 5xx are `Http`), no answer, …; with
    /// OpenAI's `error.code`.
    Common(VendorFailure),
    /// 429 `insufficient_quota`: billing, not load; not retried. → 502.
    QuotaExceeded { message: String },
    /// The model declined (`message.refusal`, or `finish_reason: content_filter`).
    /// → 422 `ai_refused`; the function may fall back to its deterministic path instead.
    Refused(String),
    /// `finish_reason: "length"`: the JSON was cut at `max_completion_tokens`. → 502.
    Truncated,
    /// `content` is not JSON. → 502.
    InvalidJson(String),
    /// JSON, but not a `T` (should not happen in strict mode; checked anyway). → 502.
    SchemaMismatch(String),
    /// Our request cannot be built: a type strict mode cannot express, a bad schema
    /// name, an out-of-range expiry. A bug, found before any call. → 500.
    InvalidRequest(String),
}

impl From<VendorFailure> for OpenAiError {
    fn from(failure: VendorFailure) -> Self {
        OpenAiError::Common(failure)
    }
}

impl fmt::Display for OpenAiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenAiError::Common(failure) => fmt::Display::fmt(failure, f),
            OpenAiError::QuotaExceeded { message } => {
                write!(f, "insufficient_quota (429): {message}")
            }
            OpenAiError::Refused(reason) => write!(f, "model refused: {reason}"),
            OpenAiError::Truncated => f.write_str("output truncated (finish_reason: length)"),
            OpenAiError::InvalidJson(detail) => write!(f, "output is not JSON: {detail}"),
            OpenAiError::SchemaMismatch(detail) => {
                write!(f, "output does not match the schema: {detail}")
            }
            OpenAiError::InvalidRequest(detail) => write!(f, "request not built: {detail}"),
        }
    }
}

impl std::error::Error for OpenAiError {}

impl From<OpenAiError> for ApiError {
    fn from(err: OpenAiError) -> Self {
        let status = match err {
            OpenAiError::Common(failure) => {
                return failure.into_api_error(SERVICE, "OPENAI_API_KEY")
            }
            OpenAiError::Refused(_) => {
                return ApiError::unprocessable(
                    "ai_refused",
                    "The AI model declined to process this input",
                )
            }
            OpenAiError::InvalidRequest(_) => {
                return ApiError::Internal(format!("{SERVICE}: {err}"))
            }
            OpenAiError::QuotaExceeded { .. } => 429,
            OpenAiError::Truncated
            | OpenAiError::InvalidJson(_)
            | OpenAiError::SchemaMismatch(_) => 200,
        };
        upstream(SERVICE, Some(status), &err)
    }
}

/// Whether an outcome is worth another attempt: network errors, 429 other than
/// `insufficient_quota`, and 500/502/503/504.
pub fn should_retry(outcome: &Result<HttpResponse, TransportError>) -> bool {
    match outcome {
        Err(_) => true,
        Ok(r) if r.status == 429 => !is_quota(&body_json(r)),
        Ok(r) => matches!(r.status, 500 | 502 | 503 | 504),
    }
}

fn is_quota(body: &Value) -> bool {
    let error = &body["error"];
    error["code"] == "insufficient_quota" || error["type"] == "insufficient_quota"
}
// ---------------------------------------------------------------------------------------
// The client

/// OpenAi's [`Api`]: its settings in [`Config`].
pub struct OpenAiApi;

impl Api for OpenAiApi {
    type Config = OpenAiConfig;
    const NAME: &'static str = "OpenAi";
    fn config(config: &Config) -> Option<&OpenAiConfig> {
        config.openai.as_ref()
    }
}

/// OpenAI: `OpenAi::from_context(cx)` is `None` without `OPENAI_API_KEY` (use the
/// embedded default).
pub type OpenAi<H = dyn HttpClient> = Client<OpenAiApi, H>;

impl<H: HttpClient + ?Sized> OpenAi<H> {
    /// `messages` answered as a `T`, with the configured model and defaults.
    pub async fn complete_structured<T: JsonSchema + DeserializeOwned>(
        &self,
        messages: Vec<Message>,
        schema_name: &str,
    ) -> Result<Structured<T>, OpenAiError> {
        self.send_structured(StructuredRequest::new(schema_name, messages))
            .await
    }

    pub async fn send_structured<T: JsonSchema + DeserializeOwned>(
        &self,
        request: StructuredRequest<T>,
    ) -> Result<Structured<T>, OpenAiError> {
        let body = request.body(&self.config.model)?;
        let http = self
            .post("/chat/completions", &body)?
            .timeout(request.timeout);
        let response = self.send(&http).await?;
        parse_completion(&response)
    }

    pub(super) fn post(&self, path: &str, body: &Value) -> Result<HttpRequest, OpenAiError> {
        HttpRequest::post(format!("{}{path}", self.config.base_url))
            .service(SERVICE)
            .bearer(self.config.api_key.expose())
            .json(body)
            .map_err(|e| OpenAiError::InvalidRequest(e.to_string()))
    }

    /// One call with the retries of [`should_retry`]; a 2xx, or the typed error.
    pub(super) async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, OpenAiError> {
        let outcome = send_judged(
            &*self.http,
            &*self.clock,
            &self.policy,
            request,
            should_retry,
        )
        .await;
        success(outcome, |response| self.error_from(response))
    }

    fn error_from(&self, response: &HttpResponse) -> OpenAiError {
        let message = error_message(response, &[&["error", "message"]], &[&self.config.api_key]);
        let body = body_json(response);
        let code = body["error"]["code"].as_str().map(str::to_owned);
        match response.status {
            429 if is_quota(&body) => OpenAiError::QuotaExceeded { message },
            // Only the 5xx OpenAI documents as transient are `Server` (and retried).
            status @ 500..=599 if !matches!(status, 500 | 502 | 503 | 504) => VendorFailure::Http {
                status,
                code,
                message,
            }
            .into(),
            status => {
                let retry_after = retry_after_secs(response, &*self.clock);
                VendorFailure::from_status(status, code, message, retry_after).into()
            }
        }
    }
}

fn parse_completion<T: DeserializeOwned>(
    response: &HttpResponse,
) -> Result<Structured<T>, OpenAiError> {
    let completion: ChatCompletion = parse(response)?;
    let choice = completion
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| VendorFailure::UnexpectedBody("no choices".into()))?;
    if let Some(refusal) = choice.message.refusal.filter(|r| !r.is_empty()) {
        return Err(OpenAiError::Refused(refusal));
    }
    match choice.finish_reason.as_deref() {
        Some("length") => return Err(OpenAiError::Truncated),
        Some("content_filter") => return Err(OpenAiError::Refused("content_filter".into())),
        _ => {}
    }
    let content = choice
        .message
        .content
        .ok_or_else(|| OpenAiError::InvalidJson("no content".into()))?;
    let json: Value =
        serde_json::from_str(&content).map_err(|e| OpenAiError::InvalidJson(e.to_string()))?;
    let value =
        serde_json::from_value(json).map_err(|e| OpenAiError::SchemaMismatch(e.to_string()))?;
    Ok(Structured {
        value,
        id: completion.id,
        model: completion.model,
        usage: completion.usage.unwrap_or_default(),
    })
}
