//! The request pipeline in plain Rust, the same in wasm and in tests: answer the CORS
//! preflight, refuse what could not be read, report missing configuration, run the
//! function, and give every answer, errors included, the JSON error shape and the CORS
//! headers. `js::serve` feeds it from JS; function tests call [`dispatch`] directly.

use crate::config::ConfigError;
use crate::context::Context;
use crate::cors;
use crate::error::ApiError;
use crate::request::{Method, Request};
use crate::response::Response;

/// Run `run` for `request` and return the response to send.
///
/// `request` is `Err` when the request could not be read (413, 400); `context` is `Err`
/// when the env lacks keys (503 `not_configured`, keys in the log). A preflight is
/// answered before either matters, so CORS works even on a misconfigured deploy.
pub async fn dispatch<F>(
    request: Result<Request, ApiError>,
    context: Result<Context, ConfigError>,
    run: F,
) -> Response
where
    F: AsyncFnOnce(Request, &Context) -> Result<Response, ApiError>,
{
    let request = match request {
        Ok(request) => request,
        Err(err) => return finish(Err(err)),
    };
    if request.method() == Method::Options {
        return cors::preflight();
    }
    let context = match context {
        Ok(context) => context,
        Err(err) => return finish(Err(err.into())),
    };
    finish(run(request, &context).await)
}

/// A result as the response to send: errors in the JSON shape, CORS on everything.
pub fn finish(result: Result<Response, ApiError>) -> Response {
    cors::apply(result.unwrap_or_else(ApiError::into_response))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{test_context, user_request, FakeHttp};
    use serde_json::json;
    use std::rc::Rc;

    async fn echo(req: Request, cx: &Context) -> Result<Response, ApiError> {
        req.allow(&[Method::Post])?;
        let body: serde_json::Value = req.json()?;
        let caller = cx.auth.require(&req, crate::auth::Role::User).await?;
        Ok(Response::ok(
            &json!({ "body": body, "sub": caller.user_id() }),
        ))
    }

    fn run(request: Result<Request, ApiError>, context: Result<Context, ConfigError>) -> Response {
        pollster::block_on(dispatch(request, context, echo))
    }

    fn cx() -> Result<Context, ConfigError> {
        Ok(test_context(Rc::new(FakeHttp::new())))
    }

    #[test]
    fn preflight_needs_neither_body_nor_config() {
        let missing = Err(ConfigError {
            missing: vec!["SUPABASE_URL", "SUPABASE_ANON_KEY"],
            invalid: vec![],
        });
        let r = run(Request::new(Method::Options, "/fn/anything"), missing);
        assert_eq!(r.status(), 204);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert!(r.body().is_empty());
    }

    #[test]
    fn every_answer_has_cors_and_errors_have_the_json_shape() {
        let ok = run(
            Ok(user_request(json!({})).with_json(&json!({ "a": 1 }))),
            cx(),
        );
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.json_body().unwrap()["body"], json!({ "a": 1 }));
        let cases = [
            (run(Request::new(Method::Get, "/fn"), cx()), 405),
            (
                run(
                    Ok(Request::new(Method::Post, "/fn")
                        .unwrap()
                        .with_body("application/json", "{")),
                    cx(),
                ),
                400,
            ),
            (
                run(
                    Ok(Request::new(Method::Post, "/fn")
                        .unwrap()
                        .with_json(&json!({}))),
                    cx(),
                ),
                401,
            ),
            (
                run(
                    Request::from_parts("POST", "/fn", Default::default(), vec![b' '; 11], 10),
                    cx(),
                ),
                413,
            ),
            (
                run(
                    Ok(user_request(json!({}))),
                    Err(ConfigError {
                        missing: vec!["SUPABASE_URL"],
                        invalid: vec![],
                    }),
                ),
                503,
            ),
        ];
        for (r, status) in cases {
            assert_eq!(r.status(), status);
            assert_eq!(
                r.header("access-control-allow-origin"),
                Some("*"),
                "{status}"
            );
            assert_eq!(r.header("content-type"), Some("application/json"));
            let body = r.json_body().unwrap();
            let error = body["error"].as_object().unwrap();
            assert!(
                error.contains_key("code")
                    && error.contains_key("message")
                    && error.contains_key("details")
            );
        }
    }
}
