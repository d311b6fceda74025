//! Tracking links and what people paste into the tracking form.
//!
//! The reporter's token travels in the URL fragment (`/track/{no}#token=…`): browsers never
//! send the fragment, so it stays out of every server and proxy log.

use shared::ids::{AccessToken, TrackingNo};

/// `rel` of a link to the tracking pages, and of one to the submission pages: in a bundle
/// without them they are not routes but another bundle, so the click must be a full page load
/// (the router leaves `rel="external"` links to the browser). The transparency bundle carries
/// the tracking pages, the staff bundle both.
pub const TRACK_REL: Option<&str> = if cfg!(feature = "track") { None } else { Some("external") };
pub const SUBMIT_REL: Option<&str> =
    if cfg!(all(feature = "track", not(feature = "staff"))) { Some("external") } else { None };

pub fn track_path(no: &TrackingNo) -> String {
    format!("/track/{}", no.as_str())
}

pub fn private_path(no: &TrackingNo, token: &AccessToken) -> String {
    format!("/track/{}#token={}", no.as_str(), token.as_str())
}

#[cfg(any(feature = "track", not(target_arch = "wasm32")))]
/// The token from a location hash such as `#token=abc` (other parameters are ignored).
pub fn token_from_hash(hash: &str) -> Option<AccessToken> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .and_then(AccessToken::presented)
}

#[cfg(any(feature = "track", not(target_arch = "wasm32")))]
/// What the tracking form accepts: a number as people type it, or a whole link someone
/// pasted (which may carry the private token).
pub fn parse_track_input(raw: &str) -> Option<(TrackingNo, Option<AccessToken>)> {
    let raw = raw.trim();
    if let Some(no) = TrackingNo::parse(raw) {
        return Some((no, None));
    }
    let (_, after) = raw.split_once("/track/")?;
    let (no, hash) = match after.split_once('#') {
        Some((no, hash)) => (no, Some(hash)),
        None => (after, None),
    };
    let no = TrackingNo::parse(no.split(['?', '/']).next().unwrap_or_default())?;
    Some((no, hash.and_then(token_from_hash)))
}

/// A random key shaped like a UUID v4, from 16 random bytes.
#[cfg(any(feature = "staff", not(feature = "track")))]
pub fn idempotency_key(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::IdempotencyKey;

    const NO: &str = "20261128-0000423";
    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE";

    #[test]
    fn private_link_round_trips_through_the_form() {
        let no = TrackingNo::parse(NO).unwrap();
        let token = AccessToken::presented(TOKEN).unwrap();
        let path = private_path(&no, &token);
        assert_eq!(path, format!("/track/{NO}#token={TOKEN}"));
        let pasted = format!("https://example.org{path}");
        assert_eq!(parse_track_input(&pasted), Some((no.clone(), Some(token.clone()))));
        assert_eq!(token_from_hash(&format!("#x=1&token={TOKEN}")), Some(token));
        assert_eq!(token_from_hash("#token=short"), None);
        assert_eq!(token_from_hash(""), None);
        assert_eq!(parse_track_input(&format!("/track/{NO}")), Some((no, None)));
    }

    #[test]
    fn typed_numbers_are_forgiven_and_typos_refused() {
        assert_eq!(parse_track_input(" 20261128 0000423 ").map(|(n, _)| n.to_string()), Some(NO.to_owned()));
        assert_eq!(parse_track_input("20261128-0000421"), None);
        assert_eq!(parse_track_input(""), None);
        assert_eq!(parse_track_input("/track/abc"), None);
    }

    #[test]
    fn idempotency_keys_are_accepted_by_the_server_rule() {
        let key = idempotency_key([0xab; 16]);
        assert_eq!(key.len(), 36);
        assert_eq!(&key[14..15], "4");
        assert!(IdempotencyKey::parse(&key).is_some());
        assert_ne!(idempotency_key([1; 16]), idempotency_key([2; 16]));
    }
}
