//! The deterministic generator: a brief (title, seniority, department, hints...) in, a
//! position draft out, composed from the library. The same brief always gives the same
//! draft; no network, no randomness.

use serde::{Deserialize, Serialize};

use crate::library::{self, Category, Def, Family, Track, FAMILIES, GENERAL};
use crate::normalize::{clean_text, normalize, Competency, Proposed};
use crate::seniority::{words, Seniority};

/// Most list items a draft carries per list.
pub const MAX_LIST_ITEMS: usize = 10;
pub const MAX_ITEM_CHARS: usize = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Hints beyond these are ignored by the generator (the function refuses more anyway).
pub const MAX_HINTS: usize = 10;

/// What the recruiter asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Brief {
    pub title: String,
    /// A level word (`"senior"`, `"Sr."`); unrecognised words are ignored here (the
    /// function refuses them before).
    pub seniority: Option<String>,
    pub department: Option<String>,
    /// The company's name, for the description.
    pub company: Option<String>,
    pub location: Option<String>,
    pub employment_type: Option<String>,
    /// Free text about the role; only used to recognise the family here.
    pub notes: Option<String>,
    /// Competencies the recruiter wants assessed.
    pub competency_hints: Vec<String>,
}

/// A generated position, ready to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub title: String,
    pub seniority: Seniority,
    /// Library family id (`"backend"`, or `"general"` when none matched).
    pub role_family: String,
    pub department: Option<String>,
    pub description: String,
    pub responsibilities: Vec<String>,
    pub requirements: Vec<String>,
    pub nice_to_have: Vec<String>,
    pub competencies: Vec<Competency>,
}

/// How the brief was read: the family, the level, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    pub family: &'static Family,
    pub seniority: Seniority,
}

/// Which family and level the brief describes. The title decides first (its most
/// specific phrase wins), the department second, the notes last; the level is the
/// brief's own, else the title's (words of the family's phrase aside, so a "Product
/// Manager" is not a manager), else what the phrase implies, else the family's default.
pub fn classify(brief: &Brief) -> Classification {
    let title = words(&brief.title);
    let sources: [(Vec<String>, u64); 3] = [
        (title.clone(), 3),
        (words(brief.department.as_deref().unwrap_or("")), 2),
        (words(brief.notes.as_deref().unwrap_or("")), 1),
    ];
    let mut best: Option<(u64, &'static Family, Option<&'static library::Keyword>)> = None;
    for family in FAMILIES {
        for keyword in family.keywords {
            let phrase = words(keyword.phrase);
            for (i, (source, strength)) in sources.iter().enumerate() {
                if find(source, &phrase).is_none() {
                    continue;
                }
                let specificity = if keyword.generic { 1 } else { 10 };
                let score = strength * specificity * 10_000
                    + phrase.len() as u64 * 100
                    + keyword.phrase.len() as u64;
                if best.is_none_or(|(s, _, _)| score > s) {
                    best = Some((score, family, (i == 0).then_some(keyword)));
                }
            }
        }
    }
    let (family, keyword) = match best {
        Some((_, family, keyword)) => (family, keyword),
        None => (&GENERAL, None),
    };

    let stated = brief.seniority.as_deref().and_then(Seniority::parse);
    let seniority = stated.unwrap_or_else(|| {
        let mut rest = title.clone();
        if let Some(at) = keyword.and_then(|k| {
            let phrase = words(k.phrase);
            find(&title, &phrase).map(|at| (at, phrase.len()))
        }) {
            rest.drain(at.0..at.0 + at.1);
        }
        let from_title = Seniority::from_title(&rest.join(" "));
        let implied = keyword.and_then(|k| k.implies);
        from_title.max(implied).unwrap_or(family.default_level)
    });
    Classification { family, seniority }
}

/// Where `phrase` occurs in `text` as whole words.
fn find(text: &[String], phrase: &[String]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > text.len() {
        return None;
    }
    (0..=text.len() - phrase.len()).find(|&i| text[i..i + phrase.len()] == *phrase)
}

