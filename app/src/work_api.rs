//! The department's work (承办) and every staff member's notifications. A change to a ticket
//! names the version its author was looking at (`If-Match`): the server refuses a change made
//! on a page someone else has moved on since (412), so nobody overwrites what they never saw.

use crate::api::ApiError;
use serde::Deserialize;
use shared::error::ErrorCode;
use shared::handling::InboxItem;
use shared::status::Status;

/// `GET /api/v1/workbench/inbox`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Inbox {
    pub department: String,
    pub items: Vec<InboxItem>,
}

/// Which part of the inbox: work still owed, or work answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxState {
    #[default]
    Open,
    Answered,
}

impl InboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Open => "open",
            InboxState::Answered => "answered",
        }
    }
}

/// What a change did to the ticket.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Moved {
    pub tracking_no: String,
    pub status: Status,
    pub version: i64,
}

/// What the reply check says about a draft.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ReplyCheck {
    pub passes: bool,
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Co-handlers (department codes) whose part is not in yet.
    #[serde(default)]
    pub missing_parts: Vec<String>,
}

/// The reply check's wire codes, each with a `work.warning.*` translation.
pub const WARNINGS: [&str; 5] = ["too_short", "off_topic", "no_action", "personal_data", "missing_parts"];

/// Events of the notification centre, each with a `work.notice.*` translation.
pub const NOTICE_EVENTS: [&str; 11] = [
    "dispatched",
    "ladder_urge",
    "ladder_supervise",
    "ladder_list",
    "ladder_escalate",
    "daily_digest",
    "part_submitted",
    "extension_requested",
    "extension_decided",
    "reopened",
    "info_added",
];

/// Reasons the supervision ladder gives, each with a `work.ladder_reason.*` translation.
pub const LADDER_REASONS: [&str; 10] = [
    "response_overdue",
    "resolution_overdue",
    "long_overdue",
    "slow_progress",
    "repeated",
    "unresolved",
    "reopened",
    "cross_department",
    "cross_area",
    "cross_level",
];

/// A code from a newer server reads as "other" rather than as a bare key.
fn known_key(prefix: &str, known: &[&str], code: &str) -> String {
    if known.contains(&code) {
        format!("{prefix}.{code}")
    } else {
        format!("{prefix}.other")
    }
}

pub fn warning_key(code: &str) -> String {
    known_key("work.warning", &WARNINGS, code)
}

pub fn notice_key(event: &str) -> String {
    known_key("work.notice", &NOTICE_EVENTS, event)
}

pub fn ladder_reason_key(reason: &str) -> String {
    known_key("work.ladder_reason", &LADDER_REASONS, reason)
}

/// The entity tag of a version, as the server sends it in `ETag`.
pub fn if_match(version: i64) -> String {
    format!("\"{version}\"")
}

/// Someone changed the ticket since this page read it.
pub fn is_stale(error: &ApiError) -> bool {
    error.code() == Some(ErrorCode::PreconditionFailed)
}

/// The warnings of a reply the server held back for want of an override reason.
pub fn quality_warnings(error: &ApiError) -> Option<Vec<String>> {
    match error {
        ApiError::Api { body, .. } if body.code == ErrorCode::ReplyQuality => Some(body.warnings.clone()),
        _ => None,
    }
}

