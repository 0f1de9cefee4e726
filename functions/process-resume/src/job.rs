//! The resume job, through the RPCs of migration 20250608000100 (SECURITY INVOKER, called
//! as the caller, so RLS on resume_jobs, candidates and candidate_tenants decides):
//! `start_resume_job`, `advance_resume_job`, `save_resume_candidate`.

use resume::Resume;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::db::Session;
use shared::ApiError;
use uuid::Uuid;

/// A step of the job, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ResumeJobStep"))]
pub enum Step {
    Extracting,
    Analyzing,
    Enriching,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Extracting => "extracting",
            Step::Analyzing => "analyzing",
            Step::Enriching => "enriching",
        }
    }
}

/// The job as `start_resume_job` answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct Job {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub status: String,
    pub candidate_id: Option<Uuid>,
    pub storage_path: Option<String>,
    pub file_name: Option<String>,
    #[serde(default)]
    pub attempts: i32,
    pub extractor: Option<String>,
    pub analyzer: Option<String>,
    pub enrichment: Option<String>,
    #[serde(default)]
    pub duplicate: bool,
    /// Where this request picks the job up; `None` for a duplicate.
    pub resume_from: Option<Step>,
    /// Kept from an earlier attempt (present on a resumed job only).
    #[serde(default)]
    pub resume_text: Option<String>,
    #[serde(default)]
    pub analysis: Option<Value>,
}

impl Job {
    /// The structured resume an earlier attempt stored, if it reads as one.
    pub fn stored_resume(&self) -> Option<Resume> {
        self.analysis
            .clone()
            .and_then(|a| serde_json::from_value(a).ok())
    }
}

pub async fn start(
    db: &Session<'_>,
    sha256: &str,
    file_name: Option<&str>,
    storage_path: &str,
) -> Result<Job, ApiError> {
    let mut params = json!({ "p_sha256": sha256, "p_storage_path": storage_path });
    // An absent name is left out (the SQL default), not sent as null: postrust passes a
    // JSON null argument as ''.
    if let Some(name) = file_name {
        params["p_file_name"] = json!(name);
    }
    db.execute(db.rpc("start_resume_job", &params)?).await
}

/// Move the job on (`extracting`, `analyzing`, `enriching`, `done`) with what the step
/// produced.
pub async fn advance(
    db: &Session<'_>,
    job: Uuid,
    status: &str,
    detail: Value,
) -> Result<(), ApiError> {
    let _: Value = db
        .execute(db.rpc(
            "advance_resume_job",
            &json!({ "p_job_id": job, "p_status": status, "p_detail": detail }),
        )?)
        .await?;
    Ok(())
}

/// Record a failure at `step` with a public `code` and the sentence behind it.
pub async fn fail(
    db: &Session<'_>,
    job: Uuid,
    step: Step,
    code: &str,
    message: &str,
    extra: Value,
) -> Result<(), ApiError> {
    let mut detail =
        json!({ "step": step.as_str(), "error": format!("{code}: {message}"), "code": code });
    if let (Some(d), Value::Object(extra)) = (detail.as_object_mut(), extra) {
        d.extend(extra);
    }
    advance(db, job, "failed", detail).await
}

#[derive(Debug, Deserialize)]
pub struct Saved {
    pub candidate_id: Uuid,
    pub created: bool,
}

/// The candidate from `resume` (created, or the tenant's record of that email updated),
/// its candidate_tenants row and the job's move to enriching, in one transaction.
pub async fn save_candidate(
    db: &Session<'_>,
    job: Uuid,
    resume: &Resume,
    detail: Value,
) -> Result<Saved, ApiError> {
    db.execute(db.rpc(
        "save_resume_candidate",
        &json!({ "p_job_id": job, "p_resume": resume, "p_detail": detail }),
    )?)
    .await
}
