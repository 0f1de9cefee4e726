//! What the caller sent: a PDF uploaded as `multipart/form-data` (field `file`, optional
//! text field `extractor`), or JSON `{"storage_path", "extractor"?}` naming an object in
//! the `resumes` bucket. Checked here before anything is recorded, so bad input never
//! leaves a job behind.

use resume_pipeline::storage::MAX_FILE_BYTES;
use serde::Deserialize;
use serde_json::json;
use shared::{ApiError, Form, Part, Request};

/// The multipart body around a 10 MiB file (boundaries, part headers, other fields).
pub const MULTIPART_OVERHEAD: usize = 256 * 1024;
/// What `js::serve_with` reads at most; the file itself is held to [`MAX_FILE_BYTES`].
pub const BODY_LIMIT: usize = MAX_FILE_BYTES + MULTIPART_OVERHEAD;

/// Which extractor the caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    /// Ours; PDF.co only for a file with no text layer, when a key is set.
    #[default]
    Auto,
    /// Ours only: a file with no text layer fails with 422 `no_text_layer`.
    Builtin,
    /// PDF.co (OCR), whatever the file; 422 `extractor_not_configured` without a key.
    Pdfco,
}

impl Choice {
    fn parse(value: &str) -> Result<Choice, ApiError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Ok(Choice::Auto),
            "builtin" => Ok(Choice::Builtin),
            "pdfco" => Ok(Choice::Pdfco),
            _ => Err(ApiError::bad_request(
                "invalid_extractor",
                "extractor must be auto, builtin or pdfco",
            )
            .with_details(json!({ "field": "extractor" }))),
        }
    }
}

/// Where the PDF comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Upload {
        file_name: Option<String>,
        bytes: Vec<u8>,
    },
    /// Not yet checked against the caller's tenant (that needs the caller).
    Stored { path: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub source: Source,
    pub extractor: Choice,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "ProcessResumeInput", optional_fields)
)]
pub struct JsonInput {
    storage_path: String,
    #[serde(default)]
    extractor: Option<String>,
}

impl Input {
    /// 400 / 413 / 415 for what cannot be a resume request.
    /// The input of `req`; an uploaded file is moved out of it, not copied.
    pub fn parse(req: &mut Request) -> Result<Input, ApiError> {
        let multipart = req.content_type().as_deref() == Some("multipart/form-data");
        if !multipart && req.bytes().iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(
                "body_required",
                "Send the PDF as multipart/form-data (field `file`) or JSON {\"storage_path\"}",
            ));
        }
        match req.content_type().as_deref() {
            Some("multipart/form-data") => Input::from_form(req.take_form()?),
            Some(ct) if ct == "application/json" || ct.ends_with("+json") => Input::from_json(req),
            _ => Err(ApiError::UnsupportedMediaType {
                expected: "multipart/form-data or application/json",
            }),
        }
    }

    fn from_json(req: &Request) -> Result<Input, ApiError> {
        let body: JsonInput = req.json_object()?;
        if body.storage_path.trim().is_empty() {
            return Err(
                ApiError::bad_request("invalid_path", "storage_path is empty")
                    .with_details(json!({ "field": "storage_path" })),
            );
        }
        Ok(Input {
            source: Source::Stored {
                path: body.storage_path,
            },
            extractor: Choice::parse(body.extractor.as_deref().unwrap_or(""))?,
        })
    }

    fn from_form(mut form: Form) -> Result<Input, ApiError> {
        let extractor = Choice::parse(form.text("extractor").unwrap_or(""))?;
        let sent_as_text = form.parts.iter().any(|p| p.name == "file");
        let index = form
            .parts
            .iter()
            .position(|p| p.name == "file" && p.filename.is_some())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "file_required",
                    if sent_as_text {
                        "The field `file` must be a file (a PDF), not text"
                    } else {
                        "A multipart field `file` with the PDF is required"
                    },
                )
                .with_details(json!({ "field": "file" }))
            })?;
        // Moved out, not copied: a resume may be 10 MiB and the isolate has 256 MB.
        let file = form.parts.swap_remove(index);
        checked_pdf(&file.bytes)?;
        Ok(Input {
            source: Source::Upload {
                file_name: file_name(&file),
                bytes: file.bytes,
            },
            extractor,
        })
    }
}

