//! Resume text → [`Resume`], deterministically: the analyzer used when no LLM key is set.
//!
//! 1. Lines are cleaned (bullets noted, letter-spaced headings collapsed, rules dropped).
//! 2. Headings in several styles and languages split the text into sections; lines
//!    before the first heading are the header.
//! 3. Name from the top lines; email, phone, links and location by pattern, header first.
//! 4. Experience entries are anchored on their date ranges; title and company are told
//!    apart by keywords; education entries on institution and degree lines.
//! 5. Skills: the skills sections matched against the taxonomy in `data/skills.txt`.

mod dates;
pub mod skills;

use std::sync::OnceLock;

use regex_lite::Regex;

use crate::model::{Education, Experience, Resume};
use crate::validate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Header,
    Summary,
    Experience,
    Education,
    Skills,
    Projects,
    Certifications,
    Languages,
    Contact,
    Other,
}

#[derive(Clone, Debug)]
struct Line {
    text: String,
    bullet: bool,
    /// A blank line (a new block) came before this one.
    blank_before: bool,
}

/// Section headings, folded (lowercase, no diacritics, `&` → `and`).
const HEADINGS: &[(&str, Section)] = &[
    ("summary", Section::Summary),
    ("professional summary", Section::Summary),
    ("executive summary", Section::Summary),
    ("career summary", Section::Summary),
    ("profile", Section::Summary),
    ("professional profile", Section::Summary),
    ("personal profile", Section::Summary),
    ("about", Section::Summary),
    ("about me", Section::Summary),
    ("objective", Section::Summary),
    ("career objective", Section::Summary),
    ("profil", Section::Summary),
    ("kurzprofil", Section::Summary),
    ("uber mich", Section::Summary),
    ("zusammenfassung", Section::Summary),
    ("a propos", Section::Summary),
    ("a propos de moi", Section::Summary),
    ("perfil", Section::Summary),
    ("resumen", Section::Summary),
    ("sobre mi", Section::Summary),
    ("profilo", Section::Summary),
    ("experience", Section::Experience),
    ("work experience", Section::Experience),
    ("professional experience", Section::Experience),
    ("relevant experience", Section::Experience),
    ("work history", Section::Experience),
    ("employment", Section::Experience),
    ("employment history", Section::Experience),
    ("career history", Section::Experience),
    ("professional background", Section::Experience),
    ("experience and employment", Section::Experience),
    ("berufserfahrung", Section::Experience),
    ("berufliche erfahrung", Section::Experience),
    ("beruflicher werdegang", Section::Experience),
    ("werdegang", Section::Experience),
    ("berufspraxis", Section::Experience),
    ("erfahrung", Section::Experience),
    ("experience professionnelle", Section::Experience),
    ("experiences professionnelles", Section::Experience),
    ("experiences", Section::Experience),
    ("parcours professionnel", Section::Experience),
    ("experiencia", Section::Experience),
    ("experiencia laboral", Section::Experience),
    ("experiencia profesional", Section::Experience),
    ("esperienza", Section::Experience),
    ("esperienze professionali", Section::Experience),
    ("esperienza professionale", Section::Experience),
    ("education", Section::Education),
    ("education and training", Section::Education),
    ("academic background", Section::Education),
    ("academic qualifications", Section::Education),
    ("qualifications", Section::Education),
    ("ausbildung", Section::Education),
    ("bildung", Section::Education),
    ("bildungsweg", Section::Education),
    ("studium", Section::Education),
    ("formation", Section::Education),
    ("formations", Section::Education),
    ("etudes", Section::Education),
    ("educacion", Section::Education),
    ("formacion", Section::Education),
    ("formacion academica", Section::Education),
    ("istruzione", Section::Education),
    ("formazione", Section::Education),
    ("skills", Section::Skills),
    ("technical skills", Section::Skills),
    ("key skills", Section::Skills),
    ("core skills", Section::Skills),
    ("core competencies", Section::Skills),
    ("competencies", Section::Skills),
    ("skills and tools", Section::Skills),
    ("skills and technologies", Section::Skills),
    ("tools and technologies", Section::Skills),
    ("technologies", Section::Skills),
    ("tech stack", Section::Skills),
    ("expertise", Section::Skills),
    ("areas of expertise", Section::Skills),
    ("kenntnisse", Section::Skills),
    ("fahigkeiten", Section::Skills),
    ("kompetenzen", Section::Skills),
    ("fachkenntnisse", Section::Skills),
    ("it-kenntnisse", Section::Skills),
    ("competences", Section::Skills),
    ("competences techniques", Section::Skills),
    ("habilidades", Section::Skills),
    ("competencias", Section::Skills),
    ("aptitudes", Section::Skills),
    ("competenze", Section::Skills),
    ("projects", Section::Projects),
    ("personal projects", Section::Projects),
    ("side projects", Section::Projects),
    ("projekte", Section::Projects),
    ("projets", Section::Projects),
    ("proyectos", Section::Projects),
    ("certifications", Section::Certifications),
    ("certificates", Section::Certifications),
    ("licenses and certifications", Section::Certifications),
    ("courses", Section::Certifications),
    ("zertifikate", Section::Certifications),
    ("zertifizierungen", Section::Certifications),
    ("certificaciones", Section::Certifications),
    ("languages", Section::Languages),
    ("sprachen", Section::Languages),
    ("sprachkenntnisse", Section::Languages),
    ("langues", Section::Languages),
    ("idiomas", Section::Languages),
    ("lingue", Section::Languages),
    ("contact", Section::Contact),
    ("contact information", Section::Contact),
    ("contact details", Section::Contact),
    ("personal details", Section::Contact),
    ("personal information", Section::Contact),
    ("kontakt", Section::Contact),
    ("contacto", Section::Contact),
    ("contatti", Section::Contact),
    ("publications", Section::Other),
    ("awards", Section::Other),
    ("honors", Section::Other),
    ("honours", Section::Other),
    ("awards and honors", Section::Other),
    ("interests", Section::Other),
    ("hobbies", Section::Other),
    ("references", Section::Other),
    ("volunteering", Section::Other),
    ("volunteer experience", Section::Other),
    ("activities", Section::Other),
    ("interessen", Section::Other),
    ("hobbys", Section::Other),
    ("centres d'interet", Section::Other),
    ("centres d’interet", Section::Other),
    ("publikationen", Section::Other),
];

