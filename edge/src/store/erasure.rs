//! A reporter's erasure in one batch: the ticket's contact data and exact place, the free text of
//! its trail and of every table that quotes the reporter, their e-mail subscriptions and their
//! photos. Guarded by the ticket's version, so a change made meanwhile is never overwritten.

use super::{opt_real, text, time, Audit, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::erasure::{erased_event, Known};
use shared::ids::TicketId;
use shared::ticket::{EventKind, Ticket};
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// Free-text columns that may quote the reporter, by table and how a row names its ticket.
const QUOTING: [(&str, &str, &str); 12] = [
    ("unreasonable", "note", "ticket_id = ?1"),
    ("consultation_replies", "text", "consultation_id IN (SELECT id FROM consultations WHERE ticket_id = ?1)"),
    ("disputes", "reason", "ticket_id = ?1"),
    ("disputes", "decision_reason", "ticket_id = ?1"),
    ("summonses", "note", "ticket_id = ?1"),
    ("ticket_parts", "text", "ticket_id = ?1"),
    ("extensions", "reason", "ticket_id = ?1"),
    ("extensions", "decision_note", "ticket_id = ?1"),
    ("ratings", "comment", "ticket_id = ?1"),
    ("rating_reviews", "note", "ticket_id = ?1"),
    ("grades", "comment", "ticket_id = ?1"),
    ("grades", "public_comment", "ticket_id = ?1"),
];

pub struct Erasure<'a> {
    pub ticket: &'a Ticket,
    pub known: &'a Known,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
    pub audit: &'a Audit,
}

impl Store {
    pub async fn is_erased(&self, ticket: &TicketId) -> StoreResult<bool> {
        #[derive(Deserialize)]
        struct Row {
            n: i64,
        }
        let rows = self
            .db
            .prepare("SELECT COUNT(*) AS n FROM erasures WHERE ticket_id = ?1")
            .bind(&[text(ticket.as_str())])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.first().is_some_and(|r| r.n > 0))
    }

    /// Write the erasure; `false` when the ticket changed since it was read (try again).
    pub async fn erase_reporter(&self, e: &Erasure<'_>) -> StoreResult<bool> {
        let t = e.ticket;
        let id = text(t.id.as_str());
        let point = shared::erasure::erased_point(t.point);
        let mut statements =
            vec![
                // First, so the trail's trigger lets this ticket's texts be rewritten below.
                self.db
                    .prepare("INSERT INTO erasures (ticket_id, at, actor, reason) VALUES (?1, ?2, ?3, ?4)")
                    .bind(&[id.clone(), time(&e.at), text(&e.audit.actor), text(e.reason)])?,
                self.db
                    .prepare(
                        "UPDATE tickets SET contact_name = NULL, contact_phone = NULL, contact_email = NULL, \
                     address = NULL, anonymous = 1, title = ?2, description = ?3, lat = ?4, lng = ?5, \
                     version = version + 1, updated_at = ?6 WHERE id = ?1 AND version = ?7",
                    )
                    .bind(&[
                        id.clone(),
                        text(&e.known.erase(&t.title)),
                        text(&e.known.erase(&t.description)),
                        opt_real(point.map(|p| p.lat)),
                        opt_real(point.map(|p| p.lng)),
                        time(&e.at),
                        JsValue::from_f64(t.version as f64),
                    ])?,
                self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
                self.db.prepare("DELETE FROM write_guard"),
            ];
        statements.extend(self.erased_events(&t.id, e.known).await?);
        statements.extend(self.scrub_statements(&t.id, &t.tracking_no.to_string(), e.known)?);
        if let Some(email) = t.contact.as_ref().and_then(|c| c.email.as_deref()) {
            // Their e-mail updates end with them; queued messages to that address go too.
            statements.push(
                self.db
                    .prepare(
                        "DELETE FROM citizen_messages WHERE subscription_id IN \
                         (SELECT id FROM subscriptions WHERE ticket_id = ?1 AND kind = 'email' AND email = ?2)",
                    )
                    .bind(&[id.clone(), text(email)])?,
            );
            statements.push(
                self.db
                    .prepare("DELETE FROM subscriptions WHERE ticket_id = ?1 AND kind = 'email' AND email = ?2")
                    .bind(&[id.clone(), text(email)])?,
            );
        }
        // Their photos may show them or their home: staff keep them for the case, nobody else sees them.
        statements.push(
            self.db
                .prepare(
                    "UPDATE photos SET hidden_at = ?2, hidden_reason = 'erasure', hidden_by = ?3 \
                     WHERE ticket_id = ?1 AND uploader = 'reporter' AND hidden_at IS NULL",
                )
                .bind(&[id.clone(), time(&e.at), text(&e.audit.actor)])?,
        );
        statements.push(self.audit_statement(e.audit)?);
        self.run_guarded(statements).await
    }

    /// Each event whose free text changes, rewritten.
    async fn erased_events(&self, ticket: &TicketId, known: &Known) -> StoreResult<Vec<D1PreparedStatement>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            data: String,
        }
        let rows = self
            .db
            .prepare("SELECT id, data FROM ticket_events WHERE ticket_id = ?1")
            .bind(&[text(ticket.as_str())])?
            .all()
            .await?
            .results::<Row>()?;
        let mut statements = Vec::new();
        for row in rows {
            let Ok(kind) = serde_json::from_str::<EventKind>(&row.data) else { continue };
            if let Some(erased) = erased_event(&kind, known) {
                let data = serde_json::to_string(&erased).map_err(|e| StoreError(e.to_string()))?;
                statements.push(
                    self.db
                        .prepare("UPDATE ticket_events SET data = ?1 WHERE id = ?2")
                        .bind(&[text(&data), JsValue::from_f64(row.id as f64)])?,
                );
            }
        }
        Ok(statements)
    }

    /// Mask the known values in every quoting column, and in departments' webhook payloads.
    fn scrub_statements(
        &self,
        ticket: &TicketId,
        tracking_no: &str,
        known: &Known,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        if known.values().is_empty() {
            return Ok(Vec::new());
        }
        // replace(replace(col, ?2, '***'), ?3, '***') …, one placeholder per known value.
        let masked = |column: &str| {
            (0..known.values().len()).fold(column.to_owned(), |inner, i| format!("replace({inner}, ?{}, '***')", i + 2))
        };
        let values = || known.values().iter().map(|v| text(v));
        let mut statements = Vec::new();
        for (table, column, owner) in QUOTING {
            let sql =
                format!("UPDATE {table} SET {column} = {} WHERE {owner} AND {column} IS NOT NULL", masked(column));
            let binds: Vec<JsValue> = std::iter::once(text(ticket.as_str())).chain(values()).collect();
            statements.push(self.db.prepare(sql).bind(&binds)?);
        }
        let sql = format!("UPDATE outbox SET payload = {} WHERE instr(payload, ?1) > 0", masked("payload"));
        let binds: Vec<JsValue> = std::iter::once(text(tracking_no)).chain(values()).collect();
        statements.push(self.db.prepare(sql).bind(&binds)?);
        Ok(statements)
    }
}
