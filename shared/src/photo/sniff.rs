//! What an upload is, decided by its bytes: JPEG, PNG or WebP, and its size in pixels. The name
//! and the declared Content-Type are never trusted (an SVG or HTML page served back as an
//! "image" would run script on our origin).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImageType {
    Jpeg,
    Png,
    Webp,
}

impl ImageType {
    pub const ALL: [ImageType; 3] = [ImageType::Jpeg, ImageType::Png, ImageType::Webp];

    pub fn mime(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }

    pub fn from_mime(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.mime() == raw)
    }
}

/// The type and pixel size read from an image's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageType,
    pub width: u32,
    pub height: u32,
}

pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The type by magic bytes alone.
pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        Some(ImageType::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(ImageType::Webp)
    } else {
        None
    }
}

/// Type and dimensions, or `None` when the header cannot be read (not an image, or cut short).
pub fn inspect(bytes: &[u8]) -> Option<ImageInfo> {
    let kind = sniff(bytes)?;
    let (width, height) = match kind {
        ImageType::Jpeg => jpeg_size(bytes)?,
        ImageType::Png => png_size(bytes)?,
        ImageType::Webp => webp_size(bytes)?,
    };
    (width > 0 && height > 0).then_some(ImageInfo { kind, width, height })
}

pub(crate) fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

pub(crate) fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

pub(crate) fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

pub(crate) fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | (u32::from(b[1]) << 8) | (u32::from(b[2]) << 16))
}

pub(crate) fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Start-of-frame markers carry the size; DHT (C4), JPG (C8) and DAC (CC) share the range but not the layout.
pub(crate) fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    super::strip::jpeg_segments(bytes)?.into_iter().find_map(|s| {
        if is_sof(s.marker) {
            let payload = s.payload(bytes);
            Some((u32::from(be16(payload, 3)?), u32::from(be16(payload, 1)?)))
        } else {
            None
        }
    })
}

fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    // IHDR must come first: length 13, then the type, then width and height.
    (bytes.get(12..16) == Some(b"IHDR")).then_some(())?;
    Some((be32(bytes, 16)?, be32(bytes, 20)?))
}

fn webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let chunk = bytes.get(12..16)?;
    let data = 20;
    match chunk {
        b"VP8X" => Some((le24(bytes, data + 4)? + 1, le24(bytes, data + 7)? + 1)),
        b"VP8 " => {
            // A key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
            (bytes.get(data + 3..data + 6) == Some(&[0x9D, 0x01, 0x2A][..])).then_some(())?;
            Some((u32::from(le16(bytes, data + 6)? & 0x3FFF), u32::from(le16(bytes, data + 8)? & 0x3FFF)))
        }
        b"VP8L" => {
            (bytes.get(data) == Some(&0x2F)).then_some(())?;
            let bits = le32(bytes, data + 1)?;
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}
