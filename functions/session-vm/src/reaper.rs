//! The reaper: `{"action": "reap"}` with the service key, on a schedule (every few
//! minutes; pg_cron + pg_net, or any scheduler that can POST). It asks Fly, not our
//! table, which machines exist, so it also finds what a crashed start left behind: every
//! machine whose metadata says `managed_by: session-vm` is destroyed when
//!
//! - its session is completed, cancelled or expired ([`Reason::SessionFinished`]),
//! - its session no longer exists, or its metadata names none ([`Reason::SessionGone`]),
//! - it is older than [`MAX_AGE_SECONDS`], whatever its session says ([`Reason::TooOld`]):
//!   no interview lasts four hours, and a forgotten machine costs money.
//!
//! Then `session_machines` is brought in line: rows of destroyed machines, and rows
//! that say `started`/`destroying` for a machine Fly no longer lists (auto-destroyed,
//! or removed by hand), become `destroyed`. A machine Fly refuses to destroy now (429,
//! 409) is reported under `failed` and left for the next run.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::clients::fly::{Fly, FlyError, Machine};
use shared::clients::VendorFailure;
use shared::db::Session;
use shared::time::rfc3339_seconds;
use shared::{ApiError, Context, Response};
use uuid::Uuid;

use crate::MANAGED_BY;

/// Older than this, a machine is destroyed whatever its session's state.
pub const MAX_AGE_SECONDS: u64 = 4 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ReapReason"))]
pub enum Reason {
    SessionFinished,
    SessionGone,
    TooOld,
}

/// Whether to destroy a machine of ours, given its session's status (`None`: no such
/// session) and its age.
pub fn decide(
    session: Option<interview::SessionStatus>,
    created_at: Option<u64>,
    now: u64,
) -> Option<Reason> {
    if created_at.is_some_and(|at| now.saturating_sub(at) > MAX_AGE_SECONDS) {
        return Some(Reason::TooOld);
    }
    match session {
        None => Some(Reason::SessionGone),
        Some(status) if status.is_finished() => Some(Reason::SessionFinished),
        Some(_) => None,
    }
}

#[derive(Debug, Deserialize)]
struct SessionStatusRow {
    id: Uuid,
    status: interview::SessionStatus,
}

#[derive(Debug, Deserialize)]
struct LiveRow {
    session_id: Uuid,
    machine_id: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SessionVmReaped"))]
pub struct Reaped {
    /// Machines of ours that Fly listed.
    examined: usize,
    destroyed: Vec<Destroyed>,
    failed: Vec<Failed>,
    /// Rows marked destroyed whose machine Fly no longer lists.
    reconciled: usize,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ReapedMachine"))]
pub struct Destroyed {
    machine_id: String,
    session_id: Option<Uuid>,
    reason: Reason,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "UnreapedMachine"))]
pub struct Failed {
    machine_id: String,
    error: String,
}

fn ours(machine: &Machine) -> bool {
    machine.metadata("managed_by") == Some(MANAGED_BY)
        && !matches!(machine.state.as_str(), "destroyed" | "destroying")
}

