//! One fake Supabase project for a function's native tests, instead of each test matching
//! URL strings: PostgREST functions ([`FakeSupabase::rpc`]) and tables
//! ([`FakeSupabase::table`]), the Storage API ([`FakeSupabase::storage`]) and any other
//! service the function calls ([`FakeSupabase::service`]: a vendor's base URL), each
//! answered by a closure over the test's own state. Every request is recorded; one that
//! no route takes fails the test, naming the request.
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! use serde_json::json;
//! use shared::testing::{postgrest_error, rows, test_context, FakeSupabase};
//!
//! let state = Rc::new(RefCell::new(Vec::<String>::new()));
//! let db = FakeSupabase::over(state.clone())
//!     .rpc("greet", |seen, call| {
//!         seen.push(call.body["p_name"].to_string());
//!         if call.claims.is_none() {
//!             return postgrest_error(401, "not_authenticated", "Sign in.");
//!         }
//!         rows(vec![json!({ "hello": call.body["p_name"] })])
//!     })
//!     .table("positions", |_, call| match call.eq("id") {
//!         Some("p1") => rows(vec![json!({ "id": "p1" })]),
//!         _ => rows(vec![]),
//!     })
//!     .shared();
//! let cx = test_context(db.clone());
//! # let _ = cx;
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use super::{caller_claims, json_response, TEST_SUPABASE_URL};
use crate::auth::Claims;
use crate::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use crate::request::Method;
use crate::time::LocalBoxFuture;

type RestHandler<S> = Box<dyn Fn(&mut S, &RestCall<'_>) -> HttpResponse>;
type StorageHandler<S> = Box<dyn Fn(&mut S, &StorageCall<'_>) -> HttpResponse>;
type ServiceHandler<S> = Box<dyn Fn(&mut S, &HttpRequest) -> Result<HttpResponse, TransportError>>;

/// A fake Supabase (and the vendors beside it) over the test's state `S`, which every
/// handler gets mutably and the test reads back through its own `Rc`.
pub struct FakeSupabase<S = ()> {
    state: Rc<RefCell<S>>,
    rpcs: Vec<(String, RestHandler<S>)>,
    tables: Vec<(String, RestHandler<S>)>,
    storage: Option<StorageHandler<S>>,
    services: Vec<(String, ServiceHandler<S>)>,
    requests: RefCell<Vec<HttpRequest>>,
}

/// A PostgREST request as a handler sees it.
pub struct RestCall<'a> {
    pub method: Method,
    /// The table, or the SQL function of `rpc/<name>`.
    pub name: &'a str,
    /// The query's pairs, percent-decoded, in order: `("id", "eq.…")`, `("select", "…")`.
    pub query: Vec<(String, String)>,
    /// The JSON body; `Value::Null` without one.
    pub body: Value,
    /// Whom PostgREST would run the request as: the claims of a valid bearer JWT
    /// (verified with the keys of `test_env`), else `None`.
    pub claims: Option<Claims>,
    pub request: &'a HttpRequest,
}

impl RestCall<'_> {
    /// The first value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of an `eq.` filter on `column`.
    pub fn eq(&self, column: &str) -> Option<&str> {
        self.param(column)?.strip_prefix("eq.")
    }

    /// The values of an `in.(a,b)` filter on `column`.
    pub fn in_list(&self, column: &str) -> Option<Vec<&str>> {
        let list = self
            .param(column)?
            .strip_prefix("in.(")?
            .strip_suffix(')')?;
        Some(list.split(',').collect())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.headers.get(name)
    }

    /// The caller's user id (`sub`), when the request runs as a user.
    pub fn user_id(&self) -> Option<String> {
        self.claims.as_ref()?.sub.map(|s| s.to_string())
    }
}

/// A Storage API request (`/storage/v1/<path>`) as a handler sees it.
pub struct StorageCall<'a> {
    pub method: Method,
    /// Below `/storage/v1/`, without the query: `object/resumes/<tenant>/<file>`.
    pub path: &'a str,
    pub body: &'a [u8],
    /// As [`RestCall::claims`].
    pub claims: Option<Claims>,
    pub request: &'a HttpRequest,
}

