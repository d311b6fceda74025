//! The department's work on a ticket: accept, notes, parts, the reply, extensions, the
//! citizen's follow-ups, and the department inbox. Every change to the ticket row is guarded by
//! the version the caller saw (`write_guard`), in one batch with its events and audit entry.

use super::{opt_text, parse_time, text, time, Audit, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::dispatch::Urgency;
use shared::handling::{ExtensionView, InboxItem, PartView, ReminderView, StepView};
use shared::ids::TicketId;
use shared::staff_view::Part;
use shared::status::Status;
use shared::ticket::TicketEvent;
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

fn num(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn opt_time(t: Option<&DateTime<Utc>>) -> JsValue {
    t.map_or(JsValue::NULL, time)
}

fn parse_opt(raw: Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    raw.as_deref().map(parse_time).transpose()
}

/// What a guarded change sets on the ticket row besides status, version and `updated_at`.
#[derive(Default)]
pub struct TicketChange<'a> {
    pub accepted_at: Option<&'a DateTime<Utc>>,
    pub progress_at: Option<&'a DateTime<Utc>>,
    pub replied_at: Option<&'a DateTime<Utc>>,
    pub closed_at: Option<&'a DateTime<Utc>>,
    /// Reopen: count it and restart the clocks from these deadlines.
    pub reopened_with: Option<(&'a DateTime<Utc>, &'a DateTime<Utc>)>,
}

#[derive(Deserialize)]
struct InboxRow {
    tracking_no: String,
    title: String,
    category: String,
    status: String,
    urgency: String,
    part: String,
    dispatched_at: Option<String>,
    response_due_at: Option<String>,
    resolution_due_at: Option<String>,
    accepted_at: Option<String>,
    listed_at: Option<String>,
    version: i64,
    parts_in: i64,
    pending_extension: i64,
}

/// A co-handler's part or the lead's reply, as stored.
#[derive(Clone, Copy)]
pub struct PartRecord<'a> {
    pub department: &'a str,
    pub part: Part,
    pub text: &'a str,
    pub author: &'a str,
    pub at: &'a DateTime<Utc>,
    /// Wire codes of the reply check's warnings the author saw.
    pub warnings: &'a [String],
    pub override_reason: Option<&'a str>,
}

#[derive(Clone, Copy)]
pub struct ExtensionDecisionRecord<'a> {
    pub id: i64,
    pub ticket: &'a TicketId,
    pub approve: bool,
    pub days: u32,
    pub new_due: Option<&'a DateTime<Utc>>,
    pub note: Option<&'a str>,
}

/// A 催办 record: a letter (by the system) or a phone call (by a person).
#[derive(Clone, Copy)]
pub struct ReminderRecord<'a> {
    pub step_key: Option<&'a str>,
    pub department: &'a str,
    pub method: &'a str,
    pub by: &'a str,
    pub at: &'a DateTime<Utc>,
    pub outcome: &'a str,
}

/// Which tickets an inbox lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxState {
    /// Work owed: dispatched, accepted, in progress, reopened.
    Open,
    /// Answered: replied or closed, most recent first.
    Answered,
}

