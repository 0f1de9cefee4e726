//! Deleting queued files through the Storage API, as the service role.
//!
//! The queue is `private.file_deletions`, filled by triggers when the last row that names
//! a resume file goes (so erasure queues the candidate's files in its own transaction).
//! [`drain`] leases entries (`claim_file_deletions`), deletes their objects with one
//! `DELETE /storage/v1/object/<bucket>` `{"prefixes": [...]}` per bucket, and reports
//! back (`finish_file_deletions`): deleted entries leave the queue, failed ones keep
//! their error and come due again after a backoff. Deleting an object that is already
//! gone succeeds, so a retry after a lost answer is harmless.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shared::db::Session;
use shared::http::HttpRequest;
use shared::{ApiError, Context, Method};

/// At most this many entries per drain (one Storage request per bucket; Storage takes up
/// to 1000 prefixes).
pub const MAX_BATCH: usize = 100;

#[derive(Debug, Deserialize)]
struct Claimed {
    id: i64,
    bucket_id: String,
    name: String,
}

#[derive(Serialize)]
struct Claim<'a> {
    p_limit: usize,
    /// Left out rather than `null` when absent (the SQL default is null).
    #[serde(skip_serializing_if = "Option::is_none")]
    p_names: Option<&'a [String]>,
}

#[derive(Serialize)]
struct Finish {
    p_deleted: Vec<i64>,
    /// `{"<id>": "<error>"}`.
    p_failed: BTreeMap<String, String>,
}

/// What one drain did: the files deleted and those left queued (with their error).
#[derive(Debug, Default, PartialEq)]
pub struct Drained {
    pub deleted: Vec<String>,
    pub failed: Vec<String>,
}

/// Delete the queued files: those named in `names` (due or not: the erasure's own), else
/// up to [`MAX_BATCH`] due ones. `service` runs the queue RPCs.
pub async fn drain(
    cx: &Context,
    service: &Session<'_>,
    names: Option<&[String]>,
) -> Result<Drained, ApiError> {
    if names.is_some_and(<[String]>::is_empty) {
        return Ok(Drained::default());
    }
    let limit = names.map_or(MAX_BATCH, |n| n.len().clamp(1, 1000));
    let claimed: Vec<Claimed> = service
        .execute(service.rpc(
            "claim_file_deletions",
            &Claim {
                p_limit: limit,
                p_names: names,
            },
        )?)
        .await?;

    let mut by_bucket: BTreeMap<&str, Vec<&Claimed>> = BTreeMap::new();
    for entry in &claimed {
        by_bucket.entry(&entry.bucket_id).or_default().push(entry);
    }
    let mut finish = Finish {
        p_deleted: vec![],
        p_failed: BTreeMap::new(),
    };
    let mut drained = Drained::default();
    for (bucket, entries) in by_bucket {
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        match delete_objects(cx, bucket, &names).await {
            Ok(()) => {
                finish.p_deleted.extend(entries.iter().map(|e| e.id));
                drained
                    .deleted
                    .extend(names.iter().map(|n| (*n).to_owned()));
            }
            Err(reason) => {
                for entry in &entries {
                    finish.p_failed.insert(entry.id.to_string(), reason.clone());
                }
                drained.failed.extend(names.iter().map(|n| (*n).to_owned()));
            }
        }
    }
    if !claimed.is_empty() {
        let _: serde_json::Value = service
            .execute(service.rpc("finish_file_deletions", &finish)?)
            .await?;
    }
    Ok(drained)
}

#[derive(Serialize)]
struct Prefixes<'a> {
    prefixes: &'a [&'a str],
}

/// `DELETE /storage/v1/object/<bucket>` with the service key; `Err` carries what to record.
async fn delete_objects(cx: &Context, bucket: &str, names: &[&str]) -> Result<(), String> {
    let key = cx
        .config
        .service_role_key
        .as_ref()
        .ok_or("no service role key")?;
    let bucket_segment: String = url::form_urlencoded::byte_serialize(bucket.as_bytes()).collect();
    let request = HttpRequest::new(
        Method::Delete,
        format!(
            "{}/storage/v1/object/{bucket_segment}",
            cx.config.supabase_url
        ),
    )
    .service("storage")
    .json(&Prefixes { prefixes: names })
    .map_err(|err| err.to_string())?
    // Deleting twice deletes once.
    .idempotent();
    let request = shared::db::with_service_key(request, key);
    match cx.http.send(&request).await {
        Ok(response) if response.is_success() => Ok(()),
        Ok(response) => Err(format!(
            "storage answered {}: {}",
            response.status,
            String::from_utf8_lossy(&response.body)
                .chars()
                .take(200)
                .collect::<String>()
        )),
        Err(err) => Err(format!("storage unreachable: {err}")),
    }
}
