//! The channel registry (migration 0013): channels with hashed keys, and their per-minute counts
//! for the rate limit.

use super::{flag, opt_text, text, time, Audit, Store, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::channels::{ChannelSettings, ChannelView};

fn num(v: i64) -> worker::wasm_bindgen::JsValue {
    worker::wasm_bindgen::JsValue::from_f64(v as f64)
}

/// A channel as intake needs it, found by its key's hash.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyedChannel {
    pub code: String,
    pub kind: String,
    pub rate_per_minute: i64,
    pub active: i64,
}

#[derive(Deserialize)]
struct ViewRow {
    code: String,
    name: String,
    kind: String,
    rate_per_minute: i64,
    webhook_url: Option<String>,
    active: i64,
    key_hint: Option<String>,
    created_at: String,
}

impl Store {
    pub async fn channels(&self) -> StoreResult<Vec<ChannelView>> {
        let rows = self
            .db
            .prepare(
                "SELECT code, name, kind, rate_per_minute, webhook_url, active, key_hint, created_at \
                 FROM channels ORDER BY code",
            )
            .all()
            .await?
            .results::<ViewRow>()?;
        Ok(rows
            .into_iter()
            .map(|r| ChannelView {
                code: r.code,
                name: r.name,
                kind: r.kind,
                rate_per_minute: u32::try_from(r.rate_per_minute).unwrap_or(0),
                webhook_url: r.webhook_url,
                active: r.active == 1,
                key_hint: r.key_hint,
                created_at: r.created_at,
            })
            .collect())
    }

    /// A new channel with its first key; `false` when the code is taken.
    pub async fn insert_channel(
        &self,
        c: &ChannelSettings,
        key_hash: &str,
        key_hint: &str,
        now: &DateTime<Utc>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO channels (code, name, kind, rate_per_minute, key_hash, key_hint, webhook_url, \
                 webhook_secret, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(&[
                text(c.code.as_str()),
                text(&c.name),
                text(c.kind.as_str()),
                num(i64::from(c.rate_per_minute)),
                text(key_hash),
                text(key_hint),
                opt_text(c.webhook.as_ref().map(|w| w.url.as_str())),
                opt_text(c.webhook.as_ref().map(|w| w.secret.as_str())),
                flag(c.active),
                time(now),
            ])?;
        let results = self.db.batch(vec![insert, self.audit_statement(audit)?]).await?;
        Ok(super::first_changed(&results) > 0)
    }

    /// Change a channel's settings (not its key); `false` when there is no such channel.
    pub async fn update_channel(&self, c: &ChannelSettings, audit: &Audit) -> StoreResult<bool> {
        let update = self
            .db
            .prepare(
                "UPDATE channels SET name = ?1, kind = ?2, rate_per_minute = ?3, webhook_url = ?4, \
                 webhook_secret = ?5, active = ?6 WHERE code = ?7",
            )
            .bind(&[
                text(&c.name),
                text(c.kind.as_str()),
                num(i64::from(c.rate_per_minute)),
                opt_text(c.webhook.as_ref().map(|w| w.url.as_str())),
                opt_text(c.webhook.as_ref().map(|w| w.secret.as_str())),
                flag(c.active),
                text(c.code.as_str()),
            ])?;
        let results = self.db.batch(vec![update, self.audit_statement(audit)?]).await?;
        Ok(super::first_changed(&results) > 0)
    }

    /// A new key for a channel; the old one stops working at once.
    pub async fn set_channel_key(
        &self,
        code: &str,
        key_hash: &str,
        key_hint: &str,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let update = self.db.prepare("UPDATE channels SET key_hash = ?1, key_hint = ?2 WHERE code = ?3").bind(&[
            text(key_hash),
            text(key_hint),
            text(code),
        ])?;
        let results = self.db.batch(vec![update, self.audit_statement(audit)?]).await?;
        Ok(super::first_changed(&results) > 0)
    }

    pub async fn channel_by_key(&self, key_hash: &str) -> StoreResult<Option<KeyedChannel>> {
        Ok(self
            .db
            .prepare("SELECT code, kind, rate_per_minute, active FROM channels WHERE key_hash = ?1")
            .bind(&[text(key_hash)])?
            .first(None)
            .await?)
    }

    /// Count one request in the channel's current minute and answer the minute's count; minutes
    /// older than the last hour are cleared on the way.
    pub async fn count_channel_request(&self, code: &str, minute: &str, hour_ago: &str) -> StoreResult<i64> {
        #[derive(Deserialize)]
        struct Row {
            count: i64,
        }
        let bump = self
            .db
            .prepare(
                "INSERT INTO channel_minutes (channel, minute, count) VALUES (?1, ?2, 1) \
                 ON CONFLICT (channel, minute) DO UPDATE SET count = count + 1 RETURNING count",
            )
            .bind(&[text(code), text(minute)])?;
        let clear = self
            .db
            .prepare("DELETE FROM channel_minutes WHERE channel = ?1 AND minute < ?2")
            .bind(&[text(code), text(hour_ago)])?;
        let results = self.db.batch(vec![bump, clear]).await?;
        let row = results.into_iter().next().map(|r| r.results::<Row>()).transpose()?;
        Ok(row.and_then(|rows| rows.into_iter().next()).map_or(0, |r| r.count))
    }
}
