//! Metadata removal on the server. The browser re-encodes photos through a canvas, which drops
//! EXIF already; API and channel clients may send camera files as they are, and a photo's GPS
//! position or camera serial must never reach a public page. So every stored copy passes here:
//! only what decoding needs is kept, and anything after the image's end is dropped.

use super::sniff::{be16, be32, is_sof, le32, sniff, ImageType, PNG_SIGNATURE};

/// One top-level JPEG segment: `bytes[start..end]`, from its marker to the next one (a scan
/// includes its entropy-coded data).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub marker: u8,
    pub start: usize,
    pub end: usize,
}

impl Segment {
    /// The bytes after the marker and its length field.
    pub fn payload<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        bytes.get(self.start + 4..self.end).unwrap_or(&[])
    }
}

/// The segments from SOI to EOI; `None` when the file is cut short or malformed.
pub(crate) fn jpeg_segments(bytes: &[u8]) -> Option<Vec<Segment>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut segments = vec![Segment { marker: 0xD8, start: 0, end: 2 }];
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        // Fill bytes (0xFF runs) may stand before a marker.
        let mut at = i;
        while bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            0xD9 => {
                segments.push(Segment { marker, start: at, end: at + 2 });
                return Some(segments);
            }
            0xD0..=0xD7 | 0x01 => {
                segments.push(Segment { marker, start: at, end: at + 2 });
                i = at + 2;
            }
            0x00 | 0xD8 => return None,
            _ => {
                let len = usize::from(be16(bytes, at + 2)?);
                let end = at + 2 + len;
                if len < 2 || end > bytes.len() {
                    return None;
                }
                let end = if marker == 0xDA { scan_end(bytes, end)? } else { end };
                segments.push(Segment { marker, start: at, end });
                i = end;
            }
        }
    }
}

/// Where a scan's entropy-coded data ends: at the first marker that is neither a stuffed 0xFF00
/// nor a restart marker.
fn scan_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut k = from;
    loop {
        if *bytes.get(k)? == 0xFF {
            match *bytes.get(k + 1)? {
                0x00 | 0xD0..=0xD7 => k += 2,
                _ => return Some(k),
            }
        } else {
            k += 1;
        }
    }
}

/// The EXIF orientation (1–8) of an APP1 Exif payload, if it has one.
pub(crate) fn exif_orientation(payload: &[u8]) -> Option<u16> {
    let tiff = payload.strip_prefix(b"Exif\0\0")?;
    let big = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at + 2)?;
        Some(if big { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at + 4)?;
        Some(if big { be32(b, 0)? } else { le32(b, 0)? })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(256)).find_map(|n| {
        let entry = ifd.checked_add(2 + n * 12)?;
        (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3).then_some(())?;
        u16_at(entry + 8).filter(|v| (1..=8).contains(v))
    })
}

/// An APP1 segment holding nothing but the orientation: without it an API client's upright
/// portrait photo would be shown lying on its side once the rest of the EXIF is gone.
fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xE1, 0x00, 0x22];
    out.extend_from_slice(b"Exif\0\0MM\0\x2A\0\0\0\x08");
    out.extend_from_slice(&[0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    out.extend_from_slice(&orientation.to_be_bytes());
    out.extend_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    out
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let segments = jpeg_segments(bytes)?;
    segments.iter().any(|s| is_sof(s.marker)).then_some(())?;
    let mut out = Vec::with_capacity(bytes.len());
    let mut orientation_written = false;
    for s in &segments {
        match s.marker {
            // APP1 (Exif, XMP) is replaced by the orientation alone, once.
            0xE1 => {
                if let Some(o) = exif_orientation(s.payload(bytes)).filter(|o| *o != 1) {
                    if !orientation_written {
                        out.extend_from_slice(&orientation_segment(o));
                        orientation_written = true;
                    }
                }
            }
            // APP0 (JFIF) and APP14 (Adobe colour transform) matter to decoders; the other
            // application segments and comments are metadata (ICC, maker notes, Photoshop IPTC).
            0xE2..=0xED | 0xEF | 0xFE => {}
            _ => out.extend_from_slice(bytes.get(s.start..s.end)?),
        }
    }
    Some(out)
}

/// Ancillary PNG chunks that change how pixels look; every other ancillary chunk (tEXt, zTXt,
/// iTXt, eXIf, tIME, iCCP, private ones) goes. Critical chunks (upper-case first letter) stay.
const PNG_KEPT: [&[u8; 4]; 11] =
    [b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT"];

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut i = PNG_SIGNATURE.len();
    loop {
        let len = usize::try_from(be32(bytes, i)?).ok()?;
        let kind = bytes.get(i + 4..i + 8)?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = bytes.get(i..end)?;
        let critical = kind.first().is_some_and(u8::is_ascii_uppercase);
        if critical || PNG_KEPT.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            return Some(out);
        }
        i = end;
    }
}

/// VP8X flags for the chunks removed below.
const WEBP_ICC: u8 = 0x20;
const WEBP_EXIF: u8 = 0x08;
const WEBP_XMP: u8 = 0x04;

fn strip_webp(bytes: &[u8]) -> Option<Vec<u8>> {
    let riff_end = usize::try_from(le32(bytes, 4)?).ok()?.checked_add(8)?;
    if riff_end > bytes.len() {
        return None;
    }
    let mut out = bytes.get(0..12)?.to_vec();
    let mut i = 12;
    let mut has_image = false;
    while i < riff_end {
        let kind = bytes.get(i..i + 4)?;
        let size = usize::try_from(le32(bytes, i + 4)?).ok()?;
        let end = i.checked_add(8)?.checked_add(size)?;
        if end > riff_end {
            return None;
        }
        has_image |= matches!(kind, b"VP8 " | b"VP8L" | b"ANIM");
        if !matches!(kind, b"EXIF" | b"XMP " | b"ICCP") {
            let at = out.len();
            out.extend_from_slice(bytes.get(i..end)?);
            if kind == b"VP8X" {
                if let Some(flags) = out.get_mut(at + 8) {
                    *flags &= !(WEBP_ICC | WEBP_EXIF | WEBP_XMP);
                }
            }
            if size % 2 == 1 {
                out.push(0);
            }
        }
        i = end + size % 2;
    }
    has_image.then_some(())?;
    let riff_size = u32::try_from(out.len() - 8).ok()?;
    out.get_mut(4..8)?.copy_from_slice(&riff_size.to_le_bytes());
    Some(out)
}

/// The image without its metadata, or `None` when it is not a readable JPEG, PNG or WebP.
pub fn strip_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    match sniff(bytes)? {
        ImageType::Jpeg => strip_jpeg(bytes),
        ImageType::Png => strip_png(bytes),
        ImageType::Webp => strip_webp(bytes),
    }
}