/// Lowercase, without diacritics, `&` as `and`, single spaces.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ů' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ś' | 'š' => out.push('s'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ł' => out.push('l'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            '&' => out.push_str("and"),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

fn heading(text: &str) -> Option<(Section, String)> {
    let trimmed = text.trim();
    if trimmed.contains('\t') || trimmed.is_empty() {
        return None;
    }
    let key = |s: &str| {
        let f = fold(s);
        f.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
    };
    let whole = key(trimmed);
    if whole.split(' ').count() <= 5 {
        if let Some((_, s)) = HEADINGS.iter().find(|(h, _)| *h == whole) {
            return Some((*s, String::new()));
        }
    }
    // `Skills: Python, Go` — a heading with its content on the same line.
    let (label, rest) = trimmed.split_once(':')?;
    let label = key(label);
    let rest = rest.trim();
    if rest.is_empty() || label.split(' ').count() > 3 {
        return None;
    }
    HEADINGS
        .iter()
        .find(|(h, _)| *h == label)
        .map(|(_, s)| (*s, rest.to_string()))
}

const BULLETS: &[char] = &[
    '•', '◦', '▪', '▫', '●', '○', '■', '□', '►', '▶', '➢', '✓', '✔', '*', '-', '–', '—', '·', '⋅',
    '−', '\u{F0B7}',
];

/// `E X P E R I E N C E` or `W O R K  H I S T O R Y` (words two spaces apart) → words.
fn collapse_letter_spacing(s: &str) -> String {
    let tokens: Vec<&str> = s.split(' ').collect();
    let letters = tokens.iter().filter(|t| t.chars().count() == 1).count();
    let empties = tokens.iter().filter(|t| t.is_empty()).count();
    if tokens.len() < 4 || letters + empties < tokens.len() || letters < 4 {
        return s.to_string();
    }
    s.split("  ")
        .map(|w| w.split(' ').collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut blank = false;
    for raw in text.lines() {
        let t = raw.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        // Rules drawn with characters: `-------`, `=====`.
        if t.chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '*' | '~' | '─' | '━'))
        {
            continue;
        }
        let mut text = t.to_string();
        let mut bullet = false;
        if let Some(c) = text.chars().next() {
            let rest = &text[c.len_utf8()..];
            if BULLETS.contains(&c)
                && (rest.starts_with(' ') || rest.starts_with('\t') || c == '•' || c == '\u{F0B7}')
            {
                bullet = true;
                text = rest.trim().to_string();
            }
        }
        if text.is_empty() {
            continue;
        }
        out.push(Line {
            text: collapse_letter_spacing(&text),
            bullet,
            blank_before: blank,
        });
        blank = false;
    }
    out
}

