//! The request body and its validation: every refusal is a 400 naming the field, before
//! any query runs.

use serde::Deserialize;
use serde_json::json;
use shared::ApiError;
use uuid::Uuid;

use positions::Seniority;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_FIELD_CHARS: usize = 100;
pub const MAX_NOTES_CHARS: usize = 2000;
pub const MAX_HINTS: usize = 10;
pub const MAX_HINT_CHARS: usize = 100;
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// The body as sent. Absent and `null` are the same; strings are trimmed.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "GeneratePositionInput", optional_fields)
)]
pub struct Body {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub seniority: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub company_id: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub employment_type: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub competency_hints: Option<Vec<String>>,
    #[serde(default)]
    pub position_id: Option<String>,
    #[serde(default)]
    pub regenerate: Option<bool>,
}

/// What to do, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Input {
    /// `None` only when regenerating (the draft's own title is kept).
    pub title: Option<String>,
    pub seniority: Option<Seniority>,
    pub department: Option<String>,
    /// When regenerating, absent keeps the draft's company.
    pub company_id: Option<Uuid>,
    pub location: Option<String>,
    pub employment_type: Option<String>,
    pub notes: Option<String>,
    pub competency_hints: Option<Vec<String>>,
    /// Regenerate this draft.
    pub regenerate: Option<Uuid>,
}

fn invalid(code: &'static str, message: impl Into<String>, field: &str) -> ApiError {
    ApiError::bad_request(code, message.into()).with_details(json!({ "field": field }))
}

/// Trimmed, `None` when blank, refused over `max` characters or with control characters.
fn text(
    value: Option<String>,
    field: &str,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(invalid(
            "invalid_field",
            format!("{field} must be at most {max} characters"),
            field,
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
    {
        return Err(invalid(
            "invalid_field",
            format!("{field} contains control characters"),
            field,
        ));
    }
    Ok(Some(value))
}

fn uuid(value: Option<String>, code: &'static str, field: &str) -> Result<Option<Uuid>, ApiError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Uuid::parse_str(v)
            .map(Some)
            .map_err(|_| invalid(code, format!("{field} must be a uuid"), field)),
    }
}

impl Body {
    pub fn validate(self) -> Result<Input, ApiError> {
        let regenerate = match (
            self.regenerate,
            uuid(self.position_id, "invalid_position_id", "position_id")?,
        ) {
            (Some(true), Some(id)) => Some(id),
            (Some(true), None) => {
                return Err(invalid(
                    "invalid_position_id",
                    "position_id is required to regenerate a position",
                    "position_id",
                ))
            }
            (_, Some(_)) => {
                return Err(invalid(
                    "regenerate_required",
                    "Send \"regenerate\": true with position_id to regenerate that draft",
                    "regenerate",
                ))
            }
            (_, None) => None,
        };

        let title = match self.title.as_deref().map(str::trim) {
            None | Some("") if regenerate.is_some() => None,
            None | Some("") => return Err(invalid("invalid_title", "title is required", "title")),
            Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
                return Err(invalid(
                    "invalid_title",
                    format!("title must be at most {MAX_TITLE_CHARS} characters"),
                    "title",
                ))
            }
            Some(t) if t.chars().any(char::is_control) => {
                return Err(invalid(
                    "invalid_title",
                    "title contains control characters",
                    "title",
                ))
            }
            Some(t) => Some(t.split_whitespace().collect::<Vec<_>>().join(" ")),
        };

        let seniority = match text(self.seniority, "seniority", MAX_FIELD_CHARS, false)? {
            None => None,
            Some(word) => Some(Seniority::parse(&word).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_seniority",
                    "seniority must be one of intern, junior, mid, senior, lead, staff, principal, manager, director",
                )
                .with_details(json!({
                    "field": "seniority",
                    "allowed": Seniority::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                }))
            })?),
        };

        let competency_hints = match self.competency_hints {
            None => None,
            Some(hints) => {
                if hints.len() > MAX_HINTS {
                    return Err(invalid(
                        "invalid_competency_hints",
                        format!("At most {MAX_HINTS} competency hints"),
                        "competency_hints",
                    ));
                }
                let mut cleaned: Vec<String> = Vec::new();
                for hint in hints {
                    let hint = text(Some(hint), "competency_hints", MAX_HINT_CHARS, false)
                        .map_err(|_| {
                            invalid(
                                "invalid_competency_hints",
                                format!(
                                    "Each competency hint must be 1 to {MAX_HINT_CHARS} characters"
                                ),
                                "competency_hints",
                            )
                        })?
                        .ok_or_else(|| {
                            invalid(
                                "invalid_competency_hints",
                                "A competency hint is blank",
                                "competency_hints",
                            )
                        })?;
                    if !cleaned.iter().any(|c| c.eq_ignore_ascii_case(&hint)) {
                        cleaned.push(hint);
                    }
                }
                Some(cleaned)
            }
        };

        Ok(Input {
            title,
            seniority,
            department: text(self.department, "department", MAX_FIELD_CHARS, false)?,
            company_id: uuid(self.company_id, "invalid_company_id", "company_id")?,
            location: text(self.location, "location", MAX_FIELD_CHARS, false)?,
            employment_type: text(
                self.employment_type,
                "employment_type",
                MAX_FIELD_CHARS,
                false,
            )?,
            notes: text(self.notes, "notes", MAX_NOTES_CHARS, true)?,
            competency_hints,
            regenerate,
        })
    }
}

