//! People Data Labs enrichment of a candidate into `candidate_profiles`, the enriching
//! step of process-resume and the whole of enrich-candidate.
//!
//! Every outcome is recorded on the profile (one row per candidate and tenant, upserted
//! on `(candidate_id, tenant_id)` as the caller, so RLS decides):
//! - `enriched`: PDL matched at `min_likelihood`; its fields fill the profile.
//! - `no_match`: PDL's 404 (not an error, not billed), or too little to match on.
//! - `not_configured`: no `PDL_API_KEY`.
//! - `failed`: 402, 429 or 5xx after the client's retries (`cx.http` retries 429/5xx of
//!   this GET, honouring `Retry-After`; 402 is not worth repeating), a rejected key, or no
//!   answer. `enrichment_error` says which. A failure only touches the status columns,
//!   so an earlier enrichment's data survives a later outage.
//!
//! A vendor failure is an outcome, not an `Err`: the caller records it and answers 200.
//! `Err` is left for the database itself failing (nothing could be recorded).

use resume::Resume;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use shared::clients::pdl::{EnrichOptions, Enrichment, Pdl, PdlError, Person, PersonQuery};
use shared::clients::VendorFailure;
use shared::db::Session;
use shared::{ApiError, Context};
use uuid::Uuid;

/// PDL's suggested floor for automated use: below it a match is more likely someone else.
pub const MIN_LIKELIHOOD: u8 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EnrichmentStatus"))]
pub enum Status {
    Enriched,
    NoMatch,
    NotConfigured,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Enriched => "enriched",
            Status::NoMatch => "no_match",
            Status::NotConfigured => "not_configured",
            Status::Failed => "failed",
        }
    }
}

/// What happened, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub profile_id: Option<Uuid>,
    pub likelihood: Option<u8>,
    /// For `failed`: `pdl_payment_required`, `pdl_rate_limited`, `pdl_unavailable`,
    /// `pdl_key_rejected`, `pdl_error`.
    pub reason: Option<&'static str>,
}

/// What we know about a candidate to match on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub linkedin_url: Option<String>,
}

impl Facts {
    /// From a structured resume: the current (or latest) employer, the LinkedIn link.
    pub fn from_resume(resume: &Resume) -> Facts {
        let company = resume
            .experience
            .iter()
            .find(|e| e.end.as_deref() == Some("present"))
            .or_else(|| resume.experience.first())
            .and_then(|e| e.company.clone());
        let linkedin_url = resume
            .links
            .iter()
            .find(|l| l.contains("linkedin.com/"))
            .cloned();
        Facts {
            email: resume.email.clone(),
            full_name: resume.full_name.clone(),
            first_name: resume.first_name.clone(),
            last_name: resume.last_name.clone(),
            company,
            location: resume.location.clone(),
            linkedin_url,
        }
    }

    /// The strongest identifiers PDL matches on: email and LinkedIn URL when we have
    /// them, else the name with the employer and location (`PersonQuery::params`).
    pub fn query(&self) -> PersonQuery {
        PersonQuery {
            email: self.email.clone(),
            profile_url: self.linkedin_url.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            full_name: self.full_name.clone(),
            company: self.company.clone(),
            location: self.location.clone(),
        }
    }
}

#[derive(Deserialize)]
struct Reservation {
    granted: bool,
    limit: Option<u64>,
    retry_after_seconds: Option<u64>,
}

/// Count a PDL call against the tenant's daily quota (`reserve_enrichment`, as the
/// caller): 429 `too_many_requests`, with the limit and Retry-After, once it is spent.
async fn reserve(db: &Session<'_>, tenant_id: Uuid) -> Result<(), ApiError> {
    let reservation: Reservation = db
        .execute(db.rpc(
            "reserve_enrichment",
            &serde_json::json!({ "p_tenant_id": tenant_id }),
        )?)
        .await?;
    if reservation.granted {
        return Ok(());
    }
    Err(ApiError::TooManyRequests {
        retry_after: Some(reservation.retry_after_seconds.unwrap_or(3600)),
        quota: Some(shared::error::Quota {
            limit: reservation.limit.unwrap_or(1000),
            per: "enrichments per organisation per day",
        }),
    })
}

