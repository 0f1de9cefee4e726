//! Native test support for the resume functions (feature `testing`): one [`World`] that
//! answers, behind a `shared::testing::FakeSupabase`, what process-resume, analyze-resume
//! and enrich-candidate call:
//! - PostgREST: `rpc/start_resume_job`, `rpc/advance_resume_job`,
//!   `rpc/save_resume_candidate` (with the SQL functions' rules and PTxyz errors, and RLS:
//!   each caller sees its own tenant's rows, from its token's `app_metadata`),
//!   `resume_jobs` and `candidates` reads, the `candidate_profiles` upsert;
//! - the Storage API: upload (no overwrite: 409 `Duplicate`), authenticated download
//!   (storage's 400 + `statusCode` errors), the tenant folder policy;
//! - OpenAI chat completions, PDL person enrich and PDF.co (presigned upload, PUT,
//!   convert), each from a queue of scripted answers, with a default when it is empty.
//!
//! Every request is also logged as a short line (`rpc start_resume_job`, `storage POST
//! <path>`, `openai`, `pdl`, `pdfco convert`) so tests can assert what ran.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use serde_json::{json, Value};
use shared::http::{HttpRequest, HttpResponse, TransportError};
pub use shared::testing::error_of;
use shared::testing::{
    json_response, postgrest_error, test_context_with, FakeSupabase, RestCall, StorageCall,
};
use shared::{ApiError, Claims, Context, HttpClient, Method, Request, Response};
use uuid::Uuid;

pub const TENANT_A: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
pub const TENANT_B: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
pub const OPENAI_URL: &str = "http://openai.test/v1";
pub const PDL_URL: &str = "http://pdl.test";
pub const PDFCO_URL: &str = "http://pdfco.test";

/// A token of a member of `tenant` with `role`.
pub fn token(tenant: &str, role: &str) -> String {
    shared::testing::member_token(tenant, role)
}

/// Which vendors have keys in a [`context`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Vendors {
    pub openai: bool,
    pub pdl: bool,
    pub pdfco: bool,
}

impl Vendors {
    pub const NONE: Vendors = Vendors {
        openai: false,
        pdl: false,
        pdfco: false,
    };
    pub const ALL: Vendors = Vendors {
        openai: true,
        pdl: true,
        pdfco: true,
    };
}

/// A context whose transport is `http`, with the keys of `vendors` (their base URLs point
/// at this module's fakes), and a clock that sleeps instantly.
pub fn context(http: Rc<dyn HttpClient>, vendors: Vendors) -> Context {
    let mut env: Vec<(&str, &str)> = Vec::new();
    if vendors.openai {
        env.extend([
            ("OPENAI_API_KEY", "sk-test-openai"),
            ("OPENAI_BASE_URL", OPENAI_URL),
        ]);
    }
    if vendors.pdl {
        env.extend([("PDL_API_KEY", "pdl-test-key"), ("PDL_BASE_URL", PDL_URL)]);
    }
    if vendors.pdfco {
        env.extend([
            ("PDFCO_API_KEY", "pdfco-test-key"),
            ("PDFCO_BASE_URL", PDFCO_URL),
        ]);
    }
    test_context_with(http, &env).0
}

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: Uuid,
    pub tenant_id: String,
    pub sha256: String,
    pub status: String,
    pub failed_step: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub candidate_id: Option<Uuid>,
    pub storage_path: Option<String>,
    pub file_name: Option<String>,
    pub extractor: Option<String>,
    pub analyzer: Option<String>,
    pub enrichment: Option<String>,
    pub resume_text: Option<String>,
    pub analysis: Option<Value>,
    pub steps: Vec<Value>,
    /// Set by a test: the job's request died long ago (updated_at > 10 minutes back).
    pub stale: bool,
}

impl JobRow {
    fn json(&self, duplicate: bool, resume_from: Option<&str>, with_kept: bool) -> Value {
        let mut v = json!({
            "id": self.id, "tenant_id": self.tenant_id, "sha256": self.sha256, "status": self.status,
            "failed_step": self.failed_step, "error": self.error, "attempts": self.attempts,
            "candidate_id": self.candidate_id, "storage_path": self.storage_path,
            "file_name": self.file_name, "extractor": self.extractor, "analyzer": self.analyzer,
            "enrichment": self.enrichment, "duplicate": duplicate, "resume_from": resume_from,
        });
        if with_kept {
            v["resume_text"] = json!(self.resume_text);
            v["analysis"] = json!(self.analysis);
        }
        v
    }
}

