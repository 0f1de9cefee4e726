//! The competency library shipped with the project: role families, each with the
//! competencies of its craft, the responsibilities, requirements and nice-to-haves of the
//! role, and the keywords that recognise it in a title; plus the behavioural and
//! leadership competencies every family shares, picked by seniority.
//!
//! Weights here are relative (1-9) within a group; the generator turns them into shares
//! of the position's total by the seniority's split (`Seniority::shares`). A craft
//! competency may start at a level (`from`) — nobody asks an intern for distributed
//! systems design — and may be required a level below the role's craft level
//! (`offset`), for supporting skills.
//!
//! This file holds the types and the shared competencies; `families.rs` the families.

mod families;

pub use families::{FAMILIES, GENERAL};

use serde::{Deserialize, Serialize};

use crate::seniority::Seniority;

/// What kind of competency: the craft's tools and techniques, knowledge of a business
/// domain, how someone works with others, or how they lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Technical,
    Domain,
    Behavioral,
    Leadership,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Technical,
        Category::Domain,
        Category::Behavioral,
        Category::Leadership,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Domain => "domain",
            Category::Behavioral => "behavioral",
            Category::Leadership => "leadership",
        }
    }

    /// `"Technical"`, `"behaviour"`, `"soft skill"`... or `None`.
    pub fn parse(text: &str) -> Option<Category> {
        match text.trim().to_lowercase().as_str() {
            "technical" | "tech" | "hard skill" | "tool" | "tools" => Some(Category::Technical),
            "domain" | "business" | "functional" | "knowledge" => Some(Category::Domain),
            "behavioral" | "behavioural" | "behavior" | "behaviour" | "soft skill" | "soft" => {
                Some(Category::Behavioral)
            }
            "leadership" | "management" => Some(Category::Leadership),
            _ => None,
        }
    }
}

/// Which leadership vocabulary a family uses: engineers lead technically, other
/// functions lead their practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Technical,
    Business,
    /// The role is leading (engineering management): its craft is leadership.
    Management,
}

/// One competency of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Def {
    pub name: &'static str,
    pub description: &'static str,
    pub category: Category,
    /// Relative weight within its group, 1-9.
    pub weight: u8,
    /// Listed from this level up (`Intern` = always).
    pub from: Seniority,
    /// Required this many levels below the role's level for its group (0 or 1).
    pub offset: u8,
}

const fn def(name: &'static str, description: &'static str, category: Category, weight: u8) -> Def {
    Def {
        name,
        description,
        category,
        weight,
        from: Seniority::Intern,
        offset: 0,
    }
}

impl Def {
    /// Listed from `level` up.
    const fn starting_at(mut self, level: Seniority) -> Def {
        self.from = level;
        self
    }
    /// A supporting skill: one level below the role's craft level.
    const fn supporting(mut self) -> Def {
        self.offset = 1;
        self
    }
}

const T: Category = Category::Technical;
const D: Category = Category::Domain;
const B: Category = Category::Behavioral;
const L: Category = Category::Leadership;

/// A keyword of a family, matched as whole words in a title (or department, notes).
/// `implies` is the level the phrase itself says ("engineering manager" is a manager,
/// "product manager" is not).
/// A `generic` phrase ("developer", "analyst") only decides when nothing more specific
/// matches: "Frontend Developer" is frontend, "Developer" full-stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    pub phrase: &'static str,
    pub implies: Option<Seniority>,
    pub generic: bool,
}

const fn kw(phrase: &'static str) -> Keyword {
    Keyword {
        phrase,
        implies: None,
        generic: false,
    }
}

const fn kw_at(phrase: &'static str, level: Seniority) -> Keyword {
    Keyword {
        phrase,
        implies: Some(level),
        generic: false,
    }
}

const fn generic(phrase: &'static str) -> Keyword {
    Keyword {
        phrase,
        implies: None,
        generic: true,
    }
}

