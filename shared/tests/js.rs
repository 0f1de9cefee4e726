//! The `js` module in a real JS engine: request and env in, response out, multipart (as the
//! engine's own FormData encodes it) parsed by `shared::multipart`, streamed body limit,
//! `fetch` with its timeout, the timer clock.
//! Run: `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --target wasm32-unknown-unknown -p shared --test js` (node on PATH).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use serde_json::{json, Value};
use shared::js::{serve, serve_with, FetchClient, JsClock, Options};
use shared::{
    ApiError, Clock, Context, HttpClient, HttpRequest, Request, Response, TransportError,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
import * as http from "node:http";
export function hangingServer() {
  return new Promise((resolve) => {
    const server = http.createServer(() => {});
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}/`));
    server.unref();
  });
}
export function echoServer() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      });
    });
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`));
    server.unref();
  });
}
export function streamedRequest(chunks, size, declared) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream({
    pull(c) {
      if (state.pulled === chunks) return c.close();
      state.pulled++;
      c.enqueue(new Uint8Array(size));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  const headers = declared ? { "content-length": String(declared) } : {};
  const request = new Request("http://x/fn", { method: "POST", body, headers, duplex: "half" });
  return [request, state];
}
export function env() {
  return { SUPABASE_URL: "http://127.0.0.1:9", SUPABASE_ANON_KEY: "anon", EXTRA: "x" };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = hangingServer)]
    fn hanging_server() -> js_sys::Promise;
    #[wasm_bindgen(js_name = echoServer)]
    fn echo_server() -> js_sys::Promise;
    /// `[request, state]`: a POST whose body is `chunks` chunks of `size` bytes, with
    /// `Content-Length: declared` unless 0; `state` is `{pulled, cancelled}`.
    #[wasm_bindgen(js_name = streamedRequest)]
    fn streamed_request(chunks: u32, size: u32, declared: u32) -> js_sys::Array;
    fn env() -> JsValue;
}

async fn describe(req: Request, cx: &Context) -> Result<Response, ApiError> {
    let form = match req.content_type().as_deref() {
        Some("multipart/form-data") => {
            let form = req.form()?;
            form.parts
                .iter()
                .map(|p| json!({ "name": p.name, "filename": p.filename, "type": p.content_type, "len": p.bytes.len() }))
                .collect()
        }
        _ => Value::Null,
    };
    Ok(Response::ok(&json!({
        "method": req.method().as_str(), "path": req.path(), "route": req.route(), "q": req.query("q"),
        "url": cx.config.supabase_url, "len": req.bytes().len(), "form": form,
    })))
}

async fn body_of(response: web_sys::Response) -> (u16, Value) {
    let text = JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    (
        response.status(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn request(method: &str, url: &str, body: Option<&JsValue>) -> web_sys::Request {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(body);
    }
    web_sys::Request::new_with_str_and_init(url, &init).unwrap()
}

#[wasm_bindgen_test]
async fn request_env_and_response_cross_the_boundary() {
    let req = request(
        "POST",
        "http://x/fn/a/b?q=1%202",
        Some(&JsValue::from_str("hello")),
    );
    let response = serve(req, env(), describe).await.unwrap();
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .unwrap()
            .as_deref(),
        Some("*")
    );
    let (status, body) = body_of(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["method"], "POST");
    assert_eq!(
        (
            body["path"].as_str(),
            body["route"].as_str(),
            body["q"].as_str()
        ),
        (Some("/fn/a/b"), Some("/a/b"), Some("1 2"))
    );
    assert_eq!(body["url"], "http://127.0.0.1:9");
    assert_eq!(body["len"], 5);
}

#[wasm_bindgen_test]
async fn preflight_and_missing_env() {
    let response = serve(
        request("OPTIONS", "http://x/fn", None),
        JsValue::UNDEFINED,
        describe,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 204);
    let (status, body) = body_of(
        serve(request("GET", "http://x/fn", None), JsValue::NULL, describe)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("not_configured"))
    );
}

