//! No function writes an error body by hand: every `{"error": {...}}` a function answers
//! comes from `ApiError` (`shared/src/error.rs`), so its status, code, headers and shape
//! are decided in one place. (`Response`'s public constructors make only 2xx answers, so
//! an error *status* cannot be written elsewhere either; this test covers a hand-written
//! error *body*, which could still hide in a 200.)
//!
//! Scans the non-test code of every function crate, every crate under `crates/` and
//! `shared` itself, but `error.rs`, test modules in their own files (`tests.rs`) and the
//! test helpers (`testing.rs`, `testing/`: their vendor fakes answer in the vendors' own
//! error shapes).

use std::fs;
use std::path::{Path, PathBuf};

/// Where `text` writes a JSON object under the key `error`: `"error": {` in a `json!`
/// or `\"error\":{` / `"error":{` in a string literal. `{"type": "error", ...}` or
/// `"error": code` (a field holding a code) are not error bodies.
fn hand_written_error_bodies(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("error") {
        let before = &text[..at];
        if !(before.ends_with('"') || before.ends_with("\\\"")) {
            continue;
        }
        let rest = text[at + "error".len()..]
            .strip_prefix("\\\"")
            .or_else(|| text[at + "error".len()..].strip_prefix('"'));
        let Some(rest) = rest else { continue };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        if rest.trim_start().starts_with('{') {
            found.push(text[..at].lines().count());
        }
    }
    found
}

/// `source` without comment lines and `#[cfg(test)] mod … { … }` blocks (braces
/// counted; the test modules here hold no unbalanced brace in a string). Lines are
/// blanked, not removed, so reported lines match the file.
fn code_only(source: &str) -> String {
    let mut kept = String::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("//") {
            kept.push('\n');
            continue;
        }
        let is_test_module = line.trim() == "#[cfg(test)]"
            && lines
                .clone()
                .take(3)
                .any(|l| l.trim_start().starts_with("mod "));
        if !is_test_module {
            kept.push_str(line);
            kept.push('\n');
            continue;
        }
        let mut depth = 0i32;
        let mut opened = false;
        for line in lines.by_ref() {
            for c in line.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            kept.push('\n');
            if opened && depth == 0 {
                break;
            }
        }
        kept.push('\n');
    }
    kept
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_crate_writes_an_error_body_by_hand() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for group in ["functions", "crates"] {
        for krate in fs::read_dir(root.join(group)).unwrap().flatten() {
            rust_files(&krate.path().join("src"), &mut files);
        }
    }
    rust_files(&root.join("shared/src"), &mut files);
    let skipped = [
        "shared/src/error.rs",
        "/testing.rs",
        "/testing/",
        "/tests.rs",
        "/tests/",
    ];
    files.retain(|f| {
        let f = f.to_string_lossy();
        !skipped.iter().any(|s| f.contains(s))
    });
    assert!(
        files.len() > 50,
        "the scan found only {} files",
        files.len()
    );

    let mut offenders = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).unwrap();
        for line in hand_written_error_bodies(&code_only(&source)) {
            offenders.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "error bodies written by hand (return an ApiError instead): {offenders:#?}"
    );
}

#[test]
fn the_scan_sees_each_way_of_writing_one() {
    for written in [
        r#"json!({ "error": { "code": "x" } })"#,
        r#"json!({"error":{"code": "x"}})"#,
        r#"Response::ok(&json!({ "error" : {} }))"#,
        r##"r#"{"error":{"code":"x"}}"#"##,
        r#""{\"error\": {\"code\":\"x\"}}""#,
    ] {
        assert_eq!(hand_written_error_bodies(written), vec![1], "{written}");
    }
    for fine in [
        r#"json!({ "type": "error", "code": code })"#,
        r#"json!({ "state": "failed", "error": code })"#,
        r#"json!({ "status": "failed", "error": "ai_refused" })"#,
        "ApiError::internal(\"error: {x}\")",
    ] {
        assert_eq!(
            hand_written_error_bodies(fine),
            Vec::<usize>::new(),
            "{fine}"
        );
    }
}

#[test]
fn comments_and_test_modules_are_left_out_and_lines_kept() {
    let source = "//! {\"error\":{}}\nfn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() { json!({ \"error\": {} }); }\n}\nfn c() { json!({ \"error\": {} }); }\n";
    let kept = code_only(source);
    assert_eq!(hand_written_error_bodies(&kept), vec![7]);
}
