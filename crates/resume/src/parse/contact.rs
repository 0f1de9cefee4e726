//! Step 3: the name from the top lines; email, phone, links and location by pattern,
//! header first.

use std::sync::OnceLock;

use regex_lite::Regex;

use crate::validate;

use super::education::{degree_of, institution_like};
use super::lines::Line;
use super::sections::heading;
use super::{dates, fold};

fn re(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

pub(super) fn email_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &RE,
        r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}",
    )
}

fn phone_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    re(&RE, r"(?:\+|00)?\(?[0-9][0-9 .()/\-]{5,}[0-9]")
}

fn link_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &RE,
        r"(?i)(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.[a-z]{2,12}(?:/[^\s,;|()<>]*)?",
    )
}

const LINK_TLDS: &[&str] = &[
    "com", "org", "net", "io", "dev", "me", "co", "ai", "app", "design", "tech", "info", "eu",
    "de", "fr", "uk", "pl", "it", "es", "nl", "ch", "at", "se", "dk", "no", "fi", "be", "pt", "in",
    "jp", "ca", "au", "us", "xyz", "page", "site", "website", "blog", "codes", "works", "studio",
    "digital", "cloud", "sh", "so", "gg", "ly", "to", "space", "online", "pro", "tv",
];

const PROFILE_HOSTS: &[&str] = &[
    "linkedin.com",
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "stackoverflow.com",
    "behance.net",
    "dribbble.com",
    "medium.com",
    "twitter.com",
    "x.com",
    "kaggle.com",
    "scholar.google.com",
    "researchgate.net",
    "orcid.org",
    "xing.com",
    "codepen.io",
    "huggingface.co",
];

fn host_of(link: &str) -> String {
    let l = link.to_lowercase();
    let l = l
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    l.split('/').next().unwrap_or("").to_string()
}

pub(super) fn find_links(text: &str, header: bool, out: &mut Vec<String>) {
    let Some(re) = link_re() else { return };
    for m in re.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        if before.is_some_and(|c| c == '@' || c.is_alphanumeric() || c == '.') {
            continue;
        }
        let after = text[m.end()..].chars().next();
        if after == Some('@') {
            continue;
        }
        let link = m.as_str().trim_end_matches(['.', ',', ')', ';', ':']);
        let host = host_of(link);
        let tld = host.rsplit('.').next().unwrap_or("");
        let scheme = link.starts_with("http://") || link.starts_with("https://");
        let profile = PROFILE_HOSTS
            .iter()
            .any(|p| host == *p || host.ends_with(&format!(".{p}")));
        if !LINK_TLDS.contains(&tld) && !scheme {
            continue;
        }
        // Bare domains outside the header are more often product names than links.
        if !(scheme || profile || header) {
            continue;
        }
        if !out
            .iter()
            .any(|l| validate::normalize_link(l) == validate::normalize_link(link))
        {
            out.push(link.to_string());
        }
    }
}

pub(super) fn find_phone(text: &str) -> Option<String> {
    let re = phone_re()?;
    for m in re.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        if before
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '=' | '/' | '.' | '@' | '-' | '_'))
        {
            continue;
        }
        let cand = m.as_str().trim();
        let digits = cand.chars().filter(char::is_ascii_digit).count();
        if !(7..=15).contains(&digits) {
            continue;
        }
        let found = dates::find(cand);
        if found
            .iter()
            .any(|f| f.end.is_some() || matches!(f.start, dates::DateVal::Ym(..)))
        {
            continue;
        }
        // Plain numbers with decimals or thousands separators are not phones.
        if !cand.contains(' ')
            && !cand.contains('-')
            && !cand.contains('(')
            && !cand.starts_with('+')
            && cand.contains('.')
            && cand.matches('.').count() < 2
        {
            continue;
        }
        return Some(cand.to_string());
    }
    None
}

/// Pieces of a header line: `a | b · c`, tabs, wide gaps.
fn pieces(line: &str) -> Vec<String> {
    let mut s = line.to_string();
    for sep in [
        " | ", "|", " · ", "·", " • ", "•", "\t", "   ", " ◦ ", " – ", " — ", " ⋅ ", " / ",
    ] {
        s = s.replace(sep, "\u{1}");
    }
    s.split('\u{1}')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "bin", "al",
    "y", "dos", "das", "ten", "ter", "zu",
];

