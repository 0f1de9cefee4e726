//! Step 4, experience: entries anchored on their date ranges; title and company told
//! apart by keywords.

use crate::model::Experience;

use super::contact::is_location;
use super::lines::Line;
use super::{dates, fold};

const TITLE_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "manager",
    "analyst",
    "designer",
    "scientist",
    "director",
    "lead",
    "head",
    "intern",
    "consultant",
    "specialist",
    "administrator",
    "architect",
    "officer",
    "coordinator",
    "assistant",
    "associate",
    "tester",
    "fellow",
    "researcher",
    "programmer",
    "technician",
    "owner",
    "founder",
    "cto",
    "ceo",
    "vp",
    "president",
    "principal",
    "staff",
    "senior",
    "junior",
    "trainee",
    "apprentice",
    "teacher",
    "nurse",
    "accountant",
    "editor",
    "writer",
    "recruiter",
    "qa",
    "sre",
    "devops",
    "entwickler",
    "leiter",
    "berater",
    "ingenieur",
    "softwareentwickler",
    "responsable",
    "chargee",
    "charge",
    "chef",
    "ingenieur",
    "developpeur",
    "stagiaire",
    "desarrollador",
    "jefe",
    "gerente",
    "sviluppatore",
    "product",
    "marketing",
    "sales",
    "support",
    "representative",
    "executive",
    "advisor",
];

const COMPANY_WORDS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "corp",
    "corporation",
    "company",
    "co",
    "group",
    "labs",
    "lab",
    "systems",
    "technologies",
    "technology",
    "solutions",
    "bank",
    "university",
    "institute",
    "hospital",
    "health",
    "analytics",
    "software",
    "games",
    "studio",
    "studios",
    "agency",
    "partners",
    "consulting",
    "services",
    "logistik",
    "logistics",
    "insurance",
    "payments",
    "energy",
    "energi",
    "editions",
    "automation",
    "sensors",
    "digital",
    "media",
    "foundation",
    "kommune",
    "maison",
    "freight",
    "rail",
    "soft",
    "ai",
];

fn word_score(piece: &str, words: &[&str]) -> usize {
    fold(piece)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| words.contains(w))
        .count()
}

fn split_title_company(parts: &[String]) -> (Option<String>, Option<String>) {
    let parts: Vec<&String> = parts
        .iter()
        .filter(|p| {
            !is_location(p, None) && !matches!(fold(p).as_str(), "remote" | "hybrid" | "on-site")
        })
        .collect();
    match parts.as_slice() {
        [] => (None, None),
        [only] => {
            if word_score(only, COMPANY_WORDS) > word_score(only, TITLE_WORDS) {
                (None, Some(only.to_string()))
            } else {
                (Some(only.to_string()), None)
            }
        }
        _ => {
            let mut best = (i64::MIN, 0, 1);
            for i in 0..parts.len() {
                for j in 0..parts.len() {
                    if i == j {
                        continue;
                    }
                    let score = word_score(parts[i], TITLE_WORDS) as i64
                        - word_score(parts[i], COMPANY_WORDS) as i64
                        + word_score(parts[j], COMPANY_WORDS) as i64
                        - word_score(parts[j], TITLE_WORDS) as i64;
                    // Ties keep the usual order: title first, company second.
                    let order_bonus = if i < j { 1 } else { 0 };
                    let s = score * 2 + order_bonus;
                    if s > best.0 {
                        best = (s, i, j);
                    }
                }
            }
            (
                Some(parts[best.1].to_string()),
                Some(parts[best.2].to_string()),
            )
        }
    }
}

pub(super) fn header_like(l: &Line) -> bool {
    !l.bullet
        && l.text.split_whitespace().count() <= 10
        && l.text.chars().count() <= 90
        && !l.text.trim_end().ends_with('.')
        && dates::first_range(&l.text).is_none()
}

/// Splits an entry header into its parts: `Title · Company`, `Title, Company`,
/// `Title at Company`, `Company | Title`.
pub(super) fn header_parts(text: &str) -> Vec<String> {
    let mut s = text.to_string();
    for sep in [
        " · ", " | ", " — ", " – ", " - ", "\t", " @ ", " at ", " bei ", " chez ", "·", "|",
    ] {
        s = s.replace(sep, "\u{1}");
    }
    let mut parts: Vec<String> = s
        .split('\u{1}')
        .map(|p| {
            p.trim()
                .trim_matches(|c: char| matches!(c, ',' | '-' | '–' | '(' | ')'))
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 1 {
        if let Some(only) = parts.first().cloned() {
            if only.matches(", ").count() == 1 {
                parts = only.split(", ").map(str::to_string).collect();
            }
        }
    }
    parts
}

pub(super) fn remove_span(text: &str, span: (usize, usize)) -> String {
    let mut s = String::new();
    s.push_str(&text[..span.0]);
    s.push(' ');
    s.push_str(&text[span.1..]);
    let s = s.trim().trim_matches(|c: char| {
        matches!(c, ',' | '|' | '-' | '–' | '—' | '·' | '(' | ')') || c.is_whitespace()
    });
    let s = s.trim_end_matches(" from").trim_end_matches(" since");
    s.trim().to_string()
}

pub(super) fn parse_experience(lines: &[Line]) -> Vec<Experience> {
    // Entry anchors: short, non-bullet lines that carry a date range.
    let anchors: Vec<(usize, dates::Found)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            !l.bullet
                && l.text.split_whitespace().count() <= 16
                && !l.text.trim_end().ends_with('.')
        })
        .filter_map(|(i, l)| {
            dates::first_range(&l.text)
                .filter(|f| f.end.is_some() || l.text.contains('\t'))
                .map(|f| (i, f))
        })
        .collect();
    let mut headers: Vec<(usize, usize)> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for (n, (i, found)) in anchors.iter().enumerate() {
        let head_empty = remove_span(&lines[*i].text, found.span).is_empty();
        let next_anchor = anchors.get(n + 1).map(|(k, _)| *k).unwrap_or(lines.len());
        let mut start = *i;
        let mut end = *i;
        let want_after = if head_empty { 2 } else { 1 };
        while end + 1 < next_anchor && end + 1 - i <= want_after {
            let Some(l) = lines.get(end + 1) else { break };
            if !header_like(l) || l.blank_before {
                break;
            }
            end += 1;
        }
        let floor = prev_end.map(|p| p + 1).unwrap_or(0);
        let want_before = if head_empty && end == *i {
            2
        } else if end == *i {
            1
        } else {
            0
        };
        while start > floor && *i - start < want_before {
            let Some(l) = lines.get(start - 1) else { break };
            if !header_like(l) || lines[start].blank_before && start != *i {
                break;
            }
            start -= 1;
        }
        headers.push((start, end));
        prev_end = Some(end);
    }
    let mut out = Vec::new();
    for (n, ((i, found), (start, end))) in anchors.iter().zip(&headers).enumerate() {
        let mut parts = Vec::new();
        for (k, line) in lines.iter().enumerate().take(end + 1).skip(*start) {
            let text = if k == *i {
                remove_span(&line.text, found.span)
            } else {
                line.text.clone()
            };
            parts.extend(header_parts(&text));
        }
        let (title, company) = split_title_company(&parts);
        let desc_end = headers.get(n + 1).map(|(s, _)| *s).unwrap_or(lines.len());
        let description: Vec<&str> = lines
            .get(end + 1..desc_end)
            .unwrap_or(&[])
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        out.push(Experience {
            title,
            company,
            start: Some(found.start.render()),
            end: found.end.map(dates::DateVal::render),
            description: (!description.is_empty()).then(|| description.join(" ")),
        });
    }
    out
}
