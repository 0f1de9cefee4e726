//! Weighted competencies as they are saved: names trimmed and unique (case-insensitive),
//! levels 1-5, and weights that sum to exactly 1 in steps of 0.0001. Shared by the
//! template generator and the OpenAI path, whose model may answer duplicate names,
//! weights that sum to 7, levels of 0 or too many items.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::library::Category;

/// At most this many competencies on a position: more cannot be assessed in one
/// interview.
pub const MAX_COMPETENCIES: usize = 12;
/// At least this many: fewer does not describe a role.
pub const MIN_COMPETENCIES: usize = 3;
/// Weights are fractions in steps of 1/10000 (the database keeps percentages with two
/// decimals).
pub const WEIGHT_STEPS: u32 = 10_000;
/// Each competency gets at least 1% of the weight, so none is listed for show.
pub const MIN_WEIGHT_STEPS: u32 = 100;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// A competency as saved and answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competency {
    pub name: String,
    pub description: String,
    pub category: Category,
    /// A fraction of the position's total; the weights of a position sum to 1.
    pub weight: f64,
    /// 1 (basic) to 5 (expert).
    pub required_level: u8,
}

/// A competency before normalisation: any weight scale, any level.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposed {
    pub name: String,
    pub description: String,
    pub category: Category,
    pub weight: f64,
    pub required_level: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NormalizeError {
    /// Fewer than [`MIN_COMPETENCIES`] distinct named competencies.
    TooFew(usize),
}

impl fmt::Display for NormalizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NormalizeError::TooFew(n) => write!(
                f,
                "{n} usable competencies; at least {MIN_COMPETENCIES} are needed"
            ),
        }
    }
}

impl std::error::Error for NormalizeError {}

