//! The dispatcher's and the supervisor's part of the API: the queue, dispatching, duplicates
//! and merging, unreasonable requests, consultation. Changes carry the session's CSRF token
//! like every other staff change (`staff_api` keeps it).

use crate::api::{call, decode, ApiError};
use crate::dom;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use shared::dispatch::QueueItem;
use shared::staff_view::StaffTicketDetail;

/// The sessionStorage key `staff_api` keeps the session's CSRF token under.
const CSRF_KEY: &str = "huiyin.csrf";

async fn send(method: &str, path: &str, body: Value) -> Result<String, ApiError> {
    let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
    call(method, path, &[("X-CSRF-Token", csrf.as_str())], Some(body.to_string())).await
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(&call("GET", path, &[], None).await?)
}

/// Requests waiting for a person, most urgent first, then oldest.
pub async fn queue() -> Result<Vec<QueueItem>, ApiError> {
    get("/api/v1/dispatch/queue").await
}

pub async fn ticket(no: String) -> Result<StaffTicketDetail, ApiError> {
    get(&format!("/api/v1/tickets/{no}")).await
}

/// What a dispatch did; the lead may differ from what was asked if the list filled it in.
#[derive(Debug, Clone, Deserialize)]
pub struct Dispatched {
    pub lead: String,
}

pub async fn dispatch(
    no: String,
    lead: String,
    co_handlers: Vec<String>,
    urgency: &'static str,
    version: i64,
) -> Result<Dispatched, ApiError> {
    let body = json!({ "lead": lead, "co_handlers": co_handlers, "urgency": urgency, "version": version });
    decode(&send("POST", &format!("/api/v1/tickets/{no}/dispatch"), body).await?)
}

/// A request that may report the same problem, best first.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Candidate {
    pub tracking_no: String,
    pub title: String,
    #[serde(default)]
    pub status: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Text similarity, 0 to 1.
    pub similarity: f64,
    #[serde(default)]
    pub distance_m: Option<f64>,
    pub days_apart: f64,
}

pub async fn duplicates(no: String) -> Result<Vec<Candidate>, ApiError> {
    get(&format!("/api/v1/tickets/{no}/duplicates")).await
}

#[derive(Debug, Clone, Deserialize)]
pub struct Merged {
    pub repeat_count: u32,
}

/// Merge `duplicate` into `master`: the duplicate closes and follows the master. Without a
/// version (a candidate the dispatcher did not open) the merge applies to whatever it is now.
pub async fn merge(duplicate: String, master: String, version: Option<i64>) -> Result<Merged, ApiError> {
    let path = format!("/api/v1/tickets/{duplicate}/merge");
    match version {
        Some(version) => decode(&send("POST", &path, json!({ "master": master, "version": version })).await?),
        None => {
            let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
            let headers = [("X-CSRF-Token", csrf.as_str()), ("If-Match", "*")];
            decode(&call("POST", &path, &headers, Some(json!({ "master": master }).to_string())).await?)
        }
    }
}

pub async fn propose_unreasonable(
    no: String,
    reason_code: Option<String>,
    note: Option<String>,
    version: i64,
) -> Result<(), ApiError> {
    let body = json!({ "reason_code": reason_code, "note": note, "version": version });
    send("POST", &format!("/api/v1/tickets/{no}/unreasonable"), body).await.map(drop)
}

/// A proposal that a request is unreasonable, waiting for a supervisor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Proposal {
    pub tracking_no: String,
    pub title: String,
    pub reason_code: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub proposed_by: Option<String>,
    #[serde(default)]
    pub proposed_at: Option<String>,
}

pub async fn proposals() -> Result<Vec<Proposal>, ApiError> {
    get("/api/v1/supervision/unreasonable").await
}

pub async fn decide_unreasonable(no: String, confirm: bool) -> Result<(), ApiError> {
    let body = json!({ "decision": if confirm { "confirm" } else { "reject" } });
    send("POST", &format!("/api/v1/tickets/{no}/unreasonable/decision"), body).await.map(drop)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reply {
    pub department: String,
    pub text: String,
    #[serde(default)]
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// One question to departments and their answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Thread {
    pub question: String,
    pub departments: Vec<String>,
    #[serde(default)]
    pub asked_by: Option<String>,
    pub asked_at: DateTime<Utc>,
    #[serde(default)]
    pub replies: Vec<Reply>,
}

pub async fn consultations(no: String) -> Result<Vec<Thread>, ApiError> {
    get(&format!("/api/v1/tickets/{no}/consultations")).await
}

pub async fn consult(no: String, departments: Vec<String>, question: String) -> Result<Thread, ApiError> {
    let body = json!({ "departments": departments, "question": question });
    decode(&send("POST", &format!("/api/v1/tickets/{no}/consultations"), body).await?)
}

/// One rule of the responsibility list with the id it is stored under.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RuleRow {
    pub id: i64,
    #[serde(flatten)]
    pub rule: shared::rules::Rule,
}

