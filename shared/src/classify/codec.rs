//! The model's binary form, little-endian, version 1:
//!
//! ```text
//! "HYCM" u8:version
//! u8:cjk_ngram_max u8:flags(1 = latin bigrams, 2 = title namespace) f32:title_weight
//! varint:n_docs varint:K  K × (u8:len, code bytes)
//! varint:V  V × varint:hash delta (ascending)  V × varint:document frequency
//! K × f32:scale  K × f32:bias  V·K × i8:weight (feature-major)
//! varint:training_rows varint:oof_rows  f32:oof_accuracy f32:oof_log_loss f32:oof_ece  varint:M  M × f32:member weight
//! ```

use super::features::Vocab;
use super::text::Analyzer;
use super::{Model, ModelInfo};
use crate::catalogue::CategoryCode;

const MAGIC: &[u8; 4] = b"HYCM";
const VERSION: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "classifier model: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7F) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_f32(out: &mut Vec<u8>, v: f32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn encode(m: &Model) -> Vec<u8> {
    let k = m.classes.len();
    let v = m.vocab.len();
    let mut out = Vec::with_capacity(16 + v * (4 + k) + k * 16);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(m.analyzer.cjk_ngram_max);
    out.push(u8::from(m.analyzer.latin_bigrams) | (u8::from(m.analyzer.title_namespace) << 1));
    put_f32(&mut out, m.title_weight);
    put_varint(&mut out, u64::from(m.vocab.n_docs));
    put_varint(&mut out, k as u64);
    for c in &m.classes {
        let s = c.as_str().as_bytes();
        out.push(s.len() as u8);
        out.extend_from_slice(s);
    }
    put_varint(&mut out, v as u64);
    let mut prev = 0u32;
    for &h in &m.vocab.hashes {
        put_varint(&mut out, u64::from(h - prev));
        prev = h;
    }
    for &d in &m.vocab.df {
        put_varint(&mut out, u64::from(d));
    }
    m.scales.iter().for_each(|&s| put_f32(&mut out, s));
    m.bias.iter().for_each(|&b| put_f32(&mut out, b));
    out.extend(m.weights.iter().map(|&w| w as u8));
    put_varint(&mut out, u64::from(m.info.training_rows));
    put_varint(&mut out, u64::from(m.info.oof_rows));
    put_f32(&mut out, m.info.oof_accuracy);
    put_f32(&mut out, m.info.oof_log_loss);
    put_f32(&mut out, m.info.oof_ece);
    put_varint(&mut out, m.info.member_weights.len() as u64);
    m.info.member_weights.iter().for_each(|&a| put_f32(&mut out, a));
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| DecodeError(format!("truncated at byte {}", self.at)))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn f32(&mut self) -> Result<f32, DecodeError> {
        let b = self.take(4)?;
        let v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(DecodeError(format!("non-finite number before byte {}", self.at)))
        }
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError("varint too long".into()))
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        u32::try_from(self.varint()?).map_err(|_| DecodeError("number out of range".into()))
    }

    /// A count that must fit in what is left (each item takes at least `min_bytes`).
    fn count(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.varint()? as usize;
        if n.saturating_mul(min_bytes) > self.bytes.len() - self.at {
            return Err(DecodeError("count exceeds the data".into()));
        }
        Ok(n)
    }
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Model, DecodeError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err(DecodeError("not a classifier model".into()));
    }
    let version = r.u8()?;
    if version != VERSION {
        return Err(DecodeError(format!("version {version} is not supported")));
    }
    let cjk_ngram_max = r.u8()?;
    let flags = r.u8()?;
    let analyzer = Analyzer { cjk_ngram_max, latin_bigrams: flags & 1 != 0, title_namespace: flags & 2 != 0 };
    let title_weight = r.f32()?;
    let n_docs = r.u32()?;
    let k = r.count(2)?;
    let mut classes = Vec::with_capacity(k);
    for _ in 0..k {
        let len = usize::from(r.u8()?);
        let raw = std::str::from_utf8(r.take(len)?).map_err(|_| DecodeError("class code is not UTF-8".into()))?;
        classes.push(CategoryCode::parse(raw).ok_or_else(|| DecodeError(format!("bad class code {raw:?}")))?);
    }
    if classes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(DecodeError("class codes are not sorted and unique".into()));
    }
    let v = r.count(2 + k)?;
    let mut hashes = Vec::with_capacity(v);
    let mut prev = 0u32;
    for i in 0..v {
        let delta = r.u32()?;
        if i > 0 && delta == 0 {
            return Err(DecodeError("feature hashes are not ascending".into()));
        }
        prev = prev.checked_add(delta).ok_or_else(|| DecodeError("feature hash overflow".into()))?;
        hashes.push(prev);
    }
    let df = (0..v).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
    let scales = (0..k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
    let bias = (0..k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
    let weights: Vec<i8> = r.take(v * k)?.iter().map(|&b| b as i8).collect();
    let training_rows = r.u32()?;
    let oof_rows = r.u32()?;
    let oof_accuracy = r.f32()?;
    let oof_log_loss = r.f32()?;
    let oof_ece = r.f32()?;
    let m = r.count(4)?;
    let member_weights = (0..m).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
    if r.at != bytes.len() {
        return Err(DecodeError("trailing bytes".into()));
    }
    Ok(Model {
        analyzer,
        title_weight,
        classes,
        vocab: Vocab::new(n_docs, hashes, df),
        weights,
        scales,
        bias,
        info: ModelInfo { training_rows, oof_rows, member_weights, oof_accuracy, oof_log_loss, oof_ece },
    })
}
