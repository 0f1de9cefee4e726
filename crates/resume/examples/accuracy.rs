//! Extractor word recall and parser precision/recall per field over the fixture corpus.
//!
//!     cargo run -p resume --release --example accuracy            # summary tables
//!     cargo run -p resume --release --example accuracy -- -v      # plus per-file diffs
//!
//! Word recall: share of the ground-truth text's words (`<name>.txt`) found in the
//! extracted text. Field scores: a scalar field is a true positive when it equals the
//! truth (names and companies case- and space-insensitively, phones by digits, links
//! canonicalised); list fields (skills, links) count each element; experience and
//! education entries are paired with the truth first.

#[path = "../tests/support/score.rs"]
mod score;

fn main() {
    let verbose = std::env::args().any(|a| a == "-v");
    let runs = match score::run_corpus() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("accuracy: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "{:<44} {:<26} {:>7} {:>9} {:>11}  result",
        "file", "producer", "pages", "ms", "word recall"
    );
    let (mut hit, mut total) = (0, 0);
    for r in &runs {
        let ms = r.elapsed.as_secs_f64() * 1000.0;
        match &r.result {
            Ok(x) => {
                let (h, t) = r.word_recall.unwrap_or((0, 0));
                hit += h;
                total += t;
                let recall = if t == 0 { 1.0 } else { h as f64 / t as f64 };
                println!(
                    "{:<44} {:<26} {:>7} {:>9.2} {:>10.1}%  {}",
                    r.entry.file,
                    r.entry.producer,
                    x.page_count,
                    ms,
                    recall * 100.0,
                    x.strategy.as_str()
                );
            }
            Err(e) => {
                let expected = r.entry.expect_error.as_deref() == Some(e.code());
                println!(
                    "{:<44} {:<26} {:>7} {:>9.2} {:>11}  {} {}",
                    r.entry.file,
                    r.entry.producer,
                    "-",
                    ms,
                    "-",
                    e.code(),
                    if expected {
                        "(expected)"
                    } else {
                        "(UNEXPECTED)"
                    }
                );
            }
        }
    }
    println!(
        "\nextractor word recall over the corpus: {:.2}% ({hit}/{total} words)\n",
        100.0 * hit as f64 / total.max(1) as f64
    );

    let scores = match score::field_scores(&runs) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("accuracy: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "{:<24} {:>5} {:>5} {:>5} {:>10} {:>8}",
        "field", "tp", "fp", "fn", "precision", "recall"
    );
    for field in score::FIELDS {
        let c = scores.get(field).copied().unwrap_or_default();
        println!(
            "{:<24} {:>5} {:>5} {:>5} {:>9.1}% {:>7.1}%",
            field,
            c.tp,
            c.fp,
            c.fn_,
            c.precision() * 100.0,
            c.recall() * 100.0
        );
    }

    if verbose {
        for r in &runs {
            let (Some(parsed), Ok(truth)) = (&r.parsed, score::truth(&r.entry)) else {
                continue;
            };
            let mut one = score::Score::new();
            score::score(parsed, &truth, &mut one);
            let misses: Vec<String> = one
                .iter()
                .filter(|(_, c)| c.fp + c.fn_ > 0)
                .map(|(f, c)| format!("{f} (fp {} fn {})", c.fp, c.fn_))
                .collect();
            if !misses.is_empty() {
                println!("\n== {}: {}", r.entry.file, misses.join(", "));
                println!(
                    "parsed: {}",
                    serde_json::to_string_pretty(parsed).unwrap_or_default()
                );
            }
        }
    }
}
