//! The incoming request as plain Rust data: method, path, query, headers and a body read
//! under a size limit. `js` builds it from the JS `Request`; tests build it directly.
//!
//! Body rules (the statuses every function shares):
//! - over the limit → 413, checked on `Content-Length` first and again while reading; a
//!   body over the limit is still read to its end (and discarded) before the 413 goes out,
//!   up to [`DRAIN_LIMIT`] bytes ([`BodyReader`]);
//! - [`Request::json`]: empty → 400 `body_required`; not `application/json` (or `+json`)
//!   → 415; malformed JSON → 400 `invalid_json`; wrong shape → 400 `invalid_body`;
//!   [`Request::json_object`] also refuses a body that is not a JSON object (400
//!   `invalid_body`);
//! - [`Request::form`]: `multipart/form-data` (parsed by the platform's own parser in
//!   `js`) or `application/x-www-form-urlencoded`; anything else → 415.

use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// 1 MiB: enough for any JSON a function takes; a function that takes uploads raises it
/// with `js::serve_with`. Supabase itself caps request bodies higher than this.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A body over the limit is still read, and discarded, up to this many bytes in all (the
/// local gateway's `client_max_body_size`), so that the 413 goes out after its last byte;
/// a body longer than this (or declared so) is refused without reading further.
///
/// Why: an answer given while the client is still sending reaches it through a proxy that
/// streams request bodies (the local nginx, `proxy_request_buffering off`) with
/// `Connection: keep-alive`, and then the proxy closes the connection under the client; a
/// pooling client (Deno's `fetch`, so supabase-js) sends its next request on it and gets a
/// network error instead of an answer (bench/oversized.ts counts them).
pub const DRAIN_LIMIT: usize = 100 * 1024 * 1024;

/// The methods Supabase's edge runtime passes to a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl Method {
    pub fn parse(method: &str) -> Option<Method> {
        Some(match method.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// RFC 9110 idempotent methods: repeating them has the effect of doing them once,
    /// which is what makes a retry safe.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// Header list with case-insensitive lookup. Names are stored lower-case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    pub fn insert(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, value.into()));
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

impl<K: AsRef<str>, V: Into<String>> FromIterator<(K, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        for (k, v) in iter {
            headers.insert(k.as_ref(), v);
        }
        headers
    }
}

/// One field of a submitted form: text, or a file with its name and type.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A submitted form (multipart or urlencoded), fields in the order sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub parts: Vec<Part>,
}

impl Form {
    /// The first text field named `name` (files are not text fields).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .and_then(|p| std::str::from_utf8(&p.bytes).ok())
    }

    /// The first file field named `name`.
    pub fn file(&self, name: &str) -> Option<&Part> {
        self.parts
            .iter()
            .find(|p| p.name == name && p.filename.is_some())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Body {
    Bytes(Vec<u8>),
    /// A multipart body, parsed when it was read (`js`, [`crate::multipart`]).
    Form(Form),
}

/// The request a function's `run` receives.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Headers,
    body: Body,
}

impl Request {
    /// A request with no body. `url` may be absolute (`http://host/fn/x?a=1`) or a path.
    pub fn new(method: Method, url: &str) -> Result<Request, ApiError> {
        // A path alone is resolved against a placeholder origin: only path and query
        // are kept.
        let parsed = url::Url::parse(url)
            .or_else(|_| url::Url::parse("http://function.invalid").and_then(|base| base.join(url)))
            .map_err(|_| ApiError::bad_request("invalid_url", "The request URL is not valid"))?;
        Ok(Request {
            method,
            path: parsed.path().to_owned(),
            query: parsed
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: Headers::new(),
            body: Body::Bytes(Vec::new()),
        })
    }

    /// What `js` calls with the raw parts of the JS request; tests call it too, to go
    /// through exactly the same checks (unknown method → 400, over-limit body → 413).
    pub fn from_parts(
        method: &str,
        url: &str,
        headers: Headers,
        body: Vec<u8>,
        limit: usize,
    ) -> Result<Request, ApiError> {
        let method = Method::parse(method).ok_or_else(|| {
            ApiError::bad_request("unsupported_method", "Unsupported HTTP method")
        })?;
        check_declared_length(&headers, limit)?;
        if body.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let mut request = Request::new(method, url)?;
        request.headers = headers;
        request.body = Body::Bytes(body);
        Ok(request)
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Set the raw body and its content type.
    pub fn with_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers.insert("content-type", content_type);
        self.body = Body::Bytes(body.into());
        self
    }