/// The `Idempotency-Key` header: a retry of the same request with the same key gets the
/// position the first one created. Printable ASCII, at most 200 characters.
pub fn idempotency_key(header: Option<&str>) -> Result<Option<String>, ApiError> {
    match header.map(str::trim) {
        None | Some("") => Ok(None),
        Some(key)
            if key.len() <= MAX_IDEMPOTENCY_KEY_CHARS
                && key.bytes().all(|b| (0x21..0x7f).contains(&b)) =>
        {
            Ok(Some(key.to_owned()))
        }
        Some(_) => Err(invalid(
            "invalid_idempotency_key",
            format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable characters"
            ),
            "Idempotency-Key",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: serde_json::Value) -> Result<Input, ApiError> {
        serde_json::from_value::<Body>(v)
            .map_err(|e| ApiError::bad_request("x", e.to_string()))?
            .validate()
    }

    fn code(r: Result<Input, ApiError>) -> String {
        r.err().map(|e| e.code().to_owned()).unwrap_or_default()
    }

    #[test]
    fn a_title_is_required_and_bounded() {
        assert_eq!(code(body(json!({}))), "invalid_title");
        assert_eq!(code(body(json!({ "title": "   " }))), "invalid_title");
        assert_eq!(
            code(body(json!({ "title": "x".repeat(201) }))),
            "invalid_title"
        );
        assert_eq!(
            code(body(json!({ "title": "x".repeat(10 * 1024) }))),
            "invalid_title"
        );
        assert_eq!(
            code(body(json!({ "title": "Bad\u{0000}title" }))),
            "invalid_title"
        );
        let ok = body(json!({ "title": "  Senior   Backend Engineer " }))
            .ok()
            .unwrap_or_default();
        assert_eq!(ok.title.as_deref(), Some("Senior Backend Engineer"));
        assert!(
            body(json!({ "title": "é".repeat(200) })).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn fields_are_checked() {
        assert_eq!(
            code(body(json!({ "title": "T", "seniority": "ninja" }))),
            "invalid_seniority"
        );
        assert_eq!(
            body(json!({ "title": "T", "seniority": "Sr." }))
                .ok()
                .and_then(|i| i.seniority),
            Some(Seniority::Senior)
        );
        assert_eq!(
            code(body(json!({ "title": "T", "company_id": "acme" }))),
            "invalid_company_id"
        );
        assert_eq!(
            code(body(json!({ "title": "T", "location": "x".repeat(101) }))),
            "invalid_field"
        );
        assert_eq!(
            code(body(json!({ "title": "T", "notes": "x".repeat(2001) }))),
            "invalid_field"
        );
        assert!(body(json!({ "title": "T", "notes": "line one\nline two" })).is_ok());
        assert_eq!(
            code(body(
                json!({ "title": "T", "competency_hints": vec!["a"; 11] })
            )),
            "invalid_competency_hints"
        );
        assert_eq!(
            code(body(json!({ "title": "T", "competency_hints": [""] }))),
            "invalid_competency_hints"
        );
        assert_eq!(
            body(json!({ "title": "T", "competency_hints": ["Rust", "rust", " Go "] }))
                .ok()
                .and_then(|i| i.competency_hints),
            Some(vec!["Rust".to_owned(), "Go".to_owned()])
        );
    }

    #[test]
    fn regenerating_is_explicit() {
        let id = "a2000000-0000-4000-8000-000000000002";
        assert_eq!(
            code(body(json!({ "position_id": id }))),
            "regenerate_required"
        );
        assert_eq!(
            code(body(json!({ "regenerate": true }))),
            "invalid_position_id"
        );
        assert_eq!(
            code(body(json!({ "regenerate": true, "position_id": "x" }))),
            "invalid_position_id"
        );
        let input = body(json!({ "regenerate": true, "position_id": id }))
            .ok()
            .unwrap_or_default();
        assert_eq!(input.regenerate.map(|u| u.to_string()).as_deref(), Some(id));
        assert_eq!(input.title, None, "the draft's title is kept");
    }

    #[test]
    fn idempotency_keys() {
        assert_eq!(idempotency_key(None).ok(), Some(None));
        assert_eq!(
            idempotency_key(Some(" k-1 ")).ok(),
            Some(Some("k-1".to_owned()))
        );
        assert!(idempotency_key(Some(&"k".repeat(201))).is_err());
        assert!(idempotency_key(Some("has space")).is_err());
    }
}
