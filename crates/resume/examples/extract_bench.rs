//! Per-file extraction time of our extractor (native), for the bench script.
//!
//!     cargo run -p resume --release --example extract_bench -- [--runs N] [--out DIR] FILE.pdf...
//!
//! Prints one tab-separated line per file, after a header line:
//!     file  bytes  pages  runs  ms_min  ms_median  chars  result
//! `result` is `ok:<strategy>` or `error:<code>`. Each file is extracted once to warm up,
//! then `--runs` times (default 10). With `--out DIR`, the text of each file is written to
//! `DIR/<file stem>.txt` (an empty file for errors) so that word recall can be compared.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let mut runs = 10usize;
    let mut out: Option<PathBuf> = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(runs)
                    .max(1)
            }
            "--out" => out = args.next().map(PathBuf::from),
            _ => files.push(PathBuf::from(a)),
        }
    }
    if let Some(dir) = &out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("extract_bench: {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
    println!("file\tbytes\tpages\truns\tms_min\tms_median\tchars\tresult");
    for path in files {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("extract_bench: {}: {e}", path.display());
                continue;
            }
        };
        let first = resume::extract(&bytes);
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t0 = Instant::now();
                let _ = std::hint::black_box(resume::extract(std::hint::black_box(&bytes)));
                t0.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let min = times.first().copied().unwrap_or(0.0);
        let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (pages, chars, result, text) = match &first {
            Ok(x) => (
                x.page_count.to_string(),
                x.text.chars().count(),
                format!("ok:{}", x.strategy.as_str()),
                x.text.clone(),
            ),
            Err(e) => (
                "-".to_string(),
                0,
                format!("error:{}", e.code()),
                String::new(),
            ),
        };
        println!(
            "{name}\t{}\t{pages}\t{runs}\t{min:.3}\t{median:.3}\t{chars}\t{result}",
            bytes.len()
        );
        if let Some(dir) = &out {
            let stem = Path::new(&name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or(name.clone());
            if let Err(e) = std::fs::write(dir.join(format!("{stem}.txt")), text) {
                eprintln!("extract_bench: {e}");
            }
        }
    }
}
