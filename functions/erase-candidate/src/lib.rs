//! `erase-candidate`: an owner erases what their organisation holds about a candidate,
//! and the server deletes the candidate's files from Storage.
//!
//! - Route: `POST /functions/v1/erase-candidate`; `OPTIONS` answers the CORS preflight.
//! - Input, one of:
//!   - `{"candidate_id": uuid}` from a signed-in owner: runs `public.erase_candidate` as
//!     the owner (the SQL decides who may erase what), which queues the candidate's
//!     files for deletion in its own transaction; then deletes them through the Storage
//!     API with the service role. `200` with the SQL function's answer (`storage_paths`,
//!     `removed`, `vendor_copies`) and `files: {deleted, pending}`: a file Storage
//!     failed to delete stays queued and is listed in `pending`.
//!   - `{"retry_pending": true}` from the service role (a scheduled job): deletes up to
//!     [`files::MAX_BATCH`] queued files that are due. `200 {"deleted", "failed"}` (counts).
//! - Errors (`{"error":{"code","message","details"}}`): 400 `body_required` /
//!   `invalid_json` / `invalid_body`; 401 `missing_token` / `invalid_token` /
//!   `token_expired` / `sign_in_required` / `not_authenticated`; 403 `insufficient_role`
//!   (the service role erasing, a user retrying) / `forbidden` (not an owner); 404
//!   `candidate_not_found`; 405; 413; 415; 503 `not_configured` (no service role key:
//!   nothing is erased then).

pub mod files;

use serde::{Deserialize, Serialize};
use shared::contract::{error, Errors, DATABASE, JSON_BODY, REQUEST, SERVER, SIGNED_IN};
use shared::{ApiError, Context, Method, Request, Response};
use uuid::Uuid;

/// Every error this function answers (the TypeScript contract's error codes; the tests
/// fail on an answer not listed here).
pub const ERRORS: Errors = &[
    REQUEST,
    JSON_BODY,
    SIGNED_IN,
    DATABASE,
    SERVER,
    &[error(403, "forbidden"), error(404, "candidate_not_found")],
];

#[derive(Debug, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EraseCandidateInput"))]
pub enum Input {
    Erase { candidate_id: Uuid },
    RetryPending { retry_pending: bool },
}

/// What `erase_candidate` removed (its answer, passed through).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "EraseCandidateRemoved")
)]
pub struct Removed {
    /// `deleted`, `detached` (another organisation shares the record: it keeps only who
    /// the person is) or `kept`.
    pub candidate: String,
    pub sessions: u32,
    pub invitations: u32,
    pub profiles: u32,
    pub resume_jobs: u32,
    pub audit_entries_redacted: u32,
}

/// Copies held by vendors, for the caller to have destroyed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "EraseCandidateVendorCopies")
)]
pub struct VendorCopies {
    pub videosdk_room_ids: Vec<String>,
    pub fly_machine_ids: Vec<String>,
}

/// The candidate's files in the `resumes` bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EraseCandidateFiles"))]
pub struct Files {
    pub deleted: Vec<String>,
    /// Still queued (Storage failed); a scheduled retry deletes them.
    pub pending: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EraseCandidateOutput"))]
pub enum Output {
    Erased {
        /// Bucket-relative paths of the candidate's files in the `resumes` bucket.
        storage_paths: Vec<String>,
        removed: Removed,
        vendor_copies: VendorCopies,
        files: Files,
    },
    Retried {
        deleted: u32,
        failed: u32,
    },
}

#[derive(Deserialize)]
struct Erasure {
    storage_paths: Vec<String>,
    removed: Removed,
    vendor_copies: VendorCopies,
}

#[derive(Serialize)]
struct Params {
    p_candidate_id: Uuid,
}

pub async fn run(req: Request, cx: &Context) -> Result<Response, ApiError> {
    req.allow(&[Method::Post])?;
    let input: Input = req.json()?;
    let caller = cx.auth.authenticate(&req).await?;
    // Checked before anything is erased: the files are deleted with the service role.
    let service = cx
        .db
        .service("erase-candidate deletes the erased files from Storage")?;
    match input {
        Input::Erase { candidate_id } => {
            if caller.is_service() {
                return Err(ApiError::forbidden(
                    "insufficient_role",
                    "An owner of the candidate's organisation erases a candidate",
                ));
            }
            let db = cx.db.as_user(&caller);
            let erased: Erasure = db
                .execute(db.rpc(
                    "erase_candidate",
                    &Params {
                        p_candidate_id: candidate_id,
                    },
                )?)
                .await?;
            let drained = files::drain(cx, &service, Some(&erased.storage_paths)).await?;
            // A path the claim did not hand out was named again (uploaded anew) or
            // already gone: it is not pending.
            let pending = erased
                .storage_paths
                .iter()
                .filter(|p| drained.failed.contains(p))
                .cloned()
                .collect();
            Ok(Response::ok(&Output::Erased {
                storage_paths: erased.storage_paths,
                removed: erased.removed,
                vendor_copies: erased.vendor_copies,
                files: Files {
                    deleted: drained.deleted,
                    pending,
                },
            }))
        }
        Input::RetryPending { retry_pending } => {
            if !caller.is_service() {
                return Err(ApiError::forbidden(
                    "insufficient_role",
                    "Only the service role (a scheduled job) retries pending deletions",
                ));
            }
            if !retry_pending {
                return Err(ApiError::bad_request(
                    "invalid_body",
                    "retry_pending must be true",
                ));
            }
            let drained = files::drain(cx, &service, None).await?;
            Ok(Response::ok(&Output::Retried {
                deleted: count(&drained.deleted),
                failed: count(&drained.failed),
            }))
        }
    }
}

fn count(list: &[String]) -> u32 {
    u32::try_from(list.len()).unwrap_or(u32::MAX)
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn handle(
    req: web_sys::Request,
    env: wasm_bindgen::JsValue,
) -> Result<web_sys::Response, wasm_bindgen::JsValue> {
    shared::js::serve(req, env, run).await
}
