//! `run()` natively against a stateful fake Supabase: PostgREST (the session, `session_machines`)
//! and the Fly Machines API (create, get, wait, destroy, list, with scripted failures),
//! so start, stop and the reaper are driven end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use serde_json::{json, Value};
use shared::testing::{
    json_response, member_token, post_json, rows, sign_token, test_context_with, user_token,
    FakeSupabase, RestCall, TEST_JWT_SECRET, TEST_NOW_MS,
};
use shared::{Context, Method, Response};

const SESSION: &str = "66666666-6666-4666-8666-666666666666";
const OTHER: &str = "66666666-6666-4666-8666-000000000002";
const TENANT: &str = "55555555-5555-4555-8555-555555555555";
const FLY: &str = "http://fly.test";

#[derive(Default)]
struct World {
    sessions: BTreeMap<String, &'static str>,
    rows: BTreeMap<String, Value>,
    machines: BTreeMap<String, Value>,
    created: u32,
    destroyed: Vec<String>,
    /// Scripted Fly answers for the next create calls.
    create_fail: VecDeque<(u16, Value)>,
    never_start: bool,
    /// `(method, table, authorization)` of every PostgREST request.
    writers: Vec<(Method, String, String)>,
}

fn world() -> Rc<RefCell<World>> {
    let mut w = World::default();
    w.sessions.insert(SESSION.into(), "in_progress");
    Rc::new(RefCell::new(w))
}

type Fake = Rc<FakeSupabase<World>>;

/// Record `(method, table, authorization)` of a PostgREST request.
fn record(w: &mut World, call: &RestCall) {
    let authorization = call.header("authorization").unwrap().to_owned();
    w.writers
        .push((call.method, call.name.to_owned(), authorization));
}

