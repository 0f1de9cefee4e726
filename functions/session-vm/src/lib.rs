//! `session-vm`: the dedicated Fly Machine of an interview session, and its reaper.
//!
//! - Route: `POST /functions/v1/session-vm`.
//! - `{"session_id": uuid, "action": "start"}` → `201 {"session_id", "machine_id",
//!   "state": "started", "region"}` once the machine runs (`200` with `"reused": true`
//!   when the session's machine already runs). Created through the Machines API with
//!   the session and tenant in its metadata, `auto_destroy`, restart policy `no`; the
//!   function waits (Fly's server-side wait) for `started` and records the machine in
//!   `session_machines`. Only a joinable session (invited, scheduled, in progress) gets
//!   one.
//! - `{"session_id": uuid, "action": "stop"}` → `200 {"session_id", "machine_id", "state":
//!   "destroyed"}`: `DELETE …?force=true`; idempotent (no machine, or one already gone, is
//!   `destroyed` too). A machine is destroyed only when Fly says its metadata names this
//!   session and tenant; otherwise `409 machine_not_of_session` and nothing is touched.
//! - `{"action": "reap"}` (service role only; run it on a schedule) → `200 {"examined",
//!   "destroyed": [{machine_id, session_id, reason}], "failed": [...], "reconciled"}`:
//!   destroys every machine of ours ([`reaper`]) whose session is completed, cancelled,
//!   expired or gone, or that is older than [`reaper::MAX_AGE_SECONDS`], and marks rows
//!   whose machine no longer exists.
//! - Caller: an owner or admin of the session's tenant, or the service role (no user: the
//!   reaper, a completion hook). A user's access is checked as the user (RLS decides
//!   whether the session is theirs); the machine row is then written with the service
//!   role, as nobody else may write `session_machines` (a user who could would choose the
//!   machine this function destroys).
//! - Fly's answers: 429 → our 429 with `Retry-After`; 409 (no capacity, a lease) and 412
//!   are retried once after a second, then `503 fly_unavailable`; 422 (the account's
//!   machine limit) → `503 fly_machine_limit`; a machine that does not start within the
//!   wait is destroyed and answered `502`; 5xx → `502 upstream_error` after the shared
//!   retries. Every failure of a start is recorded on the session's machine row (state
//!   `failed`, `error`), visible to the tenant.
//! - Errors: 400 `body_required` / `invalid_json` / `invalid_body`; 401; 403
//!   `insufficient_role`; 404 `session_not_found`; 405; 409 `session_not_joinable` /
//!   `machine_starting` (another start is under way); 413; 415; 503 `not_configured`
//!   without `FLY_API_TOKEN`.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod reaper;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::clients::fly::{Fly, FlyError, MachineSpec, WaitState};
use shared::clients::VendorFailure;
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::db::Session;
use shared::{ApiError, Context, Method, Request, Response, Role};
use uuid::Uuid;

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[
        error(409, "machine_not_of_session"),
        error(404, "session_not_found"),
        error(409, "session_not_joinable"),
        error(409, "machine_starting"),
        error(503, "fly_unavailable"),
        error(503, "fly_machine_limit"),
    ],
];

/// How long Fly is asked to wait for `started` (its cap is 60 s).
pub const START_WAIT: Duration = Duration::from_secs(60);
/// A `starting` row older than this is a start that died: another start may take over.
pub const STALE_START_SECONDS: u64 = 180;
/// The `Retry-After` of a 503 for Fly being out of room (capacity, a lease, the
/// account's machine limit).
pub const RETRY_AFTER_SECONDS: u64 = 30;
/// The metadata that marks a machine as this function's.
pub const MANAGED_BY: &str = "session-vm";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SessionVmAction"))]
pub enum Action {
    Start,
    Stop,
    Reap,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "SessionVmInput", optional_fields)
)]
pub struct Input {
    action: Action,
    #[serde(default)]
    session_id: Option<Uuid>,
}

