//! Notifications: the staff notification centre and the outbox of signed webhooks to
//! departments' systems. A notice is written in the same batch as the change it reports, so a
//! change is never made without its message, nor a message sent for a change that failed.

use super::{opt_text, parse_time, text, time, Store, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::handling::{NotificationList, NotificationView, OutboxView};
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

fn num(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// One message: to a department (everyone in it, and its webhook) or to one staff member.
pub struct Notice<'a> {
    pub department: Option<&'a str>,
    pub user: Option<&'a str>,
    pub event: &'a str,
    pub tracking_no: Option<&'a str>,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
    /// The outbox id (also the webhook's delivery id); random, from the caller.
    pub id: String,
}

/// A message due for delivery, with the department's current secret.
#[derive(Deserialize)]
pub struct DueMessage {
    pub id: String,
    pub event: String,
    pub url: String,
    pub payload: String,
    pub attempts: i64,
    pub secret: Option<String>,
}

impl Store {
    pub fn notice_statements(&self, n: &Notice<'_>) -> StoreResult<Vec<D1PreparedStatement>> {
        let data = n.data.to_string();
        let mut statements = vec![self
            .db
            .prepare(
                "INSERT INTO notifications (department, user_id, event, tracking_no, data, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&[
                opt_text(n.department),
                opt_text(n.user),
                text(n.event),
                opt_text(n.tracking_no),
                text(&data),
                time(&n.at),
            ])?];
        if let Some(department) = n.department {
            let envelope = serde_json::json!({
                "id": n.id,
                "event": n.event,
                "department": department,
                "tracking_no": n.tracking_no,
                "at": n.at,
                "data": n.data,
            });
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO outbox (id, event, department, url, payload, created_at, state, attempts, next_at) \
                         SELECT ?1, ?2, code, webhook_url, ?3, ?4, 'pending', 0, ?4 FROM departments \
                         WHERE code = ?5 AND active = 1 AND webhook_url IS NOT NULL AND webhook_url <> ''",
                    )
                    .bind(&[text(&n.id), text(n.event), text(&envelope.to_string()), time(&n.at), text(department)])?,
            );
        }
        Ok(statements)
    }

    /// A notice to every active member of a role (supervisors: a new extension request).
    pub fn role_notice_statements(
        &self,
        role: &str,
        event: &str,
        tracking_no: &str,
        data: &serde_json::Value,
        at: &DateTime<Utc>,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        Ok(vec![self
            .db
            .prepare(
                "INSERT INTO notifications (department, user_id, event, tracking_no, data, at) \
                 SELECT NULL, id, ?2, ?3, ?4, ?5 FROM staff WHERE role = ?1 AND active = 1",
            )
            .bind(&[text(role), text(event), text(tracking_no), text(&data.to_string()), time(at)])?])
    }

    /// A batch that is not guarded by a ticket version.
    pub async fn run_batch(&self, statements: Vec<D1PreparedStatement>) -> StoreResult<()> {
        self.db.batch(statements).await?;
        Ok(())
    }

    /// The notification centre of one staff member: their own and their department's messages.
    pub async fn notifications(
        &self,
        user: &str,
        department: Option<&str>,
        limit: u32,
    ) -> StoreResult<NotificationList> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            event: String,
            tracking_no: Option<String>,
            data: String,
            at: String,
            read: i64,
        }
        #[derive(Deserialize)]
        struct Count {
            unread: i64,
        }
        let mine = "(n.user_id = ?1 OR (?2 IS NOT NULL AND n.department = ?2))";
        let list = self
            .db
            .prepare(format!(
                "SELECT n.id, n.event, n.tracking_no, n.data, n.at, \
                 EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = ?1 AND r.notification_id = n.id) AS read \
                 FROM notifications n WHERE {mine} ORDER BY n.id DESC LIMIT ?3"
            ))
            .bind(&[text(user), opt_text(department), num(i64::from(limit))])?;
        let count = self
            .db
            .prepare(format!(
                "SELECT COUNT(*) AS unread FROM notifications n WHERE {mine} AND NOT EXISTS \
                 (SELECT 1 FROM notification_reads r WHERE r.user_id = ?1 AND r.notification_id = n.id)"
            ))
            .bind(&[text(user), opt_text(department)])?;
        let mut results = self.db.batch(vec![list, count]).await?.into_iter();
        let (Some(list), Some(count)) = (results.next(), results.next()) else {
            return Err(super::StoreError("batch returned fewer results than statements".into()));
        };
        let items = list
            .results::<Row>()?
            .into_iter()
            .map(|r| {
                Ok(NotificationView {
                    id: r.id,
                    event: r.event,
                    tracking_no: r.tracking_no,
                    data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
                    at: parse_time(&r.at)?,
                    read: r.read != 0,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let unread = count.results::<Count>()?.first().map_or(0, |c| c.unread);
        Ok(NotificationList { unread: u32::try_from(unread).unwrap_or(0), items })
    }

    /// Mark as read the given messages of this member, or all of them.
    pub async fn mark_read(
        &self,
        user: &str,
        department: Option<&str>,
        ids: Option<&[i64]>,
        at: &DateTime<Utc>,
    ) -> StoreResult<()> {
        let mine = "(n.user_id = ?1 OR (?2 IS NOT NULL AND n.department = ?2))";
        match ids {
            None => {
                self.db
                    .prepare(format!(
                        "INSERT OR IGNORE INTO notification_reads (notification_id, user_id, read_at) \
                         SELECT n.id, ?1, ?3 FROM notifications n WHERE {mine}"
                    ))
                    .bind(&[text(user), opt_text(department), time(at)])?
                    .run()
                    .await?;
            }
            Some(ids) => {
                let mut statements = Vec::new();
                for id in ids.iter().take(200) {
                    statements.push(
                        self.db
                            .prepare(format!(
                                "INSERT OR IGNORE INTO notification_reads (notification_id, user_id, read_at) \
                                 SELECT n.id, ?1, ?3 FROM notifications n WHERE n.id = ?4 AND {mine}"
                            ))
                            .bind(&[text(user), opt_text(department), time(at), num(*id)])?,
                    );
                }
                if !statements.is_empty() {
                    self.db.batch(statements).await?;
                }
            }
        }
        Ok(())
    }

    pub async fn due_messages(&self, now: &DateTime<Utc>, limit: u32) -> StoreResult<Vec<DueMessage>> {
        Ok(self
            .db
            .prepare(
                // A department's notices, or a channel's status callbacks (`channel:CODE`).
                "SELECT o.id, o.event, o.url, o.payload, o.attempts, \
                 COALESCE(d.webhook_secret, c.webhook_secret) AS secret FROM outbox o \
                 LEFT JOIN departments d ON d.code = o.department \
                 LEFT JOIN channels c ON 'channel:' || c.code = o.department \
                 WHERE o.state = 'pending' AND o.next_at <= ?1 ORDER BY o.next_at LIMIT ?2",
            )
            .bind(&[time(now), num(i64::from(limit))])?
            .all()
            .await?
            .results::<DueMessage>()?)
    }

    /// Record one delivery attempt. `next` is `None` for delivered, `Some(Ok(t))` to retry at
    /// `t`, `Some(Err(()))` to dead-letter. Only a pending message at `attempts` is changed, so two
    /// overlapping runs cannot both count the same attempt.
    pub async fn record_attempt(
        &self,
        id: &str,
        attempts_before: i64,
        now: &DateTime<Utc>,
        next: Option<Result<DateTime<Utc>, ()>>,
        error: Option<&str>,
    ) -> StoreResult<()> {
        self.record_attempt_in("outbox", id, attempts_before, now, next, error).await
    }

    /// `record_attempt` for either queue: departments' and channels' `outbox`, or `citizen_messages`.
    pub(super) async fn record_attempt_in(
        &self,
        table: &'static str,
        id: &str,
        attempts_before: i64,
        now: &DateTime<Utc>,
        next: Option<Result<DateTime<Utc>, ()>>,
        error: Option<&str>,
    ) -> StoreResult<()> {
        let (state, next_at, delivered) = match next {
            None => ("delivered", time(now), time(now)),
            Some(Ok(at)) => ("pending", time(&at), JsValue::NULL),
            Some(Err(())) => ("dead", time(now), JsValue::NULL),
        };
        self.db
            .prepare(format!(
                "UPDATE {table} SET state = ?1, attempts = attempts + 1, next_at = ?2, delivered_at = ?3, \
                 last_error = ?4 WHERE id = ?5 AND state = 'pending' AND attempts = ?6"
            ))
            .bind(&[text(state), next_at, delivered, opt_text(error), text(id), num(attempts_before)])?
            .run()
            .await?;
        Ok(())
    }

    /// Claim a message for this run: bump `next_at` so an overlapping run skips it. Only a message
    /// still due at `now` is claimed: a run that read it before another claimed it must not send it too.
    pub async fn claim_message(
        &self,
        id: &str,
        attempts: i64,
        now: &DateTime<Utc>,
        until: &DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = self
            .db
            .prepare(
                "UPDATE outbox SET next_at = ?1 WHERE id = ?2 AND state = 'pending' AND attempts = ?3 AND next_at <= ?4",
            )
            .bind(&[time(until), text(id), num(attempts), time(now)])?
            .run()
            .await?;
        Ok(super::changed(&result)? > 0)
    }

    pub async fn outbox(&self, state: Option<&str>, limit: u32) -> StoreResult<Vec<OutboxView>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            event: String,
            department: String,
            url: String,
            state: String,
            attempts: i64,
            next_at: String,
            created_at: String,
            last_error: Option<String>,
        }
        let rows = self
            .db
            .prepare(
                "SELECT id, event, department, url, state, attempts, next_at, created_at, last_error FROM outbox \
                 WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at DESC LIMIT ?2",
            )
            .bind(&[opt_text(state), num(i64::from(limit))])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(OutboxView {
                    id: r.id,
                    event: r.event,
                    department: r.department,
                    url: r.url,
                    state: r.state,
                    attempts: u32::try_from(r.attempts).unwrap_or(0),
                    next_at: parse_time(&r.next_at)?,
                    created_at: parse_time(&r.created_at)?,
                    last_error: r.last_error,
                })
            })
            .collect()
    }

    /// Send a dead letter again: pending from now, with a fresh count of attempts.
    pub async fn retry_message(&self, id: &str, now: &DateTime<Utc>) -> StoreResult<bool> {
        let result = self
            .db
            .prepare("UPDATE outbox SET state = 'pending', attempts = 0, next_at = ?1 WHERE id = ?2 AND state = 'dead'")
            .bind(&[time(now), text(id)])?
            .run()
            .await?;
        Ok(super::changed(&result)? > 0)
    }

    pub async fn set_webhook(
        &self,
        department: &str,
        url: Option<&str>,
        secret: Option<&str>,
        audit: &super::Audit,
    ) -> StoreResult<bool> {
        let update = self
            .db
            .prepare("UPDATE departments SET webhook_url = ?1, webhook_secret = ?2 WHERE code = ?3")
            .bind(&[opt_text(url), opt_text(secret), text(department)])?;
        let results = self.db.batch(vec![update, self.audit_statement(audit)?]).await?;
        Ok(super::first_changed(&results) > 0)
    }
}
