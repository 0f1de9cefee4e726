//! `generate-position`: a recruiter describes a role in a sentence and gets a draft
//! position with a description and a weighted set of competencies.
//!
//! - Route: `POST /functions/v1/generate-position` (the function sees
//!   `/generate-position`); `OPTIONS` answers the CORS preflight.
//! - Input: `{"title": "Senior Backend Engineer", "seniority"?, "department"?,
//!   "company_id"?, "location"?, "employment_type"?, "notes"?, "competency_hints"?: [..]}`,
//!   or `{"position_id": "<uuid>", "regenerate": true, ...overrides}` to regenerate a
//!   draft (its fields and hints are reused unless given). Optional header
//!   `Idempotency-Key`: a retry with the same key answers the first position instead of
//!   creating another.
//! - Output: `201` (new) or `200` (regenerated, or replayed by the idempotency key):
//!   `{"position_id", "title", "status": "draft", "company_id", "seniority",
//!     "department", "location", "employment_type", "description",
//!     "responsibilities": [..], "requirements": [..], "nice_to_have": [..],
//!     "competencies": [{"competency_id", "name", "description", "category",
//!                       "weight", "required_level", "reused"}],
//!     "generator": "template" | "openai", "model": string | null,
//!     "role_family", "fallback_reason": string | null, "regenerated", "replayed"}`.
//!   Weights sum to 1; `reused` marks a competency matched (by name, case-insensitively)
//!   in the tenant's library instead of added to it.
//! - Caller: owner or admin of a tenant ([`Role::Admin`]).
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body` / `invalid_title`
//!   (missing, blank, over 200 characters) / `invalid_seniority` / `invalid_field` /
//!   `invalid_company_id` / `invalid_position_id` / `regenerate_required` /
//!   `invalid_competency_hints` / `invalid_idempotency_key`; 401; 403
//!   `insufficient_role`; 404 `company_not_found` / `position_not_found` (unknown or
//!   another tenant's: the same answer); 405; 409 `position_not_draft` (a published or
//!   archived position is never overwritten); 413; 415; 422 `ai_refused`.
//!
//! Generation: with `OPENAI_API_KEY`, a chat completion with a strict `json_schema`
//! generated from the Rust type ([`ai`]); without it, or when OpenAI is unavailable
//! after its retries or answers something unusable, the deterministic template generator
//! of `crates/positions` (the answer's `generator` and `fallback_reason` say which and
//! why). Either way the draft is normalised the same way, and saved with its
//! competencies in one transaction by `public.save_generated_position`, called as the
//! caller (it re-checks the caller, the company and the draft status in SQL).

pub mod ai;
pub mod input;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::clients::openai::OpenAi;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::db::Session;
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

use positions::{classify, generate, Brief, Competency, Draft};

use crate::input::{Body, Input};

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[
        error(400, "invalid_title"),
        error(400, "invalid_seniority"),
        error(400, "invalid_field"),
        error(400, "invalid_company_id"),
        error(400, "invalid_position_id"),
        error(400, "regenerate_required"),
        error(400, "invalid_competency_hints"),
        error(400, "invalid_idempotency_key"),
        error(400, "invalid_position"),
        error(400, "invalid_competencies"),
        error(400, "invalid_request_key"),
        error(403, "forbidden"),
        error(404, "company_not_found"),
        error(404, "position_not_found"),
        error(409, "position_not_draft"),
        error(422, "ai_refused"),
    ],
];

/// The draft as `save_generated_position` stores it. Absent optional arguments are
/// left out rather than sent as `null`: postrust passes a JSON `null` for a `uuid`
/// argument as `''`, which does not cast (the SQL defaults are NULL anyway).
#[derive(Serialize)]
struct SaveParams<'a> {
    p_position: Value,
    p_competencies: &'a [Competency],
    #[serde(skip_serializing_if = "Option::is_none")]
    p_position_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p_request_key: Option<&'a str>,
}

/// The stored position `save_generated_position` answers (extra keys ignored).
#[derive(Debug, Deserialize)]
struct Saved {
    position_id: Uuid,
    company_id: Option<Uuid>,
    title: String,
    status: String,
    seniority: Option<String>,
    department: Option<String>,
    location: Option<String>,
    employment_type: Option<String>,
    description: String,
    responsibilities: Vec<String>,
    requirements: Vec<String>,
    nice_to_have: Vec<String>,
    #[serde(default)]
    generation: Value,
    competencies: Vec<SavedCompetency>,
    created: bool,
    replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PositionCompetency"))]
pub struct SavedCompetency {
    pub competency_id: Uuid,
    pub name: String,
    pub description: String,
    pub category: String,
    pub weight: f64,
    pub required_level: u8,
    pub reused: bool,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "GeneratePositionOutput")
)]
pub struct Output {
    pub position_id: Uuid,
    pub title: String,
    pub status: String,
    pub company_id: Option<Uuid>,
    pub seniority: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub employment_type: Option<String>,
    pub description: String,
    pub responsibilities: Vec<String>,
    pub requirements: Vec<String>,
    pub nice_to_have: Vec<String>,
    pub competencies: Vec<SavedCompetency>,
    /// `template` or `openai`.
    pub generator: String,
    pub model: Option<String>,
    pub role_family: Option<String>,
    pub fallback_reason: Option<String>,
    pub regenerated: bool,
    pub replayed: bool,
}

/// The draft being regenerated, as stored.
#[derive(Debug, Deserialize)]
struct Stored {
    title: String,
    status: String,
    seniority: Option<String>,
    department: Option<String>,
    location: Option<String>,
    employment_type: Option<String>,
    company_id: Option<Uuid>,
    #[serde(default)]
    metadata: Value,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input = req.json_object::<Body>()?.validate()?;
    let request_key = input::idempotency_key(req.header("idempotency-key"))?;
    let caller = cx.auth.require(&req, Role::Admin).await?;
    let db = cx.db.as_user(&caller);

    // RLS shows only the caller's tenant: another tenant's rows look absent.
    let stored = match input.regenerate {
        Some(id) => Some(draft_to_regenerate(&db, id).await?),
        None => None,
    };
    let company_id = input
        .company_id
        .or_else(|| stored.as_ref().and_then(|s| s.company_id));
    let company = match company_id {
        Some(id) => Some(company_name(&db, id).await?),
        None => None,
    };
    let brief = brief(&input, stored.as_ref(), company);
    let read = classify(&brief);

    let (draft, model, fallback_reason) = match OpenAi::from_context(cx) {
        None => (generate(&brief), None, None),
        Some(openai) => {
            let library = library_names(&db).await;
            match ai::generate(&openai, &brief, &read, &library).await {
                ai::Outcome::Draft { draft, model } => (draft, Some(model), None),
                ai::Outcome::Refused(err) => return Err(err),
                ai::Outcome::Fallback(reason) => (generate(&brief), None, Some(reason)),
            }
        }
    };

    let generation = json!({
        "generator": if model.is_some() { "openai" } else { "template" },
        "model": model,
        "role_family": draft.role_family,
        "seniority": draft.seniority.as_str(),
        "competency_hints": brief.competency_hints,
        "fallback_reason": fallback_reason,
    });
    let saved: Saved = db
        .execute(db.rpc(
            "save_generated_position",
            &SaveParams {
                p_position: position_json(&draft, &brief, company_id, stored.is_some(), generation),
                p_competencies: &draft.competencies,
                p_position_id: input.regenerate,
                p_request_key: request_key.as_deref(),
            },
        )?)
        .await?;

    let created = saved.created && !saved.replayed;
    let output = output(saved, input.regenerate.is_some());
    Ok(if created {
        Response::created(&output)
    } else {
        Response::ok(&output)
    })
}

async fn draft_to_regenerate(db: &Session<'_>, id: Uuid) -> Result<Stored, ApiError> {
    let rows: Vec<Stored> = db
        .execute(
            db.from("positions")
                .select("title,status,seniority,department,location,employment_type,company_id,metadata")
                .eq("id", id.to_string()),
        )
        .await?;
    let stored = rows.into_iter().next().ok_or_else(|| {
        ApiError::not_found(
            "position_not_found",
            "No such position in your organisation",
        )
    })?;
    if stored.status != "draft" {
        return Err(ApiError::conflict(
            "position_not_draft",
            format!(
                "The position is {}; only a draft can be regenerated",
                stored.status
            ),
        ));
    }
    Ok(stored)
}

async fn company_name(db: &Session<'_>, id: Uuid) -> Result<String, ApiError> {
    let rows: Vec<Named> = db
        .execute(db.from("companies").select("name").eq("id", id.to_string()))
        .await?;
    rows.into_iter().next().map(|c| c.name).ok_or_else(|| {
        ApiError::not_found("company_not_found", "No such company in your organisation")
    })
}

/// The tenant's competency names, offered to the model so it reuses them. Best effort:
/// without them the names are still matched when saving.
async fn library_names(db: &Session<'_>) -> Vec<String> {
    db.execute::<Vec<Named>>(
        db.from("competencies")
            .select("name")
            .order("name")
            .limit(ai::MAX_LIBRARY_NAMES),
    )
    .await
    .map(|rows| rows.into_iter().map(|r| r.name).collect())
    .unwrap_or_default()
}

/// The brief: the request's fields, else (regenerating) the draft's.
fn brief(input: &Input, stored: Option<&Stored>, company: Option<String>) -> Brief {
    let keep = |new: &Option<String>, old: Option<&Option<String>>| {
        new.clone().or_else(|| old.cloned().flatten())
    };
    let stored_hints = stored
        .and_then(|s| s.metadata.pointer("/generation/competency_hints"))
        .and_then(|h| serde_json::from_value::<Vec<String>>(h.clone()).ok());
    Brief {
        title: input
            .title
            .clone()
            .or_else(|| stored.map(|s| s.title.clone()))
            .unwrap_or_default(),
        // A new title speaks for its own level; the draft's level goes with its title.
        seniority: input.seniority.map(|s| s.as_str().to_owned()).or_else(|| {
            stored
                .filter(|_| input.title.is_none())
                .and_then(|s| s.seniority.clone())
        }),
        department: keep(&input.department, stored.map(|s| &s.department)),
        company,
        location: keep(&input.location, stored.map(|s| &s.location)),
        employment_type: keep(&input.employment_type, stored.map(|s| &s.employment_type)),
        notes: input.notes.clone(),
        competency_hints: input
            .competency_hints
            .clone()
            .or(stored_hints)
            .unwrap_or_default(),
    }
}

/// `p_position` of `save_generated_position`. When regenerating, `company_id` is sent
/// only if there is one (absent keeps the draft's).
fn position_json(
    draft: &Draft,
    brief: &Brief,
    company_id: Option<Uuid>,
    regenerating: bool,
    generation: Value,
) -> Value {
    let mut position = json!({
        "title": draft.title,
        "seniority": draft.seniority.as_str(),
        "department": draft.department,
        "location": brief.location,
        "employment_type": brief.employment_type,
        "description": draft.description,
        "responsibilities": draft.responsibilities,
        "requirements": draft.requirements,
        "nice_to_have": draft.nice_to_have,
        "generation": generation,
    });
    if company_id.is_some() || !regenerating {
        position["company_id"] = json!(company_id);
    }
    position
}

fn output(saved: Saved, regenerated: bool) -> Output {
    let text = |key: &str| {
        saved
            .generation
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Output {
        generator: text("generator").unwrap_or_else(|| "template".to_owned()),
        model: text("model"),
        role_family: text("role_family"),
        fallback_reason: text("fallback_reason"),
        position_id: saved.position_id,
        title: saved.title,
        status: saved.status,
        company_id: saved.company_id,
        seniority: saved.seniority,
        department: saved.department,
        location: saved.location,
        employment_type: saved.employment_type,
        description: saved.description,
        responsibilities: saved.responsibilities,
        requirements: saved.requirements,
        nice_to_have: saved.nice_to_have,
        competencies: saved.competencies,
        regenerated,
        replayed: saved.replayed,
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
