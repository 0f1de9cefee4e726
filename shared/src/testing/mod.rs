//! Helpers for native tests of functions (feature `testing`): sign tokens as Supabase
//! Auth would, one fake Supabase project with its routes by name ([`FakeSupabase`]), a
//! scripted fake for any outbound HTTP ([`FakeHttp`]), a clock that sleeps instantly, and
//! a ready [`Context`]; the pieces every function's fake and tests repeat (the caller's
//! claims, PTxyz errors, OpenAI's answers, a JSON request, a run through the pipeline,
//! the error shape). Not compiled into wasm builds.
// Test-only code: a helper that cannot do its job should stop the test, loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::auth::{Auth, Claims};
use crate::config::{Config, Env};
use crate::context::Context;
use crate::contract::{declares, Errors};
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use crate::request::{Method, Request};
use crate::response::Response;
use crate::serve::dispatch;
use crate::time::{Clock, LocalBoxFuture};

mod supabase;

pub use supabase::{rows, FakeSupabase, RestCall, StorageCall};

/// The local stack's well-known secret (what `supabase start` uses).
pub const TEST_JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";
/// "Now" for [`test_context`]'s clock: 2027-01-15T08:00:00Z, in ms.
pub const TEST_NOW_MS: u64 = 1_800_000_000_000;
/// `SUPABASE_URL` in [`test_env`].
pub const TEST_SUPABASE_URL: &str = "http://supabase.test";
/// The user of [`user_token`].
pub const TEST_USER_ID: &str = "11111111-1111-4111-8111-111111111111";
pub const TEST_USER_EMAIL: &str = "candidate@example.test";

/// The `kid` of [`sign_es256`]'s key in [`test_jwks`].
pub const TEST_ES256_KID: &str = "test-es256";
/// The `kid` of [`sign_rs256`]'s key in [`test_jwks`].
pub const TEST_RS256_KID: &str = "test-rs256";
/// A fixed P-256 private scalar: tokens are the same from run to run.
const TEST_ES256_SECRET: [u8; 32] = [
    0x4c, 0x0b, 0x2a, 0x91, 0x5e, 0x77, 0x13, 0xd8, 0x06, 0xf1, 0x3c, 0x68, 0xa2, 0x5d, 0x90, 0x1e,
    0x7b, 0xc4, 0x22, 0x39, 0x8f, 0x61, 0x0a, 0xee, 0x57, 0x14, 0xb3, 0x9d, 0x2f, 0x86, 0x48, 0x05,
];
/// A 2048-bit RSA key made for these tests only (`openssl genrsa 2048`).
const TEST_RS256_PEM: &str = include_str!("../testing_keys/rsa-2048.pem");

/// The P-256 signing key behind [`TEST_ES256_KID`].
pub fn es256_signing_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&TEST_ES256_SECRET).expect("a valid P-256 scalar")
}

fn rs256_private_key() -> rsa::RsaPrivateKey {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    rsa::RsaPrivateKey::from_pkcs1_pem(TEST_RS256_PEM).expect("the test RSA key parses")
}

/// The public JWK of a P-256 verifying key, as Supabase lists a signing key.
pub fn es256_jwk(key: &p256::ecdsa::VerifyingKey, kid: &str) -> Value {
    let point = key.to_encoded_point(false);
    json!({ "kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig",
            "key_ops": ["verify"], "ext": true,
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("uncompressed")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("uncompressed")) })
}

/// `SUPABASE_JWKS` of [`test_env`]: the ES256 and RS256 test keys' public halves.
pub fn test_jwks() -> Value {
    use rsa::traits::PublicKeyParts;
    let rsa = rsa::RsaPublicKey::from(&rs256_private_key());
    json!({ "keys": [
        es256_jwk(es256_signing_key().verifying_key(), TEST_ES256_KID),
        { "kty": "RSA", "kid": TEST_RS256_KID, "alg": "RS256", "use": "sig",
          "n": URL_SAFE_NO_PAD.encode(rsa.n().to_bytes_be()),
          "e": URL_SAFE_NO_PAD.encode(rsa.e().to_bytes_be()) },
    ] })
}

