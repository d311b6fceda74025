//! Photos: citizens attach up to three to a request, handlers attach before/after photos to
//! notes and replies. The type is decided by the bytes, metadata is removed before anything is
//! stored (see `strip`), and staff may hide a photo with a reason (moderation).
//!
//! - `POST /api/v1/requests/{no}/photos` (reporter's token; raw image body) → 201/200 [`UploadedPhoto`]
//! - `POST /api/v1/tickets/{no}/photos?stage=before|after|progress` (lead or co-handler) → 201/200 [`UploadedPhoto`]
//! - `GET  /api/v1/photos/{id}` → the public copy (404 when hidden or not published)
//! - `GET  /api/v1/tickets/{no}/photos` → [`StaffPhotos`]; `GET /api/v1/staff/photos/{id}` → any copy
//! - `POST /api/v1/photos/{id}/hide` [`HideInput`] · `POST /api/v1/photos/{id}/unhide`

mod sniff;
mod strip;

pub use sniff::{inspect, sniff, ImageInfo, ImageType};
pub use strip::strip_metadata;

use crate::error::{FieldErrorCode, FieldErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The server refuses larger bodies (413); the browser aims at 300 KB.
pub const MAX_BYTES: usize = 512 * 1024;
/// What the browser's re-encoding aims at.
pub const TARGET_BYTES: usize = 300 * 1000;
/// Citizens' photos per request.
pub const MAX_REPORT_PHOTOS: usize = 3;
/// Photos one note or reply may carry.
pub const MAX_PER_EVENT: usize = 6;
/// The browser downscales to this longest side unless `PHOTO_MAX_SIDE` says otherwise.
pub const DEFAULT_MAX_SIDE: u32 = 1600;
/// Bounds for `PHOTO_MAX_SIDE`.
pub const MAX_SIDE_RANGE: (u32, u32) = (320, 4096);
/// Anything larger a side is refused: a 512 KiB file that decodes to gigapixels is a bomb.
pub const MAX_PIXELS_A_SIDE: u32 = 8000;
/// The field every refusal of an upload names.
pub const FIELD: &str = "photo";

/// The longest side for a configured `PHOTO_MAX_SIDE`: the default when unset or unreadable,
/// clamped to a sensible range otherwise.
pub fn max_side(raw: Option<&str>) -> u32 {
    raw.and_then(|r| r.trim().parse::<u32>().ok())
        .map_or(DEFAULT_MAX_SIDE, |v| v.clamp(MAX_SIDE_RANGE.0, MAX_SIDE_RANGE.1))
}

/// The size to draw a photo at in the browser: the longest side at most `max_side`, the aspect
/// kept, never enlarged, never zero.
pub fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= max_side {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(max_side) / f64::from(longest);
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, max_side.max(1));
    (side(width), side(height))
}

/// An accepted upload: its bytes without metadata, what they are, and their hash (a retried
/// upload of the same photo is the same photo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPhoto {
    pub bytes: Vec<u8>,
    pub info: ImageInfo,
    pub sha256: String,
}

/// Check an upload and strip its metadata. Errors name the field `photo`.
pub fn prepare(raw: &[u8]) -> Result<PreparedPhoto, FieldErrors> {
    let mut errors = FieldErrors::new();
    if raw.is_empty() {
        errors.add(FIELD, FieldErrorCode::Required, "send the image as the request body");
        return Err(errors);
    }
    if sniff(raw).is_none() {
        errors.add(FIELD, FieldErrorCode::InvalidType, "a JPEG, PNG or WebP image is required");
        return Err(errors);
    }
    let readable = inspect(raw).zip(strip_metadata(raw));
    let Some((info, bytes)) = readable else {
        errors.add(FIELD, FieldErrorCode::InvalidFormat, "the image is damaged or cut short");
        return Err(errors);
    };
    if info.width > MAX_PIXELS_A_SIDE || info.height > MAX_PIXELS_A_SIDE {
        errors.add_with_limit(
            FIELD,
            FieldErrorCode::OutOfRange,
            format!("at most {MAX_PIXELS_A_SIDE} pixels a side"),
            Some(MAX_PIXELS_A_SIDE),
        );
        return Err(errors);
    }
    let sha256 = crate::ids::sha256_hex(&bytes);
    Ok(PreparedPhoto { bytes, info, sha256 })
}

