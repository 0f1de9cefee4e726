//! Resume text → [`Resume`], deterministically: the analyzer used when no LLM key is set.
//!
//! 1. Lines are cleaned (bullets noted, letter-spaced headings collapsed, rules dropped):
//!    `lines.rs`.
//! 2. Headings in several styles and languages split the text into sections; lines
//!    before the first heading are the header: `sections.rs`.
//! 3. Name from the top lines; email, phone, links and location by pattern, header first:
//!    `contact.rs`.
//! 4. Experience entries are anchored on their date ranges; title and company are told
//!    apart by keywords (`experience.rs`); education entries on institution and degree
//!    lines (`education.rs`). Dates in any form: `dates.rs`.
//! 5. Skills: the skills sections matched against the taxonomy in `data/skills.txt`:
//!    `skills.rs`.

mod contact;
mod dates;
mod education;
mod experience;
mod lines;
mod sections;
pub mod skills;

use crate::model::Resume;
use crate::validate;

use contact::{email_re, find_links, find_location, find_name, find_phone, split_name};
use education::parse_education;
use experience::parse_experience;
use lines::{lines, Line};
use sections::{sections, Section};

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
    use super::lines::collapse_letter_spacing;
    use super::sections::heading;
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