fn fake(w: Rc<RefCell<World>>) -> Fake {
    FakeSupabase::over(w)
        .service(FLY, |w, req| {
            let body: Value =
                serde_json::from_slice(req.body.as_deref().unwrap_or(b"null")).unwrap_or(Value::Null);
            let path = req
                .url
                .strip_prefix(&format!("{FLY}/v1/apps/interviews/machines"))
                .unwrap_or_else(|| panic!("unexpected fly call {}", req.url));
            assert_eq!(req.headers.get("authorization"), Some("Bearer fly-token"));
            let (id, rest) = path
                .trim_start_matches('/')
                .split_once('/')
                .map_or((path.trim_start_matches('/'), ""), |(a, b)| (a, b));
            let id = id.split('?').next().unwrap().to_owned();
            Ok(match (req.method, id.as_str(), rest) {
            (Method::Post, "", _) => {
                if let Some((status, body)) = w.create_fail.pop_front() {
                    return Ok(json_response(status, &body));
                }
                assert_eq!(body["config"]["auto_destroy"], true);
                assert_eq!(body["config"]["restart"], json!({ "policy": "no" }));
                assert_eq!(body["config"]["metadata"]["managed_by"], "session-vm");
                w.created += 1;
                let mid = format!("m{:03}", w.created);
                let machine = json!({ "id": mid, "state": "created", "region": "ams", "instance_id": "I1",
                    "created_at": "2027-01-15T07:59:00Z", "config": body["config"] });
                w.machines.insert(mid, machine.clone());
                json_response(200, &machine)
            }
            (Method::Get, "", _) => {
                json_response(200, &Value::Array(w.machines.values().cloned().collect()))
            }
            (Method::Get, id, "") => match w.machines.get(id) {
                Some(machine) => json_response(200, machine),
                None => json_response(404, &json!({ "error": "machine not found" })),
            },
            (Method::Get, id, r) if r.starts_with("wait") => {
                if !w.machines.contains_key(id) {
                    json_response(404, &json!({ "error": "machine not found" }))
                } else if w.never_start {
                    json_response(408, &json!({ "error": "deadline_exceeded" }))
                } else {
                    w.machines.get_mut(id).unwrap()["state"] = json!("started");
                    json_response(200, &json!({ "ok": true }))
                }
            }
            (Method::Delete, id, _) => {
                assert!(req.url.ends_with("?force=true"));
                if w.machines.remove(id).is_some() {
                    w.destroyed.push(id.to_owned());
                    json_response(200, &json!({ "ok": true }))
                } else {
                    json_response(404, &json!({ "error": "machine not found" }))
                }
            }
                other => panic!("unexpected fly call {other:?}"),
            })
        })
        .table("interview_sessions", |w, call| {
            record(w, call);
            assert_eq!(call.method, Method::Get, "the session is only read");
            if let Some(ids) = call.in_list("id") {
                return rows(
                    w.sessions
                        .iter()
                        .filter(|(k, _)| ids.contains(&k.as_str()))
                        .map(|(k, s)| json!({ "id": k, "status": s }))
                        .collect(),
                );
            }
            let id = call.eq("id").unwrap();
            rows(
                w.sessions
                    .get(id)
                    .map(|s| json!({ "tenant_id": TENANT, "status": s }))
                    .into_iter()
                    .collect(),
            )
        })
        .table("session_machines", |w, call| {
            record(w, call);
            match call.method {
                Method::Get => {
                    if let Some(id) = call.eq("session_id") {
                        return rows(w.rows.get(id).cloned().into_iter().collect());
                    }
                    let states = call.param("state").unwrap();
                    rows(
                        w.rows
                            .values()
                            .filter(|r| states.contains(r["state"].as_str().unwrap()))
                            .cloned()
                            .collect(),
                    )
                }
                Method::Post => {
                    let id = call.body["session_id"].as_str().unwrap().to_owned();
                    if w.rows.contains_key(&id) {
                        return json_response(
                            409,
                            &json!({ "code": "23505", "message": "duplicate key", "details": null, "hint": null }),
                        );
                    }
                    let mut row = call.body.clone();
                    row["machine_id"] = row.get("machine_id").cloned().unwrap_or(Value::Null);
                    row["updated_at"] = json!("2027-01-15T08:00:00Z");
                    w.rows.insert(id, row.clone());
                    rows(vec![row])
                }
                Method::Patch => {
                    let id = call.eq("session_id").unwrap();
                    let Some(row) = w.rows.get_mut(id) else {
                        return rows(vec![]);
                    };
                    if let Some(states) = call.param("state") {
                        if !states.contains(row["state"].as_str().unwrap()) {
                            return rows(vec![]);
                        }
                    }
                    if let Some(m) = call.eq("machine_id") {
                        if row["machine_id"].as_str() != Some(m) {
                            return rows(vec![]);
                        }
                    }
                    for (k, v) in call.body.as_object().unwrap() {
                        row[k] = v.clone();
                    }
                    let row = row.clone();
                    rows(vec![row])
                }
                other => panic!("unexpected {other:?} session_machines"),
            }
        })
        .shared()
}

fn context(http: Fake, fly: bool) -> Context {
    let keys: &[(&str, &str)] = if fly {
        &[
            ("FLY_API_TOKEN", "fly-token"),
            ("FLY_API_BASE_URL", FLY),
            ("FLY_APP_NAME", "interviews"),
            ("FLY_MACHINE_IMAGE", "registry.fly.io/interviews:v1"),
        ]
    } else {
        &[]
    };
    test_context_with(http, keys).0
}

fn admin() -> String {
    member_token(TENANT, "admin")
}

fn service() -> String {
    sign_token(
        &json!({ "role": "service_role", "exp": TEST_NOW_MS / 1000 + 60 }),
        TEST_JWT_SECRET,
    )
}

fn call(token: &str, body: Value, w: &Rc<RefCell<World>>) -> Response {
    let req = post_json("/session-vm", &body, Some(token));
    shared::testing::call(
        session_vm::run,
        session_vm::ERRORS,
        Ok(req),
        context(fake(w.clone()), true),
    )
}

