//! The OpenAI path: a chat completion with Structured Outputs whose strict JSON schema is
//! generated from [`AiPosition`] (shared::clients::openai), then the same normalisation
//! the template gets (weights summing to 1, levels 1-5, names unique, lists bounded).
//!
//! Outcomes: a draft; a refusal (the model declined this brief: 422, no fallback, since
//! the template must not be a way around it); or a reason to fall back to the template
//! (rate limit or outage after the client's retries, truncated or unusable output, a
//! rejected key), which the answer reports as `fallback_reason`.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use shared::clients::openai::{Message, OpenAi, OpenAiError, StructuredRequest};
use shared::clients::VendorFailure;
use shared::ApiError;

use positions::{clean_text, list, normalize, Brief, Category, Classification, Draft, Proposed};

/// One attempt; the client makes up to three, and an edge function has 150 s in all.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(25);
pub const MAX_COMPLETION_TOKENS: u32 = 2500;
/// The tenant's library names offered to the model, at most.
pub const MAX_LIBRARY_NAMES: usize = 100;

/// A job position written for a hiring platform.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AiPosition {
    /// Two to four sentences that describe the role, the team and its impact, for candidates.
    pub description: String,
    /// Five to eight concrete responsibilities, each one short sentence without a final period.
    pub responsibilities: Vec<String>,
    /// Three to six requirements (experience, skills), each one short phrase.
    pub requirements: Vec<String>,
    /// Two to four nice-to-have qualifications, each one short phrase.
    pub nice_to_have: Vec<String>,
    /// Six to ten competencies the interview should assess, most important first.
    pub competencies: Vec<AiCompetency>,
}

/// A competency to assess in the interview.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AiCompetency {
    /// A short name (one to four words), reusing a name of the organisation's library when one fits.
    pub name: String,
    /// One sentence on what good looks like for this competency in this role.
    pub description: String,
    pub category: AiCategory,
    /// Relative importance from 1 (minor) to 10 (essential).
    pub weight: f64,
    /// The level required: 1 basic, 2 developing, 3 proficient, 4 advanced, 5 expert.
    pub required_level: i64,
}

/// technical: tools and techniques of the craft; domain: business or subject knowledge;
/// behavioral: how the person works with others; leadership: how they lead people or work.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AiCategory {
    Technical,
    Domain,
    Behavioral,
    Leadership,
}

impl From<AiCategory> for Category {
    fn from(c: AiCategory) -> Category {
        match c {
            AiCategory::Technical => Category::Technical,
            AiCategory::Domain => Category::Domain,
            AiCategory::Behavioral => Category::Behavioral,
            AiCategory::Leadership => Category::Leadership,
        }
    }
}

const SYSTEM: &str = "You write job positions for a hiring platform that runs structured AI interviews. \
Given a recruiter's brief, write the position: a description, responsibilities, requirements, \
nice-to-haves, and the competencies the interview should assess with their relative weights and \
required levels. Be specific to the role and level; avoid clichés and discriminatory or \
non-job-related requirements (age, gender, nationality, health). Write in the language of the brief. \
When a competency of the organisation's library fits, use its exact name. Include every competency \
the recruiter asks for.";

