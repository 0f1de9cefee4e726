//! The database, through PostgREST, with the `postgrest` crate building the requests.
//!
//! - [`Db::as_user`] (the default) forwards the caller's own JWT, so PostgREST runs the
//!   query as that user and RLS decides what they see and change.
//! - [`Db::service`] uses the service-role key, which bypasses RLS. It takes the reason
//!   as an argument, so every call site says why RLS cannot apply; the reason goes into
//!   the log line of any error.
//! - [`Session::execute`] is the one place a query runs: it sends the request through
//!   the shared [`HttpClient`] (timeouts, retries of idempotent reads), checks the status
//!   (postgrest-rs hands 4xx/5xx back as `Ok`), maps PostgREST and SQL errors to
//!   [`ApiError`] ([`map_error`]), and turns an empty `return=representation` on
//!   UPDATE/DELETE into 404: RLS-denied writes come back as `200 []`.
//!
//! The SQL functions' own errors arrive as SQLSTATE `PTxyz` (DEVELOPING.md): PostgREST
//! answers with status `xyz`, the message is the public snake_case code and the detail
//! the sentence to show. Those pass through as they are; other SQL errors get a generic
//! public message (constraint and table names stay in the log).

use std::borrow::Cow;
use std::rc::Rc;

use postgrest::{Builder, Postgrest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::Caller;
use crate::config::{Config, Secret};
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest};
use crate::request::{Headers, Method};

pub struct Db {
    anon: Postgrest,
    service: Option<Postgrest>,
    http: Rc<dyn HttpClient>,
}

impl Db {
    pub fn new(config: &Config, http: Rc<dyn HttpClient>) -> Db {
        let rest_url = config.rest_url();
        // Keys were checked to be header-safe by `Config` (postgrest-rs panics on others).
        let anon =
            Postgrest::new(rest_url.clone()).insert_header("apikey", config.anon_key.expose());
        let service = config
            .service_role_key
            .as_ref()
            .map(|key| service_client(&rest_url, key));
        Db {
            anon,
            service,
            http,
        }
    }

    /// Queries as the caller: their JWT in `Authorization`, the anon (publishable) key as
    /// `apikey`. A caller without a JWT (the secret key alone) queries as anon: least
    /// privilege; service work says so with [`Db::service`].
    pub fn as_user<'a>(&'a self, caller: &'a Caller) -> Session<'a> {
        Session {
            client: &self.anon,
            bearer: caller.token().map(Secret::expose),
            http: &*self.http,
            service_reason: None,
        }
    }

    /// Queries with the service-role key, bypassing RLS. `why` names the reason RLS
    /// cannot apply here (no user present, a webhook, a SECURITY DEFINER design); it is
    /// logged with any error. 503 `not_configured` without `SUPABASE_SERVICE_ROLE_KEY`.
    pub fn service(&self, why: &'static str) -> Result<Session<'_>, ApiError> {
        let client = self.service.as_ref().ok_or_else(|| {
            ApiError::not_configured(format!("SUPABASE_SERVICE_ROLE_KEY is needed for: {why}"))
        })?;
        Ok(Session {
            client,
            bearer: None,
            http: &*self.http,
            service_reason: Some(why),
        })
    }
}

/// Legacy service-role keys are JWTs and go in `Authorization` too; the new `sb_secret_`
/// keys are not JWTs and go in `apikey` only (the platform's gateway maps them).
fn service_client(rest_url: &str, key: &Secret) -> Postgrest {
    let client = Postgrest::new(rest_url).insert_header("apikey", key.expose());
    if key.is_jwt() {
        client.insert_header("Authorization", format!("Bearer {}", key.expose()))
    } else {
        client
    }
}

/// `request` with the service key, placed as for PostgREST ([`service_client`]): for the
/// platform's other APIs (Storage) called as the service role.
pub fn with_service_key(
    request: crate::http::HttpRequest,
    key: &Secret,
) -> crate::http::HttpRequest {
    let request = request.header("apikey", key.expose());
    if key.is_jwt() {
        request.bearer(key.expose())
    } else {
        request
    }
}

/// Queries as one identity. Build with [`Session::from`] / [`Session::rpc`] and the
/// `postgrest` builder's filters, run with [`Session::execute`].
pub struct Session<'a> {
    client: &'a Postgrest,
    bearer: Option<&'a str>,
    http: &'a dyn HttpClient,
    /// `None`: as the caller; `Some(why)`: with the service role, for this reason.
    service_reason: Option<&'static str>,
}

