//! Fly.io Machines API, after Fly's documentation
//! (https://fly.io/docs/machines/api/machines-resource/, `working-with-machines-api`):
//! one machine per interview session.
//! `Authorization: Bearer <FLY_API_TOKEN>`, base `FLY_API_BASE_URL`, app `FLY_APP_NAME`,
//! image `FLY_MACHINE_IMAGE` ([`crate::config::FlyConfig`]).
//!
//! - [`Fly::create_machine`]: `POST /v1/apps/{app}/machines` with `config.image`,
//!   `guest`, `env`, `metadata`, `auto_destroy`, `restart.policy: "no"`. Retried only on
//!   429 (refused before anything was done); a 5xx or a dropped connection may have
//!   created a machine, so it is handed back rather than repeated (the reaper finds
//!   strays by their metadata).
//! - [`Fly::wait_for_state`]: `GET …/{id}/wait?state=&timeout=` (200, or 408 → `Timeout`).
//! - [`Fly::get_machine`]: `GET …/{id}`, to check a machine's metadata before acting.
//! - [`Fly::destroy_machine`]: `DELETE …/{id}?force=true`.
//!
//! A machine id goes into a URL path only if it looks like one of Fly's (1 to 64 ASCII
//! letters and digits): anything else (`..`, a slash) is refused before a request is
//! made, as [`FlyError::InvalidMachineId`], so no stored value can aim a `DELETE` at
//! another path of the API.
//! - [`Fly::list_machines`]: `GET /v1/apps/{app}/machines`, for the reaper.
//!
//! GET and DELETE are idempotent: `cx.http` retries them on 429/5xx itself.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::vendor::{error_message, parse, success, upstream};
use super::{path_segment, retry_after_secs, send_judged, Api, Client, VendorFailure};
use crate::config::{Config, FlyConfig};
use crate::error::ApiError;
use crate::http::{HttpClient, HttpRequest, HttpResponse, TransportError};
use crate::request::Method;

const SERVICE: &str = "fly";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guest {
    /// `shared` | `performance`.
    pub cpu_kind: String,
    pub cpus: u32,
    pub memory_mb: u32,
}

impl Default for Guest {
    /// The smallest machine: an interview's sidecar work is light.
    fn default() -> Self {
        Guest {
            cpu_kind: "shared".into(),
            cpus: 1,
            memory_mb: 256,
        }
    }
}

/// What to create. `metadata` is how the reaper tells our machines apart
/// (`session_id`, `tenant_id`).
#[derive(Clone, PartialEq, Default)]
pub struct MachineSpec {
    pub name: Option<String>,
    pub region: Option<String>,
    /// Default: the configured `FLY_MACHINE_IMAGE`.
    pub image: Option<String>,
    pub guest: Guest,
    pub env: BTreeMap<String, String>,
    pub metadata: BTreeMap<String, String>,
}

/// `env` may carry secrets for the machine: names only.
impl fmt::Debug for MachineSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MachineSpec")
            .field("name", &self.name)
            .field("region", &self.region)
            .field("image", &self.image)
            .field("guest", &self.guest)
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("metadata", &self.metadata)
            .finish()
    }
}

/// A machine as the API describes it (the fields we use; the rest is ignored).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Machine {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// `created`, `starting`, `started`, `stopping`, `stopped`, `destroying`, `destroyed`, …
    pub state: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub private_ip: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub config: MachineConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MachineConfig {
    pub image: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub auto_destroy: bool,
}

impl Machine {
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.config.metadata.get(key).map(String::as_str)
    }
}

/// The states `wait` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitState {
    Started,
    Stopped,
    Destroyed,
}

