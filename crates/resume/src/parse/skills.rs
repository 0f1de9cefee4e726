//! Skills matched against the taxonomy shipped in `data/skills.txt`: case-insensitive,
//! whole-word (`C` never matches inside `C++`, `Java` never inside `JavaScript`), longest
//! alias first (`React Native` before `React`), and one- or two-character aliases only as
//! a whole list item.

use std::sync::OnceLock;

const DATA: &str = include_str!("../../data/skills.txt");

struct Alias {
    /// Lowercase.
    text: String,
    skill: usize,
}

struct Taxonomy {
    names: Vec<&'static str>,
    /// Longest first.
    aliases: Vec<Alias>,
}

fn taxonomy() -> &'static Taxonomy {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    TAXONOMY.get_or_init(|| {
        let mut names = Vec::new();
        let mut aliases = Vec::new();
        for line in DATA
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let mut parts = line.split('|').map(str::trim).filter(|p| !p.is_empty());
            let Some(name) = parts.next() else { continue };
            let skill = names.len();
            names.push(name);
            aliases.push(Alias {
                text: name.to_lowercase(),
                skill,
            });
            aliases.extend(parts.map(|a| Alias {
                text: a.to_lowercase(),
                skill,
            }));
        }
        slim_sort::sort_by_key(&mut aliases, |a| std::cmp::Reverse(a.text.chars().count()));
        Taxonomy { names, aliases }
    })
}

/// The canonical name for a skill written any way the taxonomy knows, if it knows it.
pub fn canonical(skill: &str) -> Option<&'static str> {
    let t = taxonomy();
    let wanted = skill.trim().to_lowercase();
    t.aliases
        .iter()
        .find(|a| a.text == wanted)
        .and_then(|a| t.names.get(a.skill).copied())
}

fn boundary_before(s: &str, at: usize) -> bool {
    s[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn boundary_after(s: &str, at: usize) -> bool {
    s[at..]
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '+' || c == '#'))
}

/// Canonical skills in `item` (one entry of a skills list), in order of appearance.
fn match_item(item: &str, out: &mut Vec<&'static str>) {
    let t = taxonomy();
    let lower = item.trim().to_lowercase();
    if lower.is_empty() {
        return;
    }
    if let Some(a) = t.aliases.iter().find(|a| a.text == lower) {
        if let Some(name) = t.names.get(a.skill) {
            out.push(name);
        }
        return;
    }
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for alias in t.aliases.iter().filter(|a| a.text.chars().count() >= 3) {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&alias.text) {
            let start = from + pos;
            let end = start + alias.text.len();
            if boundary_before(&lower, start) && boundary_after(&lower, end) {
                found.push((start, end, alias.skill));
            }
            from = start + alias.text.len().max(1);
            while from < lower.len() && !lower.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    slim_sort::sort_by(&mut found, |a, b| {
        a.0.cmp(&b.0).then((b.1 - b.0).cmp(&(a.1 - a.0)))
    });
    let mut covered = 0;
    for (start, end, skill) in found {
        if start < covered {
            continue;
        }
        covered = end;
        if let Some(name) = t.names.get(skill) {
            out.push(name);
        }
    }
}

/// Skills listed in a skills section's text. Items are separated by commas, semicolons,
/// bullets, pipes, tabs and line breaks; a `Label:` before an item is dropped.
pub(crate) fn from_section(text: &str) -> Vec<String> {
    let mut out: Vec<&'static str> = Vec::new();
    for item in text.split([',', ';', '|', '•', '·', '\t', '\n', '●', '▪', '◦', '–', '—'])
    {
        let item = item
            .trim()
            .trim_start_matches(['-', '*', '(', ' '])
            .trim_end_matches(['.', ')', ' ']);
        let item = match item.split_once(':') {
            Some((label, rest)) if label.split_whitespace().count() <= 3 => rest,
            _ => item,
        };
        // `Python (advanced)`, `Go (2 years)`: match the name, then the rest.
        match item.split_once('(') {
            Some((name, rest)) => {
                match_item(name, &mut out);
                match_item(rest.trim_end_matches(')'), &mut out);
            }
            None => match_item(item, &mut out),
        }
    }
    let mut seen = Vec::new();
    for s in out {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.into_iter().map(String::from).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_is_a_few_hundred_skills_with_unique_names() {
        let t = taxonomy();
        assert!(t.names.len() >= 300, "{}", t.names.len());
        let mut names: Vec<String> = t.names.iter().map(|n| n.to_lowercase()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate canonical names");
    }

    #[test]
    fn aliases_and_punctuation() {
        assert_eq!(
            from_section("JS, Postgres, C++, C#, .NET, Node.js, C, golang, k8s"),
            vec![
                "JavaScript",
                "PostgreSQL",
                "C++",
                "C#",
                ".NET",
                "Node.js",
                "C",
                "Go",
                "Kubernetes"
            ]
        );
    }

    #[test]
    fn whole_words_and_longest_alias() {
        assert_eq!(
            from_section("React Native and JavaScript"),
            vec!["React Native", "JavaScript"]
        );
        assert_eq!(
            from_section("Languages: Java; Apache Airflow\nMicrosoft Excel (advanced)"),
            vec!["Java", "Airflow", "Excel"]
        );
        // short aliases never match inside a phrase
        assert_eq!(from_section("Go to market strategy"), Vec::<String>::new());
    }

    #[test]
    fn canonical_lookup() {
        assert_eq!(canonical("postgres"), Some("PostgreSQL"));
        assert_eq!(canonical("Scikit-Learn"), Some("Scikit-learn"));
        assert_eq!(canonical("underwater basket weaving"), None);
    }
}