/// The answer of `start` and `stop`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SessionMachine"))]
pub struct Answer {
    pub session_id: Uuid,
    /// `null` when a stop found no machine.
    pub machine_id: Option<String>,
    pub state: State,
    /// Where a newly started machine runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub region: Option<String>,
    /// `true` when a start found the session's machine already running.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reused: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SessionMachineState"))]
pub enum State {
    Started,
    Destroyed,
}

impl Answer {
    fn destroyed(session_id: Uuid, machine_id: Option<String>) -> Answer {
        Answer {
            session_id,
            machine_id,
            state: State::Destroyed,
            region: None,
            reused: None,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SessionRow {
    tenant_id: Uuid,
    status: interview::SessionStatus,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MachineRow {
    pub machine_id: Option<String>,
    pub state: String,
    #[serde(default)]
    pub updated_at: Option<String>,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input: Input = req.json_object()?;
    // Owners and admins act on their sessions; the service role (a Database Webhook, a
    // scheduled job, with the secret key) on any.
    let caller = cx.auth.authenticate(&req).await?;
    if !caller.is_service() {
        caller.ensure(Role::Admin)?;
    }
    let service = caller.is_service();
    let session_id = match (input.action, input.session_id) {
        (Action::Reap, _) => None,
        (_, Some(id)) => Some(id),
        (_, None) => {
            return Err(ApiError::bad_request(
                "invalid_body",
                "Invalid request body: `session_id` is required for start and stop",
            ))
        }
    };
    if input.action == Action::Reap && !service {
        return Err(ApiError::forbidden(
            "insufficient_role",
            "Only the service role runs the reaper",
        ));
    }
    let Some(fly) = Fly::from_context(cx) else {
        return Err(ApiError::vendor_not_configured("fly"));
    };
    let db = cx.db.service(
        "session_machines is written by this function alone, after the caller is checked",
    )?;
    let Some(id) = session_id else {
        return reaper::reap(&fly, &db, cx).await;
    };
    // The session must be the caller's: staff read it as themselves (RLS); the service
    // role has no user to act as.
    let session = if service {
        session(&db, id).await?
    } else {
        session(&cx.db.as_user(&caller), id).await?
    };
    match input.action {
        Action::Start => start(&fly, &db, cx, id, &session).await,
        Action::Stop => stop(&fly, &db, cx, id, &session).await,
        Action::Reap => Err(ApiError::internal("reap has no session_id")),
    }
}

async fn session(db: &Session<'_>, id: Uuid) -> Result<SessionRow, ApiError> {
    let rows: Vec<SessionRow> = db
        .execute(
            db.from("interview_sessions")
                .select("tenant_id,status")
                .eq("id", id.to_string()),
        )
        .await?;
    rows.into_iter().next().ok_or_else(|| {
        ApiError::not_found(
            "session_not_found",
            "No such interview session in your organisation",
        )
    })
}

pub(crate) async fn machine_row(
    db: &Session<'_>,
    id: Uuid,
) -> Result<Option<MachineRow>, ApiError> {
    let rows: Vec<MachineRow> = db
        .execute(
            db.from("session_machines")
                .select("machine_id,state,updated_at")
                .eq("session_id", id.to_string()),
        )
        .await?;
    Ok(rows.into_iter().next())
}

/// Update the session's machine row (`fields` as JSON), optionally only from `states`.
pub(crate) async fn set_machine(
    db: &Session<'_>,
    id: Uuid,
    fields: serde_json::Value,
    from_states: &[&str],
) -> Result<(), ApiError> {
    let mut query = db
        .from("session_machines")
        .update(fields.to_string())
        .eq("session_id", id.to_string());
    if !from_states.is_empty() {
        query = query.in_("state", from_states.iter().copied());
    }
    let _: serde_json::Value = db.execute(query).await?;
    Ok(())
}

async fn start(
    fly: &Fly,
    db: &Session<'_>,
    cx: &Context,
    id: Uuid,
    session: &SessionRow,
) -> Result<Response, ApiError> {
    session.status.require_joinable()?;

    // Claim the session's machine slot, so two starts cannot create two machines.
    let now = cx.clock.now_unix_ms() / 1000;
    let fresh = json!({ "state": "starting", "machine_id": null, "error": null, "started_at": null, "destroyed_at": null });
    let lost_race = |err: ApiError| if err.status() == 404 { starting() } else { err };
    match machine_row(db, id).await? {
        Some(row) if row.state == "started" && row.machine_id.is_some() => {
            let machine_id = row.machine_id.unwrap_or_default();
            // Still running? A machine can end on its own (restart policy `no`).
            match fly
                .wait_for_state(
                    &machine_id,
                    WaitState::Started,
                    None,
                    Duration::from_secs(1),
                )
                .await
            {
                Ok(()) => {
                    return Ok(Response::ok(&Answer {
                        session_id: id,
                        machine_id: Some(machine_id),
                        state: State::Started,
                        region: None,
                        reused: Some(true),
                    }))
                }
                Err(FlyError::NotFound { .. }) => {}
                Err(FlyError::Timeout) => destroy_quietly(fly, &machine_id, id, session).await,
                Err(err) => return Err(err.into()),
            }
            set_machine(db, id, fresh, &["started"])
                .await
                .map_err(lost_race)?;
        }
        Some(row) if row.state == "starting" || row.state == "destroying" => {
            let age = row
                .updated_at
                .as_deref()
                .and_then(reaper::unix_seconds)
                .map_or(u64::MAX, |at| now.saturating_sub(at));
            if age < STALE_START_SECONDS {
                return Err(ApiError::conflict(
                    "machine_starting",
                    "The session's machine is being started or stopped: try again shortly",
                ));
            }
            // A start or stop that died: what it left is destroyed before a new start.
            if let Some(stale) = &row.machine_id {
                destroy_quietly(fly, stale, id, session).await;
            }
            set_machine(db, id, fresh, &[row.state.as_str()])
                .await
                .map_err(lost_race)?;
        }
        Some(_) => {
            // destroyed or failed: start afresh, unless another start got there first.
            set_machine(db, id, fresh, &["destroyed", "failed"])
                .await
                .map_err(lost_race)?;
        }
        None => {
            let inserted: Result<serde_json::Value, ApiError> = db
                .execute(db.from("session_machines").insert(
                    json!({ "session_id": id, "tenant_id": session.tenant_id, "state": "starting" }).to_string(),
                ))
                .await;
            inserted.map_err(|err| if err.status() == 409 { starting() } else { err })?;
        }
    }

    let spec = MachineSpec {
        metadata: BTreeMap::from([
            ("session_id".to_owned(), id.to_string()),
            ("tenant_id".to_owned(), session.tenant_id.to_string()),
            ("managed_by".to_owned(), MANAGED_BY.to_owned()),
        ]),
        env: BTreeMap::from([
            ("SESSION_ID".to_owned(), id.to_string()),
            ("TENANT_ID".to_owned(), session.tenant_id.to_string()),
        ]),
        ..MachineSpec::default()
    };
    let created = match create_with_one_retry(fly, cx, &spec).await {
        Ok(machine) => machine,
        Err(err) => return Err(failed(db, id, err).await),
    };
    // Recorded before the wait: if this function dies now, stop and the reaper still
    // know the machine.
    set_machine(
        db,
        id,
        json!({ "machine_id": created.id, "region": created.region }),
        &[],
    )
    .await?;

    if let Err(err) = fly
        .wait_for_state(&created.id, WaitState::Started, None, START_WAIT)
        .await
    {
        destroy_quietly(fly, &created.id, id, session).await;
        return Err(failed(db, id, err).await);
    }
    let started_at = shared::time::rfc3339_seconds(now);
    set_machine(
        db,
        id,
        json!({ "state": "started", "started_at": started_at }),
        &[],
    )
    .await?;
    Ok(Response::created(&Answer {
        session_id: id,
        machine_id: Some(created.id),
        state: State::Started,
        region: created.region,
        reused: None,
    }))
}

fn starting() -> ApiError {
    ApiError::conflict(
        "machine_starting",
        "Another start of the session's machine is under way: try again shortly",
    )
}

/// Create, and once more after a second when Fly answers 409 (capacity, a lease) or 412:
/// both are often momentary. 429 is retried inside the client; nothing else is repeated
/// (a 5xx may have created a machine, which the reaper finds by its metadata).
async fn create_with_one_retry(
    fly: &Fly,
    cx: &Context,
    spec: &MachineSpec,
) -> Result<shared::clients::fly::Machine, FlyError> {
    match fly.create_machine(spec).await {
        Err(FlyError::Conflict { .. } | FlyError::Precondition { .. }) => {
            cx.clock.sleep(Duration::from_secs(1)).await;
            fly.create_machine(spec).await
        }
        other => other,
    }
}

/// Record a failed start and turn Fly's answer into ours.
async fn failed(db: &Session<'_>, id: Uuid, err: FlyError) -> ApiError {
    let code = match &err {
        FlyError::Conflict { .. } => "fly_conflict",
        FlyError::Precondition { .. } => "fly_precondition_failed",
        FlyError::Unprocessable { .. } => "fly_machine_limit",
        FlyError::Common(VendorFailure::RateLimited { .. }) => "fly_rate_limited",
        FlyError::Timeout => "fly_start_timeout",
        FlyError::Common(VendorFailure::Unauthorized { .. }) => "fly_token_rejected",
        _ => "fly_error",
    };
    shared::log::error(&format!("[session-vm] start of session {id} failed: {err}"));
    if let Err(not_recorded) =
        set_machine(db, id, json!({ "state": "failed", "error": code }), &[]).await
    {
        shared::log::error(&format!(
            "[session-vm] the failed start of {id} was not recorded: {not_recorded}"
        ));
    }
    match err {
        FlyError::Conflict { .. } | FlyError::Precondition { .. } => unavailable(
            "fly_unavailable",
            "Fly has no room for the machine right now: try again shortly",
        ),
        FlyError::Unprocessable { .. } => unavailable(
            "fly_machine_limit",
            "The Fly account's machine limit is reached",
        ),
        other => other.into(),
    }
}

/// Fly being out of room: a 503 the client may retry after [`RETRY_AFTER_SECONDS`].
fn unavailable(code: &'static str, message: &'static str) -> ApiError {
    ApiError::unavailable(code, message, Some(RETRY_AFTER_SECONDS))
}

async fn stop(
    fly: &Fly,
    db: &Session<'_>,
    cx: &Context,
    id: Uuid,
    session: &SessionRow,
) -> Result<Response, ApiError> {
    // The session is the caller's (checked by `run`); its status does not matter.
    let row = machine_row(db, id).await?;
    let Some(machine_id) = row.as_ref().and_then(|r| r.machine_id.clone()) else {
        if row.is_some() {
            set_machine(
                db,
                id,
                json!({ "state": "destroyed" }),
                &["starting", "failed"],
            )
            .await
            .ok();
        }
        return Ok(Response::ok(&Answer::destroyed(id, None)));
    };
    if row.as_ref().is_some_and(|r| r.state == "destroyed") {
        return Ok(Response::ok(&Answer::destroyed(id, Some(machine_id))));
    }
    match ownership(fly, &machine_id, id, session).await {
        Ownership::Gone | Ownership::Ours => {}
        Ownership::Other => {
            shared::log::error(&format!(
                "[session-vm] session {id}'s row names machine {machine_id}, whose metadata is another session's: not destroyed"
            ));
            return Err(ApiError::conflict(
                "machine_not_of_session",
                "The machine recorded for this session belongs to another session: nothing was done",
            ));
        }
        Ownership::Unknown(err) => return Err(err.into()),
    }
    set_machine(db, id, json!({ "state": "destroying" }), &[]).await?;
    match fly.destroy_machine(&machine_id).await {
        // Gone already (auto_destroy, the reaper): the same outcome.
        Ok(()) | Err(FlyError::NotFound { .. }) => {}
        Err(err) => {
            shared::log::error(&format!("[session-vm] stop of {machine_id} failed: {err}"));
            let code = match &err {
                FlyError::Common(VendorFailure::RateLimited { .. }) => "fly_rate_limited",
                FlyError::Precondition { .. } => "fly_precondition_failed",
                _ => "fly_error",
            };
            set_machine(db, id, json!({ "state": "started", "error": code }), &[])
                .await
                .ok();
            return Err(match err {
                FlyError::Precondition { .. } | FlyError::Conflict { .. } => unavailable(
                    "fly_unavailable",
                    "Fly could not destroy the machine right now: try again shortly",
                ),
                other => other.into(),
            });
        }
    }
    let now = shared::time::rfc3339_seconds(cx.clock.now_unix_ms() / 1000);
    set_machine(
        db,
        id,
        json!({ "state": "destroyed", "destroyed_at": now, "error": null }),
        &[],
    )
    .await?;
    Ok(Response::ok(&Answer::destroyed(id, Some(machine_id))))
}

/// Whose a machine is, by the metadata this function gave it when it created it.
enum Ownership {
    /// Its metadata names this session and tenant.
    Ours,
    /// Fly has no such machine (any more).
    Gone,
    /// It exists and is not this session's: never act on it.
    Other,
    /// Fly could not say.
    Unknown(FlyError),
}

async fn ownership(fly: &Fly, machine_id: &str, id: Uuid, session: &SessionRow) -> Ownership {
    match fly.get_machine(machine_id).await {
        Ok(machine) => {
            let session_id = id.to_string();
            let tenant_id = session.tenant_id.to_string();
            if machine.metadata("session_id") == Some(session_id.as_str())
                && machine.metadata("tenant_id") == Some(tenant_id.as_str())
            {
                Ownership::Ours
            } else {
                Ownership::Other
            }
        }
        Err(FlyError::NotFound { .. }) => Ownership::Gone,
        Err(err) => Ownership::Unknown(err),
    }
}

/// Destroy the session's machine and log; used where the answer is already decided. A
/// machine whose metadata is not this session's is left alone.
pub(crate) async fn destroy_quietly(fly: &Fly, machine_id: &str, id: Uuid, session: &SessionRow) {
    match ownership(fly, machine_id, id, session).await {
        Ownership::Ours => {}
        Ownership::Gone => return,
        Ownership::Other => {
            shared::log::error(&format!(
                "[session-vm] {machine_id} is not session {id}'s machine: not destroyed"
            ));
            return;
        }
        Ownership::Unknown(err) => {
            shared::log::error(&format!(
                "[session-vm] could not check {machine_id} (the reaper will): {err}"
            ));
            return;
        }
    }
    match fly.destroy_machine(machine_id).await {
        Ok(()) | Err(FlyError::NotFound { .. }) => {}
        Err(err) => shared::log::error(&format!(
            "[session-vm] could not destroy {machine_id} (the reaper will): {err}"
        )),
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
