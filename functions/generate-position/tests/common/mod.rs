//! A fake Supabase for tenant A (companies, positions, the competency library, and
//! `rpc/save_generated_position` with the SQL function's checks and answer) with a fake
//! OpenAI chat completions endpoint beside it, answering from a script.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::http::{HttpRequest, HttpResponse, TransportError};
use shared::testing::{
    json_response, openai_completion, postgrest_error, rows, test_context_with, FakeSupabase,
    ManualClock, RestCall,
};
use shared::{Context, Method, Request, Response};

pub const TENANT_A: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
pub const COMPANY_A: &str = "a1000000-0000-4000-8000-000000000001";
pub const COMPANY_B: &str = "b1000000-0000-4000-8000-000000000001";
pub const DRAFT_A: &str = "a2000000-0000-4000-8000-000000000002";
pub const PUBLISHED_A: &str = "a2000000-0000-4000-8000-000000000001";
pub const OPENAI_URL: &str = "http://openai.test/v1";

pub fn member_token(role: &str) -> String {
    shared::testing::member_token(TENANT_A, role)
}

pub struct State {
    /// The library: (id, name).
    pub library: Vec<(String, String)>,
    pub saves: Vec<Value>,
    /// Scripted OpenAI answers; empty means a valid default answer.
    pub openai: VecDeque<Result<HttpResponse, TransportError>>,
    /// Answer the save with this error instead (status, PT code message).
    pub save_error: Option<(u16, &'static str)>,
    /// Positions already created with a request key: key → saved answer.
    pub keyed: Vec<(String, Value)>,
}

impl Default for State {
    fn default() -> Self {
        State {
            library: vec![
                ("a3000000-0000-4000-8000-000000000001".into(), "Rust".into()),
                (
                    "a3000000-0000-4000-8000-000000000002".into(),
                    "System design".into(),
                ),
                (
                    "a3000000-0000-4000-8000-000000000003".into(),
                    "Communication".into(),
                ),
            ],
            saves: vec![],
            openai: VecDeque::new(),
            save_error: None,
            keyed: vec![],
        }
    }
}

fn pt(status: u16, code: &str) -> HttpResponse {
    postgrest_error(status, code, &format!("{code}."))
}

/// What a model would answer for a backend role.
pub fn ai_position() -> Value {
    json!({
        "description": "Own the services behind our robot fleet.",
        "responsibilities": ["Design fleet services", "Run them in production", "Mentor engineers"],
        "requirements": ["Production Rust", "Distributed systems"],
        "nice_to_have": ["Embedded experience"],
        "competencies": [
            { "name": "rust", "description": "Idiomatic Rust.", "category": "technical", "weight": 9, "required_level": 4 },
            { "name": "Distributed systems", "description": "Failure-aware design.", "category": "technical", "weight": 7, "required_level": 4 },
            { "name": "System Design", "description": "Trade-offs.", "category": "technical", "weight": 6, "required_level": 4 },
            { "name": "Mentoring", "description": "Grows others.", "category": "leadership", "weight": 4, "required_level": 3 },
            { "name": "Communication", "description": "Clear.", "category": "behavioral", "weight": 4, "required_level": 4 },
        ],
    })
}

/// Every query runs as the caller, a member of tenant A.
fn as_member_of_a(call: &RestCall) {
    let claims = call
        .claims
        .as_ref()
        .expect("every query runs as the caller");
    assert_eq!(
        claims
            .app_metadata
            .tenant_id
            .map(|t| t.to_string())
            .as_deref(),
        Some(TENANT_A)
    );
}

/// The fake project: tenant A's rows, the save RPC, and OpenAI.
pub type Fake = Rc<FakeSupabase<State>>;

pub fn fake(state: Rc<RefCell<State>>) -> Fake {
    FakeSupabase::over(state)
        .service(OPENAI_URL, |s, req| {
            assert_eq!(req.url, format!("{OPENAI_URL}/chat/completions"));
            assert_eq!(req.headers.get("authorization"), Some("Bearer sk-test"));
            s.openai
                .pop_front()
                .unwrap_or_else(|| Ok(openai_completion(&ai_position(), "stop")))
        })
        .table("companies", |_, call| {
            as_member_of_a(call);
            if call.eq("id") == Some(COMPANY_A) {
                rows(vec![json!({ "name": "Acme Robotics" })])
            } else {
                rows(vec![]) // RLS: another tenant's company is not there
            }
        })
        .table("positions", |_, call| {
            as_member_of_a(call);
            match call.eq("id") {
                Some(DRAFT_A) => rows(vec![
                    json!({ "title": "Product Designer", "status": "draft", "seniority": "mid", "department": "Design",
                             "location": "Berlin", "employment_type": "full_time", "company_id": COMPANY_A,
                             "metadata": { "generation": { "competency_hints": ["Figma"] } } }),
                ]),
                Some(PUBLISHED_A) => rows(vec![
                    json!({ "title": "Senior Rust Engineer", "status": "published", "seniority": "senior", "department": null,
                             "location": null, "employment_type": null, "company_id": null, "metadata": {} }),
                ]),
                _ => rows(vec![]),
            }
        })
        .table("competencies", |s, call| {
            as_member_of_a(call);
            rows(s.library.iter().map(|(_, n)| json!({ "name": n })).collect())
        })
        .rpc("save_generated_position", |s, call| {
            as_member_of_a(call);
            assert_eq!(call.method, Method::Post);
            s.saves.push(call.body.clone());
            if let Some((status, code)) = s.save_error {
                return pt(status, code);
            }
            json_response(200, &save(s, &call.body))
        })
        .shared()
}

/// What `save_generated_position` answers, with its checks (weights sum to 1, 1-25
/// competencies, library matching) asserted: the function must never send less.
fn save(state: &mut State, params: &Value) -> Value {
    let key = params["p_request_key"].as_str().map(str::to_owned);
    if let Some(key) = &key {
        if let Some((_, first)) = state.keyed.iter().find(|(k, _)| k == key) {
            let mut again = first.clone();
            again["created"] = json!(false);
            again["replayed"] = json!(true);
            return again;
        }
    }
    let position = &params["p_position"];
    let competencies = params["p_competencies"].as_array().unwrap();
    assert!((1..=25).contains(&competencies.len()));
    let steps: i64 = competencies
        .iter()
        .map(|c| (c["weight"].as_f64().unwrap() * 10_000.0).round() as i64)
        .sum();
    assert_eq!(steps, 10_000, "the weights sum to 1: {competencies:?}");
    let mut answered = Vec::new();
    for (i, c) in competencies.iter().enumerate() {
        let name = c["name"].as_str().unwrap();
        let level = c["required_level"].as_u64().unwrap();
        assert!((1..=5).contains(&level));
        let existing = state
            .library
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .cloned();
        let (id, stored_name, reused) = match existing {
            Some((id, n)) => (id, n, true),
            None => {
                let id = format!(
                    "a3000000-0000-4000-8000-{:012}",
                    100 + state.library.len() + i
                );
                state.library.push((id.clone(), name.to_owned()));
                (id, name.to_owned(), false)
            }
        };
        answered.push(json!({
            "competency_id": id, "name": stored_name, "description": c["description"], "category": c["category"],
            "weight": c["weight"], "required_level": level, "reused": reused,
        }));
    }
    let regenerating = params["p_position_id"].is_string();
    let answer = json!({
        "position_id": params["p_position_id"].as_str().unwrap_or("a2000000-0000-4000-8000-0000000000ff"),
        "tenant_id": TENANT_A,
        "company_id": position["company_id"],
        "title": position["title"], "status": "draft", "seniority": position["seniority"],
        "department": position["department"], "location": position["location"],
        "employment_type": position["employment_type"], "description": position["description"],
        "responsibilities": position["responsibilities"], "requirements": position["requirements"],
        "nice_to_have": position["nice_to_have"], "generation": position["generation"],
        "competencies": answered, "created": !regenerating, "replayed": false,
    });
    if let Some(key) = key {
        state.keyed.push((key, answer.clone()));
    }
    answer
}

/// A context on the test env, with OpenAI configured when `openai` is true.
pub fn context(http: Fake, openai: bool) -> (Context, Rc<ManualClock>) {
    let keys: &[(&str, &str)] = if openai {
        &[
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", OPENAI_URL),
        ]
    } else {
        &[]
    };
    test_context_with(http, keys)
}

pub fn post(body: Value, token: Option<&str>) -> Request {
    shared::testing::post_json("http://localhost/generate-position", &body, token)
}

pub fn call(req: Request, cx: Context) -> Response {
    shared::testing::call(
        generate_position::run,
        generate_position::ERRORS,
        Ok(req),
        cx,
    )
}

/// One run with a fresh fake: the response, the state, the requests sent, the sleeps.
pub fn run(
    req: Request,
    openai: bool,
    setup: impl FnOnce(&mut State),
) -> (Response, Rc<RefCell<State>>, Vec<HttpRequest>, usize) {
    let state = Rc::new(RefCell::new(State::default()));
    setup(&mut state.borrow_mut());
    let http = fake(state.clone());
    let (cx, clock) = context(http.clone(), openai);
    let response = call(req, cx);
    let sleeps = clock.sleeps().len();
    (response, state, http.requests(), sleeps)
}

pub fn openai_calls(sent: &[HttpRequest]) -> Vec<&HttpRequest> {
    sent.iter()
        .filter(|r| r.url.starts_with(OPENAI_URL))
        .collect()
}
