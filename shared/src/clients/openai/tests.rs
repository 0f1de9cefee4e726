//! The OpenAI client against a fake HTTP client: strict schemas, completions, retries,
//! errors, Realtime client secrets.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Map;

use super::super::test_support::*;
use super::schema::SUPPORTED_FORMATS;
use super::*;
use crate::config::Secret;
use crate::testing::FakeHttp;

const KEY: &str = "sk-test-secret-0123456789";

fn config() -> OpenAiConfig {
    OpenAiConfig {
        base_url: "http://openai.test/v1".into(),
        api_key: Secret::new(KEY),
        model: "gpt-4.1-mini".into(),
        realtime_model: "gpt-realtime".into(),
        transcription_model: "gpt-4o-mini-transcribe".into(),
    }
}

fn client(http: &Rc<FakeHttp>) -> (OpenAi<FakeHttp>, Rc<crate::testing::ManualClock>) {
    let clock = clock();
    (OpenAi::new(config(), http.clone(), clock.clone()), clock)
}

// A resume-like type: nested structs, options, vectors, an enum, integers.
#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
struct Resume {
    /// The candidate's name as written.
    full_name: Option<String>,
    email: Option<String>,
    years: u32,
    seniority: Seniority,
    skills: Vec<String>,
    experience: Vec<Job>,
    current: Option<Job>,
}

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
struct Job {
    title: String,
    company: Option<String>,
    #[serde(default)]
    start: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Seniority {
    Junior,
    Senior,
}

fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Map<String, Value>>) {
    match v {
        Value::Object(m) => {
            out.push(m);
            m.values().for_each(|c| walk(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
        _ => {}
    }
}

#[test]
fn the_strict_schema_follows_openai_rules() {
    let schema = strict_schema::<Resume>().unwrap();
    assert_eq!(schema["type"], "object");
    let mut nodes = Vec::new();
    walk(&schema, &mut nodes);
    for node in &nodes {
        if let Some(Value::Object(props)) = node.get("properties") {
            // (a property named "properties" would fool this walk; none here)
            let required: Vec<&str> = node["required"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let names: Vec<&str> = props.keys().map(String::as_str).collect();
            assert_eq!(required, names, "every property required");
            assert_eq!(node["additionalProperties"], false);
        }
        for k in ["$schema", "default", "oneOf", "allOf", "const"] {
            assert!(!node.contains_key(k), "{k} left in {node:?}");
        }
        if let Some(f) = node.get("format") {
            assert!(SUPPORTED_FORMATS.contains(&f.as_str().unwrap()), "{f}");
        }
        if let Some(Value::String(r)) = node.get("$ref") {
            assert!(r.starts_with("#/$defs/"));
        }
    }
    let props = &schema["properties"];
    assert_eq!(props["full_name"]["type"], json!(["string", "null"]));
    assert_eq!(
        props["full_name"]["description"],
        "The candidate's name as written."
    );
    assert_eq!(props["years"]["type"], "integer");
    assert!(props["years"].get("format").is_none(), "uint32 dropped");
    assert_eq!(props["seniority"]["enum"], json!(["junior", "senior"]));
    assert_eq!(props["experience"]["items"]["type"], "object");
    // Option<struct>: anyOf [object, null].
    let current = props["current"]["anyOf"].as_array().unwrap();
    assert_eq!(current[0]["type"], "object");
    assert_eq!(current[0]["additionalProperties"], false);
    assert_eq!(current[1], json!({"type": "null"}));
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Tree {
    label: String,
    children: Vec<Tree>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(dead_code)]
enum Evidence {
    Quote { text: String, entry_id: String },
    Unsupported { reason: String },
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Assessment {
    evidence: Vec<Evidence>,
    #[schemars(extend("format" = "uuid"))]
    id: String,
}

#[test]
fn recursion_goes_through_defs_and_tagged_enums_become_any_of() {
    let tree = strict_schema::<Tree>().unwrap();
    let items = &tree["properties"]["children"]["items"];
    let reference = items["$ref"].as_str().unwrap();
    assert!(
        reference == "#" || reference.starts_with("#/$defs/"),
        "{tree}"
    );

    let a = strict_schema::<Assessment>().unwrap();
    let variants = a["properties"]["evidence"]["items"]["anyOf"]
        .as_array()
        .unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["properties"]["kind"]["enum"], json!(["quote"]));
    // serde_json's map is sorted (no `preserve_order` in this workspace): properties,
    // and so `required` and the model's output, are in name order.
    assert_eq!(variants[0]["required"], json!(["entry_id", "kind", "text"]));
    assert_eq!(
        a["properties"]["id"]["format"], "uuid",
        "a supported format stays"
    );
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithMap {
    scores: HashMap<String, u8>,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithAny {
    extra: Value,
}

#[test]
fn types_strict_mode_cannot_express_are_refused_before_any_call() {
    for err in [
        strict_schema::<WithMap>().unwrap_err(),
        strict_schema::<WithAny>().unwrap_err(),
        strict_schema::<Vec<String>>().unwrap_err(),
    ] {
        assert!(matches!(err, OpenAiError::InvalidRequest(_)), "{err:?}");
        assert_eq!(ApiError::from(err).status(), 500);
    }
    let bad_name = StructuredRequest::<Resume>::new("has space", vec![]).body("m");
    assert!(matches!(bad_name, Err(OpenAiError::InvalidRequest(_))));
    let long = "x".repeat(65);
    assert!(StructuredRequest::<Resume>::new(long, vec![])
        .body("m")
        .is_err());
}

fn completion(content: Value, finish: &str, refusal: Value) -> HttpResponse {
    json(
        200,
        json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1,
            "model": "gpt-4.1-mini-2025-04-14", "system_fingerprint": "fp",
            "choices": [{ "index": 0, "logprobs": null, "finish_reason": finish,
                "message": { "role": "assistant", "content": content, "refusal": refusal } }],
            "usage": { "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15 }
        }),
    )
}

const VALID: &str = r#"{"full_name":"Ada Lovelace","email":null,"years":7,"seniority":"senior","skills":["rust"],"experience":[{"title":"Engineer","company":null,"start":"2019"}],"current":null}"#;

#[test]
fn a_valid_answer_is_typed_and_the_request_is_the_contract() {
    let http = fake();
    http.push(Ok(completion(json!(VALID), "stop", Value::Null)));
    let (openai, _) = client(&http);
    let out = pollster::block_on(
        openai.send_structured(
            StructuredRequest::<Resume>::new(
                "resume",
                vec![Message::system("Extract."), Message::user("Ada...")],
            )
            .temperature(0.0)
            .max_completion_tokens(2000),
        ),
    )
    .unwrap();
    assert_eq!(out.value.full_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(out.value.seniority, Seniority::Senior);
    assert_eq!(out.value.experience[0].title, "Engineer");
    assert_eq!(
        (out.id.as_str(), out.usage.total_tokens),
        ("chatcmpl-1", 15)
    );

    let sent = &http.requests()[0];
    assert_eq!(sent.url, "http://openai.test/v1/chat/completions");
    assert_eq!(sent.method, crate::Method::Post);
    assert_eq!(
        sent.headers.get("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(sent.headers.get("content-type"), Some("application/json"));
    let b = body(sent);
    assert_eq!(b["model"], "gpt-4.1-mini");
    assert_eq!(
        b["messages"][0],
        json!({"role": "system", "content": "Extract."})
    );
    assert_eq!(b["response_format"]["type"], "json_schema");
    assert_eq!(b["response_format"]["json_schema"]["name"], "resume");
    assert_eq!(b["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        b["response_format"]["json_schema"]["schema"],
        strict_schema::<Resume>().unwrap()
    );
    assert_eq!(
        (
            b["temperature"].as_f64(),
            b["max_completion_tokens"].as_u64()
        ),
        (Some(0.0), Some(2000))
    );
    assert!(b.get("seed").is_none(), "unset options are not sent");
}

#[test]
fn refusal_truncation_bad_json_and_mismatch_are_typed() {
    let cases = [
        (
            completion(Value::Null, "stop", json!("I can't help with that.")),
            OpenAiError::Refused("I can't help with that.".into()),
            422,
        ),
        (
            completion(json!(r#"{"full_name":"Ada Lo"#), "length", Value::Null),
            OpenAiError::Truncated,
            502,
        ),
        (
            completion(json!("{}"), "content_filter", Value::Null),
            OpenAiError::Refused("content_filter".into()),
            422,
        ),
    ];
    for (response, expected, status) in cases {
        let http = fake();
        http.push(Ok(response));
        let (openai, _) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert_eq!(err, expected);
        assert_eq!(ApiError::from(err).status(), status);
        assert_eq!(http.requests().len(), 1, "not retried");
    }
    for (content, check) in [
        ("not json", "InvalidJson"),
        (r#"{"full_name":1}"#, "SchemaMismatch"),
    ] {
        let http = fake();
        http.push(Ok(completion(json!(content), "stop", Value::Null)));
        let (openai, _) = client(&http);
        let err = pollster::block_on(
            openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
        )
        .unwrap_err();
        assert!(format!("{err:?}").starts_with(check), "{err:?}");
        assert_eq!(ApiError::from(err).status(), 502);
    }
}

fn error_body(status: u16, code: &str, kind: &str, message: &str) -> HttpResponse {
    json(
        status,
        json!({"error": {"message": message, "type": kind, "param": null, "code": code}}),
    )
}

#[test]
fn rate_limits_are_retried_after_retry_after_but_quota_is_not() {
    let http = fake();
    http.push(Ok(error_body(
        429,
        "rate_limit_exceeded",
        "requests",
        "Rate limit reached",
    )
    .with_header("retry-after", "2")));
    http.push(Ok(error_body(503, "", "server_error", "overloaded")));
    http.push(Ok(completion(json!(VALID), "stop", Value::Null)));
    let (openai, clock) = client(&http);
    let out = pollster::block_on(
        openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
    );
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(http.requests().len(), 3);
    assert_eq!(
        clock.sleeps()[0],
        Duration::from_secs(2),
        "Retry-After honoured"
    );

    let http = fake();
    http.push(Ok(error_body(
        429,
        "insufficient_quota",
        "insufficient_quota",
        "You exceeded your current quota",
    )));
    http.push(Ok(completion(json!(VALID), "stop", Value::Null)));
    let (openai, clock) = client(&http);
    let err = pollster::block_on(
        openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
    )
    .unwrap_err();
    assert!(matches!(err, OpenAiError::QuotaExceeded { .. }), "{err:?}");
    assert_eq!(
        (http.requests().len(), clock.sleeps().len()),
        (1, 0),
        "not retried"
    );
    assert_eq!(ApiError::from(err).status(), 502);
}

#[test]
fn retries_are_bounded_and_end_in_typed_errors() {
    let http = fake();
    for _ in 0..5 {
        http.push(Ok(error_body(
            429,
            "rate_limit_exceeded",
            "tokens",
            "slow down",
        )
        .with_header("retry-after", "1")));
    }
    let (openai, _) = client(&http);
    let err = pollster::block_on(
        openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        OpenAiError::Common(VendorFailure::RateLimited {
            retry_after: Some(1)
        })
    );
    assert_eq!(http.requests().len(), 3);
    let api = ApiError::from(err);
    assert_eq!((api.status(), api.code()), (429, "too_many_requests"));

    let http = fake();
    for _ in 0..5 {
        http.push(Ok(error_body(500, "", "server_error", "boom")));
    }
    let (openai, _) = client(&http);
    let err = pollster::block_on(
        openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
    )
    .unwrap_err();
    assert_eq!(
        (err.clone(), http.requests().len()),
        (
            OpenAiError::Common(VendorFailure::Server { status: 500 }),
            3
        )
    );
    assert_eq!(ApiError::from(err).status(), 502);

    let http = fake();
    http.push(Ok(error_body(
        400,
        "",
        "invalid_request_error",
        "Invalid schema for response_format",
    )));
    let (openai, _) = client(&http);
    let err = pollster::block_on(
        openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        OpenAiError::Common(VendorFailure::BadRequest { .. })
    ));
    assert_eq!(http.requests().len(), 1);
}

#[test]
fn a_rejected_key_is_not_configured_and_never_printed() {
    let http = fake();
    http.push(Ok(error_body(
        401,
        "invalid_api_key",
        "invalid_request_error",
        &format!("Incorrect API key provided: {KEY}. You can find your API key at ..."),
    )));
    let (openai, _) = client(&http);
    let err = pollster::block_on(
        openai.complete_structured::<Resume>(vec![Message::user("x")], "resume"),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        OpenAiError::Common(VendorFailure::Unauthorized { .. })
    ));
    assert_eq!(http.requests().len(), 1);
    let api = ApiError::from(err.clone());
    assert_eq!((api.status(), api.code()), (503, "not_configured"));
    let shown = format!(
        "{err:?} {err} {api} {api:?} {openai:?} {:?}",
        http.requests()[0]
    );
    assert!(!shown.contains(KEY), "{shown}");
    assert!(!format!(
        "{:?}",
        StructuredRequest::<Resume>::new("r", vec![Message::user("Ada's resume")])
    )
    .contains("Ada"));
}

#[test]
fn a_client_secret_uses_the_ga_shape_and_hides_the_value() {
    let http = fake();
    http.push(Ok(json(
        200,
        json!({"value": "ek_68af", "expires_at": 1_800_000_120u64,
               "session": {"type": "realtime", "model": "gpt-realtime", "id": "sess_1"}}),
    )));
    let (openai, _) = client(&http);
    let mut session = RealtimeSession::new("You interview for Senior Backend Engineer.");
    session.transcription_language = Some("en".into());
    let secret = pollster::block_on(openai.create_client_secret(&session)).unwrap();
    assert_eq!(secret.value.expose(), "ek_68af");
    assert_eq!(secret.expires_at, 1_800_000_120);
    assert!(!format!("{secret:?}").contains("ek_68af"));
    let sent = &http.requests()[0];
    assert_eq!(sent.url, "http://openai.test/v1/realtime/client_secrets");
    assert_eq!(openai.calls_url(), "http://openai.test/v1/realtime/calls");
    let b = body(sent);
    assert_eq!(
        b["expires_after"],
        json!({"anchor": "created_at", "seconds": 120})
    );
    assert_eq!(b["session"]["type"], "realtime");
    assert_eq!(b["session"]["model"], "gpt-realtime");
    assert_eq!(
        b["session"]["audio"]["input"]["transcription"],
        json!({"model": "gpt-4o-mini-transcribe", "language": "en"})
    );
    assert_eq!(
        b["session"]["audio"]["input"]["turn_detection"]["type"],
        "server_vad"
    );
    assert_eq!(b["session"]["audio"]["output"]["voice"], "marin");

    let mut bad = RealtimeSession::new("x");
    bad.expires_after_seconds = 5;
    assert!(matches!(
        pollster::block_on(openai.create_client_secret(&bad)),
        Err(OpenAiError::InvalidRequest(_))
    ));
    assert_eq!(http.requests().len(), 1, "refused before any call");
}

#[test]
fn client_secret_errors_map_like_completions() {
    let http = fake();
    http.push(Ok(error_body(
        400,
        "beta_api_shape_disabled",
        "invalid_request_error",
        "The Realtime Beta API is no longer supported.",
    )));
    let (openai, _) = client(&http);
    let err =
        pollster::block_on(openai.create_client_secret(&RealtimeSession::new("x"))).unwrap_err();
    assert_eq!(
        err,
        OpenAiError::Common(VendorFailure::BadRequest {
            code: Some("beta_api_shape_disabled".into()),
            message: "The Realtime Beta API is no longer supported.".into()
        })
    );
    let http = fake();
    http.push(Err(TransportError::Timeout(Duration::from_secs(20))));
    http.push(Ok(json(200, json!({"nope": true}))));
    let (openai, _) = client(&http);
    let err =
        pollster::block_on(openai.create_client_secret(&RealtimeSession::new("x"))).unwrap_err();
    assert!(
        matches!(err, OpenAiError::Common(VendorFailure::UnexpectedBody(_))),
        "{err:?}"
    );
    assert_eq!(http.requests().len(), 2, "a timeout is retried");
}

/// The schema of [`Resume`] is committed for the OpenAI fake's end-to-end test
/// (tests/fakes/fakes.test.ts posts it and expects strict mode to accept it), so the
/// client's output and the fake's rules are checked against each other.
/// `UPDATE_GOLDEN=1 cargo test -p shared golden` rewrites it.
#[test]
fn golden_schema_for_the_fake() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fakes/fixtures/openai-strict-schema.json"
    );
    let body = StructuredRequest::<Resume>::new("resume", vec![Message::user("x")])
        .body("gpt-4.1-mini")
        .unwrap();
    let golden =
        serde_json::to_string_pretty(&body["response_format"]["json_schema"]).unwrap() + "\n";
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(path, &golden).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(committed, golden, "regenerate with UPDATE_GOLDEN=1");
}

#[test]
fn from_context_is_none_without_a_key() {
    let cx = crate::testing::test_context(fake());
    assert!(OpenAi::from_context(&cx).is_none());
}
