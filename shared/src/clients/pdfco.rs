//! PDF.co, after its API reference (https://docs.pdf.co/api-reference/pdf-to-text/simple,
//! `file-upload/generate-presigned-url`): text from a PDF, for files with no text layer
//! (OCR) or when a caller asks for it. Header `x-api-key: <PDFCO_API_KEY>`, base `PDFCO_BASE_URL`.
//!
//! [`PdfCo::extract_text`] = presigned upload (`GET /v1/file/upload/get-presigned-url`,
//! then `PUT` the bytes to `presignedUrl`, which is storage, not PDF.co: it gets no key)
//! → `POST /v1/pdf/convert/to/text` with `inline: true, async: false` → the text.
//!
//! PDF.co reports some failures in a 2xx body (`"error": true, "status": 4xx`): a body
//! with `error: true` is a failure whatever the HTTP status, and its `status` is the code
//! mapped ([`PdfCoError`]). The convert call (a POST) is retried here on 429/5xx/network
//! errors; the upload's GET and PUT are idempotent and retried by `cx.http` itself.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};

use super::vendor::{error_message, parse, upstream};
use super::{body_json, retry_after_secs, send_judged, Api, Client, VendorFailure};
use crate::config::{Config, Secret, Vendor};
use crate::error::ApiError;
use crate::http::{is_transient, HttpClient, HttpRequest, HttpResponse, TransportError};
use crate::request::Method;

const SERVICE: &str = "pdfco";

/// PDF.co gives up on a synchronous job at about 25 s (445); a little more for the trip.
pub const CONVERT_TIMEOUT: Duration = Duration::from_secs(40);

/// Which text PDF.co makes.
#[derive(Clone, Default, PartialEq)]
pub struct ConvertOptions {
    /// 0-based pages, e.g. `"0,2-5,7-"`; all when `None`.
    pub pages: Option<String>,
    /// For an encrypted PDF whose password the caller has.
    pub password: Option<Secret>,
    /// OCR language (`eng`, `deu`, …); PDF.co's default when `None`.
    pub lang: Option<String>,
    /// `/convert/to/text-simple`: no layout, no OCR, cheaper.
    pub simple: bool,
}

impl fmt::Debug for ConvertOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvertOptions")
            .field("pages", &self.pages)
            .field("password", &self.password)
            .field("lang", &self.lang)
            .field("simple", &self.simple)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PdfText {
    pub text: String,
    pub page_count: Option<u32>,
    /// Credits this call spent, and what the account has left (for the log / alerts).
    pub credits: Option<u64>,
    pub remaining_credits: Option<u64>,
}

#[derive(Deserialize)]
struct PresignedBody {
    #[serde(rename = "presignedUrl")]
    presigned_url: String,
    url: String,
}

#[derive(Deserialize)]
struct ConvertBody {
    #[serde(default)]
    body: Option<String>,
    #[serde(rename = "pageCount", default)]
    page_count: Option<u32>,
    #[serde(default)]
    credits: Option<u64>,
    #[serde(rename = "remainingCredits", default)]
    remaining_credits: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PdfCoError {
    /// What every vendor can answer. PDF.co's codes without a variant of their own (400
    /// bad params, 403, 404, 408, 414, 415, 443, 444, 446–449) are `Http`.
    Common(VendorFailure),
    /// 402: the account is out of credits. Ours to fix, not the caller's. → 502.
    NoCredits { message: String },
    /// 441: the PDF needs a password. → 422 `pdf_password_protected`.
    PasswordProtected,
    /// 442: damaged, or not a PDF. → 422 `pdf_damaged`.
    Damaged { message: String },
    /// 445: the synchronous job ran out of time (a big scan). → 502.
    Timeout,
    /// The `PUT` to the presigned URL failed. → 502.
    Upload { status: u16 },
}

impl From<VendorFailure> for PdfCoError {
    fn from(failure: VendorFailure) -> Self {
        PdfCoError::Common(failure)
    }
}

impl fmt::Display for PdfCoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfCoError::Common(failure) => fmt::Display::fmt(failure, f),
            PdfCoError::NoCredits { message } => write!(f, "no credits (402): {message}"),
            PdfCoError::PasswordProtected => f.write_str("password-protected PDF (441)"),
            PdfCoError::Damaged { message } => write!(f, "damaged PDF (442): {message}"),
            PdfCoError::Timeout => f.write_str("conversion timed out (445)"),
            PdfCoError::Upload { status } => write!(f, "upload PUT failed ({status})"),
        }
    }
}

impl std::error::Error for PdfCoError {}

