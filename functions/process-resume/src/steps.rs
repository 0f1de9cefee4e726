//! The job's steps after `start_resume_job`: extracting → analyzing → enriching → done,
//! starting at the step the job resumes from. Each step's outcome is recorded before the
//! next begins, so a failure leaves the job `failed` at that step with its reason, and a
//! retry of the same file continues there with what earlier steps stored.
//!
//! Failures, by whose they are:
//! - the file's or the resume's (no text layer, encrypted, corrupt, no email): recorded,
//!   then answered with their 4xx and `details: {job_id, step}`;
//! - a vendor's after its retries (PDF.co, People Data Labs): recorded, then answered 200
//!   with `status: "failed"`; the same file again retries that step;
//! - the database's or storage's (nothing can be trusted to be recorded): recorded if
//!   possible ([`Run::record_unexpected`]), answered 5xx.

use resume::ExtractError;
use resume_pipeline::enrich::{enrich_and_record, Facts, Status};
use resume_pipeline::{analyze, Analysis};
use serde_json::{json, Value};
use shared::clients::pdfco::{ConvertOptions, PdfCo, PdfCoError};
use shared::clients::VendorFailure;
use shared::db::Session;
use shared::{ApiError, Context};
use uuid::Uuid;

use crate::input::Choice;
use crate::job::{self, Job, Step};
use crate::{Failure, Output};

/// Fewer letters and digits than this in PDF.co's text is still no text (the same floor
/// as the built-in extractor's).
const MIN_TEXT_CHARS: usize = 20;

/// A step that did not produce its result.
enum StepFailure {
    /// The file's or the resume's: answered with this 4xx.
    Refused(ApiError),
    /// A vendor's, after its retries: answered 200 `failed`.
    Vendor { code: &'static str, message: String },
}

/// One request's run of a job.
pub struct Run<'a> {
    cx: &'a Context,
    db: &'a Session<'a>,
    job: &'a Job,
    tenant: Uuid,
    step: Step,
    /// The failure (or the step) is already recorded: nothing more to write on error.
    recorded: bool,
    out: Output,
}

