//! `transcript-processor`: turns a session's relayed transcript into the insight a
//! recruiter reads.
//!
//! - Route: `POST /functions/v1/transcript-processor` `{"session_id": uuid}`.
//! - Caller: an owner or admin of the session's tenant (their JWT: RLS decides which
//!   sessions they see), or the service role when a session completes (no user is
//!   present: a database webhook or a job calls it with the service key).
//! - Output, and the stored insight (`interview_insights`, one per session):
//!   `200 {"session_id", "metrics": {"speakers": {"candidate": {"words", "turns",
//!   "talk_ms", ...}, "interviewer": {...}}, ...}, "assessment"}`.
//!   `metrics` is always computed, deterministically ([`metrics`], in conversation order:
//!   [`ordering`]). `assessment` is `"opted_out"` when the candidate opted out of AI
//!   assessment (nothing is sent to OpenAI), `"not_configured"` without `OPENAI_API_KEY`;
//!   otherwise `{"status": "complete" | "partial", "competencies": [{competency_id, name,
//!   score (1-5, null when unsupported), status, rationale, evidence: [{entry_id, quote}]}],
//!   "rejected_quotes", "summary", "model", "attempts"}` (every quote verified against the
//!   transcript: [`assessment`]), `{"status": "no_transcript"}`, or `{"status": "failed",
//!   "error", "retryable"}` when OpenAI failed after its retries (recorded, not a 5xx: the
//!   metrics stand).
//! - Re-running replaces the insight in one statement (an upsert on the session's unique
//!   key), so a reader never sees half of one run and half of another.
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body`; 401; 403
//!   `insufficient_role` (members without the admin role, candidates); 404
//!   `session_not_found` (none the caller can see); 405; 409 `session_not_started`
//!   (invited or scheduled: nothing was said yet); 413; 415.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod assessment;
pub mod metrics;
pub mod ordering;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::clients::openai::OpenAi;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::db::Session;
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

use crate::assessment::{Assessment, Competency};
use crate::ordering::{Entry, ItemEvent, Speaker};

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[
        error(422, "transcript_too_long"),
        error(404, "session_not_found"),
        error(409, "session_not_started"),
    ],
];

/// PostgREST answers at most `max_rows` (1000) rows per request: read in pages.
const PAGE: usize = 1000;
/// An interview of several hours has a few thousand entries; beyond this, refuse
/// rather than assess a silently truncated transcript.
const MAX_ROWS: usize = 20_000;

#[derive(Debug, Deserialize)]
struct SessionRow {
    tenant_id: Uuid,
    position_id: Uuid,
    status: interview::SessionStatus,
    /// Set when the candidate opted out of AI assessment (`record_session_consent`).
    #[serde(default)]
    ai_opt_out_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EntryRow {
    id: Uuid,
    speaker: Speaker,
    text: String,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    #[serde(default)]
    metadata: Value,
}

#[derive(Debug, Deserialize)]
struct ItemEventRow {
    event_type: String,
    item_id: String,
    previous_item_id: Option<String>,
    audio_ms: Option<i64>,
    received_seq: i64,
}

#[derive(Debug, Deserialize)]
struct PositionCompetencyRow {
    competency_id: Uuid,
    required_level: u8,
}

#[derive(Debug, Deserialize)]
struct CompetencyRow {
    id: Uuid,
    name: String,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PositionRow {
    title: String,
}

#[derive(Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "TranscriptProcessorOutput")
)]
pub struct Output<'a> {
    session_id: Uuid,
    metrics: &'a metrics::Metrics,
    assessment: Outcome<'a>,
}

/// The answer's `assessment`: why none was made, or the one made.
#[derive(Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AssessmentOutcome"))]
pub enum Outcome<'a> {
    Skipped(Skipped),
    Made(&'a Assessment),
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AssessmentSkipped"))]
pub enum Skipped {
    /// The candidate opted out of AI assessment.
    OptedOut,
    /// No `OPENAI_API_KEY`.
    NotConfigured,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input = interview::SessionInput::from_request(&req)?;
    // Owners and admins act on their sessions; the service role (a Database Webhook, a
    // scheduled job, with the secret key) on any.
    let caller = cx.auth.authenticate(&req).await?;
    if !caller.is_service() {
        caller.ensure(Role::Admin)?;
    }
    let db = if caller.is_service() {
        cx.db.service(
            "the processor runs with the service key when a session completes: no user is present",
        )?
    } else {
        cx.db.as_user(&caller)
    };
    let session_id = input.session_id;

    let session: Vec<SessionRow> = db
        .execute(
            db.from("interview_sessions")
                .select("tenant_id,position_id,status,ai_opt_out_at")
                .eq("id", session_id.to_string()),
        )
        .await?;
    let Some(session) = session.into_iter().next() else {
        return Err(ApiError::not_found(
            "session_not_found",
            "No such interview session in your organisation",
        ));
    };
    if matches!(
        session.status,
        interview::SessionStatus::Invited | interview::SessionStatus::Scheduled
    ) {
        return Err(ApiError::conflict(
            "session_not_started",
            "This interview has not started: there is no transcript to process",
        ));
    }

    let entries = load_entries(&db, session_id).await?;
    let items = load_item_events(&db, session_id).await?;
    let entries = ordering::order(entries, &items);
    let metrics = metrics::compute(&entries);

    // A candidate who opted out of AI assessment gets metrics only, whoever calls: no
    // transcript goes to the model.
    let opted_out = session.ai_opt_out_at.is_some();
    let assessment = match OpenAi::from_context(cx) {
        _ if opted_out => None,
        None => None,
        Some(openai) => {
            let (title, competencies) = load_competencies(&db, &session).await?;
            Some(assessment::assess(&openai, &entries, &competencies, &title).await)
        }
    };
    let outcome = match &assessment {
        None if opted_out => Outcome::Skipped(Skipped::OptedOut),
        None => Outcome::Skipped(Skipped::NotConfigured),
        Some(a) => Outcome::Made(a),
    };
    let assessment_json = serde_json::to_value(&outcome)?;

    store(
        &db,
        session_id,
        &session,
        &metrics,
        assessment.as_ref(),
        &assessment_json,
    )
    .await?;
    Ok(Response::ok(&Output {
        session_id,
        metrics: &metrics,
        assessment: outcome,
    }))
}

async fn load_entries(db: &Session<'_>, session_id: Uuid) -> Result<Vec<Entry>, ApiError> {
    let rows: Vec<EntryRow> = paged(db, |from, to| {
        db.from("transcript_entries")
            .select("id,speaker,text,start_ms,end_ms,metadata")
            .eq("session_id", session_id.to_string())
            .order("id")
            .range(from, to)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Entry {
            id: r.id,
            speaker: r.speaker,
            text: r.text,
            item_id: r.metadata["item_id"].as_str().map(str::to_owned),
            content_index: r.metadata["content_index"]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            received_seq: r.metadata["received_seq"].as_i64().unwrap_or(0),
            start_ms: r.start_ms.and_then(|ms| u32::try_from(ms).ok()),
            end_ms: r.end_ms.and_then(|ms| u32::try_from(ms).ok()),
        })
        .collect())
}

async fn load_item_events(db: &Session<'_>, session_id: Uuid) -> Result<Vec<ItemEvent>, ApiError> {
    let rows: Vec<ItemEventRow> = paged(db, |from, to| {
        db.from("transcript_item_events")
            .select("event_type,item_id,previous_item_id,audio_ms,received_seq")
            .eq("session_id", session_id.to_string())
            .order("received_seq")
            .range(from, to)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ItemEvent {
            event_type: r.event_type,
            item_id: r.item_id,
            previous_item_id: r.previous_item_id,
            audio_ms: r.audio_ms.and_then(|ms| u32::try_from(ms).ok()),
            received_seq: r.received_seq,
        })
        .collect())
}

/// Every row of a query, a page at a time.
async fn paged<T: serde::de::DeserializeOwned>(
    db: &Session<'_>,
    query: impl Fn(usize, usize) -> shared::postgrest::Builder,
) -> Result<Vec<T>, ApiError> {
    let mut all = Vec::new();
    loop {
        let page: Vec<T> = db.execute(query(all.len(), all.len() + PAGE - 1)).await?;
        let done = page.len() < PAGE;
        all.extend(page);
        if done {
            return Ok(all);
        }
        if all.len() >= MAX_ROWS {
            return Err(ApiError::unprocessable(
                "transcript_too_long",
                format!("The transcript has more than {MAX_ROWS} records"),
            ));
        }
    }
}

/// The position's title and its competencies, heaviest first.
async fn load_competencies(
    db: &Session<'_>,
    session: &SessionRow,
) -> Result<(String, Vec<Competency>), ApiError> {
    let position: Vec<PositionRow> = db
        .execute(
            db.from("positions")
                .select("title")
                .eq("id", session.position_id.to_string()),
        )
        .await?;
    let title = position
        .into_iter()
        .next()
        .map(|p| p.title)
        .unwrap_or_default();
    let links: Vec<PositionCompetencyRow> = db
        .execute(
            db.from("position_competencies")
                .select("competency_id,required_level")
                .eq("position_id", session.position_id.to_string())
                .eq("tenant_id", session.tenant_id.to_string())
                .order("weight.desc,competency_id"),
        )
        .await?;
    if links.is_empty() {
        return Ok((title, Vec::new()));
    }
    let ids: Vec<String> = links.iter().map(|l| l.competency_id.to_string()).collect();
    let rows: Vec<CompetencyRow> = db
        .execute(
            db.from("competencies")
                .select("id,name,description")
                .in_("id", ids),
        )
        .await?;
    let competencies = links
        .iter()
        .filter_map(|l| {
            let c = rows.iter().find(|c| c.id == l.competency_id)?;
            Some(Competency {
                id: c.id,
                name: c.name.clone(),
                description: c.description.clone(),
                required_level: l.required_level,
            })
        })
        .collect();
    Ok((title, competencies))
}

/// One upsert on the session's unique key: the insight is replaced whole, atomically.
async fn store(
    db: &Session<'_>,
    session_id: Uuid,
    session: &SessionRow,
    metrics: &metrics::Metrics,
    assessment: Option<&Assessment>,
    assessment_json: &Value,
) -> Result<(), ApiError> {
    let row = json!({
        "tenant_id": session.tenant_id,
        "session_id": session_id,
        "metrics": metrics,
        "competency_scores": assessment.map(Assessment::competencies).unwrap_or_default(),
        "summary": assessment.and_then(Assessment::summary),
        "model": assessment.and_then(Assessment::model),
        "metadata": { "assessment": assessment_json },
    });
    let _: Value = db
        .execute(
            db.from("interview_insights")
                .upsert(row.to_string())
                .on_conflict("session_id"),
        )
        .await?;
    Ok(())
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
