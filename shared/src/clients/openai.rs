//! OpenAI (VENDORS.md §2.1, §2.2): chat completions with Structured Outputs, and the
//! Realtime GA ephemeral client secret. `Authorization: Bearer <OPENAI_API_KEY>`, base URL
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
//! The strict schema is generated from the type with `schemars` and rewritten into the
//! subset OpenAI's strict mode takes ([`strict_schema`]): every property required (an
//! `Option` becomes `["type","null"]` / `anyOf` with null), `additionalProperties: false`
//! on every object, `oneOf` → `anyOf`, `const` → one-value `enum`, `$ref` only into
//! `$defs` (recursive types), annotations and `format`s OpenAI rejects dropped. A type it
//! cannot express (a map, `serde_json::Value`, a tuple) is refused before any call.
//!
//! Property order: the model writes keys in schema order, and serde_json's map here is
//! sorted (the workspace does not enable `preserve_order`, which would change every
//! function's JSON key order), so keys come in name order. Where order matters (a
//! rationale before its score), name the fields so it sorts that way.
//!
//! Retries ([`should_retry`]): 429 `rate_limit_exceeded`, 500/502/503/504 and network
//! errors, at most `RetryPolicy::max_attempts` in all, honouring `Retry-After`; 429
//! `insufficient_quota` (billing) and every other status are not retried. Repeating a
//! completion has no effect beyond its cost, which is why OpenAI's own SDKs retry it.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::vendor::{error_message, parse, success, upstream};
use super::{body_json, retry_after_secs, send_judged, Api, Client, VendorFailure};
use crate::config::{Config, OpenAiConfig, Secret};
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

/// How the Realtime session decides the candidate has finished speaking.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnDetection {
    /// Silence-based: the default for an interview (predictable turn ends).
    ServerVad {
        threshold: f32,
        prefix_padding_ms: u32,
        silence_duration_ms: u32,
    },
    /// Model-judged end of turn; `eagerness`: `low` | `medium` | `high` | `auto`.
    SemanticVad { eagerness: String },
    /// The client commits turns itself.
    Off,
}

impl TurnDetection {
    fn to_json(&self) -> Value {
        match self {
            TurnDetection::ServerVad {
                threshold,
                prefix_padding_ms,
                silence_duration_ms,
            } => json!({
                "type": "server_vad", "threshold": threshold,
                "prefix_padding_ms": prefix_padding_ms, "silence_duration_ms": silence_duration_ms,
            }),
            TurnDetection::SemanticVad { eagerness } => {
                json!({ "type": "semantic_vad", "eagerness": eagerness })
            }
            TurnDetection::Off => Value::Null,
        }
    }
}

/// `POST /realtime/client_secrets` (GA): a secret the browser uses to open its WebRTC
/// call with this session configuration.
#[derive(Clone, PartialEq)]
pub struct RealtimeSession {
    pub instructions: String,
    /// 10..=7200; the secret can start sessions until then (a started session outlives it).
    pub expires_after_seconds: u32,
    pub voice: String,
    pub turn_detection: TurnDetection,
    /// Default: the configured `OPENAI_REALTIME_MODEL`.
    pub model: Option<String>,
    /// Default: the configured `OPENAI_TRANSCRIPTION_MODEL`.
    pub transcription_model: Option<String>,
    /// ISO-639-1 hint for the transcription (`en`), when known.
    pub transcription_language: Option<String>,
}

