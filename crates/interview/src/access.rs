//! Who may drive a live interview session, as SQL decides it: the candidate whose account
//! is linked to the session's candidate row, or an owner/admin of its tenant
//! (`public.interview_session_access`, migration 20250607000100). Called as the caller,
//! so the answer is about them; its errors pass through as statuses: 401
//! `not_authenticated`, 404 `session_not_found` (also for a session that exists but is
//! not theirs: existence is not disclosed), 403 `not_allowed` (a member without the
//! owner/admin role).

use serde::{Deserialize, Serialize};
use shared::db::Session;
use shared::ApiError;
use uuid::Uuid;

/// `interview_sessions.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Invited,
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
    Expired,
}

impl SessionStatus {
    /// A candidate can still join: not yet finished one way or another.
    pub fn is_joinable(self) -> bool {
        matches!(
            self,
            SessionStatus::Invited | SessionStatus::Scheduled | SessionStatus::InProgress
        )
    }

    /// Over: its resources (machine, room) are no longer needed.
    pub fn is_finished(self) -> bool {
        !self.is_joinable()
    }

    /// `Ok` while a candidate can join; else [`SessionStatus::not_joinable`].
    pub fn require_joinable(self) -> Result<(), ApiError> {
        if self.is_joinable() {
            Ok(())
        } else {
            Err(self.not_joinable())
        }
    }

    /// 409 `session_not_joinable`: nothing is started for an interview that is over.
    pub fn not_joinable(self) -> ApiError {
        ApiError::conflict(
            "session_not_joinable",
            format!("This interview is {}", self.as_str()),
        )
    }

    /// `Ok` while the interview is under way; else 409 `session_not_in_progress`: a
    /// transcript is written only into a session that has started and is not over.
    pub fn require_in_progress(self) -> Result<(), ApiError> {
        if self == SessionStatus::InProgress {
            return Ok(());
        }
        Err(ApiError::conflict(
            "session_not_in_progress",
            format!("This interview is {}, not in progress", self.as_str()),
        ))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Invited => "invited",
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::InProgress => "in_progress",
            SessionStatus::Completed => "completed",
            SessionStatus::Cancelled => "cancelled",
            SessionStatus::Expired => "expired",
        }
    }
}

/// How the caller relates to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerKind {
    /// The session's own candidate.
    Candidate,
    /// An owner or admin of the session's tenant.
    Staff,
}

/// The answer of `interview_session_access`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SessionAccess {
    pub session_id: Uuid,
    pub tenant_id: Uuid,
    pub status: SessionStatus,
    pub caller: CallerKind,
    pub consent_given: bool,
    pub ai_opted_out: bool,
    pub videosdk_room_id: Option<String>,
}

#[derive(Serialize)]
struct Params {
    p_session_id: Uuid,
}

/// Ask SQL whether the caller of `db` (an `as_user` session) drives `session_id`.
pub async fn session_access(db: &Session<'_>, session_id: Uuid) -> Result<SessionAccess, ApiError> {
    db.execute(db.rpc(
        "interview_session_access",
        &Params {
            p_session_id: session_id,
        },
    )?)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shared::testing::{test_context, user_request, FakeHttp};
    use shared::Role;
    use std::rc::Rc;

    #[test]
    fn sessions_that_cannot_be_joined_or_written_to_are_409s_that_say_why() {
        assert_eq!(SessionStatus::Scheduled.require_joinable(), Ok(()));
        let err = SessionStatus::Completed.require_joinable().unwrap_err();
        assert_eq!((err.status(), err.code()), (409, "session_not_joinable"));
        assert_eq!(SessionStatus::InProgress.require_in_progress(), Ok(()));
        let err = SessionStatus::Invited.require_in_progress().unwrap_err();
        assert_eq!((err.status(), err.code()), (409, "session_not_in_progress"));
    }

    #[test]
    fn the_rpc_is_called_as_the_user_and_its_answer_read() {
        let http = Rc::new(FakeHttp::new());
        let id = Uuid::from_u128(1);
        http.push_json(
            200,
            json!({ "session_id": id, "tenant_id": Uuid::from_u128(2), "status": "in_progress",
                    "caller": "candidate", "consent_given": true, "ai_opted_out": false,
                    "videosdk_room_id": null }),
        );
        http.push_json(
            404,
            json!({ "code": "PT404", "message": "session_not_found", "details": "No such interview session among yours." }),
        );
        let cx = test_context(http.clone());
        let request = user_request(json!({ "is_candidate": true }));
        let caller = pollster::block_on(cx.auth.require(&request, Role::User)).unwrap();
        let db = cx.db.as_user(&caller);
        let got = pollster::block_on(session_access(&db, id)).unwrap();
        assert_eq!(
            (got.status, got.caller, got.status.is_joinable()),
            (SessionStatus::InProgress, CallerKind::Candidate, true)
        );
        let sent = &http.requests()[0];
        assert!(
            sent.url.ends_with("/rest/v1/rpc/interview_session_access"),
            "{}",
            sent.url
        );
        assert!(sent
            .headers
            .get("authorization")
            .is_some_and(|a| a.starts_with("Bearer ey")));
        let err = pollster::block_on(session_access(&db, id)).unwrap_err();
        assert_eq!((err.status(), err.code()), (404, "session_not_found"));
    }

    #[test]
    fn statuses_know_what_is_joinable() {
        use SessionStatus::*;
        for (status, joinable) in [
            (Invited, true),
            (Scheduled, true),
            (InProgress, true),
            (Completed, false),
            (Cancelled, false),
            (Expired, false),
        ] {
            assert_eq!(status.is_joinable(), joinable, "{status:?}");
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                json!(status.as_str())
            );
        }
    }
}
