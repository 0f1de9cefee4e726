//! A fake Supabase whose `rpc/link_candidate_account` follows the rules of the SQL
//! function (DEVELOPING.md), with the same PTxyz error bodies, so the tests drive
//! `run()` through the whole shared pipeline natively.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use shared::testing::{json_response, postgrest_error, test_context, FakeSupabase};
use shared::{HttpClient, Method, Request, Response};

pub const TOKEN: &str = "a3f1c2e4b5d6a7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";
pub const CANDIDATE: &str = "44444444-4444-4444-8444-444444444444";
pub const TENANT: &str = "55555555-5555-4555-8555-555555555555";
pub const SESSION: &str = "66666666-6666-4666-8666-666666666666";

#[derive(Clone)]
pub struct Invitation {
    pub token: String,
    pub email: String,
    pub expired: bool,
    pub used_by: Option<String>,
    pub session_id: Option<String>,
}

impl Invitation {
    pub fn for_email(email: &str) -> Self {
        Invitation {
            token: TOKEN.into(),
            email: email.into(),
            expired: false,
            used_by: None,
            session_id: Some(SESSION.into()),
        }
    }
}

/// The fake project: `link_candidate_account` over `invitations`.
pub type Db = Rc<FakeSupabase<Vec<Invitation>>>;

/// PostgREST with one function, `link_candidate_account`, over `invitations`.
pub fn fake_postgrest(invitations: Vec<Invitation>) -> Db {
    FakeSupabase::over(Rc::new(RefCell::new(invitations)))
        .rpc("link_candidate_account", |invitations, call| {
            assert_eq!(call.method, Method::Post);
            assert_eq!(
                call.header("apikey"),
                Some("anon-key"),
                "the anon key goes as apikey"
            );
            // PostgREST would verify the forwarded JWT and run as its subject.
            let Some(claims) = &call.claims else {
                return json_response(401, &json!({ "code": "PGRST301", "message": "JWSError" }));
            };
            let Some(uid) = call.user_id() else {
                return postgrest_error(
                    401,
                    "not_authenticated",
                    "Sign in before accepting an invitation.",
                );
            };
            let token = call.body["p_token"]
                .as_str()
                .unwrap_or_default()
                .trim()
                .to_lowercase();
            if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                return postgrest_error(400, "invalid_token", "The invitation token is malformed.");
            }
            let Some(inv) = invitations.iter_mut().find(|i| i.token == token) else {
                return postgrest_error(404, "invitation_not_found", "No invitation has this token.");
            };
            let result =
                json!({ "candidate_id": CANDIDATE, "tenant_id": TENANT, "session_id": inv.session_id });
            match &inv.used_by {
                Some(user) if *user == uid => return json_response(200, &result),
                Some(_) => {
                    return postgrest_error(
                        409,
                        "invitation_used",
                        "This invitation has already been accepted by another account.",
                    )
                }
                None => {}
            }
            if inv.expired {
                return postgrest_error(410, "invitation_expired", "This invitation has expired.");
            }
            if claims.email.as_deref().map(str::to_lowercase) != Some(inv.email.clone()) {
                return postgrest_error(
                    403,
                    "email_mismatch",
                    "Sign in with the email address the invitation was sent to.",
                );
            }
            inv.used_by = Some(uid);
            json_response(200, &result)
        })
        .shared()
}

/// `POST /link-candidate-account` with a JSON body and, if given, a bearer token.
pub fn post(body: Value, token: Option<&str>) -> Request {
    shared::testing::post_json("http://localhost/link-candidate-account", &body, token)
}

/// Through the shared pipeline, as `handle` does in wasm.
pub fn call(
    req: Result<Request, shared::ApiError>,
    http: Rc<impl HttpClient + 'static>,
) -> Response {
    shared::testing::call(
        link_candidate_account::run,
        link_candidate_account::ERRORS,
        req,
        test_context(http),
    )
}

/// Status and error code of an error response, after checking its shape and CORS, and
/// that it is JSON.
pub fn error_of(response: &Response) -> (u16, String) {
    assert_eq!(response.header("content-type"), Some("application/json"));
    shared::testing::error_of(response)
}
