//! Requests for process-resume's native tests, over `resume_pipeline::testing`'s World.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

pub use resume_pipeline::testing::*;
use serde_json::Value;
use shared::{Form, Method, Part, Request, Response};

/// A file of the fixture corpus (tests/fixtures/resumes).
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../tests/fixtures/resumes/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// `POST /process-resume` as multipart with `file` (and `extractor` when given).
pub fn upload(bytes: &[u8], token: Option<&str>, extractor: Option<&str>) -> Request {
    let mut parts = vec![Part {
        name: "file".into(),
        filename: Some("cv.pdf".into()),
        content_type: Some("application/pdf".into()),
        bytes: bytes.to_vec(),
    }];
    if let Some(e) = extractor {
        parts.push(Part {
            name: "extractor".into(),
            filename: None,
            content_type: None,
            bytes: e.as_bytes().to_vec(),
        });
    }
    let req = Request::new(Method::Post, "http://localhost/process-resume")
        .unwrap()
        .with_header("content-type", "multipart/form-data; boundary=test")
        .with_form(Form { parts });
    match token {
        Some(t) => req.with_header("authorization", format!("Bearer {t}")),
        None => req,
    }
}

/// `POST /process-resume` as JSON.
pub fn stored(body: Value, token: Option<&str>) -> Request {
    post_json("process-resume", body, token)
}

pub fn run(req: Request, world: &Rc<RefCell<World>>, vendors: Vendors) -> Response {
    call(
        process_resume::run,
        process_resume::ERRORS,
        Ok(req),
        world,
        vendors,
    )
}

pub fn owner_a() -> String {
    token(TENANT_A, "owner")
}

/// The body of a 200.
pub fn ok(response: &Response) -> Value {
    let body = response.json_body().unwrap();
    assert_eq!(response.status(), 200, "{body}");
    body
}