impl From<PdfCoError> for ApiError {
    fn from(err: PdfCoError) -> Self {
        let status = match err {
            PdfCoError::Common(failure) => return failure.into_api_error(SERVICE, "PDFCO_API_KEY"),
            PdfCoError::PasswordProtected => {
                return ApiError::unprocessable(
                    "pdf_password_protected",
                    "The PDF is password-protected",
                )
            }
            PdfCoError::Damaged { .. } => {
                return ApiError::unprocessable("pdf_damaged", "The file is damaged or not a PDF")
            }
            PdfCoError::NoCredits { .. } => 402,
            PdfCoError::Timeout => 445,
            PdfCoError::Upload { status } => status,
        };
        upstream(SERVICE, Some(status), &err)
    }
}

/// The status PDF.co means: the body's `status` when the body says `error: true`
/// (a failure in a 200 is still a failure), else the HTTP status.
pub fn effective_status(response: &HttpResponse) -> u16 {
    let body = body_json(response);
    if body["error"] == json!(true) {
        let from_body = match &body["status"] {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        return from_body
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| *s >= 400)
            // `error: true` with no usable code: a failure all the same.
            .unwrap_or(if response.is_success() {
                500
            } else {
                response.status
            });
    }
    response.status
}

/// Retry the convert call on network errors, 429 and transient 5xx (by the effective status).
pub fn should_retry(outcome: &Result<HttpResponse, TransportError>) -> bool {
    match outcome {
        Err(_) => true,
        Ok(response) => is_transient(effective_status(response)),
    }
}

/// PdfCo's [`Api`]: its settings in [`Config`].
pub struct PdfCoApi;

impl Api for PdfCoApi {
    type Config = Vendor;
    const NAME: &'static str = "PdfCo";
    fn config(config: &Config) -> Option<&Vendor> {
        config.pdfco.as_ref()
    }
}

/// PDF.co: `PdfCo::from_context(cx)` is `None` without `PDFCO_API_KEY`: use our own
/// extractor.
pub type PdfCo<H = dyn HttpClient> = Client<PdfCoApi, H>;

impl<H: HttpClient + ?Sized> PdfCo<H> {
    /// Upload `bytes` and convert them: the text of a PDF we hold in memory.
    pub async fn extract_text(
        &self,
        name: &str,
        bytes: &[u8],
        options: &ConvertOptions,
    ) -> Result<PdfText, PdfCoError> {
        let url = self.upload(name, "application/pdf", bytes).await?;
        self.convert_to_text(&url, options).await
    }