/// Overdue first; otherwise the server's order (not yet signed for, then nearest deadline).
pub fn overdue_first(items: &mut [InboxItem]) {
    items.sort_by_key(|i| !i.overdue);
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use super::{if_match, Inbox, InboxState, Moved, ReplyCheck};
    use crate::api::{call, decode, ApiError};
    use crate::dom;
    use serde_json::{json, Value};
    use shared::handling::NotificationList;

    /// The sessionStorage key `staff_api` keeps the session's CSRF token under.
    const CSRF_KEY: &str = "huiyin.csrf";

    /// A change, with the version it was made against when it changes the ticket itself.
    async fn send(path: &str, version: Option<i64>, body: Value) -> Result<String, ApiError> {
        let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
        let tag = version.map(if_match);
        let mut headers = vec![("X-CSRF-Token", csrf.as_str())];
        if let Some(tag) = &tag {
            headers.push(("If-Match", tag.as_str()));
        }
        call("POST", path, &headers, Some(body.to_string())).await
    }

    pub async fn inbox(state: InboxState) -> Result<Inbox, ApiError> {
        decode(&call("GET", &format!("/api/v1/workbench/inbox?state={}", state.as_str()), &[], None).await?)
    }

    /// 签收.
    pub async fn accept(no: String, version: i64) -> Result<Moved, ApiError> {
        decode(&send(&format!("/api/v1/tickets/{no}/accept"), Some(version), json!({})).await?)
    }

    /// A progress note; `public` ones reach the citizen's timeline.
    /// `photos`: ids of the ticket's handlers' photos the note carries (published with a public one).
    pub async fn note(
        no: String,
        version: i64,
        text: String,
        public: bool,
        photos: Vec<String>,
    ) -> Result<Moved, ApiError> {
        let body = json!({ "text": text, "public": public, "photos": photos });
        decode(&send(&format!("/api/v1/tickets/{no}/notes"), Some(version), body).await?)
    }

    pub async fn check_reply(no: String, text: String) -> Result<ReplyCheck, ApiError> {
        decode(&send(&format!("/api/v1/tickets/{no}/reply/check"), None, json!({ "text": text })).await?)
    }

    /// 答复. Without `override_reason` a draft with warnings is refused (422 `reply_quality`).
    pub async fn reply(
        no: String,
        version: i64,
        text: String,
        override_reason: Option<String>,
        photos: Vec<String>,
    ) -> Result<Moved, ApiError> {
        let body = json!({ "text": text, "override_reason": override_reason, "photos": photos });
        decode(&send(&format!("/api/v1/tickets/{no}/reply"), Some(version), body).await?)
    }

    /// 延期申请: a supervisor decides.
    pub async fn request_extension(no: String, days: Option<i64>, reason: String) -> Result<(), ApiError> {
        let body = json!({ "days": days, "reason": reason });
        send(&format!("/api/v1/tickets/{no}/extensions"), None, body).await.map(drop)
    }

    /// 协办意见: a co-handler's part, for the lead's reply.
    pub async fn submit_part(no: String, text: String) -> Result<(), ApiError> {
        send(&format!("/api/v1/tickets/{no}/parts"), None, json!({ "text": text })).await.map(drop)
    }

    pub async fn notifications() -> Result<NotificationList, ApiError> {
        decode(&call("GET", "/api/v1/notifications", &[], None).await?)
    }

    /// Mark these messages read (`None`: all of them); answers the list as it is now.
    pub async fn mark_read(ids: Option<Vec<i64>>) -> Result<NotificationList, ApiError> {
        let body = match ids {
            Some(ids) => json!({ "ids": ids }),
            None => json!({}),
        };
        decode(&send("/api/v1/notifications/read", None, body).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use shared::error::ApiErrorBody;

    #[test]
    fn every_code_and_event_is_translated_and_unknown_ones_read_as_other() {
        let mut keys: Vec<String> = WARNINGS.iter().map(|c| warning_key(c)).collect();
        keys.extend(NOTICE_EVENTS.iter().map(|e| notice_key(e)));
        keys.extend(LADDER_REASONS.iter().map(|r| ladder_reason_key(r)));
        keys.extend(["work.warning.other", "work.notice.other", "work.ladder_reason.other"].map(str::to_owned));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?} lacks {key}");
            }
        }
        assert_eq!(warning_key("something_new"), "work.warning.other");
        assert_eq!(notice_key("ladder_urge"), "work.notice.ladder_urge");
    }

    #[test]
    fn stale_writes_and_held_back_replies_are_recognised() {
        let stale = ApiError::from_response(412, r#"{"code":"precondition_failed","message":"reload"}"#);
        assert!(is_stale(&stale));
        assert_eq!(quality_warnings(&stale), None);
        let held = ApiError::from_response(
            422,
            r#"{"code":"reply_quality","message":"m","fields":{"override_reason":{"code":"required","message":"m"}},
               "warnings":["personal_data","missing_parts"]}"#,
        );
        assert!(!is_stale(&held));
        assert_eq!(quality_warnings(&held), Some(vec!["personal_data".into(), "missing_parts".into()]));
        let plain = ApiError::Api { status: 409, body: ApiErrorBody::new(ErrorCode::Conflict, "no") };
        assert_eq!(quality_warnings(&plain), None);
        assert_eq!(if_match(7), "\"7\"");
    }

    #[test]
    fn overdue_work_comes_first_and_the_rest_keeps_the_servers_order() {
        let item = |no: &str, overdue| InboxItem {
            tracking_no: no.into(),
            title: String::new(),
            category: "01".into(),
            status: Status::Dispatched,
            urgency: Default::default(),
            part: shared::staff_view::Part::Lead,
            dispatched_at: None,
            response_due: None,
            resolution_due: None,
            accepted_at: None,
            parts_in: 0,
            pending_extension: false,
            listed: false,
            overdue,
            version: 1,
        };
        let mut items = vec![item("a", false), item("b", true), item("c", false), item("d", true)];
        overdue_first(&mut items);
        let order: Vec<_> = items.iter().map(|i| i.tracking_no.as_str()).collect();
        assert_eq!(order, ["b", "d", "a", "c"]);
    }
}
