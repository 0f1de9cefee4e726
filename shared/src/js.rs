//! The only module that touches `JsValue` (wasm32 only): the JS `Request` in, the JS
//! `Response` out, the env object (its config parsed once per isolate: [`context`]),
//! `fetch` for outbound HTTP, `Date.now`/`setTimeout` for the clock, `console.error` for
//! the log, and the panic hook.
//!
//! A function crate's export is one line of glue:
//! ```ignore
//! #[wasm_bindgen]
//! pub async fn handle(req: web_sys::Request, env: JsValue) -> Result<web_sys::Response, JsValue> {
//!     shared::js::serve(req, env, run).await
//! }
//! ```

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::config::{Config, ConfigError, Env};
use crate::context::Context;
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use crate::request::{BodyReader, Headers, Request, DEFAULT_BODY_LIMIT, DRAIN_LIMIT};
use crate::response::Response;
use crate::serve::{dispatch, finish, Gate};
use crate::time::{Clock, LocalBoxFuture};

/// Runs once when the module is instantiated (once per isolate): panics print their
/// message and location to the console instead of "unreachable executed".
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[wasm_bindgen]
extern "C" {
    // The global `setTimeout` (Deno has no `window`, so not web_sys::Window's).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, milliseconds: f64) -> JsValue;
}

pub(crate) fn console_error(line: &str) {
    web_sys::console::error_1(&JsValue::from_str(line));
}

/// Per-function settings of [`serve_with`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest request body accepted, bytes; larger is 413.
    pub body_limit: usize,
    /// At most this many body bytes in flight in the isolate ([`Gate`]: requests over it
    /// wait, unread, and are answered 503 `busy` after [`GATE_MAX_WAIT`]). `None`: no bound.
    pub bodies_in_flight: Option<usize>,
}

/// How long a request waits at the [`Gate`] before it is answered 503 `busy`.
pub const GATE_MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Default for Options {
    fn default() -> Self {
        Options {
            body_limit: DEFAULT_BODY_LIMIT,
            bodies_in_flight: None,
        }
    }
}

thread_local! {
    /// The isolate's gate, made by the first request that names a bound.
    static GATE: std::cell::OnceCell<Gate> = const { std::cell::OnceCell::new() };
}

/// Serve one request with `run`, default [`Options`].
pub async fn serve<F>(
    request: web_sys::Request,
    env: JsValue,
    run: F,
) -> Result<web_sys::Response, JsValue>
where
    F: AsyncFnOnce(Request, &Context) -> Result<Response, ApiError>,
{
    serve_with(request, env, Options::default(), run).await
}

/// Serve one request with `run`: read it (under the body limit), build the context from
/// `env` ([`context`]), run the pipeline of [`crate::serve::dispatch`], and convert the
/// answer.
pub async fn serve_with<F>(
    request: web_sys::Request,
    env: JsValue,
    options: Options,
    run: F,
) -> Result<web_sys::Response, JsValue>
where
    F: AsyncFnOnce(Request, &Context) -> Result<Response, ApiError>,
{
    // Admitted before the body is read: a waiting or refused request holds no more than
    // the runtime's buffers. A preflight is always answered.
    let _permit = match options.bodies_in_flight {
        Some(capacity) if request.method() != "OPTIONS" => {
            let gate = GATE.with(|gate| gate.get_or_init(|| Gate::new(capacity)).clone());
            let weight = request
                .headers()
                .get("content-length")
                .ok()
                .flatten()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .map_or(options.body_limit, |n| n.min(options.body_limit));
            match gate.enter(weight, &JsClock, GATE_MAX_WAIT).await {
                Ok(permit) => Some(permit),
                Err(busy) => {
                    discard_body(&request).await;
                    return to_js_response(&finish(Err(busy)));
                }
            }
        }
        _ => None,
    };
    let request = read_request(&request, options.body_limit).await;
    to_js_response(&dispatch(request, || context(&env), run).await)
}

thread_local! {
    /// The last env object seen and the config read from it.
    static CONFIG: RefCell<Option<(JsValue, Result<Config, ConfigError>)>> =
        const { RefCell::new(None) };
}

/// The context of one call (a request, a socket message) from the env object the wrapper
/// passes (`Deno.env.toObject()`, read once per isolate by the adapter and passed with
/// every call). Its config is read once per isolate, not per call: kept with that very
/// object (`===`), so a call with another env object (a test's) reads that one.
pub fn context(env: &JsValue) -> Result<Context, ConfigError> {
    let config = CONFIG.with_borrow_mut(|cached| match cached {
        Some((seen, config)) if seen == env => config.clone(),
        _ => {
            let config = Config::from_env(&env_from_js(env));
            *cached = Some((env.clone(), config.clone()));
            config
        }
    })?;
    Ok(Context::new(config, Rc::new(FetchClient), Rc::new(JsClock)))
}

