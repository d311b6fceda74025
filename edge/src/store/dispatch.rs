//! The responsibility list and dispatch settings.

use super::staff::Audit;
use super::{opt_text, text, time, Store, StoreError, StoreResult};
use serde::Deserialize;
use shared::catalogue::CategoryCode;
use shared::request::RequestKind;
use shared::rules::Rule;
use worker::D1PreparedStatement;

/// A stored rule with its id.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredRule {
    pub id: i64,
    #[serde(flatten)]
    pub rule: Rule,
}

impl Store {
    pub async fn rules(&self) -> StoreResult<Vec<StoredRule>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            category: Option<String>,
            area: Option<String>,
            kind: Option<String>,
            lead: String,
            co_handlers: String,
        }
        let rows = self
            .db
            .prepare("SELECT id, category, area, kind, lead, co_handlers FROM responsibility_rules ORDER BY id")
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(StoredRule {
                    id: r.id,
                    rule: Rule {
                        category: r.category.as_deref().and_then(CategoryCode::parse),
                        area: r.area,
                        kind: r.kind.as_deref().and_then(RequestKind::parse),
                        lead: r.lead,
                        co_handlers: serde_json::from_str(&r.co_handlers).map_err(|e| StoreError(e.to_string()))?,
                    },
                })
            })
            .collect()
    }

    /// Insert (`id` None) or replace a rule; answers its id, or None when `id` names no rule.
    pub async fn save_rule(&self, id: Option<i64>, rule: &Rule, audit: &Audit) -> StoreResult<Option<i64>> {
        let co = serde_json::to_string(&rule.co_handlers).map_err(|e| StoreError(e.to_string()))?;
        let values = [
            opt_text(rule.category.as_ref().map(CategoryCode::as_str)),
            opt_text(rule.area.as_deref()),
            opt_text(rule.kind.map(RequestKind::as_str)),
            text(&rule.lead),
            text(&co),
            time(&audit.at),
        ];
        let statement = match id {
            None => self
                .db
                .prepare(
                    "INSERT INTO responsibility_rules (category, area, kind, lead, co_handlers, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                )
                .bind(&values)?,
            Some(id) => {
                let mut with_id = values.to_vec();
                with_id.push(worker::wasm_bindgen::JsValue::from_f64(id as f64));
                self.db
                    .prepare(
                        "UPDATE responsibility_rules SET category = ?1, area = ?2, kind = ?3, lead = ?4, co_handlers = ?5, \
                         updated_at = ?6 WHERE id = ?7 RETURNING id",
                    )
                    .bind(&with_id)?
            }
        };
        #[derive(Deserialize)]
        struct Row {
            id: i64,
        }
        let results = self.db.batch(vec![statement, self.audit_statement(audit)?]).await?;
        Ok(results.first().map(|r| r.results::<Row>()).transpose()?.and_then(|rows| rows.first().map(|r| r.id)))
    }

    pub async fn delete_rule(&self, id: i64, audit: &Audit) -> StoreResult<bool> {
        let delete = self
            .db
            .prepare("DELETE FROM responsibility_rules WHERE id = ?1")
            .bind(&[worker::wasm_bindgen::JsValue::from_f64(id as f64)])?;
        let results = self.db.batch(vec![delete, self.audit_statement(audit)?]).await?;
        let changed = super::first_changed(&results);
        Ok(changed > 0)
    }
}

/// Everything a dispatch writes, guarded by the version the caller saw.
pub struct DispatchWrite<'a> {
    pub ticket: &'a shared::ids::TicketId,
    pub expected_version: i64,
    pub lead: &'a str,
    pub co_handlers: &'a [String],
    pub urgency: shared::dispatch::Urgency,
    pub area: Option<&'a str>,
    pub mode: shared::dispatch::DispatchMode,
    pub at: chrono::DateTime<chrono::Utc>,
    pub events: &'a [shared::ticket::TicketEvent],
    /// The clocks start at dispatch (again at a re-dispatch: the new lead gets the full time).
    pub sla: shared::sla::Sla,
    pub deadlines: shared::sla::Deadlines,
}

#[derive(Deserialize)]
pub struct QueueRow {
    pub tracking_no: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub area: Option<String>,
    pub kind: String,
    pub urgency: String,
    pub created_at: String,
    pub suggestions: Option<String>,
    pub version: i64,
}

pub const GUARD_FAILED: &str = "write_guard";

