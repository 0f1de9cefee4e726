//! People Data Labs person enrich, after PDL's documentation
//! (https://docs.peopledatalabs.com/docs/reference-person-enrichment-api, `errors`,
//! `usage-limits`): `GET /v5/person/enrich?…` with `X-Api-Key: <PDL_API_KEY>`, base
//! `PDL_BASE_URL`. No match is HTTP 404 and is not billed.
//!
//! The query is built from the strongest identifiers we hold ([`PersonQuery::params`]):
//! an email and a LinkedIn profile URL when we have them; a name with a company and/or
//! location only when we have neither (a stale employer beside a good email would only
//! lower the match). Too little to match on is refused here, before a call is billed.
//!
//! 200 → [`Enrichment::Matched`] with the fields `candidate_profiles` stores; PDL's 404
//! (`not_found`) → [`Enrichment::NoMatch`], an answer and not an error (and not billed).
//! 402/429/5xx are typed; 429 and 5xx are retried by `cx.http` (a GET: idempotent) with
//! its `Retry-After` handling before they reach us.

use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::vendor::{error_message, parse, upstream};
use super::{retry_after_secs, Api, Client, VendorFailure};
use crate::config::{Config, Vendor};
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest, HttpResponse};
use crate::time::Clock;

const SERVICE: &str = "pdl";

/// What we know about a candidate. Empty strings count as absent.
#[derive(Clone, Default, PartialEq)]
pub struct PersonQuery {
    pub email: Option<String>,
    /// LinkedIn (or another) profile URL.
    pub profile_url: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Used when first/last are not both known.
    pub full_name: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
}

