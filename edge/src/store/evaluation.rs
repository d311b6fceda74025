//! Ratings, call-backs and their reviews; observers, their weekly samples and grades; and the
//! rows the monthly assessment is computed from.

use super::{opt_text, parse_time, text, time, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::evaluation::{CallOutcome, EvaluationSource, RatingEffect, RatingView, Satisfaction};
use shared::grading::{Grade, SampleItem, SampleView};
use shared::ids::TicketId;
use std::collections::BTreeMap;
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

fn num(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn opt_time(raw: Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    raw.as_deref().map(parse_time).transpose()
}

/// A rating or call attempt, ready to store.
pub struct RatingRecord<'a> {
    pub ticket: &'a TicketId,
    pub round: u32,
    pub view: &'a RatingView,
    pub recorded_by: &'a str,
}

#[derive(Deserialize)]
struct RatingRow {
    source: String,
    outcome: Option<String>,
    satisfaction: Option<String>,
    resolved: Option<i64>,
    comment: Option<String>,
    items: String,
    template: String,
    score: Option<f64>,
    band: Option<String>,
    effect: Option<String>,
    at: String,
}

impl RatingRow {
    fn view(self) -> StoreResult<RatingView> {
        Ok(RatingView {
            source: EvaluationSource::parse(&self.source)
                .ok_or_else(|| StoreError(format!("source {}", self.source)))?,
            outcome: self.outcome.as_deref().and_then(CallOutcome::parse),
            satisfaction: self.satisfaction.as_deref().and_then(Satisfaction::parse),
            resolved: self.resolved.map(|r| r == 1),
            comment: self.comment,
            items: serde_json::from_str(&self.items).unwrap_or_default(),
            template: self.template,
            score: self.score,
            band: self.band,
            effect: self.effect.as_deref().and_then(|e| serde_json::from_value(serde_json::json!(e)).ok()),
            at: parse_time(&self.at)?,
        })
    }
}

const RATING_COLUMNS: &str = "r.source, r.outcome, r.satisfaction, r.resolved, r.comment, r.items, r.template, \
                              r.score, r.band, r.effect, r.at";

/// A line of the call centre's list: answered tickets whose reply nobody has rated yet.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct CallbackDue {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub lead: Option<String>,
    pub replied_at: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub attempts: i64,
    pub version: i64,
}

