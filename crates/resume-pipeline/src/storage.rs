//! The `resumes` bucket through the Storage API (`{SUPABASE_URL}/storage/v1`), always with
//! the caller's JWT, so the storage.objects policies decide (tenant folder = first path
//! segment) exactly as they do for the browser.
//!
//! Storage answers a refused or missing object with HTTP 400 and the real status as a
//! string in the body: `{"statusCode":"404","error":"not_found","message":"Object not
//! found"}` (supabase/storage's error handler). [`error_from`] reads that `statusCode`.

use serde::Deserialize;
use shared::http::{HttpRequest, HttpResponse};
use shared::{ApiError, Caller, Context, Method};

pub const BUCKET: &str = "resumes";
/// The bucket's `file_size_limit` (migration 20250601001300): 10 MiB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

const SERVICE: &str = "storage";

/// A bucket-relative path checked to lie in `tenant`'s folder, with no empty, `.` or
/// `..` segment and no control characters: `<tenant_id>/<file>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantPath(String);

impl TenantPath {
    /// 400 `invalid_path` for a malformed path, 403 `path_outside_tenant` for one outside
    /// the tenant's folder.
    pub fn parse(path: &str, tenant: &uuid::Uuid) -> Result<TenantPath, ApiError> {
        let path = path.trim().trim_start_matches('/');
        let invalid = || {
            ApiError::bad_request(
                "invalid_path",
                "storage_path must be <tenant_id>/<file name> in the resumes bucket",
            )
            .with_details(serde_json::json!({ "field": "storage_path" }))
        };
        if path.is_empty() || path.len() > 1024 || path.chars().any(char::is_control) {
            return Err(invalid());
        }
        let segments: Vec<&str> = path.split('/').collect();
        if segments.len() < 2
            || segments
                .iter()
                .any(|s| s.is_empty() || *s == "." || *s == "..")
        {
            return Err(invalid());
        }
        let in_tenant = segments
            .first()
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .is_some_and(|folder| folder == *tenant);
        if !in_tenant {
            return Err(ApiError::forbidden(
                "path_outside_tenant",
                "The file must be in your organisation's folder of the resumes bucket",
            )
            .with_details(serde_json::json!({ "field": "storage_path" })));
        }
        Ok(TenantPath(path.to_owned()))
    }