impl Session<'_> {
    /// A table or view query.
    pub fn from(&self, table: &str) -> Builder {
        self.authorize(self.client.from(table))
    }

    /// A call of SQL function `function` with `params` as its named arguments.
    pub fn rpc<P: Serialize + ?Sized>(
        &self,
        function: &str,
        params: &P,
    ) -> Result<Builder, ApiError> {
        let params = serde_json::to_string(params)?;
        Ok(self.authorize(self.client.rpc(function, params)))
    }

    fn authorize(&self, builder: Builder) -> Builder {
        match self.bearer {
            // The token passed `Auth::verify`'s charset check: a valid header value.
            Some(token) => builder.auth(token),
            None => builder,
        }
    }

    /// Run `query` and read its JSON answer as `T` (the module doc says what it checks).
    /// For a body-less answer (`204`) `T` is read from `null`, so use `()` or `Option`.
    pub async fn execute<T: DeserializeOwned>(&self, query: Builder) -> Result<T, ApiError> {
        let request = to_http_request(query)?;
        // What the log line of a 5xx needs to find the query; the client never sees it.
        let who = match self.service_reason {
            None => "as the caller".to_owned(),
            Some(why) => format!("with the service role ({why})"),
        };
        let context = format!("{} {} {who}", request.method.as_str(), request.url);
        let response = self
            .http
            .send(&request)
            .await
            .map_err(|err| ApiError::Upstream {
                service: "postgrest",
                status: None,
                detail: format!("{context}: {err}"),
            })?;
        if !response.is_success() {
            return Err(with_context(
                map_error(response.status, &response.body),
                &context,
            ));
        }
        let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &response.body
        };
        if matches!(request.method, Method::Patch | Method::Delete)
            && serde_json::from_slice::<Value>(body)
                .is_ok_and(|v| v.as_array().is_some_and(Vec::is_empty))
        {
            return Err(ApiError::not_found(
                "not_found",
                "Nothing was found to change",
            ));
        }
        serde_json::from_slice(body)
            .map_err(|err| ApiError::internal(format!("{context}: the answer does not fit: {err}")))
    }
}

/// Prefix a 5xx's log detail with the query it came from (4xx are the client's and
/// carry their public message only).
fn with_context(err: ApiError, context: &str) -> ApiError {
    match err {
        ApiError::Upstream {
            service,
            status,
            detail,
        } => ApiError::Upstream {
            service,
            status,
            detail: format!("{context}: {detail}"),
        },
        ApiError::Internal(detail) => ApiError::Internal(format!("{context}: {detail}")),
        other => other,
    }
}

/// The postgrest-rs builder's request, as plain data for our transport.
fn to_http_request(query: Builder) -> Result<HttpRequest, ApiError> {
    let built = query
        .build()
        .build()
        .map_err(|err| ApiError::internal(format!("building a PostgREST request: {err}")))?;
    let method = Method::parse(built.method().as_str()).ok_or_else(|| {
        ApiError::internal(format!("unexpected PostgREST method {}", built.method()))
    })?;
    let headers: Headers = built
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut request = HttpRequest::new(method, built.url().as_str()).service("postgrest");
    request.headers = headers;
    request.body = built
        .body()
        .and_then(|b| b.as_bytes())
        .filter(|b| !b.is_empty())
        .map(<[u8]>::to_vec);
    Ok(request)
}