impl WaitState {
    fn as_str(self) -> &'static str {
        match self {
            WaitState::Started => "started",
            WaitState::Stopped => "stopped",
            WaitState::Destroyed => "destroyed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FlyError {
    /// What every vendor can answer; 401 and 403 (a token that lacks the app) are
    /// `Unauthorized`.
    Common(VendorFailure),
    /// 404: no such machine (or app). For `destroy`, the machine is already gone. → 404 `machine_not_found`.
    NotFound { message: String },
    /// 408: `wait` timed out before the state was reached. → 502.
    Timeout,
    /// 409: a lease is held, `current_version` mismatched, or no capacity on the host
    /// (retry later or in another region). → 502.
    Conflict { message: String },
    /// 412: a volume is in use. → 502.
    Precondition { message: String },
    /// 422: the account's machine limit, or a config Fly refused. → 502.
    Unprocessable { message: String },
    /// Not a Fly machine id; nothing was sent. → 500 (we stored it, or a bug passed it).
    InvalidMachineId,
}

impl From<VendorFailure> for FlyError {
    fn from(failure: VendorFailure) -> Self {
        FlyError::Common(failure)
    }
}

impl fmt::Display for FlyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlyError::Common(failure) => fmt::Display::fmt(failure, f),
            FlyError::NotFound { message } => write!(f, "not found (404): {message}"),
            FlyError::Timeout => f.write_str("wait timed out (408)"),
            FlyError::Conflict { message } => write!(f, "conflict (409): {message}"),
            FlyError::Precondition { message } => write!(f, "precondition failed (412): {message}"),
            FlyError::Unprocessable { message } => write!(f, "unprocessable (422): {message}"),
            FlyError::InvalidMachineId => f.write_str("not a Fly machine id"),
        }
    }
}

impl std::error::Error for FlyError {}

impl From<FlyError> for ApiError {
    fn from(err: FlyError) -> Self {
        let status = match err {
            FlyError::Common(failure) => return failure.into_api_error(SERVICE, "FLY_API_TOKEN"),
            FlyError::NotFound { .. } => {
                return ApiError::not_found(
                    "machine_not_found",
                    "The session's machine does not exist",
                )
            }
            FlyError::InvalidMachineId => {
                return ApiError::internal("a machine id that is not one of Fly's")
            }
            FlyError::Timeout => 408,
            FlyError::Conflict { .. } => 409,
            FlyError::Precondition { .. } => 412,
            FlyError::Unprocessable { .. } => 422,
        };
        upstream(SERVICE, Some(status), &err)
    }
}

/// Fly's [`Api`]: its settings in [`Config`].
pub struct FlyApi;

impl Api for FlyApi {
    type Config = FlyConfig;
    const NAME: &'static str = "Fly";
    fn config(config: &Config) -> Option<&FlyConfig> {
        config.fly.as_ref()
    }
}

/// The Fly Machines API. `Fly::from_context(cx)` is `None` without `FLY_API_TOKEN`:
/// a function that needs Fly answers 503 `not_configured`.
pub type Fly<H = dyn HttpClient> = Client<FlyApi, H>;

impl<H: HttpClient + ?Sized> Fly<H> {
    fn machines_url(&self) -> String {
        format!(
            "{}/v1/apps/{}/machines",
            self.config.base_url,
            path_segment(&self.config.app_name)
        )
    }

    /// `…/machines/{id}`, for an id of Fly's form only.
    fn machine_url(&self, machine_id: &str) -> Result<String, FlyError> {
        if !is_machine_id(machine_id) {
            return Err(FlyError::InvalidMachineId);
        }
        Ok(format!(
            "{}/{}",
            self.machines_url(),
            path_segment(machine_id)
        ))
    }

    fn request(&self, method: Method, url: String) -> HttpRequest {
        HttpRequest::new(method, url)
            .service(SERVICE)
            .bearer(self.config.api_token.expose())
    }

    fn check(
        &self,
        outcome: Result<HttpResponse, TransportError>,
    ) -> Result<HttpResponse, FlyError> {
        success(outcome, |response| self.error_from(response))
    }

