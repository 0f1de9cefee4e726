//! OpenAI Realtime server events, as the browser receives them on the `oai-events` data
//! channel (the GA names: GA renamed `response.audio.*` to `response.output_audio.*`),
//! turned into what the relay stores.
//!
//! | event | becomes |
//! |---|---|
//! | `conversation.item.input_audio_transcription.completed` | an entry, speaker `candidate`, text = `transcript` |
//! | `response.output_audio_transcript.done` | an entry, speaker `interviewer`, text = `transcript` |
//! | `input_audio_buffer.speech_started` / `speech_stopped` | an item event: the candidate's speech on the audio clock (`audio_start_ms` / `audio_end_ms`) |
//! | `input_audio_buffer.committed`, `conversation.item.added` / `.done` | an item event: the conversation order (`previous_item_id`) |
//! | the `.delta`s of the two transcripts, `.segment` | ignored (reason `delta`) |
//! | `conversation.item.input_audio_transcription.failed` | ignored (reason `transcription_failed`) |
//! | a `.completed` / `.done` whose transcript is blank | ignored (reason `empty_transcript`) |
//! | anything else | ignored (reason `not_a_transcript_event`) |
//!
//! Deltas are acknowledged and dropped, never stored or buffered: the `.completed` /
//! `.done` event of the same item carries the full text, storing every token would
//! multiply the rows (and the Realtime traffic to every recruiter watching) by the
//! number of tokens, and a live "typing" view is the browser's own business: it has the
//! deltas first-hand. Nothing is lost by this: a client resends every event we did not
//! acknowledge, so a `.completed` cut off by a dropped connection arrives again.
//!
//! Ordering data kept with every record: the item id (and content index, response id,
//! output index where the event has them), the VAD times, the item links. The relay
//! adds the order of receipt. See `relay_transcript_events` (migration
//! 20250607000300) for why arrival order is not conversation order.
//!
//! An event of a type we store but with a missing or malformed field is an error (the
//! client is broken, and silently dropping a transcript is worse than saying so); an
//! event of a type we do not store is ignored whatever its shape.

use serde::Serialize;
use serde_json::{Map, Value};

/// Longest transcript stored, in characters (an utterance is a few hundred).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest event or item id accepted (OpenAI's are ~30 characters).
pub const MAX_ID_LEN: usize = 200;
/// Largest audio time accepted, ms (SQL takes at most 9 digits: 11.5 days).
pub const MAX_AUDIO_MS: u64 = 999_999_999;

pub const INPUT_TRANSCRIPT_COMPLETED: &str =
    "conversation.item.input_audio_transcription.completed";
pub const OUTPUT_TRANSCRIPT_DONE: &str = "response.output_audio_transcript.done";

/// Who said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Candidate,
    Interviewer,
}

/// What the relay stores for one event: the shape `relay_transcript_events` takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Entry {
        event_id: String,
        event_type: &'static str,
        speaker: Speaker,
        text: String,
        item_id: String,
        content_index: Option<u32>,
        response_id: Option<String>,
        output_index: Option<u32>,
    },
    Item {
        event_id: String,
        event_type: &'static str,
        item_id: String,
        previous_item_id: Option<String>,
        audio_ms: Option<u32>,
    },
}

impl Record {
    pub fn event_id(&self) -> &str {
        match self {
            Record::Entry { event_id, .. } | Record::Item { event_id, .. } => event_id,
        }
    }
}

/// Why an event was acknowledged without being stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IgnoreReason {
    Delta,
    EmptyTranscript,
    TranscriptionFailed,
    NotATranscriptEvent,
}

/// One event, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Store(Record),
    Ignore {
        event_id: Option<String>,
        reason: IgnoreReason,
    },
}

impl Parsed {
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Parsed::Store(record) => Some(record.event_id()),
            Parsed::Ignore { event_id, .. } => event_id.as_deref(),
        }
    }
}

/// An event of a stored type that lacks what storing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    pub event_id: Option<String>,
    pub message: String,
}

