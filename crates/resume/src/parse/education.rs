//! Step 4, education: entries anchored on institution and degree lines.

use crate::model::Education;

use super::experience::{header_like, header_parts, remove_span};
use super::lines::Line;
use super::{dates, fold};

const INSTITUTION_WORDS: &[&str] = &[
    "university",
    "universitat",
    "universite",
    "universidad",
    "universita",
    "uniwersytet",
    "universiteit",
    "universidade",
    "college",
    "institute",
    "institut",
    "instituto",
    "istituto",
    "school",
    "polytechnic",
    "politecnico",
    "polytechnique",
    "academy",
    "akademie",
    "academia",
    "hochschule",
    "ecole",
    "iit",
    "conservatory",
    "gymnasium",
    "lycee",
    "fachhochschule",
    "sorbonne",
    "eth",
    "epfl",
    "mit",
];

pub(super) fn institution_like(s: &str) -> bool {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| INSTITUTION_WORDS.contains(&w))
}

/// Degree names as written, longest first per family; short all-caps forms match by case.
const DEGREES: &[&str] = &[
    "Bachelor of Science",
    "Bachelor of Arts",
    "Bachelor of Engineering",
    "Master of Science",
    "Master of Arts",
    "Master of Engineering",
    "Master of Business Administration",
    "Doctor of Philosophy",
    "High School Diploma",
    "Dipl.-Ing.",
    "Ph. D.",
    "Ph.D.",
    "PhD",
    "D.Phil.",
    "Dr.",
    "Doctorate",
    "M.Sc.",
    "MSc",
    "M.S.",
    "M.A.",
    "MBA",
    "M.Eng.",
    "MEng",
    "M.Ed.",
    "M.Tech",
    "LL.M.",
    "LLM",
    "Master's",
    "Masters",
    "Master",
    "B.Sc.",
    "BSc",
    "B.S.",
    "B.A.",
    "B.Eng.",
    "BEng",
    "B.E.",
    "B.Tech",
    "BTech",
    "B.Com",
    "BBA",
    "LL.B.",
    "LLB",
    "Bachelor's",
    "Bachelor",
    "Associate",
    "A.A.",
    "A.S.",
    "Diploma",
    "Diplom",
    "Abitur",
    "Licence",
    "Licenciatura",
    "Laurea",
    "Maîtrise",
    "Magister",
    "Staatsexamen",
    "MS",
    "MA",
    "BS",
    "BA",
    "BE",
];

/// The degree a piece of text starts with, and what follows it.
pub(super) fn degree_of(s: &str) -> Option<(String, String)> {
    let t = s.trim();
    for d in DEGREES {
        if let Some(rest) = t.strip_prefix(d) {
            let boundary = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
            if boundary {
                let rest = rest
                    .trim_start_matches([',', ':', '-', '–', ' ', '('])
                    .trim();
                let rest = rest
                    .strip_prefix("in ")
                    .or_else(|| rest.strip_prefix("of "))
                    .or_else(|| rest.strip_prefix("en "))
                    .or_else(|| rest.strip_prefix("im "))
                    .unwrap_or(rest);
                return Some((
                    d.to_string(),
                    rest.trim_end_matches([')', ',', '.']).trim().to_string(),
                ));
            }
        }
    }
    None
}

pub(super) fn parse_education(lines: &[Line]) -> Vec<Education> {
    let mut out: Vec<Education> = Vec::new();
    let mut cur = Education::default();
    let mut last_was_institution = false;
    let flush = |cur: &mut Education, out: &mut Vec<Education>| {
        if cur.institution.is_some() || cur.degree.is_some() {
            out.push(std::mem::take(cur));
        }
    };
    for line in lines {
        let mut text = line.text.clone();
        let mut year = None;
        if let Some(found) = dates::first_range(&text) {
            year = found
                .end
                .and_then(dates::DateVal::year)
                .or_else(|| found.end.is_none().then(|| found.start.year()).flatten());
            if found.end == Some(dates::DateVal::Present) {
                year = None;
            }
            text = remove_span(&text, found.span);
        }
        // A wrapped institution name: `AGH University of Science` / `and Technology`.
        if last_was_institution && text.chars().next().is_some_and(char::is_lowercase) {
            if let Some(inst) = cur.institution.as_mut() {
                inst.push(' ');
                inst.push_str(text.trim());
            }
            continue;
        }
        last_was_institution = false;
        let mut inst_piece = None;
        let mut degree_piece = None;
        let parts = if text.is_empty() {
            Vec::new()
        } else {
            header_parts(&text)
        };
        let whole_degree = degree_of(&text);
        if let Some(d) = whole_degree.clone().filter(|_| !institution_like(&text)) {
            degree_piece = Some(d);
        } else if institution_like(&text) && parts.iter().all(|p| degree_of(p).is_none()) {
            // `University of California, Berkeley`: the comma is part of the name.
            inst_piece = Some(text.clone());
        } else {
            for p in &parts {
                if inst_piece.is_none() && institution_like(p) {
                    inst_piece = Some(p.clone());
                } else if degree_piece.is_none() {
                    if let Some(d) = degree_of(p) {
                        degree_piece = Some(d);
                    }
                }
            }
            if inst_piece.is_none() && degree_piece.is_none() && institution_like(&text) {
                inst_piece = Some(text.clone());
            }
        }
        if let Some(inst) = inst_piece {
            if cur.institution.is_some() {
                flush(&mut cur, &mut out);
            }
            cur.institution = Some(inst);
            last_was_institution = true;
        }
        if let Some((deg, field)) = degree_piece {
            if cur.degree.is_some() {
                flush(&mut cur, &mut out);
            }
            cur.degree = Some(deg);
            cur.field = (!field.is_empty()).then_some(field);
        } else if cur.institution.is_none()
            && !text.is_empty()
            && header_like(line)
            && !line.bullet
            && year.is_none()
        {
            cur.institution = Some(text.clone());
            last_was_institution = true;
        }
        if year.is_some() && cur.year.is_none() {
            cur.year = year;
        }
    }
    flush(&mut cur, &mut out);
    out
}