    /// Set a JSON body (a test convenience; serializing a `Value` cannot fail).
    pub fn with_json(self, value: &serde_json::Value) -> Self {
        let body = value.to_string().into_bytes();
        self.with_body("application/json", body)
    }

    /// Replace the body with an already-parsed form (what `js` does for multipart).
    pub fn with_form(mut self, form: Form) -> Self {
        self.body = Body::Form(form);
        self
    }

    /// The raw body, moved out (the request keeps an empty one).
    pub fn take_bytes(&mut self) -> Vec<u8> {
        match &mut self.body {
            Body::Bytes(bytes) => std::mem::take(bytes),
            Body::Form(_) => Vec::new(),
        }
    }

    pub fn method(&self) -> Method {
        self.method
    }

    /// The path as the function sees it: `/<function-name>/...`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path below the function's own name: `/link-candidate-account/a/b` → `/a/b`,
    /// `/link-candidate-account` → `/`. Functions with sub-routes match on this.
    pub fn route(&self) -> &str {
        let rest = self.path.trim_start_matches('/');
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        }
    }

    /// The first query parameter named `name`, percent-decoded.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The media type without parameters, lower-cased: `application/json`.
    pub fn content_type(&self) -> Option<String> {
        self.header("content-type").map(media_type)
    }

    /// The token of an `Authorization: Bearer <token>` header, if there is one.
    pub fn bearer_token(&self) -> Option<&str> {
        let value = self.header("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
    }

    /// 405 with `Allow` unless the method is one of `allowed`.
    pub fn allow(&self, allowed: &[Method]) -> Result<(), ApiError> {
        if allowed.contains(&self.method) {
            Ok(())
        } else {
            Err(ApiError::MethodNotAllowed {
                allow: allowed.to_vec(),
            })
        }
    }

    /// The raw body bytes (empty for a parsed multipart form).
    pub fn bytes(&self) -> &[u8] {
        match &self.body {
            Body::Bytes(bytes) => bytes,
            Body::Form(_) => &[],
        }
    }

    /// The body as JSON of type `T`, with the statuses in the module doc.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let bytes = self.bytes();
        if bytes.iter().all(u8::is_ascii_whitespace) && !matches!(self.body, Body::Form(_)) {
            return Err(ApiError::bad_request(
                "body_required",
                "A JSON body is required",
            ));
        }
        if !self
            .content_type()
            .as_deref()
            .is_some_and(is_json_media_type)
        {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            });
        }
        serde_json::from_slice(bytes).map_err(|err| {
            if err.is_data() {
                // serde's message names the field and the expectation ("missing field
                // `invitation_token`"): about the client's input, safe to show.
                ApiError::bad_request("invalid_body", format!("Invalid request body: {err}"))
            } else {
                ApiError::bad_request("invalid_json", "The request body is not valid JSON")
            }
        })
    }

    /// [`Self::json`] for a body that must be a JSON object: serde would also read a struct
    /// from an array of its fields in order (`["Senior Backend Engineer"]`), which no
    /// client means, so anything but an object is 400 `invalid_body`.
    pub fn json_object<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let value: serde_json::Value = self.json()?;
        if !value.is_object() {
            return Err(ApiError::bad_request(
                "invalid_body",
                "The request body must be a JSON object",
            ));
        }
        serde_json::from_value(value).map_err(|err| {
            ApiError::bad_request("invalid_body", format!("Invalid request body: {err}"))
        })
    }

    /// [`Self::form`], moved out rather than copied (a file part may be 10 MiB): the
    /// request keeps an empty form.
    pub fn take_form(&mut self) -> Result<Form, ApiError> {
        if let Body::Form(form) = &mut self.body {
            return Ok(std::mem::take(form));
        }
        self.form()
    }

    /// The body as a form, with the statuses in the module doc.
    pub fn form(&self) -> Result<Form, ApiError> {
        match (&self.body, self.content_type().as_deref()) {
            (Body::Form(form), _) => Ok(form.clone()),
            (Body::Bytes(bytes), Some("application/x-www-form-urlencoded")) => Ok(Form {
                parts: url::form_urlencoded::parse(bytes)
                    .map(|(k, v)| Part {
                        name: k.into_owned(),
                        filename: None,
                        content_type: None,
                        bytes: v.into_owned().into_bytes(),
                    })
                    .collect(),
            }),
            _ => Err(ApiError::UnsupportedMediaType {
                expected: "multipart/form-data",
            }),
        }
    }
}

