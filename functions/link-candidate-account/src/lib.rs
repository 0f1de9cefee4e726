//! `link-candidate-account`: a signed-in user redeems an interview invitation and becomes
//! that tenant's candidate.
//!
//! - Route: `POST /functions/v1/link-candidate-account` (the function sees
//!   `/link-candidate-account`); `OPTIONS` answers the CORS preflight.
//! - Input: `{"invitation_token": "<the 64-hex token from the invitation link>"}`
//!   (`Content-Type: application/json`, body ≤ [`shared::DEFAULT_BODY_LIMIT`]).
//! - Output: `200 {"candidate_id": uuid, "tenant_id": uuid, "session_id": uuid | null}`.
//!   Idempotent: the same user redeeming the same token again gets the same answer.
//! - Caller: any signed-in user ([`Role::User`]); a new candidate has no tenant claims
//!   yet, and gets `app_metadata.is_candidate` on their next token.
//! - Errors (`{"error":{"code","message","details"}}`): 400 `body_required` /
//!   `invalid_json` / `invalid_body` / `invalid_token`; 401 `missing_token` /
//!   `invalid_token` / `token_expired` / `sign_in_required`; 403 `email_mismatch` / `email_not_confirmed`;
//!   404 `invitation_not_found`; 405; 409 `invitation_used` /
//!   `candidate_already_linked`; 410 `invitation_expired`; 413; 415.
//!
//! The checks themselves (token, expiry, single use, email) live in the SQL function
//! `public.link_candidate_account(p_token)`, called as the user so it sees their
//! `auth.uid()`; its PTxyz errors become the statuses above.

use serde::{Deserialize, Serialize};
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
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
        error(400, "invalid_token"),
        error(403, "email_mismatch"),
        error(403, "email_not_confirmed"),
        error(404, "invitation_not_found"),
        error(409, "invitation_used"),
        error(409, "candidate_already_linked"),
        error(410, "invitation_expired"),
    ],
];

/// Far above the 64 characters of a real token; longer is malformed, not a lookup.
pub const MAX_TOKEN_LEN: usize = 256;

#[derive(Debug, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "LinkCandidateAccountInput")
)]
pub struct Input {
    invitation_token: String,
}

impl Input {
    /// The token, trimmed. Its format is the SQL function's to judge; this only keeps
    /// obviously malformed input from reaching the database.
    fn token(&self) -> Result<&str, ApiError> {
        let token = self.invitation_token.trim();
        if token.is_empty() || token.len() > MAX_TOKEN_LEN || token.chars().any(char::is_control) {
            return Err(ApiError::bad_request(
                "invalid_token",
                "The invitation token is malformed",
            )
            .with_details(serde_json::json!({ "field": "invitation_token" })));
        }
        Ok(token)
    }
}

/// The answer of `link_candidate_account`, passed through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "LinkCandidateAccountOutput")
)]
pub struct Output {
    pub candidate_id: Uuid,
    pub tenant_id: Uuid,
    /// An invitation may predate its interview session.
    pub session_id: Option<Uuid>,
}

#[derive(Serialize)]
struct Params<'a> {
    p_token: &'a str,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input: Input = req.json()?;
    let token = input.token()?;
    let caller = cx.auth.require(&req, Role::User).await?;
    let db = cx.db.as_user(&caller);
    let linked: Output = db
        .execute(db.rpc("link_candidate_account", &Params { p_token: token })?)
        .await?;
    Ok(Response::ok(&linked))
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
