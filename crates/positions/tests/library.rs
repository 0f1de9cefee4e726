//! The library's coverage: every role family at every seniority level generates a
//! position that can be saved (5-12 named, distinct competencies, weights summing to
//! exactly 1, levels 1-5), and every keyword of a family recognises that family.

use std::collections::BTreeSet;

use positions::library::find_def;
use positions::{classify, generate, Brief, Category, Draft, Seniority, FAMILIES, GENERAL};

fn brief(title: &str, seniority: Seniority) -> Brief {
    Brief {
        title: title.into(),
        seniority: Some(seniority.as_str().into()),
        ..Brief::default()
    }
}

fn assert_saveable(draft: &Draft, context: &str) {
    let n = draft.competencies.len();
    assert!((5..=12).contains(&n), "{context}: {n} competencies");
    let steps: u32 = draft
        .competencies
        .iter()
        .map(|c| (c.weight * 10_000.0).round() as u32)
        .sum();
    assert_eq!(
        steps, 10_000,
        "{context}: weights in 1/10000 sum to the whole"
    );
    let total: f64 = draft.competencies.iter().map(|c| c.weight).sum();
    assert!((total - 1.0).abs() < 1e-9, "{context}: {total}");
    let mut names = BTreeSet::new();
    for c in &draft.competencies {
        assert!(
            c.weight >= 0.01,
            "{context}: {} weighs {}",
            c.name,
            c.weight
        );
        assert!((1..=5).contains(&c.required_level), "{context}: {}", c.name);
        assert!(
            !c.name.trim().is_empty() && c.name.chars().count() <= 100,
            "{context}"
        );
        assert!(
            !c.description.trim().is_empty(),
            "{context}: {} has no description",
            c.name
        );
        assert!(
            names.insert(c.name.to_lowercase()),
            "{context}: {} twice",
            c.name
        );
    }
    assert!(
        draft
            .competencies
            .iter()
            .any(|c| c.category == Category::Behavioral),
        "{context}: no behavioural competency"
    );
    assert!(
        draft.description.contains(&draft.title),
        "{context}: {}",
        draft.description
    );
    assert!(draft.responsibilities.len() >= 3, "{context}");
    assert!(draft.requirements.len() >= 2, "{context}");
    assert!(
        draft
            .requirements
            .iter()
            .chain(&draft.responsibilities)
            .all(|r| !r.contains('{')),
        "{context}: a placeholder left in {:?}",
        draft.requirements
    );
    assert!(
        !draft.nice_to_have.is_empty() || draft.role_family == "general",
        "{context}"
    );
    for list in [
        &draft.responsibilities,
        &draft.requirements,
        &draft.nice_to_have,
    ] {
        assert!(list.len() <= 10, "{context}");
        let distinct: BTreeSet<_> = list.iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(distinct.len(), list.len(), "{context}: duplicate items");
        assert!(
            list.iter()
                .all(|s| !s.is_empty() && s.chars().count() <= 300),
            "{context}"
        );
    }
}

#[test]
fn every_family_at_every_level_generates_a_saveable_position() {
    let mut combinations = 0;
    for family in FAMILIES.iter().chain(std::iter::once(&GENERAL)) {
        let title = family
            .keywords
            .iter()
            .find(|k| !k.generic)
            .map_or("Specialist", |k| k.phrase);
        for level in Seniority::ALL {
            let draft = generate(&brief(title, level));
            let context = format!("{} / {:?} ({title})", family.id, level);
            assert_eq!(draft.role_family, family.id, "{context}");
            assert_eq!(draft.seniority, level, "{context}");
            assert_saveable(&draft, &context);
            if matches!(
                level,
                Seniority::Senior
                    | Seniority::Lead
                    | Seniority::Staff
                    | Seniority::Principal
                    | Seniority::Manager
                    | Seniority::Director
            ) {
                assert!(
                    draft
                        .competencies
                        .iter()
                        .any(|c| c.category == Category::Leadership),
                    "{context}: a senior role is assessed on leadership"
                );
            }
            if level.leads_people() {
                assert!(
                    draft
                        .competencies
                        .iter()
                        .any(|c| c.name == "People management" || c.name == "Strategic thinking"),
                    "{context}"
                );
            }
            combinations += 1;
        }
    }
    // 23 families + the general fallback, 9 levels each.
    assert!(FAMILIES.len() >= 18, "{} families", FAMILIES.len());
    assert_eq!(combinations, (FAMILIES.len() + 1) * Seniority::ALL.len());
}

#[test]
fn the_library_is_well_formed() {
    let mut ids = BTreeSet::new();
    let mut phrases = BTreeSet::new();
    for family in FAMILIES {
        assert!(ids.insert(family.id), "family {} twice", family.id);
        assert!(
            family.craft.len() >= 5,
            "{}: a family needs 5+ craft competencies",
            family.id
        );
        assert!(family.responsibilities.len() >= 4, "{}", family.id);
        assert!(family.requirements.len() >= 3, "{}", family.id);
        assert!(family.nice_to_have.len() >= 2, "{}", family.id);
        let craft_names: BTreeSet<_> = family.craft.iter().map(|d| d.name.to_lowercase()).collect();
        assert_eq!(
            craft_names.len(),
            family.craft.len(),
            "{}: a craft name twice",
            family.id
        );
        for def in family.craft {
            assert!((1..=9).contains(&def.weight), "{}: {}", family.id, def.name);
            assert!(def.offset <= 1);
            assert!(find_def(def.name).is_some());
        }
        for keyword in family.keywords {
            let normalised = keyword
                .phrase
                .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(
                normalised, keyword.phrase,
                "{}: keyword {:?} is not in matching form",
                family.id, keyword.phrase
            );
            assert!(
                phrases.insert(keyword.phrase),
                "keyword {:?} in two families",
                keyword.phrase
            );
        }
    }
}

#[test]
fn every_keyword_recognises_its_family() {
    for family in FAMILIES {
        for keyword in family.keywords {
            let read = classify(&Brief {
                title: keyword.phrase.into(),
                ..Brief::default()
            });
            assert_eq!(read.family.id, family.id, "title {:?}", keyword.phrase);
            if let Some(level) = keyword.implies {
                assert_eq!(read.seniority, level, "title {:?}", keyword.phrase);
            }
        }
    }
}

#[test]
fn seniority_raises_what_is_required() {
    let level_of = |level: Seniority| {
        let draft = generate(&brief("Backend Engineer", level));
        draft
            .competencies
            .iter()
            .find(|c| c.name == "Backend programming")
            .map(|c| c.required_level)
    };
    let ladder: Vec<_> = [
        Seniority::Intern,
        Seniority::Junior,
        Seniority::Mid,
        Seniority::Senior,
        Seniority::Staff,
    ]
    .into_iter()
    .map(|l| level_of(l).unwrap_or(0))
    .collect();
    assert_eq!(ladder, vec![1, 2, 3, 4, 5]);
}