    /// Presigned upload; answers the file's URL for PDF.co (valid about an hour).
    pub async fn upload(
        &self,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<String, PdfCoError> {
        let mut url = url::Url::parse(&format!(
            "{}/v1/file/upload/get-presigned-url",
            self.config.base_url
        ))
        .map_err(|e| VendorFailure::UnexpectedBody(format!("base URL: {e}")))?;
        url.query_pairs_mut()
            .append_pair("name", name)
            .append_pair("contenttype", content_type);
        let request = HttpRequest::get(url.as_str())
            .service(SERVICE)
            .header("x-api-key", self.config.api_key.expose());
        let response = self.checked(self.http.send(&request).await)?;
        let presigned: PresignedBody = serde_json::from_slice(&response.body)
            .map_err(|e| VendorFailure::UnexpectedBody(format!("presigned URL: {e}")))?;

        // Storage, not PDF.co: no key on this request.
        let put = HttpRequest::new(Method::Put, presigned.presigned_url)
            .service(SERVICE)
            .body(content_type, bytes.to_vec())
            .timeout(Duration::from_secs(60));
        match self.http.send(&put).await {
            Err(err) => Err(VendorFailure::Transport(err).into()),
            Ok(r) if r.is_success() => Ok(presigned.url),
            Ok(r) => Err(PdfCoError::Upload { status: r.status }),
        }
    }

    /// `POST /v1/pdf/convert/to/text` (or `text-simple`) of a file PDF.co can fetch.
    pub async fn convert_to_text(
        &self,
        url: &str,
        options: &ConvertOptions,
    ) -> Result<PdfText, PdfCoError> {
        let mut body = json!({ "url": url, "inline": true, "async": false });
        if let Some(pages) = &options.pages {
            body["pages"] = json!(pages);
        }
        if let Some(password) = &options.password {
            body["password"] = json!(password.expose());
        }
        if let Some(lang) = &options.lang {
            body["lang"] = json!(lang);
        }
        let endpoint = if options.simple {
            "text-simple"
        } else {
            "text"
        };
        let request = HttpRequest::post(format!(
            "{}/v1/pdf/convert/to/{endpoint}",
            self.config.base_url
        ))
        .service(SERVICE)
        .header("x-api-key", self.config.api_key.expose())
        .json(&body)
        .map_err(|e| VendorFailure::UnexpectedBody(e.to_string()))?
        .timeout(CONVERT_TIMEOUT);
        let outcome = send_judged(
            &*self.http,
            &*self.clock,
            &self.policy,
            &request,
            should_retry,
        )
        .await;
        let response = self.checked(outcome)?;
        let parsed: ConvertBody = parse(&response)?;
        Ok(PdfText {
            text: parsed
                .body
                .ok_or_else(|| VendorFailure::UnexpectedBody("no inline body".into()))?,
            page_count: parsed.page_count,
            credits: parsed.credits,
            remaining_credits: parsed.remaining_credits,
        })
    }

    /// A success by the HTTP status and by the body (`error: true` in a 200 is a failure).
    fn checked(
        &self,
        outcome: Result<HttpResponse, TransportError>,
    ) -> Result<HttpResponse, PdfCoError> {
        let response = outcome.map_err(VendorFailure::Transport)?;
        if response.is_success() && effective_status(&response) < 400 {
            Ok(response)
        } else {
            Err(self.error_from(&response))
        }
    }

    fn error_from(&self, response: &HttpResponse) -> PdfCoError {
        let message = error_message(response, &[&["message"]], &[&self.config.api_key]);
        match effective_status(response) {
            402 => PdfCoError::NoCredits { message },
            441 => PdfCoError::PasswordProtected,
            442 => PdfCoError::Damaged { message },
            445 => PdfCoError::Timeout,
            // One of PDF.co's many parameter codes, not a class of its own.
            status @ 400 => VendorFailure::Http {
                status,
                code: None,
                message,
            }
            .into(),
            status => {
                let retry_after = retry_after_secs(response, &*self.clock);
                VendorFailure::from_status(status, None, message, retry_after).into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::super::test_support::*;
    use super::*;
    use crate::testing::FakeHttp;

    const KEY: &str = "pdfco-test-key-123";

    fn client(http: &Rc<FakeHttp>) -> PdfCo<FakeHttp> {
        let config = Vendor {
            base_url: "http://pdfco.test".into(),
            api_key: Secret::new(KEY),
        };
        PdfCo::new(config, http.clone(), clock())
    }

    fn presigned() -> HttpResponse {
        json(
            200,
            json!({"presignedUrl": "http://storage.test/put/abc?sig=1", "url": "http://storage.test/files/abc/resume.pdf",
                   "error": false, "status": 200, "name": "resume.pdf", "remainingCredits": 100}),
        )
    }

    fn converted(text: &str) -> HttpResponse {
        json(
            200,
            json!({"body": text, "pageCount": 2, "error": false, "status": 200, "name": "resume.txt",
                   "credits": 4, "remainingCredits": 96, "duration": 512}),
        )
    }

    #[test]
    fn extract_text_uploads_then_converts() {
        let http = fake();
        http.push(Ok(presigned()));
        http.push(Ok(HttpResponse::new(200, "")));
        http.push(Ok(converted("Ada Lovelace\nEngineer")));
        let out = pollster::block_on(client(&http).extract_text(
            "resume.pdf",
            b"%PDF-1.7 ...",
            &ConvertOptions {
                pages: Some("0-1".into()),
                ..ConvertOptions::default()
            },
        ))
        .unwrap();
        assert_eq!(out.text, "Ada Lovelace\nEngineer");
        assert_eq!((out.page_count, out.remaining_credits), (Some(2), Some(96)));

        let sent = http.requests();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0].method, Method::Get);
        assert_eq!(
            sent[0].url,
            "http://pdfco.test/v1/file/upload/get-presigned-url?name=resume.pdf&contenttype=application%2Fpdf"
        );
        assert_eq!(sent[0].headers.get("x-api-key"), Some(KEY));
        assert_eq!(sent[1].method, Method::Put);
        assert_eq!(sent[1].url, "http://storage.test/put/abc?sig=1");
        assert_eq!(sent[1].headers.get("content-type"), Some("application/pdf"));
        assert_eq!(
            sent[1].headers.get("x-api-key"),
            None,
            "the key stays with PDF.co"
        );
        assert_eq!(sent[1].body.as_deref(), Some(&b"%PDF-1.7 ..."[..]));
        assert_eq!(sent[2].url, "http://pdfco.test/v1/pdf/convert/to/text");
        assert_eq!(
            body(&sent[2]),
            json!({"url": "http://storage.test/files/abc/resume.pdf", "inline": true, "async": false, "pages": "0-1"})
        );
    }

    fn convert_err(response: HttpResponse) -> (PdfCoError, usize) {
        let http = fake();
        for _ in 0..3 {
            http.push(Ok(response.clone()));
        }
        let err = pollster::block_on(
            client(&http).convert_to_text("http://f", &ConvertOptions::default()),
        )
        .unwrap_err();
        (err, http.requests().len())
    }

    fn err_body(status: u16, message: &str) -> Value {
        json!({"error": true, "status": status, "message": message})
    }

    #[test]
    fn codes_map_to_typed_errors_whatever_the_http_status() {
        let cases: [(HttpResponse, PdfCoError, usize, u16); 7] = [
            (
                json(402, err_body(402, "Not enough credits")),
                PdfCoError::NoCredits {
                    message: "Not enough credits".into(),
                },
                1,
                502,
            ),
            (
                json(200, err_body(441, "Password required")),
                PdfCoError::PasswordProtected,
                1,
                422,
            ),
            (
                json(200, err_body(442, "Damaged")),
                PdfCoError::Damaged {
                    message: "Damaged".into(),
                },
                1,
                422,
            ),
            (
                json(445, err_body(445, "Timeout")),
                PdfCoError::Timeout,
                1,
                502,
            ),
            (
                json(400, err_body(400, "Invalid url")),
                PdfCoError::Common(VendorFailure::Http {
                    status: 400,
                    code: None,
                    message: "Invalid url".into(),
                }),
                1,
                502,
            ),
            (
                json(429, err_body(429, "Too many requests")),
                PdfCoError::Common(VendorFailure::RateLimited { retry_after: None }),
                3,
                429,
            ),
            (
                json(200, err_body(503, "busy")),
                PdfCoError::Common(VendorFailure::Server { status: 503 }),
                3,
                502,
            ),
        ];
        for (response, expected, attempts, status) in cases {
            let (err, sent) = convert_err(response);
            assert_eq!(err, expected);
            assert_eq!(sent, attempts, "{expected:?}");
            assert_eq!(ApiError::from(err).status(), status, "{expected:?}");
        }
        // `error: true` without a code in a 200 is still a failure.
        let (err, _) = convert_err(json(200, json!({"error": true, "body": "partial"})));
        assert!(
            matches!(
                err,
                PdfCoError::Common(VendorFailure::Server { status: 500 })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_rate_limit_that_clears_is_retried_with_retry_after() {
        let http = fake();
        http.push(Ok(
            json(429, err_body(429, "slow down")).with_header("retry-after", "1")
        ));
        http.push(Ok(converted("text")));
        let clock = clock();
        let pdfco = PdfCo::new(
            Vendor {
                base_url: "http://pdfco.test".into(),
                api_key: Secret::new(KEY),
            },
            http.clone(),
            clock.clone(),
        );
        let out = pollster::block_on(pdfco.convert_to_text("http://f", &ConvertOptions::default()));
        assert_eq!(out.unwrap().text, "text");
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);
    }

    #[test]
    fn upload_failures_are_typed_and_the_key_never_prints() {
        let http = fake();
        http.push(Ok(json(
            401,
            json!({"error": true, "status": 401, "message": format!("Invalid key {KEY}")}),
        )));
        let pdfco = client(&http);
        let err = pollster::block_on(pdfco.extract_text("a.pdf", b"x", &ConvertOptions::default()))
            .unwrap_err();
        assert!(matches!(
            err,
            PdfCoError::Common(VendorFailure::Unauthorized { .. })
        ));
        let api = ApiError::from(err.clone());
        assert_eq!(api.code(), "not_configured");
        let options = ConvertOptions {
            password: Some(Secret::new("pdf-password")),
            ..ConvertOptions::default()
        };
        let shown = format!(
            "{err} {err:?} {api:?} {pdfco:?} {options:?} {:?}",
            http.requests()
        );
        assert!(
            !shown.contains(KEY) && !shown.contains("pdf-password"),
            "{shown}"
        );

        let http = fake();
        http.push(Ok(presigned()));
        http.push(Ok(HttpResponse::new(403, "<Error>expired</Error>")));
        let err = pollster::block_on(client(&http).extract_text(
            "a.pdf",
            b"x",
            &ConvertOptions::default(),
        ))
        .unwrap_err();
        assert_eq!(err, PdfCoError::Upload { status: 403 });
        assert_eq!(http.requests().len(), 2, "no convert after a failed upload");
    }

    #[test]
    fn simple_mode_and_password_go_in_the_body() {
        let http = fake();
        http.push(Ok(converted("t")));
        let options = ConvertOptions {
            simple: true,
            password: Some(Secret::new("pw")),
            lang: Some("deu".into()),
            ..ConvertOptions::default()
        };
        pollster::block_on(client(&http).convert_to_text("filetoken://x", &options)).unwrap();
        let sent = &http.requests()[0];
        assert_eq!(sent.url, "http://pdfco.test/v1/pdf/convert/to/text-simple");
        let b = body(sent);
        assert_eq!(
            (b["password"].as_str(), b["lang"].as_str()),
            (Some("pw"), Some("deu"))
        );
    }
}
