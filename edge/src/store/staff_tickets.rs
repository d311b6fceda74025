//! Tickets for staff: lists within a role's scope, and the departments on one ticket.

use super::{parse_time, text, Store, StoreError, StoreResult};
use serde::Deserialize;
use shared::dispatch::{DispatchMode, Urgency};
use shared::ids::TrackingNo;
use shared::request::RequestKind;
use shared::staff_view::{Part, StaffTicketSummary, TicketDepartment, TicketScope};
use shared::status::Status;
use worker::wasm_bindgen::JsValue;

pub struct TicketQuery<'a> {
    pub scope: &'a TicketScope,
    pub status: Option<Status>,
    /// Continue after this ticket (newest first).
    pub before: Option<&'a TrackingNo>,
    pub limit: u32,
}

const SUMMARY_COLUMNS: &str = "t.tracking_no, t.title, t.category, t.status, t.urgency, t.kind, t.area, t.created_at, \
     t.dispatch_mode, t.redispatch_count, \
     (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead";

#[derive(Deserialize)]
struct SummaryRow {
    tracking_no: String,
    title: String,
    category: String,
    status: String,
    urgency: String,
    kind: String,
    area: Option<String>,
    created_at: String,
    dispatch_mode: Option<String>,
    redispatch_count: i64,
    lead: Option<String>,
}

impl SummaryRow {
    fn into_summary(self) -> StoreResult<StaffTicketSummary> {
        let status =
            Status::parse(&self.status).ok_or_else(|| StoreError(format!("ticket {}: status", self.tracking_no)))?;
        Ok(StaffTicketSummary {
            status,
            urgency: Urgency::parse(&self.urgency).unwrap_or_default(),
            kind: RequestKind::parse(&self.kind).unwrap_or_default(),
            created_at: parse_time(&self.created_at)?,
            dispatch_mode: match self.dispatch_mode.as_deref() {
                Some("auto") => Some(DispatchMode::Auto),
                Some("manual") => Some(DispatchMode::Manual),
                _ => None,
            },
            redispatch_count: u32::try_from(self.redispatch_count).unwrap_or(0),
            tracking_no: self.tracking_no,
            title: self.title,
            category: self.category,
            area: self.area,
            lead: self.lead,
        })
    }
}

#[derive(Deserialize)]
struct DepartmentRow {
    department: String,
    part: String,
}

impl Store {
    /// Newest first. Conditions are added only when given, so each query shape can use its
    /// index (`tickets_by_status`, `ticket_departments_by_department`).
    pub async fn staff_tickets(&self, q: &TicketQuery<'_>) -> StoreResult<Vec<StaffTicketSummary>> {
        let mut conditions = Vec::new();
        let mut binds: Vec<JsValue> = Vec::new();
        match q.scope {
            TicketScope::Nothing => return Ok(Vec::new()),
            TicketScope::All => {}
            TicketScope::Department(d) => {
                binds.push(text(d));
                conditions.push(format!(
                    "t.id IN (SELECT ticket_id FROM ticket_departments WHERE department = ?{})",
                    binds.len()
                ));
            }
        }
        if let Some(status) = q.status {
            binds.push(text(status.as_str()));
            conditions.push(format!("t.status = ?{}", binds.len()));
        }
        if let Some(before) = q.before {
            binds.push(text(before.as_str()));
            let n = binds.len();
            conditions.push(format!(
                "(t.created_at, t.tracking_no) < (SELECT created_at, tracking_no FROM tickets WHERE tracking_no = ?{n})"
            ));
        }
        binds.push(JsValue::from_f64(f64::from(q.limit)));
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM tickets t {filter} ORDER BY t.created_at DESC, t.tracking_no DESC LIMIT ?{}",
            binds.len()
        );
        let rows = self.db.prepare(sql).bind(&binds)?.all().await?.results::<SummaryRow>()?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// One ticket's summary and its departments (one round trip).
    pub async fn staff_ticket(
        &self,
        no: &TrackingNo,
    ) -> StoreResult<Option<(StaffTicketSummary, Vec<TicketDepartment>)>> {
        let summary = self
            .db
            .prepare(format!("SELECT {SUMMARY_COLUMNS} FROM tickets t WHERE t.tracking_no = ?1"))
            .bind(&[text(no.as_str())])?;
        let departments = self
            .db
            .prepare(
                "SELECT d.department, d.part FROM ticket_departments d JOIN tickets t ON t.id = d.ticket_id \
                 WHERE t.tracking_no = ?1 ORDER BY d.part DESC, d.department",
            )
            .bind(&[text(no.as_str())])?;
        let mut results = self.db.batch(vec![summary, departments]).await?.into_iter();
        let (Some(summary), Some(departments)) = (results.next(), results.next()) else {
            return Err(StoreError("batch returned fewer results than statements".into()));
        };
        let Some(row) = summary.results::<SummaryRow>()?.into_iter().next() else {
            return Ok(None);
        };
        let departments = departments
            .results::<DepartmentRow>()?
            .into_iter()
            .filter_map(|r| Part::parse(&r.part).map(|part| TicketDepartment { department: r.department, part }))
            .collect();
        Ok(Some((row.into_summary()?, departments)))
    }
}
