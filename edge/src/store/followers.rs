//! Followers ("me too"): a citizen who follows an open request instead of filing the same
//! problem again. The follower, the request's counts and the public timeline entry are one
//! batch, so a retry or a race never counts twice.

use super::{text, time, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::ids::{IdempotencyKey, TicketId, TrackingNo};

/// A "me too" already made with this idempotency key.
pub struct FollowerHit {
    pub body_hash: String,
    /// The request followed now (the master, once the one followed was merged).
    pub tracking_no: TrackingNo,
    pub me_too_count: u32,
}

pub enum MeTooOutcome {
    Inserted {
        me_too_count: u32,
    },
    /// A concurrent call with the same key (or token) won; nothing was written.
    KeyTaken,
    /// The request was closed, merged or rejected before the write.
    NotOpen,
}

/// A new follower, ready to store.
pub struct NewFollower<'a> {
    pub id: &'a str,
    pub ticket: &'a TicketId,
    pub token_hash: &'a str,
    pub key: &'a IdempotencyKey,
    pub body_hash: &'a str,
    pub at: &'a DateTime<Utc>,
}

fn count(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

impl Store {
    pub async fn find_follower(&self, key: &IdempotencyKey) -> StoreResult<Option<FollowerHit>> {
        #[derive(Deserialize)]
        struct Row {
            body_hash: String,
            tracking_no: String,
            me_too_count: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT f.body_hash, t.tracking_no, t.me_too_count \
                 FROM followers f JOIN tickets t ON t.id = f.ticket_id WHERE f.idempotency_key = ?1",
            )
            .bind(&[text(key.as_str())])?
            .first(None)
            .await?;
        Ok(row.map(|r| FollowerHit {
            body_hash: r.body_hash,
            tracking_no: TrackingNo::from_stored(r.tracking_no),
            me_too_count: count(r.me_too_count),
        }))
    }

    /// The follower, both counts (a me-too is a repeat for the ladder) and the public event, in
    /// one transaction; guarded on the request still taking followers.
    pub async fn insert_me_too(&self, f: &NewFollower<'_>) -> StoreResult<MeTooOutcome> {
        let id = text(f.ticket.as_str());
        let statements = vec![
            // First, so a concurrent retry is told apart from a closed request.
            self.db
                .prepare(
                    "INSERT INTO followers (id, ticket_id, token_hash, idempotency_key, body_hash, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .bind(&[
                    text(f.id),
                    id.clone(),
                    text(f.token_hash),
                    text(f.key.as_str()),
                    text(f.body_hash),
                    time(f.at),
                ])?,
            self.db
                .prepare(
                    "UPDATE tickets SET me_too_count = me_too_count + 1, repeat_count = repeat_count + 1 \
                     WHERE id = ?1 AND status NOT IN ('closed', 'merged', 'rejected_unreasonable')",
                )
                .bind(std::slice::from_ref(&id))?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
            // The count is read inside the transaction, so concurrent me-toos each say their own.
            self.db
                .prepare(
                    "INSERT INTO ticket_events (ticket_id, at, kind, data, actor, public) \
                     SELECT id, ?2, 'me_too', json_object('event', 'me_too', 'count', me_too_count), 'follower', 1 \
                     FROM tickets WHERE id = ?1",
                )
                .bind(&[id.clone(), time(f.at)])?,
            self.db.prepare("SELECT me_too_count FROM tickets WHERE id = ?1").bind(&[id])?,
        ];
        let results = match self.db.batch(statements).await {
            Ok(results) => results,
            Err(e) if e.to_string().contains("followers.") => return Ok(MeTooOutcome::KeyTaken),
            Err(e) if e.to_string().contains(super::dispatch::GUARD_FAILED) || e.to_string().contains("CHECK") => {
                return Ok(MeTooOutcome::NotOpen)
            }
            Err(e) => return Err(e.into()),
        };
        #[derive(Deserialize)]
        struct Count {
            me_too_count: i64,
        }
        let last = results.last().ok_or_else(|| StoreError("batch returned no results".into()))?;
        let row = last.results::<Count>()?.into_iter().next();
        let me_too_count = row.map(|r| count(r.me_too_count)).ok_or_else(|| StoreError("count not read".into()))?;
        Ok(MeTooOutcome::Inserted { me_too_count })
    }

    /// The request's "me too" count, and whether `token_hash` (when given) is one of its
    /// followers' — of this request, or of a duplicate merged into it whose followers moved here.
    pub async fn follow_state(&self, ticket: &TicketId, token_hash: Option<&str>) -> StoreResult<(u32, bool)> {
        #[derive(Deserialize)]
        struct Row {
            me_too_count: i64,
            following: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT t.me_too_count, EXISTS (SELECT 1 FROM followers f WHERE f.token_hash = ?2 \
                   AND (f.ticket_id = t.id OR f.ticket_id = t.duplicate_of)) AS following \
                 FROM tickets t WHERE t.id = ?1",
            )
            .bind(&[text(ticket.as_str()), super::opt_text(token_hash)])?
            .first(None)
            .await?;
        Ok(row.map_or((0, false), |r| (count(r.me_too_count), r.following != 0)))
    }

    /// How many citizens follow this request as "me too".
    pub async fn me_too_count(&self, ticket: &TicketId) -> StoreResult<u32> {
        Ok(self.follow_state(ticket, None).await?.0)
    }
}
