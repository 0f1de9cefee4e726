//! Storing parsed events, the same for the socket and the HTTP batch: the records go to
//! `relay_transcript_events` in one call (one transaction, as the caller: the RPC checks
//! who, when and what), and every event, ignored ones included, gets an outcome.

use serde::{Deserialize, Serialize};
use shared::auth::Caller;
use shared::db::Db;
use shared::ApiError;
use uuid::Uuid;

use crate::events::{IgnoreReason, Parsed, Record};

/// The most events one call (a socket message or an HTTP batch) may carry; the RPC has
/// the same limit.
pub const MAX_EVENTS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written now.
    Stored,
    /// Already there (a resend): nothing written.
    Duplicate,
    /// Not something we store (a delta, another event type).
    Ignored,
}

/// What happened to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub event_id: Option<String>,
    pub status: Status,
    pub reason: Option<IgnoreReason>,
}

#[derive(Serialize)]
struct Params<'a> {
    p_session_id: Uuid,
    p_actor: Uuid,
    p_events: Vec<&'a Record>,
}

#[derive(Deserialize)]
struct Stored {
    event_id: String,
    status: Status,
}

/// Store the records among `events` for `session_id` on behalf of `caller`. The RPC is
/// this function's alone (a user calling it directly would write around the relay's
/// checks): the service role calls it naming the verified caller, whom the SQL checks as
/// the session's candidate or an owner/admin of its tenant. With no record to store, the
/// database is not asked anything: the caller checks the session itself if it needs to.
pub async fn store(
    db: &Db,
    caller: &Caller,
    session_id: Uuid,
    events: Vec<Parsed>,
) -> Result<Vec<Outcome>, ApiError> {
    let records: Vec<&Record> = events
        .iter()
        .filter_map(|e| match e {
            Parsed::Store(record) => Some(record),
            Parsed::Ignore { .. } => None,
        })
        .collect();
    let stored: Vec<Stored> = if records.is_empty() {
        Vec::new()
    } else {
        let count = records.len();
        let actor = caller.require_user_id()?;
        let db = db.service("relay_transcript_events runs for the verified caller only")?;
        let stored: Vec<Stored> = db
            .execute(db.rpc(
                "relay_transcript_events",
                &Params {
                    p_session_id: session_id,
                    p_actor: actor,
                    p_events: records,
                },
            )?)
            .await?;
        if stored.len() != count {
            return Err(ApiError::internal(format!(
                "relay_transcript_events answered {} outcomes for {count} records",
                stored.len()
            )));
        }
        stored
    };
    let mut stored = stored.into_iter();
    let mut outcomes = Vec::with_capacity(events.len());
    for event in events {
        outcomes.push(match event {
            Parsed::Store(record) => {
                let Some(answer) = stored.next() else {
                    return Err(ApiError::internal(
                        "relay_transcript_events: outcomes ran out",
                    ));
                };
                if answer.event_id != record.event_id() {
                    return Err(ApiError::internal(format!(
                        "relay_transcript_events answered for {} where {} was sent",
                        answer.event_id,
                        record.event_id()
                    )));
                }
                Outcome {
                    event_id: Some(answer.event_id),
                    status: answer.status,
                    reason: None,
                }
            }
            Parsed::Ignore { event_id, reason } => Outcome {
                event_id,
                status: Status::Ignored,
                reason: Some(reason),
            },
        });
    }
    Ok(outcomes)
}

/// Counts for the HTTP batch answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "TranscriptRelayOutput")
)]
pub struct Counts {
    pub accepted: usize,
    pub duplicates: usize,
    pub ignored: usize,
}

impl Counts {
    pub fn of(outcomes: &[Outcome]) -> Counts {
        outcomes.iter().fold(Counts::default(), |mut c, o| {
            match o.status {
                Status::Stored => c.accepted += 1,
                Status::Duplicate => c.duplicates += 1,
                Status::Ignored => c.ignored += 1,
            }
            c
        })
    }
}