impl fmt::Debug for RealtimeSession {
    /// Instructions can quote the position and the candidate: length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RealtimeSession")
            .field("instructions_chars", &self.instructions.chars().count())
            .field("expires_after_seconds", &self.expires_after_seconds)
            .field("voice", &self.voice)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl RealtimeSession {
    /// Two minutes to start the call, `marin` (a GA voice), server VAD.
    pub fn new(instructions: impl Into<String>) -> Self {
        RealtimeSession {
            instructions: instructions.into(),
            expires_after_seconds: 120,
            voice: "marin".into(),
            turn_detection: TurnDetection::ServerVad {
                threshold: 0.5,
                prefix_padding_ms: 300,
                silence_duration_ms: 700,
            },
            model: None,
            transcription_model: None,
            transcription_language: None,
        }
    }

    /// The JSON body, GA shape.
    pub fn body(&self, config: &OpenAiConfig) -> Result<Value, OpenAiError> {
        if !(10..=7200).contains(&self.expires_after_seconds) {
            return Err(OpenAiError::InvalidRequest(format!(
                "expires_after_seconds {} is outside 10..=7200",
                self.expires_after_seconds
            )));
        }
        let mut transcription = json!({
            "model": self.transcription_model.as_deref().unwrap_or(&config.transcription_model),
        });
        if let Some(language) = &self.transcription_language {
            transcription["language"] = json!(language);
        }
        Ok(json!({
            "expires_after": { "anchor": "created_at", "seconds": self.expires_after_seconds },
            "session": {
                "type": "realtime",
                "model": self.model.as_deref().unwrap_or(&config.realtime_model),
                "instructions": self.instructions,
                "audio": {
                    "input": {
                        "transcription": transcription,
                        "turn_detection": self.turn_detection.to_json(),
                    },
                    "output": { "voice": self.voice },
                },
            },
        }))
    }
}

/// An ephemeral Realtime credential (`ek_…`) for the browser. `Debug` hides the value.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSecret {
    pub value: Secret,
    /// Unix seconds.
    pub expires_at: u64,
    /// The effective session configuration OpenAI answered with.
    pub session: Value,
}

#[derive(Deserialize)]
struct ClientSecretBody {
    value: String,
    expires_at: u64,
    #[serde(default)]
    session: Value,
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
    /// Where the browser posts its SDP offer with the client secret (GA WebRTC).
    pub fn calls_url(&self) -> String {
        format!("{}/realtime/calls", self.config.base_url)
    }

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

    /// Mint an ephemeral Realtime client secret. Repeating it is harmless (an unused
    /// secret expires), so it is retried like a completion.
    pub async fn create_client_secret(
        &self,
        session: &RealtimeSession,
    ) -> Result<ClientSecret, OpenAiError> {
        let body = session.body(&self.config)?;
        let response = self
            .send(&self.post("/realtime/client_secrets", &body)?)
            .await?;
        let parsed: ClientSecretBody = parse(&response)?;
        Ok(ClientSecret {
            value: Secret::new(parsed.value),
            expires_at: parsed.expires_at,
            session: parsed.session,
        })
    }

    fn post(&self, path: &str, body: &Value) -> Result<HttpRequest, OpenAiError> {
        HttpRequest::post(format!("{}{path}", self.config.base_url))
            .service(SERVICE)
            .bearer(self.config.api_key.expose())
            .json(body)
            .map_err(|e| OpenAiError::InvalidRequest(e.to_string()))
    }

