//! A department's work on a ticket (承办): accept, progress notes, extension requests, co-handlers'
//! parts, the reply, and what the citizen may do after it. Inputs are parsed here so the Worker
//! and the app refuse the same things with the same field names.

use crate::dispatch::Urgency;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::staff_view::Part;
use crate::status::Status;
use crate::text::bounded;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A progress note (办理进展): internal to staff, or public on the citizen's timeline.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NoteInput {
    pub text: Option<String>,
    pub public: Option<bool>,
    /// Ids of this ticket's handlers' photos (`shared::photo::parse_refs`); a public note publishes them.
    #[serde(default)]
    pub photos: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressNote {
    pub text: String,
    pub public: bool,
}

impl ProgressNote {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(input: &NoteInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = bounded(&mut errors, "text", input.text.as_deref(), 2, Self::MAX_CHARS);
        errors.finish(|| ProgressNote { text: text.unwrap_or_default(), public: input.public.unwrap_or(false) })
    }
}

/// 延期申请: more working days, with a reason a supervisor reads.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ExtensionInput {
    pub days: Option<i64>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRequest {
    pub days: u32,
    pub reason: String,
}

impl ExtensionRequest {
    /// At most two months of working days; longer means the case needs 督办, not a delay.
    pub const MAX_DAYS: u32 = 40;

    pub fn parse(input: &ExtensionInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let days = match input.days {
            None => {
                errors.add("days", FieldErrorCode::Required, "how many working days more");
                0
            }
            Some(d) if (1..=i64::from(Self::MAX_DAYS)).contains(&d) => d as u32,
            Some(d) => {
                let limit = if d < 1 { 1 } else { Self::MAX_DAYS };
                errors.add_with_limit(
                    "days",
                    FieldErrorCode::OutOfRange,
                    format!("1 to {} working days", Self::MAX_DAYS),
                    Some(limit),
                );
                0
            }
        };
        let reason = bounded(&mut errors, "reason", input.reason.as_deref(), 5, 500);
        errors.finish(|| ExtensionRequest { days, reason: reason.unwrap_or_default() })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ExtensionDecisionInput {
    pub approve: Option<bool>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionDecision {
    pub approve: bool,
    pub note: Option<String>,
}

impl ExtensionDecision {
    /// A refusal must say why: the department has to plan around it.
    pub fn parse(input: &ExtensionDecisionInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let approve = input.approve.unwrap_or_else(|| {
            errors.add("approve", FieldErrorCode::Required, "approve or refuse");
            false
        });
        let note = if approve {
            crate::text::optional(&mut errors, "note", input.note.as_deref(), 500)
        } else if input.approve.is_some() {
            bounded(&mut errors, "note", input.note.as_deref(), 2, 500)
        } else {
            None
        };
        errors.finish(|| ExtensionDecision { approve, note })
    }
}

/// A co-handler's part (协办意见) or the lead's reply (答复).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReplyInput {
    pub text: Option<String>,
    /// Send although the quality check warned; the reason is kept and counted.
    pub override_reason: Option<String>,
    /// Ids of this ticket's handlers' photos, published with the reply.
    #[serde(default)]
    pub photos: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyText {
    pub text: String,
    pub override_reason: Option<String>,
}

impl ReplyText {
    pub const MAX_CHARS: usize = 4000;

    pub fn parse(input: &ReplyInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = bounded(&mut errors, "text", input.text.as_deref(), 2, Self::MAX_CHARS);
        let override_reason =
            crate::text::optional(&mut errors, "override_reason", input.override_reason.as_deref(), 500)
                .filter(|r| !r.is_empty());
        if let Some(r) = &override_reason {
            if r.chars().count() < 5 {
                errors.add_with_limit("override_reason", FieldErrorCode::TooShort, "say why, in a few words", Some(5));
            }
        }
        errors.finish(|| ReplyText { text: text.unwrap_or_default(), override_reason })
    }
}

/// A phone reminder (电话催办) a supervisor or dispatcher made: who answered and what was promised.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReminderInput {
    pub outcome: Option<String>,
}

pub fn parse_reminder(input: &ReminderInput) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let outcome = bounded(&mut errors, "outcome", input.outcome.as_deref(), 2, 500);
    errors.finish(|| outcome.unwrap_or_default())
}

/// The citizen, after the reply: reopen (reason required) or add information.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CitizenFollowUpInput {
    pub reason: Option<String>,
    pub text: Option<String>,
}

pub fn parse_reopen(input: &CitizenFollowUpInput) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = bounded(&mut errors, "reason", input.reason.as_deref(), 5, 1000);
    errors.finish(|| reason.unwrap_or_default())
}

pub fn parse_more_info(input: &CitizenFollowUpInput) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = bounded(&mut errors, "text", input.text.as_deref(), 2, 2000);
    errors.finish(|| text.unwrap_or_default())
}

/// How long after the reply the citizen may still reopen or add to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpSettings {
    pub window_days: u32,
}

impl Default for FollowUpSettings {
    fn default() -> Self {
        FollowUpSettings { window_days: 15 }
    }
}

impl FollowUpSettings {
    /// Until when the citizen may follow up a ticket replied at `replied_at`; `None` when the
    /// ticket is not (or no longer) in a state that allows it.
    pub fn open_until(&self, status: Status, replied_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        if !matches!(status, Status::Replied | Status::Closed) {
            return None;
        }
        replied_at.map(|at| at + Duration::days(i64::from(self.window_days)))
    }

    pub fn allows(&self, status: Status, replied_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        self.open_until(status, replied_at).is_some_and(|until| now <= until)
    }
}