const NOT_NAME_WORDS: &[&str] = &[
    "resume",
    "résumé",
    "curriculum",
    "vitae",
    "cv",
    "lebenslauf",
    "engineer",
    "developer",
    "manager",
    "designer",
    "analyst",
    "scientist",
    "consultant",
    "page",
    "contact",
    "university",
    "street",
    "road",
];

fn is_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) || s.chars().count() > 50 {
        return false;
    }
    if s.chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '@' | '/' | ':' | ',' | '|' | '(' | ')' | '+'))
    {
        return false;
    }
    if heading(s).is_some() {
        return false;
    }
    words.iter().all(|w| {
        let lower = w.to_lowercase();
        if NOT_NAME_WORDS.contains(&lower.as_str()) {
            return false;
        }
        if PARTICLES.contains(&lower.as_str()) {
            return true;
        }
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
    })
}

/// `JOHN O'NEIL-SMITH` → `John O'Neil-Smith`; names already in mixed case stay as written.
fn name_case(s: &str) -> String {
    if s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    let mut out = String::new();
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

pub(super) fn split_name(full: &str) -> (Option<String>, Option<String>) {
    let words: Vec<&str> = full.split_whitespace().collect();
    if words.len() < 2 {
        return (None, words.first().map(|w| w.to_string()));
    }
    let particle = words
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, w)| PARTICLES.contains(&w.to_lowercase().as_str()))
        .map(|(i, _)| i);
    let cut = particle.unwrap_or(words.len() - 1);
    (Some(words[..cut].join(" ")), Some(words[cut..].join(" ")))
}

pub(super) fn find_name(lines: &[Line]) -> Option<String> {
    for line in lines.iter().filter(|l| !l.bullet).take(8) {
        if heading(&line.text).is_some() {
            continue;
        }
        for piece in pieces(&line.text).into_iter().take(2) {
            if is_name(&piece) {
                return Some(name_case(&piece));
            }
        }
    }
    None
}

pub(super) fn is_location(s: &str, name: Option<&str>) -> bool {
    if name.is_some_and(|n| n == s)
        || s.chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '@' | '/' | ':' | '('))
    {
        return false;
    }
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if !(2..=3).contains(&parts.len()) {
        return false;
    }
    parts.iter().all(|p| {
        let n = p.split_whitespace().count();
        (1..=3).contains(&n)
            && p.chars().next().is_some_and(char::is_uppercase)
            && p.chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\''))
    }) && !institution_like(s)
        && degree_of(s).is_none()
}

pub(super) fn find_location(lines: &[&Line], name: Option<&str>) -> Option<String> {
    for line in lines {
        let folded = fold(&line.text);
        for label in [
            "location:",
            "address:",
            "based in",
            "wohnort:",
            "adresse:",
            "ville:",
        ] {
            if let Some(pos) = folded.find(label) {
                if pos == 0 {
                    let rest = line
                        .text
                        .split_once(':')
                        .map(|(_, r)| r)
                        .unwrap_or("")
                        .trim();
                    if !rest.is_empty() {
                        return Some(rest.to_string());
                    }
                }
            }
        }
        for piece in pieces(&line.text) {
            if is_location(&piece, name) {
                return Some(piece);
            }
            // `… +45 20 12 34 56 Aarhus, Denmark`: separators lost, take the capitalised
            // words around the comma.
            if let Some((left, right)) = piece.split_once(", ") {
                let capital = |w: &&str| {
                    w.chars().next().is_some_and(char::is_uppercase)
                        && w.chars()
                            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
                };
                let before: Vec<&str> = left
                    .split_whitespace()
                    .rev()
                    .take_while(capital)
                    .take(3)
                    .collect();
                let after: Vec<&str> = right
                    .split_whitespace()
                    .take_while(capital)
                    .take(3)
                    .collect();
                if !before.is_empty() && !after.is_empty() {
                    let cand = format!(
                        "{}, {}",
                        before.into_iter().rev().collect::<Vec<_>>().join(" "),
                        after.join(" ")
                    );
                    if is_location(&cand, name) {
                        return Some(cand);
                    }
                }
            }
        }
    }
    None
}