/// A compact JWS of `claims` with this header, signed by `sign` over `header.payload`.
pub fn sign_with(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = URL_SAFE_NO_PAD.encode(sign(signing_input.as_bytes()));
    format!("{signing_input}.{signature}")
}

/// An ES256 JWT of `claims` signed by `key`, with `kid` in its header: what Supabase
/// Auth issues on a project created today.
pub fn sign_es256_with(claims: &Value, key: &p256::ecdsa::SigningKey, kid: &str) -> String {
    use p256::ecdsa::signature::Signer;
    let header = json!({ "alg": "ES256", "typ": "JWT", "kid": kid });
    sign_with(&header, claims, |input| {
        let signature: p256::ecdsa::Signature = key.sign(input);
        signature.to_bytes().to_vec()
    })
}

/// An ES256 JWT of `claims` signed with the test key of [`test_jwks`].
pub fn sign_es256(claims: &Value) -> String {
    sign_es256_with(claims, &es256_signing_key(), TEST_ES256_KID)
}

/// An RS256 JWT of `claims` signed with the test key of [`test_jwks`].
pub fn sign_rs256(claims: &Value) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(rs256_private_key());
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": TEST_RS256_KID });
    sign_with(&header, claims, |input| key.sign(input).to_vec())
}

/// An HS256 JWT of `claims`, signed with `secret`.
pub fn sign_token(claims: &Value, secret: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// The claims Supabase Auth would give [`TEST_USER_ID`], with this `app_metadata`.
pub fn user_claims(app_metadata: Value) -> Value {
    let now = TEST_NOW_MS / 1000;
    json!({ "iss": format!("{TEST_SUPABASE_URL}/auth/v1"),
            "sub": TEST_USER_ID, "role": "authenticated", "aud": "authenticated",
            "email": TEST_USER_EMAIL, "iat": now, "exp": now + 3600,
            "session_id": "33333333-3333-4333-8333-333333333333", "is_anonymous": false,
            "app_metadata": app_metadata })
}

/// A valid token for [`TEST_USER_ID`] under [`test_context`].
pub fn user_token(app_metadata: Value) -> String {
    sign_token(&user_claims(app_metadata), TEST_JWT_SECRET)
}

/// A [`user_token`] of a member of `tenant` whose tenant role is `role`.
pub fn member_token(tenant: &str, role: &str) -> String {
    user_token(json!({ "tenant_id": tenant, "role": role }))
}

/// `POST /test` with [`user_token`] and an empty JSON object body.
pub fn user_request(app_metadata: Value) -> Request {
    Request::new(Method::Post, "/test")
        .expect("a constant path parses")
        .with_header(
            "authorization",
            format!("Bearer {}", user_token(app_metadata)),
        )
        .with_json(&json!({}))
}

/// Every Supabase key of [`test_env`]: the legacy JWT keys and secret, and the signing
/// keys of [`test_jwks`].
fn test_env_pairs() -> Vec<(&'static str, String)> {
    vec![
        ("SUPABASE_URL", TEST_SUPABASE_URL.into()),
        ("SUPABASE_ANON_KEY", "anon-key".into()),
        ("SUPABASE_SERVICE_ROLE_KEY", "a.service.jwt".into()),
        ("JWT_SECRET", TEST_JWT_SECRET.into()),
        ("SUPABASE_JWKS", test_jwks().to_string()),
    ]
}

/// The env of [`test_context`]: every Supabase key, no vendor keys.
pub fn test_env() -> Env {
    test_env_pairs().into_iter().collect()
}

/// A context on [`test_env`] with `http` as the transport and a [`ManualClock`] at
/// [`TEST_NOW_MS`].
pub fn test_context(http: Rc<dyn HttpClient>) -> Context {
    test_context_with(http, &[]).0
}

/// [`test_context`] with `extra` keys (a vendor's key and base URL, a webhook) added to
/// [`test_env`], and its clock, whose sleeps a test can read.
pub fn test_context_with(
    http: Rc<dyn HttpClient>,
    extra: &[(&str, &str)],
) -> (Context, Rc<ManualClock>) {
    let env: Env = test_env_pairs()
        .into_iter()
        .chain(extra.iter().map(|&(k, v)| (k, v.to_owned())))
        .collect();
    let config = Config::from_env(&env).expect("test_env and the extra keys are complete");
    let clock = Rc::new(ManualClock::new(TEST_NOW_MS));
    (Context::new(config, http, clock.clone()), clock)
}

/// `POST <url>` with `body` as JSON and, when given, `Authorization: Bearer <token>`.
pub fn post_json(url: &str, body: &Value, token: Option<&str>) -> Request {
    let req = Request::new(Method::Post, url)
        .expect("a test URL parses")
        .with_json(body);
    match token {
        Some(token) => req.with_header("authorization", format!("Bearer {token}")),
        None => req,
    }
}

/// `run` on `req` through the shared pipeline (preflight, JSON errors, CORS), as
/// `js::serve` runs it in wasm. An error answer must be one the function declares in
/// `errors` (its `ERRORS`, the source of the TypeScript contract's error codes): a test
/// that meets an undeclared `(status, code)` fails here.
pub fn call<F>(run: F, errors: Errors, req: Result<Request, ApiError>, cx: Context) -> Response
where
    F: AsyncFnOnce(Request, &Context) -> Result<Response, ApiError>,
{
    let response = pollster::block_on(dispatch(req, || Ok(cx), run));
    assert_declared(errors, &response);
    response
}

/// Fails unless `response` is a success or an error answer `errors` declares.
pub fn assert_declared(errors: Errors, response: &Response) {
    if response.status() < 400 {
        return;
    }
    let code = response
        .json_body()
        .ok()
        .and_then(|body| body["error"]["code"].as_str().map(str::to_owned));
    let Some(code) = code else {
        panic!(
            "a {} answer without the error shape {{\"error\":{{\"code\",...}}}}",
            response.status()
        );
    };
    assert!(
        declares(errors, response.status(), &code),
        "the function answered {} `{code}`, which its ERRORS do not declare",
        response.status()
    );
}

/// The status and `error.code` of an error answer, after checking that it has the JSON
/// error shape (`code`, a `message`, `details`) and CORS.
pub fn error_of(response: &Response) -> (u16, String) {
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let body = response.json_body().expect("an error answer is JSON");
    let error = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("not the error shape: {body}"));
    assert!(
        error["message"].is_string() && error.contains_key("details"),
        "{body}"
    );
    let code = error["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {body}"));
    (response.status(), code.to_owned())
}