/// The env object (`Deno.env.toObject()`): its string-valued entries.
fn env_from_js(env: &JsValue) -> Env {
    if !env.is_object() {
        return Env::default();
    }
    Object::entries(env.unchecked_ref::<Object>())
        .iter()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

fn headers_from_js(headers: &web_sys::Headers) -> Headers {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Headers::new();
    };
    entries
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.ok()?.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Read the body to its end keeping none of it (up to [`DRAIN_LIMIT`]), so the client,
/// still sending, gets the answer rather than a reset connection.
async fn discard_body(request: &web_sys::Request) {
    let headers = headers_from_js(&request.headers());
    if let (Ok(reader), Some(stream)) = (
        BodyReader::for_request(&headers, 0, DRAIN_LIMIT),
        request.body(),
    ) {
        let _ = read_stream(&stream, reader).await;
    }
}

async fn read_request(request: &web_sys::Request, limit: usize) -> Result<Request, ApiError> {
    let headers = headers_from_js(&request.headers());
    // Over the limit (declared or found while reading) the body is still read to its end,
    // not kept, before the 413 goes out (DRAIN_LIMIT says why, and how far).
    let reader = BodyReader::for_request(&headers, limit, DRAIN_LIMIT)?;
    let body = match request.body() {
        Some(stream) => read_stream(&stream, reader).await?,
        None => reader.finish()?,
    };
    let content_type = headers.get("content-type").map(str::to_owned);
    let mut parsed = Request::from_parts(&request.method(), &request.url(), headers, body, limit)?;
    match content_type {
        Some(ct) if parsed.content_type().as_deref() == Some("multipart/form-data") => {
            let form = crate::multipart::parse(parsed.take_bytes(), &ct)?;
            Ok(parsed.with_form(form))
        }
        _ => Ok(parsed),
    }
}

/// Read a body stream to its end into `body`, which keeps what is under the limit and
/// only counts the rest; past the drain limit, stop (cancelling the stream) and refuse.
async fn read_stream(
    stream: &web_sys::ReadableStream,
    mut body: BodyReader,
) -> Result<Vec<u8>, ApiError> {
    let unreadable =
        |_| ApiError::bad_request("body_unreadable", "The request body could not be read");
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(unreadable)?;
        if Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            return body.finish();
        }
        let value = Reflect::get(&step, &"value".into()).map_err(unreadable)?;
        // A request body yields Uint8Arrays; anything else is viewed as one.
        let chunk = value
            .dyn_into::<Uint8Array>()
            .unwrap_or_else(|other| Uint8Array::new(&other));
        // Copied into wasm memory only when kept.
        let pushed = body.push_with(chunk.length() as usize, |into| chunk.copy_to(into));
        if let Err(too_large) = pushed {
            // Past the drain limit: the rest is not read; the promise settles on its own.
            let _ = reader.cancel();
            return Err(too_large);
        }
    }
}

fn to_js_response(response: &Response) -> Result<web_sys::Response, JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in response.headers() {
        headers.set(name, value)?;
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(response.status());
    init.set_headers(&headers);
    // 204/304 must have a null body, not an empty one.
    let body = (!response.body().is_empty()).then(|| Uint8Array::from(response.body()));
    web_sys::Response::new_with_opt_buffer_source_and_init(body.as_ref().map(|b| b.as_ref()), &init)
}

/// Outbound HTTP on the global `fetch` (gloo-net), one attempt per call, cut off by
/// `AbortSignal.timeout(request.timeout)`.
pub struct FetchClient;

impl HttpClient for FetchClient {
    fn send<'a>(
        &'a self,
        request: &'a HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let millis = request.timeout.as_millis().min(u32::MAX as u128) as u32;
            let signal = web_sys::AbortSignal::timeout_with_u32(millis);
            let failed = |err: gloo_net::Error| {
                if signal.aborted() {
                    TransportError::Timeout(request.timeout)
                } else {
                    TransportError::Network(err.to_string())
                }
            };
            // The JS Request is built here, not by gloo's RequestBuilder: that one rebuilds
            // the URL and, for a URL that already has a query, appends `&` plus its own
            // (empty) query params, so `?select=name&id=eq.1` went out as
            // `?select=name&id=eq.1&`, which PostgREST-compatible servers refuse (400).
            let outgoing = js_request(request, &signal)
                .map_err(|err| TransportError::Network(format!("building the request: {err:?}")))?;
            let response = gloo_net::http::Request::from(outgoing)
                .send()
                .await
                .map_err(failed)?;
            let status = response.status();
            let headers: Headers = response.headers().entries().collect();
            let body = response.binary().await.map_err(failed)?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// `request` as a JS `Request`, its URL exactly as given.
fn js_request(
    request: &HttpRequest,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in request.headers.iter() {
        headers.set(name, value)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    if let Some(body) = &request.body {
        init.set_body(&Uint8Array::from(body.as_slice()));
    }
    web_sys::Request::new_with_str_and_init(&request.url, &init)
}

/// `Date.now()` and `setTimeout`.
pub struct JsClock;

impl Clock for JsClock {
    fn now_unix_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        let millis = duration.as_millis().min(i32::MAX as u128) as f64;
        let timer = Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, millis);
        });
        Box::pin(async move {
            // A timer promise only resolves.
            let _ = JsFuture::from(timer).await;
        })
    }
}

