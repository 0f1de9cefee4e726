//! What a function's `run` receives beside the request: the config, the token checker,
//! the database, outbound HTTP and the clock, built once per request from the config
//! (which `js::context` reads from the env once per isolate).

use std::rc::Rc;

use crate::auth::Auth;
use crate::config::Config;
use crate::db::Db;
use crate::http::{HttpClient, RetryPolicy, Retrying};
use crate::jwt::Signatures;
use crate::time::Clock;

pub struct Context {
    pub config: Config,
    pub auth: Auth,
    pub db: Db,
    /// Outbound HTTP with the default [`RetryPolicy`]; vendor clients take this.
    pub http: Rc<dyn HttpClient>,
    pub clock: Rc<dyn Clock>,
}

impl Context {
    /// `transport` sends one request once (`js::FetchClient` in wasm, a fake in tests);
    /// the context wraps it in retries, and the database shares it.
    pub fn new(config: Config, transport: Rc<dyn HttpClient>, clock: Rc<dyn Clock>) -> Context {
        let http: Rc<dyn HttpClient> = Rc::new(Retrying::new(
            transport,
            RetryPolicy::default(),
            clock.clone(),
        ));
        Context {
            auth: Auth::new(&config, signatures(), clock.clone()),
            db: Db::new(&config, http.clone()),
            config,
            http,
            clock,
        }
    }
}

/// ES256/RS256 arithmetic: the runtime's WebCrypto in wasm, RustCrypto natively.
#[cfg(target_arch = "wasm32")]
fn signatures() -> Rc<dyn Signatures> {
    Rc::new(crate::js::WebCrypto)
}

#[cfg(not(target_arch = "wasm32"))]
fn signatures() -> Rc<dyn Signatures> {
    Rc::new(crate::jwt::RustCrypto)
}
