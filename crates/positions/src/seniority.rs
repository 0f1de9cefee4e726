//! Seniority levels: what a title or a recruiter's word says, and what each level
//! expects (required levels, years, how the weight splits between craft, behaviour and
//! leadership).

use serde::{Deserialize, Serialize};

/// The levels a position is generated for. `Lead`, `Manager` and `Director` are levels
/// of the leadership track; the others of the individual-contributor track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seniority {
    Intern,
    Junior,
    Mid,
    Senior,
    Lead,
    Staff,
    Principal,
    Manager,
    Director,
}

impl Seniority {
    pub const ALL: [Seniority; 9] = [
        Seniority::Intern,
        Seniority::Junior,
        Seniority::Mid,
        Seniority::Senior,
        Seniority::Lead,
        Seniority::Staff,
        Seniority::Principal,
        Seniority::Manager,
        Seniority::Director,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Seniority::Intern => "intern",
            Seniority::Junior => "junior",
            Seniority::Mid => "mid",
            Seniority::Senior => "senior",
            Seniority::Lead => "lead",
            Seniority::Staff => "staff",
            Seniority::Principal => "principal",
            Seniority::Manager => "manager",
            Seniority::Director => "director",
        }
    }

    /// A recruiter's word for a level (`"Sr."`, `"entry level"`, `"Head"`), or `None`.
    pub fn parse(text: &str) -> Option<Seniority> {
        let words = words(text);
        let joined = words.join(" ");
        if let Some(level) = phrase_level(&joined) {
            return Some(level);
        }
        words.iter().filter_map(|w| word_level(w)).max()
    }

    /// The level a title states, if any: the highest level word in it (`"Senior Staff
    /// Engineer"` is staff, `"Senior Engineering Manager"` a manager).
    pub fn from_title(title: &str) -> Option<Seniority> {
        let words = words(title);
        let joined = format!(" {} ", words.join(" "));
        let phrased = PHRASES
            .iter()
            .filter(|(phrase, _)| joined.contains(&format!(" {phrase} ")))
            .map(|(_, level)| *level)
            .max();
        let worded = words.iter().filter_map(|w| word_level(w)).max();
        phrased.max(worded)
    }

    /// A leadership-track level: people or teams are the job.
    pub fn leads_people(self) -> bool {
        matches!(self, Seniority::Manager | Seniority::Director)
    }

    /// The level a competency of the role's craft is required at (1-5).
    pub fn craft_level(self) -> u8 {
        match self {
            Seniority::Intern => 1,
            Seniority::Junior => 2,
            Seniority::Mid => 3,
            Seniority::Senior | Seniority::Lead => 4,
            Seniority::Staff | Seniority::Principal => 5,
            // A manager of a craft needs judgment in it, not the sharpest hands.
            Seniority::Manager | Seniority::Director => 3,
        }
    }

    /// The level behavioural competencies are required at (1-5).
    pub fn behavior_level(self) -> u8 {
        match self {
            Seniority::Intern | Seniority::Junior => 2,
            Seniority::Mid => 3,
            Seniority::Senior | Seniority::Lead | Seniority::Staff | Seniority::Manager => 4,
            Seniority::Principal | Seniority::Director => 5,
        }
    }

    /// The level leadership competencies are required at (1-5).
    pub fn leadership_level(self) -> u8 {
        match self {
            Seniority::Intern | Seniority::Junior => 1,
            Seniority::Mid => 2,
            Seniority::Senior => 3,
            Seniority::Lead | Seniority::Staff | Seniority::Manager => 4,
            Seniority::Principal | Seniority::Director => 5,
        }
    }

    /// Shares of the total weight, in percent: (craft, behaviour, leadership). Junior
    /// roles are judged on craft and how they learn; leadership roles mostly on leading.
    pub fn shares(self) -> (u32, u32, u32) {
        match self {
            Seniority::Intern => (55, 45, 0),
            Seniority::Junior => (62, 38, 0),
            Seniority::Mid => (65, 35, 0),
            Seniority::Senior => (58, 22, 20),
            Seniority::Lead => (45, 20, 35),
            Seniority::Staff => (55, 15, 30),
            Seniority::Principal => (50, 15, 35),
            Seniority::Manager => (30, 20, 50),
            Seniority::Director => (22, 18, 60),
        }
    }

    /// How many of the family's craft competencies a position of this level lists.
    pub fn craft_count(self) -> usize {
        match self {
            Seniority::Intern | Seniority::Junior => 4,
            Seniority::Mid | Seniority::Senior | Seniority::Lead => 5,
            Seniority::Staff | Seniority::Principal => 5,
            Seniority::Manager => 3,
            Seniority::Director => 2,
        }
    }

    /// The experience requirement at this level; `{field}` stands for the family's
    /// field ("backend software development").
    pub fn experience(self) -> &'static str {
        match self {
            Seniority::Intern => "Currently studying towards a degree related to {field}, or equivalent practical experience",
            Seniority::Junior => "Up to 2 years of experience in {field}, or equivalent projects",
            Seniority::Mid => "3+ years of experience in {field}",
            Seniority::Senior => "5+ years of experience in {field}",
            Seniority::Lead => "6+ years of experience in {field}, including leading a team's day-to-day work",
            Seniority::Staff => "8+ years of experience in {field}, with impact beyond a single team",
            Seniority::Principal => "10+ years of experience in {field}, with impact across an organisation",
            Seniority::Manager => "5+ years of experience in {field}, including 2+ years managing people",
            Seniority::Director => "10+ years of experience in {field}, including 5+ years leading managers or several teams",
        }
    }
}