/// Read one Realtime server event.
pub fn parse(event: &Value) -> Result<Parsed, EventError> {
    let Some(event) = event.as_object() else {
        return Err(EventError {
            event_id: None,
            message: "an event must be a JSON object".into(),
        });
    };
    let event_id = event
        .get("event_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let fail = |message: String| EventError {
        event_id: event_id.clone(),
        message,
    };
    let Some(kind) = event.get("type").and_then(Value::as_str) else {
        return Err(fail("an event needs a string `type`".into()));
    };
    let ignore = |reason| {
        Ok(Parsed::Ignore {
            event_id: event_id.clone(),
            reason,
        })
    };
    let fields = Fields { event, fail: &fail };
    match kind {
        INPUT_TRANSCRIPT_COMPLETED | OUTPUT_TRANSCRIPT_DONE => {
            let id = fields.event_id()?;
            let item_id = fields.id("item_id")?;
            let text = fields.text("transcript")?;
            if text.is_empty() {
                return ignore(IgnoreReason::EmptyTranscript);
            }
            let (event_type, speaker, response_id, output_index) = if kind == OUTPUT_TRANSCRIPT_DONE
            {
                (
                    OUTPUT_TRANSCRIPT_DONE,
                    Speaker::Interviewer,
                    fields.optional_id("response_id")?,
                    fields.optional_u32("output_index")?,
                )
            } else {
                (INPUT_TRANSCRIPT_COMPLETED, Speaker::Candidate, None, None)
            };
            Ok(Parsed::Store(Record::Entry {
                event_id: id,
                event_type,
                speaker,
                text,
                item_id,
                content_index: fields.optional_u32("content_index")?,
                response_id,
                output_index,
            }))
        }
        "conversation.item.input_audio_transcription.delta"
        | "conversation.item.input_audio_transcription.segment"
        | "response.output_audio_transcript.delta" => ignore(IgnoreReason::Delta),
        "conversation.item.input_audio_transcription.failed" => {
            ignore(IgnoreReason::TranscriptionFailed)
        }
        "input_audio_buffer.speech_started" | "input_audio_buffer.speech_stopped" => {
            let (event_type, field) = if kind == "input_audio_buffer.speech_started" {
                ("input_audio_buffer.speech_started", "audio_start_ms")
            } else {
                ("input_audio_buffer.speech_stopped", "audio_end_ms")
            };
            Ok(Parsed::Store(Record::Item {
                event_id: fields.event_id()?,
                event_type,
                item_id: fields.id("item_id")?,
                previous_item_id: None,
                audio_ms: Some(fields.audio_ms(field)?),
            }))
        }
        "input_audio_buffer.committed" => Ok(Parsed::Store(Record::Item {
            event_id: fields.event_id()?,
            event_type: "input_audio_buffer.committed",
            item_id: fields.id("item_id")?,
            previous_item_id: fields.optional_id("previous_item_id")?,
            audio_ms: None,
        })),
        "conversation.item.added" | "conversation.item.done" => {
            let event_type = if kind == "conversation.item.added" {
                "conversation.item.added"
            } else {
                "conversation.item.done"
            };
            let item = match event.get("item").and_then(Value::as_object) {
                Some(item) => Fields {
                    event: item,
                    fail: &fail,
                }
                .id("id")?,
                None => return Err(fail(format!("`{kind}` needs an `item` object"))),
            };
            Ok(Parsed::Store(Record::Item {
                event_id: fields.event_id()?,
                event_type,
                item_id: item,
                previous_item_id: fields.optional_id("previous_item_id")?,
                audio_ms: None,
            }))
        }
        _ => ignore(IgnoreReason::NotATranscriptEvent),
    }
}

/// Typed reads of one event's fields, each failing with a message that names the field.
struct Fields<'a, F: Fn(String) -> EventError> {
    event: &'a Map<String, Value>,
    fail: &'a F,
}