impl Store {
    /// The UPDATE that moves the ticket, then a guard that aborts the batch if it changed nothing.
    pub fn dispatch_statements(&self, w: &DispatchWrite<'_>) -> StoreResult<Vec<D1PreparedStatement>> {
        use worker::wasm_bindgen::JsValue;
        let num = |v: i64| JsValue::from_f64(v as f64);
        let mut statements = vec![
            self.db
                .prepare(
                    "UPDATE tickets SET status = 'dispatched', urgency = ?1, area = COALESCE(?2, area), dispatched_at = ?3, \
                     dispatch_mode = ?4, redispatch_count = redispatch_count + (dispatched_at IS NOT NULL), \
                     version = version + 1, updated_at = ?3, response_due_at = ?7, resolution_due_at = ?8, \
                     sla_response_hours = ?9, sla_resolution_days = ?10, extension_days = 0, accepted_at = NULL \
                     WHERE id = ?5 AND version = ?6",
                )
                .bind(&[
                    text(w.urgency.as_str()),
                    opt_text(w.area),
                    time(&w.at),
                    text(w.mode.as_str()),
                    text(w.ticket.as_str()),
                    num(w.expected_version),
                    time(&w.deadlines.response_due),
                    time(&w.deadlines.resolution_due),
                    num(i64::from(w.sla.response_hours)),
                    num(i64::from(w.sla.resolution_days)),
                ])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
            self.db.prepare("DELETE FROM ticket_departments WHERE ticket_id = ?1").bind(&[text(w.ticket.as_str())])?,
            self.db
                .prepare("INSERT INTO ticket_departments (ticket_id, department, part, assigned_at) VALUES (?1, ?2, 'lead', ?3)")
                .bind(&[text(w.ticket.as_str()), text(w.lead), time(&w.at)])?,
        ];
        for co in w.co_handlers.iter().filter(|c| c.as_str() != w.lead) {
            statements.push(
                self.db
                    .prepare(
                        "INSERT OR IGNORE INTO ticket_departments (ticket_id, department, part, assigned_at) VALUES (?1, ?2, 'co', ?3)",
                    )
                    .bind(&[text(w.ticket.as_str()), text(co), time(&w.at)])?,
            );
        }
        for e in w.events {
            statements.push(self.insert_event(w.ticket, e)?);
        }
        Ok(statements)
    }

    /// Run a guarded change; `false` when the ticket changed since the caller read it.
    pub async fn run_guarded(&self, statements: Vec<D1PreparedStatement>) -> StoreResult<bool> {
        match self.db.batch(statements).await {
            Ok(_) => Ok(true),
            Err(e) if e.to_string().contains(GUARD_FAILED) || e.to_string().contains("CHECK constraint failed") => {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn suggestions_statement(
        &self,
        ticket: &shared::ids::TicketId,
        json: &str,
        area: Option<&str>,
    ) -> StoreResult<D1PreparedStatement> {
        Ok(self.db.prepare("UPDATE tickets SET suggestions = ?1, area = COALESCE(?2, area) WHERE id = ?3").bind(&[
            text(json),
            opt_text(area),
            text(ticket.as_str()),
        ])?)
    }

    pub async fn queue(&self, limit: u32) -> StoreResult<Vec<QueueRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT tracking_no, title, description, category, area, kind, urgency, created_at, suggestions, version \
                 FROM tickets WHERE status = 'submitted' AND source IS NULL \
                 ORDER BY CASE urgency WHEN 'very_urgent' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, created_at LIMIT ?1",
            )
            .bind(&[worker::wasm_bindgen::JsValue::from_f64(f64::from(limit))])?
            .all()
            .await?
            .results::<QueueRow>()?)
    }

    /// Title, description and category of every ticket that can teach the classifier.
    pub async fn training_rows(&self, limit: u32) -> StoreResult<Vec<(String, String, String)>> {
        #[derive(Deserialize)]
        struct Row {
            title: String,
            description: String,
            category: String,
        }
        let rows = self
            .db
            .prepare(
                "SELECT title, description, category FROM tickets \
                 WHERE status NOT IN ('merged', 'rejected_unreasonable') ORDER BY created_at DESC LIMIT ?1",
            )
            .bind(&[worker::wasm_bindgen::JsValue::from_f64(f64::from(limit))])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.title, r.description, r.category)).collect())
    }

    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            value: String,
        }
        let row: Option<Row> =
            self.db.prepare("SELECT value FROM settings WHERE key = ?1").bind(&[text(key)])?.first(None).await?;
        Ok(row.map(|r| r.value))
    }

    /// Several settings in one round trip, in the order of `keys`.
    pub async fn settings(&self, keys: &[&str]) -> StoreResult<Vec<Option<String>>> {
        #[derive(Deserialize)]
        struct Row {
            value: String,
        }
        let statements = keys
            .iter()
            .map(|k| Ok(self.db.prepare("SELECT value FROM settings WHERE key = ?1").bind(&[text(k)])?))
            .collect::<StoreResult<Vec<_>>>()?;
        let results = self.db.batch(statements).await?;
        results.into_iter().map(|r| Ok(r.results::<Row>()?.into_iter().next().map(|r| r.value))).collect()
    }

    pub async fn put_setting(&self, key: &str, value: &str, audit: &Audit) -> StoreResult<()> {
        let put = self
            .db
            .prepare(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(&[text(key), text(value), time(&audit.at)])?;
        self.db.batch(vec![put, self.audit_statement(audit)?]).await?;
        Ok(())
    }
}