/// Multi-word ways of saying a level; checked before single words.
const PHRASES: [(&str, Seniority); 10] = [
    ("entry level", Seniority::Junior),
    ("new grad", Seniority::Junior),
    ("early career", Seniority::Junior),
    ("mid level", Seniority::Mid),
    ("team lead", Seniority::Lead),
    ("tech lead", Seniority::Lead),
    ("head of", Seniority::Director),
    ("vice president", Seniority::Director),
    ("senior manager", Seniority::Manager),
    ("distinguished engineer", Seniority::Principal),
];

fn phrase_level(joined: &str) -> Option<Seniority> {
    let padded = format!(" {joined} ");
    PHRASES
        .iter()
        .filter(|(phrase, _)| padded.contains(&format!(" {phrase} ")))
        .map(|(_, level)| *level)
        .max()
}

fn word_level(word: &str) -> Option<Seniority> {
    Some(match word {
        "intern" | "internship" | "trainee" | "apprentice" | "werkstudent" => Seniority::Intern,
        "junior" | "jr" | "graduate" | "entry" | "i" => Seniority::Junior,
        "mid" | "intermediate" | "ii" | "medior" => Seniority::Mid,
        "senior" | "sr" | "iii" | "experienced" => Seniority::Senior,
        "lead" => Seniority::Lead,
        "staff" | "iv" => Seniority::Staff,
        "principal" | "distinguished" | "fellow" => Seniority::Principal,
        "manager" | "mgr" => Seniority::Manager,
        "director" | "head" | "vp" | "svp" | "evp" | "chief" | "cto" | "cfo" | "cmo" | "coo"
        | "cpo" | "chro" | "ciso" => Seniority::Director,
        _ => return None,
    })
}

/// Lower-case words of `text`: letters, digits and `+`/`#` (C++, C#); `Sr.`, `Sr` and
/// `sr` are all `sr`; hyphens separate (`back-end` is `back end`).
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_state_their_level() {
        let cases = [
            ("Senior Backend Engineer", Some(Seniority::Senior)),
            ("Sr. Data Engineer", Some(Seniority::Senior)),
            ("Junior QA Analyst", Some(Seniority::Junior)),
            ("Software Engineering Intern", Some(Seniority::Intern)),
            ("Staff Software Engineer", Some(Seniority::Staff)),
            ("Senior Staff Engineer", Some(Seniority::Staff)),
            ("Principal Designer", Some(Seniority::Principal)),
            ("Tech Lead, Payments", Some(Seniority::Lead)),
            ("Engineering Manager", Some(Seniority::Manager)),
            ("Senior Engineering Manager", Some(Seniority::Manager)),
            ("Head of Marketing", Some(Seniority::Director)),
            ("VP of Sales", Some(Seniority::Director)),
            ("Entry-level Accountant", Some(Seniority::Junior)),
            ("Software Engineer II", Some(Seniority::Mid)),
            ("Backend Engineer", None),
            ("Chief Financial Officer", Some(Seniority::Director)),
        ];
        for (title, want) in cases {
            assert_eq!(Seniority::from_title(title), want, "{title}");
        }
    }

    #[test]
    fn recruiters_words_parse() {
        assert_eq!(Seniority::parse("Senior"), Some(Seniority::Senior));
        assert_eq!(Seniority::parse(" sr "), Some(Seniority::Senior));
        assert_eq!(Seniority::parse("entry level"), Some(Seniority::Junior));
        assert_eq!(Seniority::parse("STAFF"), Some(Seniority::Staff));
        assert_eq!(Seniority::parse("mid-level"), Some(Seniority::Mid));
        assert_eq!(Seniority::parse("whatever"), None);
        for level in Seniority::ALL {
            assert_eq!(Seniority::parse(level.as_str()), Some(level), "{level:?}");
        }
    }

    #[test]
    fn every_level_splits_the_whole_weight_and_requires_levels_in_range() {
        for level in Seniority::ALL {
            let (a, b, c) = level.shares();
            assert_eq!(a + b + c, 100, "{level:?}");
            for l in [
                level.craft_level(),
                level.behavior_level(),
                level.leadership_level(),
            ] {
                assert!((1..=5).contains(&l), "{level:?}");
            }
            assert!(level.craft_count() >= 2);
        }
    }
}