/// The position for `brief`, from the library.
pub fn generate(brief: &Brief) -> Draft {
    let Classification { family, seniority } = classify(brief);
    let title = clean_text(&brief.title, 200);
    let department = non_empty(brief.department.as_deref())
        .map(|d| clean_text(d, 100))
        .or_else(|| non_empty(Some(family.department)).map(str::to_owned));
    let hints: Vec<String> = brief
        .competency_hints
        .iter()
        .map(|h| clean_text(h, 100))
        .filter(|h| !h.is_empty())
        .take(MAX_HINTS)
        .collect();

    Draft {
        description: describe(brief, family, seniority, &title, department.as_deref()),
        responsibilities: responsibilities(family, seniority),
        requirements: requirements(family, seniority, &hints),
        nice_to_have: list(family.nice_to_have.iter().map(|s| s.to_string())),
        competencies: competencies(family, seniority, &hints),
        title,
        seniority,
        role_family: family.id.to_owned(),
        department,
    }
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// A competency being picked: a library entry, or a hint the library does not know.
struct Item {
    name: String,
    description: String,
    category: Category,
    weight: u8,
    level: u8,
}

impl Item {
    fn of(def: &Def, level: u8) -> Item {
        Item {
            name: def.name.to_owned(),
            description: def.description.to_owned(),
            category: def.category,
            weight: def.weight,
            level,
        }
    }
}

/// Craft, behaviour and leadership, each group's relative weights scaled to the level's
/// share of the whole, the recruiter's hints added to the craft, then normalised.
fn competencies(family: &Family, level: Seniority, hints: &[String]) -> Vec<Competency> {
    let craft_level = match family.track {
        // Leading is the craft of a management family: required at the leadership level.
        Track::Management => level.leadership_level(),
        _ => level.craft_level(),
    };
    let mut defs: Vec<&Def> = family.craft.iter().filter(|d| d.from <= level).collect();
    // The heaviest first; the library order breaks ties (stable sort).
    slim_sort::sort_by_key(&mut defs, |d| std::cmp::Reverse(d.weight));
    let count = match family.track {
        Track::Management => 5,
        _ => level.craft_count(),
    };
    let mut craft: Vec<Item> = defs
        .into_iter()
        .take(count)
        .map(|d| Item::of(d, craft_level.saturating_sub(d.offset).max(1)))
        .collect();

    for hint in hints {
        if let Some(existing) = craft.iter_mut().find(|i| i.name.eq_ignore_ascii_case(hint)) {
            // Asked for by name: it counts for more.
            existing.weight = existing.weight.saturating_add(existing.weight.div_ceil(2));
            continue;
        }
        let top = craft.iter().map(|i| i.weight).max().unwrap_or(5);
        let item = match library::find_def(hint) {
            Some(def) => Item {
                weight: top,
                ..Item::of(&def, craft_level)
            },
            None => Item {
                name: capitalise(hint),
                description: format!(
                    "Hands-on skill with {hint}, as this role uses it day to day."
                ),
                category: match family.track {
                    Track::Business => Category::Domain,
                    _ => Category::Technical,
                },
                weight: top,
                level: craft_level,
            },
        };
        craft.push(item);
    }

    let behaviors: Vec<Item> = library::behaviors(level, family.customer_facing)
        .iter()
        .filter(|d| !craft.iter().any(|i| i.name == d.name))
        .map(|d| Item::of(d, level.behavior_level()))
        .collect();
    let leadership: Vec<Item> = library::leadership(level, family.track)
        .iter()
        .filter(|d| !craft.iter().any(|i| i.name == d.name))
        .map(|d| Item::of(d, level.leadership_level()))
        .collect();

    let (craft_share, behavior_share, leadership_share) = level.shares();
    let mut proposed = Vec::new();
    for (group, share) in [
        (craft, craft_share),
        (behaviors, behavior_share),
        (leadership, leadership_share),
    ] {
        let total: u32 = group.iter().map(|i| u32::from(i.weight)).sum();
        proposed.extend(group.into_iter().map(|i| Proposed {
            weight: f64::from(share) * f64::from(i.weight) / f64::from(total.max(1)),
            name: i.name,
            description: i.description,
            category: i.category,
            required_level: i64::from(i.level),
        }));
    }
    // The library always yields 5+ competencies; `normalize` only fails below 3.
    normalize(proposed).unwrap_or_default()
}

/// "kubernetes" → "Kubernetes"; anything with a capital stays as typed ("gRPC").
fn capitalise(text: &str) -> String {
    if text.chars().any(char::is_uppercase) {
        return text.to_owned();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn describe(
    brief: &Brief,
    family: &Family,
    level: Seniority,
    title: &str,
    department: Option<&str>,
) -> String {
    let who = non_empty(brief.company.as_deref())
        .map(|c| format!("{} is", clean_text(c, 200)))
        .unwrap_or_else(|| "We are".to_owned());
    let article = if title
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c))
    {
        "an"
    } else {
        "a"
    };
    let mut text = format!("{who} hiring {article} {title} to {}.", family.mission);
    let scope = match level {
        Seniority::Intern => "This internship is a chance to learn from experienced colleagues while doing real work that ships.".to_owned(),
        Seniority::Junior => "It is an early-career role: you will grow quickly with the support of experienced teammates.".to_owned(),
        Seniority::Mid => "You will own meaningful pieces of work end to end and keep deepening your expertise.".to_owned(),
        Seniority::Senior => "At this level you take on complex problems with little guidance, make sound decisions and help others grow.".to_owned(),
        Seniority::Lead => "You will lead a team's day-to-day work while staying close to the craft.".to_owned(),
        Seniority::Staff => "At staff level your impact reaches beyond one team: you set direction and solve the hardest cross-team problems.".to_owned(),
        Seniority::Principal => format!(
            "As a principal you shape the organisation's long-term direction in {} and lead its highest-stakes work.",
            family.field
        ),
        Seniority::Manager => "You will lead and grow a team, owning both its results and its health.".to_owned(),
        Seniority::Director => format!(
            "You will lead the {} function: its strategy, its leaders and its results.",
            department.unwrap_or(family.name).to_lowercase()
        ),
    };
    text.push(' ');
    text.push_str(&scope);
    if let Some(department) = department {
        text.push_str(&format!(" You will join the {department} team."));
    }
    let employment = non_empty(brief.employment_type.as_deref()).map(employment_phrase);
    match (employment, non_empty(brief.location.as_deref())) {
        (Some(kind), Some(place)) => text.push_str(&format!(
            " This is {} {kind} role based in {}.",
            if kind.starts_with(|c: char| "aeiou".contains(c)) {
                "an"
            } else {
                "a"
            },
            clean_text(place, 200)
        )),
        (Some(kind), None) => text.push_str(&format!(
            " This is {} {kind} role.",
            if kind.starts_with(|c: char| "aeiou".contains(c)) {
                "an"
            } else {
                "a"
            }
        )),
        (None, Some(place)) => text.push_str(&format!(
            " The role is based in {}.",
            clean_text(place, 200)
        )),
        (None, None) => {}
    }
    clean_text(&text, MAX_DESCRIPTION_CHARS)
}

/// `full_time` → "full-time".
fn employment_phrase(kind: &str) -> String {
    match kind.trim().to_lowercase().replace(['_', ' '], "-").as_str() {
        "full-time" | "fulltime" | "permanent" => "full-time".to_owned(),
        "part-time" | "parttime" => "part-time".to_owned(),
        "contract" | "contractor" | "freelance" => "contract".to_owned(),
        "temporary" | "temp" | "fixed-term" => "fixed-term".to_owned(),
        "internship" | "intern" => "internship".to_owned(),
        other => clean_text(&other.replace('-', " "), 50),
    }
}

fn responsibilities(family: &Family, level: Seniority) -> Vec<String> {
    let own = if level.leads_people() && family.track != Track::Management {
        // A manager of the craft: the gist of the craft, then the leading.
        &family.responsibilities[..family.responsibilities.len().min(3)]
    } else {
        family.responsibilities
    };
    list(
        own.iter()
            .chain(library::level_responsibilities(level, family.track))
            .map(|s| s.to_string()),
    )
}

fn requirements(family: &Family, level: Seniority, hints: &[String]) -> Vec<String> {
    let mut out = vec![level.experience().replace("{field}", family.field)];
    out.extend(family.requirements.iter().map(|s| s.to_string()));
    if !hints.is_empty() {
        out.push(format!("Hands-on experience with {}", join_and(hints)));
    }
    list(out.into_iter())
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Cleaned, without duplicates, at most [`MAX_LIST_ITEMS`].
pub fn list(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let item = clean_text(&item, MAX_ITEM_CHARS);
        if !item.is_empty()
            && !out.iter().any(|o| o.eq_ignore_ascii_case(&item))
            && out.len() < MAX_LIST_ITEMS
        {
            out.push(item);
        }
    }
    out
}