/// Call PDL (when configured) for `candidate_id` and record the outcome on the tenant's
/// profile of that candidate. Each call counts against the tenant's enrichment quota;
/// past it, 429 and nothing is recorded.
pub async fn enrich_and_record(
    cx: &Context,
    db: &Session<'_>,
    candidate_id: Uuid,
    tenant_id: Uuid,
    facts: &Facts,
) -> Result<Outcome, ApiError> {
    let (status, found, reason, error) = match Pdl::from_context(cx) {
        None => (Status::NotConfigured, None, None, None),
        Some(pdl) => {
            reserve(db, tenant_id).await?;
            let options = EnrichOptions {
                min_likelihood: MIN_LIKELIHOOD,
                include_if_matched: true,
            };
            match pdl.enrich(&facts.query(), &options).await {
                Ok(Enrichment::Matched(found)) => (Status::Enriched, Some(found), None, None),
                Ok(Enrichment::NoMatch) | Err(PdlError::InsufficientIdentifiers) => {
                    (Status::NoMatch, None, None, None)
                }
                Err(err) => {
                    shared::log::error(&format!(
                        "[enrich] pdl failed for candidate {candidate_id}: {err}"
                    ));
                    let reason = failure_reason(&err);
                    (
                        Status::Failed,
                        None,
                        Some(reason),
                        Some(format!("{reason}: {err}")),
                    )
                }
            }
        }
    };
    let now = shared::time::rfc3339_millis(cx.clock.now_unix_ms());
    let mut row = Map::new();
    row.insert("candidate_id".into(), json!(candidate_id));
    row.insert("tenant_id".into(), json!(tenant_id));
    row.insert("enrichment_status".into(), json!(status.as_str()));
    row.insert(
        "enrichment_error".into(),
        json!(error.map(|e| e.chars().take(500).collect::<String>())),
    );
    row.insert("last_enriched_at".into(), json!(now));
    let likelihood = found.as_ref().map(|m| m.likelihood);
    if let Some(found) = &found {
        row.insert("pdl_likelihood".into(), json!(found.likelihood.min(10)));
        row.extend(profile_columns(&found.person));
    }
    #[derive(Deserialize)]
    struct Saved {
        id: Uuid,
    }
    let saved: Vec<Saved> = db
        .execute(
            db.from("candidate_profiles")
                .upsert(Value::Object(row).to_string())
                .on_conflict("candidate_id,tenant_id")
                .select("id"),
        )
        .await?;
    Ok(Outcome {
        status,
        profile_id: saved.first().map(|s| s.id),
        likelihood,
        reason,
    })
}

/// The public reason of a PDL failure.
pub fn failure_reason(err: &PdlError) -> &'static str {
    match err {
        PdlError::PaymentRequired { .. } => "pdl_payment_required",
        PdlError::Common(VendorFailure::RateLimited { .. }) => "pdl_rate_limited",
        PdlError::Common(VendorFailure::Server { .. } | VendorFailure::Transport(_)) => {
            "pdl_unavailable"
        }
        PdlError::Common(VendorFailure::Unauthorized { .. }) => "pdl_key_rejected",
        PdlError::InsufficientIdentifiers
        | PdlError::Common(
            VendorFailure::BadRequest { .. }
            | VendorFailure::Http { .. }
            | VendorFailure::UnexpectedBody(_),
        ) => "pdl_error",
    }
}

/// PDL's person as `candidate_profiles` columns.
fn profile_columns(p: &Person) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put("pdl_id", json!(p.id));
    put("first_name", json!(p.first_name));
    put("middle_name", json!(p.middle_name));
    put("last_name", json!(p.last_name));
    put("gender", json!(p.sex));
    put("birth_year", json!(p.birth_year));
    put("location_name", json!(p.location_name));
    put("location_locality", json!(p.location_locality));
    put("location_region", json!(p.location_region));
    put("location_country", json!(p.location_country));
    put("location_continent", json!(p.location_continent));
    put("location_postal_code", json!(p.location_postal_code));
    put("location_street_address", json!(p.location_street_address));
    put("location_geo", json!(p.location_geo));
    put("job_title", json!(p.job_title));
    put("job_company_name", json!(p.job_company_name));
    put("job_company_size", json!(p.job_company_size));
    put("job_company_industry", json!(p.job_company_industry));
    put("job_start_date", json!(p.job_start_date));
    put("job_last_updated", json!(p.job_last_updated));
    put("linkedin_url", json!(p.linkedin_url));
    put("linkedin_username", json!(p.linkedin_username));
    put("linkedin_id", json!(p.linkedin_id));
    put("twitter_url", json!(p.twitter_url));
    put("twitter_username", json!(p.twitter_username));
    put("facebook_url", json!(p.facebook_url));
    put("facebook_username", json!(p.facebook_username));
    put("github_url", json!(p.github_url));
    put("github_username", json!(p.github_username));
    put("industry", json!(p.industry));
    put("skills", json!(p.skills));
    put("interests", json!(p.interests));
    put("countries", json!(p.countries));
    put("job_title_levels", json!(p.job_title_levels));
    put("experience", p.experience.clone().unwrap_or(Value::Null));
    put("education", p.education.clone().unwrap_or(Value::Null));
    m
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use resume::Experience;

    #[test]
    fn facts_take_the_current_employer_and_linkedin() {
        let resume = Resume {
            email: Some("a@example.com".into()),
            links: vec![
                "https://github.com/a".into(),
                "https://linkedin.com/in/a".into(),
            ],
            experience: vec![
                Experience {
                    company: Some("Old".into()),
                    end: Some("2020-01".into()),
                    ..Experience::default()
                },
                Experience {
                    company: Some("Now".into()),
                    end: Some("present".into()),
                    ..Experience::default()
                },
            ],
            ..Resume::default()
        };
        let facts = Facts::from_resume(&resume);
        assert_eq!(facts.company.as_deref(), Some("Now"));
        assert_eq!(
            facts.linkedin_url.as_deref(),
            Some("https://linkedin.com/in/a")
        );
        let params = facts.query().params().unwrap();
        assert_eq!(params[0], ("email", "a@example.com".to_owned()));
        assert_eq!(
            params[1],
            ("profile", "https://linkedin.com/in/a".to_owned())
        );
    }
}