#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub id: Uuid,
    pub tenant_id: String,
    pub email: String,
    pub full_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub skills: Vec<String>,
    pub resume_analysis: Option<Value>,
}

/// Everything the fakes hold, and what tests script and read.
#[derive(Default)]
pub struct World {
    pub jobs: Vec<JobRow>,
    pub candidates: Vec<CandidateRow>,
    /// `candidate_profiles` rows, merged as PostgREST's upsert merges them.
    pub profiles: Vec<serde_json::Map<String, Value>>,
    /// Storage objects of the `resumes` bucket: path → bytes.
    pub objects: BTreeMap<String, Vec<u8>>,
    pub openai: VecDeque<Result<HttpResponse, TransportError>>,
    pub pdl: VecDeque<Result<HttpResponse, TransportError>>,
    pub pdfco: VecDeque<Result<HttpResponse, TransportError>>,
    /// The bodies OpenAI and PDF.co's convert were sent, and PDL's query strings.
    pub openai_bodies: Vec<Value>,
    pub pdl_queries: Vec<String>,
    /// One short line per request, in order.
    pub log: Vec<String>,
    /// Make the next database call answer this 5xx (the database is down).
    pub db_down: bool,
    /// `reserve_enrichment` grants this many calls, then refuses (`None`: no end).
    pub enrichment_quota: Option<usize>,
    /// The calls `reserve_enrichment` granted.
    pub enrichments_reserved: usize,
}

impl World {
    pub fn new() -> Rc<RefCell<World>> {
        Rc::new(RefCell::new(World::default()))
    }

    pub fn count(&self, prefix: &str) -> usize {
        self.log.iter().filter(|l| l.starts_with(prefix)).count()
    }

    pub fn job(&self, id: Uuid) -> &JobRow {
        self.jobs.iter().find(|j| j.id == id).expect("job exists")
    }

    pub fn candidate(&self, id: Uuid) -> &CandidateRow {
        self.candidates
            .iter()
            .find(|c| c.id == id)
            .expect("candidate exists")
    }

    /// Add a candidate of `tenant` directly (as data that existed before).
    pub fn add_candidate(
        &mut self,
        tenant: &str,
        email: &str,
        full_name: &str,
        analysis: Option<Value>,
    ) -> Uuid {
        let id = Uuid::new_v4();
        self.candidates.push(CandidateRow {
            id,
            tenant_id: tenant.into(),
            email: email.into(),
            full_name: full_name.into(),
            first_name: None,
            last_name: None,
            phone: None,
            skills: vec![],
            resume_analysis: analysis,
        });
        id
    }
}

/// The fake project over `world`: the three pipeline RPCs, the reads and the profile
/// upsert, the Storage API, and OpenAI, PDL and PDF.co beside it.
pub fn http(world: &Rc<RefCell<World>>) -> Rc<FakeSupabase<World>> {
    FakeSupabase::over(world.clone())
        .rpc(
            "start_resume_job",
            pg("rpc/start_resume_job", Method::Post, start_resume_job),
        )
        .rpc(
            "advance_resume_job",
            pg("rpc/advance_resume_job", Method::Post, advance_resume_job),
        )
        .rpc(
            "save_resume_candidate",
            pg("rpc/save_resume_candidate", Method::Post, save_resume_candidate),
        )
        .rpc(
            "reserve_enrichment",
            pg("rpc/reserve_enrichment", Method::Post, reserve_enrichment),
        )
        .table("resume_jobs", pg("resume_jobs", Method::Get, read_job))
        .table("candidates", pg("candidates", Method::Get, read_candidate))
        .table(
            "candidate_profiles",
            pg("candidate_profiles", Method::Post, upsert_profile),
        )
        .storage(storage_answer)
        .service(OPENAI_URL, |w, req| {
            w.log.push("openai".into());
            w.openai_bodies.push(body(req));
            w.openai
                .pop_front()
                .unwrap_or_else(|| Ok(completion(&default_resume(), "stop")))
        })
        .service(PDL_URL, |w, req| {
            w.log.push("pdl".into());
            w.pdl_queries.push(
                req.url
                    .split_once('?')
                    .map(|(_, q)| q.to_owned())
                    .unwrap_or_default(),
            );
            w.pdl
                .pop_front()
                .unwrap_or_else(|| Ok(pdl_error(404, "not_found")))
        })
        .service(PDFCO_URL, |w, req| {
            let url = req.url.as_str();
            if url.contains("/get-presigned-url") {
                w.log.push("pdfco presign".into());
                return Ok(json_response(
                    200,
                    &json!({ "presignedUrl": format!("{PDFCO_URL}/put/1"), "url": format!("{PDFCO_URL}/files/1/cv.pdf"), "error": false, "status": 200 }),
                ));
            }
            if url.contains("/put/") {
                w.log.push("pdfco put".into());
                return Ok(HttpResponse::new(200, ""));
            }
            w.log.push("pdfco convert".into());
            w.pdfco.pop_front().unwrap_or_else(|| {
                Ok(json_response(200, &json!({ "body": OCR_TEXT, "pageCount": 1, "error": false, "status": 200, "credits": 1, "remainingCredits": 99 })))
            })
        })
        .shared()
}