impl Store {
    /// Move the ticket to `to` if it is still at `expected_version`; the guard aborts the batch
    /// otherwise. The events, audit entry and `extra` statements are written with it or not at all.
    pub fn guarded_change(
        &self,
        ticket: &TicketId,
        expected_version: i64,
        to: Status,
        at: &DateTime<Utc>,
        change: &TicketChange<'_>,
        events: &[TicketEvent],
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        let (reopened, response_due, resolution_due) = match change.reopened_with {
            Some((r, s)) => (1.0, time(r), time(s)),
            None => (0.0, JsValue::NULL, JsValue::NULL),
        };
        let mut statements = vec![
            self.db
                .prepare(
                    "UPDATE tickets SET status = ?1, updated_at = ?2, version = version + 1, \
                     accepted_at = CASE WHEN ?3 IS NULL THEN accepted_at ELSE ?3 END, \
                     last_progress_at = COALESCE(?4, last_progress_at), \
                     replied_at = COALESCE(?5, replied_at), closed_at = COALESCE(?6, closed_at), \
                     reopen_count = reopen_count + ?7, \
                     response_due_at = COALESCE(?8, response_due_at), \
                     resolution_due_at = COALESCE(?9, resolution_due_at) \
                     WHERE id = ?10 AND version = ?11",
                )
                .bind(&[
                    text(to.as_str()),
                    time(at),
                    opt_time(change.accepted_at),
                    opt_time(change.progress_at),
                    opt_time(change.replied_at),
                    opt_time(change.closed_at),
                    JsValue::from_f64(reopened),
                    response_due,
                    resolution_due,
                    text(ticket.as_str()),
                    num(expected_version),
                ])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
        ];
        if change.reopened_with.is_some() {
            // Back to the same lead, to be signed for again.
            statements.push(
                self.db
                    .prepare("UPDATE tickets SET accepted_at = NULL WHERE id = ?1")
                    .bind(&[text(ticket.as_str())])?,
            );
        }
        for e in events {
            statements.push(self.insert_event(ticket, e)?);
        }
        Ok(statements)
    }

    /// An event on the trail without moving the ticket (parts, extension requests, added info).
    pub fn event_statement(&self, ticket: &TicketId, event: &TicketEvent) -> StoreResult<D1PreparedStatement> {
        self.insert_event(ticket, event)
    }

