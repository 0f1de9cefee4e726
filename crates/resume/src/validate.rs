//! Normalising and validating a [`Resume`], whichever analyzer produced it. The parser runs
//! `normalize` on its own output; the OpenAI path runs `normalize` then `validate` on the
//! model's JSON before storing it.

use crate::model::{Education, Experience, Resume};
use crate::parse::skills;

/// One problem found by [`validate`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// Dotted path of the field: `email`, `experience[2].start`.
    pub field: String,
    pub message: &'static str,
}

fn clean(s: Option<String>) -> Option<String> {
    let s = s?;
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = joined
        .trim_matches(|c: char| matches!(c, ',' | ';' | '|' | '·' | '•'))
        .trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Syntax check for an email address: one `@`, a dotted domain with a 2+ letter TLD, no
/// spaces. Deliverability is not ours to judge.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c))
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// `www.LinkedIn.com/in/x/` → `https://linkedin.com/in/x`: one spelling per profile, so
/// links compare and de-duplicate.
pub fn normalize_link(s: &str) -> String {
    let t = s.trim().trim_end_matches('/');
    let (scheme, rest) = match t.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_string(), t),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("{scheme}://{host}{path}")
}

/// `"YYYY-MM"`, `"YYYY"` or `"present"`.
pub fn is_normalized_date(s: &str) -> bool {
    if s == "present" {
        return true;
    }
    let b = s.as_bytes();
    let year_ok = |y: &[u8]| y.len() == 4 && y.iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => year_ok(b),
        7 => {
            year_ok(&b[..4])
                && b[4] == b'-'
                && std::str::from_utf8(&b[5..])
                    .ok()
                    .and_then(|m| m.parse::<u8>().ok())
                    .is_some_and(|m| (1..=12).contains(&m))
        }
        _ => false,
    }
}

/// Dates written any way the parser reads (`Jan 2020`, `03/2018`, `now`) → normalised form;
/// unreadable ones are dropped rather than kept in a second format.
fn normalize_date(s: Option<String>) -> Option<String> {
    let s = clean(s)?;
    if is_normalized_date(&s) {
        return Some(s);
    }
    if s.eq_ignore_ascii_case("present")
        || s.eq_ignore_ascii_case("current")
        || s.eq_ignore_ascii_case("now")
    {
        return Some("present".to_string());
    }
    crate::parse::normalize_date_text(&s)
}

/// Trims every field, turns empty strings into `None`, lowercases the email, canonicalises
/// links and known skills, drops duplicate skills, links and empty entries.
pub fn normalize(r: Resume) -> Resume {
    let mut skills: Vec<String> = Vec::new();
    for s in r.skills {
        let Some(s) = clean(Some(s)) else { continue };
        let name = skills::canonical(&s).map(str::to_string).unwrap_or(s);
        if !skills.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
            skills.push(name);
        }
    }
    let mut links: Vec<String> = Vec::new();
    for l in r.links {
        let Some(l) = clean(Some(l)) else { continue };
        let n = normalize_link(&l);
        if !links.contains(&n) {
            links.push(n);
        }
    }
    let experience = r
        .experience
        .into_iter()
        .map(|e| Experience {
            title: clean(e.title),
            company: clean(e.company),
            start: normalize_date(e.start),
            end: normalize_date(e.end),
            description: clean(e.description),
        })
        .filter(|e| e.title.is_some() || e.company.is_some())
        .collect();
    let education = r
        .education
        .into_iter()
        .map(|e| Education {
            institution: clean(e.institution),
            degree: clean(e.degree),
            field: clean(e.field),
            year: e.year.filter(|y| (1900..=2100).contains(y)),
        })
        .filter(|e| e.institution.is_some() || e.degree.is_some())
        .collect();
    let full_name = clean(r.full_name);
    Resume {
        first_name: clean(r.first_name),
        last_name: clean(r.last_name),
        full_name,
        email: clean(r.email).map(|e| e.to_lowercase()),
        phone: clean(r.phone),
        location: clean(r.location),
        links,
        summary: clean(r.summary),
        skills,
        experience,
        education,
    }
}