impl<'a> Run<'a> {
    pub fn new(cx: &'a Context, db: &'a Session<'a>, job: &'a Job, tenant: Uuid) -> Run<'a> {
        Run {
            cx,
            db,
            job,
            tenant,
            step: job.resume_from.unwrap_or(Step::Extracting),
            recorded: false,
            out: Output {
                job_id: job.id,
                candidate_id: job.candidate_id,
                status: "failed".into(),
                extractor: job.extractor.clone(),
                analyzer: job.analyzer.clone(),
                enrichment: job.enrichment.clone(),
                duplicate: false,
                candidate_created: None,
                analyzer_fallback: None,
                attempts: job.attempts,
                failed_step: None,
                error: None,
            },
        }
    }

    pub async fn process(
        &mut self,
        bytes: &[u8],
        file_name: Option<&str>,
        choice: Choice,
    ) -> Result<Output, ApiError> {
        let mut text = self.job.resume_text.clone();
        let mut resume = self.job.stored_resume();

        if self.step == Step::Extracting {
            match extract(self.cx, bytes, file_name, choice).await {
                Ok((extracted, extractor, detail)) => {
                    let mut detail = detail;
                    detail["extractor"] = json!(extractor);
                    detail["resume_text"] = json!(extracted);
                    job::advance(self.db, self.job.id, "analyzing", detail).await?;
                    self.out.extractor = Some(extractor.into());
                    text = Some(extracted);
                    self.step = Step::Analyzing;
                }
                Err(failure) => return self.failed(failure).await,
            }
        }

        if self.step == Step::Analyzing {
            let text =
                text.ok_or_else(|| ApiError::internal("a job resumed at analyzing has no text"))?;
            let analysis: Analysis = analyze(self.cx, &text).await;
            let detail = json!({
                "analyzer": analysis.analyzer.as_str(),
                "fallback_reason": analysis.fallback_reason,
                "model": analysis.model,
                "warnings": analysis.warnings,
            });
            self.out.analyzer = Some(analysis.analyzer.as_str().into());
            self.out.analyzer_fallback = analysis.fallback_reason.map(str::to_owned);
            match job::save_candidate(self.db, self.job.id, &analysis.resume, detail).await {
                Ok(saved) => {
                    self.out.candidate_id = Some(saved.candidate_id);
                    self.out.candidate_created = Some(saved.created);
                    resume = Some(analysis.resume);
                    self.step = Step::Enriching;
                }
                // The resume lacks what a candidate needs (an email, a name): its fault.
                Err(err) if err.status() == 422 => {
                    return self.failed(StepFailure::Refused(err)).await
                }
                Err(err) => return Err(err),
            }
        }

        let candidate = self
            .out
            .candidate_id
            .ok_or_else(|| ApiError::internal("a job at enriching has no candidate"))?;
        let facts = Facts::from_resume(&resume.unwrap_or_default());
        let enrichment = match enrich_and_record(self.cx, self.db, candidate, self.tenant, &facts)
            .await
        {
            Ok(enrichment) => enrichment,
            // The tenant's enrichment quota is spent: the job fails at this step, and a
            // retry once the quota allows continues here.
            Err(err) if err.status() == 429 => return self.failed(StepFailure::Refused(err)).await,
            Err(err) => return Err(err),
        };
        self.out.enrichment = Some(enrichment.status.as_str().into());
        if enrichment.status == Status::Failed {
            let code = enrichment.reason.unwrap_or("pdl_error");
            return self
                .failed(StepFailure::Vendor {
                    code,
                    message: "People Data Labs enrichment failed after retries".into(),
                })
                .await;
        }
        job::advance(
            self.db,
            self.job.id,
            "done",
            json!({ "enrichment": enrichment.status.as_str() }),
        )
        .await?;
        self.recorded = true;
        self.out.status = "done".into();
        Ok(self.out.clone())
    }

    /// Record the failure of the current step, then answer it.
    async fn failed(&mut self, failure: StepFailure) -> Result<Output, ApiError> {
        let (code, message) = match &failure {
            StepFailure::Refused(err) => (err.code().to_owned(), public_message(err)),
            StepFailure::Vendor { code, message } => ((*code).to_owned(), message.clone()),
        };
        let extra = match self.step {
            Step::Enriching => json!({ "enrichment": "failed" }),
            _ => json!({}),
        };
        job::fail(self.db, self.job.id, self.step, &code, &message, extra).await?;
        self.recorded = true;
        match failure {
            StepFailure::Refused(err) => {
                Err(err.with_details(json!({ "job_id": self.job.id, "step": self.step.as_str() })))
            }
            StepFailure::Vendor { .. } => {
                self.out.status = "failed".into();
                self.out.failed_step = Some(self.step);
                self.out.error = Some(Failure { code, message });
                Ok(self.out.clone())
            }
        }
    }

    /// After an error nothing recorded (the database or storage failing mid-way): try to
    /// leave the job `failed` at its step, so the same file again continues there at once
    /// instead of waiting for the job to go stale. Best effort: the database may be the
    /// thing that failed.
    pub async fn record_unexpected(&mut self, err: &ApiError) {
        if self.recorded {
            return;
        }
        let code = if err.status() >= 500 {
            "internal_error"
        } else {
            err.code()
        };
        let _ = job::fail(
            self.db,
            self.job.id,
            self.step,
            code,
            "The step did not finish; send the file again",
            json!({}),
        )
        .await;
        self.recorded = true;
    }
}