// ---------------------------------------------------------------------------------------
// What a function's fake PostgREST answers with

/// The claims PostgREST would run `req` as: its bearer JWT, verified with the keys of
/// [`test_env`] at [`TEST_NOW_MS`]. `None` without a valid one.
pub fn caller_claims(req: &HttpRequest) -> Option<Claims> {
    let token = req.headers.get("authorization")?.strip_prefix("Bearer ")?;
    let config = Config::from_env(&test_env()).expect("test_env is complete");
    let auth = Auth::new(
        &config,
        Rc::new(crate::jwt::RustCrypto),
        Rc::new(ManualClock::new(TEST_NOW_MS)),
    );
    pollster::block_on(auth.verify(token)).ok()
}

/// PostgREST's answer to an SQL function that raised `PT<status>` with `code` as its
/// message (how our SQL refuses: `db::map_error` reads it back).
pub fn postgrest_error(status: u16, code: &str, details: &str) -> HttpResponse {
    json_response(
        status,
        &json!({ "code": format!("PT{status}"), "message": code, "details": details, "hint": null }),
    )
}

// ---------------------------------------------------------------------------------------
// What a fake OpenAI answers with

/// A chat completion whose message content is `content`, serialised.
pub fn openai_completion(content: &Value, finish_reason: &str) -> HttpResponse {
    json_response(
        200,
        &json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_800_000_000u64,
            "model": "gpt-4.1-mini-2025-04-14",
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": content.to_string(), "refusal": null },
                          "logprobs": null, "finish_reason": finish_reason }],
            "usage": { "prompt_tokens": 100, "completion_tokens": 200, "total_tokens": 300 },
        }),
    )
}

