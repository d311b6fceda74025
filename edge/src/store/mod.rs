//! All SQL of the Worker, one file per subject. A change and its audit event are always
//! written in one batch (one transaction).

mod analytics;
mod casework;
mod channels;
mod dispatch;
mod erasure;
mod evaluation;
mod followers;
mod handling;
mod ladder;
mod notify;
mod open311;
mod photos;
mod staff;
mod staff_tickets;
mod subscriptions;
mod tickets;

pub use analytics::{DailyCount, Slice, StoredAlert};
pub use casework::*;
pub use dispatch::DispatchWrite;
pub use erasure::Erasure;
pub use evaluation::{AssessmentRow, RatingRecord};
pub use followers::{FollowerHit, MeTooOutcome, NewFollower};
pub use handling::{ExtensionDecisionRecord, InboxState, PartRecord, ReminderRecord, TicketChange};
pub use ladder::{OpenCase, StepRecord};
pub use notify::{DueMessage, Notice};
pub use photos::{NewPhoto, PhotoInsert, PhotoRecord};
pub use staff::*;
pub use staff_tickets::TicketQuery;
pub use subscriptions::{DueCitizenMessage, SubscribeOutcome};
pub use tickets::*;

use chrono::{DateTime, SecondsFormat, Utc};
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1Result};

pub struct Store {
    db: D1Database,
}

impl Store {
    pub fn new(db: D1Database) -> Self {
        Self { db }
    }
}

#[derive(Debug)]
pub struct StoreError(pub String);

impl From<worker::Error> for StoreError {
    fn from(e: worker::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<StoreError> for crate::error::ApiError {
    fn from(e: StoreError) -> Self {
        crate::error::ApiError::Store(e.0)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

pub(crate) fn time(t: &DateTime<Utc>) -> JsValue {
    JsValue::from_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

pub(crate) fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

pub(crate) fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

pub(crate) fn opt_real(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

pub(crate) fn flag(b: bool) -> JsValue {
    JsValue::from_f64(if b { 1.0 } else { 0.0 })
}

/// Rows a statement changed, as D1 reports it (no report counts as none).
pub(crate) fn changed(result: &D1Result) -> StoreResult<usize> {
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
}

/// Rows the first statement of a batch changed; a batch without that report counts as none.
pub(crate) fn first_changed(results: &[D1Result]) -> usize {
    results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0)
}

pub(crate) fn parse_time(raw: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError(format!("stored time {raw:?}: {e}")))
}