    fn error_from(&self, response: &HttpResponse) -> FlyError {
        let token = &self.config.api_token;
        let message = error_message(response, &[&["error"], &["message"]], &[token]);
        match response.status {
            status @ 403 => VendorFailure::Unauthorized { status, message }.into(),
            404 => FlyError::NotFound { message },
            408 => FlyError::Timeout,
            409 => FlyError::Conflict { message },
            412 => FlyError::Precondition { message },
            422 => FlyError::Unprocessable { message },
            status => {
                let retry_after = retry_after_secs(response, &*self.clock);
                VendorFailure::from_status(status, None, message, retry_after).into()
            }
        }
    }

    pub async fn create_machine(&self, spec: &MachineSpec) -> Result<Machine, FlyError> {
        let mut body = json!({
            "config": {
                "image": spec.image.as_deref().unwrap_or(&self.config.machine_image),
                "guest": spec.guest,
                "env": spec.env,
                "metadata": spec.metadata,
                "auto_destroy": true,
                "restart": { "policy": "no" },
            }
        });
        if let Some(name) = &spec.name {
            body["name"] = json!(name);
        }
        if let Some(region) = &spec.region {
            body["region"] = json!(region);
        }
        let request = self
            .request(Method::Post, self.machines_url())
            .json(&body)
            .map_err(|e| VendorFailure::UnexpectedBody(e.to_string()))?;
        let outcome = send_judged(
            &*self.http,
            &*self.clock,
            &self.policy,
            &request,
            |o| matches!(o, Ok(r) if r.status == 429),
        )
        .await;
        let response = self.check(outcome)?;
        Ok(parse(&response)?)
    }

    /// Block (server-side) until the machine is in `state`, at most `timeout` (Fly caps
    /// it at 60 s). `Stopped` needs the machine's `instance_id`.
    pub async fn wait_for_state(
        &self,
        machine_id: &str,
        state: WaitState,
        instance_id: Option<&str>,
        timeout: Duration,
    ) -> Result<(), FlyError> {
        let seconds = timeout.as_secs().clamp(1, 60);
        let mut url = format!(
            "{}/wait?state={}&timeout={seconds}",
            self.machine_url(machine_id)?,
            state.as_str()
        );
        if let Some(instance) = instance_id {
            url.push_str(&format!("&instance_id={}", path_segment(instance)));
        }
        // Our own timeout outlasts the server's, so a slow machine answers 408.
        let request = self
            .request(Method::Get, url)
            .timeout(Duration::from_secs(seconds + 10));
        self.check(self.http.send(&request).await).map(|_| ())
    }

    pub async fn get_machine(&self, machine_id: &str) -> Result<Machine, FlyError> {
        let request = self.request(Method::Get, self.machine_url(machine_id)?);
        let response = self.check(self.http.send(&request).await)?;
        Ok(parse(&response)?)
    }

    pub async fn destroy_machine(&self, machine_id: &str) -> Result<(), FlyError> {
        let url = format!("{}?force=true", self.machine_url(machine_id)?);
        self.check(self.http.send(&self.request(Method::Delete, url)).await)
            .map(|_| ())
    }

    pub async fn list_machines(&self) -> Result<Vec<Machine>, FlyError> {
        let request = self.request(Method::Get, self.machines_url());
        let response = self.check(self.http.send(&request).await)?;
        let machines: Vec<Value> = parse(&response)?;
        machines
            .into_iter()
            .map(|m| {
                serde_json::from_value(m)
                    .map_err(|e| VendorFailure::UnexpectedBody(e.to_string()).into())
            })
            .collect()
    }
}

