//! A fake Supabase holding one session's rows, and a fake OpenAI answering chat
//! completions from a script, so `run()` is driven natively through the shared pipeline.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::http::{HttpRequest, HttpResponse};
use shared::testing::{openai_completion, rows, test_context_with, FakeSupabase, RestCall};
use shared::{Context, Method, Request, Response};

pub const SESSION: &str = "66666666-6666-4666-8666-666666666666";
pub const TENANT: &str = "55555555-5555-4555-8555-555555555555";
pub const POSITION: &str = "77777777-7777-4777-8777-777777777777";
pub const RUST: &str = "00000000-0000-4000-8000-00000000c001";
pub const DESIGN: &str = "00000000-0000-4000-8000-00000000c002";
pub const OPENAI_URL: &str = "http://openai.test/v1";

pub fn entry_id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

pub struct World {
    pub status: &'static str,
    /// The session's `ai_opt_out_at`.
    pub ai_opt_out_at: Option<&'static str>,
    /// (id, speaker, text, item, start, end, received_seq)
    pub entries: Vec<Value>,
    pub items: Vec<Value>,
    pub visible: bool,
    pub stored: Vec<(HttpRequest, Value)>,
    pub chat: VecDeque<HttpResponse>,
    pub chat_calls: Vec<Value>,
}

/// A short interview: interviewer, candidate (timed), interviewer, candidate (timed).
/// The candidate's first answer arrived after the interviewer's reply to it.
pub fn world() -> Rc<RefCell<World>> {
    let e = |n: u32, speaker: &str, text: &str, item: &str, times: Option<(u32, u32)>, seq: i64| {
        json!({ "id": entry_id(n), "speaker": speaker, "text": text,
                "start_ms": times.map(|t| t.0), "end_ms": times.map(|t| t.1),
                "metadata": { "item_id": item, "content_index": 0, "received_seq": seq } })
    };
    let link = |item: &str, prev: Option<&str>, seq: i64| {
        json!({ "event_type": "conversation.item.added", "item_id": item, "previous_item_id": prev,
                "audio_ms": null, "received_seq": seq })
    };
    Rc::new(RefCell::new(World {
        status: "completed",
        ai_opt_out_at: None,
        entries: vec![
            e(1, "interviewer", "Why did you choose Rust?", "a0", None, 1),
            e(
                3,
                "interviewer",
                "How do you make payments idempotent?",
                "a1",
                None,
                3,
            ),
            e(
                2,
                "candidate",
                "Um, predictable latency and memory safety.",
                "u1",
                Some((2000, 5000)),
                4,
            ),
            e(
                4,
                "candidate",
                "We store the idempotency key with the response in one transaction.",
                "u2",
                Some((9000, 15000)),
                6,
            ),
        ],
        items: vec![
            link("a0", None, 0),
            link("u1", Some("a0"), 2),
            link("a1", Some("u1"), 2),
            link("u2", Some("a1"), 5),
        ],
        visible: true,
        stored: Vec::new(),
        chat: VecDeque::new(),
        chat_calls: Vec::new(),
    }))
}

/// The fake project: the tables the processor reads and the insight it writes, and
/// OpenAI's chat completions.
pub type Fake = Rc<FakeSupabase<World>>;

fn read(call: &RestCall) {
    assert_eq!(call.method, Method::Get, "{} is only read", call.name);
}

pub fn fake(world: Rc<RefCell<World>>) -> Fake {
    FakeSupabase::over(world)
        .service(OPENAI_URL, |w, req| {
            assert_eq!(req.url, format!("{OPENAI_URL}/chat/completions"));
            assert_eq!(req.headers.get("authorization"), Some("Bearer sk-test"));
            let body: Value = serde_json::from_slice(req.body.as_deref().unwrap()).unwrap();
            w.chat_calls.push(body);
            Ok(w.chat.pop_front().expect("a scripted chat answer"))
        })
        .table("interview_sessions", |w, call| {
            read(call);
            assert_eq!(call.eq("id"), Some(SESSION));
            rows(if w.visible {
                vec![
                    json!({ "tenant_id": TENANT, "position_id": POSITION, "status": w.status,
                            "ai_opt_out_at": w.ai_opt_out_at }),
                ]
            } else {
                vec![]
            })
        })
        .table("transcript_entries", |w, call| {
            read(call);
            rows(w.entries.clone())
        })
        .table("transcript_item_events", |w, call| {
            read(call);
            rows(w.items.clone())
        })
        .table("positions", |_, call| {
            read(call);
            rows(vec![json!({ "title": "Senior Backend Engineer" })])
        })
        .table("position_competencies", |_, call| {
            read(call);
            rows(vec![
                json!({ "competency_id": RUST, "required_level": 4 }),
                json!({ "competency_id": DESIGN, "required_level": 3 }),
            ])
        })
        .table("competencies", |_, call| {
            read(call);
            rows(vec![
                json!({ "id": DESIGN, "name": "System design", "description": "Designs reliable systems." }),
                json!({ "id": RUST, "name": "Rust", "description": "Production Rust." }),
            ])
        })
        .table("interview_insights", |w, call| {
            assert_eq!(call.method, Method::Post);
            assert_eq!(call.param("on_conflict"), Some("session_id"));
            assert!(call
                .header("prefer")
                .unwrap()
                .contains("resolution=merge-duplicates"));
            w.stored.push((call.request.clone(), call.body.clone()));
            rows(vec![call.body.clone()])
        })
        .shared()
}

pub fn context(http: Fake, openai: bool) -> Context {
    let keys: &[(&str, &str)] = if openai {
        &[
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", OPENAI_URL),
        ]
    } else {
        &[]
    };
    test_context_with(http, keys).0
}

pub fn admin_token() -> String {
    shared::testing::member_token(TENANT, "admin")
}

pub fn request(token: Option<&str>, body: Value) -> Request {
    shared::testing::post_json("/transcript-processor", &body, token)
}

pub fn call(req: Request, cx: Context) -> Response {
    shared::testing::call(
        transcript_processor::run,
        transcript_processor::ERRORS,
        Ok(req),
        cx,
    )
}

/// A chat completion whose content is `value`, as OpenAI answers one.
pub fn completion(value: Value) -> HttpResponse {
    openai_completion(&value, "stop")
}

pub fn competency(id: &str, score: i64, quotes: &[(u32, &str)]) -> Value {
    json!({ "competency_id": id, "rationale": "Specific and concrete.", "score": score,
            "evidence": quotes.iter().map(|(n, q)| json!({ "entry_id": entry_id(*n), "quote": q })).collect::<Vec<_>>() })
}
