//! Photos' rows (the bytes are in KV, `config::PHOTOS_BINDING`): insert after the blob, the
//! public and staff reads, publishing with a note or reply, and moderation.

use super::{parse_time, text, time, Audit, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::ids::TicketId;
use shared::photo::{Hidden, ImageInfo, PhotoId, PhotoStage, PublicPhoto, StaffPhoto};
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

const COLUMNS: &str = "id, ticket_id, uploader, stage, content_type, bytes, width, height, created_at, \
     published_at, hidden_at, hidden_reason, hidden_by";

#[derive(Deserialize)]
struct PhotoRow {
    id: String,
    ticket_id: String,
    uploader: String,
    stage: String,
    content_type: String,
    bytes: i64,
    width: i64,
    height: i64,
    created_at: String,
    published_at: Option<String>,
    hidden_at: Option<String>,
    hidden_reason: Option<String>,
    hidden_by: Option<String>,
}

/// One stored photo's row.
#[derive(Debug, Clone)]
pub struct PhotoRecord {
    pub id: PhotoId,
    pub ticket_id: String,
    pub uploader: String,
    pub stage: PhotoStage,
    pub content_type: String,
    pub bytes: u32,
    pub width: u32,
    pub height: u32,
    pub created_at: DateTime<Utc>,
    pub published: bool,
    pub hidden: Option<Hidden>,
}

impl PhotoRow {
    fn into_record(self) -> StoreResult<PhotoRecord> {
        let stage = PhotoStage::parse(&self.stage)
            .ok_or_else(|| StoreError(format!("photo {}: stage {}", self.id, self.stage)))?;
        let hidden = match (self.hidden_at, self.hidden_reason, self.hidden_by) {
            (Some(at), Some(reason), Some(by)) => Some(Hidden { at: parse_time(&at)?, reason, by }),
            _ => None,
        };
        let size = |v: i64| u32::try_from(v).unwrap_or(0);
        Ok(PhotoRecord {
            id: PhotoId::from_stored(self.id),
            ticket_id: self.ticket_id,
            uploader: self.uploader,
            stage,
            content_type: self.content_type,
            bytes: size(self.bytes),
            width: size(self.width),
            height: size(self.height),
            created_at: parse_time(&self.created_at)?,
            published: self.published_at.is_some(),
            hidden,
        })
    }
}

impl PhotoRecord {
    pub fn visible(&self) -> bool {
        self.published && self.hidden.is_none()
    }

    pub fn public(&self) -> PublicPhoto {
        PublicPhoto {
            url: self.id.public_path(),
            id: self.id.clone(),
            stage: self.stage,
            at: self.created_at,
            width: self.width,
            height: self.height,
        }
    }

    pub fn staff(&self) -> StaffPhoto {
        StaffPhoto {
            url: self.id.staff_path(),
            id: self.id.clone(),
            stage: self.stage,
            uploader: self.uploader.clone(),
            at: self.created_at,
            width: self.width,
            height: self.height,
            content_type: self.content_type.clone(),
            bytes: self.bytes,
            published: self.published,
            hidden: self.hidden.clone(),
        }
    }
}

/// A photo to insert, its blob already in KV.
pub struct NewPhoto<'a> {
    pub id: &'a PhotoId,
    pub ticket: &'a TicketId,
    pub uploader: &'a str,
    pub stage: PhotoStage,
    pub info: ImageInfo,
    pub bytes: usize,
    pub sha256: &'a str,
    pub at: DateTime<Utc>,
    /// A citizen's photo is public at once.
    pub published: bool,
}

pub enum PhotoInsert {
    Inserted,
    /// The same bytes on the same ticket: the earlier row.
    Existing(PhotoRecord),
    /// The ticket already has as many photos of this kind as it may.
    Full,
}

fn num(v: usize) -> JsValue {
    JsValue::from_f64(v as f64)
}

