//! What the scheduled supervision reads and writes: open cases with their counts, the steps
//! already on record, and each new step with its effects in one batch whose first statement
//! claims the step's key (a second run fails on the key and changes nothing).

use super::{opt_text, parse_time, text, time, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::ids::TicketId;
use shared::status::Status;
use std::collections::HashSet;
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

fn num(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn opt(raw: Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    raw.as_deref().map(parse_time).transpose()
}

pub struct OpenCase {
    pub id: TicketId,
    pub tracking_no: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub last_progress_at: Option<DateTime<Utc>>,
    pub response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub repeat_count: u32,
    pub reopen_count: u32,
    pub lead: Option<String>,
    pub departments: Vec<String>,
    pub areas: u32,
    pub levels: u32,
}

#[derive(Deserialize)]
struct OpenRow {
    id: String,
    tracking_no: String,
    status: String,
    created_at: String,
    accepted_at: Option<String>,
    last_progress_at: Option<String>,
    response_due_at: Option<String>,
    resolution_due_at: Option<String>,
    repeat_count: i64,
    reopen_count: i64,
    lead: Option<String>,
    departments: Option<String>,
    areas: i64,
    levels: i64,
}

/// One step of the ladder, ready to record.
pub struct StepRecord<'a> {
    pub key: &'a str,
    pub ticket: Option<&'a TicketId>,
    pub stage: &'a str,
    pub reason: &'a str,
    pub at: &'a DateTime<Utc>,
    pub supervisor: Option<&'a str>,
    pub due_at: Option<&'a DateTime<Utc>>,
    pub department: Option<&'a str>,
}

impl Store {
    /// Dispatched tickets with work owed, soonest deadline first.
    pub async fn open_cases(&self, limit: u32, only: Option<&str>) -> StoreResult<Vec<OpenCase>> {
        // Only the levels of government count as "levels"; coordinators and the centre do not.
        let rows = self
            .db
            .prepare(
                "SELECT t.id, t.tracking_no, t.status, t.created_at, t.accepted_at, t.last_progress_at, \
                 t.response_due_at, t.resolution_due_at, t.repeat_count, t.reopen_count, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead, \
                 (SELECT group_concat(d.department, ' ') FROM ticket_departments d WHERE d.ticket_id = t.id) AS departments, \
                 (SELECT COUNT(DISTINCT p.area) FROM ticket_departments d JOIN departments p ON p.code = d.department \
                    WHERE d.ticket_id = t.id AND p.area IS NOT NULL) AS areas, \
                 (SELECT COUNT(DISTINCT p.level) FROM ticket_departments d JOIN departments p ON p.code = d.department \
                    WHERE d.ticket_id = t.id AND p.level IN ('city_bureau', 'district_bureau', 'street_office')) AS levels \
                 FROM tickets t WHERE t.status IN ('dispatched', 'accepted', 'in_progress', 'reopened') \
                 AND (?2 IS NULL OR t.tracking_no = ?2) ORDER BY t.resolution_due_at LIMIT ?1",
            )
            .bind(&[num(i64::from(limit)), opt_text(only)])?
            .all()
            .await?
            .results::<OpenRow>()?;
        rows.into_iter()
            .map(|r| {
                Ok(OpenCase {
                    status: Status::parse(&r.status).ok_or_else(|| StoreError(format!("status {:?}", r.status)))?,
                    id: TicketId::from_stored(r.id),
                    tracking_no: r.tracking_no,
                    created_at: parse_time(&r.created_at)?,
                    accepted_at: opt(r.accepted_at)?,
                    last_progress_at: opt(r.last_progress_at)?,
                    response_due: opt(r.response_due_at)?,
                    resolution_due: opt(r.resolution_due_at)?,
                    repeat_count: u32::try_from(r.repeat_count).unwrap_or(0),
                    reopen_count: u32::try_from(r.reopen_count).unwrap_or(0),
                    lead: r.lead,
                    departments: r
                        .departments
                        .map(|d| d.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect())
                        .unwrap_or_default(),
                    areas: u32::try_from(r.areas).unwrap_or(0),
                    levels: u32::try_from(r.levels).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Keys of steps already taken on open tickets, and of digests since `since`.
    pub async fn done_steps(&self, since: &DateTime<Utc>) -> StoreResult<HashSet<String>> {
        #[derive(Deserialize)]
        struct Row {
            key: String,
        }
        let rows = self
            .db
            .prepare(
                "SELECT s.key FROM supervision_steps s JOIN tickets t ON t.id = s.ticket_id \
                 WHERE t.status IN ('dispatched', 'accepted', 'in_progress', 'reopened') \
                 UNION ALL SELECT key FROM supervision_steps WHERE ticket_id IS NULL AND at >= ?1",
            )
            .bind(&[time(since)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| r.key).collect())
    }

    pub fn step_statement(&self, s: &StepRecord<'_>) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(
                "INSERT INTO supervision_steps (key, ticket_id, stage, reason, at, supervisor, due_at, department) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(&[
                text(s.key),
                opt_text(s.ticket.map(TicketId::as_str)),
                text(s.stage),
                text(s.reason),
                time(s.at),
                opt_text(s.supervisor),
                s.due_at.map_or(JsValue::NULL, time),
                opt_text(s.department),
            ])?)
    }

    pub fn list_statement(
        &self,
        ticket: &TicketId,
        reason: &str,
        at: &DateTime<Utc>,
    ) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare("UPDATE tickets SET listed_at = ?1, listed_reason = ?2 WHERE id = ?3 AND listed_at IS NULL")
            .bind(&[time(at), text(reason), text(ticket.as_str())])?)
    }

    /// 提级: the coordinator joins as co-handler and is recorded on the ticket.
    pub fn escalate_statements(
        &self,
        ticket: &TicketId,
        to: &str,
        at: &DateTime<Utc>,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        Ok(vec![
            self.db.prepare("UPDATE tickets SET escalated_at = ?1, escalated_to = ?2 WHERE id = ?3").bind(&[
                time(at),
                text(to),
                text(ticket.as_str()),
            ])?,
            self.db
                .prepare(
                    "INSERT OR IGNORE INTO ticket_departments (ticket_id, department, part, assigned_at) \
                     VALUES (?1, ?2, 'co', ?3)",
                )
                .bind(&[text(ticket.as_str()), text(to), time(at)])?,
        ])
    }

    /// Active supervisors with how many open 督办 each follows, least loaded first.
    pub async fn supervisors_by_load(&self) -> StoreResult<Vec<(String, String, u32)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            username: String,
            load: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT s.id, s.username, (SELECT COUNT(*) FROM supervision_steps p JOIN tickets t ON t.id = p.ticket_id \
                    WHERE p.supervisor = s.username AND p.stage = 'supervise' \
                    AND t.status IN ('dispatched', 'accepted', 'in_progress', 'reopened')) AS load \
                 FROM staff s WHERE s.role = 'supervisor' AND s.active = 1 ORDER BY load, s.username",
            )
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.id, r.username, u32::try_from(r.load).unwrap_or(0))).collect())
    }

    /// The department cases are raised to (the 12345 centre, which coordinates across departments).
    pub async fn coordinator(&self) -> StoreResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            code: String,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT code FROM departments WHERE level = 'centre' AND active = 1 ORDER BY code LIMIT 1")
            .first(None)
            .await?;
        Ok(row.map(|r| r.code))
    }

    /// Answered tickets whose follow-up window ended before `before`.
    pub async fn replied_before(
        &self,
        before: &DateTime<Utc>,
        limit: u32,
        only: Option<&str>,
    ) -> StoreResult<Vec<(TicketId, String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            tracking_no: String,
            version: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT id, tracking_no, version FROM tickets WHERE status = 'replied' AND replied_at < ?1 \
                 AND (?3 IS NULL OR tracking_no = ?3) ORDER BY replied_at LIMIT ?2",
            )
            .bind(&[time(before), num(i64::from(limit)), opt_text(only)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (TicketId::from_stored(r.id), r.tracking_no, r.version)).collect())
    }
}
