//! `process-resume`: a resume PDF becomes a candidate of the caller's tenant.
//!
//! - Route: `POST /functions/v1/process-resume`; `OPTIONS` answers the CORS preflight.
//! - Input, either:
//!   - `multipart/form-data` with a file field `file` (a PDF, at most 10 MiB) and an
//!     optional text field `extractor`; the file is stored in the `resumes` bucket at
//!     `<tenant_id>/<sha256>.pdf` (content-addressed, as the caller);
//!   - JSON `{"storage_path": "<tenant_id>/<file>.pdf", "extractor"?: ...}` naming an
//!     object in the `resumes` bucket, fetched through the Storage API with the caller's
//!     JWT (a path outside the caller's tenant folder is 403 `path_outside_tenant`).
//!
//!   `extractor`: `auto` (default: ours; PDF.co's OCR for a file with no text layer when
//!   `PDFCO_API_KEY` is set), `builtin` (ours only), `pdfco` (PDF.co always).
//! - Output: `200 {job_id, candidate_id, status, extractor, analyzer, enrichment,
//!   duplicate, ...}` with `status` `done`, or `failed` when a vendor failed after its
//!   retries (then also `failed_step` and `error {code, message}`; the same file again
//!   continues from that step). The same file for the same tenant again (same sha256)
//!   answers the existing job and candidate with `duplicate: true` and changes nothing.
//! - Caller: owner or admin of the tenant ([`Role::Admin`]).
//! - Errors (`{"error":{"code","message","details"}}`): 400 `body_required` /
//!   `invalid_json` / `invalid_body` / `file_required` / `empty_file` / `invalid_path` /
//!   `invalid_extractor`; 401; 403 `forbidden` / `path_outside_tenant`; 404
//!   `file_not_found`; 405; 409 `job_in_progress`; 413 (file over 10 MiB); 415 (not a
//!   PDF, or neither multipart nor JSON); 422 `no_text_layer` / `encrypted_pdf` /
//!   `corrupt_pdf` / `email_not_found` / `name_not_found` / `extractor_not_configured`;
//!   502 when the database or storage cannot be reached (nothing recorded). A 422 from a
//!   step carries `details: {job_id, step}`: the job is `failed` there.
//!
//! Steps, each recorded on the resume job (`resume_jobs.steps`): extracting → analyzing
//! → enriching → done. The job is created by `start_resume_job`, which also answers the
//! duplicate and the retry cases (see [`job`]); the candidate, its candidate_tenants row
//! and the job's move to enriching are one transaction (`save_resume_candidate`).

pub mod input;
pub mod job;
pub mod steps;

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

use input::{checked_pdf, Choice, Input, Source};
use job::{Job, Step};
use resume_pipeline::storage::{self, TenantPath, MAX_FILE_BYTES};

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[
        error(422, "no_text_found"),
        error(400, "invalid_multipart"),
        error(400, "file_required"),
        error(400, "empty_file"),
        error(400, "invalid_path"),
        error(400, "invalid_extractor"),
        error(400, "invalid_sha256"),
        error(400, "invalid_status"),
        error(400, "invalid_detail"),
        error(400, "invalid_failure"),
        error(400, "invalid_resume"),
        error(404, "job_not_found"),
        error(409, "job_finished"),
        error(409, "job_not_analyzing"),
        error(403, "forbidden"),
        error(403, "path_outside_tenant"),
        error(404, "file_not_found"),
        error(409, "job_in_progress"),
        error(422, "no_text_layer"),
        error(422, "encrypted_pdf"),
        error(422, "corrupt_pdf"),
        error(422, "email_not_found"),
        error(422, "name_not_found"),
        error(422, "extractor_not_configured"),
        error(503, "busy"),
    ],
];

pub use input::BODY_LIMIT;

/// Upload bytes one isolate works on at once ([`shared::serve::Gate`]): one upload of the
/// largest size, or several smaller ones; the rest wait their turn unread. A 10 MB upload
/// holds about seven times its size while it runs (the body, the file part, the parsed
/// PDF, the copy sent to Storage), and wasm memory never shrinks, so this bounds the
/// isolate's peak (`npm run bench load` prints it) under the edge runtime's 256 MB.
pub const BODIES_IN_FLIGHT: usize = BODY_LIMIT;

/// A failure as the answer shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ProcessResumeFailure"))]
pub struct Failure {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ProcessResumeOutput"))]
pub struct Output {
    pub job_id: Uuid,
    pub candidate_id: Option<Uuid>,
    /// `done` or `failed`.
    pub status: String,
    /// `builtin` or `pdfco`.
    pub extractor: Option<String>,
    /// `deterministic` or `openai`.
    pub analyzer: Option<String>,
    /// `enriched`, `no_match`, `not_configured` or `failed`.
    pub enrichment: Option<String>,
    pub duplicate: bool,
    /// Whether this request created the candidate (false: the tenant's record of that
    /// email was updated); absent when no candidate was saved by this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub candidate_created: Option<bool>,
    /// Why OpenAI's answer was not used, when the parser answered instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub analyzer_fallback: Option<String>,
    pub attempts: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub failed_step: Option<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<Failure>,
}

impl Output {
    fn duplicate(job: &Job) -> Output {
        Output {
            job_id: job.id,
            candidate_id: job.candidate_id,
            status: job.status.clone(),
            extractor: job.extractor.clone(),
            analyzer: job.analyzer.clone(),
            enrichment: job.enrichment.clone(),
            duplicate: true,
            candidate_created: None,
            analyzer_fallback: None,
            attempts: job.attempts,
            failed_step: None,
            error: None,
        }
    }
}

pub async fn run(mut req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input = Input::parse(&mut req)?;
    let caller = cx.auth.require(&req, Role::Admin).await?;
    let tenant = caller
        .tenant_id()
        .ok_or_else(|| ApiError::internal("Role::Admin accepted a caller without a tenant"))?;
    if input.extractor == Choice::Pdfco && cx.config.pdfco.is_none() {
        return Err(ApiError::unprocessable(
            "extractor_not_configured",
            "PDF.co is not configured on this platform; use extractor auto or builtin",
        )
        .with_details(json!({ "field": "extractor" })));
    }

    let (bytes, sha256, file_name, path) = match input.source {
        Source::Upload { file_name, bytes } => {
            let sha256 = sha256_hex(&bytes);
            let path = TenantPath::for_digest(&tenant, &sha256);
            let bytes = storage::upload_once(cx, &caller, &path, "application/pdf", bytes).await?;
            (bytes, sha256, file_name, path)
        }
        Source::Stored { path } => {
            let path = TenantPath::parse(&path, &tenant)?;
            let bytes = storage::download(cx, &caller, &path, MAX_FILE_BYTES).await?;
            checked_pdf(&bytes)?;
            let name = path.file_name().to_owned();
            let sha256 = sha256_hex(&bytes);
            (bytes, sha256, Some(name), path)
        }
    };

    let db = cx.db.as_user(&caller);
    let job = job::start(&db, &sha256, file_name.as_deref(), path.as_str()).await?;
    if job.duplicate {
        return Ok(Response::ok(&Output::duplicate(&job)));
    }
    let mut run = steps::Run::new(cx, &db, &job, tenant);
    let outcome = run
        .process(&bytes, file_name.as_deref(), input.extractor)
        .await;
    if let Err(err) = &outcome {
        run.record_unexpected(err).await;
    }
    outcome.map(|output| Response::ok(&output))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve_with(
        req,
        env,
        shared::js::Options {
            body_limit: BODY_LIMIT,
            bodies_in_flight: Some(BODIES_IN_FLIGHT),
        },
        run,
    )
    .await
}