/// PostgREST's 200 with `rows`.
pub fn rows(rows: Vec<Value>) -> HttpResponse {
    json_response(200, &Value::Array(rows))
}

impl FakeSupabase<()> {
    /// A fake with no state of its own.
    pub fn new() -> Self {
        FakeSupabase::over(Rc::new(RefCell::new(())))
    }
}

impl Default for FakeSupabase<()> {
    fn default() -> Self {
        FakeSupabase::new()
    }
}

impl<S: 'static> FakeSupabase<S> {
    /// A fake whose handlers share `state` (the test keeps a clone to read it back).
    pub fn over(state: Rc<RefCell<S>>) -> Self {
        FakeSupabase {
            state,
            rpcs: Vec::new(),
            tables: Vec::new(),
            storage: None,
            services: Vec::new(),
            requests: RefCell::new(Vec::new()),
        }
    }

    /// Answer `POST /rest/v1/rpc/<name>`.
    pub fn rpc(
        mut self,
        name: &str,
        handler: impl Fn(&mut S, &RestCall<'_>) -> HttpResponse + 'static,
    ) -> Self {
        self.rpcs.push((name.to_owned(), Box::new(handler)));
        self
    }

    /// Answer every method on `/rest/v1/<name>`.
    pub fn table(
        mut self,
        name: &str,
        handler: impl Fn(&mut S, &RestCall<'_>) -> HttpResponse + 'static,
    ) -> Self {
        self.tables.push((name.to_owned(), Box::new(handler)));
        self
    }

    /// Answer `/storage/v1/...`.
    pub fn storage(
        mut self,
        handler: impl Fn(&mut S, &StorageCall<'_>) -> HttpResponse + 'static,
    ) -> Self {
        self.storage = Some(Box::new(handler));
        self
    }

    /// Answer every request whose URL starts with `base_url` (a vendor's API, a webhook
    /// receiver); the handler may also answer a transport error.
    pub fn service(
        mut self,
        base_url: &str,
        handler: impl Fn(&mut S, &HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    ) -> Self {
        self.services.push((base_url.to_owned(), Box::new(handler)));
        self
    }

    /// Into the `Rc` a test context takes (and the test keeps, for [`Self::requests`]).
    pub fn shared(self) -> Rc<Self> {
        Rc::new(self)
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }

    /// The requests sent to PostgREST `rpc/<name>` or table `<name>`, in order.
    pub fn requests_to(&self, name: &str) -> Vec<HttpRequest> {
        let rpc = format!("{TEST_SUPABASE_URL}/rest/v1/rpc/{name}");
        let table = format!("{TEST_SUPABASE_URL}/rest/v1/{name}");
        self.requests()
            .into_iter()
            .filter(|r| {
                let path = r.url.split('?').next().unwrap_or_default();
                path == rpc || path == table
            })
            .collect()
    }

    fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut state = self.state.borrow_mut();
        if let Some((_, handler)) = self
            .services
            .iter()
            .find(|(base, _)| request.url.starts_with(base.as_str()))
        {
            return handler(&mut state, request);
        }
        let unrouted = || -> ! {
            panic!(
                "FakeSupabase: no route for {} {}",
                request.method.as_str(),
                request.url
            )
        };
        let (path, query) = request
            .url
            .split_once('?')
            .unwrap_or((request.url.as_str(), ""));
        if let Some(rest) = path.strip_prefix(&format!("{TEST_SUPABASE_URL}/rest/v1/")) {
            let (routes, name) = match rest.strip_prefix("rpc/") {
                Some(function) => (&self.rpcs, function),
                None => (&self.tables, rest),
            };
            let Some((_, handler)) = routes.iter().find(|(n, _)| n == name) else {
                unrouted()
            };
            let call = RestCall {
                method: request.method,
                name,
                query: url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect(),
                body: request
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice(b).ok())
                    .unwrap_or(Value::Null),
                claims: caller_claims(request),
                request,
            };
            return Ok(handler(&mut state, &call));
        }
        if let Some(rest) = path.strip_prefix(&format!("{TEST_SUPABASE_URL}/storage/v1/")) {
            let Some(handler) = &self.storage else {
                unrouted()
            };
            let call = StorageCall {
                method: request.method,
                path: rest,
                body: request.body.as_deref().unwrap_or_default(),
                claims: caller_claims(request),
                request,
            };
            return Ok(handler(&mut state, &call));
        }
        unrouted()
    }
}

impl<S: 'static> HttpClient for FakeSupabase<S> {
    fn send<'a>(
        &'a self,
        request: &'a HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        self.requests.borrow_mut().push(request.clone());
        let outcome = self.answer(request);
        Box::pin(std::future::ready(outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{postgrest_error, test_context, user_token};
    use serde_json::json;

    fn send(fake: &dyn HttpClient, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        pollster::block_on(fake.send(&request))
    }

    #[test]
    fn routes_rpcs_tables_storage_and_services_by_name() {
        let state = Rc::new(RefCell::new(Vec::<String>::new()));
        let fake = FakeSupabase::over(state.clone())
            .rpc("f", |seen, call| {
                seen.push(format!("rpc {} {}", call.name, call.body["p"]));
                rows(vec![])
            })
            .table("positions", |seen, call| {
                seen.push(format!(
                    "{} {:?} {:?} {:?}",
                    call.method.as_str(),
                    call.eq("id"),
                    call.in_list("status"),
                    call.param("select")
                ));
                rows(vec![])
            })
            .storage(|seen, call| {
                seen.push(format!("storage {} {}", call.path, call.body.len()));
                json_response(200, &json!({}))
            })
            .service("http://vendor.test", |seen, request| {
                seen.push(format!("vendor {}", request.url));
                Err(TransportError::Network("down".into()))
            });
        let rest = |p: &str| format!("{TEST_SUPABASE_URL}/rest/v1/{p}");
        send(
            &fake,
            HttpRequest::post(rest("rpc/f"))
                .json(&json!({ "p": 1 }))
                .unwrap(),
        )
        .unwrap();
        send(
            &fake,
            HttpRequest::get(rest(
                "positions?id=eq.p1&status=in.%28draft%2Cactive%29&select=id%2Ctitle",
            )),
        )
        .unwrap();
        send(
            &fake,
            HttpRequest::post(format!(
                "{TEST_SUPABASE_URL}/storage/v1/object/resumes/t/a.pdf"
            ))
            .body("application/pdf", "%PDF"),
        )
        .unwrap();
        assert!(send(&fake, HttpRequest::get("http://vendor.test/v1/x")).is_err());
        assert_eq!(
            *state.borrow(),
            vec![
                "rpc f 1",
                r#"GET Some("p1") Some(["draft", "active"]) Some("id,title")"#,
                "storage object/resumes/t/a.pdf 4",
                "vendor http://vendor.test/v1/x",
            ]
        );
        assert_eq!(fake.requests().len(), 4);
        assert_eq!(fake.requests_to("positions").len(), 1);
        assert_eq!(fake.requests_to("f").len(), 1);
    }

    #[test]
    fn a_handler_sees_whom_postgrest_would_run_as() {
        let fake = FakeSupabase::new()
            .rpc("whoami", |_, call| match call.user_id() {
                Some(id) => json_response(200, &json!(id)),
                None => postgrest_error(401, "not_authenticated", "Sign in."),
            })
            .shared();
        let url = format!("{TEST_SUPABASE_URL}/rest/v1/rpc/whoami");
        let anonymous = send(&*fake, HttpRequest::post(&url)).unwrap();
        assert_eq!(anonymous.status, 401);
        let token = user_token(json!({}));
        let signed_in = send(&*fake, HttpRequest::post(&url).bearer(&token)).unwrap();
        assert_eq!(signed_in.status, 200);
        assert_eq!(
            String::from_utf8_lossy(&signed_in.body),
            format!("\"{}\"", crate::testing::TEST_USER_ID)
        );
        let _ = test_context(fake);
    }

    #[test]
    #[should_panic(expected = "FakeSupabase: no route for GET http://supabase.test/rest/v1/nope")]
    fn an_unrouted_request_fails_the_test() {
        let fake = FakeSupabase::new().table("positions", |_, _| rows(vec![]));
        let _ = send(
            &fake,
            HttpRequest::get(format!("{TEST_SUPABASE_URL}/rest/v1/nope")),
        );
    }
}