/// Collapse runs of whitespace, trim, and cut at `max` characters.
pub fn clean_text(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        collapsed
    } else {
        let cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Normalise proposed competencies: unnamed ones dropped, duplicates (by name,
/// case-insensitively) merged (weights added, the higher level kept), the heaviest
/// [`MAX_COMPETENCIES`] kept in order of weight, levels clamped to 1-5, and weights
/// scaled to sum to exactly 1 with at least 0.01 each. A weight that is not a positive
/// number counts as zero; if all are zero, all count the same.
pub fn normalize(items: Vec<Proposed>) -> Result<Vec<Competency>, NormalizeError> {
    let mut merged: Vec<Proposed> = Vec::new();
    for item in items {
        let name = clean_text(&item.name, MAX_NAME_CHARS);
        if name.is_empty() {
            continue;
        }
        let weight = if item.weight.is_finite() && item.weight > 0.0 {
            item.weight
        } else {
            0.0
        };
        match merged
            .iter_mut()
            .find(|m| m.name.to_lowercase() == name.to_lowercase())
        {
            Some(existing) => {
                existing.weight += weight;
                existing.required_level = existing.required_level.max(item.required_level);
            }
            None => merged.push(Proposed {
                name,
                description: clean_text(&item.description, MAX_DESCRIPTION_CHARS),
                weight,
                ..item
            }),
        }
    }
    if merged.len() < MIN_COMPETENCIES {
        return Err(NormalizeError::TooFew(merged.len()));
    }
    // Stable: equal weights keep the proposer's order.
    slim_sort::sort_by(&mut merged, |a, b| b.weight.total_cmp(&a.weight));
    merged.truncate(MAX_COMPETENCIES);
    if merged.iter().all(|m| m.weight == 0.0) {
        merged.iter_mut().for_each(|m| m.weight = 1.0);
    }
    let steps = to_steps(&merged.iter().map(|m| m.weight).collect::<Vec<_>>());
    Ok(merged
        .into_iter()
        .zip(steps)
        .map(|(m, steps)| Competency {
            name: m.name,
            description: m.description,
            category: m.category,
            weight: f64::from(steps) / f64::from(WEIGHT_STEPS),
            required_level: m.required_level.clamp(1, 5) as u8,
        })
        .collect())
}

/// Split [`WEIGHT_STEPS`] in proportion to `weights` (non-negative; all zero counts as
/// all equal), by largest remainder (ties to the earlier item), then lift any part below
/// [`MIN_WEIGHT_STEPS`] to it, taking the difference from the largest parts. The parts
/// always sum to exactly [`WEIGHT_STEPS`]. At most `WEIGHT_STEPS / MIN_WEIGHT_STEPS`
/// weights get the minimum; beyond that the minimum shrinks to fit.
pub fn to_steps(weights: &[f64]) -> Vec<u32> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let total: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights
        .iter()
        .map(|w| {
            if total > 0.0 {
                w / total * f64::from(WEIGHT_STEPS)
            } else {
                f64::from(WEIGHT_STEPS) / n as f64
            }
        })
        .collect();
    let mut steps: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let given: u32 = steps.iter().sum();
    let mut order: Vec<usize> = (0..n).collect();
    slim_sort::sort_by(&mut order, |&a, &b| {
        let ra = quotas[a] - quotas[a].floor();
        let rb = quotas[b] - quotas[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order
        .iter()
        .cycle()
        .take(WEIGHT_STEPS.saturating_sub(given) as usize)
    {
        steps[i] += 1;
    }

    let minimum = MIN_WEIGHT_STEPS.min(WEIGHT_STEPS / n as u32);
    let mut deficit: u32 = 0;
    for s in steps.iter_mut().filter(|s| **s < minimum) {
        deficit += minimum - *s;
        *s = minimum;
    }
    while deficit > 0 {
        // The largest part above the minimum gives one step (earliest on ties).
        let Some(i) = (0..n)
            .filter(|&i| steps[i] > minimum)
            .max_by(|&a, &b| steps[a].cmp(&steps[b]).then(b.cmp(&a)))
        else {
            break;
        };
        steps[i] -= 1;
        deficit -= 1;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, weight: f64, level: i64) -> Proposed {
        Proposed {
            name: name.into(),
            description: format!("{name} description"),
            category: Category::Technical,
            weight,
            required_level: level,
        }
    }

    fn sum(c: &[Competency]) -> f64 {
        c.iter().map(|c| c.weight).sum()
    }

    #[test]
    fn weights_of_any_scale_sum_to_exactly_one() {
        let out = normalize(vec![p("A", 5.0, 3), p("B", 3.0, 3), p("C", 2.0, 3)]).unwrap();
        assert_eq!(
            out.iter().map(|c| c.weight).collect::<Vec<_>>(),
            vec![0.5, 0.3, 0.2]
        );
        let thirds = normalize(vec![p("A", 1.0, 3), p("B", 1.0, 3), p("C", 1.0, 3)]).unwrap();
        assert_eq!(
            thirds.iter().map(|c| c.weight).collect::<Vec<_>>(),
            vec![0.3334, 0.3333, 0.3333]
        );
        assert!((sum(&thirds) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn steps_always_sum_to_the_whole_and_respect_the_minimum() {
        for weights in [
            vec![1.0; 7],
            vec![100.0, 0.0001, 0.0001],
            vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2],
            vec![3.0, 3.0, 3.0],
            vec![0.0, 0.0, 0.0, 1.0],
        ] {
            let steps = to_steps(&weights);
            assert_eq!(steps.iter().sum::<u32>(), WEIGHT_STEPS, "{weights:?}");
            assert!(
                steps.iter().all(|&s| s >= MIN_WEIGHT_STEPS),
                "{weights:?} {steps:?}"
            );
        }
        assert_eq!(to_steps(&[]), Vec::<u32>::new());
    }

    #[test]
    fn duplicates_merge_and_bad_values_are_tamed() {
        let out = normalize(vec![
            p("  System   design ", 2.0, 4),
            p("system design", 2.0, 5),
            p("", 9.0, 3),
            p("Testing", f64::NAN, 0),
            p("APIs", -3.0, 9),
            p("Rust", 4.0, 2),
        ])
        .unwrap();
        let names: Vec<_> = out.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["System design", "Rust", "Testing", "APIs"]);
        assert_eq!(out[0].required_level, 5, "the higher level of a duplicate");
        assert_eq!(out[2].required_level, 1, "clamped up");
        assert_eq!(out[3].required_level, 5, "clamped down");
        assert!(
            out[2].weight >= 0.01 && out[3].weight >= 0.01,
            "the minimum share"
        );
        assert!((sum(&out) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_and_too_many() {
        assert_eq!(
            normalize(vec![p("A", 1.0, 3), p("a", 1.0, 3), p(" ", 1.0, 3)]),
            Err(NormalizeError::TooFew(1))
        );
        let many: Vec<_> = (0..20)
            .map(|i| p(&format!("C{i}"), f64::from(i), 3))
            .collect();
        let out = normalize(many).unwrap();
        assert_eq!(out.len(), MAX_COMPETENCIES);
        assert_eq!(out[0].name, "C19", "the heaviest are kept");
        let all_zero = normalize(vec![p("A", 0.0, 3), p("B", 0.0, 3), p("C", 0.0, 3)]).unwrap();
        assert!((sum(&all_zero) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn long_texts_are_cut() {
        let long = "x".repeat(1000);
        let out = normalize(vec![
            Proposed {
                description: long.clone(),
                ..p(&long, 1.0, 3)
            },
            p("B", 1.0, 3),
            p("C", 1.0, 3),
        ])
        .unwrap();
        assert_eq!(out[0].name.chars().count(), MAX_NAME_CHARS);
        assert_eq!(out[0].description.chars().count(), MAX_DESCRIPTION_CHARS);
    }
}
