//! Time as a dependency: the wall clock (JWT expiry, `Retry-After` dates) and sleeping
//! (retry backoff). In wasm `js::JsClock` answers with `Date.now()` and `setTimeout`
//! (`std::time::SystemTime::now` panics on wasm32-unknown-unknown); tests use
//! `testing::ManualClock`, which sleeps instantly and records how long it was asked to.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed, non-`Send` future: wasm is single-threaded, and boxing keeps the traits
/// object-safe so a `Context` holds `Rc<dyn ...>` rather than type parameters.
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_unix_ms(&self) -> u64;
    /// Resolve after `duration`.
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()>;
}