/// One line of a department's inbox (待办).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub urgency: Urgency,
    pub part: Part,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The co-handler has sent its part (for the lead: how many parts are in).
    pub parts_in: u32,
    pub pending_extension: bool,
    pub listed: bool,
    pub overdue: bool,
    pub version: i64,
}

impl InboxItem {
    /// Overdue: not accepted by the response deadline, or not answered by the resolution deadline.
    pub fn is_overdue(
        status: Status,
        accepted_at: Option<DateTime<Utc>>,
        response_due: Option<DateTime<Utc>>,
        resolution_due: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> bool {
        if !status.is_open() {
            return false;
        }
        let late_accept = accepted_at.is_none() && response_due.is_some_and(|d| now > d);
        late_accept || resolution_due.is_some_and(|d| now > d)
    }
}

/// A department's part or reply as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartView {
    pub department: String,
    pub part: String,
    pub text: String,
    pub author: String,
    pub at: DateTime<Utc>,
    pub warnings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

/// An extension request as supervisors and the department see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtensionView {
    pub id: i64,
    pub tracking_no: String,
    pub title: String,
    pub department: String,
    pub days: u32,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_due: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_note: Option<String>,
}

/// A step of the supervision ladder on record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    pub key: String,
    pub tracking_no: Option<String>,
    pub title: Option<String>,
    pub stage: String,
    pub reason: String,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub status: Option<Status>,
}

/// A 催办 record: a letter the system sent or a phone call someone made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReminderView {
    pub department: String,
    pub method: String,
    pub by_whom: String,
    pub at: DateTime<Utc>,
    pub outcome: String,
}

/// A case under listed supervision (挂牌督办), as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedCase {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub listed_at: DateTime<Utc>,
    pub reason: String,
    pub lead_name: Option<String>,
    pub resolution_due: Option<DateTime<Utc>>,
}

/// A message in a staff member's notification centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub event: String,
    pub tracking_no: Option<String>,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationList {
    pub unread: u32,
    pub items: Vec<NotificationView>,
}

/// An outbox message as admins see it (dead letters first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxView {
    pub id: String,
    pub event: String,
    pub department: String,
    pub url: String,
    pub state: String,
    pub attempts: u32,
    pub next_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn notes_extensions_and_replies_name_their_fields() {
        let e = ProgressNote::parse(&NoteInput { text: Some(" ".into()), public: None, photos: None }).unwrap_err();
        assert!(e.get("text").is_some());
        let ok =
            ProgressNote::parse(&NoteInput {
                text: Some("已派人到现场".into()), public: Some(true), photos: None
            })
            .unwrap();
        assert!(ok.public);

        let e = ExtensionRequest::parse(&ExtensionInput { days: Some(0), reason: None }).unwrap_err();
        assert_eq!(e.get("days").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
        assert_eq!(e.get("reason").map(|e| e.code), Some(FieldErrorCode::Required));
        let ok =
            ExtensionRequest::parse(&ExtensionInput { days: Some(5), reason: Some("需要协调施工方".into()) });
        assert_eq!(ok.unwrap().days, 5);

        let e = ExtensionDecision::parse(&ExtensionDecisionInput { approve: Some(false), note: None }).unwrap_err();
        assert!(e.get("note").is_some(), "a refusal says why");
        assert!(ExtensionDecision::parse(&ExtensionDecisionInput { approve: Some(true), note: None }).is_ok());
        assert!(ExtensionDecision::parse(&ExtensionDecisionInput::default()).unwrap_err().get("approve").is_some());

        let e = ReplyText::parse(&ReplyInput {
            text: Some("已处理完毕".into()),
            override_reason: Some("急".into()),
            photos: None,
        })
        .unwrap_err();
        assert_eq!(e.get("override_reason").map(|e| e.code), Some(FieldErrorCode::TooShort));
        let ok = ReplyText::parse(&ReplyInput {
            text: Some("已处理完毕".into()),
            override_reason: Some(" ".into()),
            photos: None,
        });
        assert_eq!(ok.unwrap().override_reason, None, "a blank reason is no override");
    }

    #[test]
    fn the_follow_up_window_starts_at_the_reply() {
        let settings = FollowUpSettings { window_days: 15 };
        let replied = Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap();
        let inside = replied + Duration::days(15);
        let outside = inside + Duration::seconds(1);
        assert!(settings.allows(Status::Replied, Some(replied), inside));
        assert!(!settings.allows(Status::Replied, Some(replied), outside));
        assert!(settings.allows(Status::Closed, Some(replied), replied));
        assert!(!settings.allows(Status::InProgress, Some(replied), replied), "only after a reply");
        assert!(!settings.allows(Status::Replied, None, replied));
    }

    #[test]
    fn overdue_means_late_to_accept_or_late_to_answer() {
        let t = |h| Utc.with_ymd_and_hms(2026, 11, 2, h, 0, 0).unwrap();
        let (resp, res) = (Some(t(4)), Some(t(10)));
        assert!(!InboxItem::is_overdue(Status::Dispatched, None, resp, res, t(3)));
        assert!(InboxItem::is_overdue(Status::Dispatched, None, resp, res, t(5)));
        assert!(!InboxItem::is_overdue(Status::Accepted, Some(t(5)), resp, res, t(6)));
        assert!(InboxItem::is_overdue(Status::InProgress, Some(t(5)), resp, res, t(11)));
        assert!(!InboxItem::is_overdue(Status::Replied, Some(t(5)), resp, res, t(11)), "answered is not overdue");
    }
}