/// A ticket closed in the sampling period, as the draw sees it.
#[derive(Deserialize)]
pub struct SampleCandidateRow {
    pub id: String,
    pub category: String,
    pub lead: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

#[derive(Deserialize)]
pub struct ObserverRow {
    pub id: String,
    pub contact_keys: Option<String>,
}

/// The facts of a ticket the assessment needs, as stored.
#[derive(Deserialize)]
pub struct AssessmentRow {
    pub tracking_no: String,
    pub dispatched_at: String,
    pub lead: Option<String>,
    pub area: Option<String>,
    pub category: String,
    pub channel: String,
    pub status: String,
    pub response_due_at: Option<String>,
    pub accepted_at: Option<String>,
    pub resolution_due_at: Option<String>,
    pub replied_at: Option<String>,
    pub reopen_count: i64,
    pub repeat_count: i64,
    pub redispatched_from: Option<String>,
    pub satisfaction: Option<String>,
    pub resolved: Option<i64>,
}

#[derive(Deserialize)]
pub struct GradeRow {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub lead: Option<String>,
    pub resolution: i64,
    pub quality: i64,
    pub timeliness: i64,
    pub public_comment: Option<String>,
    pub kind: Option<String>,
    pub at: String,
    pub satisfaction: Option<String>,
}

impl Store {
    pub fn rating_statements(&self, r: &RatingRecord<'_>) -> StoreResult<Vec<D1PreparedStatement>> {
        let v = r.view;
        let items = serde_json::to_string(&v.items).map_err(|e| StoreError(e.to_string()))?;
        let effect = v.effect.map(|e| match e {
            RatingEffect::Close => "close",
            RatingEffect::Reopen => "reopen",
            RatingEffect::Review => "review",
        });
        let mut statements = vec![self
            .db
            .prepare(
                "INSERT INTO ratings (ticket_id, round, source, outcome, satisfaction, resolved, comment, items, \
                 template, score, band, effect, recorded_by, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .bind(&[
                text(r.ticket.as_str()),
                num(i64::from(r.round)),
                text(v.source.as_str()),
                opt_text(v.outcome.map(CallOutcome::as_str)),
                opt_text(v.satisfaction.map(Satisfaction::as_str)),
                v.resolved.map_or(JsValue::NULL, |b| num(i64::from(b))),
                opt_text(v.comment.as_deref()),
                text(&items),
                text(&v.template),
                super::opt_real(v.score),
                opt_text(v.band.as_deref()),
                opt_text(effect),
                text(r.recorded_by),
                time(&v.at),
            ])?];
        if v.effect == Some(RatingEffect::Review) {
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO rating_reviews (rating_id, ticket_id) SELECT id, ticket_id FROM ratings \
                         WHERE ticket_id = ?1 AND round = ?2 AND satisfaction IS NOT NULL",
                    )
                    .bind(&[text(r.ticket.as_str()), num(i64::from(r.round))])?,
            );
        }
        Ok(statements)
    }

    /// Every rating and call attempt on a ticket, oldest first.
    pub async fn ratings_of(&self, ticket: &TicketId) -> StoreResult<Vec<(u32, RatingView)>> {
        #[derive(Deserialize)]
        struct Row {
            round: i64,
            #[serde(flatten)]
            rating: RatingRow,
        }
        let rows = self
            .db
            .prepare(format!("SELECT r.round, {RATING_COLUMNS} FROM ratings r WHERE r.ticket_id = ?1 ORDER BY r.id"))
            .bind(&[text(ticket.as_str())])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter().map(|r| Ok((u32::try_from(r.round).unwrap_or(0), r.rating.view()?))).collect()
    }

    pub async fn callbacks_due(&self, limit: u32) -> StoreResult<Vec<CallbackDue>> {
        Ok(self
            .db
            .prepare(
                "SELECT t.tracking_no, t.title, t.category, t.replied_at, t.version, \
                 CASE WHEN t.anonymous = 1 THEN NULL ELSE t.contact_name END AS contact_name, t.contact_phone, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead, \
                 (SELECT COUNT(*) FROM ratings r WHERE r.ticket_id = t.id AND r.round = t.reopen_count) AS attempts \
                 FROM tickets t WHERE t.status = 'replied' AND t.contact_phone IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.ticket_id = t.id AND r.round = t.reopen_count \
                                 AND r.satisfaction IS NOT NULL) \
                 ORDER BY t.replied_at LIMIT ?1",
            )
            .bind(&[num(i64::from(limit))])?
            .all()
            .await?
            .results::<CallbackDue>()?)
    }

    /// Open reviews with the rating, the ticket and the reply under review.
    pub async fn open_reviews(&self) -> StoreResult<Vec<shared::evaluation::ReviewItem>> {
        #[derive(Deserialize)]
        struct Row {
            tracking_no: String,
            title: String,
            version: i64,
            lead: Option<String>,
            reply: Option<String>,
            #[serde(flatten)]
            rating: RatingRow,
        }
        let rows = self
            .db
            .prepare(format!(
                "SELECT t.tracking_no, t.title, t.version, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead, \
                 (SELECT p.text FROM ticket_parts p WHERE p.ticket_id = t.id AND p.part = 'reply' \
                    ORDER BY p.id DESC LIMIT 1) AS reply, {RATING_COLUMNS} \
                 FROM rating_reviews v JOIN ratings r ON r.id = v.rating_id JOIN tickets t ON t.id = v.ticket_id \
                 WHERE v.state = 'open' ORDER BY r.at LIMIT 200"
            ))
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(shared::evaluation::ReviewItem {
                    tracking_no: r.tracking_no,
                    title: r.title,
                    lead: r.lead,
                    reply: r.reply,
                    rating: r.rating.view()?,
                    version: r.version,
                })
            })
            .collect()
    }

    /// The open review of the ticket's current round, if any.
    pub async fn open_review_of(&self, ticket: &TicketId) -> StoreResult<Option<i64>> {
        #[derive(Deserialize)]
        struct Row {
            rating_id: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT rating_id FROM rating_reviews WHERE ticket_id = ?1 AND state = 'open'")
            .bind(&[text(ticket.as_str())])?
            .first(None)
            .await?;
        Ok(row.map(|r| r.rating_id))
    }

    pub fn review_decision_statement(
        &self,
        rating_id: i64,
        reopen: bool,
        by: &str,
        at: &DateTime<Utc>,
        note: &str,
    ) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(
                "UPDATE rating_reviews SET state = ?1, decided_by = ?2, decided_at = ?3, note = ?4 \
                 WHERE rating_id = ?5 AND state = 'open'",
            )
            .bind(&[
                text(if reopen { "reopened" } else { "closed" }),
                text(by),
                time(at),
                text(note),
                num(rating_id),
            ])?)
    }

    pub async fn set_observer_profile(
        &self,
        staff_id: &str,
        kind: &str,
        contact_keys: &[String],
        audit: &super::Audit,
    ) -> StoreResult<bool> {
        let keys = serde_json::to_string(contact_keys).map_err(|e| StoreError(e.to_string()))?;
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare(
                        "INSERT INTO observer_profiles (staff_id, kind, contact_keys) \
                         SELECT id, ?2, ?3 FROM staff WHERE id = ?1 AND role = 'observer' \
                         ON CONFLICT (staff_id) DO UPDATE SET kind = excluded.kind, contact_keys = excluded.contact_keys",
                    )
                    .bind(&[text(staff_id), text(kind), text(&keys)])?,
                self.audit_statement(audit)?,
            ])
            .await?;
        let written = super::first_changed(&results);
        Ok(written > 0)
    }

    /// Active observers with their profile (absent until an admin sets one).
    pub async fn observers(&self) -> StoreResult<Vec<ObserverRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT s.id, p.contact_keys FROM staff s LEFT JOIN observer_profiles p ON p.staff_id = s.id \
                 WHERE s.role = 'observer' AND s.active = 1 ORDER BY s.id",
            )
            .all()
            .await?
            .results::<ObserverRow>()?)
    }

    /// Observers who have a sample for `week` already.
    pub async fn drawn_observers(&self, week: &str) -> StoreResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Row {
            observer_id: String,
        }
        let rows = self
            .db
            .prepare("SELECT observer_id FROM samples WHERE week = ?1")
            .bind(&[text(week)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| r.observer_id).collect())
    }

    /// Tickets closed in `[from, to)` that are not merged or unreasonable, newest first.
    pub async fn sample_candidates(
        &self,
        from: &DateTime<Utc>,
        to: &DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<SampleCandidateRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT t.id, t.category, t.contact_phone, t.contact_email, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead \
                 FROM tickets t WHERE t.status = 'closed' AND t.closed_at >= ?1 AND t.closed_at < ?2 \
                 ORDER BY t.closed_at DESC LIMIT ?3",
            )
            .bind(&[time(from), time(to), num(i64::from(limit))])?
            .all()
            .await?
            .results::<SampleCandidateRow>()?)
    }

    /// Tickets already in one of the observer's samples: nobody grades the same case twice.
    pub async fn sampled_tickets(&self, observer: &str) -> StoreResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Row {
            ticket_id: String,
        }
        let rows = self
            .db
            .prepare(
                "SELECT i.ticket_id FROM sample_items i JOIN samples s ON s.id = i.sample_id WHERE s.observer_id = ?1",
            )
            .bind(&[text(observer)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| r.ticket_id).collect())
    }

    /// The sample and its items in one batch; a second draw for the same week fails on the key.
    #[allow(clippy::too_many_arguments)]
    pub fn sample_statements(
        &self,
        observer: &str,
        week: &str,
        seed: u64,
        size: u32,
        candidates: usize,
        tickets: &[String],
        at: &DateTime<Utc>,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        let mut statements = vec![self
            .db
            .prepare(
                "INSERT INTO samples (observer_id, week, seed, size, candidates, drawn_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&[
                text(observer),
                text(week),
                text(&seed.to_string()),
                num(i64::from(size)),
                num(candidates as i64),
                time(at),
            ])?];
        for ticket in tickets {
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO sample_items (sample_id, ticket_id) \
                         SELECT id, ?3 FROM samples WHERE observer_id = ?1 AND week = ?2",
                    )
                    .bind(&[text(observer), text(week), text(ticket)])?,
            );
        }
        Ok(statements)
    }

    /// The observer's latest samples with what they need to grade each ticket.
    pub async fn samples_of(&self, observer: &str, weeks: u32) -> StoreResult<Vec<SampleView>> {
        #[derive(Deserialize)]
        struct SampleRow {
            id: i64,
            week: String,
            seed: String,
            size: i64,
            drawn_at: String,
        }
        #[derive(Deserialize)]
        struct ItemRow {
            sample_id: i64,
            tracking_no: String,
            title: String,
            description: String,
            category: String,
            lead: Option<String>,
            reply: Option<String>,
            replied_at: Option<String>,
            resolution_due_at: Option<String>,
            resolution: Option<i64>,
            quality: Option<i64>,
            timeliness: Option<i64>,
            comment: Option<String>,
        }
        let samples = self
            .db
            .prepare(
                "SELECT id, week, seed, size, drawn_at FROM samples WHERE observer_id = ?1 ORDER BY week DESC LIMIT ?2",
            )
            .bind(&[text(observer), num(i64::from(weeks))])?
            .all()
            .await?
            .results::<SampleRow>()?;
        let items = self
            .db
            .prepare(
                "SELECT i.sample_id, t.tracking_no, t.title, t.description, t.category, t.replied_at, \
                 t.resolution_due_at, g.resolution, g.quality, g.timeliness, g.comment, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead, \
                 (SELECT p.text FROM ticket_parts p WHERE p.ticket_id = t.id AND p.part = 'reply' \
                    ORDER BY p.id DESC LIMIT 1) AS reply \
                 FROM sample_items i JOIN samples s ON s.id = i.sample_id JOIN tickets t ON t.id = i.ticket_id \
                 LEFT JOIN grades g ON g.sample_id = i.sample_id AND g.ticket_id = i.ticket_id \
                 WHERE s.observer_id = ?1 ORDER BY t.tracking_no",
            )
            .bind(&[text(observer)])?
            .all()
            .await?
            .results::<ItemRow>()?;
        let mut by_sample: BTreeMap<i64, Vec<SampleItem>> = BTreeMap::new();
        for r in items {
            let grade = match (r.resolution, r.quality, r.timeliness) {
                (Some(a), Some(b), Some(c)) => Some(Grade {
                    resolution: u8::try_from(a).unwrap_or(0),
                    quality: u8::try_from(b).unwrap_or(0),
                    timeliness: u8::try_from(c).unwrap_or(0),
                    comment: r.comment,
                }),
                _ => None,
            };
            by_sample.entry(r.sample_id).or_default().push(SampleItem {
                tracking_no: r.tracking_no,
                title: r.title,
                description: shared::redact::public_text(&r.description),
                category: r.category,
                department: r.lead,
                reply: r.reply,
                replied_at: opt_time(r.replied_at)?,
                resolution_due: opt_time(r.resolution_due_at)?,
                grade,
            });
        }
        samples
            .into_iter()
            .map(|s| {
                Ok(SampleView {
                    items: by_sample.remove(&s.id).unwrap_or_default(),
                    id: s.id,
                    week: s.week,
                    seed: s.seed,
                    size: u32::try_from(s.size).unwrap_or(0),
                    drawn_at: parse_time(&s.drawn_at)?,
                })
            })
            .collect()
    }

    /// The ticket id if it is in this observer's sample.
    pub async fn sampled_ticket(&self, sample: i64, observer: &str, tracking_no: &str) -> StoreResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT t.id FROM sample_items i JOIN samples s ON s.id = i.sample_id JOIN tickets t ON t.id = i.ticket_id \
                 WHERE i.sample_id = ?1 AND s.observer_id = ?2 AND t.tracking_no = ?3",
            )
            .bind(&[num(sample), text(observer), text(tracking_no)])?
            .first(None)
            .await?;
        Ok(row.map(|r| r.id))
    }

    /// A grade; grading again before publication replaces the earlier one.
    pub fn grade_statement(
        &self,
        sample: i64,
        ticket: &str,
        observer: &str,
        grade: &Grade,
        public_comment: Option<&str>,
        at: &DateTime<Utc>,
    ) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare(
                "INSERT INTO grades (sample_id, ticket_id, observer_id, resolution, quality, timeliness, comment, \
                 public_comment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (sample_id, ticket_id) DO UPDATE SET resolution = excluded.resolution, \
                 quality = excluded.quality, timeliness = excluded.timeliness, comment = excluded.comment, \
                 public_comment = excluded.public_comment, at = excluded.at",
            )
            .bind(&[
                num(sample),
                text(ticket),
                text(observer),
                num(i64::from(grade.resolution)),
                num(i64::from(grade.quality)),
                num(i64::from(grade.timeliness)),
                opt_text(grade.comment.as_deref()),
                opt_text(public_comment),
                time(at),
            ])?)
    }

    /// Tickets dispatched in `[from, to)` with the facts the assessment counts; the latest
    /// answered rating of each.
    pub async fn assessment_rows(&self, from: &DateTime<Utc>, to: &DateTime<Utc>) -> StoreResult<Vec<AssessmentRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT t.tracking_no, t.dispatched_at, t.area, t.category, t.channel, t.status, t.response_due_at, \
                 t.accepted_at, t.resolution_due_at, t.replied_at, t.reopen_count, t.repeat_count, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead, \
                 (SELECT group_concat(x.from_department, ';') FROM redispatches x \
                    WHERE x.ticket_id = t.id AND x.from_department IS NOT NULL) AS redispatched_from, \
                 r.satisfaction, r.resolved \
                 FROM tickets t LEFT JOIN ratings r ON r.id = (SELECT MAX(id) FROM ratings \
                    WHERE ticket_id = t.id AND satisfaction IS NOT NULL) \
                 WHERE t.dispatched_at >= ?1 AND t.dispatched_at < ?2 ORDER BY t.tracking_no",
            )
            .bind(&[time(from), time(to)])?
            .all()
            .await?
            .results::<AssessmentRow>()?)
    }

    /// Published grades in `[from, to)`, with the citizen's latest rating for agreement.
    pub async fn grades_between(&self, from: &DateTime<Utc>, to: &DateTime<Utc>) -> StoreResult<Vec<GradeRow>> {
        Ok(self
            .db
            .prepare(
                "SELECT t.tracking_no, t.title, t.category, g.resolution, g.quality, g.timeliness, g.public_comment, \
                 g.at, p.kind, \
                 (SELECT d.department FROM ticket_departments d WHERE d.ticket_id = t.id AND d.part = 'lead') AS lead, \
                 (SELECT r.satisfaction FROM ratings r WHERE r.ticket_id = t.id AND r.satisfaction IS NOT NULL \
                    ORDER BY r.id DESC LIMIT 1) AS satisfaction \
                 FROM grades g JOIN tickets t ON t.id = g.ticket_id \
                 LEFT JOIN observer_profiles p ON p.staff_id = g.observer_id \
                 WHERE g.at >= ?1 AND g.at < ?2 ORDER BY g.at DESC LIMIT 500",
            )
            .bind(&[time(from), time(to)])?
            .all()
            .await?
            .results::<GradeRow>()?)
    }
}

impl AssessmentRow {
    pub fn times(&self) -> StoreResult<[Option<DateTime<Utc>>; 5]> {
        Ok([
            Some(parse_time(&self.dispatched_at)?),
            opt_time(self.response_due_at.clone())?,
            opt_time(self.accepted_at.clone())?,
            opt_time(self.resolution_due_at.clone())?,
            opt_time(self.replied_at.clone())?,
        ])
    }
}