/// Run `run` on `req` through the shared pipeline (preflight, errors, CORS), as in wasm;
/// an error answer must be one of the function's declared `errors`.
pub fn call<F>(
    run: F,
    errors: shared::contract::Errors,
    req: Result<Request, ApiError>,
    world: &Rc<RefCell<World>>,
    vendors: Vendors,
) -> Response
where
    F: AsyncFnOnce(Request, &Context) -> Result<Response, ApiError>,
{
    shared::testing::call(run, errors, req, context(http(world), vendors))
}

/// `POST /<function>` with a JSON body and a bearer token.
pub fn post_json(function: &str, body: Value, token: Option<&str>) -> Request {
    shared::testing::post_json(&format!("http://localhost/{function}"), &body, token)
}

// ---------------------------------------------------------------------------------------
// Scripted vendor answers

/// An OpenAI chat completion whose message content is `content`.
pub fn completion(content: &Value, finish_reason: &str) -> HttpResponse {
    shared::testing::openai_completion(content, finish_reason)
}

pub fn refusal() -> HttpResponse {
    shared::testing::openai_refusal()
}

pub fn openai_error(status: u16, code: &str) -> HttpResponse {
    shared::testing::openai_error(status, code, code)
}

/// PDL's 200 for a person.
pub fn pdl_match(likelihood: u8, data: Value) -> HttpResponse {
    json_response(
        200,
        &json!({ "status": 200, "likelihood": likelihood, "data": data, "matched": ["email"] }),
    )
}

pub fn pdl_error(status: u16, kind: &str) -> HttpResponse {
    json_response(
        status,
        &json!({ "status": status, "error": { "type": kind, "message": "scripted" } }),
    )
}

// ---------------------------------------------------------------------------------------
// The fake

fn pt(status: u16, code: &str) -> HttpResponse {
    postgrest_error(status, code, &format!("{code}."))
}

fn storage_error(status: u16, error: &str, message: &str) -> HttpResponse {
    json_response(
        400,
        &json!({ "statusCode": status.to_string(), "error": error, "message": message }),
    )
}

/// The caller's tenant and role, as PostgREST / Storage would read them from the token.
fn caller(claims: Option<&Claims>) -> Option<(String, String)> {
    let meta = &claims?.app_metadata;
    Some((
        meta.tenant_id?.to_string(),
        meta.role().map(|r| format!("{r:?}").to_lowercase())?,
    ))
}

fn body(req: &HttpRequest) -> Value {
    serde_json::from_slice(req.body.as_deref().unwrap_or(b"null")).unwrap_or(Value::Null)
}

/// What the PDF.co fake's OCR reads by default.
pub const OCR_TEXT: &str = "Ola Nordmann\nola.nordmann@example.no\n+47 912 34 567\nOslo, Norway\n\nSKILLS\nRust, PostgreSQL, Kubernetes\n\nEXPERIENCE\nBackend Engineer, Fjord Data\nJan 2020 - Present\nBuilt the billing service.\n";

/// What the OpenAI fake answers by default: a valid resume.
pub fn default_resume() -> Value {
    json!({
        "full_name": "Ada Lovelace", "first_name": "Ada", "last_name": "Lovelace",
        "email": "ada@example.com", "phone": "+44 20 7946 0000", "location": "London, UK",
        "links": ["https://linkedin.com/in/ada"], "summary": "Analyst.",
        "skills": ["Rust", "postgres"],
        "experience": [{ "title": "Analyst", "company": "Babbage & Co", "start": "1842-01", "end": "present", "description": null }],
        "education": [{ "institution": "University of London", "degree": "B.Sc.", "field": "Mathematics", "year": 1840 }],
    })
}

