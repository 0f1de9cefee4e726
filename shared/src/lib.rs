//! What every edge function uses. A function crate is a plain `async fn run(req, cx)`
//! that reads top-down — parse → authorize → act → respond — and one line of wasm glue:
//!
//! ```
//! use shared::{ApiError, Context, Method, Request, Response, Role};
//! # #[derive(serde::Deserialize, serde::Serialize)] struct Input { name: String }
//! # #[derive(serde::Deserialize, serde::Serialize)] struct Output { id: u32 }
//!
//! pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
//!     req.allow(&[Method::Post])?;                                   // 405 + Allow
//!     let input: Input = req.json()?;                                // 400 / 415
//!     let caller = cx.auth.require(&req, Role::Admin).await?;              // 401 / 403
//!     let db = cx.db.as_user(&caller);                               // RLS decides
//!     let row: Output = db.execute(db.rpc("do_it", &input)?).await?; // SQL errors mapped
//!     Ok(Response::ok(&row))
//! }
//!
//! #[cfg(target_arch = "wasm32")]
//! #[wasm_bindgen::prelude::wasm_bindgen]
//! pub async fn handle(req: web_sys::Request, env: wasm_bindgen::JsValue)
//!     -> Result<web_sys::Response, wasm_bindgen::JsValue> {
//!     shared::js::serve(req, env, run).await
//! }
//! ```
//!
//! Modules, one job each:
//! - [`request`]: [`Request`] (method, path, `route()`, query, headers, bearer token,
//!   `json()`, `json_object()`, `form()`, `allow()`), [`Method`], body limit ([`DEFAULT_BODY_LIMIT`], 413).
//! - [`response`]: [`Response`] (`ok`, `created`, `no_content`: a 2xx; errors are [`ApiError`]s).
//! - [`error`]: [`ApiError`], the one error enum: `status()`, `code()`, the JSON body
//!   `{"error":{"code","message","details"}}`; 5xx detail logged once, never shown.
//! - [`cors`]: preflight and the headers on every response.
//! - [`config`]: [`Config::from_env`] (all missing keys at once), [`Secret`] (`***`).
//! - [`auth`]: [`Auth::require`] → [`Caller`] for a [`Role`]; HS256 verification,
//!   [`Claims`] with `app_metadata` (tenant, role, is_candidate).
//! - [`db`]: [`Db::as_user`] (caller's JWT, the default) / [`Db::service`] (service
//!   key, reason required) → [`db::Session`]; `execute` runs, checks and maps errors.
//! - [`clients`]: typed vendor clients (`openai`, `pdfco`, `pdl`, `videosdk`, `fly`),
//!   generic over [`HttpClient`]; `from_context(cx)` is `None` without the vendor's key.
//! - [`http`]: [`HttpClient`] over plain-data [`HttpRequest`]s, [`RetryPolicy`]
//!   (429/5xx/network, idempotent only, `Retry-After`, capped backoff with jitter).
//! - [`time`]: [`Clock`] (now, sleep), injected so retries and expiry test natively;
//!   `rfc3339_seconds` / `rfc3339_millis`, the one Unix time → RFC 3339 formatter.
//! - [`context`]: [`Context`], what `run` gets beside the request.
//! - [`contract`]: the error codes a function declares (`ERRORS`), in groups.
//! - [`serve`]: the pipeline (preflight, errors, CORS) that `js::serve` and tests share.
//! - `js` (wasm32 only): the only module touching `JsValue`: `serve`/`serve_with`,
//!   `context` (the env's config, read once per isolate), `FetchClient` (gloo-net,
//!   `AbortSignal.timeout`), `JsClock`, the panic hook.
//! - `testing` (feature `testing`): token signing, `FakeHttp`, `ManualClock`,
//!   `test_context`, and what every function's tests and fake PostgREST repeat.
//!
//! Native `cargo test` runs everything but `js`; nothing here needs JS to be tested.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod auth;
pub mod clients;
pub mod config;
pub mod context;
pub mod contract;
pub mod cors;
pub mod db;
pub mod error;
pub mod http;
pub mod jwt;
pub mod log;
pub mod multipart;
pub mod request;
pub mod response;
pub mod serve;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod js;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use auth::{Auth, Caller, Claims, Role, TenantRole};
pub use config::{Config, Env, Secret};
pub use context::Context;
pub use db::Db;
pub use error::{ApiError, Problem, Quota};
pub use http::{HttpClient, HttpRequest, HttpResponse, RetryPolicy, TransportError};
pub use request::{Form, Method, Part, Request, DEFAULT_BODY_LIMIT};
pub use response::Response;
pub use time::Clock;

// Re-exported so function crates derive `JsonSchema` for OpenAI structured outputs with
// the same version the client reads (`#[derive(shared::schemars::JsonSchema)]` needs
// `#[schemars(crate = "shared::schemars")]`; adding `schemars = "1.2"` is simpler).
pub use schemars;

// Re-exported so function crates build queries without naming the crate themselves.
pub use postgrest;