/// A role family of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    pub id: &'static str,
    pub name: &'static str,
    pub department: &'static str,
    pub track: Track,
    /// Phrases that recognise the family; longer, more specific phrases win.
    pub keywords: &'static [Keyword],
    /// The level when the title names none.
    pub default_level: Seniority,
    /// "to <mission>" in the description.
    pub mission: &'static str,
    /// What the role's craft is called in requirements ("backend development").
    pub field: &'static str,
    pub craft: &'static [Def],
    pub responsibilities: &'static [&'static str],
    pub requirements: &'static [&'static str],
    pub nice_to_have: &'static [&'static str],
    /// Customer-facing roles are judged on customer focus too.
    pub customer_facing: bool,
}

// ---------------------------------------------------------------------------------------
// Shared competencies
// ---------------------------------------------------------------------------------------

pub const COMMUNICATION: Def = def(
    "Communication",
    "Explains ideas clearly in writing and in conversation, adapting to the audience, and listens well.",
    B,
    3,
);
pub const COLLABORATION: Def = def(
    "Collaboration",
    "Works well with others across functions: shares context, gives and takes feedback, and helps the team succeed.",
    B,
    2,
);
pub const PROBLEM_SOLVING: Def = def(
    "Problem solving",
    "Breaks ambiguous problems down, weighs options and trade-offs, and reaches sound, practical solutions.",
    B,
    3,
);
pub const OWNERSHIP: Def = def(
    "Ownership",
    "Takes responsibility for outcomes, follows through without reminders, and raises risks early.",
    B,
    3,
);
pub const LEARNING_AGILITY: Def = def(
    "Learning agility",
    "Picks up new tools, domains and feedback quickly and applies them in the next piece of work.",
    B,
    3,
);
pub const CUSTOMER_FOCUS: Def = def(
    "Customer focus",
    "Understands what customers need and why, and keeps their outcomes at the centre of decisions.",
    B,
    3,
);

pub const MENTORING: Def = def(
    "Mentoring",
    "Grows others through coaching, pairing, thoughtful reviews and honest feedback.",
    L,
    3,
);
pub const TECHNICAL_LEADERSHIP: Def = def(
    "Technical leadership",
    "Sets technical direction, drives decisions to agreement and raises the quality bar across teams.",
    L,
    3,
);
pub const FUNCTIONAL_LEADERSHIP: Def = def(
    "Functional leadership",
    "Sets direction for the function's practices, drives decisions to agreement and raises the quality of the team's work.",
    L,
    3,
);
pub const STRATEGIC_THINKING: Def = def(
    "Strategic thinking",
    "Connects today's work to long-term goals, anticipates change and prioritises for the greatest impact.",
    L,
    3,
);
pub const STAKEHOLDER_MANAGEMENT: Def = def(
    "Stakeholder management",
    "Aligns partners and leadership on goals, trade-offs and progress, and manages expectations openly.",
    L,
    2,
);
pub const PEOPLE_MANAGEMENT: Def = def(
    "People management",
    "Builds a healthy, high-performing team: sets expectations, coaches, runs growth and performance conversations.",
    L,
    4,
);
pub const HIRING: Def = def(
    "Hiring and team building",
    "Designs and runs fair hiring, builds diverse teams and a culture people want to stay in.",
    L,
    2,
);

/// The behavioural competencies a level is assessed on, most important first.
pub fn behaviors(level: Seniority, customer_facing: bool) -> Vec<Def> {
    let mut picked = match level {
        Seniority::Intern | Seniority::Junior => {
            vec![LEARNING_AGILITY, COLLABORATION, COMMUNICATION]
        }
        Seniority::Mid => vec![PROBLEM_SOLVING, COLLABORATION, COMMUNICATION],
        Seniority::Senior | Seniority::Lead => vec![OWNERSHIP, COMMUNICATION],
        Seniority::Staff | Seniority::Principal => vec![COMMUNICATION, OWNERSHIP],
        Seniority::Manager | Seniority::Director => vec![COMMUNICATION, COLLABORATION],
    };
    if customer_facing {
        // Replaces the last one: customer focus matters more for these roles.
        picked.pop();
        picked.insert(0, CUSTOMER_FOCUS);
    }
    picked
}