/// A PostgREST route over the world: logged, refused while the database is down or
/// without a valid caller, else answered by `answer` as the caller's tenant and role.
fn pg(
    route: &'static str,
    method: Method,
    answer: fn(&mut World, &RestCall, &str, &str) -> HttpResponse,
) -> impl Fn(&mut World, &RestCall) -> HttpResponse {
    move |w, call| {
        w.log.push(format!("rest {} {route}", call.method.as_str()));
        if w.db_down {
            return json_response(
                503,
                &json!({ "code": "PGRST000", "message": "database unavailable" }),
            );
        }
        let Some((tenant, role)) = caller(call.claims.as_ref()) else {
            return json_response(401, &json!({ "code": "PGRST301", "message": "JWSError" }));
        };
        if call.method != method {
            return json_response(
                404,
                &json!({ "code": "PGRST205", "message": format!("no fake for {} {route}", call.method.as_str()) }),
            );
        }
        answer(w, call, &tenant, &role)
    }
}

/// `rpc/reserve_enrichment`: by the SQL function's rules (owners and admins of the
/// tenant; the quota of [`World::enrichment_quota`]).
fn reserve_enrichment(w: &mut World, call: &RestCall, tenant: &str, role: &str) -> HttpResponse {
    if call.body["p_tenant_id"].as_str() != Some(tenant) || !(role == "owner" || role == "admin") {
        return pt(403, "forbidden");
    }
    if w.enrichment_quota
        .is_some_and(|quota| w.enrichments_reserved >= quota)
    {
        return json_response(
            200,
            &json!({ "granted": false, "limit": 1000, "retry_after_seconds": 3600 }),
        );
    }
    w.enrichments_reserved += 1;
    json_response(200, &json!({ "granted": true, "limit": 1000 }))
}

/// `rpc/start_resume_job`: by the SQL function's rules.
fn start_resume_job(w: &mut World, call: &RestCall, tenant: &str, role: &str) -> HttpResponse {
    let b = &call.body;
    let admin = role == "owner" || role == "admin";
    if !admin {
        return pt(403, "forbidden");
    }
    let sha = b["p_sha256"].as_str().unwrap_or_default().to_owned();
    if sha.len() != 64 {
        return pt(400, "invalid_sha256");
    }
    let path = b["p_storage_path"].as_str().map(str::to_owned);
    if path
        .as_deref()
        .is_some_and(|p| !p.starts_with(&format!("{tenant}/")))
    {
        return pt(403, "path_outside_tenant");
    }
    if let Some(job) = w
        .jobs
        .iter_mut()
        .find(|j| j.tenant_id == tenant && j.sha256 == sha)
    {
        let from = match job.status.as_str() {
            "done" if job.candidate_id.is_some() => {
                return json_response(200, &job.json(true, None, false))
            }
            "done" => {
                if job.resume_text.is_some() {
                    "analyzing"
                } else {
                    "extracting"
                }
            }
            "failed" => job
                .failed_step
                .clone()
                .map(|s| {
                    if s == "extracting" {
                        "extracting"
                    } else if s == "analyzing" {
                        "analyzing"
                    } else {
                        "enriching"
                    }
                })
                .unwrap_or("extracting"),
            _ if job.stale => {
                if job.status == "uploaded" {
                    "extracting"
                } else {
                    match job.status.as_str() {
                        "analyzing" => "analyzing",
                        "enriching" => "enriching",
                        _ => "extracting",
                    }
                }
            }
            _ => return pt(409, "job_in_progress"),
        };
        job.status = from.into();
        job.failed_step = None;
        job.error = None;
        job.attempts += 1;
        job.stale = false;
        job.steps.push(json!({ "status": from, "retry": true }));
        return json_response(200, &job.json(false, Some(from), true));
    }
    let job = JobRow {
        id: Uuid::new_v4(),
        tenant_id: tenant.into(),
        sha256: sha,
        status: "extracting".into(),
        failed_step: None,
        error: None,
        attempts: 1,
        candidate_id: None,
        storage_path: path,
        file_name: b["p_file_name"].as_str().map(str::to_owned),
        extractor: None,
        analyzer: None,
        enrichment: None,
        resume_text: None,
        analysis: None,
        steps: vec![json!({ "status": "extracting" })],
        stale: false,
    };
    let out = job.json(false, Some("extracting"), false);
    w.jobs.push(job);
    json_response(200, &out)
}

