//! `analyze-resume`: resume text → the structured resume.
//!
//! - Route: `POST /functions/v1/analyze-resume`; `OPTIONS` answers the CORS preflight.
//! - Input (JSON, exactly one of): `{"text": "<resume text>"}`, or `{"job_id": uuid}` to
//!   analyze the text a resume job of the caller's tenant extracted.
//! - Output: `200 {full_name, first_name, last_name, email, phone, location, links[],
//!   summary, skills[], experience[{title, company, start, end, description}],
//!   education[{institution, degree, field, year}], analyzer, fallback_reason, warnings}`.
//!   `analyzer` is `openai` (with `OPENAI_API_KEY`: structured outputs, the schema
//!   generated from the Rust `Resume` type) or `deterministic` (the parser, without a key,
//!   or when the model's answer was unusable: then `fallback_reason` says why; see
//!   `resume_pipeline::analyze`). `warnings` lists model fields dropped by validation.
//!   Nothing is stored: process-resume's analyzing step runs the same code and saves.
//! - Caller: owner or admin of the tenant ([`Role::Admin`]).
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body` / `text_required`
//!   (neither or both given, or blank text); 401; 403; 404 `job_not_found` (no such job in
//!   the caller's tenant); 405; 409 `job_not_extracted` (the job has no text yet); 413;
//!   415; 422 `text_too_long`.

use resume_pipeline::analyze;
use serde::Deserialize;
use serde_json::json;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[
        error(400, "text_required"),
        error(404, "job_not_found"),
        error(409, "job_not_extracted"),
        error(422, "text_too_long"),
    ],
];

/// Far above any resume (a dense 10-page CV is about 40,000 characters).
pub const MAX_TEXT_CHARS: usize = 200_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AnalyzeResumeInput", optional_fields)
)]
pub struct Input {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    job_id: Option<Uuid>,
}

enum Source {
    Text(String),
    Job(Uuid),
}

impl Input {
    fn source(self) -> Result<Source, ApiError> {
        let required = || {
            ApiError::bad_request(
                "text_required",
                "Send either {\"text\"} with the resume's text or {\"job_id\"}",
            )
        };
        match (self.text, self.job_id) {
            (Some(text), None) => {
                if text.trim().is_empty() {
                    return Err(required().with_details(json!({ "field": "text" })));
                }
                if text.chars().count() > MAX_TEXT_CHARS {
                    return Err(ApiError::unprocessable(
                        "text_too_long",
                        format!("The text is longer than {MAX_TEXT_CHARS} characters"),
                    )
                    .with_details(json!({ "field": "text", "max_chars": MAX_TEXT_CHARS })));
                }
                Ok(Source::Text(text))
            }
            (None, Some(job)) => Ok(Source::Job(job)),
            _ => Err(required()),
        }
    }
}

#[derive(Deserialize)]
struct JobText {
    resume_text: Option<String>,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let source = req.json_object::<Input>()?.source()?;
    let caller = cx.auth.require(&req, Role::Admin).await?;
    let text = match source {
        Source::Text(text) => text,
        Source::Job(id) => {
            // As the caller: RLS shows only the tenant's jobs, so another tenant's is 404.
            let db = cx.db.as_user(&caller);
            let rows: Vec<JobText> = db
                .execute(
                    db.from("resume_jobs")
                        .select("resume_text")
                        .eq("id", id.to_string()),
                )
                .await?;
            let job = rows.into_iter().next().ok_or_else(|| {
                ApiError::not_found("job_not_found", "No such resume job in your organisation")
            })?;
            job.resume_text
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    ApiError::conflict(
                        "job_not_extracted",
                        "This resume job has no extracted text yet",
                    )
                    .with_details(json!({ "job_id": id }))
                })?
        }
    };
    Ok(Response::ok(&analyze(cx, &text).await))
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