/// Fly's machine ids are short lowercase hex (`e286d3f1c24e68`); letters and digits,
/// 1 to 64 of them, is the form accepted here.
pub fn is_machine_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::super::test_support::*;
    use super::*;
    use crate::config::Secret;
    use crate::testing::FakeHttp;

    const TOKEN: &str = "fo1_test_token_789";

    fn client(http: &Rc<FakeHttp>) -> (Fly<FakeHttp>, Rc<crate::testing::ManualClock>) {
        let config = FlyConfig {
            base_url: "http://fly.test".into(),
            api_token: Secret::new(TOKEN),
            app_name: "interviews".into(),
            machine_image: "registry.fly.io/interviews:v1".into(),
        };
        let clock = clock();
        (Fly::new(config, http.clone(), clock.clone()), clock)
    }

    fn machine(state: &str) -> Value {
        json!({"id": "e286d3f1c24e68", "name": "session-1", "state": state, "region": "ams",
               "instance_id": "01H0", "private_ip": "fdaa::3", "image_ref": {},
               "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:01Z", "events": [],
               "config": {"image": "registry.fly.io/interviews:v1", "auto_destroy": true,
                          "metadata": {"session_id": "s1", "tenant_id": "t1"}, "restart": {"policy": "no"}}})
    }

    #[test]
    fn create_sends_the_documented_config() {
        let http = fake();
        http.push(Ok(json(200, machine("created"))));
        let (fly, _) = client(&http);
        let spec = MachineSpec {
            name: Some("session-1".into()),
            region: Some("ams".into()),
            env: [("SESSION_TOKEN".to_string(), "tok-secret".to_string())].into(),
            metadata: [
                ("session_id".to_string(), "s1".to_string()),
                ("tenant_id".to_string(), "t1".to_string()),
            ]
            .into(),
            ..MachineSpec::default()
        };
        let m = pollster::block_on(fly.create_machine(&spec)).unwrap();
        assert_eq!(
            (m.id.as_str(), m.state.as_str(), m.metadata("session_id")),
            ("e286d3f1c24e68", "created", Some("s1"))
        );
        let sent = &http.requests()[0];
        assert_eq!(sent.url, "http://fly.test/v1/apps/interviews/machines");
        assert_eq!(
            sent.headers.get("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(
            body(sent),
            json!({"name": "session-1", "region": "ams", "config": {
                "image": "registry.fly.io/interviews:v1",
                "guest": {"cpu_kind": "shared", "cpus": 1, "memory_mb": 256},
                "env": {"SESSION_TOKEN": "tok-secret"}, "metadata": {"session_id": "s1", "tenant_id": "t1"},
                "auto_destroy": true, "restart": {"policy": "no"}}})
        );
        assert!(
            !format!("{spec:?} {fly:?}").contains("tok-secret")
                && !format!("{fly:?}").contains(TOKEN)
        );
    }

    #[test]
    fn create_retries_a_rate_limit_but_never_a_5xx() {
        let http = fake();
        http.push(Ok(
            json(429, json!({"error": "rate limited"})).with_header("retry-after", "1")
        ));
        http.push(Ok(json(200, machine("created"))));
        let (fly, clock) = client(&http);
        assert!(pollster::block_on(fly.create_machine(&MachineSpec::default())).is_ok());
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);

        let http = fake();
        http.push(Ok(json(503, json!({"error": "unavailable"}))));
        http.push(Ok(json(200, machine("created"))));
        let (fly, _) = client(&http);
        let err = pollster::block_on(fly.create_machine(&MachineSpec::default())).unwrap_err();
        assert_eq!(
            (err, http.requests().len()),
            (FlyError::Common(VendorFailure::Server { status: 503 }), 1)
        );
    }

    #[test]
    fn wait_destroy_and_list_use_the_documented_paths() {
        let http = fake();
        http.push(Ok(json(200, json!({"ok": true}))));
        http.push(Ok(json(200, json!({"ok": true}))));
        http.push(Ok(json(
            200,
            json!([machine("started"), machine("stopped")]),
        )));
        let (fly, _) = client(&http);
        pollster::block_on(fly.wait_for_state(
            "e286d3f1c24e68",
            WaitState::Started,
            None,
            Duration::from_secs(30),
        ))
        .unwrap();
        pollster::block_on(fly.destroy_machine("e286d3f1c24e68")).unwrap();
        let all = pollster::block_on(fly.list_machines()).unwrap();
        assert_eq!(
            all.iter().map(|m| m.state.as_str()).collect::<Vec<_>>(),
            ["started", "stopped"]
        );
        let sent = http.requests();
        assert_eq!(sent[0].url, "http://fly.test/v1/apps/interviews/machines/e286d3f1c24e68/wait?state=started&timeout=30");
        assert_eq!(sent[0].timeout, Duration::from_secs(40));
        assert_eq!(
            (sent[1].method, sent[1].url.as_str()),
            (
                Method::Delete,
                "http://fly.test/v1/apps/interviews/machines/e286d3f1c24e68?force=true"
            )
        );
        assert_eq!(
            (sent[2].method, sent[2].url.as_str()),
            (Method::Get, "http://fly.test/v1/apps/interviews/machines")
        );
        assert!(sent
            .iter()
            .all(|r| r.headers.get("authorization") == Some(&format!("Bearer {TOKEN}")[..])));
    }

    #[test]
    fn a_value_that_is_not_a_machine_id_never_reaches_a_url() {
        let http = fake();
        let (fly, _) = client(&http);
        for bad in [
            "..",
            "",
            "a/b",
            "../../apps",
            "e286d3f1c24e68?x=1",
            &"a".repeat(65),
        ] {
            assert_eq!(
                pollster::block_on(fly.destroy_machine(bad)),
                Err(FlyError::InvalidMachineId),
                "{bad:?}"
            );
            assert_eq!(
                pollster::block_on(fly.get_machine(bad)).err(),
                Some(FlyError::InvalidMachineId)
            );
            assert_eq!(
                pollster::block_on(fly.wait_for_state(
                    bad,
                    WaitState::Started,
                    None,
                    Duration::from_secs(1)
                )),
                Err(FlyError::InvalidMachineId)
            );
        }
        assert!(http.requests().is_empty(), "nothing was sent");
        assert_eq!(
            ApiError::from(FlyError::InvalidMachineId).status(),
            500,
            "a stored value we cannot trust is our bug, not the caller's"
        );
    }

    #[test]
    fn get_reads_one_machine_and_its_metadata() {
        let http = fake();
        http.push(Ok(json(200, machine("started"))));
        let (fly, _) = client(&http);
        let got = pollster::block_on(fly.get_machine("e286d3f1c24e68")).unwrap();
        assert_eq!(
            (got.metadata("session_id"), got.metadata("tenant_id")),
            (Some("s1"), Some("t1"))
        );
        let sent = http.requests();
        assert_eq!(
            (sent[0].method, sent[0].url.as_str()),
            (
                Method::Get,
                "http://fly.test/v1/apps/interviews/machines/e286d3f1c24e68"
            )
        );
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        let cases = [
            (
                404,
                FlyError::NotFound {
                    message: "machine not found".into(),
                },
                404,
            ),
            (408, FlyError::Timeout, 502),
            (
                409,
                FlyError::Conflict {
                    message: "machine not found".into(),
                },
                502,
            ),
            (
                412,
                FlyError::Precondition {
                    message: "machine not found".into(),
                },
                502,
            ),
            (
                422,
                FlyError::Unprocessable {
                    message: "machine not found".into(),
                },
                502,
            ),
            (
                429,
                FlyError::Common(VendorFailure::RateLimited { retry_after: None }),
                429,
            ),
            (
                401,
                FlyError::Common(VendorFailure::Unauthorized {
                    status: 401,
                    message: "machine not found".into(),
                }),
                503,
            ),
        ];
        for (status, expected, api) in cases {
            let http = fake();
            http.push(Ok(json(status, json!({"error": "machine not found"}))));
            let (fly, _) = client(&http);
            let err = pollster::block_on(fly.wait_for_state(
                "m",
                WaitState::Started,
                None,
                Duration::from_secs(5),
            ))
            .unwrap_err();
            assert_eq!(err, expected);
            assert_eq!(ApiError::from(err).status(), api, "{status}");
        }
        let http = fake();
        http.push(Ok(json(
            401,
            json!({"error": format!("bad token {TOKEN}")}),
        )));
        let (fly, _) = client(&http);
        let err = pollster::block_on(fly.list_machines()).unwrap_err();
        assert!(!format!("{err:?} {:?}", ApiError::from(err.clone())).contains(TOKEN));
    }
}
