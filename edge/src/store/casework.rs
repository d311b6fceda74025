//! Casework SQL: duplicate candidates and merges, unreasonable requests, consultation,
//! disputes and re-dispatches, street whistles. Each change goes in one batch with its
//! ticket events and audit entry.

use super::{opt_text, parse_time, text, time, Audit, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::duplicates::Candidate;
use shared::geo::LatLng;
use shared::ids::TicketId;
use shared::ticket::TicketEvent;
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

fn num(v: i64) -> JsValue {
    // D1 binds numbers as f64; ids, versions and cells stay far below 2^53.
    JsValue::from_f64(v as f64)
}

fn json_list(values: &[String]) -> StoreResult<String> {
    serde_json::to_string(values).map_err(|e| StoreError(e.to_string()))
}

fn parse_list(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}

#[derive(Deserialize)]
struct PoolRow {
    id: String,
    tracking_no: String,
    category: String,
    lat: Option<f64>,
    lng: Option<f64>,
    created_at: String,
    title: String,
    description: String,
    duplicate_of: Option<String>,
    status: String,
    me_too_count: i64,
}

pub struct PoolTicket {
    pub candidate: Candidate,
    pub status: String,
    pub me_too_count: u32,
}

#[derive(Deserialize)]
pub struct UnreasonableRow {
    pub tracking_no: String,
    pub title: String,
    pub reason_code: String,
    pub note: Option<String>,
    pub state: String,
    pub proposed_by: String,
    pub proposed_at: String,
}

#[derive(Deserialize)]
struct ConsultationRow {
    id: i64,
    question: String,
    departments: String,
    asked_by: String,
    asked_at: String,
}

#[derive(Deserialize)]
struct ReplyRow {
    consultation_id: i64,
    department: String,
    text: String,
    replied_by: String,
    replied_at: String,
}

pub struct ConsultationThread {
    pub id: i64,
    pub question: String,
    pub departments: Vec<String>,
    pub asked_by: String,
    pub asked_at: DateTime<Utc>,
    /// (department, text, by, at)
    pub replies: Vec<(String, String, String, DateTime<Utc>)>,
}

#[derive(Deserialize)]
pub struct DisputeRow {
    pub id: i64,
    pub tracking_no: String,
    pub title: String,
    pub department: String,
    pub reason: String,
    pub filed_by: String,
    pub filed_at: String,
}

#[derive(Deserialize)]
pub struct SummonsRow {
    pub tracking_no: String,
    pub department: String,
    pub summoned_by: String,
    pub summoned_at: String,
    pub due_at: String,
    pub reported_at: Option<String>,
}

impl Store {
    /// Tickets near in place and time: by grid cell when the new ticket has a point, else by
    /// time alone (the caller filters by category family and text).
    pub async fn duplicate_pool(
        &self,
        cells: Option<&[i64]>,
        from: &DateTime<Utc>,
        to: &DateTime<Utc>,
        exclude: &TicketId,
    ) -> StoreResult<Vec<PoolTicket>> {
        const COLUMNS: &str =
            "id, tracking_no, category, lat, lng, created_at, title, description, duplicate_of, status, me_too_count \
             FROM tickets";
        let mut binds = vec![time(from), time(to), text(exclude.as_str())];
        let sql = match cells {
            Some(cells) => {
                let marks: Vec<String> = (0..cells.len()).map(|i| format!("?{}", i + 4)).collect();
                binds.extend(cells.iter().map(|c| num(*c)));
                format!(
                    "SELECT {COLUMNS} WHERE cell IN ({}) AND created_at BETWEEN ?1 AND ?2 AND id <> ?3 LIMIT 2000",
                    marks.join(", ")
                )
            }
            None => format!(
                "SELECT {COLUMNS} WHERE created_at BETWEEN ?1 AND ?2 AND id <> ?3 ORDER BY created_at DESC LIMIT 2000"
            ),
        };
        let rows = self.db.prepare(sql).bind(&binds)?.all().await?.results::<PoolRow>()?;
        rows.into_iter()
            .map(|r| {
                Ok(PoolTicket {
                    candidate: Candidate {
                        ticket_id: r.id,
                        tracking_no: r.tracking_no,
                        category: r.category,
                        point: r.lat.zip(r.lng).map(|(lat, lng)| LatLng { lat, lng }),
                        created_at: parse_time(&r.created_at)?,
                        title: r.title,
                        description: r.description,
                        duplicate_of: r.duplicate_of,
                    },
                    status: r.status,
                    me_too_count: u32::try_from(r.me_too_count).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Whether the ticket is itself a duplicate, and how many are merged into it.
    pub async fn merge_side(&self, id: &TicketId) -> StoreResult<shared::duplicates::MergeSide> {
        #[derive(Deserialize)]
        struct Row {
            duplicate_of: Option<String>,
            duplicates: i64,
        }
        let row = self
            .db
            .prepare(
                "SELECT duplicate_of, (SELECT COUNT(*) FROM tickets c WHERE c.duplicate_of = t.id) AS duplicates \
                 FROM tickets t WHERE t.id = ?1",
            )
            .bind(&[text(id.as_str())])?
            .first::<Row>(None)
            .await?
            .ok_or_else(|| StoreError(format!("ticket {} vanished", id.as_str())))?;
        Ok(shared::duplicates::MergeSide {
            ticket_id: id.as_str().to_owned(),
            duplicate_of: row.duplicate_of,
            duplicates: u32::try_from(row.duplicates).unwrap_or(0),
        })
    }

    /// Guarded on the duplicate's version; children of the duplicate move to the master.
    #[allow(clippy::too_many_arguments)]
    pub fn merge_statements(
        &self,
        duplicate: &TicketId,
        version: i64,
        master: &TicketId,
        at: &DateTime<Utc>,
        duplicate_events: &[TicketEvent],
        master_events: &[TicketEvent],
        audit: &Audit,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        let mut statements = vec![
            self.db
                .prepare(
                    "UPDATE tickets SET status = 'merged', duplicate_of = ?1, version = version + 1, updated_at = ?2 \
                     WHERE id = ?3 AND version = ?4",
                )
                .bind(&[text(master.as_str()), time(at), text(duplicate.as_str()), num(version)])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
            self.db
                .prepare("UPDATE tickets SET duplicate_of = ?1 WHERE duplicate_of = ?2")
                .bind(&[text(master.as_str()), text(duplicate.as_str())])?,
            // The duplicate's "me too"s (its own children's included) and its followers move to
            // the master, which carries the work and sends the updates from now on.
            self.db
                .prepare(
                    "UPDATE tickets SET me_too_count = me_too_count + \
                     (SELECT d.me_too_count FROM tickets d WHERE d.id = ?2) WHERE id = ?1",
                )
                .bind(&[text(master.as_str()), text(duplicate.as_str())])?,
            self.db
                .prepare("UPDATE followers SET ticket_id = ?1 WHERE ticket_id = ?2")
                .bind(&[text(master.as_str()), text(duplicate.as_str())])?,
            // Repeats are the merged reports plus the citizens who said "me too".
            self.db
                .prepare(
                    "UPDATE tickets SET repeat_count = me_too_count + \
                     (SELECT COUNT(*) FROM tickets c WHERE c.duplicate_of = ?1), \
                     version = version + 1, updated_at = ?2 WHERE id = ?1",
                )
                .bind(&[text(master.as_str()), time(at)])?,
        ];
        for e in duplicate_events {
            statements.push(self.insert_event(duplicate, e)?);
        }
        for e in master_events {
            statements.push(self.insert_event(master, e)?);
        }
        statements.push(self.audit_statement(audit)?);
        Ok(statements)
    }

    pub async fn unreasonable_of(&self, id: &TicketId) -> StoreResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            state: String,
        }
        let row = self
            .db
            .prepare("SELECT state FROM unreasonable WHERE ticket_id = ?1")
            .bind(&[text(id.as_str())])?
            .first::<Row>(None)
            .await?;
        Ok(row.map(|r| r.state))
    }

    /// A proposal replaces an earlier rejected one; guarded on the ticket's version.
    #[allow(clippy::too_many_arguments)]
    pub async fn propose_unreasonable(
        &self,
        id: &TicketId,
        version: i64,
        reason_code: &str,
        note: Option<&str>,
        event: &TicketEvent,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let statements = vec![
            self.db
                .prepare("UPDATE tickets SET version = version + 1, updated_at = ?1 WHERE id = ?2 AND version = ?3")
                .bind(&[time(&audit.at), text(id.as_str()), num(version)])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
            self.db
                .prepare(
                    "INSERT OR REPLACE INTO unreasonable (ticket_id, reason_code, note, state, proposed_by, proposed_at) \
                     VALUES (?1, ?2, ?3, 'proposed', ?4, ?5)",
                )
                .bind(&[text(id.as_str()), text(reason_code), opt_text(note), text(&audit.actor), time(&audit.at)])?,
            self.insert_event(id, event)?,
            self.audit_statement(audit)?,
        ];
        self.run_guarded(statements).await
    }

    pub async fn proposed_unreasonable(&self) -> StoreResult<Vec<UnreasonableRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT t.tracking_no, t.title, u.reason_code, u.note, u.state, u.proposed_by, u.proposed_at \
                 FROM unreasonable u JOIN tickets t ON t.id = u.ticket_id WHERE u.state = 'proposed' \
                 ORDER BY u.proposed_at LIMIT 500",
            )
            .all()
            .await?
            .results::<UnreasonableRow>()?)
    }

    /// Only a proposal still open is decided (a second decision changes nothing: `false`).
    pub async fn decide_unreasonable(
        &self,
        id: &TicketId,
        confirmed: bool,
        status_change: Option<&str>,
        events: &[TicketEvent],
        audit: &Audit,
    ) -> StoreResult<bool> {
        let state = if confirmed { "confirmed" } else { "rejected" };
        let mut statements = vec![
            self.db
                .prepare(
                    "UPDATE unreasonable SET state = ?1, decided_by = ?2, decided_at = ?3 \
                     WHERE ticket_id = ?4 AND state = 'proposed'",
                )
                .bind(&[text(state), text(&audit.actor), time(&audit.at), text(id.as_str())])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
        ];
        if let Some(status) = status_change {
            statements.push(
                self.db
                    .prepare(
                        "UPDATE tickets SET status = ?1, version = version + 1, updated_at = ?2, closed_at = ?2 WHERE id = ?3",
                    )
                    .bind(&[text(status), time(&audit.at), text(id.as_str())])?,
            );
        }
        for e in events {
            statements.push(self.insert_event(id, e)?);
        }
        statements.push(self.audit_statement(audit)?);
        self.run_guarded(statements).await
    }

    pub async fn insert_consultation(
        &self,
        id: &TicketId,
        question: &str,
        departments: &[String],
        event: &TicketEvent,
        audit: &Audit,
    ) -> StoreResult<i64> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
        }
        let insert = self
            .db
            .prepare(
                "INSERT INTO consultations (ticket_id, question, departments, asked_by, asked_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            )
            .bind(&[
                text(id.as_str()),
                text(question),
                text(&json_list(departments)?),
                text(&audit.actor),
                time(&audit.at),
            ])?;
        let results = self.db.batch(vec![insert, self.insert_event(id, event)?, self.audit_statement(audit)?]).await?;
        let row = results.first().map(|r| r.results::<Row>()).transpose()?.and_then(|rows| rows.into_iter().next());
        row.map(|r| r.id).ok_or_else(|| StoreError("consultation id not returned".into()))
    }

    pub async fn consultations(&self, id: &TicketId) -> StoreResult<Vec<ConsultationThread>> {
        let threads = self
            .db
            .prepare(
                "SELECT id, question, departments, asked_by, asked_at FROM consultations WHERE ticket_id = ?1 ORDER BY id",
            )
            .bind(&[text(id.as_str())])?;
        let replies = self
            .db
            .prepare(
                "SELECT r.consultation_id, r.department, r.text, r.replied_by, r.replied_at FROM consultation_replies r \
                 JOIN consultations c ON c.id = r.consultation_id WHERE c.ticket_id = ?1 ORDER BY r.id",
            )
            .bind(&[text(id.as_str())])?;
        let mut results = self.db.batch(vec![threads, replies]).await?.into_iter();
        let (Some(threads), Some(replies)) = (results.next(), results.next()) else {
            return Err(StoreError("batch returned fewer results than statements".into()));
        };
        let replies = replies.results::<ReplyRow>()?;
        threads
            .results::<ConsultationRow>()?
            .into_iter()
            .map(|t| {
                let mine = replies
                    .iter()
                    .filter(|r| r.consultation_id == t.id)
                    .map(|r| {
                        Ok((r.department.clone(), r.text.clone(), r.replied_by.clone(), parse_time(&r.replied_at)?))
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(ConsultationThread {
                    id: t.id,
                    question: t.question,
                    departments: parse_list(&t.departments),
                    asked_by: t.asked_by,
                    asked_at: parse_time(&t.asked_at)?,
                    replies: mine,
                })
            })
            .collect()
    }

    /// The ticket and invited departments of a consultation.
    pub async fn consultation_target(&self, consultation: i64) -> StoreResult<Option<(TicketId, Vec<String>)>> {
        #[derive(Deserialize)]
        struct Row {
            ticket_id: String,
            departments: String,
        }
        let row = self
            .db
            .prepare("SELECT ticket_id, departments FROM consultations WHERE id = ?1")
            .bind(&[num(consultation)])?
            .first::<Row>(None)
            .await?;
        Ok(row.map(|r| (TicketId::from_stored(r.ticket_id), parse_list(&r.departments))))
    }

    pub async fn insert_reply(
        &self,
        consultation: i64,
        department: &str,
        body: &str,
        audit: &Audit,
    ) -> StoreResult<()> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO consultation_replies (consultation_id, department, text, replied_by, replied_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(&[num(consultation), text(department), text(body), text(&audit.actor), time(&audit.at)])?;
        self.db.batch(vec![insert, self.audit_statement(audit)?]).await?;
        Ok(())
    }

    pub async fn open_dispute(&self, id: &TicketId) -> StoreResult<Option<DisputeRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT d.id, t.tracking_no, t.title, d.department, d.reason, d.filed_by, d.filed_at \
                 FROM disputes d JOIN tickets t ON t.id = d.ticket_id WHERE d.ticket_id = ?1 AND d.state = 'open'",
            )
            .bind(&[text(id.as_str())])?
            .first::<DisputeRow>(None)
            .await?)
    }

    pub async fn open_disputes(&self) -> StoreResult<Vec<DisputeRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT d.id, t.tracking_no, t.title, d.department, d.reason, d.filed_by, d.filed_at \
                 FROM disputes d JOIN tickets t ON t.id = d.ticket_id WHERE d.state = 'open' ORDER BY d.filed_at LIMIT 500",
            )
            .all()
            .await?
            .results::<DisputeRow>()?)
    }

    /// `false` when another dispute is already open (the unique index refuses it).
    pub async fn file_dispute(
        &self,
        id: &TicketId,
        department: &str,
        reason: &str,
        event: &TicketEvent,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO disputes (ticket_id, department, reason, filed_by, filed_at, state) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'open')",
            )
            .bind(&[text(id.as_str()), text(department), text(reason), text(&audit.actor), time(&audit.at)])?;
        match self.db.batch(vec![insert, self.insert_event(id, event)?, self.audit_statement(audit)?]).await {
            Ok(_) => Ok(true),
            Err(e) if e.to_string().contains("UNIQUE") => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Closes the open dispute; returned to go in the same batch as any re-dispatch.
    pub fn decide_dispute_statements(
        &self,
        dispute: i64,
        upheld: bool,
        reason: Option<&str>,
        audit: &Audit,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        Ok(vec![
            self.db
                .prepare(
                    "UPDATE disputes SET state = ?1, decided_by = ?2, decided_at = ?3, decision_reason = ?4 \
                     WHERE id = ?5 AND state = 'open'",
                )
                .bind(&[
                    text(if upheld { "upheld" } else { "rejected" }),
                    text(&audit.actor),
                    time(&audit.at),
                    opt_text(reason),
                    num(dispute),
                ])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes()"),
            self.db.prepare("DELETE FROM write_guard"),
        ])
    }

    pub fn redispatch_statement(
        &self,
        id: &TicketId,
        from: Option<&str>,
        to: &str,
        cause: &str,
        at: &DateTime<Utc>,
    ) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(
                "INSERT INTO redispatches (ticket_id, from_department, to_department, cause, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(&[text(id.as_str()), opt_text(from), text(to), text(cause), time(at)])?)
    }

    /// Re-dispatches away from each department (the first department's bounce count).
    pub async fn redispatch_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            department: String,
            count: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT from_department AS department, COUNT(*) AS count FROM redispatches \
                 WHERE from_department IS NOT NULL GROUP BY from_department ORDER BY count DESC",
            )
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.department, r.count)).collect())
    }

    pub async fn insert_summonses(
        &self,
        id: &TicketId,
        summonses: &[shared::whistle::Summons],
        note: Option<&str>,
        event: &TicketEvent,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut statements = Vec::new();
        for s in summonses {
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO summonses (ticket_id, department, summoned_by, note, summoned_at, due_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )
                    .bind(&[
                        text(id.as_str()),
                        text(&s.department),
                        text(&audit.actor),
                        opt_text(note),
                        time(&s.summoned_at),
                        time(&s.due_at),
                    ])?,
            );
        }
        statements.push(self.insert_event(id, event)?);
        statements.push(self.audit_statement(audit)?);
        self.db.batch(statements).await?;
        Ok(())
    }

    /// Marks the department's pending summonses on the ticket reported; `false` if none was pending.
    pub async fn report_summons(
        &self,
        id: &TicketId,
        department: &str,
        event: &TicketEvent,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let statements = vec![
            self.db
                .prepare(
                    "UPDATE summonses SET reported_at = ?1, reported_by = ?2 \
                     WHERE ticket_id = ?3 AND department = ?4 AND reported_at IS NULL",
                )
                .bind(&[time(&audit.at), text(&audit.actor), text(id.as_str()), text(department)])?,
            self.db.prepare("INSERT INTO write_guard (ok) SELECT changes() > 0"),
            self.db.prepare("DELETE FROM write_guard"),
            self.insert_event(id, event)?,
            self.audit_statement(audit)?,
        ];
        self.run_guarded(statements).await
    }

    /// Summonses not reported by their deadline, and those reported late.
    pub async fn late_summonses(&self, now: &DateTime<Utc>) -> StoreResult<Vec<SummonsRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT t.tracking_no, s.department, s.summoned_by, s.summoned_at, s.due_at, s.reported_at \
                 FROM summonses s JOIN tickets t ON t.id = s.ticket_id \
                 WHERE (s.reported_at IS NULL AND s.due_at < ?1) OR s.reported_at > s.due_at \
                 ORDER BY s.due_at LIMIT 500",
            )
            .bind(&[time(now)])?
            .all()
            .await?
            .results::<SummonsRow>()?)
    }
}