pub async fn rules() -> Result<Vec<RuleRow>, ApiError> {
    get("/api/v1/admin/rules").await
}

pub async fn create_rule(input: shared::rules::RuleInput) -> Result<Value, ApiError> {
    let body = serde_json::to_value(&input).unwrap_or_default();
    decode(&send("POST", "/api/v1/admin/rules", body).await?)
}

pub async fn delete_rule(id: i64) -> Result<(), ApiError> {
    let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
    call("DELETE", &format!("/api/v1/admin/rules/{id}"), &[("X-CSRF-Token", csrf.as_str())], None).await.map(drop)
}

/// Every leaf category × area × kind the list leaves without a lead, or with several.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Coverage {
    pub checked: usize,
    pub gaps: usize,
    #[serde(default)]
    pub items: Vec<shared::rules::CoverageGap>,
}

pub async fn coverage() -> Result<Coverage, ApiError> {
    get("/api/v1/admin/rules/coverage").await
}

pub async fn casework_settings() -> Result<shared::settings::CaseworkSettings, ApiError> {
    get("/api/v1/admin/settings/casework").await
}

pub async fn save_casework_settings(input: Value) -> Result<shared::settings::CaseworkSettings, ApiError> {
    decode(&send("PUT", "/api/v1/admin/settings/casework", input).await?)
}

pub async fn coordinators() -> Result<shared::dispatch::Coordinators, ApiError> {
    get("/api/v1/admin/settings/coordinators").await
}

pub async fn save_coordinators(
    enterprise: Option<String>,
    citizen: Option<String>,
) -> Result<shared::dispatch::Coordinators, ApiError> {
    let body = json!({ "enterprise": enterprise, "citizen": citizen });
    decode(&send("PUT", "/api/v1/admin/settings/coordinators", body).await?)
}

/// A lead's dispute of its responsibility, waiting for a decision.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OpenDispute {
    pub tracking_no: String,
    pub title: String,
    pub department: String,
    pub reason: String,
    #[serde(default)]
    pub filed_by: Option<String>,
    #[serde(default)]
    pub filed_at: Option<String>,
}

pub async fn disputes() -> Result<Vec<OpenDispute>, ApiError> {
    get("/api/v1/dispatch/disputes").await
}

/// Uphold (`Ok(new lead, co-handlers)`) or reject (`Err(reason)`) the open dispute on `no`.
pub async fn decide_dispute(no: String, decision: Result<(String, Vec<String>), String>) -> Result<(), ApiError> {
    let body = match decision {
        Ok((new_lead, co_handlers)) => {
            json!({ "decision": "uphold", "new_lead": new_lead, "co_handlers": co_handlers })
        }
        Err(reason) => json!({ "decision": "reject", "reason": reason }),
    };
    send("POST", &format!("/api/v1/tickets/{no}/disputes/decision"), body).await.map(drop)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Redispatches {
    pub department: String,
    pub redispatched_away: i64,
}

pub async fn redispatches() -> Result<Vec<Redispatches>, ApiError> {
    get("/api/v1/dispatch/redispatches").await
}

/// A department summoned by a street office that reported late or not at all.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LateWhistle {
    pub tracking_no: String,
    pub department: String,
    #[serde(default)]
    pub summoned_by: Option<String>,
    #[serde(default)]
    pub summoned_at: Option<String>,
    #[serde(default)]
    pub due_at: Option<String>,
    #[serde(default)]
    pub reported_at: Option<String>,
    /// `overdue` or `reported_late`.
    pub status: String,
}

pub async fn late_whistles() -> Result<Vec<LateWhistle>, ApiError> {
    get("/api/v1/supervision/whistles").await
}

/// The signed-in member's tickets, newest first: the API keeps department staff to their
/// own department's work.
pub async fn worklist() -> Result<Vec<shared::staff_view::StaffTicketSummary>, ApiError> {
    get("/api/v1/tickets?limit=50").await
}

/// The lead disputes its responsibility for `no`, with its reason.
pub async fn file_dispute(no: String, reason: String) -> Result<(), ApiError> {
    send("POST", &format!("/api/v1/tickets/{no}/disputes"), json!({ "reason": reason })).await.map(drop)
}

/// A department summoned by a street office reports in.
pub async fn report_in(no: String) -> Result<(), ApiError> {
    send("POST", &format!("/api/v1/tickets/{no}/whistle/report"), json!({})).await.map(drop)
}