/// Where a photo was taken in the case's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhotoStage {
    /// The citizen's own photo of the problem.
    Report,
    /// A handler's photo before the work.
    Before,
    /// A handler's photo after the work.
    After,
    /// A handler's photo during the work.
    Progress,
}

impl PhotoStage {
    pub const ALL: [PhotoStage; 4] = [PhotoStage::Report, PhotoStage::Before, PhotoStage::After, PhotoStage::Progress];

    pub fn as_str(self) -> &'static str {
        match self {
            PhotoStage::Report => "report",
            PhotoStage::Before => "before",
            PhotoStage::After => "after",
            PhotoStage::Progress => "progress",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The stage of a staff upload (`?stage=`): staff never file a citizen's report photo.
    pub fn parse_staff(raw: Option<&str>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        match raw.map(str::trim) {
            None | Some("") => errors.add("stage", FieldErrorCode::Required, "before, after or progress"),
            Some(s) => match Self::parse(s) {
                Some(stage) if stage != PhotoStage::Report => return Ok(stage),
                _ => errors.add("stage", FieldErrorCode::UnknownValue, "before, after or progress"),
            },
        }
        Err(errors)
    }
}

/// A photo's id: 32 lower-case hex digits (random, so ids cannot be guessed from one another).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct PhotoId(String);

impl PhotoId {
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The public copy's path.
    pub fn public_path(&self) -> String {
        format!("/api/v1/photos/{}", self.0)
    }

    /// The staff copy's path (hidden photos too).
    pub fn staff_path(&self) -> String {
        format!("/api/v1/staff/photos/{}", self.0)
    }
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UploadedPhoto {
    pub id: PhotoId,
    /// The public copy for a citizen's photo; the staff copy for a handler's photo until a public
    /// note or the reply publishes it.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

/// A visible photo on the public and private ticket views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicPhoto {
    pub id: PhotoId,
    pub url: String,
    pub stage: PhotoStage,
    pub at: DateTime<Utc>,
    pub width: u32,
    pub height: u32,
}

/// Why and by whom a photo was hidden.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Hidden {
    pub at: DateTime<Utc>,
    pub reason: String,
    pub by: String,
}

/// A photo as staff see it: hidden ones too, with their moderation state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StaffPhoto {
    pub id: PhotoId,
    /// Always readable by staff, hidden or not.
    pub url: String,
    pub stage: PhotoStage,
    /// `reporter` or the staff member's reference.
    pub uploader: String,
    pub at: DateTime<Utc>,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
    pub bytes: u32,
    /// Shown on public pages (a citizen's photo at once; a handler's once a public note or the
    /// reply carries it), unless hidden.
    pub published: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StaffPhotos {
    pub photos: Vec<StaffPhoto>,
}

/// `POST /api/v1/photos/{id}/hide`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HideInput {
    pub reason: Option<String>,
}

impl HideInput {
    /// The reason is what the uploader or a supervisor reads later: a few words at least.
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = crate::text::bounded(&mut errors, "reason", self.reason.as_deref(), 2, 500);
        errors.finish(|| reason.unwrap_or_default())
    }
}

/// The `photos` of a note or reply: ids of that ticket's staff photos, at most [`MAX_PER_EVENT`],
/// each once. Errors name `photos` or `photos[i]`.
pub fn parse_refs(errors: &mut FieldErrors, raw: Option<&[String]>) -> Vec<PhotoId> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_PER_EVENT {
        errors.add_with_limit(
            "photos",
            FieldErrorCode::TooLong,
            format!("at most {MAX_PER_EVENT} photos"),
            u32::try_from(MAX_PER_EVENT).ok(),
        );
        return Vec::new();
    }
    let mut ids: Vec<PhotoId> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        match PhotoId::parse(r.trim()) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => errors.add(&format!("photos[{i}]"), FieldErrorCode::InvalidFormat, "a photo id from an upload"),
        }
    }
    ids
}

#[cfg(test)]
mod tests;