    /// One call with the retries of [`should_retry`]; a 2xx, or the typed error.
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, OpenAiError> {
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

// ---------------------------------------------------------------------------------------
// Strict schemas

/// Formats OpenAI's strict mode accepts; the others (`uint32`, `double`, `uri`, …, which
/// schemars emits for Rust types) are dropped.
const SUPPORTED_FORMATS: [&str; 9] = [
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Keywords with no meaning for the model's output, or validation OpenAI does not take
/// (serde checks the answer against the type anyway): dropped.
const DROPPED: [&str; 15] = [
    "$schema",
    "$id",
    "$comment",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "minLength",
    "maxLength",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
];

/// Keywords that change what is valid and that strict mode rejects: the type is refused.
const REFUSED: [&str; 12] = [
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "prefixItems",
    "contains",
];

/// Strict mode's documented ceilings (VENDORS.md §2.1, Feb-2026 profile).
const MAX_DEPTH: usize = 10;
const MAX_PROPERTIES: usize = 5000;

/// The strict-mode JSON schema of `T`.
pub fn strict_schema<T: JsonSchema>() -> Result<Value, OpenAiError> {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    let root_is_object = schema.get("type") == Some(&json!("object"));
    if !root_is_object {
        return Err(OpenAiError::InvalidRequest(format!(
            "the root of a strict schema must be an object, {} is not",
            std::any::type_name::<T>()
        )));
    }
    let mut properties = 0;
    strictify(&mut schema, "#", 0, &mut properties)
        .map_err(|e| OpenAiError::InvalidRequest(format!("{}: {e}", std::any::type_name::<T>())))?;
    if properties > MAX_PROPERTIES {
        return Err(OpenAiError::InvalidRequest(format!(
            "{properties} properties, strict mode allows {MAX_PROPERTIES}"
        )));
    }
    Ok(schema)
}

fn strictify(
    schema: &mut Value,
    path: &str,
    depth: usize,
    properties: &mut usize,
) -> Result<(), String> {
    let Value::Object(map) = schema else {
        return Err(format!(
            "{path}: accepts anything (a serde_json::Value?); strict mode needs a shape"
        ));
    };
    if depth > MAX_DEPTH {
        return Err(format!("{path}: nested deeper than {MAX_DEPTH} levels"));
    }
    for key in DROPPED {
        map.remove(key);
    }
    if let Some(key) = REFUSED.iter().find(|k| map.contains_key(**k)) {
        return Err(format!("{path}: `{key}` is not supported in strict mode"));
    }
    if let Some(Value::String(format)) = map.get("format") {
        if !SUPPORTED_FORMATS.contains(&format.as_str()) {
            map.remove("format");
        }
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
    }
    if let Some(one_of) = map.remove("oneOf") {
        map.insert("anyOf".into(), one_of);
    }
    if let Some(all_of) = map.remove("allOf") {
        merge_all_of(map, all_of, path)?;
    }
    if let Some(Value::String(reference)) = map.get("$ref") {
        if !(reference == "#" || reference.starts_with("#/$defs/")) {
            return Err(format!("{path}: $ref {reference} is outside #/$defs"));
        }
        // Strict mode takes a bare `$ref`; its annotations are only annotations.
        map.retain(|k, _| k == "$ref" || k == "$defs");
    }
    split_nullable_composite(map);

    let is_object = match map.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => map.contains_key("properties"),
    };
    if is_object {
        match map.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => {
                return Err(format!(
                    "{path}: a map (additionalProperties) is not supported in strict mode"
                ))
            }
        }
        map.insert("additionalProperties".into(), Value::Bool(false));
        let props = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        let names: Vec<Value> = match props {
            Value::Object(props) => {
                *properties += props.len();
                for (name, sub) in props.iter_mut() {
                    strictify(
                        sub,
                        &format!("{path}/properties/{name}"),
                        depth + 1,
                        properties,
                    )?;
                }
                props.keys().cloned().map(Value::String).collect()
            }
            _ => return Err(format!("{path}: properties is not an object")),
        };
        map.insert("required".into(), Value::Array(names));
    }
    match map.get_mut("items") {
        None => {}
        Some(items @ Value::Object(_)) => {
            strictify(items, &format!("{path}/items"), depth + 1, properties)?
        }
        Some(_) => return Err(format!("{path}: tuples are not supported in strict mode")),
    }
    if let Some(Value::Array(variants)) = map.get_mut("anyOf") {
        for (i, variant) in variants.iter_mut().enumerate() {
            strictify(variant, &format!("{path}/anyOf/{i}"), depth, properties)?;
        }
    }
    if let Some(Value::Object(defs)) = map.get_mut("$defs") {
        for (name, def) in defs.iter_mut() {
            strictify(def, &format!("#/$defs/{name}"), 1, properties)?;
        }
    }
    Ok(())
}

/// schemars writes some shapes as `allOf` of one schema (a described `$ref`); strict mode
/// does not take `allOf`, so one member is merged in. More than one is refused.
fn merge_all_of(map: &mut Map<String, Value>, all_of: Value, path: &str) -> Result<(), String> {
    match all_of {
        Value::Array(members) if members.len() == 1 => {
            if let Some(Value::Object(member)) = members.into_iter().next() {
                for (k, v) in member {
                    map.entry(k).or_insert(v);
                }
                return Ok(());
            }
            Err(format!("{path}: allOf member is not a schema"))
        }
        _ => Err(format!("{path}: `allOf` is not supported in strict mode")),
    }
}

/// `{"type":["object","null"], properties…}` (an `Option` of a struct, inlined) becomes
/// `anyOf: [{object…}, {"type":"null"}]`: strict mode's documented form for a nullable
/// object or array. Nullable scalars keep `["string","null"]`.
fn split_nullable_composite(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type") else {
        return;
    };
    let composite = types.iter().any(|t| t == "object" || t == "array");
    let nullable = types.iter().any(|t| t == "null");
    if !(composite && nullable && types.len() == 2) {
        return;
    }
    let Some(non_null) = types.iter().find(|t| *t != "null").cloned() else {
        return;
    };
    let mut inner = std::mem::take(map);
    inner.insert("type".into(), non_null);
    let description = inner.remove("description");
    map.insert(
        "anyOf".into(),
        json!([Value::Object(inner), { "type": "null" }]),
    );
    if let Some(description) = description {
        map.insert("description".into(), description);
    }
}