/// `application/json; charset=utf-8` → `application/json`.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json_media_type(media: &str) -> bool {
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// 413 before reading a body whose `Content-Length` already says it is too big.
pub fn check_declared_length(headers: &Headers, limit: usize) -> Result<(), ApiError> {
    match declared_length(headers) {
        Some(declared) if declared > limit => Err(ApiError::PayloadTooLarge { limit }),
        _ => Ok(()),
    }
}

/// The `Content-Length` the request declares, if any (saturating on a huge one).
fn declared_length(headers: &Headers) -> Option<usize> {
    headers
        .get("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// Collects a streamed body under `limit`. Past the limit the rest is read but not kept
/// (the answer is 413 all the same, once the body has ended), up to `drain_limit` bytes in
/// all, where reading stops: see [`DRAIN_LIMIT`].
#[derive(Debug)]
pub struct BodyReader {
    limit: usize,
    drain_limit: usize,
    bytes: Vec<u8>,
    read: usize,
    over: bool,
}

impl BodyReader {
    /// A reader keeping up to `limit` bytes and reading up to `drain_limit` (at least
    /// `limit`).
    pub fn new(limit: usize, drain_limit: usize) -> Self {
        BodyReader {
            limit,
            drain_limit: drain_limit.max(limit),
            bytes: Vec::new(),
            read: 0,
            over: false,
        }
    }

    /// The reader for the body of a request with `headers`: one that only drains when the
    /// declared `Content-Length` is over `limit`, and 413 at once (nothing is read) when
    /// it is over the drain limit too. A chunked body declares nothing: [`Self::push`]
    /// finds out.
    pub fn for_request(
        headers: &Headers,
        limit: usize,
        drain_limit: usize,
    ) -> Result<Self, ApiError> {
        let mut reader = BodyReader::new(limit, drain_limit);
        if let Err(too_large) = check_declared_length(headers, limit) {
            check_declared_length(headers, reader.drain_limit).map_err(|_| too_large)?;
            reader.over = true;
        } else if let Some(declared) = declared_length(headers) {
            // The whole body at once: growing by doubling would leave the smaller buffers
            // behind in wasm memory, which never shrinks.
            reader.bytes.reserve_exact(declared);
        }
        Ok(reader)
    }

    /// The next chunk, `len` bytes long: `copy` fills the slice it is given with them and
    /// is called only for bytes that are kept. 413 once more than the drain limit has
    /// come: stop reading there.
    pub fn push_with(&mut self, len: usize, copy: impl FnOnce(&mut [u8])) -> Result<(), ApiError> {
        self.read = self.read.saturating_add(len);
        if self.read > self.drain_limit {
            self.refuse();
            return Err(self.too_large());
        }
        if self.over {
            return Ok(());
        }
        if self.read > self.limit {
            self.refuse();
            return Ok(());
        }
        let at = self.bytes.len();
        self.bytes.resize(at + len, 0);
        copy(&mut self.bytes[at..]);
        Ok(())
    }

    /// [`Self::push_with`] for a chunk already in Rust memory.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.push_with(chunk.len(), |into| into.copy_from_slice(chunk))
    }

    /// The bytes read so far, kept or not.
    pub fn read(&self) -> usize {
        self.read
    }

    /// The body, or 413 if it was over the limit.
    pub fn finish(self) -> Result<Vec<u8>, ApiError> {
        if self.over {
            Err(self.too_large())
        } else {
            Ok(self.bytes)
        }
    }

    fn refuse(&mut self) {
        self.over = true;
        self.bytes = Vec::new(); // what was kept is not wanted any more
    }

    fn too_large(&self) -> ApiError {
        ApiError::PayloadTooLarge { limit: self.limit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Input {
        name: String,
    }

    fn post(ct: &str, body: &str) -> Request {
        Request::new(Method::Post, "/fn")
            .unwrap()
            .with_body(ct, body)
    }

    #[test]
    fn path_route_and_query_come_from_the_url() {
        let r = Request::new(
            Method::Get,
            "http://x/link-candidate-account/a/b?q=a%20b&n=1",
        )
        .unwrap();
        assert_eq!(r.path(), "/link-candidate-account/a/b");
        assert_eq!(r.route(), "/a/b");
        assert_eq!(r.query("q"), Some("a b"));
        assert_eq!(r.query("missing"), None);
        assert_eq!(Request::new(Method::Get, "/fn").unwrap().route(), "/");
    }

    #[test]
    fn json_body_statuses() {
        assert_eq!(
            post("application/json", r#"{"name":"a"}"#).json::<Input>(),
            Ok(Input { name: "a".into() })
        );
        assert_eq!(
            post("application/json; charset=utf-8", r#"{"name":"a"}"#)
                .json::<Input>()
                .map(|i| i.name),
            Ok("a".into())
        );
        assert_eq!(
            post("application/merge-patch+json", r#"{"name":"a"}"#)
                .json::<Input>()
                .map(|i| i.name),
            Ok("a".into())
        );
        let code = |r: Request| {
            r.json::<Input>()
                .err()
                .map(|e| (e.status(), e.code().to_owned()))
        };
        assert_eq!(
            code(post("application/json", "{oops")),
            Some((400, "invalid_json".into()))
        );
        assert_eq!(
            code(post("application/json", "{}")),
            Some((400, "invalid_body".into()))
        );
        assert_eq!(
            code(post("application/json", "  ")),
            Some((400, "body_required".into()))
        );
        assert_eq!(
            code(Request::new(Method::Post, "/fn").unwrap()),
            Some((400, "body_required".into()))
        );
        assert_eq!(
            code(post("text/plain", r#"{"name":"a"}"#)),
            Some((415, "unsupported_media_type".into()))
        );
        assert_eq!(
            code(
                Request::new(Method::Post, "/fn")
                    .unwrap()
                    .with_header("x", "y")
                    .with_json(&json!({"name": 1}))
            ),
            Some((400, "invalid_body".into()))
        );
    }

    #[test]
    fn json_object_refuses_what_is_not_an_object() {
        assert_eq!(
            post("application/json", r#"{"name":"a"}"#).json_object::<Input>(),
            Ok(Input { name: "a".into() })
        );
        assert_eq!(
            post("application/json", r#"["a"]"#).json::<Input>(),
            Ok(Input { name: "a".into() }),
            "what json_object is for"
        );
        for body in [r#"["a"]"#, "1", r#""a""#, "null"] {
            let err = post("application/json", body)
                .json_object::<Input>()
                .unwrap_err();
            assert_eq!((err.status(), err.code()), (400, "invalid_body"), "{body}");
        }
        let err = post("application/json", "{}")
            .json_object::<Input>()
            .unwrap_err();
        assert_eq!((err.status(), err.code()), (400, "invalid_body"));
        assert!(err.body()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("name"));
        let err = post("text/plain", "{}").json_object::<Input>().unwrap_err();
        assert_eq!(err.status(), 415);
    }

    #[test]
    fn invalid_body_message_names_the_field() {
        let err = post("application/json", "{}").json::<Input>().unwrap_err();
        assert!(err.body()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("name"));
    }

    #[test]
    fn body_limit_is_checked_on_declared_length_and_on_bytes() {
        let headers: Headers = [("Content-Length", "11")].into_iter().collect();
        let err = Request::from_parts("POST", "/fn", headers, vec![], 10).unwrap_err();
        assert_eq!(err, ApiError::PayloadTooLarge { limit: 10 });
        let err = Request::from_parts("POST", "/fn", Headers::new(), vec![0; 11], 10).unwrap_err();
        assert_eq!(err.status(), 413);
        assert!(Request::from_parts("POST", "/fn", Headers::new(), vec![0; 10], 10).is_ok());
        let err = Request::from_parts("BREW", "/fn", Headers::new(), vec![], 10).unwrap_err();
        assert_eq!(err.status(), 400);

        let mut reader = BodyReader::new(10, 100);
        reader.push(&[1; 6]).unwrap();
        reader.push(&[2; 4]).unwrap();
        assert_eq!(reader.finish(), Ok([[1; 6].as_slice(), &[2; 4]].concat()));
    }

    #[test]
    fn a_body_over_the_limit_is_read_to_its_end_then_refused() {
        let mut reader = BodyReader::new(10, 100);
        reader.push(&[1; 6]).unwrap();
        // Over the limit: still read (the client is still sending), never kept.
        reader.push(&[1; 5]).unwrap();
        let mut copied = 0;
        for _ in 0..8 {
            reader.push_with(10, |_| copied += 1).unwrap();
        }
        assert_eq!(copied, 0, "nothing past the limit is copied in");
        assert_eq!(reader.read(), 91);
        assert_eq!(
            reader.finish(),
            Err(ApiError::PayloadTooLarge { limit: 10 })
        );
    }

    #[test]
    fn reading_stops_past_the_drain_limit() {
        let mut reader = BodyReader::new(10, 100);
        for _ in 0..10 {
            reader.push(&[1; 10]).unwrap();
        }
        assert_eq!(reader.read(), 100, "up to the drain limit, still reading");
        assert_eq!(
            reader.push(&[1]),
            Err(ApiError::PayloadTooLarge { limit: 10 }),
            "one byte more: stop and refuse now"
        );
        // A drain limit under the limit is the limit.
        let mut reader = BodyReader::new(10, 5);
        reader.push(&[1; 10]).unwrap();
        assert_eq!(reader.push(&[1]).unwrap_err().status(), 413);
    }

    #[test]
    fn a_declared_length_over_the_limit_only_drains_and_over_the_drain_limit_reads_nothing() {
        let declared =
            |n: usize| -> Headers { [("Content-Length", n.to_string())].into_iter().collect() };
        let mut reader = BodyReader::for_request(&declared(50), 10, 100).unwrap();
        let mut copied = false;
        reader.push_with(5, |_| copied = true).unwrap();
        assert!(
            !copied,
            "declared over the limit: the first byte is not kept either"
        );
        assert_eq!(reader.finish().unwrap_err().status(), 413);
        assert_eq!(
            BodyReader::for_request(&declared(101), 10, 100).unwrap_err(),
            ApiError::PayloadTooLarge { limit: 10 },
            "over the drain limit: 413 without reading"
        );
        let mut reader = BodyReader::for_request(&declared(10), 10, 100).unwrap();
        reader.push(&[7; 10]).unwrap();
        assert_eq!(reader.finish(), Ok(vec![7; 10]));
        assert!(
            BodyReader::for_request(&Headers::new(), 10, 100).is_ok(),
            "chunked: nothing declared"
        );
    }

    #[test]
    fn bearer_token_and_case_insensitive_headers() {
        let r = Request::new(Method::Get, "/fn")
            .unwrap()
            .with_header("Authorization", "bearer abc.def.ghi");
        assert_eq!(r.header("AUTHORIZATION"), Some("bearer abc.def.ghi"));
        assert_eq!(r.bearer_token(), Some("abc.def.ghi"));
        let r = r.with_header("authorization", "Basic Zm9v");
        assert_eq!(r.bearer_token(), None);
        assert_eq!(
            Request::new(Method::Get, "/fn")
                .unwrap()
                .with_header("authorization", "Bearer ")
                .bearer_token(),
            None
        );
    }

    #[test]
    fn allow_answers_405_with_the_allowed_methods() {
        let r = Request::new(Method::Get, "/fn").unwrap();
        assert!(r.allow(&[Method::Get]).is_ok());
        assert_eq!(
            r.allow(&[Method::Post]),
            Err(ApiError::MethodNotAllowed {
                allow: vec![Method::Post]
            })
        );
    }

    #[test]
    fn forms_urlencoded_multipart_and_wrong_type() {
        let form = post("application/x-www-form-urlencoded", "a=1&b=x%20y")
            .form()
            .unwrap();
        assert_eq!((form.text("a"), form.text("b")), (Some("1"), Some("x y")));
        let parsed = Form {
            parts: vec![Part {
                name: "resume".into(),
                filename: Some("cv.pdf".into()),
                content_type: Some("application/pdf".into()),
                bytes: b"%PDF".to_vec(),
            }],
        };
        let r = Request::new(Method::Post, "/fn")
            .unwrap()
            .with_form(parsed.clone());
        assert_eq!(
            r.form().unwrap().file("resume").map(|p| p.bytes.as_slice()),
            Some(&b"%PDF"[..])
        );
        assert_eq!(r.form().unwrap().text("resume"), None);
        assert_eq!(
            post("application/json", "{}").form().unwrap_err().status(),
            415
        );
    }
}