/// The model's draft, or why not.
pub enum Outcome {
    Draft {
        draft: Draft,
        model: String,
    },
    /// The model declined: answered as 422.
    Refused(ApiError),
    /// Use the template; the reason goes into the answer and the log.
    Fallback(&'static str),
}

/// Ask `openai` for the position described by `brief` (read as `read`), offering the
/// tenant's `library` names.
pub async fn generate(
    openai: &OpenAi,
    brief: &Brief,
    read: &Classification,
    library: &[String],
) -> Outcome {
    let request = json!({
        "title": brief.title,
        "seniority": read.seniority.as_str(),
        "role_family": read.family.name,
        "department": brief.department,
        "company": brief.company,
        "location": brief.location,
        "employment_type": brief.employment_type,
        "notes": brief.notes,
        "competencies_requested": brief.competency_hints,
        "organisation_competency_library": library.iter().take(MAX_LIBRARY_NAMES).collect::<Vec<_>>(),
    });
    let structured = StructuredRequest::<AiPosition>::new(
        "job_position",
        vec![Message::system(SYSTEM), Message::user(request.to_string())],
    )
    .description("A job position with weighted competencies")
    .temperature(0.3)
    .max_completion_tokens(MAX_COMPLETION_TOKENS)
    .timeout(ATTEMPT_TIMEOUT);

    match openai.send_structured(structured).await {
        Ok(answer) => match to_draft(answer.value, brief, read) {
            Some(draft) => Outcome::Draft {
                draft,
                model: answer.model,
            },
            None => Outcome::Fallback("openai_invalid_output"),
        },
        Err(err) => {
            shared::log::error(&format!("[generate-position] openai: {err}"));
            match err {
                OpenAiError::Refused(_) => Outcome::Refused(ApiError::unprocessable(
                    "ai_refused",
                    "The AI model declined to write this position; rephrase the title or notes",
                )),
                OpenAiError::Common(VendorFailure::RateLimited { .. }) => {
                    Outcome::Fallback("openai_rate_limited")
                }
                OpenAiError::Truncated => Outcome::Fallback("openai_truncated"),
                OpenAiError::InvalidJson(_)
                | OpenAiError::SchemaMismatch(_)
                | OpenAiError::Common(VendorFailure::UnexpectedBody(_)) => {
                    Outcome::Fallback("openai_invalid_output")
                }
                OpenAiError::Common(VendorFailure::Unauthorized { .. }) => {
                    Outcome::Fallback("openai_key_rejected")
                }
                OpenAiError::QuotaExceeded { .. } => Outcome::Fallback("openai_quota_exceeded"),
                OpenAiError::Common(
                    VendorFailure::Server { .. }
                    | VendorFailure::Http { .. }
                    | VendorFailure::Transport(_)
                    | VendorFailure::BadRequest { .. },
                )
                | OpenAiError::InvalidRequest(_) => Outcome::Fallback("openai_unavailable"),
            }
        }
    }
}

/// The model's answer as a draft: the same limits as the template's, the recruiter's
/// hints added if the model left any out. `None` when it is not usable (fewer than
/// three competencies, no description).
pub fn to_draft(ai: AiPosition, brief: &Brief, read: &Classification) -> Option<Draft> {
    let description = clean_text(&ai.description, positions::generate::MAX_DESCRIPTION_CHARS);
    if description.is_empty() {
        return None;
    }
    let mut proposed: Vec<Proposed> = ai
        .competencies
        .into_iter()
        .map(|c| Proposed {
            name: c.name,
            description: c.description,
            category: c.category.into(),
            weight: c.weight,
            required_level: c.required_level,
        })
        .collect();
    let average = if proposed.is_empty() {
        1.0
    } else {
        proposed.iter().map(|p| p.weight.max(0.0)).sum::<f64>() / proposed.len() as f64
    };
    for hint in &brief.competency_hints {
        if !proposed
            .iter()
            .any(|p| p.name.trim().eq_ignore_ascii_case(hint))
        {
            proposed.push(Proposed {
                name: hint.clone(),
                description: format!(
                    "Hands-on skill with {hint}, as this role uses it day to day."
                ),
                category: Category::Technical,
                weight: average,
                required_level: i64::from(read.seniority.craft_level()),
            });
        }
    }
    let competencies = normalize(proposed).ok()?;
    Some(Draft {
        title: brief.title.clone(),
        seniority: read.seniority,
        role_family: read.family.id.to_owned(),
        department: brief
            .department
            .clone()
            .or_else(|| Some(read.family.department.to_owned()).filter(|d| !d.is_empty())),
        description,
        responsibilities: list(ai.responsibilities.into_iter()),
        requirements: list(ai.requirements.into_iter()),
        nice_to_have: list(ai.nice_to_have.into_iter()),
        competencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_strict_mode_compatible() {
        let schema = shared::clients::openai::strict_schema::<AiPosition>().unwrap();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for field in [
            "description",
            "responsibilities",
            "requirements",
            "nice_to_have",
            "competencies",
        ] {
            assert!(required.contains(&field), "{field} is required");
        }
        let text = schema.to_string();
        for category in ["technical", "domain", "behavioral", "leadership"] {
            assert!(
                text.contains(category),
                "category {category} is in the enum"
            );
        }
    }

    fn brief(hints: &[&str]) -> (Brief, Classification) {
        let brief = Brief {
            title: "Senior Backend Engineer".into(),
            competency_hints: hints.iter().map(|h| h.to_string()).collect(),
            ..Brief::default()
        };
        let read = positions::classify(&brief);
        (brief, read)
    }

    fn competency(name: &str, weight: f64, level: i64) -> AiCompetency {
        AiCompetency {
            name: name.into(),
            description: format!("{name}."),
            category: AiCategory::Technical,
            weight,
            required_level: level,
        }
    }

    #[test]
    fn the_answer_is_normalised_and_hints_are_kept() {
        let (brief, read) = brief(&["Kafka"]);
        let ai = AiPosition {
            description: "  Build  things. ".into(),
            responsibilities: vec!["Ship".into(), "ship".into(), "".into()],
            requirements: vec!["Go".into()],
            nice_to_have: vec![],
            competencies: vec![
                competency("Go", 10.0, 7),
                competency("go", 2.0, 3),
                competency("System design", 8.0, 4),
                competency("Communication", 5.0, 0),
            ],
        };
        let draft = to_draft(ai, &brief, &read).unwrap();
        assert_eq!(draft.description, "Build things.");
        assert_eq!(draft.responsibilities, vec!["Ship"]);
        let names: Vec<_> = draft.competencies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["Go", "System design", "Kafka", "Communication"]);
        assert_eq!(draft.competencies[0].required_level, 5);
        assert_eq!(draft.competencies[3].required_level, 1);
        let total: f64 = draft.competencies.iter().map(|c| c.weight).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(draft.seniority, positions::Seniority::Senior);
    }

    #[test]
    fn too_little_is_not_a_draft() {
        let (brief, read) = brief(&[]);
        let ai = |description: &str, n: usize| AiPosition {
            description: description.into(),
            responsibilities: vec![],
            requirements: vec![],
            nice_to_have: vec![],
            competencies: (0..n)
                .map(|i| competency(&format!("C{i}"), 1.0, 3))
                .collect(),
        };
        assert!(to_draft(ai("Fine.", 2), &brief, &read).is_none());
        assert!(to_draft(ai(" ", 5), &brief, &read).is_none());
        assert!(to_draft(ai("Fine.", 3), &brief, &read).is_some());
    }
}
