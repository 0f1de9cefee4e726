//! Time as a dependency: the wall clock (JWT expiry, `Retry-After` dates) and sleeping
//! (retry backoff). In wasm `js::JsClock` answers with `Date.now()` and `setTimeout`
//! (`std::time::SystemTime::now` panics on wasm32-unknown-unknown); tests use
//! `testing::ManualClock`, which sleeps instantly and records how long it was asked to.
//!
//! And the one way we write a Unix time as text: [`rfc3339_seconds`] /
//! [`rfc3339_millis`], for `timestamptz` values and payloads.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, UNIX_EPOCH};

/// A boxed, non-`Send` future: wasm is single-threaded, and boxing keeps the traits
/// object-safe so a `Context` holds `Rc<dyn ...>` rather than type parameters.
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_unix_ms(&self) -> u64;
    /// Resolve after `duration`.
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()>;
}

/// The last second RFC 3339's four-digit year can write: 9999-12-31T23:59:59Z.
const MAX_UNIX_SECONDS: u64 = 253_402_300_799;

/// Unix seconds as RFC 3339 UTC: `1_800_000_000` → `"2027-01-15T08:00:00Z"`.
///
/// `humantime` formats a `SystemTime` built from the epoch, so the system clock is never
/// read. A time past the year 9999 (only a vendor's nonsense could be) is written as the
/// last second of 9999 rather than failing.
pub fn rfc3339_seconds(unix_seconds: u64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(unix_seconds.min(MAX_UNIX_SECONDS));
    humantime::format_rfc3339_seconds(at).to_string()
}

/// Unix milliseconds as RFC 3339 UTC, always with three decimals:
/// `1_800_000_000_123` → `"2027-01-15T08:00:00.123Z"`. Past the year 9999 as
/// [`rfc3339_seconds`].
pub fn rfc3339_millis(unix_ms: u64) -> String {
    let at = UNIX_EPOCH + Duration::from_millis(unix_ms.min(MAX_UNIX_SECONDS * 1000 + 999));
    humantime::format_rfc3339_millis(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_utc_timestamps() {
        assert_eq!(rfc3339_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_seconds(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(rfc3339_seconds(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_seconds(1_709_164_799), "2024-02-28T23:59:59Z");
        assert_eq!(rfc3339_seconds(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(rfc3339_seconds(4_102_444_800), "2100-01-01T00:00:00Z");
    }

    #[test]
    fn unix_milliseconds_keep_three_decimals() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_800_000_000_000),
            "2027-01-15T08:00:00.000Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(
            rfc3339_millis(1_735_689_599_000),
            "2024-12-31T23:59:59.000Z"
        );
    }

    #[test]
    fn past_the_year_9999_is_its_last_second_not_a_panic() {
        assert_eq!(rfc3339_seconds(MAX_UNIX_SECONDS), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_seconds(u64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_millis(u64::MAX), "9999-12-31T23:59:59.999Z");
    }
}
