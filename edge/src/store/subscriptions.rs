//! Citizens' subscriptions to a request's updates, and their outbox (`citizen_messages`, filled
//! by a trigger in the same transaction as each public change; migration 0017).

use super::{opt_text, text, time, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::subscription::{NewSubscription, MAX_PER_TICKET};
use shared::ticket::EventKind;
use worker::wasm_bindgen::JsValue;

fn num(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// Who presented a token for a request.
pub struct SubscriberTicket {
    pub ticket_id: String,
    /// The reporter's token or a follower's.
    pub allowed: bool,
}

pub enum SubscribeOutcome {
    Created(String),
    /// The same endpoint or address already follows the request (made active again if it had ended).
    Existing {
        id: String,
        reactivated: bool,
    },
    /// The request has `MAX_PER_TICKET` active subscriptions.
    Full,
}

/// A message due, with what is needed to write and send it.
#[derive(Deserialize)]
pub struct DueCitizenMessage {
    pub id: String,
    pub attempts: i64,
    pub ticket_id: String,
    pub change_at: String,
    pub payload: Option<String>,
    pub subscription_id: String,
    pub kind: String,
    pub endpoint: Option<String>,
    pub p256dh: Option<String>,
    pub auth: Option<String>,
    pub email: Option<String>,
    pub lang: String,
    pub base_url: String,
    /// The subscriber's own request.
    pub tracking_no: String,
}

impl Store {
    /// The request of `tracking_no` and whether `token_hash` is its reporter's or a follower's.
    pub async fn subscriber_ticket(
        &self,
        tracking_no: &str,
        token_hash: &str,
    ) -> StoreResult<Option<SubscriberTicket>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            allowed: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                // A merge moves the duplicate's followers to the master; they may still use either number.
                "SELECT t.id, (t.token_hash IS NOT NULL AND t.token_hash = ?2) OR EXISTS \
                 (SELECT 1 FROM followers f WHERE f.token_hash = ?2 AND (f.ticket_id = t.id OR f.ticket_id = t.duplicate_of)) \
                 AS allowed FROM tickets t WHERE t.tracking_no = ?1",
            )
            .bind(&[text(tracking_no), text(token_hash)])?
            .first(None)
            .await?;
        Ok(row.map(|r| SubscriberTicket { ticket_id: r.id, allowed: r.allowed != 0 }))
    }

    async fn existing_subscription(&self, ticket_id: &str, s: &NewSubscription) -> StoreResult<Option<(String, bool)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            active: i64,
        }
        let (sql, address) = match s {
            NewSubscription::Push { endpoint, .. } => (
                "SELECT id, active FROM subscriptions WHERE ticket_id = ?1 AND kind = 'push' AND endpoint = ?2",
                endpoint,
            ),
            NewSubscription::Email { email, .. } => {
                ("SELECT id, active FROM subscriptions WHERE ticket_id = ?1 AND kind = 'email' AND email = ?2", email)
            }
        };
        let row: Option<Row> = self.db.prepare(sql).bind(&[text(ticket_id), text(address)])?.first(None).await?;
        Ok(row.map(|r| (r.id, r.active != 0)))
    }

    /// Store a subscription, or answer the one this endpoint or address already has for the
    /// request (with the browser's current keys and the language asked for now). `token_hash`
    /// belongs to `id`, which is used only when a new row is written.
    pub async fn subscribe(
        &self,
        ticket_id: &str,
        s: &NewSubscription,
        id: &str,
        token_hash: &str,
        base_url: &str,
        now: &DateTime<Utc>,
    ) -> StoreResult<SubscribeOutcome> {
        let (endpoint, p256dh, auth, email) = match s {
            NewSubscription::Push { endpoint, p256dh, auth, .. } => {
                (Some(endpoint.as_str()), Some(p256dh.as_str()), Some(auth.as_str()), None)
            }
            NewSubscription::Email { email, .. } => (None, None, None, Some(email.as_str())),
        };
        let active_count =
            format!("(SELECT COUNT(*) FROM subscriptions WHERE ticket_id = ?1 AND active = 1) < {MAX_PER_TICKET}");
        if let Some((existing, active)) = self.existing_subscription(ticket_id, s).await? {
            // An ended one counts again once it is active, so it is held to the limit too.
            let result = self
                .db
                .prepare(format!(
                    "UPDATE subscriptions SET p256dh = COALESCE(?2, p256dh), auth = COALESCE(?3, auth), lang = ?4, \
                     active = 1, ended_at = NULL, ended_reason = NULL WHERE id = ?5 AND (active = 1 OR {active_count})"
                ))
                .bind(&[text(ticket_id), opt_text(p256dh), opt_text(auth), text(s.lang().as_str()), text(&existing)])?
                .run()
                .await?;
            let changed = super::changed(&result)? > 0;
            return Ok(if changed {
                SubscribeOutcome::Existing { id: existing, reactivated: !active }
            } else {
                SubscribeOutcome::Full
            });
        }
        let result = self
            .db
            .prepare(format!(
                "INSERT INTO subscriptions (id, ticket_id, kind, endpoint, p256dh, auth, email, lang, \
                 unsubscribe_token_hash, base_url, created_at, active) \
                 SELECT ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1 WHERE {active_count} \
                 ON CONFLICT DO NOTHING"
            ))
            .bind(&[
                text(ticket_id),
                text(id),
                text(s.kind().as_str()),
                opt_text(endpoint),
                opt_text(p256dh),
                opt_text(auth),
                opt_text(email),
                text(s.lang().as_str()),
                text(token_hash),
                text(base_url),
                time(now),
            ])?
            .run()
            .await?;
        if super::changed(&result)? > 0 {
            return Ok(SubscribeOutcome::Created(id.to_owned()));
        }
        // A concurrent call with the same endpoint or address won the insert.
        match self.existing_subscription(ticket_id, s).await? {
            Some((existing, _)) => Ok(SubscribeOutcome::Existing { id: existing, reactivated: false }),
            None => Ok(SubscribeOutcome::Full),
        }
    }

    /// End the subscription of this token and drop its unsent messages. `None` for an unknown
    /// token; otherwise whether it was active until now, and the subscriber's tracking number.
    pub async fn unsubscribe(&self, token_hash: &str, now: &DateTime<Utc>) -> StoreResult<Option<(bool, String)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            active: i64,
            tracking_no: String,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT s.id, s.active, t.tracking_no FROM subscriptions s JOIN tickets t ON t.id = s.ticket_id \
                 WHERE s.unsubscribe_token_hash = ?1",
            )
            .bind(&[text(token_hash)])?
            .first(None)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if row.active != 0 {
            self.end_subscription(&row.id, "unsubscribed", now).await?;
        }
        Ok(Some((row.active != 0, row.tracking_no)))
    }

    /// Deactivate a subscription (`unsubscribed`, or `gone` from the push service) and cancel
    /// what it has not been sent yet, in one batch.
    pub async fn end_subscription(&self, id: &str, reason: &str, now: &DateTime<Utc>) -> StoreResult<()> {
        let end = self
            .db
            .prepare(
                "UPDATE subscriptions SET active = 0, ended_at = ?2, ended_reason = ?3 WHERE id = ?1 AND active = 1",
            )
            .bind(&[text(id), time(now), text(reason)])?;
        let cancel = self
            .db
            .prepare(
                "UPDATE citizen_messages SET state = 'cancelled', last_error = ?2 \
                 WHERE subscription_id = ?1 AND state = 'pending'",
            )
            .bind(&[text(id), text(reason)])?;
        self.db.batch(vec![end, cancel]).await?;
        Ok(())
    }

    /// Messages due now, of the kinds that can be sent (`push_ready`, `email_ready`): the others
    /// wait, so a deployment without a mail service loses nothing.
    pub async fn due_citizen_messages(
        &self,
        now: &DateTime<Utc>,
        limit: u32,
        push_ready: bool,
        email_ready: bool,
    ) -> StoreResult<Vec<DueCitizenMessage>> {
        Ok(self
            .db
            .prepare(
                "SELECT m.id, m.attempts, m.ticket_id, m.change_at, m.payload, s.id AS subscription_id, s.kind, \
                 s.endpoint, s.p256dh, s.auth, s.email, s.lang, s.base_url, t.tracking_no \
                 FROM citizen_messages m JOIN subscriptions s ON s.id = m.subscription_id \
                 JOIN tickets t ON t.id = s.ticket_id \
                 WHERE m.state = 'pending' AND m.next_at <= ?1 AND s.active = 1 \
                 AND ((s.kind = 'push' AND ?3 = 1) OR (s.kind = 'email' AND ?4 = 1)) \
                 ORDER BY m.next_at LIMIT ?2",
            )
            .bind(&[time(now), num(i64::from(limit)), num(i64::from(push_ready)), num(i64::from(email_ready))])?
            .all()
            .await?
            .results::<DueCitizenMessage>()?)
    }

    /// The public events of one change (one batch, one time) on a ticket.
    pub async fn change_events(&self, ticket_id: &str, at: &str) -> StoreResult<Vec<EventKind>> {
        #[derive(Deserialize)]
        struct Row {
            data: String,
        }
        let rows = self
            .db
            .prepare("SELECT data FROM ticket_events WHERE ticket_id = ?1 AND at = ?2 AND public = 1 ORDER BY id")
            .bind(&[text(ticket_id), text(at)])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| serde_json::from_str(&r.data).map_err(|e| StoreError(format!("stored event {:?}: {e}", r.data))))
            .collect()
    }

    /// Claim a message for this run (and keep the text written for it, so retries send the same).
    /// Only while it is still due at `now`, so two overlapping runs never both send it.
    pub async fn claim_citizen_message(
        &self,
        id: &str,
        attempts: i64,
        now: &DateTime<Utc>,
        until: &DateTime<Utc>,
        payload: &str,
    ) -> StoreResult<bool> {
        let result = self
            .db
            .prepare(
                "UPDATE citizen_messages SET next_at = ?1, payload = ?4 \
                 WHERE id = ?2 AND state = 'pending' AND attempts = ?3 AND next_at <= ?5",
            )
            .bind(&[time(until), text(id), num(attempts), text(payload), time(now)])?
            .run()
            .await?;
        Ok(super::changed(&result)? > 0)
    }

    /// One attempt, as `Store::record_attempt` records the departments' outbox: `None` delivered,
    /// `Some(Ok(t))` retry at `t`, `Some(Err(()))` dead. Only the claimed attempt is counted.
    pub async fn record_citizen_attempt(
        &self,
        id: &str,
        attempts_before: i64,
        now: &DateTime<Utc>,
        next: Option<Result<DateTime<Utc>, ()>>,
        error: Option<&str>,
    ) -> StoreResult<()> {
        self.record_attempt_in("citizen_messages", id, attempts_before, now, next, error).await
    }
}