/// PostgREST's error body. `details` and `hint` are strings or null.
#[derive(Debug, Default, Deserialize)]
struct PgError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<Value>,
}

/// A PostgREST error answer (`status`, `{"code","message","details","hint"}`) as an
/// [`ApiError`].
pub fn map_error(status: u16, body: &[u8]) -> ApiError {
    let pg: PgError = serde_json::from_slice(body).unwrap_or_default();
    let code = pg.code.as_deref().unwrap_or("");
    let raw = || format!("PostgREST {status} {}", String::from_utf8_lossy(body));

    // Our SQL functions' errors: PTxyz, the message the public code, details the sentence.
    if let Some(sql_status) = code.strip_prefix("PT").and_then(|d| d.parse::<u16>().ok()) {
        let public_code = pg.message.clone().filter(|m| is_snake_case(m));
        let sentence = pg
            .details
            .as_ref()
            .and_then(Value::as_str)
            .filter(|d| !d.trim().is_empty());
        return by_status(sql_status, public_code, sentence.map(str::to_owned), raw());
    }
    let details_text = pg.details.as_ref().and_then(Value::as_str).unwrap_or("");
    match code {
        "23505" => ApiError::conflict("already_exists", "It already exists"),
        "23503" => ApiError::conflict(
            "reference_violation",
            "It refers to something missing, or is still referred to",
        ),
        "23502" | "23514" | "22P02" | "22001" | "22003" | "22007" | "22008" | "22023" => {
            ApiError::bad_request("invalid_value", "A value is missing or invalid")
        }
        "42501" if status == 401 => {
            ApiError::unauthorized("not_authenticated", "Sign in to do this")
        }
        "42501" => ApiError::forbidden("permission_denied", "You are not allowed to do this"),
        "P0002" => ApiError::not_found("not_found", "Not found"),
        // `.single()` with no row; with several rows it is a query bug (below: 500).
        "PGRST116" if details_text.contains(" 0 rows") => {
            ApiError::not_found("not_found", "Not found")
        }
        "PGRST116" => ApiError::internal(raw()),
        _ => by_status(status, None, None, raw()),
    }
}