fn check_schema_name(name: &str) -> Result<(), OpenAiError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(OpenAiError::InvalidRequest(format!(
            "schema name {name:?}: a-z A-Z 0-9 _ -, at most 64"
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::rc::Rc;

    use super::super::test_support::*;
    use super::*;
    use crate::testing::FakeHttp;

    const KEY: &str = "sk-test-secret-0123456789";

    fn config() -> OpenAiConfig {
        OpenAiConfig {
            base_url: "http://openai.test/v1".into(),
            api_key: Secret::new(KEY),
            model: "gpt-4.1-mini".into(),
            realtime_model: "gpt-realtime".into(),
            transcription_model: "gpt-4o-mini-transcribe".into(),
        }
    }

    fn client(http: &Rc<FakeHttp>) -> (OpenAi<FakeHttp>, Rc<crate::testing::ManualClock>) {
        let clock = clock();
        (OpenAi::new(config(), http.clone(), clock.clone()), clock)
    }

    // A resume-like type: nested structs, options, vectors, an enum, integers.
    #[derive(Debug, PartialEq, Deserialize, JsonSchema)]
    struct Resume {
        /// The candidate's name as written.
        full_name: Option<String>,
        email: Option<String>,
        years: u32,
        seniority: Seniority,
        skills: Vec<String>,
        experience: Vec<Job>,
        current: Option<Job>,
    }

    #[derive(Debug, PartialEq, Deserialize, JsonSchema)]
    struct Job {
        title: String,
        company: Option<String>,
        #[serde(default)]
        start: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    enum Seniority {
        Junior,
        Senior,
    }

    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Map<String, Value>>) {
        match v {
            Value::Object(m) => {
                out.push(m);
                m.values().for_each(|c| walk(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }

    #[test]
    fn the_strict_schema_follows_openai_rules() {
        let schema = strict_schema::<Resume>().unwrap();
        assert_eq!(schema["type"], "object");
        let mut nodes = Vec::new();
        walk(&schema, &mut nodes);
        for node in &nodes {
            if let Some(Value::Object(props)) = node.get("properties") {
                // (a property named "properties" would fool this walk; none here)
                let required: Vec<&str> = node["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                let names: Vec<&str> = props.keys().map(String::as_str).collect();
                assert_eq!(required, names, "every property required");
                assert_eq!(node["additionalProperties"], false);
            }
            for k in ["$schema", "default", "oneOf", "allOf", "const"] {
                assert!(!node.contains_key(k), "{k} left in {node:?}");
            }
            if let Some(f) = node.get("format") {
                assert!(SUPPORTED_FORMATS.contains(&f.as_str().unwrap()), "{f}");
            }
            if let Some(Value::String(r)) = node.get("$ref") {
                assert!(r.starts_with("#/$defs/"));
            }
        }
        let props = &schema["properties"];
        assert_eq!(props["full_name"]["type"], json!(["string", "null"]));
        assert_eq!(
            props["full_name"]["description"],
            "The candidate's name as written."
        );
        assert_eq!(props["years"]["type"], "integer");
        assert!(props["years"].get("format").is_none(), "uint32 dropped");
        assert_eq!(props["seniority"]["enum"], json!(["junior", "senior"]));
        assert_eq!(props["experience"]["items"]["type"], "object");
        // Option<struct>: anyOf [object, null].
        let current = props["current"]["anyOf"].as_array().unwrap();
        assert_eq!(current[0]["type"], "object");
        assert_eq!(current[0]["additionalProperties"], false);
        assert_eq!(current[1], json!({"type": "null"}));
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Tree {
        label: String,
        children: Vec<Tree>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Evidence {
        Quote { text: String, entry_id: String },
        Unsupported { reason: String },
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Assessment {
        evidence: Vec<Evidence>,
        #[schemars(extend("format" = "uuid"))]
        id: String,
    }

    #[test]
    fn recursion_goes_through_defs_and_tagged_enums_become_any_of() {
        let tree = strict_schema::<Tree>().unwrap();
        let items = &tree["properties"]["children"]["items"];
        let reference = items["$ref"].as_str().unwrap();
        assert!(
            reference == "#" || reference.starts_with("#/$defs/"),
            "{tree}"
        );

        let a = strict_schema::<Assessment>().unwrap();
        let variants = a["properties"]["evidence"]["items"]["anyOf"]
            .as_array()
            .unwrap();
        assert_eq!(variants.len(), 2);
        assert_eq!(variants[0]["properties"]["kind"]["enum"], json!(["quote"]));
        // serde_json's map is sorted (no `preserve_order` in this workspace): properties,
        // and so `required` and the model's output, are in name order.
        assert_eq!(variants[0]["required"], json!(["entry_id", "kind", "text"]));
        assert_eq!(
            a["properties"]["id"]["format"], "uuid",
            "a supported format stays"
        );
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct WithMap {
        scores: HashMap<String, u8>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct WithAny {
        extra: Value,
    }

    #[test]
    fn types_strict_mode_cannot_express_are_refused_before_any_call() {
        for err in [
            strict_schema::<WithMap>().unwrap_err(),
            strict_schema::<WithAny>().unwrap_err(),
            strict_schema::<Vec<String>>().unwrap_err(),
        ] {
            assert!(matches!(err, OpenAiError::InvalidRequest(_)), "{err:?}");
            assert_eq!(ApiError::from(err).status(), 500);
        }
        let bad_name = StructuredRequest::<Resume>::new("has space", vec![]).body("m");
        assert!(matches!(bad_name, Err(OpenAiError::InvalidRequest(_))));
        let long = "x".repeat(65);
        assert!(StructuredRequest::<Resume>::new(long, vec![])
            .body("m")
            .is_err());
    }

    fn completion(content: Value, finish: &str, refusal: Value) -> HttpResponse {
        json(
            200,
            json!({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1,
                "model": "gpt-4.1-mini-2025-04-14", "system_fingerprint": "fp",
                "choices": [{ "index": 0, "logprobs": null, "finish_reason": finish,
                    "message": { "role": "assistant", "content": content, "refusal": refusal } }],
                "usage": { "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15 }
            }),
        )
    }

    const VALID: &str = r#"{"full_name":"Ada Lovelace","email":null,"years":7,"seniority":"senior","skills":["rust"],"experience":[{"title":"Engineer","company":null,"start":"2019"}],"current":null}"#;

    #[test]
    fn a_valid_answer_is_typed_and_the_request_is_the_contract() {
        let http = fake();
        http.push(Ok(completion(json!(VALID), "stop", Value::Null)));
        let (openai, _) = client(&http);
        let out = pollster::block_on(
            openai.send_structured(
                StructuredRequest::<Resume>::new(
                    "resume",
                    vec![Message::system("Extract."), Message::user("Ada...")],
                )
                .temperature(0.0)
                .max_completion_tokens(2000),
            ),
        )
        .unwrap();
        assert_eq!(out.value.full_name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(out.value.seniority, Seniority::Senior);
        assert_eq!(out.value.experience[0].title, "Engineer");
        assert_eq!(
            (out.id.as_str(), out.usage.total_tokens),
            ("chatcmpl-1", 15)
        );

        let sent = &http.requests()[0];
        assert_eq!(sent.url, "http://openai.test/v1/chat/completions");
        assert_eq!(sent.method, crate::Method::Post);
        assert_eq!(
            sent.headers.get("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(sent.headers.get("content-type"), Some("application/json"));
        let b = body(sent);
        assert_eq!(b["model"], "gpt-4.1-mini");
        assert_eq!(
            b["messages"][0],
            json!({"role": "system", "content": "Extract."})
        );
        assert_eq!(b["response_format"]["type"], "json_schema");
        assert_eq!(b["response_format"]["json_schema"]["name"], "resume");
        assert_eq!(b["response_format"]["json_schema"]["strict"], true);
        assert_eq!(
            b["response_format"]["json_schema"]["schema"],
            strict_schema::<Resume>().unwrap()
        );
        assert_eq!(
            (
                b["temperature"].as_f64(),
                b["max_completion_tokens"].as_u64()
            ),
            (Some(0.0), Some(2000))
        );
        assert!(b.get("seed").is_none(), "unset options are not sent");
    }

    #[test]
    fn refusal_truncation_bad_json_and_mismatch_are_typed() {
        let cases = [
            (
                completion(Value::Null, "stop", json!("I can't help with that.")),
                OpenAiError::Refused("I can't help with that.".into()),
                422,
            ),
            (
                completion(json!(r#"{"full_name":"Ada Lo"#), "length", Value::Null),
                OpenAiError::Truncated,
                502,
            ),
            (
                completion(json!("{}"), "content_filter", Value::Null),
                OpenAiError::Refused("content_filter".into()),
                422,
            ),
        ];
        for (response, expected, status) in cases {
            let http = fake();
            http.push(Ok(response));
            let (openai, _) = client(&http);
            let err = pollster::block_on(
                openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
            )
            .unwrap_err();
            assert_eq!(err, expected);
            assert_eq!(ApiError::from(err).status(), status);
            assert_eq!(http.requests().len(), 1, "not retried");
        }
        for (content, check) in [
            ("not json", "InvalidJson"),
            (r#"{"full_name":1}"#, "SchemaMismatch"),
        ] {
            let http = fake();
            http.push(Ok(completion(json!(content), "stop", Value::Null)));
            let (openai, _) = client(&http);
            let err = pollster::block_on(
                openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
            )
            .unwrap_err();
            assert!(format!("{err:?}").starts_with(check), "{err:?}");
            assert_eq!(ApiError::from(err).status(), 502);
        }
    }

    fn error_body(status: u16, code: &str, kind: &str, message: &str) -> HttpResponse {
        json(
            status,
            json!({"error": {"message": message, "type": kind, "param": null, "code": code}}),
        )
    }

    #[test]
    fn rate_limits_are_retried_after_retry_after_but_quota_is_not() {
        let http = fake();
        http.push(Ok(error_body(
            429,
            "rate_limit_exceeded",
            "requests",
            "Rate limit reached",
        )
        .with_header("retry-after", "2")));
        http.push(Ok(error_body(503, "", "server_error", "overloaded")));
        http.push(Ok(completion(json!(VALID), "stop", Value::Null)));
        let (openai, clock) = client(&http);
        let out = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        );
        assert!(out.is_ok(), "{out:?}");
        assert_eq!(http.requests().len(), 3);
        assert_eq!(
            clock.sleeps()[0],
            Duration::from_secs(2),
            "Retry-After honoured"
        );

        let http = fake();
        http.push(Ok(error_body(
            429,
            "insufficient_quota",
            "insufficient_quota",
            "You exceeded your current quota",
        )));
        http.push(Ok(completion(json!(VALID), "stop", Value::Null)));
        let (openai, clock) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert!(matches!(err, OpenAiError::QuotaExceeded { .. }), "{err:?}");
        assert_eq!(
            (http.requests().len(), clock.sleeps().len()),
            (1, 0),
            "not retried"
        );
        assert_eq!(ApiError::from(err).status(), 502);
    }

    #[test]
    fn retries_are_bounded_and_end_in_typed_errors() {
        let http = fake();
        for _ in 0..5 {
            http.push(Ok(error_body(
                429,
                "rate_limit_exceeded",
                "tokens",
                "slow down",
            )
            .with_header("retry-after", "1")));
        }
        let (openai, _) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            OpenAiError::Common(VendorFailure::RateLimited {
                retry_after: Some(1)
            })
        );
        assert_eq!(http.requests().len(), 3);
        let api = ApiError::from(err);
        assert_eq!((api.status(), api.code()), (429, "too_many_requests"));

        let http = fake();
        for _ in 0..5 {
            http.push(Ok(error_body(500, "", "server_error", "boom")));
        }
        let (openai, _) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert_eq!(
            (err.clone(), http.requests().len()),
            (
                OpenAiError::Common(VendorFailure::Server { status: 500 }),
                3
            )
        );
        assert_eq!(ApiError::from(err).status(), 502);

        let http = fake();
        http.push(Ok(error_body(
            400,
            "",
            "invalid_request_error",
            "Invalid schema for response_format",
        )));
        let (openai, _) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            OpenAiError::Common(VendorFailure::BadRequest { .. })
        ));
        assert_eq!(http.requests().len(), 1);
    }

    #[test]
    fn a_rejected_key_is_not_configured_and_never_printed() {
        let http = fake();
        http.push(Ok(error_body(
            401,
            "invalid_api_key",
            "invalid_request_error",
            &format!("Incorrect API key provided: {KEY}. You can find your API key at ..."),
        )));
        let (openai, _) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            OpenAiError::Common(VendorFailure::Unauthorized { .. })
        ));
        assert_eq!(http.requests().len(), 1);
        let api = ApiError::from(err.clone());
        assert_eq!((api.status(), api.code()), (503, "not_configured"));
        let shown = format!(
            "{err:?} {err} {api} {api:?} {openai:?} {:?}",
            http.requests()[0]
        );
        assert!(!shown.contains(KEY), "{shown}");
        assert!(!format!(
            "{:?}",
            StructuredRequest::<Resume>::new("r", vec![Message::user("Ada's resume")])
        )
        .contains("Ada"));
    }

    #[test]
    fn a_client_secret_uses_the_ga_shape_and_hides_the_value() {
        let http = fake();
        http.push(Ok(json(
            200,
            json!({"value": "ek_68af", "expires_at": 1_800_000_120u64,
                   "session": {"type": "realtime", "model": "gpt-realtime", "id": "sess_1"}}),
        )));
        let (openai, _) = client(&http);
        let mut session = RealtimeSession::new("You interview for Senior Backend Engineer.");
        session.transcription_language = Some("en".into());
        let secret = pollster::block_on(openai.create_client_secret(&session)).unwrap();
        assert_eq!(secret.value.expose(), "ek_68af");
        assert_eq!(secret.expires_at, 1_800_000_120);
        assert!(!format!("{secret:?}").contains("ek_68af"));
        let sent = &http.requests()[0];
        assert_eq!(sent.url, "http://openai.test/v1/realtime/client_secrets");
        assert_eq!(openai.calls_url(), "http://openai.test/v1/realtime/calls");
        let b = body(sent);
        assert_eq!(
            b["expires_after"],
            json!({"anchor": "created_at", "seconds": 120})
        );
        assert_eq!(b["session"]["type"], "realtime");
        assert_eq!(b["session"]["model"], "gpt-realtime");
        assert_eq!(
            b["session"]["audio"]["input"]["transcription"],
            json!({"model": "gpt-4o-mini-transcribe", "language": "en"})
        );
        assert_eq!(
            b["session"]["audio"]["input"]["turn_detection"]["type"],
            "server_vad"
        );
        assert_eq!(b["session"]["audio"]["output"]["voice"], "marin");

        let mut bad = RealtimeSession::new("x");
        bad.expires_after_seconds = 5;
        assert!(matches!(
            pollster::block_on(openai.create_client_secret(&bad)),
            Err(OpenAiError::InvalidRequest(_))
        ));
        assert_eq!(http.requests().len(), 1, "refused before any call");
    }

    #[test]
    fn client_secret_errors_map_like_completions() {
        let http = fake();
        http.push(Ok(error_body(
            400,
            "beta_api_shape_disabled",
            "invalid_request_error",
            "The Realtime Beta API is no longer supported.",
        )));
        let (openai, _) = client(&http);
        let err = pollster::block_on(openai.create_client_secret(&RealtimeSession::new("x")))
            .unwrap_err();
        assert_eq!(
            err,
            OpenAiError::Common(VendorFailure::BadRequest {
                code: Some("beta_api_shape_disabled".into()),
                message: "The Realtime Beta API is no longer supported.".into()
            })
        );
        let http = fake();
        http.push(Err(TransportError::Timeout(Duration::from_secs(20))));
        http.push(Ok(json(200, json!({"nope": true}))));
        let (openai, _) = client(&http);
        let err = pollster::block_on(openai.create_client_secret(&RealtimeSession::new("x")))
            .unwrap_err();
        assert!(
            matches!(err, OpenAiError::Common(VendorFailure::UnexpectedBody(_))),
            "{err:?}"
        );
        assert_eq!(http.requests().len(), 2, "a timeout is retried");
    }

    /// The schema of [`Resume`] is committed for the OpenAI fake's end-to-end test
    /// (tests/fakes/fakes.test.ts posts it and expects strict mode to accept it), so the
    /// client's output and the fake's rules are checked against each other.
    /// `UPDATE_GOLDEN=1 cargo test -p shared golden` rewrites it.
    #[test]
    fn golden_schema_for_the_fake() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fakes/fixtures/openai-strict-schema.json"
        );
        let body = StructuredRequest::<Resume>::new("resume", vec![Message::user("x")])
            .body("gpt-4.1-mini")
            .unwrap();
        let golden =
            serde_json::to_string_pretty(&body["response_format"]["json_schema"]).unwrap() + "\n";
        if std::env::var("UPDATE_GOLDEN").is_ok() {
            std::fs::write(path, &golden).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(committed, golden, "regenerate with UPDATE_GOLDEN=1");
    }

    #[test]
    fn from_context_is_none_without_a_key() {
        let cx = crate::testing::test_context(fake());
        assert!(OpenAi::from_context(&cx).is_none());
    }
}