pub async fn reap(fly: &Fly, db: &Session<'_>, cx: &Context) -> Result<Response, ApiError> {
    let now = cx.clock.now_unix_ms() / 1000;
    let machines = fly.list_machines().await?;
    let listed: BTreeSet<String> = machines.iter().map(|m| m.id.clone()).collect();
    let ours: Vec<&Machine> = machines.iter().filter(|m| ours(m)).collect();

    let ids: Vec<Uuid> = ours
        .iter()
        .filter_map(|m| {
            m.metadata("session_id")
                .and_then(|s| Uuid::parse_str(s).ok())
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut statuses: BTreeMap<Uuid, interview::SessionStatus> = BTreeMap::new();
    for chunk in ids.chunks(100) {
        let rows: Vec<SessionStatusRow> = db
            .execute(
                db.from("interview_sessions")
                    .select("id,status")
                    .in_("id", chunk.iter().map(Uuid::to_string)),
            )
            .await?;
        statuses.extend(rows.into_iter().map(|r| (r.id, r.status)));
    }

    let mut destroyed = Vec::new();
    let mut failed = Vec::new();
    for machine in &ours {
        let session = machine
            .metadata("session_id")
            .and_then(|s| Uuid::parse_str(s).ok());
        let status = session.and_then(|id| statuses.get(&id).copied());
        let created = machine.created_at.as_deref().and_then(unix_seconds);
        let Some(reason) = decide(status, created, now) else {
            continue;
        };
        match fly.destroy_machine(&machine.id).await {
            Ok(()) | Err(FlyError::NotFound { .. }) => {
                if let Some(id) = session {
                    record_destroyed(db, id, &machine.id, now).await;
                }
                destroyed.push(Destroyed {
                    machine_id: machine.id.clone(),
                    session_id: session,
                    reason,
                });
            }
            Err(err) => {
                shared::log::error(&format!(
                    "[session-vm] reaper: {} not destroyed: {err}",
                    machine.id
                ));
                let error = match err {
                    FlyError::Common(VendorFailure::RateLimited { .. }) => "fly_rate_limited",
                    FlyError::Conflict { .. } => "fly_conflict",
                    FlyError::Precondition { .. } => "fly_precondition_failed",
                    _ => "fly_error",
                };
                failed.push(Failed {
                    machine_id: machine.id.clone(),
                    error: error.into(),
                });
            }
        }
    }

    // Rows that still claim a machine Fly no longer has.
    let live: Vec<LiveRow> = db
        .execute(
            db.from("session_machines")
                .select("session_id,machine_id")
                .in_("state", ["started", "destroying"]),
        )
        .await?;
    let mut reconciled = 0;
    for row in live {
        if let Some(machine_id) = row.machine_id.filter(|m| !listed.contains(m)) {
            record_destroyed(db, row.session_id, &machine_id, now).await;
            reconciled += 1;
        }
    }

    Ok(Response::ok(&Reaped {
        examined: ours.len(),
        destroyed,
        failed,
        reconciled,
    }))
}

/// The row says the machine is gone (best effort: logged).
async fn record_destroyed(db: &Session<'_>, session: Uuid, machine_id: &str, now: u64) {
    let row: Result<serde_json::Value, ApiError> = db
        .execute(
            db.from("session_machines")
                .update(
                    json!({ "state": "destroyed", "destroyed_at": rfc3339_seconds(now) })
                        .to_string(),
                )
                .eq("session_id", session.to_string())
                .eq("machine_id", machine_id),
        )
        .await;
    // 404: nothing recorded about this machine (a stray): nothing to update.
    if let Err(err) = row {
        if err.status() != 404 {
            shared::log::error(&format!(
                "[session-vm] reaper: recording {machine_id}: {err}"
            ));
        }
    }
}

/// `2026-01-15T08:00:00Z` / `…00.123456Z` / `…00+00:00` → unix seconds (UTC offsets only
/// as Fly writes them; anything else is `None`).
pub fn unix_seconds(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "+00:00" | "+0000" => 0,
        other => {
            let sign = match other.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h: i64 = other.get(1..3)?.parse().ok()?;
            let m: i64 = other.get(4..6)?.parse().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hour * 3600 + minute * 60 + second - offset).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use interview::SessionStatus::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn finished_gone_and_old_sessions_lose_their_machines() {
        let young = Some(NOW - 600);
        assert_eq!(decide(Some(InProgress), young, NOW), None);
        assert_eq!(decide(Some(Invited), young, NOW), None);
        assert_eq!(
            decide(Some(Completed), young, NOW),
            Some(Reason::SessionFinished)
        );
        assert_eq!(
            decide(Some(Cancelled), young, NOW),
            Some(Reason::SessionFinished)
        );
        assert_eq!(
            decide(Some(Expired), young, NOW),
            Some(Reason::SessionFinished)
        );
        assert_eq!(decide(None, young, NOW), Some(Reason::SessionGone));
        assert_eq!(
            decide(Some(InProgress), Some(NOW - MAX_AGE_SECONDS - 1), NOW),
            Some(Reason::TooOld)
        );
        assert_eq!(
            decide(Some(InProgress), Some(NOW - MAX_AGE_SECONDS), NOW),
            None
        );
        // No creation time: judged by its session alone.
        assert_eq!(decide(Some(InProgress), None, NOW), None);
    }

    #[test]
    fn timestamps_round_trip() {
        for s in [0, 951_782_400, 1_709_251_199, NOW] {
            assert_eq!(unix_seconds(&rfc3339_seconds(s)), Some(s), "{s}");
        }
        assert_eq!(rfc3339_seconds(NOW), "2027-01-15T08:00:00Z");
        assert_eq!(unix_seconds("2027-01-15T08:00:00.123456Z"), Some(NOW));
        assert_eq!(unix_seconds("2027-01-15T09:00:00+01:00"), Some(NOW));
        assert_eq!(unix_seconds("2027-01-15 08:00:00+00:00"), Some(NOW));
        for bad in [
            "",
            "yesterday",
            "2027-13-15T08:00:00Z",
            "2027-01-15T08:00:00",
            "2027-01-15T08:00:00Q",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }
}
