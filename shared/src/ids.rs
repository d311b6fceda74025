//! Identifiers: the internal ticket id, the tracking number people read out on the
//! phone, the reporter's secret token and the client's idempotency key.

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Internal identity of a ticket: 128 random bits, chosen by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(String);

impl TicketId {
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(hex(&bytes))
    }

    /// Trust a stored id (the store wrote it).
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `YYYYMMDD-NNNNNNC`: the city's local date, a daily sequence of at least six digits
/// and a Luhn check digit, so a number misheard on the phone is caught before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct TrackingNo(String);

impl TrackingNo {
    pub fn new(date: NaiveDate, sequence: u64) -> Self {
        let body = format!("{}{:06}", date.format("%Y%m%d"), sequence);
        let check = luhn_check_digit(&body);
        Self(format!("{}-{}{}", &body[..8], &body[8..], check))
    }

    /// Accept what people type: spaces, missing dash, full-width digits.
    pub fn parse(raw: &str) -> Option<Self> {
        let digits: String = raw
            .chars()
            .filter_map(|c| match c {
                '0'..='9' => Some(c),
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                _ => None,
            })
            .collect();
        let only_allowed =
            raw.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, '-' | ' ' | '－'));
        if !only_allowed || digits.len() < 15 || digits.len() > 20 {
            return None;
        }
        let (body, check) = digits.split_at(digits.len() - 1);
        // The date by arithmetic: chrono's format parser would be most of this in the app's wasm.
        let number = |range: std::ops::Range<usize>| body[range].parse::<u32>().ok();
        NaiveDate::from_ymd_opt(i32::try_from(number(0..4)?).ok()?, number(4..6)?, number(6..8)?)?;
        if luhn_check_digit(body).to_string() != check {
            return None;
        }
        Some(Self(format!("{}-{}{}", &body[..8], &body[8..], check)))
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TrackingNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn luhn_check_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The reporter's secret for their private view. Only its hash is stored.
///
/// It is derived from a server secret, the ticket and the idempotency key, so a client
/// retrying a submission whose answer was lost gets the same token back.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct AccessToken(String);

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(…)")
    }
}

impl AccessToken {
    pub fn derive(server_secret: &[u8], ticket: &TicketId, idempotency_key: &IdempotencyKey) -> Self {
        Self::derive_as(b"huiyin/access-token/v1\0", server_secret, ticket, idempotency_key)
    }

    /// A follower's ("me too") token, re-derivable for a retried call like the reporter's. The
    /// key alone names the follower (it is unique among followers, and the request followed may
    /// change when it is merged); the label keeps it apart from any reporter's token.
    pub fn derive_follower(server_secret: &[u8], idempotency_key: &IdempotencyKey) -> Self {
        Self::derive_as(b"huiyin/follower-token/v1\0", server_secret, &TicketId(String::new()), idempotency_key)
    }

    fn derive_as(label: &[u8], server_secret: &[u8], ticket: &TicketId, idempotency_key: &IdempotencyKey) -> Self {
        let mut mac = match Hmac::<Sha256>::new_from_slice(server_secret) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this arm cannot be reached.
            Err(_) => return Self(String::new()),
        };
        mac.update(label);
        mac.update(ticket.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(idempotency_key.as_str().as_bytes());
        Self(base64url(&mac.finalize().into_bytes()))
    }

    /// What the reporter presented; shape-checked only, the hash decides.
    pub fn presented(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let ok =
            (20..=100).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A client-chosen key that makes a submission safe to retry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MIN_LEN: usize = 16;
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let ok = (Self::MIN_LEN..=Self::MAX_LEN).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn tracking_number_reads_as_date_and_sequence() {
        let no = TrackingNo::new(day(), 42);
        assert!(no.as_str().starts_with("20261128-000042"), "{no}");
        assert_eq!(no.as_str().len(), "20261128-0000420".len());
        assert_eq!(TrackingNo::parse(no.as_str()), Some(no.clone()));
        // Sequences past a million widen instead of wrapping.
        let big = TrackingNo::new(day(), 1_234_567);
        assert!(big.as_str().starts_with("20261128-1234567"));
        assert_eq!(TrackingNo::parse(big.as_str()), Some(big));
    }

    #[test]
    fn tracking_number_forgives_spacing_and_full_width() {
        let no = TrackingNo::new(day(), 7);
        let spoken = no.as_str().replace('-', " ");
        assert_eq!(TrackingNo::parse(&spoken), Some(no.clone()));
        let full: String = no
            .as_str()
            .chars()
            .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { c })
            .collect();
        assert_eq!(TrackingNo::parse(&full), Some(no));
        assert_eq!(TrackingNo::parse("20261328-0000011"), None, "month 13");
        assert_eq!(TrackingNo::parse("abc"), None);
        assert_eq!(TrackingNo::parse("20261128-00004x2"), None);
    }

    proptest! {
        #[test]
        fn any_single_digit_typo_is_caught(seq in 0u64..2_000_000, pos in 0usize..15, delta in 1u32..10) {
            let no = TrackingNo::new(day(), seq);
            let mut digits: Vec<u32> = no.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
            let p = pos % digits.len();
            digits[p] = (digits[p] + delta) % 10;
            let typo: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert_ne!(TrackingNo::parse(&typo), Some(no));
        }

        #[test]
        fn tracking_numbers_are_unique_per_day_and_sequence(a in 0u64..10_000_000, b in 0u64..10_000_000) {
            prop_assume!(a != b);
            prop_assert_ne!(TrackingNo::new(day(), a), TrackingNo::new(day(), b));
        }
    }

    #[test]
    fn token_is_stable_for_a_retry_and_differs_otherwise() {
        let id = TicketId::from_random([7; 16]);
        let key = IdempotencyKey::parse("0123456789abcdef-key").unwrap();
        let other = IdempotencyKey::parse("0123456789abcdef-kez").unwrap();
        let t1 = AccessToken::derive(b"secret", &id, &key);
        assert_eq!(t1, AccessToken::derive(b"secret", &id, &key));
        assert_ne!(t1, AccessToken::derive(b"secret", &id, &other));
        assert_ne!(t1, AccessToken::derive(b"other secret", &id, &key));
        assert_eq!(t1.as_str().len(), 43);
        assert_eq!(AccessToken::presented(t1.as_str()), Some(t1.clone()));
        assert_ne!(t1.hash(), t1.as_str());
        assert!(!format!("{t1:?}").contains(t1.as_str()));
        // A follower under the same key never holds the reporter's token.
        let f = AccessToken::derive_follower(b"secret", &key);
        assert_eq!(f, AccessToken::derive_follower(b"secret", &key));
        assert_ne!(f, t1);
        assert_ne!(f, AccessToken::derive(b"secret", &TicketId(String::new()), &key));
    }

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn idempotency_key_shape() {
        assert!(IdempotencyKey::parse("short").is_none());
        assert!(IdempotencyKey::parse("has spaces in the middle!!").is_none());
        assert!(IdempotencyKey::parse(&"a".repeat(129)).is_none());
        assert!(IdempotencyKey::parse("550e8400-e29b-41d4-a716-446655440000").is_some());
    }
}