/// The leadership competencies a level is assessed on, most important first.
pub fn leadership(level: Seniority, track: Track) -> Vec<Def> {
    let lead = match track {
        Track::Technical => TECHNICAL_LEADERSHIP,
        Track::Business | Track::Management => FUNCTIONAL_LEADERSHIP,
    };
    match level {
        Seniority::Intern | Seniority::Junior | Seniority::Mid => vec![],
        Seniority::Senior => vec![MENTORING, lead],
        Seniority::Lead => vec![lead, MENTORING, STAKEHOLDER_MANAGEMENT],
        Seniority::Staff => vec![lead, MENTORING, STRATEGIC_THINKING],
        Seniority::Principal => vec![lead, STRATEGIC_THINKING, STAKEHOLDER_MANAGEMENT],
        Seniority::Manager => vec![PEOPLE_MANAGEMENT, HIRING, STAKEHOLDER_MANAGEMENT],
        Seniority::Director => vec![
            STRATEGIC_THINKING,
            PEOPLE_MANAGEMENT,
            STAKEHOLDER_MANAGEMENT,
            HIRING,
        ],
    }
}

/// What a level adds to the family's responsibilities.
pub fn level_responsibilities(level: Seniority, track: Track) -> &'static [&'static str] {
    let technical = !matches!(track, Track::Business);
    match (level, technical) {
        (Seniority::Intern, _) => &["Work on a scoped project with a mentor and present what you learned"],
        (Seniority::Junior, _) => &["Deliver well-defined tasks with guidance, asking for help early and learning from reviews"],
        (Seniority::Mid, _) => &["Own features or workstreams end to end with little supervision"],
        (Seniority::Senior, true) => &[
            "Own complex projects from design to delivery and make sound technical decisions",
            "Mentor teammates and review their work",
        ],
        (Seniority::Senior, false) => &[
            "Own complex initiatives from planning to results",
            "Coach teammates and review their work",
        ],
        (Seniority::Lead, _) => &[
            "Lead a team's day-to-day delivery: planning, priorities and quality",
            "Coach the team and be its voice with partners",
        ],
        (Seniority::Staff, true) => &[
            "Set technical direction for a group of teams and drive it through",
            "Solve the problems that cross team boundaries and multiply others' impact",
        ],
        (Seniority::Staff, false) => &[
            "Set direction for the practice across teams and drive it through",
            "Take on the cross-team problems and multiply others' impact",
        ],
        (Seniority::Principal, true) => &[
            "Shape the organisation's long-term technical strategy",
            "Lead the highest-stakes decisions and represent the company externally",
        ],
        (Seniority::Principal, false) => &[
            "Shape the organisation's long-term strategy for the function",
            "Lead the highest-stakes initiatives and represent the company externally",
        ],
        (Seniority::Manager, _) => &[
            "Hire, grow and retain a team, with regular one-to-ones and clear expectations",
            "Plan the team's work with partners and own its delivery and health",
        ],
        (Seniority::Director, _) => &[
            "Set the strategy, goals and budget of the function and report on them to leadership",
            "Build and lead managers and teams, and the organisation they work in",
        ],
    }
}

/// Every competency of the library by name (case-insensitive), for hints that name one.
pub fn find_def(name: &str) -> Option<Def> {
    let wanted = name.trim().to_lowercase();
    FAMILIES
        .iter()
        .chain(std::iter::once(&GENERAL))
        .flat_map(|f| f.craft.iter())
        .chain(
            [
                COMMUNICATION,
                COLLABORATION,
                PROBLEM_SOLVING,
                OWNERSHIP,
                LEARNING_AGILITY,
                CUSTOMER_FOCUS,
                MENTORING,
                TECHNICAL_LEADERSHIP,
                FUNCTIONAL_LEADERSHIP,
                STRATEGIC_THINKING,
                STAKEHOLDER_MANAGEMENT,
                PEOPLE_MANAGEMENT,
                HIRING,
            ]
            .iter(),
        )
        .find(|d| d.name.to_lowercase() == wanted)
        .copied()
}

/// A family by id.
pub fn family(id: &str) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .find(|f| f.id == id)
        .or(if id == GENERAL.id {
            Some(&GENERAL)
        } else {
            None
        })
}
