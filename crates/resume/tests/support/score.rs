//! Scoring the extractor and parser against the fixture corpus in
//! `tests/fixtures/resumes/` (its `manifest.json`, and per file the ground-truth
//! `<name>.json` and `<name>.txt`). Shared by `examples/accuracy.rs` and `tests/corpus.rs`.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use resume::{Education, Experience, Resume};

#[derive(serde::Deserialize, Clone, Debug)]
pub struct Entry {
    pub file: String,
    pub producer: String,
    pub layout: String,
    pub lang: String,
    pub expect_error: Option<String>,
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/resumes")
}

pub fn manifest() -> Result<Vec<Entry>, String> {
    let path = corpus_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn stem(file: &str) -> &str {
    file.strip_suffix(".pdf").unwrap_or(file)
}

pub fn truth(entry: &Entry) -> Result<Resume, String> {
    let path = corpus_dir().join(format!("{}.json", stem(&entry.file)));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn truth_text(entry: &Entry) -> Option<String> {
    std::fs::read_to_string(corpus_dir().join(format!("{}.txt", stem(&entry.file)))).ok()
}

pub fn pdf(entry: &Entry) -> Result<Vec<u8>, String> {
    let path = corpus_dir().join(&entry.file);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Lowercase words (letters and digits), as a multiset.
pub fn words(text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *out.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    out
}

/// Share of the ground truth's words the extracted text has (multiset recall).
pub fn word_recall(truth: &str, got: &str) -> (usize, usize) {
    let t = words(truth);
    let g = words(got);
    let total: usize = t.values().sum();
    let hit: usize = t
        .iter()
        .map(|(w, n)| (*n).min(g.get(w).copied().unwrap_or(0)))
        .sum();
    (hit, total)
}

#[derive(Default, Clone, Copy, Debug)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn scalar(&mut self, got: Option<String>, want: Option<String>) {
        match (got, want) {
            (Some(g), Some(w)) if g == w => self.tp += 1,
            (Some(_), Some(_)) => {
                self.fp += 1;
                self.fn_ += 1;
            }
            (Some(_), None) => self.fp += 1,
            (None, Some(_)) => self.fn_ += 1,
            (None, None) => {}
        }
    }
    fn set(&mut self, got: &[String], want: &[String]) {
        let tp = got.iter().filter(|g| want.contains(g)).count();
        self.tp += tp;
        self.fp += got.len() - tp;
        self.fn_ += want.iter().filter(|w| !got.contains(w)).count();
    }
}

fn squash(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    })
}

fn digits(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.chars().filter(char::is_ascii_digit).collect())
}

/// Summaries match when 90 % of the truth's words are there and little else is.
fn summary_match(got: &Option<String>, want: &Option<String>) -> (Option<String>, Option<String>) {
    match (got, want) {
        (Some(g), Some(w)) => {
            let (hit, total) = word_recall(w, g);
            let (hit2, total2) = word_recall(g, w);
            let ok = hit * 10 >= total * 9 && hit2 * 10 >= total2 * 9;
            (
                Some(if ok { "=".into() } else { g.clone() }),
                Some("=".into()),
            )
        }
        (g, w) => (g.clone(), w.clone()),
    }
}

pub const FIELDS: &[&str] = &[
    "full_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "location",
    "links",
    "summary",
    "skills",
    "experience.title",
    "experience.company",
    "experience.start",
    "experience.end",
    "education.institution",
    "education.degree",
    "education.field",
    "education.year",
];

pub type Score = BTreeMap<&'static str, Counts>;

fn exp_key(e: &Experience) -> (Option<String>, Option<String>) {
    (squash(&e.title), squash(&e.company))
}

fn edu_key(e: &Education) -> (Option<String>, Option<String>) {
    (squash(&e.institution), squash(&e.degree))
}

/// Pairs each truth entry with the unused predicted entry that agrees with it on most of
/// `key`'s two fields (at least one), in truth order.
fn align<T, K: PartialEq>(
    got: &[T],
    want: &[T],
    key: impl Fn(&T) -> (Option<K>, Option<K>),
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut used = vec![false; got.len()];
    let mut pairs = Vec::new();
    for (wi, w) in want.iter().enumerate() {
        let wk = key(w);
        let best = got
            .iter()
            .enumerate()
            .filter(|(gi, _)| !used[*gi])
            .map(|(gi, g)| {
                let gk = key(g);
                let s = usize::from(gk.0.is_some() && gk.0 == wk.0)
                    + usize::from(gk.1.is_some() && gk.1 == wk.1);
                (gi, s)
            })
            .filter(|(_, s)| *s > 0)
            .max_by_key(|(gi, s)| (*s, usize::MAX - gi));
        match best {
            Some((gi, _)) => {
                used[gi] = true;
                pairs.push((Some(gi), Some(wi)));
            }
            None => pairs.push((None, Some(wi))),
        }
    }
    // Unpaired predictions: pair them with unpaired truth entries in order, else alone.
    let mut lonely_truth: Vec<usize> = pairs
        .iter()
        .filter(|(g, _)| g.is_none())
        .filter_map(|(_, w)| *w)
        .collect();
    pairs.retain(|(g, _)| g.is_some());
    for (gi, u) in used.iter().enumerate() {
        if !*u {
            if lonely_truth.is_empty() {
                pairs.push((Some(gi), None));
            } else {
                pairs.push((Some(gi), Some(lonely_truth.remove(0))));
            }
        }
    }
    pairs.extend(lonely_truth.into_iter().map(|w| (None, Some(w))));
    pairs
}