#[wasm_bindgen_test]
async fn multipart_as_the_engine_encodes_it_is_parsed() {
    let form = web_sys::FormData::new().unwrap();
    form.append_with_str("title", "Engineer").unwrap();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&b"%PDF-1.4"[..]));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/pdf");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap();
    form.append_with_blob_and_filename("resume", &blob, "cv.pdf")
        .unwrap();
    let (status, body) = body_of(
        serve(request("POST", "http://x/fn", Some(&form)), env(), describe)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["form"],
        json!([{ "name": "title", "filename": null, "type": null, "len": 8 },
               { "name": "resume", "filename": "cv.pdf", "type": "application/pdf", "len": 8 }])
    );
}

#[wasm_bindgen_test]
async fn a_streamed_body_over_the_limit_is_413() {
    let big = JsValue::from_str(&"x".repeat(5000));
    let response = serve_with(
        request("POST", "http://x/fn", Some(&big)),
        env(),
        Options {
            body_limit: 4096,
            ..Options::default()
        },
        describe,
    )
    .await
    .unwrap();
    let (status, body) = body_of(response).await;
    assert_eq!(
        (status, body["error"]["details"]["limit_bytes"].as_u64()),
        (413, Some(4096))
    );
}

/// `serve_with` (limit 4096) on a streamed body of `chunks` × 1000 bytes: the status, and
/// how many chunks were pulled and whether the stream was cancelled.
async fn over_the_limit(chunks: u32, declared: u32) -> (u16, u32, bool) {
    let pair = streamed_request(chunks, 1000, declared);
    let (request, state): (web_sys::Request, _) = (pair.get(0).unchecked_into(), pair.get(1));
    let length = request.headers().get("content-length").unwrap();
    assert_eq!(length, (declared > 0).then(|| declared.to_string()));
    let response = serve_with(
        request,
        env(),
        Options {
            body_limit: 4096,
            ..Options::default()
        },
        describe,
    )
    .await
    .unwrap();
    let (status, body) = body_of(response).await;
    assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
    let field = |name: &str| js_sys::Reflect::get(&state, &name.into()).unwrap();
    (
        status,
        field("pulled").as_f64().unwrap() as u32,
        field("cancelled").as_bool().unwrap(),
    )
}

/// The 413 goes out after the body's last byte (through a proxy that streams bodies, an
/// earlier answer costs a pooling client its connection: shared::request::DRAIN_LIMIT).
#[wasm_bindgen_test]
async fn a_body_over_the_limit_is_read_to_its_end_before_the_413() {
    assert_eq!(
        over_the_limit(10, 0).await,
        (413, 10, false),
        "chunked: found over while reading"
    );
    assert_eq!(
        over_the_limit(10, 10_000).await,
        (413, 10, false),
        "declared over the limit"
    );
}

#[wasm_bindgen_test]
async fn fetch_times_out_on_a_server_that_never_answers() {
    let url = JsFuture::from(hanging_server())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let started = js_sys::Date::now();
    let outcome = FetchClient
        .send(&HttpRequest::get(url).timeout(Duration::from_millis(200)))
        .await;
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(
        outcome,
        Err(TransportError::Timeout(Duration::from_millis(200)))
    );
    assert!((150.0..3000.0).contains(&elapsed), "{elapsed}");
}

