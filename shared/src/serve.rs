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
/// `request` is `Err` when the request could not be read (413, 400); `context` gives the
/// context, `Err` when the env lacks keys (503 `not_configured`, keys in the log). A
/// preflight is answered before the context is asked for, so CORS works even on a
/// misconfigured deploy, and an isolate whose first request is a preflight answers it
/// without reading its configuration first (a cold start's first answer comes sooner).
pub async fn dispatch<F>(
    request: Result<Request, ApiError>,
    context: impl FnOnce() -> Result<Context, ConfigError>,
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
    let context = match context() {
        Ok(context) => context,
        Err(err) => return finish(Err(err.into())),
    };
    finish(run(request, &context).await)
}

/// A result as the response to send: errors in the JSON shape, CORS on everything.
pub fn finish(result: Result<Response, ApiError>) -> Response {
    cors::apply(result.unwrap_or_else(ApiError::into_response))
}

/// A bound on the request bodies one isolate works on at once. The memory a request
/// holds grows with its body (the bytes, what is parsed and made from them), the
/// isolate's peak is the sum over the requests in flight, and wasm memory, once grown, is
/// never given back. Each request weighs its declared `Content-Length` (its body limit
/// when undeclared), at least [`Gate::MIN_WEIGHT`]; it is admitted when the weights in
/// flight leave room for it, or when nothing is in flight (so one request over the
/// capacity still runs, alone). The others wait in arrival order without their body
/// being read (the client's upload simply pauses), and after `max_wait` are answered 503
/// `busy` with `Retry-After`. So a crowd of uploads queues instead of pushing the isolate
/// past the edge runtime's memory limit.
#[derive(Debug, Clone)]
pub struct Gate {
    capacity: usize,
    state: std::rc::Rc<std::cell::RefCell<GateState>>,
}

#[derive(Debug, Default)]
struct GateState {
    used: usize,
    in_flight: usize,
    next_ticket: u64,
    waiting: std::collections::VecDeque<u64>,
}

/// One admitted request; its weight goes back to the gate when dropped (the request
/// answered or abandoned).
#[derive(Debug)]
pub struct Permit {
    state: std::rc::Rc<std::cell::RefCell<GateState>>,
    weight: usize,
}

/// A place in the queue, given up when dropped (admitted, timed out or abandoned).
struct Waiting {
    state: std::rc::Rc<std::cell::RefCell<GateState>>,
    ticket: u64,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.state
            .borrow_mut()
            .waiting
            .retain(|t| *t != self.ticket);
    }
}

impl Gate {
    /// The least a request weighs, whatever its body: what any request holds besides it.
    pub const MIN_WEIGHT: usize = 1024 * 1024;
    /// How often a waiting request looks again.
    const STEP: std::time::Duration = std::time::Duration::from_millis(20);

    pub fn new(capacity: usize) -> Gate {
        Gate {
            capacity,
            state: std::rc::Rc::default(),
        }
    }

    /// Wait (in arrival order, up to `max_wait`) until a request of `weight` fits, then
    /// admit it; past `max_wait`, 503 `busy` with `Retry-After: 1`.
    pub async fn enter(
        &self,
        weight: usize,
        clock: &dyn crate::time::Clock,
        max_wait: std::time::Duration,
    ) -> Result<Permit, ApiError> {
        let weight = weight.max(Self::MIN_WEIGHT);
        let waiting = {
            let mut state = self.state.borrow_mut();
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            state.waiting.push_back(ticket);
            Waiting {
                state: self.state.clone(),
                ticket,
            }
        };
        let deadline = clock.now_unix_ms() + max_wait.as_millis() as u64;
        loop {
            {
                let mut state = self.state.borrow_mut();
                let first = state.waiting.front() == Some(&waiting.ticket);
                if first && (state.in_flight == 0 || state.used + weight <= self.capacity) {
                    state.used += weight;
                    state.in_flight += 1;
                    drop(state);
                    drop(waiting);
                    return Ok(Permit {
                        state: self.state.clone(),
                        weight,
                    });
                }
            }
            if clock.now_unix_ms() >= deadline {
                return Err(ApiError::unavailable(
                    "busy",
                    "The function is busy with other requests; try again shortly",
                    Some(1),
                ));
            }
            clock.sleep(Self::STEP).await;
        }
    }