impl<F: Fn(String) -> EventError> Fields<'_, F> {
    fn event_id(&self) -> Result<String, EventError> {
        self.id("event_id")
    }

    fn id(&self, name: &str) -> Result<String, EventError> {
        match self.event.get(name).and_then(Value::as_str) {
            Some(id) if !id.is_empty() && id.len() <= MAX_ID_LEN => Ok(id.to_owned()),
            _ => Err((self.fail)(format!(
                "`{name}` must be a string of 1 to {MAX_ID_LEN} characters"
            ))),
        }
    }

    fn optional_id(&self, name: &str) -> Result<Option<String>, EventError> {
        match self.event.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.id(name).map(Some),
        }
    }

    fn optional_u32(&self, name: &str) -> Result<Option<u32>, EventError> {
        match self.event.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| (self.fail)(format!("`{name}` must be a non-negative integer"))),
        }
    }

    fn audio_ms(&self, name: &str) -> Result<u32, EventError> {
        self.event
            .get(name)
            .and_then(Value::as_u64)
            .filter(|ms| *ms <= MAX_AUDIO_MS)
            .and_then(|ms| u32::try_from(ms).ok())
            .ok_or_else(|| {
                (self.fail)(format!(
                    "`{name}` must be an integer of milliseconds from 0 to {MAX_AUDIO_MS}"
                ))
            })
    }

    /// The text, trimmed: what is stored, so quotes are checked against exactly it.
    fn text(&self, name: &str) -> Result<String, EventError> {
        let Some(text) = self.event.get(name).and_then(Value::as_str) else {
            return Err((self.fail)(format!("`{name}` must be a string")));
        };
        let text = text.trim();
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err((self.fail)(format!(
                "`{name}` is longer than {MAX_TEXT_CHARS} characters"
            )));
        }
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored(event: Value) -> Record {
        match parse(&event) {
            Ok(Parsed::Store(record)) => record,
            other => panic!("{event} -> {other:?}"),
        }
    }

    fn ignored(event: Value) -> IgnoreReason {
        match parse(&event) {
            Ok(Parsed::Ignore { reason, .. }) => reason,
            other => panic!("{event} -> {other:?}"),
        }
    }

    fn error(event: Value) -> String {
        match parse(&event) {
            Err(err) => err.message,
            other => panic!("{event} -> {other:?}"),
        }
    }

    #[test]
    fn an_input_transcription_is_the_candidate_speaking() {
        let record = stored(json!({
            "event_id": "event_CAND1", "type": "conversation.item.input_audio_transcription.completed",
            "item_id": "item_U1", "content_index": 0, "transcript": "  I led the migration.\n",
            "usage": { "type": "duration", "seconds": 2 }
        }));
        assert_eq!(
            record,
            Record::Entry {
                event_id: "event_CAND1".into(),
                event_type: INPUT_TRANSCRIPT_COMPLETED,
                speaker: Speaker::Candidate,
                text: "I led the migration.".into(),
                item_id: "item_U1".into(),
                content_index: Some(0),
                response_id: None,
                output_index: None,
            }
        );
        // The shape the RPC reads.
        assert_eq!(
            serde_json::to_value(&record).unwrap(),
            json!({ "kind": "entry", "event_id": "event_CAND1", "event_type": INPUT_TRANSCRIPT_COMPLETED,
                    "speaker": "candidate", "text": "I led the migration.", "item_id": "item_U1",
                    "content_index": 0, "response_id": null, "output_index": null })
        );
    }

    #[test]
    fn an_output_transcript_is_the_interviewer_speaking() {
        let record = stored(json!({
            "event_id": "event_AI1", "type": "response.output_audio_transcript.done",
            "response_id": "resp_1", "item_id": "item_A1", "output_index": 0, "content_index": 0,
            "transcript": "Tell me about a migration you led."
        }));
        let Record::Entry {
            speaker,
            response_id,
            output_index,
            ..
        } = record
        else {
            panic!("an entry")
        };
        assert_eq!(
            (speaker, response_id.as_deref(), output_index),
            (Speaker::Interviewer, Some("resp_1"), Some(0))
        );
    }

    #[test]
    fn vad_and_item_links_are_item_events() {
        assert_eq!(
            stored(
                json!({ "event_id": "e1", "type": "input_audio_buffer.speech_started", "audio_start_ms": 1200, "item_id": "item_U1" })
            ),
            Record::Item {
                event_id: "e1".into(),
                event_type: "input_audio_buffer.speech_started",
                item_id: "item_U1".into(),
                previous_item_id: None,
                audio_ms: Some(1200)
            }
        );
        assert_eq!(
            stored(
                json!({ "event_id": "e2", "type": "input_audio_buffer.speech_stopped", "audio_end_ms": 5400, "item_id": "item_U1" })
            ),
            Record::Item {
                event_id: "e2".into(),
                event_type: "input_audio_buffer.speech_stopped",
                item_id: "item_U1".into(),
                previous_item_id: None,
                audio_ms: Some(5400)
            }
        );
        assert_eq!(
            stored(
                json!({ "event_id": "e3", "type": "input_audio_buffer.committed", "previous_item_id": "item_A1", "item_id": "item_U1" })
            ),
            Record::Item {
                event_id: "e3".into(),
                event_type: "input_audio_buffer.committed",
                item_id: "item_U1".into(),
                previous_item_id: Some("item_A1".into()),
                audio_ms: None
            }
        );
        assert_eq!(
            stored(
                json!({ "event_id": "e4", "type": "conversation.item.added", "previous_item_id": null,
                           "item": { "id": "item_A0", "type": "message", "role": "assistant", "status": "in_progress", "content": [] } })
            ),
            Record::Item {
                event_id: "e4".into(),
                event_type: "conversation.item.added",
                item_id: "item_A0".into(),
                previous_item_id: None,
                audio_ms: None
            }
        );
    }

    #[test]
    fn deltas_and_other_events_are_ignored_with_a_reason() {
        for (kind, reason) in [
            (
                "conversation.item.input_audio_transcription.delta",
                IgnoreReason::Delta,
            ),
            (
                "response.output_audio_transcript.delta",
                IgnoreReason::Delta,
            ),
            (
                "conversation.item.input_audio_transcription.segment",
                IgnoreReason::Delta,
            ),
            (
                "conversation.item.input_audio_transcription.failed",
                IgnoreReason::TranscriptionFailed,
            ),
            ("response.done", IgnoreReason::NotATranscriptEvent),
            ("session.created", IgnoreReason::NotATranscriptEvent),
            (
                "output_audio_buffer.started",
                IgnoreReason::NotATranscriptEvent,
            ),
            // The beta names are not the GA ones: not ours to store.
            (
                "response.audio_transcript.done",
                IgnoreReason::NotATranscriptEvent,
            ),
        ] {
            assert_eq!(
                ignored(json!({ "event_id": "x", "type": kind, "delta": "Hel" })),
                reason,
                "{kind}"
            );
        }
        // Ignored events need no id; one they have is kept for the ack.
        assert_eq!(
            parse(&json!({ "type": "rate_limits.updated" })).unwrap(),
            Parsed::Ignore {
                event_id: None,
                reason: IgnoreReason::NotATranscriptEvent
            }
        );
        assert_eq!(
            ignored(
                json!({ "event_id": "x", "type": OUTPUT_TRANSCRIPT_DONE, "item_id": "i", "transcript": "  " })
            ),
            IgnoreReason::EmptyTranscript
        );
    }

    #[test]
    fn a_stored_type_without_what_it_needs_is_an_error() {
        let cases = [
            (json!("text"), "JSON object"),
            (json!({ "event_id": "x" }), "`type`"),
            (
                json!({ "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": "t" }),
                "`event_id`",
            ),
            (
                json!({ "event_id": "", "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": "t" }),
                "`event_id`",
            ),
            (
                json!({ "event_id": "x".repeat(201), "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": "t" }),
                "`event_id`",
            ),
            (
                json!({ "event_id": "x", "type": INPUT_TRANSCRIPT_COMPLETED, "transcript": "t" }),
                "`item_id`",
            ),
            (
                json!({ "event_id": "x", "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i" }),
                "`transcript`",
            ),
            (
                json!({ "event_id": "x", "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": 3 }),
                "`transcript`",
            ),
            (
                json!({ "event_id": "x", "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": "y".repeat(20_001) }),
                "longer",
            ),
            (
                json!({ "event_id": "x", "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": "t", "content_index": -1 }),
                "`content_index`",
            ),
            (
                json!({ "event_id": "x", "type": OUTPUT_TRANSCRIPT_DONE, "item_id": "i", "transcript": "t", "response_id": 7 }),
                "`response_id`",
            ),
            (
                json!({ "event_id": "x", "type": "input_audio_buffer.speech_started", "item_id": "i" }),
                "`audio_start_ms`",
            ),
            (
                json!({ "event_id": "x", "type": "input_audio_buffer.speech_stopped", "item_id": "i", "audio_end_ms": 1.5 }),
                "`audio_end_ms`",
            ),
            (
                json!({ "event_id": "x", "type": "input_audio_buffer.speech_stopped", "item_id": "i", "audio_end_ms": 1_000_000_000u64 }),
                "`audio_end_ms`",
            ),
            (
                json!({ "event_id": "x", "type": "conversation.item.added", "previous_item_id": null }),
                "`item` object",
            ),
            (
                json!({ "event_id": "x", "type": "conversation.item.added", "item": {} }),
                "`id`",
            ),
        ];
        for (event, needle) in cases {
            let message = error(event.clone());
            assert!(message.contains(needle), "{event}: {message}");
        }
        // The id of a broken event is kept, so the error can name it.
        assert_eq!(
            parse(&json!({ "event_id": "evt_9", "type": OUTPUT_TRANSCRIPT_DONE }))
                .unwrap_err()
                .event_id
                .as_deref(),
            Some("evt_9")
        );
    }

    #[test]
    fn unicode_text_is_kept_whole_and_counted_in_characters() {
        let text = "é".repeat(MAX_TEXT_CHARS);
        let Record::Entry {
            text: stored_text, ..
        } = stored(json!({
            "event_id": "x", "type": INPUT_TRANSCRIPT_COMPLETED, "item_id": "i", "transcript": text
        }))
        else {
            panic!("an entry")
        };
        assert_eq!(stored_text.chars().count(), MAX_TEXT_CHARS);
    }
}
