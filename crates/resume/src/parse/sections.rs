//! Step 2: headings in several styles and languages split the lines into [`Section`]s;
//! lines before the first heading are the header.

use super::fold;
use super::lines::Line;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Section {
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

pub(super) fn heading(text: &str) -> Option<(Section, String)> {
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

pub(super) fn sections(lines: Vec<Line>) -> Vec<(Section, Vec<Line>)> {
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
