//! Resume text → [`Resume`], the analyzing step of process-resume and the whole of
//! analyze-resume.
//!
//! With `OPENAI_API_KEY`: a chat completion with Structured Outputs whose strict schema is
//! generated from the Rust [`Resume`] type (`resume` feature `schema`, rewritten by
//! `shared::clients::openai::strict_schema`), then `resume::normalize` and
//! `resume::validate`; fields that fail validation are dropped and listed in `warnings`.
//! Without a key: the deterministic parser (`resume::parse`).
//!
//! Decision: when the model cannot give a usable answer (a refusal, output cut at the
//! token limit, a rate limit or outage after the client's retries, a rejected key, JSON
//! that is not a resume), the deterministic parser reads the text instead and the answer
//! says so (`analyzer: "deterministic"`, `fallback_reason`). Unlike a generated position,
//! a resume's facts are all in the text the parser reads, so the fallback gives the same
//! kind of answer, only less complete; failing the upload instead would block a recruiter
//! on a vendor's bad minute. The reason is logged and recorded on the job.

use std::time::Duration;

use resume::{normalize, validate, Issue, Resume};
use serde::Serialize;
use shared::clients::openai::{Message, OpenAi, OpenAiError, StructuredRequest};
use shared::clients::VendorFailure;
use shared::Context;

/// Text beyond this is not sent to the model (a resume is a few thousand characters;
/// a 30-page file's tail is not worth its tokens).
pub const MAX_MODEL_INPUT_CHARS: usize = 30_000;
/// Room for a long resume's JSON (about 3 tokens per 10 characters of output).
pub const MAX_COMPLETION_TOKENS: u32 = 6_000;
/// One attempt; the client makes up to three (with at most a few seconds between), and
/// the edge function has 150 s of wall clock in all (Free plan), with extraction and
/// enrichment still to come.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Which analyzer produced a resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ResumeAnalyzer"))]
pub enum Analyzer {
    Openai,
    Deterministic,
}

impl Analyzer {
    pub fn as_str(self) -> &'static str {
        match self {
            Analyzer::Openai => "openai",
            Analyzer::Deterministic => "deterministic",
        }
    }
}

/// A field the model gave that failed validation and was dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ResumeWarning"))]
pub struct Warning {
    pub field: String,
    pub message: &'static str,
}

impl From<Issue> for Warning {
    fn from(issue: Issue) -> Self {
        Warning {
            field: issue.field,
            message: issue.message,
        }
    }
}

/// The outcome of the analyzing step. It always has a resume: the deterministic parser
/// needs nothing but the text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ResumeAnalysis"))]
pub struct Analysis {
    #[serde(flatten)]
    pub resume: Resume,
    pub analyzer: Analyzer,
    /// Why the model's answer was not used, when a key is set but the parser answered:
    /// `openai_refused`, `openai_truncated`, `openai_rate_limited`, `openai_quota_exceeded`,
    /// `openai_key_rejected`, `openai_invalid_output`, `openai_unavailable`.
    pub fallback_reason: Option<&'static str>,
    /// Fields of the model's answer dropped by validation.
    pub warnings: Vec<Warning>,
    /// The model that answered (`gpt-4.1-mini-2025-04-14`), for the log and the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub model: Option<String>,
}

impl Analysis {
    fn deterministic(text: &str, fallback_reason: Option<&'static str>) -> Analysis {
        Analysis {
            resume: resume::parse(text),
            analyzer: Analyzer::Deterministic,
            fallback_reason,
            warnings: Vec::new(),
            model: None,
        }
    }
}

const SYSTEM: &str = "You read resumes for a recruiting platform and return their facts as structured data. \
Use only what the resume says; never guess or invent. Use null (or an empty list) for anything the resume does not state. \
full_name as written at the top of the resume; first_name and last_name split from it. \
email and phone exactly as written. location: the candidate's own city/region/country, not an employer's. \
links: every URL or profile address (LinkedIn, GitHub, personal site), as written. \
summary: the resume's own summary or profile paragraph, if it has one. \
skills: the skills, tools, languages and technologies the resume names, each once, in the resume's order, with their usual spelling (PostgreSQL, JavaScript, Kubernetes). \
experience: every position, most recent first: title, company, start and end as YYYY-MM (or YYYY when only the year is given), end \"present\" for a current role, and the description as written. \
education: institution, degree (e.g. B.Sc., M.A., Ph.D.), field of study, and the year it ended (a number). \
The resume text comes from a PDF and may have odd line breaks or columns read one after the other.";

/// Analyze `text`: the model when OpenAI is configured, else (or when it fails) the
/// deterministic parser. Never fails.
pub async fn analyze(cx: &Context, text: &str) -> Analysis {
    let Some(openai) = OpenAi::from_context(cx) else {
        return Analysis::deterministic(text, None);
    };
    match with_openai(&openai, text).await {
        Ok(analysis) => analysis,
        Err(err) => {
            shared::log::error(&format!("[analyze] openai failed, using the parser: {err}"));
            Analysis::deterministic(text, Some(fallback_reason(&err)))
        }
    }
}