/// `rpc/advance_resume_job`.
fn advance_resume_job(w: &mut World, call: &RestCall, tenant: &str, role: &str) -> HttpResponse {
    let b = &call.body;
    let admin = role == "owner" || role == "admin";
    if !admin {
        return pt(403, "forbidden");
    }
    let id: Uuid = serde_json::from_value(b["p_job_id"].clone()).unwrap();
    let status = b["p_status"].as_str().unwrap().to_owned();
    let d = b["p_detail"].clone();
    let Some(job) = w
        .jobs
        .iter_mut()
        .find(|j| j.id == id && j.tenant_id == tenant)
    else {
        return pt(404, "job_not_found");
    };
    if job.status == "done" {
        return pt(409, "job_finished");
    }
    if status == "failed" && (d["step"].as_str().is_none() || d["error"].as_str().is_none()) {
        return pt(400, "invalid_failure");
    }
    job.error = (status == "failed").then(|| d["error"].as_str().unwrap().to_owned());
    job.failed_step = (status == "failed").then(|| d["step"].as_str().unwrap().to_owned());
    job.status = status.clone();
    for (field, slot) in [
        ("extractor", &mut job.extractor),
        ("analyzer", &mut job.analyzer),
        ("enrichment", &mut job.enrichment),
        ("resume_text", &mut job.resume_text),
    ] {
        if let Some(v) = d[field].as_str() {
            *slot = Some(v.to_owned());
        }
    }
    let mut logged = d.clone();
    if let Some(o) = logged.as_object_mut() {
        o.remove("resume_text");
        o.insert("status".into(), json!(status));
    }
    job.steps.push(logged);
    json_response(200, &job.json(false, None, false))
}

/// `rpc/save_resume_candidate`.
fn save_resume_candidate(w: &mut World, call: &RestCall, tenant: &str, role: &str) -> HttpResponse {
    let b = &call.body;
    let admin = role == "owner" || role == "admin";
    if !admin {
        return pt(403, "forbidden");
    }
    let id: Uuid = serde_json::from_value(b["p_job_id"].clone()).unwrap();
    let resume = b["p_resume"].clone();
    let Some(ji) = w
        .jobs
        .iter()
        .position(|j| j.id == id && j.tenant_id == tenant)
    else {
        return pt(404, "job_not_found");
    };
    if w.jobs[ji].status != "analyzing" {
        return pt(409, "job_not_analyzing");
    }
    let email = resume["email"]
        .as_str()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| e.contains('@'));
    let Some(email) = email else {
        return pt(422, "email_not_found");
    };
    let Some(name) = resume["full_name"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
    else {
        return pt(422, "name_not_found");
    };
    let skills: Vec<String> = serde_json::from_value(resume["skills"].clone()).unwrap_or_default();
    let (cid, created) = match w
        .candidates
        .iter_mut()
        .find(|c| c.tenant_id == tenant && c.email == email)
    {
        Some(c) => {
            c.full_name = name;
            c.phone = resume["phone"]
                .as_str()
                .map(str::to_owned)
                .or(c.phone.take());
            if !skills.is_empty() {
                c.skills = skills;
            }
            c.resume_analysis = Some(resume.clone());
            (c.id, false)
        }
        None => {
            let id = Uuid::new_v4();
            w.candidates.push(CandidateRow {
                id,
                tenant_id: tenant.into(),
                email,
                full_name: name,
                first_name: resume["first_name"].as_str().map(str::to_owned),
                last_name: resume["last_name"].as_str().map(str::to_owned),
                phone: resume["phone"].as_str().map(str::to_owned),
                skills,
                resume_analysis: Some(resume.clone()),
            });
            (id, true)
        }
    };
    let job = &mut w.jobs[ji];
    job.candidate_id = Some(cid);
    job.status = "enriching".into();
    job.analysis = Some(resume);
    job.analyzer = b["p_detail"]["analyzer"]
        .as_str()
        .map(str::to_owned)
        .or(job.analyzer.take());
    job.steps
        .push(json!({ "status": "enriching", "candidate_id": cid, "detail": b["p_detail"] }));
    json_response(200, &json!({ "candidate_id": cid, "created": created }))
}

