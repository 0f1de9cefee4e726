//! OpenAI Realtime (GA): the session a browser's WebRTC call opens with, and the
//! ephemeral client secret (`POST /realtime/client_secrets`) it opens it with.

use std::fmt;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{OpenAi, OpenAiError};
use crate::clients::vendor::parse;
use crate::config::{OpenAiConfig, Secret};
use crate::http::HttpClient;

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

impl<H: HttpClient + ?Sized> OpenAi<H> {
    /// Where the browser posts its SDP offer with the client secret (GA WebRTC).
    pub fn calls_url(&self) -> String {
        format!("{}/realtime/calls", self.config.base_url)
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
}
