//! CORS for supabase-js `functions.invoke` from any origin: the preflight answer and the
//! headers every response carries, errors included (without them a browser reports a
//! CORS failure instead of the error). The values are supabase-js's own
//! (`@supabase/supabase-js/cors`, what its clients send) and those of
//! `supabase/functions/_shared/adapter.ts`; `tests/functions-allow-what-supabase-js-sends.test.ts`
//! holds all three equal.

use crate::response::Response;

pub const ALLOW_ORIGIN: &str = "*";
/// Every header supabase-js sends: the user's token, its client info, the API key, JSON,
/// postgrest-js's retry count, and the trace context of `tracePropagation`.
pub const ALLOW_HEADERS: &str =
    "authorization, x-client-info, apikey, content-type, x-retry-count, traceparent, tracestate, baggage";
/// The methods Supabase's edge runtime passes to a function.
pub const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
/// Let browsers cache a preflight for a day instead of sending one per call.
pub const MAX_AGE_SECONDS: &str = "86400";

/// The answer to `OPTIONS`, whatever the path: 204 with the CORS headers.
pub fn preflight() -> Response {
    apply(Response::no_content()).with_header("Access-Control-Max-Age", MAX_AGE_SECONDS)
}

/// Add the CORS headers to a response.
pub fn apply(response: Response) -> Response {
    response
        .with_header("Access-Control-Allow-Origin", ALLOW_ORIGIN)
        .with_header("Access-Control-Allow-Headers", ALLOW_HEADERS)
        .with_header("Access-Control-Allow-Methods", ALLOW_METHODS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_allows_what_supabase_js_sends() {
        let r = preflight();
        assert_eq!(r.status(), 204);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        let headers = r.header("access-control-allow-headers").unwrap();
        for h in [
            "authorization",
            "x-client-info",
            "apikey",
            "content-type",
            "x-retry-count",
            "traceparent",
            "tracestate",
            "baggage",
        ] {
            assert!(headers.contains(h), "{h}");
        }
        assert!(r
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST"));
    }
}