/// A chat completion the model refused.
pub fn openai_refusal() -> HttpResponse {
    json_response(
        200,
        &json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_800_000_000u64, "model": "gpt-4.1-mini",
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": null,
                          "refusal": "I can't help with that." }, "logprobs": null, "finish_reason": "stop" }],
        }),
    )
}

/// OpenAI's error body: `status`, `error.code` and `error.type`.
pub fn openai_error(status: u16, code: &str, kind: &str) -> HttpResponse {
    json_response(
        status,
        &json!({ "error": { "message": "scripted", "type": kind, "param": null, "code": code } }),
    )
}

/// A clock that sleeps instantly, advancing its time, and records every sleep.
pub struct ManualClock {
    now_ms: Cell<u64>,
    sleeps: RefCell<Vec<Duration>>,
}

impl ManualClock {
    pub fn new(now_ms: u64) -> Self {
        ManualClock {
            now_ms: Cell::new(now_ms),
            sleeps: RefCell::new(Vec::new()),
        }
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.borrow().clone()
    }
}

impl Clock for ManualClock {
    fn now_unix_ms(&self) -> u64 {
        self.now_ms.get()
    }

    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        self.sleeps.borrow_mut().push(duration);
        self.now_ms
            .set(self.now_ms.get() + duration.as_millis() as u64);
        Box::pin(std::future::ready(()))
    }
}

type Responder = Box<dyn Fn(&HttpRequest) -> Result<HttpResponse, TransportError>>;

/// A scripted [`HttpClient`]: answers from a queue (or a routing function when the
/// queue is empty) and records every request it was sent. With neither, it answers
/// a network error, so a forgotten script fails loudly.
#[derive(Default)]
pub struct FakeHttp {
    queue: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    responder: Option<Responder>,
    requests: RefCell<Vec<HttpRequest>>,
}

impl FakeHttp {
    pub fn new() -> Self {
        FakeHttp::default()
    }

    /// Answer every request (not served from the queue) with `responder`.
    pub fn with_responder(
        responder: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    ) -> Self {
        FakeHttp {
            responder: Some(Box::new(responder)),
            ..FakeHttp::default()
        }
    }

    pub fn push(&self, outcome: Result<HttpResponse, TransportError>) {
        self.queue.borrow_mut().push_back(outcome);
    }

    /// Queue a JSON answer, as PostgREST gives them.
    pub fn push_json(&self, status: u16, body: Value) {
        self.push(Ok(json_response(status, &body)));
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }
}

/// An `application/json` response.
pub fn json_response(status: u16, body: &Value) -> HttpResponse {
    HttpResponse::new(status, body.to_string()).with_header("content-type", "application/json")
}

impl HttpClient for FakeHttp {
    fn send<'a>(
        &'a self,
        request: &'a HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        self.requests.borrow_mut().push(request.clone());
        let queued = self.queue.borrow_mut().pop_front();
        let outcome = match (queued, &self.responder) {
            (Some(outcome), _) => outcome,
            (None, Some(responder)) => responder(request),
            (None, None) => Err(TransportError::Network(format!(
                "FakeHttp: nothing scripted for {request:?}"
            ))),
        };
        Box::pin(std::future::ready(outcome))
    }
}