pub fn score(got: &Resume, want: &Resume, into: &mut Score) {
    let mut add = |f: &'static str, g: Option<String>, w: Option<String>| {
        into.entry(f).or_default().scalar(g, w)
    };
    add("full_name", squash(&got.full_name), squash(&want.full_name));
    add(
        "first_name",
        squash(&got.first_name),
        squash(&want.first_name),
    );
    add("last_name", squash(&got.last_name), squash(&want.last_name));
    add("email", squash(&got.email), squash(&want.email));
    add("phone", digits(&got.phone), digits(&want.phone));
    add("location", squash(&got.location), squash(&want.location));
    let (g, w) = summary_match(&got.summary, &want.summary);
    add("summary", g, w);
    let links = |r: &Resume| -> Vec<String> {
        r.links
            .iter()
            .map(|l| resume::normalize_link(l).to_lowercase())
            .collect()
    };
    into.entry("links")
        .or_default()
        .set(&links(got), &links(want));
    let skills =
        |r: &Resume| -> Vec<String> { r.skills.iter().map(|s| s.to_lowercase()).collect() };
    into.entry("skills")
        .or_default()
        .set(&skills(got), &skills(want));

    let none = Experience::default();
    for (g, w) in align(&got.experience, &want.experience, exp_key) {
        let g = g.and_then(|i| got.experience.get(i)).unwrap_or(&none);
        let w = w.and_then(|i| want.experience.get(i)).unwrap_or(&none);
        into.entry("experience.title")
            .or_default()
            .scalar(squash(&g.title), squash(&w.title));
        into.entry("experience.company")
            .or_default()
            .scalar(squash(&g.company), squash(&w.company));
        into.entry("experience.start")
            .or_default()
            .scalar(g.start.clone(), w.start.clone());
        into.entry("experience.end")
            .or_default()
            .scalar(g.end.clone(), w.end.clone());
    }
    let none = Education::default();
    for (g, w) in align(&got.education, &want.education, edu_key) {
        let g = g.and_then(|i| got.education.get(i)).unwrap_or(&none);
        let w = w.and_then(|i| want.education.get(i)).unwrap_or(&none);
        into.entry("education.institution")
            .or_default()
            .scalar(squash(&g.institution), squash(&w.institution));
        into.entry("education.degree")
            .or_default()
            .scalar(squash(&g.degree), squash(&w.degree));
        into.entry("education.field")
            .or_default()
            .scalar(squash(&g.field), squash(&w.field));
        into.entry("education.year")
            .or_default()
            .scalar(g.year.map(|y| y.to_string()), w.year.map(|y| y.to_string()));
    }
}

/// One file's run.
pub struct FileRun {
    pub entry: Entry,
    pub result: Result<resume::Extracted, resume::ExtractError>,
    pub elapsed: Duration,
    pub word_recall: Option<(usize, usize)>,
    pub parsed: Option<Resume>,
}

pub fn run_corpus() -> Result<Vec<FileRun>, String> {
    let mut out = Vec::new();
    for entry in manifest()? {
        let bytes = pdf(&entry)?;
        let t0 = Instant::now();
        let result = resume::extract(&bytes);
        let elapsed = t0.elapsed();
        let (word_recall, parsed) = match (&result, truth_text(&entry)) {
            (Ok(x), Some(t)) => (Some(word_recall(&t, &x.text)), Some(resume::parse(&x.text))),
            (Ok(x), None) => (None, Some(resume::parse(&x.text))),
            _ => (None, None),
        };
        out.push(FileRun {
            entry,
            result,
            elapsed,
            word_recall,
            parsed,
        });
    }
    Ok(out)
}

/// Field scores over every file that extracted.
pub fn field_scores(runs: &[FileRun]) -> Result<Score, String> {
    let mut total = Score::new();
    for run in runs {
        if let Some(parsed) = &run.parsed {
            score(parsed, &truth(&run.entry)?, &mut total);
        }
    }
    Ok(total)
}
