//! Tickets, their audit trail, idempotency keys and tracking sequences.

use super::{opt_real, opt_text, parse_time, text, time, Store, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use shared::catalogue::CategoryCode;
use shared::geo::LatLng;
use shared::ids::{IdempotencyKey, TicketId, TrackingNo};
use shared::request::{Channel, Contact, RequestKind};
use shared::status::Status;
use shared::ticket::{EventKind, Handling, Ticket, TicketEvent};
use std::collections::{BTreeMap, HashSet};
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// A submission already made with this idempotency key.
pub struct IdempotentHit {
    pub body_hash: String,
    pub ticket_id: TicketId,
    pub tracking_no: TrackingNo,
    pub status: Status,
    pub created_at: DateTime<Utc>,
}

/// What a submission finds first: its key's ticket (a replay), or the sequence number it may use.
pub enum FirstRead {
    Known(IdempotentHit),
    Sequence(u64),
}

/// A day's sequence after an upsert (`RETURNING last`).
#[derive(Deserialize)]
struct Last {
    last: u64,
}

#[derive(Deserialize)]
struct IdempotentRow {
    body_hash: String,
    id: String,
    tracking_no: String,
    status: String,
    created_at: String,
}

impl IdempotentRow {
    fn into_hit(self) -> StoreResult<IdempotentHit> {
        Ok(IdempotentHit {
            status: Status::parse(&self.status).ok_or_else(|| StoreError(format!("bad status {:?}", self.status)))?,
            created_at: parse_time(&self.created_at)?,
            body_hash: self.body_hash,
            ticket_id: TicketId::from_stored(self.id),
            tracking_no: TrackingNo::from_stored(self.tracking_no),
        })
    }
}

pub enum InsertOutcome {
    Inserted,
    /// Another request with the same key won the race; nothing was written.
    KeyTaken,
}

/// A legacy ticket ready to store.
pub struct ImportedTicket {
    pub ticket: Ticket,
    pub event: TicketEvent,
    pub external_id: String,
    pub department: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

const TICKET_COLUMNS: &str = "id, tracking_no, title, description, category, lat, lng, address, channel, \
     contact_name, contact_phone, contact_email, anonymous, kind, status, token_hash, created_at, updated_at, version, \
     response_due_at, resolution_due_at, accepted_at, replied_at, reopen_count, extension_days, listed_at, listed_reason";

#[derive(Deserialize)]
struct TicketRow {
    id: String,
    tracking_no: String,
    title: String,
    description: String,
    category: String,
    lat: Option<f64>,
    lng: Option<f64>,
    address: Option<String>,
    channel: String,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    anonymous: i64,
    kind: String,
    status: String,
    token_hash: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
    response_due_at: Option<String>,
    resolution_due_at: Option<String>,
    accepted_at: Option<String>,
    replied_at: Option<String>,
    reopen_count: i64,
    extension_days: i64,
    listed_at: Option<String>,
    listed_reason: Option<String>,
}

fn opt_time(raw: &Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    raw.as_deref().map(parse_time).transpose()
}

impl TicketRow {
    fn into_ticket(self) -> StoreResult<(Ticket, Option<String>)> {
        let bad = |what: &str, value: &str| StoreError(format!("ticket {}: bad {what} {value:?}", self.id));
        let category = CategoryCode::parse(&self.category).ok_or_else(|| bad("category", &self.category))?;
        let channel = Channel::parse(&self.channel).ok_or_else(|| bad("channel", &self.channel))?;
        let kind = RequestKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?;
        let status = Status::parse(&self.status).ok_or_else(|| bad("status", &self.status))?;
        let contact = Contact { name: self.contact_name, phone: self.contact_phone, email: self.contact_email };
        let ticket = Ticket {
            id: TicketId::from_stored(self.id),
            tracking_no: TrackingNo::from_stored(self.tracking_no),
            title: self.title,
            description: self.description,
            category,
            point: self.lat.zip(self.lng).map(|(lat, lng)| LatLng { lat, lng }),
            address: self.address,
            channel,
            contact: (contact != Contact::default()).then_some(contact),
            anonymous: self.anonymous != 0,
            kind,
            status,
            created_at: parse_time(&self.created_at)?,
            updated_at: parse_time(&self.updated_at)?,
            version: self.version,
            handling: Handling {
                response_due: opt_time(&self.response_due_at)?,
                resolution_due: opt_time(&self.resolution_due_at)?,
                accepted_at: opt_time(&self.accepted_at)?,
                replied_at: opt_time(&self.replied_at)?,
                reopen_count: u32::try_from(self.reopen_count).unwrap_or(0),
                extension_days: u32::try_from(self.extension_days).unwrap_or(0),
                listed_at: opt_time(&self.listed_at)?,
                listed_reason: self.listed_reason,
            },
        };
        Ok((ticket, self.token_hash))
    }
}

#[derive(Deserialize)]
struct EventRow {
    at: String,
    data: String,
    actor: String,
    public: i64,
}

impl EventRow {
    fn into_event(self) -> StoreResult<TicketEvent> {
        let kind: EventKind =
            serde_json::from_str(&self.data).map_err(|e| StoreError(format!("stored event {:?}: {e}", self.data)))?;
        Ok(TicketEvent { at: parse_time(&self.at)?, kind, actor: self.actor, public: self.public != 0 })
    }
}

pub(crate) fn event_kind_name(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Submitted { .. } => "submitted",
        EventKind::Imported { .. } => "imported",
        EventKind::StatusChanged { .. } => "status_changed",
        EventKind::Note { .. } => "note",
        EventKind::Dispatched { .. } => "dispatched",
        EventKind::Merged { .. } => "merged",
        EventKind::DuplicateMerged { .. } => "duplicate_merged",
        EventKind::MeToo { .. } => "me_too",
        EventKind::MarkedUnreasonable { .. } => "marked_unreasonable",
        EventKind::UnreasonableDecided { .. } => "unreasonable_decided",
        EventKind::Consulted { .. } => "consulted",
        EventKind::Disputed { .. } => "disputed",
        EventKind::DisputeDecided { .. } => "dispute_decided",
        EventKind::Whistled { .. } => "whistled",
        EventKind::ReportedIn { .. } => "reported_in",
        EventKind::ExtensionRequested { .. } => "extension_requested",
        EventKind::ExtensionDecided { .. } => "extension_decided",
        EventKind::PartSubmitted { .. } => "part_submitted",
        EventKind::Replied { .. } => "replied",
        EventKind::Reopened { .. } => "reopened",
        EventKind::InfoAdded { .. } => "info_added",
        EventKind::Urged { .. } => "urged",
        EventKind::Supervised { .. } => "supervised",
        EventKind::Listed { .. } => "listed",
        EventKind::Escalated { .. } => "escalated",
        EventKind::PhoneReminder { .. } => "phone_reminder",
        EventKind::Rated { .. } => "rated",
        EventKind::CalledBack { .. } => "called_back",
        EventKind::RatingReviewed { .. } => "rating_reviewed",
    }
}

/// The heat map's stored cells (migration 0009): about 1.2 × 0.6 km, never finer.
pub const HEAT_PRECISION: usize = 6;

impl Store {
    fn insert_ticket(
        &self,
        t: &Ticket,
        token_hash: Option<&str>,
        source: Option<(&str, &str)>,
        department: Option<&str>,
        closed_at: Option<&DateTime<Utc>>,
    ) -> StoreResult<D1PreparedStatement> {
        let contact = t.contact.clone().unwrap_or_default();
        let sql = "INSERT INTO tickets (id, tracking_no, title, description, category, lat, lng, address, channel, \
                   contact_name, contact_phone, contact_email, anonymous, kind, status, token_hash, source, external_id, \
                   department, created_at, updated_at, closed_at, version, cell, geohash) \
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";
        Ok(self.db.prepare(sql).bind(&[
            text(t.id.as_str()),
            text(t.tracking_no.as_str()),
            text(&t.title),
            text(&t.description),
            text(t.category.as_str()),
            opt_real(t.point.map(|p| p.lat)),
            opt_real(t.point.map(|p| p.lng)),
            opt_text(t.address.as_deref()),
            text(t.channel.as_str()),
            opt_text(contact.name.as_deref()),
            opt_text(contact.phone.as_deref()),
            opt_text(contact.email.as_deref()),
            super::flag(t.anonymous),
            text(t.kind.as_str()),
            text(t.status.as_str()),
            opt_text(token_hash),
            opt_text(source.map(|s| s.0)),
            opt_text(source.map(|s| s.1)),
            opt_text(department),
            time(&t.created_at),
            time(&t.updated_at),
            closed_at.map_or(JsValue::NULL, time),
            // D1 binds numbers as f64; versions stay far below 2^53.
            JsValue::from_f64(t.version as f64),
            t.point.map_or(JsValue::NULL, |p| JsValue::from_f64(shared::duplicates::cell_of(p) as f64)),
            t.point.map_or(JsValue::NULL, |p| JsValue::from_str(&shared::heat::cell_of(p, HEAT_PRECISION))),
        ])?)
    }

    pub(crate) fn insert_event(&self, ticket: &TicketId, e: &TicketEvent) -> StoreResult<D1PreparedStatement> {
        let data = serde_json::to_string(&e.kind).map_err(|err| StoreError(err.to_string()))?;
        Ok(self
            .db
            .prepare(
                "INSERT INTO ticket_events (ticket_id, at, kind, data, actor, public) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&[
                text(ticket.as_str()),
                time(&e.at),
                text(event_kind_name(&e.kind)),
                text(&data),
                text(&e.actor),
                super::flag(e.public),
            ])?)
    }

    fn idempotent_statement(&self, key: &IdempotencyKey) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(
                "SELECT k.body_hash, t.id, t.tracking_no, t.status, t.created_at \
                 FROM idempotency_keys k JOIN tickets t ON t.id = k.ticket_id WHERE k.key = ?1",
            )
            .bind(&[text(key.as_str())])?)
    }

    pub async fn find_idempotent(&self, key: &IdempotencyKey) -> StoreResult<Option<IdempotentHit>> {
        let row: Option<IdempotentRow> = self.idempotent_statement(key)?.first(None).await?;
        row.map(IdempotentRow::into_hit).transpose()
    }

    /// A submission's first read, in one round trip: the ticket already stored under `key`, or
    /// else the day's next tracking sequence. The number is taken only when the key is new, so
    /// a replay leaves no gap in the day's numbers.
    pub async fn find_or_reserve(&self, key: &IdempotencyKey, day: NaiveDate) -> StoreResult<FirstRead> {
        let reserve = self
            .db
            .prepare(
                "INSERT INTO tracking_sequences (day, last) \
                 SELECT ?1, 1 WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = ?2) \
                 ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
            )
            .bind(&[text(&day.format("%Y-%m-%d").to_string()), text(key.as_str())])?;
        let mut results = self.db.batch(vec![self.idempotent_statement(key)?, reserve]).await?.into_iter();
        let (Some(found), Some(reserved)) = (results.next(), results.next()) else {
            return Err(StoreError("batch returned fewer results than statements".into()));
        };
        if let Some(row) = found.results::<IdempotentRow>()?.into_iter().next() {
            return Ok(FirstRead::Known(row.into_hit()?));
        }
        let last = reserved.results::<Last>()?.first().map(|r| r.last);
        last.map(FirstRead::Sequence).ok_or_else(|| StoreError("sequence returned no row".into()))
    }

    /// Reserve `count` consecutive numbers of each day's sequence; answers the first of each block.
    pub async fn reserve_sequences(&self, days: &BTreeMap<NaiveDate, u64>) -> StoreResult<BTreeMap<NaiveDate, u64>> {
        let statements = days
            .iter()
            .map(|(day, count)| {
                self.db
                    .prepare(
                        "INSERT INTO tracking_sequences (day, last) VALUES (?1, ?2) \
                         ON CONFLICT (day) DO UPDATE SET last = last + ?2 RETURNING last",
                    )
                    .bind(&[text(&day.format("%Y-%m-%d").to_string()), JsValue::from_f64(*count as f64)])
                    .map_err(StoreError::from)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        if statements.is_empty() {
            return Ok(BTreeMap::new());
        }
        let results = self.db.batch(statements).await?;
        days.iter()
            .zip(results)
            .map(|((day, count), result)| {
                let last = result
                    .results::<Last>()?
                    .first()
                    .map(|r| r.last)
                    .ok_or_else(|| StoreError("sequence returned no row".into()))?;
                Ok((*day, last + 1 - count))
            })
            .collect()
    }

    /// Write a new ticket, its first event, the idempotency key and `then` in one transaction.
    pub async fn insert_submitted(
        &self,
        ticket: &Ticket,
        event: &TicketEvent,
        token_hash: &str,
        (key, body_hash): (&IdempotencyKey, &str),
        source: Option<(&str, &str)>,
        then: Vec<D1PreparedStatement>,
    ) -> StoreResult<InsertOutcome> {
        let mut statements = vec![
            self.insert_ticket(ticket, Some(token_hash), source, None, None)?,
            self.db
                .prepare("INSERT INTO idempotency_keys (key, body_hash, ticket_id, created_at) VALUES (?1, ?2, ?3, ?4)")
                .bind(&[text(key.as_str()), text(body_hash), text(ticket.id.as_str()), time(&ticket.created_at)])?,
            self.insert_event(&ticket.id, event)?,
        ];
        // What intake decided (an automatic dispatch) lands in the same transaction.
        statements.extend(then);
        match self.db.batch(statements).await {
            Ok(_) => Ok(InsertOutcome::Inserted),
            // A concurrent retry stored it first: under the same key, or (a channel's retry) the
            // same source and external id.
            Err(e) if ["idempotency_keys.key", "tickets.source"].iter().any(|k| e.to_string().contains(k)) => {
                Ok(InsertOutcome::KeyTaken)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A ticket by tracking number with its token hash and whole audit trail (one round trip).
    pub async fn find_by_tracking_no(
        &self,
        no: &TrackingNo,
    ) -> StoreResult<Option<(Ticket, Option<String>, Vec<TicketEvent>)>> {
        let ticket = self
            .db
            .prepare(format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE tracking_no = ?1"))
            .bind(&[text(no.as_str())])?;
        let events = self
            .db
            .prepare(
                "SELECT e.at, e.data, e.actor, e.public FROM ticket_events e \
                 JOIN tickets t ON t.id = e.ticket_id WHERE t.tracking_no = ?1 ORDER BY e.id",
            )
            .bind(&[text(no.as_str())])?;
        let mut results = self.db.batch(vec![ticket, events]).await?.into_iter();
        let (Some(ticket), Some(events)) = (results.next(), results.next()) else {
            return Err(StoreError("batch returned fewer results than statements".into()));
        };
        let Some(row) = ticket.results::<TicketRow>()?.into_iter().next() else {
            return Ok(None);
        };
        let (ticket, token_hash) = row.into_ticket()?;
        let events =
            events.results::<EventRow>()?.into_iter().map(EventRow::into_event).collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((ticket, token_hash, events)))
    }

    /// Which of these external ids of `source` are stored already.
    pub async fn existing_external_ids(&self, source: &str, ids: &[String]) -> StoreResult<HashSet<String>> {
        #[derive(Deserialize)]
        struct Row {
            external_id: String,
        }
        let mut found = HashSet::new();
        // D1 allows 100 bound parameters per statement.
        for chunk in ids.chunks(90) {
            let placeholders = (2..chunk.len() + 2).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            let mut params = vec![text(source)];
            params.extend(chunk.iter().map(|id| text(id)));
            let rows = self
                .db
                .prepare(format!(
                    "SELECT external_id FROM tickets WHERE source = ?1 AND external_id IN ({placeholders})"
                ))
                .bind(&params)?
                .all()
                .await?
                .results::<Row>()?;
            found.extend(rows.into_iter().map(|r| r.external_id));
        }
        Ok(found)
    }

    /// Store legacy tickets; rows whose (source, external_id) exists are left as they are.
    pub async fn insert_imported(&self, source: &str, rows: &[ImportedTicket]) -> StoreResult<()> {
        // A few hundred statements per batch keeps each transaction short.
        for chunk in rows.chunks(200) {
            let mut statements = Vec::with_capacity(chunk.len() * 2);
            for row in chunk {
                statements.push(self.insert_ticket(
                    &row.ticket,
                    None,
                    Some((source, &row.external_id)),
                    row.department.as_deref(),
                    row.closed_at.as_ref(),
                )?);
                statements.push(self.insert_event(&row.ticket.id, &row.event)?);
            }
            self.db.batch(statements).await?;
        }
        Ok(())
    }
}