fn code(r: &Response) -> (u16, Option<String>) {
    (
        r.status(),
        r.json_body().unwrap()["error"]["code"]
            .as_str()
            .map(str::to_owned),
    )
}

#[test]
fn start_creates_waits_and_records_then_reuses_then_stop_destroys() {
    let w = world();
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(r.status(), 201, "{:?}", r.json_body());
    assert_eq!(
        r.json_body().unwrap(),
        json!({ "session_id": SESSION, "machine_id": "m001", "state": "started", "region": "ams" })
    );
    {
        let w = w.borrow();
        assert_eq!(w.rows[SESSION]["state"], "started");
        assert_eq!(w.rows[SESSION]["machine_id"], "m001");
        assert_eq!(
            w.machines["m001"]["config"]["metadata"],
            json!({ "session_id": SESSION, "tenant_id": TENANT, "managed_by": "session-vm" })
        );
        // The session is read as the admin (RLS decides it is theirs); the machine row is
        // session-vm's alone, written with the service role.
        for (method, table, authorization) in &w.writers {
            if table == "interview_sessions" {
                assert!(
                    authorization.starts_with("Bearer ey"),
                    "{method:?} {table} as the admin"
                );
            } else {
                assert_eq!(authorization, "Bearer a.service.jwt", "{method:?} {table}");
            }
        }
        assert!(w
            .writers
            .iter()
            .any(|(m, t, _)| *m == Method::Post && t == "session_machines"));
    }
    // Again: the running machine is reused.
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(
        (r.status(), r.json_body().unwrap()["reused"].clone()),
        (200, json!(true))
    );
    assert_eq!(w.borrow().created, 1);

    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "stop" }),
        &w,
    );
    assert_eq!(
        r.json_body().unwrap(),
        json!({ "session_id": SESSION, "machine_id": "m001", "state": "destroyed" })
    );
    assert_eq!(w.borrow().destroyed, ["m001"]);
    // Stop again: nothing left, still destroyed.
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "stop" }),
        &w,
    );
    assert_eq!(
        (r.status(), r.json_body().unwrap()["state"].clone()),
        (200, json!("destroyed"))
    );
    // And a new start after a stop gets a new machine.
    assert_eq!(
        call(
            &admin(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201
    );
    assert_eq!(w.borrow().rows[SESSION]["machine_id"], "m002");
}

#[test]
fn a_machine_that_ended_on_its_own_is_replaced() {
    let w = world();
    assert_eq!(
        call(
            &admin(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201
    );
    w.borrow_mut().machines.clear();
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(
        (r.status(), r.json_body().unwrap()["machine_id"].clone()),
        (201, json!("m002"))
    );
}

#[test]
fn fly_409_is_retried_once_422_and_timeouts_are_recorded_failures() {
    let w = world();
    w.borrow_mut()
        .create_fail
        .push_back((409, json!({ "error": "insufficient resources" })));
    assert_eq!(
        call(
            &admin(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201,
        "409 once, then created"
    );

    let w = world();
    w.borrow_mut().create_fail.extend([
        (409, json!({ "error": "capacity" })),
        (409, json!({ "error": "capacity" })),
    ]);
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(code(&r), (503, Some("fly_unavailable".into())));
    assert_eq!(r.header("retry-after"), Some("30"));
    assert_eq!(
        (
            w.borrow().rows[SESSION]["state"].clone(),
            w.borrow().rows[SESSION]["error"].clone()
        ),
        (json!("failed"), json!("fly_conflict"))
    );

    let w = world();
    w.borrow_mut()
        .create_fail
        .push_back((422, json!({ "error": "machine limit reached" })));
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(code(&r), (503, Some("fly_machine_limit".into())));
    assert_eq!(w.borrow().rows[SESSION]["error"], "fly_machine_limit");

    let w = world();
    w.borrow_mut().create_fail.extend([
        (429, json!({ "error": "rate limit" })),
        (429, json!({ "error": "rate limit" })),
        (429, json!({ "error": "rate limit" })),
    ]);
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(r.status(), 429);

    let w = world();
    w.borrow_mut().never_start = true;
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(r.status(), 502);
    assert_eq!(w.borrow().rows[SESSION]["error"], "fly_start_timeout");
    assert_eq!(
        w.borrow().destroyed,
        ["m001"],
        "a machine that did not start is destroyed"
    );
    // After a failure, a new start may go ahead.
    w.borrow_mut().never_start = false;
    assert_eq!(
        call(
            &admin(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201
    );
}

#[test]
fn a_start_in_flight_blocks_a_second_start() {
    let w = world();
    w.borrow_mut().rows.insert(SESSION.into(), json!({ "session_id": SESSION, "machine_id": null, "state": "starting", "updated_at": "2027-01-15T07:59:30Z" }));
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "start" }),
        &w,
    );
    assert_eq!(code(&r), (409, Some("machine_starting".into())));
    // A start that died long ago is taken over.
    w.borrow_mut().rows.get_mut(SESSION).unwrap()["updated_at"] = json!("2027-01-15T07:00:00Z");
    assert_eq!(
        call(
            &admin(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201
    );
}

#[test]
fn the_reaper_destroys_machines_of_finished_gone_and_old_sessions_and_reconciles() {
    let w = world();
    assert_eq!(
        call(
            &admin(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201
    );
    {
        let mut w = w.borrow_mut();
        w.sessions.insert(OTHER.into(), "in_progress");
        let meta = |s: &str| json!({ "metadata": { "session_id": s, "tenant_id": TENANT, "managed_by": "session-vm" } });
        w.machines.insert("mold".into(), json!({ "id": "mold", "state": "started", "created_at": "2027-01-15T03:00:00Z", "config": meta(OTHER) }));
        w.machines.insert("mgone".into(), json!({ "id": "mgone", "state": "started", "created_at": "2027-01-15T07:50:00Z", "config": meta("66666666-6666-4666-8666-0000000000ff") }));
        w.machines.insert("mforeign".into(), json!({ "id": "mforeign", "state": "started", "created_at": "2027-01-15T03:00:00Z", "config": { "metadata": {} } }));
        // A row that claims a machine Fly no longer has.
        w.rows.insert(OTHER.into(), json!({ "session_id": OTHER, "machine_id": "mvanished", "state": "started", "updated_at": "2027-01-15T07:00:00Z" }));
    }
    // Nothing to reap for the running, in-progress session.
    let r = call(&service(), json!({ "action": "reap" }), &w);
    assert_eq!(r.status(), 200, "{:?}", r.json_body());
    let b = r.json_body().unwrap();
    assert_eq!(b["examined"], 3);
    let mut reasons: Vec<(String, String)> = b["destroyed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["machine_id"].as_str().unwrap().to_owned(),
                d["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            ("mgone".to_owned(), "session_gone".to_owned()),
            ("mold".to_owned(), "too_old".to_owned())
        ]
    );
    assert_eq!(b["reconciled"], 1);
    assert_eq!(w.borrow().rows[OTHER]["state"], "destroyed");
    assert!(
        w.borrow().machines.contains_key("m001") && w.borrow().machines.contains_key("mforeign"),
        "running and foreign machines stay"
    );
    assert!(w
        .borrow()
        .writers
        .last()
        .unwrap()
        .2
        .contains("a.service.jwt"));

    // The session completes: its machine goes on the next run.
    w.borrow_mut().sessions.insert(SESSION.into(), "completed");
    let r = call(&service(), json!({ "action": "reap" }), &w);
    assert_eq!(
        r.json_body().unwrap()["destroyed"],
        json!([{ "machine_id": "m001", "session_id": SESSION, "reason": "session_finished" }])
    );
    assert_eq!(w.borrow().rows[SESSION]["state"], "destroyed");
}

#[test]
fn who_may_do_what_and_bad_input() {
    let w = world();
    let member = user_token(json!({ "tenant_id": TENANT, "role": "user" }));
    let candidate = user_token(json!({ "is_candidate": true }));
    assert_eq!(
        code(&call(
            &member,
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )),
        (403, Some("insufficient_role".into()))
    );
    assert_eq!(
        code(&call(
            &candidate,
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )),
        (403, Some("insufficient_role".into()))
    );
    assert_eq!(
        code(&call(&admin(), json!({ "action": "reap" }), &w)),
        (403, Some("insufficient_role".into()))
    );
    assert_eq!(
        call(
            &service(),
            json!({ "session_id": SESSION, "action": "start" }),
            &w
        )
        .status(),
        201,
        "the service role may start"
    );
    for body in [
        json!({}),
        json!({ "action": "start" }),
        json!({ "session_id": SESSION, "action": "reboot" }),
        json!({ "session_id": "x", "action": "stop" }),
        json!({ "session_id": SESSION, "action": "stop", "force": true }),
    ] {
        assert_eq!(
            code(&call(&admin(), body.clone(), &w)),
            (400, Some("invalid_body".into())),
            "{body}"
        );
    }
    assert_eq!(
        code(&call(
            &admin(),
            json!({ "session_id": "66666666-6666-4666-8666-0000000000aa", "action": "start" }),
            &w
        )),
        (404, Some("session_not_found".into()))
    );
    w.borrow_mut().sessions.insert(OTHER.into(), "completed");
    assert_eq!(
        code(&call(
            &admin(),
            json!({ "session_id": OTHER, "action": "start" }),
            &w
        )),
        (409, Some("session_not_joinable".into()))
    );
    // Without Fly: 503 (after the caller and the input were checked).
    let req = post_json(
        "/session-vm",
        &json!({ "session_id": SESSION, "action": "start" }),
        Some(&admin()),
    );
    let r = shared::testing::call(
        session_vm::run,
        session_vm::ERRORS,
        Ok(req),
        context(fake(w.clone()), false),
    );
    assert_eq!(code(&r), (503, Some("not_configured".into())));
}

#[test]
fn stop_never_destroys_a_machine_that_is_not_the_sessions() {
    // A row naming another session's machine (as a user who could write the row would
    // make it): session-vm checks the machine's metadata with Fly and touches nothing.
    let w = world();
    {
        let mut w = w.borrow_mut();
        w.sessions.insert(OTHER.into(), "in_progress");
        w.machines.insert("e286d3f1c24e68".into(), json!({ "id": "e286d3f1c24e68", "state": "started",
            "config": { "metadata": { "session_id": OTHER, "tenant_id": "55555555-5555-4555-8555-000000000009", "managed_by": "session-vm" } } }));
        w.rows.insert(SESSION.into(), json!({ "session_id": SESSION, "machine_id": "e286d3f1c24e68", "state": "started", "updated_at": "2027-01-15T07:00:00Z" }));
    }
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "stop" }),
        &w,
    );
    assert_eq!(code(&r), (409, Some("machine_not_of_session".into())));
    assert!(w.borrow().destroyed.is_empty(), "nothing destroyed");
    assert_eq!(
        w.borrow().rows[SESSION]["state"],
        "started",
        "the row untouched"
    );

    // A value that is not a Fly machine id never reaches a URL (`..` would address the app).
    w.borrow_mut().rows.insert(SESSION.into(), json!({ "session_id": SESSION, "machine_id": "..", "state": "started", "updated_at": "2027-01-15T07:00:00Z" }));
    let r = call(
        &admin(),
        json!({ "session_id": SESSION, "action": "stop" }),
        &w,
    );
    assert_eq!(code(&r), (500, Some("internal".into())));
    assert!(w.borrow().destroyed.is_empty());
    assert_eq!(
        w.borrow().machines.len(),
        1,
        "the app's machines are all there"
    );
}