fn file_name(part: &Part) -> Option<String> {
    part.filename
        .as_deref()
        .map(|n| {
            n.trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(255)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty() && n != "blob")
}

/// The bytes, if they can be a resume PDF: not empty, at most 10 MiB, and a PDF by their
/// own header (the declared content type of a file part is whatever the browser guessed).
pub fn checked_pdf(bytes: &[u8]) -> Result<&[u8], ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad_request("empty_file", "The file is empty")
            .with_details(json!({ "field": "file" })));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    // The header may follow a little junk: PDF readers look in the first 1 KB.
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/pdf",
        });
    }
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use shared::{Form, Method};

    fn form(parts: Vec<Part>) -> Request {
        Request::new(Method::Post, "/process-resume")
            .unwrap()
            .with_header("content-type", "multipart/form-data; boundary=x")
            .with_form(Form { parts })
    }

    fn file(name: &str, bytes: &[u8]) -> Part {
        Part {
            name: name.into(),
            filename: Some("cv.pdf".into()),
            content_type: Some("application/pdf".into()),
            bytes: bytes.to_vec(),
        }
    }

    fn text(name: &str, value: &str) -> Part {
        Part {
            name: name.into(),
            filename: None,
            content_type: None,
            bytes: value.as_bytes().to_vec(),
        }
    }

    fn err(r: Result<Input, ApiError>) -> (u16, String) {
        let e = r.unwrap_err();
        (e.status(), e.code().to_owned())
    }

    #[test]
    fn a_pdf_upload_with_an_extractor() {
        let input = Input::parse(&mut form(vec![
            file("file", b"%PDF-1.7 ..."),
            text("extractor", "PDFco"),
        ]))
        .unwrap();
        assert_eq!(input.extractor, Choice::Pdfco);
        assert_eq!(
            input.source,
            Source::Upload {
                file_name: Some("cv.pdf".into()),
                bytes: b"%PDF-1.7 ...".to_vec()
            }
        );
    }

    #[test]
    fn uploads_that_cannot_be_a_resume() {
        assert_eq!(
            err(Input::parse(&mut form(vec![]))),
            (400, "file_required".into())
        );
        assert_eq!(
            err(Input::parse(&mut form(vec![text("file", "%PDF-")]))),
            (400, "file_required".into())
        );
        assert_eq!(
            err(Input::parse(&mut form(vec![file("file", b"")]))),
            (400, "empty_file".into())
        );
        assert_eq!(
            err(Input::parse(&mut form(vec![file(
                "file",
                b"PK\x03\x04 a zip"
            )]))),
            (415, "unsupported_media_type".into())
        );
        let big = [b"%PDF-".as_slice(), &vec![b' '; MAX_FILE_BYTES]].concat();
        assert_eq!(
            err(Input::parse(&mut form(vec![file("file", &big)]))),
            (413, "payload_too_large".into())
        );
        assert_eq!(
            err(Input::parse(&mut form(vec![
                file("file", b"%PDF-"),
                text("extractor", "tesseract")
            ]))),
            (400, "invalid_extractor".into())
        );
    }

    #[test]
    fn json_names_a_stored_file() {
        let req = |v: serde_json::Value| {
            Request::new(Method::Post, "/process-resume")
                .unwrap()
                .with_json(&v)
        };
        let input =
            Input::parse(&mut req(serde_json::json!({ "storage_path": "t/cv.pdf" }))).unwrap();
        assert_eq!(
            (input.source, input.extractor),
            (
                Source::Stored {
                    path: "t/cv.pdf".into()
                },
                Choice::Auto
            )
        );
        assert_eq!(
            err(Input::parse(&mut req(
                serde_json::json!({ "storage_path": " " })
            ))),
            (400, "invalid_path".into())
        );
        assert_eq!(
            err(Input::parse(&mut req(
                serde_json::json!({ "path": "t/cv.pdf" })
            ))),
            (400, "invalid_body".into())
        );
        assert_eq!(
            err(Input::parse(&mut req(serde_json::json!([])))),
            (400, "invalid_body".into())
        );
        let mut plain = Request::new(Method::Post, "/process-resume")
            .unwrap()
            .with_body("text/plain", "hello");
        assert_eq!(
            err(Input::parse(&mut plain)),
            (415, "unsupported_media_type".into())
        );
        let mut empty = Request::new(Method::Post, "/process-resume").unwrap();
        assert_eq!(err(Input::parse(&mut empty)), (400, "body_required".into()));
        let mut empty_text = Request::new(Method::Post, "/process-resume")
            .unwrap()
            .with_body("text/plain", "");
        assert_eq!(
            err(Input::parse(&mut empty_text)),
            (400, "body_required".into())
        );
    }
}