fn sections(lines: Vec<Line>) -> Vec<(Section, Vec<Line>)> {
    let mut out: Vec<(Section, Vec<Line>)> = vec![(Section::Header, Vec::new())];
    for line in lines {
        let in_skills = out.last().is_some_and(|(k, _)| *k == Section::Skills);
        if !line.bullet {
            if let Some((kind, rest)) =
                heading(&line.text).filter(|(_, rest)| !in_skills || rest.is_empty())
            {
                if rest.is_empty() {
                    out.push((kind, Vec::new()));
                } else {
                    // Inline content goes to its section without ending the current one.
                    out.push((
                        kind,
                        vec![Line {
                            text: rest,
                            bullet: false,
                            blank_before: true,
                        }],
                    ));
                    let current = out
                        .iter()
                        .rev()
                        .nth(1)
                        .map(|(k, _)| *k)
                        .unwrap_or(Section::Header);
                    out.push((current, Vec::new()));
                }
                continue;
            }
        }
        if let Some((_, v)) = out.last_mut() {
            v.push(line);
        }
    }
    out
}

fn re(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

fn email_re() -> Option<&'static Regex> {
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

fn find_links(text: &str, header: bool, out: &mut Vec<String>) {
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

fn find_phone(text: &str) -> Option<String> {
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

fn split_name(full: &str) -> (Option<String>, Option<String>) {
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

fn find_name(lines: &[Line]) -> Option<String> {
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

fn is_location(s: &str, name: Option<&str>) -> bool {
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

fn find_location(lines: &[&Line], name: Option<&str>) -> Option<String> {
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

fn header_like(l: &Line) -> bool {
    !l.bullet
        && l.text.split_whitespace().count() <= 10
        && l.text.chars().count() <= 90
        && !l.text.trim_end().ends_with('.')
        && dates::first_range(&l.text).is_none()
}

/// Splits an entry header into its parts: `Title · Company`, `Title, Company`,
/// `Title at Company`, `Company | Title`.
fn header_parts(text: &str) -> Vec<String> {
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

fn remove_span(text: &str, span: (usize, usize)) -> String {
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

fn parse_experience(lines: &[Line]) -> Vec<Experience> {
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

fn institution_like(s: &str) -> bool {
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
fn degree_of(s: &str) -> Option<(String, String)> {
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

fn parse_education(lines: &[Line]) -> Vec<Education> {
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

/// A single date written any way the parser reads, normalised (`Jan 2020` → `2020-01`).
pub(crate) fn normalize_date_text(s: &str) -> Option<String> {
    dates::find(s).first().map(|f| f.start.render())
}

/// Parses resume text (as [`crate::extract`] gives it, or pasted) into a [`Resume`].
pub fn parse(text: &str) -> Resume {
    let all = lines(text);
    let secs = sections(all.clone());
    let of = |kind: Section| -> Vec<Line> {
        secs.iter()
            .filter(|(k, _)| *k == kind)
            .flat_map(|(_, v)| v.iter().cloned())
            .collect()
    };
    let header = of(Section::Header);
    let contact = of(Section::Contact);
    let header_zone: Vec<&Line> = header.iter().chain(contact.iter()).collect();

    let full_name = find_name(&all);
    let header_text: String = header_zone
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");

    let email = email_re()
        .and_then(|re| re.find(&header_text).or_else(|| re.find(text)))
        .map(|m| m.as_str().to_string());
    let phone = find_phone(&header_text).or_else(|| find_phone(text));
    let mut links = Vec::new();
    find_links(&header_text, true, &mut links);
    find_links(text, false, &mut links);
    let location = find_location(&header_zone, full_name.as_deref());

    let summary_lines = of(Section::Summary);
    let summary = (!summary_lines.is_empty()).then(|| {
        summary_lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let skills_text: String = of(Section::Skills)
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let skills = skills::from_section(&skills_text);

    let (first_name, last_name) = match &full_name {
        Some(n) => split_name(n),
        None => (None, None),
    };
    let resume = Resume {
        full_name,
        first_name,
        last_name,
        email,
        phone,
        location,
        links,
        summary,
        skills,
        experience: parse_experience(&of(Section::Experience)),
        education: parse_education(&of(Section::Education)),
    };
    validate::normalize(resume)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const SAMPLE: &str = "JOSÉ MÜLLER
Backend Engineer
jose@example.de | +49 151 2345 6789 | Berlin, Germany | linkedin.com/in/jose-m

S U M M A R Y
Backend engineer who likes boring systems.

Work History
Senior Engineer · Zahlwerk GmbH\tJan 2020 – Present
• Built payments in Go.
Software Developer, Nordlicht AG\t03/2016 - 12/2019
- Kafka pipelines.

Education
Technische Universität München\t2014 – 2016
M.Sc., Informatik

Skills
Tools: Postgres, JS, C++, Kubernetes
Languages: Go, Rust
";

    #[test]
    fn parses_a_typical_resume() {
        let r = parse(SAMPLE);
        assert_eq!(r.full_name.as_deref(), Some("José Müller"));
        assert_eq!(r.first_name.as_deref(), Some("José"));
        assert_eq!(r.last_name.as_deref(), Some("Müller"));
        assert_eq!(r.email.as_deref(), Some("jose@example.de"));
        assert_eq!(r.phone.as_deref(), Some("+49 151 2345 6789"));
        assert_eq!(r.location.as_deref(), Some("Berlin, Germany"));
        assert_eq!(r.links, vec!["https://linkedin.com/in/jose-m"]);
        assert_eq!(
            r.summary.as_deref(),
            Some("Backend engineer who likes boring systems.")
        );
        assert_eq!(
            r.skills,
            vec![
                "PostgreSQL",
                "JavaScript",
                "C++",
                "Kubernetes",
                "Go",
                "Rust"
            ]
        );
        assert_eq!(r.experience.len(), 2);
        let e = &r.experience[0];
        assert_eq!(e.title.as_deref(), Some("Senior Engineer"));
        assert_eq!(e.company.as_deref(), Some("Zahlwerk GmbH"));
        assert_eq!(
            (e.start.as_deref(), e.end.as_deref()),
            (Some("2020-01"), Some("present"))
        );
        assert_eq!(e.description.as_deref(), Some("Built payments in Go."));
        let e = &r.experience[1];
        assert_eq!(e.title.as_deref(), Some("Software Developer"));
        assert_eq!(e.company.as_deref(), Some("Nordlicht AG"));
        assert_eq!(
            (e.start.as_deref(), e.end.as_deref()),
            (Some("2016-03"), Some("2019-12"))
        );
        assert_eq!(r.education.len(), 1);
        let ed = &r.education[0];
        assert_eq!(
            ed.institution.as_deref(),
            Some("Technische Universität München")
        );
        assert_eq!(ed.degree.as_deref(), Some("M.Sc."));
        assert_eq!(ed.field.as_deref(), Some("Informatik"));
        assert_eq!(ed.year, Some(2016));
    }

    #[test]
    fn non_ascii_names() {
        for name in [
            "Zoë Kowalczyk",
            "Łukasz Wiśniewski",
            "Renée Lefèvre",
            "Søren Østergaard",
            "Ana María Núñez-López",
        ] {
            let r = parse(&format!("{name}\nsomeone@example.com\n"));
            assert_eq!(r.full_name.as_deref(), Some(name));
        }
        let r = parse("Ludwig van Beethoven\n");
        assert_eq!(r.first_name.as_deref(), Some("Ludwig"));
        assert_eq!(r.last_name.as_deref(), Some("van Beethoven"));
    }

    #[test]
    fn headings_in_other_languages_and_styles() {
        assert_eq!(
            heading("BERUFSERFAHRUNG").map(|h| h.0),
            Some(Section::Experience)
        );
        assert_eq!(
            heading("Expérience professionnelle").map(|h| h.0),
            Some(Section::Experience)
        );
        assert_eq!(
            heading("Professional Experience:").map(|h| h.0),
            Some(Section::Experience)
        );
        assert_eq!(
            heading("Education & Training").map(|h| h.0),
            Some(Section::Education)
        );
        assert_eq!(heading("Compétences").map(|h| h.0), Some(Section::Skills));
        assert_eq!(heading("I led the education team").map(|h| h.0), None);
        assert_eq!(
            collapse_letter_spacing("W O R K  H I S T O R Y"),
            "WORK HISTORY"
        );
        assert_eq!(collapse_letter_spacing("A B testing"), "A B testing");
    }

    #[test]
    fn date_ranges_are_not_phones() {
        assert_eq!(find_phone("2019-2024 and 03/2018 - 06/2020"), None);
        assert_eq!(
            find_phone("call (415) 555-0132"),
            Some("(415) 555-0132".to_string())
        );
        assert_eq!(find_phone("617.555.0199"), Some("617.555.0199".to_string()));
    }

    #[test]
    fn inline_skills_line_in_the_header() {
        let r = parse("Jane Doe\njane@example.com\nSkills: Rust, Go\n\nExperience\nEngineer, Acme Inc\t2019 - 2020\n");
        assert_eq!(r.skills, vec!["Rust", "Go"]);
        assert_eq!(r.experience.len(), 1);
    }

    #[test]
    fn empty_text_gives_an_empty_resume() {
        assert_eq!(parse(""), Resume::default());
    }
}
