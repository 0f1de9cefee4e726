#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! The extractor and parser over the generated fixture corpus (`tests/fixtures/resumes`):
//! typed errors where the manifest expects them, word recall per file, layout facts, and
//! per-field accuracy floors. The floors are what `examples/accuracy.rs` measured when
//! they were set, less a margin; see the note on each.

mod support;

use support::score;

fn runs() -> Vec<score::FileRun> {
    match score::run_corpus() {
        Ok(r) => r,
        Err(e) => panic!("corpus: {e}"),
    }
}

#[test]
fn corpus_has_the_promised_variety() {
    let m = score::manifest().unwrap_or_default();
    assert!(m.len() >= 12, "at least a dozen fixtures");
    let producers: std::collections::BTreeSet<&str> = m
        .iter()
        .map(|e| e.producer.split('-').next().unwrap_or(""))
        .collect();
    for p in [
        "libreoffice",
        "chromium",
        "reportlab",
        "groff",
        "enscript",
        "pdflatex",
        "pdftoppm+img2pdf",
    ] {
        assert!(producers.contains(p), "a fixture from {p}");
    }
    for layout in [
        "two-column",
        "multipage",
        "image-only",
        "spaced-headings",
        "drawn-out-of-order",
    ] {
        assert!(m.iter().any(|e| e.layout == layout), "a {layout} fixture");
    }
}

#[test]
fn expected_errors_and_successes() {
    for run in runs() {
        match (&run.result, run.entry.expect_error.as_deref()) {
            (Ok(_), None) => {}
            (Err(e), Some(code)) => assert_eq!(e.code(), code, "{}", run.entry.file),
            (Ok(_), Some(code)) => panic!("{}: extracted, expected {code}", run.entry.file),
            (Err(e), None) => panic!("{}: {e}", run.entry.file),
        }
    }
}

#[test]
fn every_text_layer_file_keeps_its_words() {
    // Measured: 100 % on every file. A file under 97 % has lost a line or a font.
    for run in runs() {
        if let Some((hit, total)) = run.word_recall {
            let recall = hit as f64 / total as f64;
            assert!(
                recall >= 0.97,
                "{}: word recall {:.1}% ({hit}/{total})",
                run.entry.file,
                recall * 100.0
            );
        }
    }
}

#[test]
fn layouts_are_read_in_order() {
    for run in runs() {
        let Ok(x) = &run.result else { continue };
        match run.entry.layout.as_str() {
            "multipage" => assert_eq!(x.page_count, 2, "{}", run.entry.file),
            "two-column" | "two-column-right-first" => {
                assert_eq!(
                    x.strategy,
                    resume::Strategy::LayoutColumns,
                    "{}",
                    run.entry.file
                );
                // The sidebar's skills come before the main column's experience, whole.
                let skills = x.text.find("Skills").or_else(|| x.text.find("SKILLS"));
                let exp = x
                    .text
                    .find("Experience")
                    .or_else(|| x.text.find("EXPERIENCE"));
                assert!(
                    skills.is_some() && exp.is_some() && skills < exp,
                    "{}:\n{}",
                    run.entry.file,
                    x.text
                );
            }
            "drawn-out-of-order" => {
                // Drawn skills first and summary last; read top to bottom.
                let summary = x.text.find("SUMMARY");
                let skills = x.text.find("SKILLS");
                assert!(
                    summary.is_some() && summary < skills,
                    "{}:\n{}",
                    run.entry.file,
                    x.text
                );
            }
            _ => assert_eq!(
                x.strategy,
                resume::Strategy::Layout,
                "{}: no columns expected",
                run.entry.file
            ),
        }
    }
}

#[test]
fn letter_spaced_headings_read_as_words() {
    for run in runs() {
        let Ok(x) = &run.result else { continue };
        if run.entry.file.starts_with("jose-muller") {
            assert!(x.text.contains("BERUFSERFAHRUNG"), "{}", x.text);
        }
        if run.entry.file.starts_with("sofia-rossi") {
            assert!(x.text.contains("EXPERIENCE"), "{}", x.text);
        }
    }
}

#[test]
fn fields_stay_above_their_floors() {
    let runs = runs();
    let scores = match score::field_scores(&runs) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    // Measured on this corpus: 100 % precision and recall on every field. The corpus is
    // small and the parser was written alongside it, so the floors leave room for one
    // miss per field rather than pretending to a general accuracy.
    let floors: &[(&str, f64, f64)] = &[
        ("full_name", 0.9, 0.9),
        ("email", 0.95, 0.95),
        ("phone", 0.9, 0.9),
        ("location", 0.85, 0.85),
        ("links", 0.9, 0.9),
        ("summary", 0.85, 0.85),
        ("skills", 0.95, 0.93),
        ("experience.title", 0.9, 0.9),
        ("experience.company", 0.9, 0.9),
        ("experience.start", 0.9, 0.9),
        ("experience.end", 0.9, 0.9),
        ("education.institution", 0.85, 0.85),
        ("education.degree", 0.85, 0.85),
        ("education.field", 0.85, 0.85),
        ("education.year", 0.85, 0.85),
    ];
    let mut failures = Vec::new();
    for (field, p, r) in floors {
        let c = scores.get(field).copied().unwrap_or_default();
        if c.tp == 0 || c.precision() < *p || c.recall() < *r {
            failures.push(format!(
                "{field}: precision {:.1}% (floor {:.0}%), recall {:.1}% (floor {:.0}%)",
                c.precision() * 100.0,
                p * 100.0,
                c.recall() * 100.0,
                r * 100.0
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_text_layer_resume_gets_name_email_phone_and_skills() {
    // The acceptance line, per file rather than on average.
    for run in runs() {
        let Some(p) = &run.parsed else { continue };
        let f = &run.entry.file;
        assert!(p.full_name.is_some(), "{f}: name");
        assert!(p.email.is_some(), "{f}: email");
        assert!(p.phone.is_some(), "{f}: phone");
        assert!(!p.skills.is_empty(), "{f}: skills");
        assert!(
            resume::validate(p).is_ok(),
            "{f}: {:?}",
            resume::validate(p)
        );
    }
}

#[test]
fn truncated_and_damaged_files_give_typed_errors_not_panics() {
    // The functions answer 4xx for these; a panic would trap the wasm and answer 500.
    for entry in score::manifest().unwrap_or_default() {
        let Ok(bytes) = score::pdf(&entry) else {
            continue;
        };
        for cut in [
            8,
            64,
            512,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() - 32,
        ] {
            let head = &bytes[..cut.min(bytes.len())];
            if let Err(e) = resume::extract(head) {
                assert!(
                    (400..500).contains(&e.status()),
                    "{} cut at {cut}: {e}",
                    entry.file
                );
            }
        }
        let mut flipped = bytes.clone();
        for i in (bytes.len() / 4..bytes.len()).step_by(97) {
            flipped[i] ^= 0x5A;
        }
        if let Err(e) = resume::extract(&flipped) {
            assert!(
                (400..500).contains(&e.status()),
                "{} damaged: {e}",
                entry.file
            );
        }
    }
}
