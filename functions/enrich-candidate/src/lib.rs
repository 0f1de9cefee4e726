//! `enrich-candidate`: People Data Labs person enrich of a candidate, into the tenant's
//! `candidate_profiles` row.
//!
//! - Route: `POST /functions/v1/enrich-candidate`; `OPTIONS` answers the CORS preflight.
//! - Input: `{"candidate_id": uuid}` of a candidate the caller's tenant sees.
//! - Output: `200 {candidate_id, profile_id, enrichment, likelihood, error?}` with
//!   `enrichment` one of `enriched`, `no_match` (PDL's 404), `not_configured` (no
//!   `PDL_API_KEY`), `failed` (402/429/5xx after the client's retries, a rejected key, no
//!   answer; `error {code, message}` says which). Every outcome is recorded on the
//!   profile (`enrichment_status`, `enrichment_error`, `last_enriched_at`), so a vendor
//!   outage is a 200 with a recorded failure, never a 5xx (see `resume_pipeline::enrich`).
//! - Identifiers sent: the email and the LinkedIn URL from the resume when known; the
//!   name with the current employer and location only without either; `min_likelihood` 6.
//! - Caller: owner or admin of the tenant ([`Role::Admin`]).
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body`; 401; 403; 404
//!   `candidate_not_found` (unknown, or not seen by the caller's tenant: RLS does not say
//!   which); 405; 413; 415; 502 when the database cannot be reached.

use resume::Resume;
use resume_pipeline::enrich::{enrich_and_record, Facts, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
    &[error(404, "candidate_not_found")],
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EnrichCandidateInput"))]
pub struct Input {
    candidate_id: Uuid,
}

/// The candidate as the caller sees it.
#[derive(Debug, Deserialize)]
struct Candidate {
    id: Uuid,
    email: Option<String>,
    full_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    resume_analysis: Option<Value>,
}

impl Candidate {
    /// What the resume says, with the record's own (possibly edited) name and email first.
    fn facts(&self) -> Facts {
        let resume: Resume = self
            .resume_analysis
            .clone()
            .and_then(|a| serde_json::from_value(a).ok())
            .unwrap_or_default();
        let from_resume = Facts::from_resume(&resume);
        Facts {
            email: self.email.clone().or(from_resume.email),
            full_name: self.full_name.clone().or(from_resume.full_name),
            first_name: self.first_name.clone().or(from_resume.first_name),
            last_name: self.last_name.clone().or(from_resume.last_name),
            ..from_resume
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EnrichmentFailure"))]
pub struct Failure {
    pub code: &'static str,
    pub message: &'static str,
}

#[derive(Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "EnrichCandidateOutput")
)]
pub struct Output {
    pub candidate_id: Uuid,
    pub profile_id: Option<Uuid>,
    pub enrichment: Status,
    pub likelihood: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<Failure>,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input: Input = req.json_object()?;
    let caller = cx.auth.require(&req, Role::Admin).await?;
    let tenant = caller
        .tenant_id()
        .ok_or_else(|| ApiError::internal("Role::Admin accepted a caller without a tenant"))?;
    let db = cx.db.as_user(&caller);
    // As the caller: RLS shows the tenant's own candidates and those shared with it.
    let rows: Vec<Candidate> = db
        .execute(
            db.from("candidates")
                .select("id,email,full_name,first_name,last_name,resume_analysis")
                .eq("id", input.candidate_id.to_string()),
        )
        .await?;
    let candidate = rows.into_iter().next().ok_or_else(|| {
        ApiError::not_found(
            "candidate_not_found",
            "No such candidate in your organisation",
        )
    })?;

    let outcome = enrich_and_record(cx, &db, candidate.id, tenant, &candidate.facts()).await?;
    let error = (outcome.status == Status::Failed).then(|| Failure {
        code: outcome.reason.unwrap_or("pdl_error"),
        message: "People Data Labs did not answer usefully after retries; the failure is recorded on the profile",
    });
    Ok(Response::ok(&Output {
        candidate_id: candidate.id,
        profile_id: outcome.profile_id,
        enrichment: outcome.status,
        likelihood: outcome.likelihood,
        error,
    }))
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