    pub fn part_statement(&self, ticket: &TicketId, p: &PartRecord<'_>) -> StoreResult<D1PreparedStatement> {
        let PartRecord { department, part, text: body, author, at, warnings, override_reason } = *p;
        let part = match part {
            Part::Lead => "reply",
            Part::Co => "co",
        };
        Ok(self
            .db
            .prepare(
                "INSERT INTO ticket_parts (ticket_id, department, part, text, author, at, warnings, override_reason) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(&[
                text(ticket.as_str()),
                text(department),
                text(part),
                text(body),
                text(author),
                time(at),
                text(&serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into())),
                opt_text(override_reason),
            ])?)
    }

    pub async fn parts_of(&self, ticket: &TicketId) -> StoreResult<Vec<PartView>> {
        #[derive(Deserialize)]
        struct Row {
            department: String,
            part: String,
            text: String,
            author: String,
            at: String,
            warnings: String,
            override_reason: Option<String>,
        }
        let rows = self
            .db
            .prepare(
                "SELECT department, part, text, author, at, warnings, override_reason FROM ticket_parts \
                 WHERE ticket_id = ?1 ORDER BY id",
            )
            .bind(&[text(ticket.as_str())])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(PartView {
                    department: r.department,
                    part: r.part,
                    text: r.text,
                    author: r.author,
                    at: parse_time(&r.at)?,
                    warnings: serde_json::from_str(&r.warnings).unwrap_or_default(),
                    override_reason: r.override_reason,
                })
            })
            .collect()
    }

    pub fn extension_request_statement(
        &self,
        ticket: &TicketId,
        department: &str,
        days: u32,
        reason: &str,
        by: &str,
        at: &DateTime<Utc>,
    ) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(
                "INSERT INTO extensions (ticket_id, department, days, reason, requested_by, requested_at, state) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
            )
            .bind(&[text(ticket.as_str()), text(department), num(i64::from(days)), text(reason), text(by), time(at)])?)
    }

    /// Decide a pending extension; the guard fails the batch if someone decided it first. An
    /// approval moves the resolution deadline in the same batch.
    pub fn extension_decision_statements(
        &self,
        d: &ExtensionDecisionRecord<'_>,
        audit: &Audit,
        event: &TicketEvent,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        let ExtensionDecisionRecord { id, ticket, approve, days, new_due, note } = *d;
        let state = if approve { "approved" } else { "refused" };
        let mut statements = vec![
            self.db
                .prepare(
                    "UPDATE extensions SET state = ?1, decided_by = ?2, decided_at = ?3, decision_note = ?4 \
                     WHERE id = ?5 AND state = 'pending'",
                )
                .bind(&[text(state), text(&audit.actor), time(&audit.at), opt_text(note), num(id)])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
        ];
        if approve {
            statements.push(
                self.db
                    .prepare(
                        "UPDATE tickets SET extension_days = extension_days + ?1, resolution_due_at = ?2, \
                         version = version + 1, updated_at = ?3 WHERE id = ?4",
                    )
                    .bind(&[num(i64::from(days)), opt_time(new_due), time(&audit.at), text(ticket.as_str())])?,
            );
        }
        statements.push(self.insert_event(ticket, event)?);
        statements.push(self.audit_statement(audit)?);
        Ok(statements)
    }

    /// Extensions in `state` (supervisors' queue), or every extension of one ticket.
    pub async fn extensions(&self, state: Option<&str>, ticket: Option<&TicketId>) -> StoreResult<Vec<ExtensionView>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            tracking_no: String,
            title: String,
            department: String,
            days: i64,
            reason: String,
            requested_by: String,
            requested_at: String,
            state: String,
            resolution_due_at: Option<String>,
            decision_note: Option<String>,
        }
        let rows = self
            .db
            .prepare(
                "SELECT e.id, t.tracking_no, t.title, e.department, e.days, e.reason, e.requested_by, e.requested_at, \
                 e.state, t.resolution_due_at, e.decision_note FROM extensions e JOIN tickets t ON t.id = e.ticket_id \
                 WHERE (?1 IS NULL OR e.state = ?1) AND (?2 IS NULL OR e.ticket_id = ?2) \
                 ORDER BY e.requested_at LIMIT 200",
            )
            .bind(&[opt_text(state), opt_text(ticket.map(TicketId::as_str))])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(ExtensionView {
                    id: r.id,
                    tracking_no: r.tracking_no,
                    title: r.title,
                    department: r.department,
                    days: u32::try_from(r.days).unwrap_or(0),
                    reason: r.reason,
                    requested_by: r.requested_by,
                    requested_at: parse_time(&r.requested_at)?,
                    state: r.state,
                    resolution_due: parse_opt(r.resolution_due_at)?,
                    decision_note: r.decision_note,
                })
            })
            .collect()
    }

    /// One extension and the ticket it belongs to.
    pub async fn extension(&self, id: i64) -> StoreResult<Option<(ExtensionView, TicketId)>> {
        #[derive(Deserialize)]
        struct Row {
            ticket_id: String,
        }
        let row: Option<Row> =
            self.db.prepare("SELECT ticket_id FROM extensions WHERE id = ?1").bind(&[num(id)])?.first(None).await?;
        let Some(row) = row else { return Ok(None) };
        let ticket = TicketId::from_stored(row.ticket_id);
        let found = self.extensions(None, Some(&ticket)).await?.into_iter().find(|e| e.id == id);
        Ok(found.map(|e| (e, ticket)))
    }

    /// A department's work orders, overdue first within the open ones.
    pub async fn inbox(
        &self,
        department: &str,
        state: InboxState,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<InboxItem>> {
        let (statuses, order) = match state {
            InboxState::Open => (
                "'dispatched', 'accepted', 'in_progress', 'reopened'",
                "COALESCE(t.accepted_at IS NULL, 0) DESC, COALESCE(t.resolution_due_at, t.created_at)",
            ),
            InboxState::Answered => ("'replied', 'closed'", "t.updated_at DESC"),
        };
        let rows = self
            .db
            .prepare(format!(
                "SELECT t.tracking_no, t.title, t.category, t.status, t.urgency, d.part, t.dispatched_at, \
                 t.response_due_at, t.resolution_due_at, t.accepted_at, t.listed_at, t.version, \
                 (SELECT COUNT(DISTINCT p.department) FROM ticket_parts p WHERE p.ticket_id = t.id AND p.part = 'co' \
                    AND (d.part = 'lead' OR p.department = d.department)) AS parts_in, \
                 EXISTS (SELECT 1 FROM extensions e WHERE e.ticket_id = t.id AND e.state = 'pending') AS pending_extension \
                 FROM ticket_departments d JOIN tickets t ON t.id = d.ticket_id \
                 WHERE d.department = ?1 AND t.status IN ({statuses}) ORDER BY {order} LIMIT ?2"
            ))
            .bind(&[text(department), num(i64::from(limit))])?
            .all()
            .await?
            .results::<InboxRow>()?;
        rows.into_iter()
            .map(|r| {
                let status = Status::parse(&r.status).ok_or_else(|| StoreError(format!("status {:?}", r.status)))?;
                let accepted_at = parse_opt(r.accepted_at)?;
                let response_due = parse_opt(r.response_due_at)?;
                let resolution_due = parse_opt(r.resolution_due_at)?;
                Ok(InboxItem {
                    overdue: InboxItem::is_overdue(status, accepted_at, response_due, resolution_due, now),
                    tracking_no: r.tracking_no,
                    title: r.title,
                    category: r.category,
                    status,
                    urgency: Urgency::parse(&r.urgency).unwrap_or_default(),
                    part: if r.part == "lead" { Part::Lead } else { Part::Co },
                    dispatched_at: parse_opt(r.dispatched_at)?,
                    response_due,
                    resolution_due,
                    accepted_at,
                    parts_in: u32::try_from(r.parts_in).unwrap_or(0),
                    pending_extension: r.pending_extension != 0,
                    listed: r.listed_at.is_some(),
                    version: r.version,
                })
            })
            .collect()
    }

    /// The SLA a ticket was dispatched with, to restart its clocks on reopen or extend them.
    pub async fn sla_of(&self, ticket: &TicketId) -> StoreResult<Option<(u32, u32, u32)>> {
        #[derive(Deserialize)]
        struct Row {
            sla_response_hours: Option<i64>,
            sla_resolution_days: Option<i64>,
            extension_days: i64,
            dispatched_at: Option<String>,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT sla_response_hours, sla_resolution_days, extension_days, dispatched_at FROM tickets WHERE id = ?1",
            )
            .bind(&[text(ticket.as_str())])?
            .first(None)
            .await?;
        Ok(row.and_then(|r| {
            let hours = u32::try_from(r.sla_response_hours?).ok()?;
            let days = u32::try_from(r.sla_resolution_days?).ok()?;
            r.dispatched_at.as_ref()?;
            Some((hours, days, u32::try_from(r.extension_days).unwrap_or(0)))
        }))
    }

    pub async fn dispatched_at(&self, ticket: &TicketId) -> StoreResult<Option<DateTime<Utc>>> {
        #[derive(Deserialize)]
        struct Row {
            dispatched_at: Option<String>,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT dispatched_at FROM tickets WHERE id = ?1")
            .bind(&[text(ticket.as_str())])?
            .first(None)
            .await?;
        parse_opt(row.and_then(|r| r.dispatched_at))
    }

    pub fn reminder_statement(&self, ticket: &TicketId, r: &ReminderRecord<'_>) -> StoreResult<D1PreparedStatement> {
        let ReminderRecord { step_key, department, method, by, at, outcome } = *r;
        Ok(self
            .db
            .prepare(
                "INSERT INTO reminders (ticket_id, step_key, department, method, by_whom, at, outcome) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .bind(&[
                text(ticket.as_str()),
                opt_text(step_key),
                text(department),
                text(method),
                text(by),
                time(at),
                text(outcome),
            ])?)
    }

    pub async fn reminders_of(&self, ticket: &TicketId) -> StoreResult<Vec<ReminderView>> {
        #[derive(Deserialize)]
        struct Row {
            department: String,
            method: String,
            by_whom: String,
            at: String,
            outcome: String,
        }
        let rows = self
            .db
            .prepare("SELECT department, method, by_whom, at, outcome FROM reminders WHERE ticket_id = ?1 ORDER BY id")
            .bind(&[text(ticket.as_str())])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(ReminderView {
                    department: r.department,
                    method: r.method,
                    by_whom: r.by_whom,
                    at: parse_time(&r.at)?,
                    outcome: r.outcome,
                })
            })
            .collect()
    }

    /// Ladder steps on record: of one ticket, or of one stage (newest first).
    pub async fn steps(
        &self,
        ticket: Option<&TicketId>,
        stage: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StepView>> {
        #[derive(Deserialize)]
        struct Row {
            key: String,
            tracking_no: Option<String>,
            title: Option<String>,
            stage: String,
            reason: String,
            at: String,
            supervisor: Option<String>,
            due_at: Option<String>,
            department: Option<String>,
            status: Option<String>,
        }
        let rows = self
            .db
            .prepare(
                "SELECT s.key, t.tracking_no, t.title, s.stage, s.reason, s.at, s.supervisor, s.due_at, s.department, \
                 t.status FROM supervision_steps s LEFT JOIN tickets t ON t.id = s.ticket_id \
                 WHERE (?1 IS NULL OR s.ticket_id = ?1) AND (?2 IS NULL OR s.stage = ?2) ORDER BY s.at DESC LIMIT ?3",
            )
            .bind(&[opt_text(ticket.map(TicketId::as_str)), opt_text(stage), num(i64::from(limit))])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(StepView {
                    key: r.key,
                    tracking_no: r.tracking_no,
                    title: r.title,
                    stage: r.stage,
                    reason: r.reason,
                    at: parse_time(&r.at)?,
                    supervisor: r.supervisor,
                    due_at: parse_opt(r.due_at)?,
                    department: r.department,
                    status: r.status.as_deref().and_then(Status::parse),
                })
            })
            .collect()
    }

    /// Per department: replies sent, and how many went out over the check's warnings.
    pub async fn reply_overrides(&self) -> StoreResult<Vec<serde_json::Value>> {
        #[derive(Deserialize)]
        struct Row {
            department: String,
            replies: i64,
            overridden: i64,
            warned: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT department, COUNT(*) AS replies, COUNT(override_reason) AS overridden, \
                 SUM(warnings <> '[]') AS warned FROM ticket_parts WHERE part = 'reply' \
                 GROUP BY department ORDER BY overridden DESC, department",
            )
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "department": r.department, "replies": r.replies, "overridden": r.overridden, "warned": r.warned
                })
            })
            .collect())
    }

    /// Cases under listed supervision, newest first; `lead_name` holds the lead's code.
    pub async fn listed_cases(&self, limit: u32) -> StoreResult<Vec<shared::handling::ListedCase>> {
        #[derive(Deserialize)]
        struct Row {
            tracking_no: String,
            title: String,
            category: String,
            status: String,
            listed_at: String,
            listed_reason: Option<String>,
            resolution_due_at: Option<String>,
            lead: Option<String>,
        }
        let rows = self
            .db
            .prepare(
                "SELECT t.tracking_no, t.title, t.category, t.status, t.listed_at, t.listed_reason, t.resolution_due_at, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead \
                 FROM tickets t WHERE t.listed_at IS NOT NULL ORDER BY t.listed_at DESC LIMIT ?1",
            )
            .bind(&[num(i64::from(limit))])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(shared::handling::ListedCase {
                    status: Status::parse(&r.status).ok_or_else(|| StoreError(format!("status {:?}", r.status)))?,
                    tracking_no: r.tracking_no,
                    title: r.title,
                    category: r.category,
                    listed_at: parse_time(&r.listed_at)?,
                    reason: r.listed_reason.unwrap_or_default(),
                    lead_name: r.lead,
                    resolution_due: parse_opt(r.resolution_due_at)?,
                })
            })
            .collect()
    }
}