impl Store {
    /// A ticket's id and the hash of its reporter's token, by tracking number.
    pub async fn ticket_for_photos(
        &self,
        no: &shared::ids::TrackingNo,
    ) -> StoreResult<Option<(TicketId, Option<String>)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            token_hash: Option<String>,
        }
        let row = self
            .db
            .prepare("SELECT id, token_hash FROM tickets WHERE tracking_no = ?1")
            .bind(&[text(no.as_str())])?
            .first::<Row>(None)
            .await?;
        Ok(row.map(|r| (TicketId::from_stored(r.id), r.token_hash)))
    }

    pub async fn photo_by_hash(&self, ticket: &TicketId, sha256: &str) -> StoreResult<Option<PhotoRecord>> {
        let row = self
            .db
            .prepare(format!("SELECT {COLUMNS} FROM photos WHERE ticket_id = ?1 AND sha256 = ?2"))
            .bind(&[text(ticket.as_str()), text(sha256)])?
            .first::<PhotoRow>(None)
            .await?;
        row.map(PhotoRow::into_record).transpose()
    }

    pub async fn report_photo_count(&self, ticket: &TicketId) -> StoreResult<usize> {
        #[derive(Deserialize)]
        struct Row {
            n: i64,
        }
        let row = self
            .db
            .prepare("SELECT COUNT(*) AS n FROM photos WHERE ticket_id = ?1 AND stage = 'report'")
            .bind(&[text(ticket.as_str())])?
            .first::<Row>(None)
            .await?;
        Ok(row.map_or(0, |r| usize::try_from(r.n).unwrap_or(usize::MAX)))
    }

    /// Insert a photo's row; a citizen's only while the ticket has fewer than `max_report` (one
    /// statement, so two uploads at once cannot both take the last place). A staff upload is
    /// audited in the same batch.
    pub async fn insert_photo(
        &self,
        p: &NewPhoto<'_>,
        max_report: usize,
        audit: Option<&Audit>,
    ) -> StoreResult<PhotoInsert> {
        let at = time(&p.at);
        let statement = self
            .db
            .prepare(
                "INSERT INTO photos (id, ticket_id, uploader, stage, content_type, bytes, width, height, sha256, \
                 created_at, published_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 \
                 WHERE ?4 <> 'report' OR (SELECT COUNT(*) FROM photos WHERE ticket_id = ?2 AND stage = 'report') < ?12 \
                 ON CONFLICT (ticket_id, sha256) DO NOTHING",
            )
            .bind(&[
                text(p.id.as_str()),
                text(p.ticket.as_str()),
                text(p.uploader),
                text(p.stage.as_str()),
                text(p.info.kind.mime()),
                num(p.bytes),
                JsValue::from_f64(f64::from(p.info.width)),
                JsValue::from_f64(f64::from(p.info.height)),
                text(p.sha256),
                at.clone(),
                if p.published { at } else { JsValue::NULL },
                num(max_report),
            ])?;
        let mut batch = vec![statement];
        if let Some(audit) = audit {
            batch.push(self.audit_statement(audit)?);
        }
        let results = self.db.batch(batch).await?;
        if super::first_changed(&results) > 0 {
            return Ok(PhotoInsert::Inserted);
        }
        Ok(match self.photo_by_hash(p.ticket, p.sha256).await? {
            Some(existing) => PhotoInsert::Existing(existing),
            None => PhotoInsert::Full,
        })
    }

    pub async fn photo(&self, id: &PhotoId) -> StoreResult<Option<PhotoRecord>> {
        let row = self
            .db
            .prepare(format!("SELECT {COLUMNS} FROM photos WHERE id = ?1"))
            .bind(&[text(id.as_str())])?
            .first::<PhotoRow>(None)
            .await?;
        row.map(PhotoRow::into_record).transpose()
    }

    /// Every photo of a ticket, oldest first.
    pub async fn photos_of(&self, ticket: &TicketId) -> StoreResult<Vec<PhotoRecord>> {
        self.db
            .prepare(format!("SELECT {COLUMNS} FROM photos WHERE ticket_id = ?1 ORDER BY created_at, id"))
            .bind(&[text(ticket.as_str())])?
            .all()
            .await?
            .results::<PhotoRow>()?
            .into_iter()
            .map(PhotoRow::into_record)
            .collect()
    }

    /// The tracking number of a photo's ticket (staff reads check the ticket's scope).
    pub async fn photo_tracking_no(&self, ticket_id: &str) -> StoreResult<Option<shared::ids::TrackingNo>> {
        #[derive(Deserialize)]
        struct Row {
            tracking_no: String,
        }
        let row = self
            .db
            .prepare("SELECT tracking_no FROM tickets WHERE id = ?1")
            .bind(&[text(ticket_id)])?
            .first::<Row>(None)
            .await?;
        Ok(row.map(|r| shared::ids::TrackingNo::from_stored(r.tracking_no)))
    }

    /// Publish handlers' photos with a public note or the reply, in the same batch.
    pub fn publish_photos_statement(
        &self,
        ticket: &TicketId,
        ids: &[PhotoId],
        at: &DateTime<Utc>,
    ) -> StoreResult<D1PreparedStatement> {
        let ids: Vec<&str> = ids.iter().map(PhotoId::as_str).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| StoreError(e.to_string()))?;
        Ok(self
            .db
            .prepare(
                "UPDATE photos SET published_at = ?3 WHERE ticket_id = ?1 AND published_at IS NULL \
                 AND id IN (SELECT value FROM json_each(?2))",
            )
            .bind(&[text(ticket.as_str()), text(&ids), time(at)])?)
    }

    /// Hide (with a reason) or show again, audited in the same batch; `false` when nothing changed.
    pub async fn set_photo_hidden(
        &self,
        id: &PhotoId,
        hidden: Option<(&str, &str)>,
        audit: &Audit,
    ) -> StoreResult<bool> {
        let update = match hidden {
            Some((reason, by)) => self
                .db
                .prepare(
                    "UPDATE photos SET hidden_at = ?2, hidden_reason = ?3, hidden_by = ?4 \
                     WHERE id = ?1 AND hidden_at IS NULL",
                )
                .bind(&[text(id.as_str()), time(&audit.at), text(reason), text(by)])?,
            None => self
                .db
                .prepare(
                    "UPDATE photos SET hidden_at = NULL, hidden_reason = NULL, hidden_by = NULL \
                     WHERE id = ?1 AND hidden_at IS NOT NULL",
                )
                .bind(&[text(id.as_str())])?,
        };
        let results = self.db.batch(vec![update, self.audit_statement(audit)?]).await?;
        let changed = super::first_changed(&results) > 0;
        Ok(changed)
    }
}