/// `GET resume_jobs?id=eq.…`: the caller's tenant's job only (RLS).
fn read_job(w: &mut World, call: &RestCall, tenant: &str, _role: &str) -> HttpResponse {
    let id = call.eq("id").unwrap_or_default();
    let rows: Vec<Value> = w
        .jobs
        .iter()
        .filter(|j| j.tenant_id == tenant && j.id.to_string() == id)
        .map(|j| json!({ "resume_text": j.resume_text }))
        .collect();
    json_response(200, &json!(rows))
}

/// `GET candidates?id=eq.…`: the caller's tenant's candidate only (RLS).
fn read_candidate(w: &mut World, call: &RestCall, tenant: &str, _role: &str) -> HttpResponse {
    let id = call.eq("id").unwrap_or_default();
    let rows: Vec<Value> = w
        .candidates
        .iter()
        .filter(|c| c.tenant_id == tenant && c.id.to_string() == id)
        .map(|c| json!({ "id": c.id, "email": c.email, "full_name": c.full_name, "first_name": c.first_name,
                         "last_name": c.last_name, "resume_analysis": c.resume_analysis }))
        .collect();
    json_response(200, &json!(rows))
}

/// `POST candidate_profiles?on_conflict=candidate_id,tenant_id`: the upsert, as RLS allows it.
fn upsert_profile(w: &mut World, call: &RestCall, tenant: &str, role: &str) -> HttpResponse {
    let b = &call.body;
    let admin = role == "owner" || role == "admin";
    if !admin {
        return json_response(
            403,
            &json!({ "code": "42501", "message": "new row violates row-level security policy" }),
        );
    }
    assert_eq!(call.param("on_conflict"), Some("candidate_id,tenant_id"));
    let row = b.as_object().cloned().unwrap();
    let cid = row["candidate_id"].as_str().unwrap().to_owned();
    if row["tenant_id"].as_str() != Some(tenant) {
        return json_response(
            403,
            &json!({ "code": "42501", "message": "new row violates row-level security policy" }),
        );
    }
    if !w
        .candidates
        .iter()
        .any(|c| c.id.to_string() == cid && c.tenant_id == tenant)
    {
        return json_response(
            409,
            &json!({ "code": "23503", "message": "violates foreign key constraint" }),
        );
    }
    let existing = w.profiles.iter_mut().find(|p| {
        p["candidate_id"].as_str() == Some(&cid) && p["tenant_id"].as_str() == Some(tenant)
    });
    let id = match existing {
        Some(p) => {
            p.extend(row);
            p["id"].clone()
        }
        None => {
            let mut p = row;
            let id = json!(Uuid::new_v4());
            p.insert("id".into(), id.clone());
            w.profiles.push(p);
            id
        }
    };
    json_response(201, &json!([{ "id": id }]))
}

fn storage_answer(w: &mut World, call: &StorageCall) -> HttpResponse {
    let rest = call.path.strip_prefix("object/").unwrap_or(call.path);
    w.log
        .push(format!("storage {} {rest}", call.method.as_str()));
    let Some((tenant, role)) = caller(call.claims.as_ref()) else {
        return storage_error(400, "InvalidJWT", "invalid signature");
    };
    let (download, path) = match rest.strip_prefix("authenticated/resumes/") {
        Some(p) => (true, p),
        None => (false, rest.strip_prefix("resumes/").unwrap_or(rest)),
    };
    let path = path.replace("%20", " ");
    let in_folder = path.starts_with(&format!("{tenant}/"));
    match (call.method, download) {
        (Method::Get, true) => match w.objects.get(&path).filter(|_| in_folder) {
            Some(bytes) => {
                HttpResponse::new(200, bytes.clone()).with_header("content-type", "application/pdf")
            }
            None => storage_error(404, "not_found", "Object not found"),
        },
        (Method::Post, false) => {
            if !in_folder || !(role == "owner" || role == "admin") {
                return storage_error(
                    403,
                    "Unauthorized",
                    "new row violates row-level security policy",
                );
            }
            if w.objects.contains_key(&path) {
                return storage_error(409, "Duplicate", "The resource already exists");
            }
            w.objects.insert(path.clone(), call.body.to_vec());
            json_response(
                200,
                &json!({ "Key": format!("resumes/{path}"), "Id": Uuid::new_v4() }),
            )
        }
        _ => json_response(
            404,
            &json!({ "statusCode": 404, "error": "Not Found", "message": "Route not found" }),
        ),
    }
}