    /// Requests in flight, and the weight they hold.
    pub fn load(&self) -> (usize, usize) {
        let state = self.state.borrow();
        (state.in_flight, state.used)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = self.state.borrow_mut();
        state.used = state.used.saturating_sub(self.weight);
        state.in_flight = state.in_flight.saturating_sub(1);
    }
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
        pollster::block_on(dispatch(request, || context, echo))
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
    fn a_preflight_never_asks_for_the_context() {
        let asked = std::cell::Cell::new(false);
        let context = || {
            asked.set(true);
            cx()
        };
        let request = Request::new(Method::Options, "/fn/anything");
        let r = pollster::block_on(dispatch(request, context, echo));
        assert_eq!(r.status(), 204);
        assert!(!asked.get(), "the preflight read the configuration");
        let post = Ok(user_request(json!({})).with_json(&json!({})));
        pollster::block_on(dispatch(
            post,
            || {
                asked.set(true);
                cx()
            },
            echo,
        ));
        assert!(asked.get());
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

    fn enter_now(gate: &Gate, weight: usize) -> Result<Permit, ApiError> {
        let clock = crate::testing::ManualClock::new(0);
        pollster::block_on(gate.enter(weight, &clock, std::time::Duration::ZERO))
    }

    #[test]
    fn the_gate_admits_what_fits_and_frees_the_weight_when_a_request_ends() {
        const MIN: usize = Gate::MIN_WEIGHT;
        let gate = Gate::new(4 * MIN);
        let big = enter_now(&gate, 3 * MIN).unwrap();
        let small = enter_now(&gate, 10).unwrap();
        assert_eq!(gate.load(), (2, 4 * MIN), "a small one weighs the minimum");
        let refused = enter_now(&gate, 1).unwrap_err();
        assert_eq!(refused.status(), 503);
        let answer = finish(Err(refused));
        assert_eq!(answer.header("retry-after"), Some("1"));
        assert_eq!(answer.json_body().unwrap()["error"]["code"], "busy");
        assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
        drop(big);
        let next = enter_now(&gate, 3 * MIN).unwrap();
        drop((small, next));
        assert_eq!(gate.load(), (0, 0), "every permit gave its weight back");
        let alone = enter_now(&gate, 100 * MIN).unwrap();
        assert_eq!(
            gate.load().0,
            1,
            "one request over the capacity runs, alone"
        );
        assert!(enter_now(&gate, 1).is_err());
        drop(alone);
    }

    /// A clock whose sleeps end at the next poll: each poll of a waiting request is one
    /// look at the gate.
    struct StepClock;

    impl crate::time::Clock for StepClock {
        fn now_unix_ms(&self) -> u64 {
            0
        }
        fn sleep(&self, _: std::time::Duration) -> crate::time::LocalBoxFuture<'_, ()> {
            let mut polled = false;
            Box::pin(std::future::poll_fn(move |_| {
                if polled {
                    std::task::Poll::Ready(())
                } else {
                    polled = true;
                    std::task::Poll::Pending
                }
            }))
        }
    }

    #[test]
    fn a_waiting_request_is_admitted_when_room_is_made_and_waits_its_turn() {
        let gate = Gate::new(2 * Gate::MIN_WEIGHT);
        let clock = StepClock;
        let holder = enter_now(&gate, 2 * Gate::MIN_WEIGHT).unwrap();
        let mut first = Box::pin(gate.enter(
            2 * Gate::MIN_WEIGHT,
            &clock,
            std::time::Duration::from_secs(5),
        ));
        let mut second = Box::pin(gate.enter(1, &clock, std::time::Duration::from_secs(5)));
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        use std::future::Future;
        assert!(first.as_mut().poll(&mut cx).is_pending());
        assert!(
            second.as_mut().poll(&mut cx).is_pending(),
            "a small request does not pass the big one waiting before it"
        );
        drop(holder);
        let admitted = match first.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(permit) => permit.unwrap(),
            std::task::Poll::Pending => panic!("room was made: the first waiter goes in"),
        };
        assert!(
            second.as_mut().poll(&mut cx).is_pending(),
            "no room left for the second yet"
        );
        drop(admitted);
        assert!(matches!(
            second.as_mut().poll(&mut cx),
            std::task::Poll::Ready(Ok(_))
        ));
    }

    #[test]
    fn a_request_that_waits_too_long_is_busy_and_gives_its_place_up() {
        let gate = Gate::new(1_000_000);
        let clock = crate::testing::ManualClock::new(0);
        let holder = enter_now(&gate, 1_000_000).unwrap();
        let waited = pollster::block_on(gate.enter(1, &clock, std::time::Duration::from_secs(2)));
        assert_eq!(waited.unwrap_err().status(), 503);
        assert!(
            clock.sleeps().iter().sum::<std::time::Duration>() >= std::time::Duration::from_secs(2),
            "it waited its max_wait first"
        );
        drop(holder);
        assert!(
            enter_now(&gate, 1).is_ok(),
            "the one that gave up holds no place in the queue"
        );
    }

    #[test]
    fn a_request_abandoned_while_waiting_or_running_gives_everything_back() {
        let gate = Gate::new(1_000_000);
        let clock = StepClock;
        let holder = enter_now(&gate, 1_000_000).unwrap();
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut waiting = Box::pin(gate.enter(1, &clock, std::time::Duration::from_secs(5)));
        assert!(std::future::Future::poll(waiting.as_mut(), &mut cx).is_pending());
        drop(waiting);
        drop(holder);
        assert_eq!(gate.load(), (0, 0));
        assert!(
            enter_now(&gate, 1).is_ok(),
            "the abandoned waiter left the queue"
        );
    }
}
