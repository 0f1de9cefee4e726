//! `multipart/form-data` bodies (RFC 7578), parsed in place in wasm memory.
//!
//! A resume upload is one 10 MiB file part. Parsing it through the runtime's
//! `Response.formData()` copied it three times into JS memory (the body, the `File`, its
//! `ArrayBuffer`) and once more back into wasm, and an isolate's JS garbage is collected
//! late: RSS climbed with every upload. Here the largest part keeps the body's own
//! allocation (the bytes before it are shifted out, nothing is copied into a new buffer);
//! the other parts, small fields, are copied.
//!
//! What browsers, `fetch` and supabase-js send: parts separated by `--<boundary>` lines,
//! each with `Content-Disposition: form-data; name="..."[; filename="..."]` and an
//! optional `Content-Type`, a blank line, the content, then `\r\n--<boundary>`; the last
//! boundary ends with `--`. Bare `\n` line ends are accepted too. Names and file names
//! are taken as sent (browsers percent-encode `"`, CR and LF in them).

use crate::error::ApiError;
use crate::request::{Form, Part};

fn malformed() -> ApiError {
    ApiError::bad_request(
        "invalid_multipart",
        "The multipart body could not be parsed",
    )
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty() && value.len() <= 70).then(|| value.to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// One part's headers and where its content lies in the body.
struct Span {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    start: usize,
    end: usize,
}

/// The value of `key` among `; key="value"` parameters (quoted or not).
fn param(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    while let Some(semi) = rest.find(';') {
        rest = rest[semi + 1..].trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim();
        let after = &rest[eq + 1..];
        let (value, tail) = match after.strip_prefix('"') {
            Some(quoted) => {
                let close = quoted.find('"')?;
                (&quoted[..close], &quoted[close + 1..])
            }
            None => {
                let stop = after.find(';').unwrap_or(after.len());
                (after[..stop].trim(), &after[stop..])
            }
        };
        if name.eq_ignore_ascii_case(key) {
            return Some(value.to_owned());
        }
        rest = tail;
    }
    None
}

/// Parse `body` (taken, so its allocation can become the largest part's bytes).
pub fn parse(mut body: Vec<u8>, content_type: &str) -> Result<Form, ApiError> {
    let boundary = boundary(content_type).ok_or_else(malformed)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let line_delimiter = format!("\n--{boundary}").into_bytes();

    // The first delimiter opens the first part (anything before it is a preamble).
    let mut at = find(&body, &delimiter, 0).ok_or_else(malformed)? + delimiter.len();
    let mut spans = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            break; // the closing delimiter
        }
        // The rest of the delimiter line, then the headers up to a blank line.
        let line_end = find(&body, b"\n", at).ok_or_else(malformed)?;
        let mut headers_at = line_end + 1;
        let mut span = Span {
            name: String::new(),
            filename: None,
            content_type: None,
            start: 0,
            end: 0,
        };
        let mut disposition = false;
        loop {
            let end = find(&body, b"\n", headers_at).ok_or_else(malformed)?;
            let line = &body[headers_at..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            headers_at = end + 1;
            if line.is_empty() {
                break;
            }
            let line = std::str::from_utf8(line).map_err(|_| malformed())?;
            let (name, value) = line.split_once(':').ok_or_else(malformed)?;
            if name.trim().eq_ignore_ascii_case("content-disposition") {
                if !value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("form-data")
                {
                    return Err(malformed());
                }
                span.name = param(value, "name").ok_or_else(malformed)?;
                span.filename = param(value, "filename");
                disposition = true;
            } else if name.trim().eq_ignore_ascii_case("content-type") {
                span.content_type = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            }
        }
        if !disposition {
            return Err(malformed());
        }
        // The content runs to the line end before the next delimiter, which starts a
        // line (the same bytes mid-line are content).
        let next = if body[headers_at..].starts_with(&delimiter) {
            headers_at
        } else {
            find(&body, &line_delimiter, headers_at).ok_or_else(malformed)? + 1
        };
        let mut end = next;
        if end > headers_at && body[end - 1] == b'\n' {
            end -= 1;
            if end > headers_at && body[end - 1] == b'\r' {
                end -= 1;
            }
        }
        span.start = headers_at;
        span.end = end;
        spans.push(span);
        at = next + delimiter.len();
    }

    // Small parts are copied; the largest keeps the body's allocation.
    let largest = spans
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| s.end - s.start)
        .map(|(i, _)| i);
    let mut parts: Vec<Part> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| Part {
            name: s.name.clone(),
            filename: s.filename.clone(),
            content_type: s.content_type.clone(),
            bytes: if Some(i) == largest {
                Vec::new()
            } else {
                body[s.start..s.end].to_vec()
            },
        })
        .collect();
    if let Some(i) = largest {
        body.truncate(spans[i].end);
        body.drain(..spans[i].start);
        parts[i].bytes = body;
    }
    Ok(Form { parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=----formdata-deno-123";

    /// A part to write: name, file name, content type, content.
    type TestPart<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

    fn body(parts: &[TestPart<'_>]) -> Vec<u8> {
        let mut out = b"preamble ignored\r\n".to_vec();
        for (name, filename, content_type, content) in parts {
            out.extend_from_slice(b"------formdata-deno-123\r\n");
            let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
            if let Some(f) = filename {
                disposition.push_str(&format!("; filename=\"{f}\""));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(ct) = content_type {
                out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"------formdata-deno-123--\r\n");
        out
    }

    #[test]
    fn a_file_and_a_field_as_fetch_sends_them() {
        let pdf = b"%PDF-1.7\r\n--not a boundary\r\nmid-line ------formdata-deno-123 is content\x00\xff\r\n%%EOF".to_vec();
        let form = parse(
            body(&[
                ("extractor", None, None, b"builtin"),
                ("file", Some("Amélie CV.pdf"), Some("application/pdf"), &pdf),
            ]),
            CT,
        )
        .unwrap();
        assert_eq!(form.text("extractor"), Some("builtin"));
        let file = form.file("file").unwrap();
        assert_eq!(
            file.bytes, pdf,
            "content kept byte for byte, CRLFs inside included"
        );
        assert_eq!(file.filename.as_deref(), Some("Amélie CV.pdf"));
        assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(form.parts.len(), 2);
    }

    #[test]
    fn the_largest_part_keeps_the_body_allocation() {
        let content = vec![b'x'; 100_000];
        let raw = body(&[
            ("a", None, None, b"small"),
            ("file", Some("f.pdf"), None, &content),
        ]);
        let before = raw.as_ptr();
        let form = parse(raw, CT).unwrap();
        let file = form.file("file").unwrap();
        assert_eq!(file.bytes.len(), 100_000);
        assert_eq!(
            file.bytes.as_ptr(),
            before,
            "moved within its buffer, not copied out"
        );
    }

    #[test]
    fn quoted_boundaries_empty_parts_and_bare_newlines() {
        let raw = b"--xyz\nContent-Disposition: form-data; name=\"empty\"\n\n\n--xyz\ncontent-disposition: form-data; name=file; filename=\"a.pdf\"\n\n%PDF\n--xyz--".to_vec();
        let form = parse(raw, "multipart/form-data; charset=utf-8; boundary=\"xyz\"").unwrap();
        assert_eq!(form.text("empty"), Some(""));
        assert_eq!(form.file("file").unwrap().bytes, b"%PDF");
    }

    #[test]
    fn malformed_bodies_are_invalid_multipart() {
        let good = body(&[("file", Some("f.pdf"), None, b"%PDF")]);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (good.clone(), "multipart/form-data"),
            (good.clone(), "multipart/form-data; boundary=other"),
            (good[..good.len() - 30].to_vec(), CT),
            (b"------formdata-deno-123\r\nContent-Type: text/plain\r\n\r\nx\r\n------formdata-deno-123--".to_vec(), CT),
            (b"------formdata-deno-123\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n------formdata-deno-123--".to_vec(), CT),
            (b"------formdata-deno-123\r\nContent-Disposition: form-data\r\n\r\nx\r\n------formdata-deno-123--".to_vec(), CT),
            (Vec::new(), CT),
        ];
        for (raw, content_type) in cases {
            let err = parse(raw.clone(), content_type).unwrap_err();
            assert_eq!(
                (err.status(), err.code()),
                (400, "invalid_multipart"),
                "{}",
                String::from_utf8_lossy(&raw)
            );
        }
    }

    #[test]
    fn a_form_without_parts_is_empty() {
        let form = parse(b"------formdata-deno-123--\r\n".to_vec(), CT).unwrap();
        assert!(form.parts.is_empty());
    }
}