/// The model's reading of `text`, normalised and validated (invalid fields dropped).
pub async fn with_openai(openai: &OpenAi, text: &str) -> Result<Analysis, OpenAiError> {
    let input: String = text.chars().take(MAX_MODEL_INPUT_CHARS).collect();
    let request = StructuredRequest::<Resume>::new(
        "resume",
        vec![Message::system(SYSTEM), Message::user(input)],
    )
    .description("The facts of one resume")
    .max_completion_tokens(MAX_COMPLETION_TOKENS)
    .timeout(ATTEMPT_TIMEOUT);
    let answer = openai.send_structured(request).await?;
    let (resume, warnings) = checked(answer.value);
    Ok(Analysis {
        resume,
        analyzer: Analyzer::Openai,
        fallback_reason: None,
        warnings,
        model: Some(answer.model),
    })
}

/// `normalize`, then drop what `validate` still refuses, so what is stored always
/// validates.
pub fn checked(raw: Resume) -> (Resume, Vec<Warning>) {
    let mut resume = normalize(raw);
    let issues = match validate(&resume) {
        Ok(()) => return (resume, Vec::new()),
        Err(issues) => issues,
    };
    for issue in &issues {
        drop_field(&mut resume, &issue.field);
    }
    // Links and entries were addressed by index: remove the marked ones last.
    resume.links.retain(|l| !l.is_empty());
    (resume, issues.into_iter().map(Warning::from).collect())
}

/// Clear the field `validate` named (`email`, `links[2]`, `experience[0].start`,
/// `experience[1]` for an end before its start, `education[0].year`).
fn drop_field(resume: &mut Resume, field: &str) {
    let index = |s: &str| -> Option<usize> { s.split_once('[')?.1.split_once(']')?.0.parse().ok() };
    match field {
        "email" => resume.email = None,
        "phone" => resume.phone = None,
        f if f.starts_with("links[") => {
            if let Some(link) = index(f).and_then(|i| resume.links.get_mut(i)) {
                link.clear();
            }
        }
        f if f.starts_with("experience[") => {
            let Some(entry) = index(f).and_then(|i| resume.experience.get_mut(i)) else {
                return;
            };
            if f.ends_with(".start") {
                entry.start = None;
            } else if f.ends_with(".end") {
                entry.end = None;
            } else {
                // The dates contradict each other: neither can be trusted.
                entry.start = None;
                entry.end = None;
            }
        }
        f if f.starts_with("education[") => {
            if let Some(entry) = index(f).and_then(|i| resume.education.get_mut(i)) {
                entry.year = None;
            }
        }
        _ => {}
    }
}

/// The public reason for falling back, by kind of failure.
pub fn fallback_reason(err: &OpenAiError) -> &'static str {
    match err {
        OpenAiError::Refused(_) => "openai_refused",
        OpenAiError::Truncated => "openai_truncated",
        OpenAiError::Common(VendorFailure::RateLimited { .. }) => "openai_rate_limited",
        OpenAiError::QuotaExceeded { .. } => "openai_quota_exceeded",
        OpenAiError::Common(VendorFailure::Unauthorized { .. }) => "openai_key_rejected",
        OpenAiError::InvalidJson(_)
        | OpenAiError::SchemaMismatch(_)
        | OpenAiError::Common(VendorFailure::UnexpectedBody(_)) => "openai_invalid_output",
        OpenAiError::Common(
            VendorFailure::Server { .. }
            | VendorFailure::Http { .. }
            | VendorFailure::Transport(_)
            | VendorFailure::BadRequest { .. },
        )
        | OpenAiError::InvalidRequest(_) => "openai_unavailable",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use resume::{Education, Experience};

    #[test]
    fn the_schema_of_resume_is_strict() {
        let schema = shared::clients::openai::strict_schema::<Resume>().unwrap();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for field in [
            "full_name",
            "email",
            "phone",
            "skills",
            "experience",
            "education",
        ] {
            assert!(
                required.contains(&field),
                "{field} is required in strict mode: {schema}"
            );
        }
    }

    #[test]
    fn invalid_fields_are_dropped_and_reported() {
        let raw = Resume {
            full_name: Some("Ada".into()),
            email: Some("not-an-email".into()),
            phone: Some("12".into()),
            links: vec!["github.com/ada".into(), "not a link".into()],
            experience: vec![Experience {
                title: Some("Analyst".into()),
                start: Some("2021".into()),
                end: Some("2019".into()),
                ..Experience::default()
            }],
            education: vec![Education {
                institution: Some("U".into()),
                year: Some(1200),
                ..Education::default()
            }],
            ..Resume::default()
        };
        let (resume, warnings) = checked(raw);
        assert_eq!(resume.email, None);
        assert_eq!(resume.phone, None);
        assert_eq!(resume.links, vec!["https://github.com/ada"]);
        assert_eq!(
            (
                resume.experience[0].start.as_deref(),
                resume.experience[0].end.as_deref()
            ),
            (None, None)
        );
        assert!(validate(&resume).is_ok());
        let fields: Vec<&str> = warnings.iter().map(|w| w.field.as_str()).collect();
        assert_eq!(fields, vec!["email", "phone", "links[1]", "experience[0]"]);
        // The year 1200 is dropped by normalize itself, not reported.
        assert_eq!(resume.education[0].year, None);
    }

    #[test]
    fn every_failure_has_a_reason() {
        assert_eq!(fallback_reason(&OpenAiError::Truncated), "openai_truncated");
        assert_eq!(
            fallback_reason(&OpenAiError::Refused("no".into())),
            "openai_refused"
        );
        assert_eq!(
            fallback_reason(&OpenAiError::Common(VendorFailure::Server { status: 500 })),
            "openai_unavailable"
        );
        assert_eq!(
            fallback_reason(&OpenAiError::Common(VendorFailure::RateLimited {
                retry_after: None
            })),
            "openai_rate_limited"
        );
    }
}