    /// The content-addressed path of an uploaded file: `<tenant_id>/<sha256>.pdf`.
    pub fn for_digest(tenant: &uuid::Uuid, sha256_hex: &str) -> TenantPath {
        TenantPath(format!("{tenant}/{sha256_hex}.pdf"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file name (last segment).
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    fn url(&self, cx: &Context, prefix: &str) -> String {
        let encoded: Vec<String> = self
            .0
            .split('/')
            .map(|s| {
                url::form_urlencoded::byte_serialize(s.as_bytes())
                    .collect::<String>()
                    .replace('+', "%20")
            })
            .collect();
        format!(
            "{}/storage/v1/object/{prefix}{BUCKET}/{}",
            cx.config.supabase_url,
            encoded.join("/")
        )
    }
}

/// As the caller: their JWT (the resume functions require a signed-in owner or admin, so
/// there is one; without it the request goes as anon and the policies refuse it).
fn with_caller(request: HttpRequest, cx: &Context, caller: &Caller) -> HttpRequest {
    let request = request
        .service(SERVICE)
        .header("apikey", cx.config.anon_key.expose());
    match caller.token() {
        Some(token) => request.bearer(token.expose()),
        None => request,
    }
}

/// The object's bytes, read as the caller: 404 `file_not_found` when it does not exist
/// or the caller may not read it (storage does not say which), 413 over `limit`.
pub async fn download(
    cx: &Context,
    caller: &Caller,
    path: &TenantPath,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let request = with_caller(HttpRequest::get(path.url(cx, "authenticated/")), cx, caller);
    let response = cx
        .http
        .send(&request)
        .await
        .map_err(|err| ApiError::Upstream {
            service: SERVICE,
            status: None,
            detail: format!("GET {}: {err}", path.as_str()),
        })?;
    if !response.is_success() {
        return Err(error_from(&response, "download"));
    }
    if response.body.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(response.body)
}

/// Store `bytes` at `path` as the caller, without overwriting: the paths this is used
/// with are content-addressed, so an object already there holds these very bytes and
/// storage's 409 `Duplicate` counts as stored. Not an upsert: that would also need the
/// SELECT and UPDATE policies, and would rewrite the object's row for nothing. The bytes
/// move into the request and back out (no copy of a 10 MiB file); they are returned.
pub async fn upload_once(
    cx: &Context,
    caller: &Caller,
    path: &TenantPath,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, ApiError> {
    let mut request = with_caller(HttpRequest::new(Method::Post, path.url(cx, "")), cx, caller)
        .header("x-upsert", "false")
        .header("cache-control", "max-age=3600")
        .body(content_type, bytes)
        // Repeating it is harmless: a second attempt finds the first's object (409).
        .idempotent();
    let sent = cx.http.send(&request).await;
    let bytes = request.body.take().unwrap_or_default();
    let response = sent.map_err(|err| ApiError::Upstream {
        service: SERVICE,
        status: None,
        detail: format!("POST {}: {err}", path.as_str()),
    })?;
    if response.is_success() || storage_status(&response) == 409 {
        return Ok(bytes);
    }
    Err(error_from(&response, "upload"))
}

#[derive(Deserialize, Default)]
struct StorageError {
    #[serde(default, rename = "statusCode")]
    status_code: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// The status storage means: the body's `statusCode` on its HTTP 400s, else the HTTP one.
fn storage_status(response: &HttpResponse) -> u16 {
    let body: StorageError = serde_json::from_slice(&response.body).unwrap_or_default();
    body.status_code
        .and_then(|s| s.trim().parse::<u16>().ok())
        .filter(|_| response.status == 400)
        .unwrap_or(response.status)
}

/// A Storage API failure as the function's own error.
pub fn error_from(response: &HttpResponse, what: &str) -> ApiError {
    let status = storage_status(response);
    let body: StorageError = serde_json::from_slice(&response.body).unwrap_or_default();
    match status {
        404 => ApiError::not_found(
            "file_not_found",
            "No such file in your organisation's folder of the resumes bucket",
        ),
        401 | 403 => ApiError::forbidden("storage_forbidden", "You may not access this file"),
        413 => ApiError::PayloadTooLarge {
            limit: MAX_FILE_BYTES,
        },
        415 => ApiError::UnsupportedMediaType {
            expected: "application/pdf",
        },
        429 => ApiError::too_many_requests(None),
        _ => ApiError::Upstream {
            service: SERVICE,
            status: Some(status),
            detail: format!(
                "{what}: {} {}",
                body.error.unwrap_or_default(),
                body.message
                    .unwrap_or_else(|| String::from_utf8_lossy(&response.body)
                        .chars()
                        .take(300)
                        .collect())
            ),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    const TENANT: &str = "10000000-0000-4000-8000-0000000000aa";

    fn tenant() -> uuid::Uuid {
        uuid::Uuid::parse_str(TENANT).unwrap()
    }

    #[test]
    fn paths_must_be_in_the_tenant_folder() {
        let ok = TenantPath::parse(&format!("/{TENANT}/cv 1.pdf"), &tenant()).unwrap();
        assert_eq!(ok.as_str(), format!("{TENANT}/cv 1.pdf"));
        assert_eq!(ok.file_name(), "cv 1.pdf");
        let code = |p: &str| {
            TenantPath::parse(p, &tenant())
                .unwrap_err()
                .code()
                .to_owned()
        };
        assert_eq!(
            code("10000000-0000-4000-8000-0000000000bb/cv.pdf"),
            "path_outside_tenant"
        );
        assert_eq!(code("cv.pdf"), "invalid_path");
        assert_eq!(code(&format!("x/{TENANT}/cv.pdf")), "path_outside_tenant");
        assert_eq!(
            code(&format!(
                "{TENANT}/../10000000-0000-4000-8000-0000000000bb/cv.pdf"
            )),
            "invalid_path"
        );
        assert_eq!(code(&format!("{TENANT}//cv.pdf")), "invalid_path");
        assert_eq!(code(""), "invalid_path");
        assert_eq!(code(&format!("{TENANT}/a\u{0}.pdf")), "invalid_path");
    }

    #[test]
    fn storage_statuses_come_from_the_body_of_its_400s() {
        let r = |status: u16, body: serde_json::Value| HttpResponse::new(status, body.to_string());
        let e = error_from(
            &r(
                400,
                json!({"statusCode":"404","error":"not_found","message":"Object not found"}),
            ),
            "x",
        );
        assert_eq!((e.status(), e.code()), (404, "file_not_found"));
        let e = error_from(
            &r(
                400,
                json!({"statusCode":"403","error":"Unauthorized","message":"new row violates row-level security policy"}),
            ),
            "x",
        );
        assert_eq!(e.status(), 403);
        let e = error_from(
            &r(
                400,
                json!({"statusCode":"413","error":"Payload too large","message":"The object exceeded the maximum allowed size"}),
            ),
            "x",
        );
        assert_eq!(e.status(), 413);
        let e = error_from(&r(502, json!({})), "x");
        assert_eq!(e.status(), 502);
        assert_eq!(
            storage_status(&r(400, json!({"statusCode":"409","error":"Duplicate"}))),
            409
        );
    }
}