fn public_message(err: &ApiError) -> String {
    err.body()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// The text of the PDF, which extractor produced it, and what to log about it.
async fn extract(
    cx: &Context,
    bytes: &[u8],
    file_name: Option<&str>,
    choice: Choice,
) -> Result<(String, &'static str, Value), StepFailure> {
    let pdfco = PdfCo::from_context(cx);
    let name = file_name
        .filter(|n| n.to_ascii_lowercase().ends_with(".pdf"))
        .unwrap_or("resume.pdf");
    if choice == Choice::Pdfco {
        let pdfco = pdfco.ok_or_else(|| {
            StepFailure::Refused(ApiError::internal("pdfco chosen without a key"))
        })?;
        let text = ocr(&pdfco, name, bytes).await?;
        return Ok((text, "pdfco", json!({ "ocr_reason": "requested" })));
    }
    match resume::extract(bytes) {
        Ok(extracted) => Ok((
            extracted.text,
            "builtin",
            json!({ "pages": extracted.page_count, "strategy": extracted.strategy.as_str() }),
        )),
        Err(ExtractError::NoTextLayer { pages, .. })
            if choice == Choice::Auto && pdfco.is_some() =>
        {
            let Some(pdfco) = pdfco else {
                return Err(StepFailure::Refused(no_text_layer(pages)));
            };
            let text = ocr(&pdfco, name, bytes).await?;
            Ok((
                text,
                "pdfco",
                json!({ "pages": pages, "ocr_reason": "no_text_layer" }),
            ))
        }
        Err(ExtractError::NoTextLayer { pages, .. }) => {
            Err(StepFailure::Refused(no_text_layer(pages)))
        }
        Err(err) => Err(StepFailure::Refused(from_extract(&err))),
    }
}

fn no_text_layer(pages: usize) -> ApiError {
    ApiError::unprocessable(
        "no_text_layer",
        format!("The PDF has {pages} page(s) but no text layer (it is scanned or image-only), and OCR is not configured"),
    )
}

/// The extractor's error as the answer: its own status and code, its sentence.
fn from_extract(err: &ExtractError) -> ApiError {
    match err {
        ExtractError::TooLarge { limit } => ApiError::PayloadTooLarge { limit: *limit },
        other => ApiError::unprocessable(other.code(), other.to_string()),
    }
}

/// PDF.co's text of the file (its OCR reads scans).
async fn ocr(pdfco: &PdfCo, name: &str, bytes: &[u8]) -> Result<String, StepFailure> {
    let vendor = |code: &'static str, err: &PdfCoError| {
        shared::log::error(&format!("[process-resume] pdfco: {err}"));
        StepFailure::Vendor {
            code,
            message: format!("PDF.co could not read the file: {err}"),
        }
    };
    match pdfco
        .extract_text(name, bytes, &ConvertOptions::default())
        .await
    {
        Ok(found) => {
            let chars = found.text.chars().filter(|c| c.is_alphanumeric()).count();
            if chars < MIN_TEXT_CHARS {
                return Err(StepFailure::Refused(ApiError::unprocessable(
                    "no_text_found",
                    "Neither the PDF nor OCR found text in it",
                )));
            }
            Ok(found.text)
        }
        Err(PdfCoError::PasswordProtected) => Err(StepFailure::Refused(ApiError::unprocessable(
            "encrypted_pdf",
            "the PDF is password-protected",
        ))),
        Err(PdfCoError::Damaged { .. }) => Err(StepFailure::Refused(ApiError::unprocessable(
            "corrupt_pdf",
            "the PDF is damaged or not a PDF",
        ))),
        Err(err @ PdfCoError::NoCredits { .. }) => Err(vendor("pdfco_no_credits", &err)),
        Err(err @ PdfCoError::Common(VendorFailure::RateLimited { .. })) => {
            Err(vendor("pdfco_rate_limited", &err))
        }
        Err(err @ PdfCoError::Common(VendorFailure::Unauthorized { .. })) => {
            Err(vendor("pdfco_key_rejected", &err))
        }
        Err(err @ PdfCoError::Timeout) => Err(vendor("pdfco_timeout", &err)),
        Err(err) => Err(vendor("pdfco_unavailable", &err)),
    }
}