/// Personal data: which identifiers are present, not their values.
impl fmt::Debug for PersonQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has = |v: &Option<String>| present(v).is_some();
        f.debug_struct("PersonQuery")
            .field("email", &has(&self.email))
            .field("profile_url", &has(&self.profile_url))
            .field("name", &(has(&self.full_name) || has(&self.last_name)))
            .field("company", &has(&self.company))
            .field("location", &has(&self.location))
            .finish()
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl PersonQuery {
    /// The query parameters PDL matches on, or `InsufficientIdentifiers` when PDL's
    /// minimum (email | profile | name + company/location) is not met.
    pub fn params(&self) -> Result<Vec<(&'static str, String)>, PdlError> {
        let mut params = Vec::new();
        if let Some(email) = present(&self.email) {
            params.push(("email", email.to_owned()));
        }
        if let Some(profile) = present(&self.profile_url) {
            params.push(("profile", profile.to_owned()));
        }
        if !params.is_empty() {
            return Ok(params);
        }
        match (present(&self.first_name), present(&self.last_name)) {
            (Some(first), Some(last)) => {
                params.push(("first_name", first.to_owned()));
                params.push(("last_name", last.to_owned()));
            }
            _ => match present(&self.full_name) {
                Some(name) => params.push(("name", name.to_owned())),
                None => return Err(PdlError::InsufficientIdentifiers),
            },
        }
        let mut anchored = false;
        if let Some(company) = present(&self.company) {
            params.push(("company", company.to_owned()));
            anchored = true;
        }
        if let Some(location) = present(&self.location) {
            params.push(("location", location.to_owned()));
            anchored = true;
        }
        if anchored {
            Ok(params)
        } else {
            Err(PdlError::InsufficientIdentifiers)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnrichOptions {
    /// 1..=10: PDL answers 404 below it (and does not bill). 6 is PDL's suggested floor
    /// for automated use.
    pub min_likelihood: u8,
    /// Adds `matched` (which inputs matched) to the answer.
    pub include_if_matched: bool,
}

impl Default for EnrichOptions {
    fn default() -> Self {
        EnrichOptions {
            min_likelihood: 6,
            include_if_matched: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Enrichment {
    Matched(Box<Match>),
    /// PDL's 404: no record at `min_likelihood`. Record `no_match`; not an error.
    NoMatch,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Match {
    pub likelihood: u8,
    #[serde(rename = "data")]
    pub person: Person,
    /// Which inputs matched (`include_if_matched`), e.g. `["email"]`.
    #[serde(default, deserialize_with = "lenient_strings")]
    pub matched: Vec<String>,
}

/// The fields `candidate_profiles` stores (supabase/migrations/*_candidate_profiles.sql).
/// Absent fields are `null` in PDL's answer; on free plans contact fields come as
/// `true`/`false` flags: anything not of the expected type reads as absent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Person {
    /// `pdl_id`.
    #[serde(deserialize_with = "lenient_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub full_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub first_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub middle_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub last_name: Option<String>,
    /// PDL v5 calls it `sex`; older answers `gender`. The table's `gender`.
    #[serde(alias = "gender", deserialize_with = "lenient_string")]
    pub sex: Option<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub birth_year: Option<i32>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_locality: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_region: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_country: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_continent: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_postal_code: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub location_street_address: Option<String>,
    /// `"lat,long"`.
    #[serde(deserialize_with = "lenient_string")]
    pub location_geo: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub job_title: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub job_company_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub job_company_size: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub job_company_industry: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub job_start_date: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub job_last_updated: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub linkedin_url: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub linkedin_username: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub linkedin_id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub twitter_url: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub twitter_username: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub facebook_url: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub facebook_username: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub github_url: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub github_username: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub industry: Option<String>,
    #[serde(deserialize_with = "lenient_strings")]
    pub skills: Vec<String>,
    #[serde(deserialize_with = "lenient_strings")]
    pub interests: Vec<String>,
    #[serde(deserialize_with = "lenient_strings")]
    pub countries: Vec<String>,
    #[serde(deserialize_with = "lenient_strings")]
    pub job_title_levels: Vec<String>,
    /// Kept as PDL gives them (`jsonb` columns).
    #[serde(deserialize_with = "lenient_array")]
    pub experience: Option<Value>,
    #[serde(deserialize_with = "lenient_array")]
    pub education: Option<Value>,
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn lenient_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

fn lenient_array<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        v @ Value::Array(_) => Some(v),
        _ => None,
    })
}

#[derive(Debug, Clone, PartialEq)]
pub enum PdlError {
    /// What every vendor can answer (429 `rate_limit_error`, 400
    /// `invalid_request_error`, 5xx `api_error`, …).
    Common(VendorFailure),
    /// We hold too little to match on; nothing was sent. → 422 `insufficient_identifiers`.
    InsufficientIdentifiers,
    /// 402 `payment_required`: the account's credits are spent. → 502.
    PaymentRequired { message: String },
}

impl From<VendorFailure> for PdlError {
    fn from(failure: VendorFailure) -> Self {
        PdlError::Common(failure)
    }
}

impl fmt::Display for PdlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdlError::Common(failure) => fmt::Display::fmt(failure, f),
            PdlError::InsufficientIdentifiers => {
                f.write_str("not enough identifiers (email, profile, or name + company/location)")
            }
            PdlError::PaymentRequired { message } => write!(f, "payment required (402): {message}"),
        }
    }
}

impl std::error::Error for PdlError {}

impl From<PdlError> for ApiError {
    fn from(err: PdlError) -> Self {
        match err {
            PdlError::Common(failure) => failure.into_api_error(SERVICE, "PDL_API_KEY"),
            PdlError::InsufficientIdentifiers => ApiError::unprocessable(
                "insufficient_identifiers",
                "The candidate has no email, profile URL, or name with company or location to enrich on",
            ),
            PdlError::PaymentRequired { .. } => upstream(SERVICE, Some(402), &err),
        }
    }
}

/// 429's wait: `Retry-After`, else `x-ratelimit-reset` (a Unix time, or an HTTP date).
fn rate_limit_wait(response: &HttpResponse, clock: &dyn Clock) -> Option<u64> {
    if let Some(secs) = retry_after_secs(response, clock) {
        return Some(secs);
    }
    let reset = response.header("x-ratelimit-reset")?.trim();
    let now = clock.now_unix_ms() / 1000;
    if let Ok(at) = reset.parse::<f64>() {
        return Some((at as u64).saturating_sub(now));
    }
    let at = httpdate::parse_http_date(reset).ok()?;
    let at = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(at.saturating_sub(now))
}

/// Pdl's [`Api`]: its settings in [`Config`].
pub struct PdlApi;

impl Api for PdlApi {
    type Config = Vendor;
    const NAME: &'static str = "Pdl";
    fn config(config: &Config) -> Option<&Vendor> {
        config.pdl.as_ref()
    }
}

/// People Data Labs: `Pdl::from_context(cx)` is `None` without `PDL_API_KEY`: record
/// `not_configured`.
pub type Pdl<H = dyn HttpClient> = Client<PdlApi, H>;

impl<H: HttpClient + ?Sized> Pdl<H> {
    pub async fn enrich(
        &self,
        query: &PersonQuery,
        options: &EnrichOptions,
    ) -> Result<Enrichment, PdlError> {
        let params = query.params()?;
        let mut url = url::Url::parse(&format!("{}/v5/person/enrich", self.config.base_url))
            .map_err(|e| VendorFailure::UnexpectedBody(format!("base URL: {e}")))?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &params {
                pairs.append_pair(name, value);
            }
            pairs.append_pair(
                "min_likelihood",
                &options.min_likelihood.clamp(1, 10).to_string(),
            );
            if options.include_if_matched {
                pairs.append_pair("include_if_matched", "true");
            }
        }
        let request = HttpRequest::get(url.as_str())
            .service(SERVICE)
            .header("x-api-key", self.config.api_key.expose())
            .header("accept", "application/json");
        let response = self
            .http
            .send(&request)
            .await
            .map_err(VendorFailure::Transport)?;
        match response.status {
            200 => Ok(Enrichment::Matched(Box::new(parse(&response)?))),
            404 => Ok(Enrichment::NoMatch),
            _ => Err(self.error_from(&response)),
        }
    }

    fn error_from(&self, response: &HttpResponse) -> PdlError {
        let message = error_message(response, &[&["error", "message"]], &[&self.config.api_key]);
        match response.status {
            402 => PdlError::PaymentRequired { message },
            status => {
                let retry_after = rate_limit_wait(response, &*self.clock);
                VendorFailure::from_status(status, None, message, retry_after).into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use serde_json::json;

    use super::super::test_support::*;
    use super::*;
    use crate::config::Secret;
    use crate::testing::{FakeHttp, TEST_NOW_MS};

    const KEY: &str = "pdl-test-key-456";

    fn client(http: &Rc<FakeHttp>) -> Pdl<FakeHttp> {
        let config = Vendor {
            base_url: "http://pdl.test".into(),
            api_key: Secret::new(KEY),
        };
        Pdl::new(config, http.clone(), clock())
    }

    fn q(
        email: Option<&str>,
        profile: Option<&str>,
        name: Option<&str>,
        company: Option<&str>,
        location: Option<&str>,
    ) -> PersonQuery {
        PersonQuery {
            email: email.map(Into::into),
            profile_url: profile.map(Into::into),
            full_name: name.map(Into::into),
            company: company.map(Into::into),
            location: location.map(Into::into),
            ..PersonQuery::default()
        }
    }

    #[test]
    fn the_strongest_identifiers_are_sent_and_too_little_is_refused() {
        let p = |q: PersonQuery| {
            q.params().map(|v| {
                v.into_iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            p(q(
                Some("ada@example.com"),
                Some("linkedin.com/in/ada"),
                Some("Ada L"),
                Some("Acme"),
                None
            ))
            .unwrap(),
            vec!["email=ada@example.com", "profile=linkedin.com/in/ada"]
        );
        assert_eq!(
            p(q(None, None, Some("Ada L"), Some("Acme"), Some("London"))).unwrap(),
            vec!["name=Ada L", "company=Acme", "location=London"]
        );
        let split = PersonQuery {
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            full_name: Some("ignored".into()),
            location: Some("London".into()),
            ..PersonQuery::default()
        };
        assert_eq!(
            p(split).unwrap(),
            vec!["first_name=Ada", "last_name=Lovelace", "location=London"]
        );
        for weak in [
            q(None, None, Some("Ada"), None, None),
            q(Some("  "), None, None, Some("Acme"), None),
            PersonQuery::default(),
        ] {
            assert_eq!(p(weak), Err(PdlError::InsufficientIdentifiers));
        }
        let http = fake();
        let err = pollster::block_on(
            client(&http).enrich(&PersonQuery::default(), &EnrichOptions::default()),
        )
        .unwrap_err();
        assert_eq!(http.requests().len(), 0, "nothing billed");
        assert_eq!(ApiError::from(err).status(), 422);
        assert!(
            !format!("{:?}", q(Some("ada@example.com"), None, None, None, None)).contains("ada@")
        );
    }

    #[test]
    fn a_match_is_typed_with_the_table_fields() {
        let http = fake();
        http.push(Ok(json(200, json!({
            "status": 200, "likelihood": 8, "matched": ["email"],
            "data": {
                "id": "qEnOZ5Oh0poWnQ1luFBfVw_0000", "full_name": "ada lovelace", "first_name": "ada",
                "middle_name": null, "last_name": "lovelace", "sex": "female", "birth_year": true,
                "linkedin_url": "linkedin.com/in/ada", "linkedin_username": "ada", "linkedin_id": "123",
                "github_url": null, "job_title": "engineer", "job_company_name": "acme",
                "job_company_size": "51-200", "job_title_levels": ["senior"],
                "location_name": "london, england, united kingdom", "location_country": "united kingdom",
                "location_street_address": true, "location_geo": "51.50,-0.12",
                "skills": ["rust", "sql"], "interests": null, "countries": ["united kingdom"],
                "experience": [{"title": {"name": "engineer"}, "company": {"name": "acme"}}],
                "education": [], "emails": true, "mobile_phone": true
            }
        }))));
        let query = q(Some("ada@example.com"), None, None, None, None);
        let Enrichment::Matched(m) = pollster::block_on(client(&http).enrich(
            &query,
            &EnrichOptions {
                min_likelihood: 7,
                include_if_matched: true,
            },
        ))
        .unwrap() else {
            panic!("expected a match")
        };
        assert_eq!(
            (m.likelihood, m.matched.clone()),
            (8, vec!["email".to_string()])
        );
        let p = &m.person;
        assert_eq!(p.id.as_deref(), Some("qEnOZ5Oh0poWnQ1luFBfVw_0000"));
        assert_eq!(
            (p.first_name.as_deref(), p.sex.as_deref()),
            (Some("ada"), Some("female"))
        );
        assert_eq!(p.birth_year, None, "a free-plan flag reads as absent");
        assert_eq!(p.location_street_address, None);
        assert_eq!(p.skills, vec!["rust", "sql"]);
        assert!(p.interests.is_empty());
        assert_eq!(p.experience.as_ref().unwrap()[0]["company"]["name"], "acme");

        let sent = &http.requests()[0];
        assert_eq!(sent.url, "http://pdl.test/v5/person/enrich?email=ada%40example.com&min_likelihood=7&include_if_matched=true");
        assert_eq!(sent.headers.get("x-api-key"), Some(KEY));
        assert_eq!(sent.method, crate::Method::Get, "a GET: cx.http retries it");
    }

    #[test]
    fn through_cx_http_429_and_5xx_are_retried_and_402_is_not() {
        let http = fake();
        let err = |status: u16, kind: &str| {
            json(
                status,
                json!({"status": status, "error": {"type": kind, "message": kind}}),
            )
        };
        http.push(Ok(
            err(429, "rate_limit_error").with_header("retry-after", "1")
        ));
        http.push(Ok(err(503, "api_error")));
        http.push(Ok(json(
            404,
            json!({"status": 404, "error": {"type": "not_found", "message": "none"}}),
        )));
        let cx = crate::testing::test_context(http.clone());
        let vendor = Vendor {
            base_url: "http://pdl.test".into(),
            api_key: Secret::new(KEY),
        };
        let pdl = Pdl::new(vendor.clone(), cx.http.clone(), cx.clock.clone());
        let query = q(Some("ada@example.com"), None, None, None, None);
        let out = pollster::block_on(pdl.enrich(&query, &EnrichOptions::default()));
        assert_eq!((out, http.requests().len()), (Ok(Enrichment::NoMatch), 3));

        let http = fake();
        http.push(Ok(err(402, "payment_required")));
        let cx = crate::testing::test_context(http.clone());
        let pdl = Pdl::new(vendor, cx.http.clone(), cx.clock.clone());
        let out = pollster::block_on(pdl.enrich(&query, &EnrichOptions::default()));
        assert!(matches!(out, Err(PdlError::PaymentRequired { .. })));
        assert_eq!(http.requests().len(), 1, "402 is not retried");
    }

    #[test]
    fn not_found_is_no_match_and_errors_are_typed() {
        let query = q(Some("nobody@example.com"), None, None, None, None);
        let run = |response: HttpResponse| {
            let http = fake();
            http.push(Ok(response));
            pollster::block_on(client(&http).enrich(&query, &EnrichOptions::default()))
        };
        let nf = json!({"status": 404, "error": {"type": "not_found", "message": "No records were found matching your request"}});
        assert_eq!(run(json(404, nf)), Ok(Enrichment::NoMatch));

        let err = |status: u16, kind: &str, message: &str| {
            json(
                status,
                json!({"status": status, "error": {"type": kind, "message": message}}),
            )
        };
        assert_eq!(
            run(err(
                402,
                "payment_required",
                "You have hit your account maximum"
            )),
            Err(PdlError::PaymentRequired {
                message: "You have hit your account maximum".into()
            })
        );
        let reset = (TEST_NOW_MS / 1000 + 30).to_string();
        assert_eq!(
            run(err(429, "rate_limit_error", "slow")
                .with_header("x-ratelimit-reset", reset)
                .with_header("x-ratelimit-remaining", r#"{"minute": 0}"#)),
            Err(PdlError::Common(VendorFailure::RateLimited {
                retry_after: Some(30)
            }))
        );
        assert_eq!(
            run(err(429, "rate_limit_error", "slow").with_header("retry-after", "7")),
            Err(PdlError::Common(VendorFailure::RateLimited {
                retry_after: Some(7)
            }))
        );
        assert_eq!(
            run(err(503, "api_error", "down")),
            Err(PdlError::Common(VendorFailure::Server { status: 503 }))
        );
        assert!(matches!(
            run(err(400, "invalid_request_error", "bad")),
            Err(PdlError::Common(VendorFailure::BadRequest { .. }))
        ));
        for (e, status) in [
            (
                PdlError::PaymentRequired {
                    message: String::new(),
                },
                502,
            ),
            (
                PdlError::Common(VendorFailure::RateLimited {
                    retry_after: Some(30),
                }),
                429,
            ),
            (PdlError::Common(VendorFailure::Server { status: 503 }), 502),
            (
                PdlError::Common(VendorFailure::Unauthorized {
                    status: 401,
                    message: String::new(),
                }),
                503,
            ),
        ] {
            assert_eq!(ApiError::from(e).status(), status);
        }
        let e = run(err(
            401,
            "authentication_error",
            &format!("Invalid api key {KEY}"),
        ))
        .unwrap_err();
        assert!(matches!(
            e,
            PdlError::Common(VendorFailure::Unauthorized { .. })
        ));
        assert!(!format!("{e} {e:?} {:?}", ApiError::from(e.clone())).contains(KEY));
    }
}