/// By status alone. A 404 without a PT code means a missing table or function
/// (PGRST202/PGRST205): a deployment bug, so 500, not "not found" to the client.
fn by_status(status: u16, code: Option<String>, message: Option<String>, raw: String) -> ApiError {
    let problem = |default_code: &'static str, default_message: &'static str| {
        crate::error::Problem::new(
            code.clone().map_or(Cow::Borrowed(default_code), Cow::Owned),
            message
                .clone()
                .map_or(Cow::Borrowed(default_message), Cow::Owned),
        )
    };
    match status {
        400 => ApiError::BadRequest(problem("bad_request", "The request was refused")),
        401 => ApiError::Unauthorized(problem("not_authenticated", "Sign in to do this")),
        403 => ApiError::Forbidden(problem(
            "permission_denied",
            "You are not allowed to do this",
        )),
        404 if code.is_some() => ApiError::NotFound(problem("not_found", "Not found")),
        409 => ApiError::Conflict(problem("conflict", "It conflicts with what exists")),
        410 => ApiError::Gone(problem("gone", "It is no longer available")),
        413 => ApiError::TooLarge(problem("too_large", "It would pass a size limit")),
        422 => ApiError::Unprocessable(problem("unprocessable", "The request was refused")),
        429 => ApiError::too_many_requests(None),
        s if (400..500).contains(&s) && s != 404 => {
            ApiError::BadRequest(problem("bad_request", "The request was refused"))
        }
        s if s >= 500 => ApiError::Upstream {
            service: "postgrest",
            status: Some(s),
            detail: raw,
        },
        _ => ApiError::Internal(raw),
    }
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{test_context, user_request, FakeHttp};
    use serde_json::json;

    fn err(status: u16, body: Value) -> (u16, String, String) {
        let e = map_error(status, body.to_string().as_bytes());
        let message = e.body()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (e.status(), e.code().to_owned(), message)
    }

    #[test]
    fn pt_codes_pass_through_with_their_code_and_sentence() {
        for (pt, status) in [
            ("PT400", 400),
            ("PT401", 401),
            ("PT403", 403),
            ("PT404", 404),
            ("PT409", 409),
            ("PT410", 410),
            ("PT413", 413),
        ] {
            let body = json!({ "code": pt, "message": "some_reason", "details": "A sentence.", "hint": null });
            assert_eq!(
                err(status, body),
                (status, "some_reason".into(), "A sentence.".into()),
                "{pt}"
            );
        }
        // A PT code decides even if the transport said something else; a message that
        // is not a code and missing details fall back to generic words.
        let body = json!({ "code": "PT410", "message": "Expired!", "details": null });
        assert_eq!(
            err(400, body),
            (410, "gone".into(), "It is no longer available".into())
        );
        assert_eq!(
            err(500, json!({ "code": "PT500", "message": "boom" })).0,
            502
        );
    }

    #[test]
    fn sql_errors_get_safe_generic_messages() {
        let cases = [
            (409, "23505", 409, "already_exists"),
            (409, "23503", 409, "reference_violation"),
            (400, "23502", 400, "invalid_value"),
            (400, "22P02", 400, "invalid_value"),
            (403, "42501", 403, "permission_denied"),
            (401, "42501", 401, "not_authenticated"),
            (404, "P0002", 404, "not_found"),
        ];
        for (status, code, want_status, want_code) in cases {
            let body = json!({ "code": code, "message": "duplicate key value violates unique constraint \"secret_idx\"",
                               "details": "Key (email)=(a@b.c) already exists.", "hint": null });
            let (s, c, m) = err(status, body);
            assert_eq!((s, c.as_str()), (want_status, want_code), "{code}");
            assert!(!m.contains("secret_idx") && !m.contains("a@b.c"), "{m}");
        }
    }

    #[test]
    fn postgrest_codes_and_bare_statuses() {
        assert_eq!(
            err(
                406,
                json!({ "code": "PGRST116", "details": "The result contains 0 rows" })
            )
            .0,
            404
        );
        assert_eq!(
            err(
                406,
                json!({ "code": "PGRST116", "details": "The result contains 2 rows" })
            )
            .0,
            500
        );
        assert_eq!(
            err(401, json!({ "code": "PGRST301", "message": "JWSError" })).0,
            401
        );
        // Missing function or table: our deployment's fault, not the client's.
        assert_eq!(
            err(
                404,
                json!({ "code": "PGRST202", "message": "Could not find the function" })
            )
            .0,
            500
        );
        assert_eq!(err(503, json!({})).0, 502);
        assert_eq!(map_error(502, b"<html>bad gateway</html>").status(), 502);
        assert_eq!(err(429, json!({})).0, 429);
    }

    #[test]
    fn as_user_forwards_the_callers_jwt_and_execute_reads_the_answer() {
        let fake = Rc::new(FakeHttp::new());
        fake.push_json(200, json!({ "ok": true }));
        let cx = test_context(fake.clone());
        let req = user_request(json!({}));
        let caller = pollster::block_on(cx.auth.require(&req, crate::auth::Role::User)).unwrap();
        let db = cx.db.as_user(&caller);
        let got: Value =
            pollster::block_on(db.execute(db.rpc("do_it", &json!({ "p_x": 1 })).unwrap())).unwrap();
        assert_eq!(got, json!({ "ok": true }));
        let sent = &fake.requests()[0];
        assert_eq!(sent.method, Method::Post);
        assert_eq!(sent.url, "http://supabase.test/rest/v1/rpc/do_it");
        assert_eq!(
            sent.headers.get("authorization").map(str::to_owned),
            Some(format!("Bearer {}", caller.token().unwrap().expose()))
        );
        assert_eq!(
            sent.headers.get("apikey").map(str::to_owned).as_deref(),
            Some("anon-key")
        );
        assert_eq!(sent.body.as_deref(), Some(&br#"{"p_x":1}"#[..]));
        assert_eq!(sent.service, "postgrest");
    }

    #[test]
    fn empty_representation_on_update_or_delete_is_not_found() {
        let fake = Rc::new(FakeHttp::new());
        fake.push_json(200, json!([]));
        fake.push_json(200, json!([]));
        fake.push_json(200, json!([]));
        fake.push_json(200, json!([{ "id": 1 }]));
        let cx = test_context(fake.clone());
        let req = user_request(json!({}));
        let caller = pollster::block_on(cx.auth.require(&req, crate::auth::Role::User)).unwrap();
        let db = cx.db.as_user(&caller);
        let update = db.from("things").eq("id", "1").update(r#"{"a":1}"#);
        let run = |q| pollster::block_on(db.execute::<Value>(q));
        assert_eq!(run(update).unwrap_err().status(), 404);
        assert_eq!(
            run(db.from("things").eq("id", "1").delete())
                .unwrap_err()
                .status(),
            404
        );
        // A read that finds nothing is an empty list, not an error.
        assert_eq!(run(db.from("things").select("*")).unwrap(), json!([]));
        assert_eq!(
            run(db.from("things").eq("id", "1").delete()).unwrap(),
            json!([{ "id": 1 }])
        );
        let sent = fake.requests();
        assert_eq!(sent[0].method, Method::Patch);
        assert_eq!(sent[0].url, "http://supabase.test/rest/v1/things?id=eq.1");
        assert_eq!(sent[2].method, Method::Get);
    }

    #[test]
    fn errors_and_unreachable_postgrest() {
        let fake = Rc::new(FakeHttp::new());
        fake.push_json(404, json!({ "code": "PT404", "message": "invitation_not_found", "details": "No such invitation." }));
        fake.push(Err(crate::http::TransportError::Network(
            "connection refused".into(),
        )));
        fake.push_json(200, json!({ "unexpected": "shape" }));
        let cx = test_context(fake.clone());
        let req = user_request(json!({}));
        let caller = pollster::block_on(cx.auth.require(&req, crate::auth::Role::User)).unwrap();
        let db = cx.db.as_user(&caller);
        let call = || pollster::block_on(db.execute::<Vec<u8>>(db.rpc("f", &json!({})).unwrap()));
        let e = call().unwrap_err();
        assert_eq!((e.status(), e.code()), (404, "invitation_not_found"));
        let unreachable = call().unwrap_err();
        assert_eq!(unreachable.status(), 502);
        assert!(
            unreachable
                .to_string()
                .contains("POST http://supabase.test/rest/v1/rpc/f as the caller"),
            "{unreachable}"
        );
        assert_eq!(call().unwrap_err().status(), 500);
    }

    #[test]
    fn service_needs_the_key_and_sends_it() {
        let fake = Rc::new(FakeHttp::new());
        let cx = test_context(fake.clone());
        assert!(cx.db.service("test").is_ok());
        let mut config = cx.config.clone();
        config.service_role_key = None;
        let db = Db::new(&config, fake.clone());
        let e = db.service("webhook has no user").err().unwrap();
        assert_eq!((e.status(), e.code()), (503, "not_configured"));

        fake.push_json(200, json!([]));
        let service = cx
            .db
            .service("reading across tenants for the test")
            .unwrap();
        let _: Value = pollster::block_on(service.execute(service.from("t").select("id"))).unwrap();
        let sent = &fake.requests()[0];
        assert_eq!(
            sent.headers.get("apikey").map(str::to_owned).as_deref(),
            Some("a.service.jwt")
        );
        assert_eq!(
            sent.headers
                .get("authorization")
                .map(str::to_owned)
                .as_deref(),
            Some("Bearer a.service.jwt")
        );
    }
}