/// Problems that make a resume unfit to store as is. Run after [`normalize`].
pub fn validate(r: &Resume) -> Result<(), Vec<Issue>> {
    let mut issues = Vec::new();
    let mut issue = |field: String, message: &'static str| issues.push(Issue { field, message });
    if let Some(e) = &r.email {
        if !is_valid_email(e) {
            issue("email".into(), "not a valid email address");
        }
    }
    if let Some(p) = &r.phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if !(7..=15).contains(&digits) {
            issue("phone".into(), "a phone number has 7 to 15 digits");
        }
    }
    for (i, l) in r.links.iter().enumerate() {
        if !(l.starts_with("https://") || l.starts_with("http://"))
            || !l.contains('.')
            || l.contains(char::is_whitespace)
        {
            issue(format!("links[{i}]"), "not a web address");
        }
    }
    for (i, e) in r.experience.iter().enumerate() {
        for (name, d) in [("start", &e.start), ("end", &e.end)] {
            if d.as_deref().is_some_and(|d| !is_normalized_date(d)) {
                issue(
                    format!("experience[{i}].{name}"),
                    "dates are YYYY-MM, YYYY or present",
                );
            }
        }
        if let (Some(s), Some(end)) = (&e.start, &e.end) {
            if s == "present" || (end != "present" && end.as_str() < s.as_str()) {
                issue(format!("experience[{i}]"), "the end is before the start");
            }
        }
    }
    for (i, e) in r.education.iter().enumerate() {
        if e.year.is_some_and(|y| !(1900..=2100).contains(&y)) {
            issue(format!("education[{i}].year"), "not a plausible year");
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_valid_email("jose.mueller@posteo.de"));
        assert!(is_valid_email("a+tag@sub.example.co.uk"));
        assert!(!is_valid_email("no-at.example.com"));
        assert!(!is_valid_email("a@b"));
        assert!(!is_valid_email("a b@example.com"));
        assert!(!is_valid_email("a@-x.com"));
    }

    #[test]
    fn links_canonical() {
        assert_eq!(
            normalize_link("www.LinkedIn.com/in/x/"),
            "https://linkedin.com/in/x"
        );
        assert_eq!(
            normalize_link("http://github.com/Me"),
            "http://github.com/Me"
        );
    }

    #[test]
    fn normalize_trims_dedupes_and_canonicalises() {
        let r = Resume {
            full_name: Some("  Zoë   Kowalczyk ".into()),
            email: Some(" Zoe@Example.COM".into()),
            phone: Some("".into()),
            skills: vec![
                "postgres".into(),
                "PostgreSQL".into(),
                " Rust ".into(),
                "Basket weaving".into(),
            ],
            links: vec!["github.com/zoe".into(), "https://github.com/zoe/".into()],
            experience: vec![
                Experience {
                    title: Some("Dev".into()),
                    start: Some("Jan 2020".into()),
                    end: Some("now".into()),
                    ..Default::default()
                },
                Experience::default(),
            ],
            ..Resume::default()
        };
        let n = normalize(r);
        assert_eq!(n.full_name.as_deref(), Some("Zoë Kowalczyk"));
        assert_eq!(n.email.as_deref(), Some("zoe@example.com"));
        assert_eq!(n.phone, None);
        assert_eq!(n.skills, vec!["PostgreSQL", "Rust", "Basket weaving"]);
        assert_eq!(n.links, vec!["https://github.com/zoe"]);
        assert_eq!(n.experience.len(), 1);
        assert_eq!(n.experience[0].start.as_deref(), Some("2020-01"));
        assert_eq!(n.experience[0].end.as_deref(), Some("present"));
        assert!(validate(&n).is_ok());
    }

    #[test]
    fn validate_reports_each_problem() {
        let r = Resume {
            email: Some("nope".into()),
            experience: vec![Experience {
                title: Some("x".into()),
                start: Some("2021".into()),
                end: Some("2019".into()),
                ..Default::default()
            }],
            ..Resume::default()
        };
        let issues = validate(&r).unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, vec!["email", "experience[0]"]);
    }
}