#[wasm_bindgen_test]
async fn fetch_reads_status_headers_and_body() {
    let response = FetchClient
        .send(&HttpRequest::get("data:application/json,%7B%22a%22%3A1%7D"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.body, br#"{"a":1}"#);
    let unreachable = FetchClient
        .send(&HttpRequest::get("http://127.0.0.1:9/"))
        .await;
    assert!(
        matches!(unreachable, Err(TransportError::Network(_))),
        "{unreachable:?}"
    );
}

/// The URL goes out exactly as built: PostgREST queries (`?select=...&id=eq.1`) used to
/// get a trailing `&` from gloo's request builder, which postrust refuses (PGRST100).
#[wasm_bindgen_test]
async fn fetch_sends_the_url_headers_and_body_as_given() {
    let base = JsFuture::from(echo_server())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let got = FetchClient
        .send(
            &HttpRequest::get(format!("{base}/rest/v1/companies?select=name&id=eq.1"))
                .header("apikey", "anon"),
        )
        .await
        .unwrap();
    let echoed: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(echoed["url"], "/rest/v1/companies?select=name&id=eq.1");
    assert_eq!(
        (
            echoed["method"].as_str(),
            echoed["headers"]["apikey"].as_str()
        ),
        (Some("GET"), Some("anon"))
    );

    let got = FetchClient
        .send(
            &HttpRequest::post(format!("{base}/rest/v1/rpc/f"))
                .body("application/json", r#"{"a":1}"#),
        )
        .await
        .unwrap();
    let echoed: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(echoed["url"], "/rest/v1/rpc/f");
    assert_eq!(echoed["body"], r#"{"a":1}"#);
    assert_eq!(echoed["headers"]["content-type"], "application/json");
}

#[wasm_bindgen_test]
async fn the_clock_sleeps_on_a_js_timer() {
    let clock = JsClock;
    let before = clock.now_unix_ms();
    assert!(before > 1_600_000_000_000);
    clock.sleep(Duration::from_millis(60)).await;
    let slept = clock.now_unix_ms() - before;
    assert!(slept >= 55, "{slept}");
}

/// The signing keys' tokens of `fixtures/webcrypto-tokens.json`, made natively by
/// `shared::testing` (exp in 2100).
const WEBCRYPTO_TOKENS: &str = include_str!("fixtures/webcrypto-tokens.json");

async fn whoami(req: Request, cx: &Context) -> Result<Response, ApiError> {
    let caller = cx.auth.require(&req, shared::Role::User).await?;
    Ok(Response::ok(&json!({ "sub": caller.user_id() })))
}

/// ES256 and RS256 user tokens verified by the runtime's WebCrypto, as a deployed module
/// does (`js::WebCrypto`): the project's keys pass, another key under the same kid and a
/// tampered signature do not (401 in the JSON error shape), also after the valid token was
/// verified once and remembered; the remembered token passes again.
#[wasm_bindgen_test]
async fn signing_keys_are_verified_with_webcrypto() {
    let fixture: Value = serde_json::from_str(WEBCRYPTO_TOKENS).unwrap();
    let env = js_sys::Object::new();
    for (key, value) in [
        ("SUPABASE_URL", "http://supabase.test".to_owned()),
        ("SUPABASE_ANON_KEY", "anon".to_owned()),
        ("SUPABASE_JWKS", fixture["jwks"].to_string()),
    ] {
        js_sys::Reflect::set(&env, &key.into(), &value.into()).unwrap();
    }
    let env: JsValue = env.into();
    let tampered = {
        let token = fixture["es256"].as_str().unwrap();
        let last = if token.ends_with('A') { 'B' } else { 'A' };
        format!("{}{last}", &token[..token.len() - 1])
    };
    let cases = [
        (fixture["es256"].as_str().unwrap().to_owned(), 200),
        (fixture["rs256"].as_str().unwrap().to_owned(), 200),
        (fixture["es256_other_key"].as_str().unwrap().to_owned(), 401),
        (tampered, 401),
        (fixture["es256"].as_str().unwrap().to_owned(), 200),
    ];
    for (token, want) in cases {
        let req = request("POST", "http://fn.test/whoami", None);
        req.headers()
            .set("authorization", &format!("Bearer {token}"))
            .unwrap();
        let (status, body) = body_of(serve(req, env.clone(), whoami).await.unwrap()).await;
        assert_eq!(status, want, "{body}");
        if want == 200 {
            assert_eq!(body["sub"], "11111111-1111-4111-8111-111111111111"); // testing::TEST_USER_ID
        } else {
            assert_eq!(body["error"]["code"], "invalid_token");
        }
    }
}
