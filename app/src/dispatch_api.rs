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

/// Merge `duplicate` into `master`: the duplicate closes and follows the master.
pub async fn merge(duplicate: String, master: String, version: Option<i64>) -> Result<Merged, ApiError> {
    let body = json!({ "master": master, "version": version });
    decode(&send("POST", &format!("/api/v1/tickets/{duplicate}/merge"), body).await?)
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