/// ES256/RS256 signature checks with the runtime's WebCrypto (`crypto.subtle`): the key
/// is imported once per isolate (kept by its public members), then `verify`. Keeps the
/// elliptic-curve and RSA arithmetic out of the modules.
///
/// A signature that verified is remembered (the last [`VERIFIED_MAX`], per isolate, with
/// the key and the signed bytes): a caller's next request with the same token skips
/// WebCrypto, whose ES256 check costs ~0.7 ms of CPU, most of what a request through a
/// function costs the isolate. Only the signature check is skipped: the claims
/// (`exp` included) are checked on every request (`auth::Auth::verify`).
pub struct WebCrypto;

/// How many verified signatures an isolate remembers.
const VERIFIED_MAX: usize = 64;

/// The key (its cache key), the signed bytes and the signature of one verified token.
type VerifiedSignature = (String, Vec<u8>, Vec<u8>);

thread_local! {
    static CRYPTO_KEYS: RefCell<Vec<(String, web_sys::CryptoKey)>> = const { RefCell::new(Vec::new()) };
    static VERIFIED: RefCell<std::collections::VecDeque<VerifiedSignature>> =
        const { RefCell::new(std::collections::VecDeque::new()) };
}

impl WebCrypto {
    fn subtle() -> Result<web_sys::SubtleCrypto, String> {
        let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
            .ok()
            .filter(|c| c.is_object())
            .ok_or("no WebCrypto in this runtime")?;
        Ok(crypto.unchecked_into::<web_sys::Crypto>().subtle())
    }

    fn object(json: &serde_json::Value) -> Result<Object, String> {
        js_sys::JSON::parse(&json.to_string())
            .map(JsCast::unchecked_into)
            .map_err(|_| "JSON.parse".to_owned())
    }

    /// What identifies a key for an algorithm in the caches.
    fn cache_key(alg: crate::jwt::Alg, key: &crate::jwt::Jwk) -> String {
        format!("{}:{}", alg.name(), key.public_members())
    }

    async fn import(
        subtle: &web_sys::SubtleCrypto,
        alg: crate::jwt::Alg,
        key: &crate::jwt::Jwk,
    ) -> Result<web_sys::CryptoKey, String> {
        use crate::jwt::Alg;
        let members = key.public_members();
        let cache_key = Self::cache_key(alg, key);
        if let Some(found) = CRYPTO_KEYS.with_borrow(|keys| {
            keys.iter()
                .find(|(k, _)| *k == cache_key)
                .map(|(_, v)| v.clone())
        }) {
            return Ok(found);
        }
        let algorithm = match alg {
            Alg::Es256 => serde_json::json!({ "name": "ECDSA", "namedCurve": "P-256" }),
            Alg::Rs256 => serde_json::json!({ "name": "RSASSA-PKCS1-v1_5", "hash": "SHA-256" }),
            Alg::Hs256 => return Err("HS256 is checked with HMAC".into()),
        };
        let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
        let promise = subtle
            .import_key_with_object(
                "jwk",
                &Self::object(&members)?,
                &Self::object(&algorithm)?,
                false,
                &usages,
            )
            .map_err(|e| format!("importKey: {e:?}"))?;
        let imported: web_sys::CryptoKey = JsFuture::from(promise)
            .await
            .map_err(|e| format!("importKey: {e:?}"))?
            .unchecked_into();
        CRYPTO_KEYS.with_borrow_mut(|keys| keys.push((cache_key, imported.clone())));
        Ok(imported)
    }
}

impl crate::jwt::Signatures for WebCrypto {
    fn verify<'a>(
        &'a self,
        alg: crate::jwt::Alg,
        key: &'a crate::jwt::Jwk,
        message: &'a [u8],
        signature: &'a [u8],
    ) -> LocalBoxFuture<'a, Result<bool, String>> {
        Box::pin(async move {
            let cache_key = Self::cache_key(alg, key);
            let seen = VERIFIED.with_borrow(|verified| {
                verified
                    .iter()
                    .any(|(k, m, s)| *k == cache_key && m == message && s == signature)
            });
            if seen {
                return Ok(true);
            }
            let subtle = Self::subtle()?;
            let crypto_key = Self::import(&subtle, alg, key).await?;
            let params = match alg {
                crate::jwt::Alg::Es256 => serde_json::json!({ "name": "ECDSA", "hash": "SHA-256" }),
                _ => serde_json::json!({ "name": "RSASSA-PKCS1-v1_5" }),
            };
            let promise = subtle
                .verify_with_object_and_u8_array_and_u8_array(
                    &Self::object(&params)?,
                    &crypto_key,
                    signature,
                    message,
                )
                .map_err(|e| format!("verify: {e:?}"))?;
            let valid = JsFuture::from(promise)
                .await
                .map_err(|e| format!("verify: {e:?}"))?
                .as_bool()
                == Some(true);
            if valid {
                VERIFIED.with_borrow_mut(|verified| {
                    if verified.len() >= VERIFIED_MAX {
                        verified.pop_front();
                    }
                    verified.push_back((cache_key, message.to_vec(), signature.to_vec()));
                });
            }
            Ok(valid)
        })
    }
}
