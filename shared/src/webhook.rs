//! Outgoing department webhooks: the signed envelope the Worker posts, how a receiver checks
//! it, the outbox's retry schedule and the validation of a department's webhook settings.
//!
//! Signing is Stripe-style: HMAC-SHA256 over `"{timestamp}.{body}"`, sent as
//! `X-Huiyin-Signature: t=<unix seconds>,v1=<hex>`, so a receiver can refuse a replay older
//! than its tolerance. Time is passed in by the caller, as everywhere in this crate.

use crate::error::{FieldErrorCode, FieldErrors};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The signature header; its value is `t=<unix seconds>,v1=<hex hmac>`.
pub const SIGNATURE_HEADER: &str = "X-Huiyin-Signature";
/// The event name (`ticket.dispatched`, …), the same as the envelope's `event`.
pub const EVENT_HEADER: &str = "X-Huiyin-Event";
/// The outbox message id, the same on every retry so receivers can de-duplicate.
pub const DELIVERY_HEADER: &str = "X-Huiyin-Delivery";

/// The longest webhook URL a department may configure.
pub const MAX_URL_CHARS: usize = 500;
/// The shortest and longest shared secret.
pub const MIN_SECRET_CHARS: usize = 16;
pub const MAX_SECRET_CHARS: usize = 200;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Option<HmacSha256> {
    // HMAC takes keys of any length, so this never fails; `None` keeps the code panic-free.
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(raw: &str) -> Option<Vec<u8>> {
    if !raw.len().is_multiple_of(2) || !raw.is_ascii() {
        return None;
    }
    (0..raw.len()).step_by(2).map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok()).collect()
}

/// The full `X-Huiyin-Signature` value for `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).map(|m| hex(&m.finalize().into_bytes())).unwrap_or_default();
    format!("t={timestamp},v1={digest}")
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// No `t=` with an integer, no `v1=`, or a `v1=` that is not 64 hex digits.
    Malformed,
    /// Authentic, but its timestamp is further than the tolerance from now (a replay).
    Stale,
    /// No `v1=` matches the body and secret.
    Mismatch,
}

/// Check a `X-Huiyin-Signature` value against the raw body, as a receiver would.
///
/// Several `v1=` entries are allowed (one per secret during a rotation); any match is enough.
/// Unknown keys are ignored so a future scheme can be added alongside. The comparison is
/// constant-time. The signature is checked before the timestamp, so `Stale` means "ours, but
/// too old (or too far in the future)".
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(VerifyError::Malformed);
        };
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(VerifyError::Malformed);
                }
                timestamp = Some(value.trim().parse::<i64>().map_err(|_| VerifyError::Malformed)?);
            }
            "v1" => match unhex(value.trim()) {
                Some(bytes) if bytes.len() == 32 => signatures.push(bytes),
                _ => return Err(VerifyError::Malformed),
            },
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(VerifyError::Malformed);
    };
    if signatures.is_empty() {
        return Err(VerifyError::Malformed);
    }
    let authentic = signatures.iter().any(|sig| match mac(secret, timestamp, body) {
        Some(m) => m.verify_slice(sig).is_ok(),
        None => false,
    });
    if !authentic {
        return Err(VerifyError::Mismatch);
    }
    let tolerance = u64::try_from(tolerance_secs).unwrap_or(0);
    if now.abs_diff(timestamp) > tolerance {
        return Err(VerifyError::Stale);
    }
    Ok(())
}

/// How the outbox retries a delivery that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; the last failure dead-letters the message.
    pub max_attempts: u32,
    /// The delay after the first failure; each later one is four times the previous.
    pub base_seconds: u32,
    /// No delay is longer than this.
    pub max_delay_seconds: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // 1 min, 4 min, 16 min, ~1 h, ~4.3 h, then dead-lettered: about five and a half hours.
        Self { max_attempts: 6, base_seconds: 60, max_delay_seconds: 6 * 60 * 60 }
    }
}

/// What to do with a message whose delivery just failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    DeadLetter,
}

impl RetryPolicy {
    /// The delay after the `attempts`-th failure (1-based): `base * 4^(attempts-1)`, capped.
    pub fn delay_seconds(&self, attempts: u32) -> u32 {
        let exponent = attempts.saturating_sub(1);
        let factor = 4u64.checked_pow(exponent).unwrap_or(u64::MAX);
        let delay = u64::from(self.base_seconds).saturating_mul(factor).min(u64::from(self.max_delay_seconds));
        u32::try_from(delay).unwrap_or(self.max_delay_seconds)
    }

    /// After the `attempts`-th failed attempt (1-based) at `now`: retry after an exponential
    /// backoff, or dead-letter once `attempts >= max_attempts`.
    pub fn after_failure(&self, attempts: u32, now: DateTime<Utc>) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::DeadLetter;
        }
        let delay = Duration::seconds(i64::from(self.delay_seconds(attempts)));
        now.checked_add_signed(delay).map_or(AfterFailure::DeadLetter, AfterFailure::RetryAt)
    }

    /// After the `attempts`-th attempt answered with HTTP `status` (not a success): a permanent
    /// refusal dead-letters at once, anything else follows [`RetryPolicy::after_failure`].
    pub fn after_status(&self, status: u16, attempts: u32, now: DateTime<Utc>) -> AfterFailure {
        if is_permanent(status) {
            AfterFailure::DeadLetter
        } else {
            self.after_failure(attempts, now)
        }
    }
}

/// Did the receiver accept the message (2xx)?
pub fn is_success(status: u16) -> bool {
    (200..=299).contains(&status)
}

/// Did the receiver refuse the message for good? 4xx except 408 (timeout) and 429 (slow
/// down): retrying the same bytes will not change its mind, so dead-letter at once.
pub fn is_permanent(status: u16) -> bool {
    (400..=499).contains(&status) && status != 408 && status != 429
}

/// The JSON body of every webhook post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEnvelope {
    /// The outbox message id (also in `X-Huiyin-Delivery`).
    pub id: String,
    /// The event name (also in `X-Huiyin-Event`).
    pub event: String,
    /// The receiving department's code.
    pub department: String,
    #[serde(default)]
    pub tracking_no: Option<String>,
    /// When the event happened (not when this attempt was sent).
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// A department's webhook settings as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
}

/// Validated webhook settings.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookConfig {
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig").field("url", &self.url).field("secret", &"…").finish()
    }
}

impl WebhookConfig {
    /// Validate; errors are named `webhook_url` and `webhook_secret`.
    pub fn parse(input: &WebhookInput) -> Result<WebhookConfig, FieldErrors> {
        let mut errors = FieldErrors::new();
        let url = parse_url(&mut errors, input.url.as_deref());
        let secret = parse_secret(&mut errors, input.secret.as_deref());
        match (url, secret) {
            (Some(url), Some(secret)) if errors.is_empty() => Ok(WebhookConfig { url, secret }),
            _ => Err(errors),
        }
    }
}

const URL_FIELD: &str = "webhook_url";
const SECRET_FIELD: &str = "webhook_secret";

fn parse_url(errors: &mut FieldErrors, raw: Option<&str>) -> Option<String> {
    let url = raw.map(str::trim).unwrap_or_default();
    if url.is_empty() {
        errors.add(URL_FIELD, FieldErrorCode::Required, "webhook_url is required");
        return None;
    }
    if url.chars().count() > MAX_URL_CHARS {
        errors.add_with_limit(
            URL_FIELD,
            FieldErrorCode::TooLong,
            format!("webhook_url must be at most {MAX_URL_CHARS} characters"),
            u32::try_from(MAX_URL_CHARS).ok(),
        );
        return None;
    }
    if !url_is_valid(url) {
        errors.add(URL_FIELD, FieldErrorCode::InvalidFormat, "webhook_url must be an http(s) URL with a host");
        return None;
    }
    Some(url.to_owned())
}

/// `http://` or `https://`, a host (name, IPv4 or `[IPv6]`), an optional numeric port, no
/// credentials, no whitespace or control characters.
fn url_is_valid(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        url.get("https://".len()..)
    } else if lower.starts_with("http://") {
        url.get("http://".len()..)
    } else {
        None
    };
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((inner, after)) = v6.split_once(']') else {
            return false;
        };
        if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return false;
        }
        match after {
            "" => (inner, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (inner, Some(port)),
                None => return false,
            },
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port_ok = match port {
        None => true,
        Some(p) => !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0),
    };
    let host_ok = !host.is_empty()
        && !host.starts_with('.')
        && !host.contains("..")
        && host.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == ':' || c == '_');
    port_ok && host_ok
}

fn parse_secret(errors: &mut FieldErrors, raw: Option<&str>) -> Option<String> {
    // A pasted secret often carries a trailing newline; that is never meant to be part of it.
    let secret = raw.map(str::trim).unwrap_or_default();
    let len = secret.chars().count();
    if len == 0 {
        errors.add(SECRET_FIELD, FieldErrorCode::Required, "webhook_secret is required");
        None
    } else if len < MIN_SECRET_CHARS {
        errors.add_with_limit(
            SECRET_FIELD,
            FieldErrorCode::TooShort,
            format!("webhook_secret must be at least {MIN_SECRET_CHARS} characters"),
            u32::try_from(MIN_SECRET_CHARS).ok(),
        );
        None
    } else if len > MAX_SECRET_CHARS {
        errors.add_with_limit(
            SECRET_FIELD,
            FieldErrorCode::TooLong,
            format!("webhook_secret must be at most {MAX_SECRET_CHARS} characters"),
            u32::try_from(MAX_SECRET_CHARS).ok(),
        );
        None
    } else if secret.chars().any(char::is_control) {
        errors.add(SECRET_FIELD, FieldErrorCode::InvalidFormat, "webhook_secret must not contain control characters");
        None
    } else {
        Some(secret.to_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    const T: i64 = 1_700_000_000;

    #[test]
    fn known_vectors_match_an_independent_hmac() {
        // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        assert_eq!(
            sign(b"secret", T, br#"{"a":1}"#),
            "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
        // The body is signed as its UTF-8 bytes (checked with openssl and Python's hmac).
        let body = r#"{"event":"ticket.dispatched","title":"路灯不亮"}"#;
        assert_eq!(
            sign(b"whsec_0123456789abcdef", 1_700_000_123, body.as_bytes()),
            "t=1700000123,v1=7bb8176e22eb1e12edb695cd64d0be8710acdb08550e099603e0767a7aba358b"
        );
    }

    #[test]
    fn a_signature_verifies_and_tampering_does_not() {
        let body = br#"{"id":"m1","event":"ticket.dispatched"}"#;
        let header = sign(b"s3cret-s3cret-s3cret", T, body);
        assert_eq!(verify(b"s3cret-s3cret-s3cret", &header, body, T + 10, 300), Ok(()));
        assert_eq!(
            verify(b"s3cret-s3cret-s3cret", &header, br#"{"id":"m2","event":"ticket.dispatched"}"#, T, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(verify(b"another-secret-xx", &header, body, T, 300), Err(VerifyError::Mismatch));
        // The timestamp is signed too: moving it forward breaks the signature.
        let moved = header.replace("t=1700000000", "t=1700000500");
        assert_eq!(verify(b"s3cret-s3cret-s3cret", &moved, body, T + 500, 300), Err(VerifyError::Mismatch));
    }

    #[test]
    fn old_and_future_timestamps_are_stale() {
        let body = b"{}";
        let header = sign(b"k", T, body);
        assert_eq!(verify(b"k", &header, body, T + 300, 300), Ok(()));
        assert_eq!(verify(b"k", &header, body, T + 301, 300), Err(VerifyError::Stale));
        assert_eq!(verify(b"k", &header, body, T - 301, 300), Err(VerifyError::Stale));
        assert_eq!(verify(b"k", &header, body, T + 1, -5), Err(VerifyError::Stale));
    }

    #[test]
    fn rotation_spaces_and_unknown_keys_are_accepted() {
        let body = b"payload";
        let good = sign(b"new-secret", T, body);
        let good_sig = good.split_once(",v1=").map(|(_, s)| s).unwrap();
        let old_sig = sign(b"old-secret", T, body).split_once(",v1=").map(|(_, s)| s.to_owned()).unwrap();
        let header = format!("t={T}, v1={old_sig}, v1={good_sig}, v0=whatever");
        assert_eq!(verify(b"new-secret", &header, body, T, 60), Ok(()));
        assert_eq!(verify(b"old-secret", &header, body, T, 60), Ok(()));
        assert_eq!(verify(b"third-secret", &header, body, T, 60), Err(VerifyError::Mismatch));
    }

    #[test]
    fn malformed_headers_are_refused() {
        let sig = "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686";
        for header in [
            "",
            "garbage",
            &format!("v1={sig}"),
            "t=1700000000",
            &format!("t=soon,v1={sig}"),
            &format!("t=1700000000,v1={}", &sig[..62]),
            &format!("t=1700000000,v1={}zz", &sig[..62]),
            &format!("t=1700000000,t=1700000000,v1={sig}"),
            &format!("t=1700000000;v1={sig}"),
        ] {
            assert_eq!(verify(b"secret", header, br#"{"a":1}"#, T, 300), Err(VerifyError::Malformed), "{header}");
        }
        // Upper-case hex is still hex.
        let upper = format!("t=1700000000,v1={}", sig.to_uppercase());
        assert_eq!(verify(b"secret", &upper, br#"{"a":1}"#, T, 300), Ok(()));
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn the_default_schedule_backs_off_by_four_then_dead_letters() {
        let policy = RetryPolicy::default();
        assert_eq!(policy, RetryPolicy { max_attempts: 6, base_seconds: 60, max_delay_seconds: 21_600 });
        let delays: Vec<u32> = (1..=5).map(|n| policy.delay_seconds(n)).collect();
        assert_eq!(delays, [60, 240, 960, 3_840, 15_360]);
        for (n, delay) in (1..=5).zip(delays) {
            assert_eq!(
                policy.after_failure(n, now()),
                AfterFailure::RetryAt(now() + Duration::seconds(i64::from(delay)))
            );
        }
        assert_eq!(policy.after_failure(6, now()), AfterFailure::DeadLetter);
        assert_eq!(policy.after_failure(7, now()), AfterFailure::DeadLetter);
    }

    #[test]
    fn delays_are_capped_and_never_overflow() {
        let policy = RetryPolicy { max_attempts: 100, base_seconds: 60, max_delay_seconds: 6 * 3600 };
        assert_eq!(policy.delay_seconds(5), 15_360);
        assert_eq!(policy.delay_seconds(6), 21_600);
        assert_eq!(policy.delay_seconds(40), 21_600);
        assert_eq!(policy.delay_seconds(0), 60);
        assert_eq!(policy.after_failure(99, now()), AfterFailure::RetryAt(now() + Duration::hours(6)));
        let huge = RetryPolicy { max_attempts: u32::MAX, base_seconds: u32::MAX, max_delay_seconds: u32::MAX };
        assert_eq!(huge.delay_seconds(u32::MAX - 1), u32::MAX);
        let once = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
        assert_eq!(once.after_failure(1, now()), AfterFailure::DeadLetter);
    }

    #[test]
    fn a_policy_reads_partial_json_with_defaults() {
        let p: RetryPolicy = serde_json::from_str(r#"{"max_attempts":3}"#).unwrap();
        assert_eq!(p, RetryPolicy { max_attempts: 3, ..RetryPolicy::default() });
        let back: RetryPolicy = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn permanent_statuses_dead_letter_at_once() {
        for s in [400, 401, 403, 404, 405, 410, 413, 422, 499] {
            assert!(is_permanent(s), "{s}");
            assert!(!is_success(s));
        }
        for s in [200, 201, 204, 299, 301, 408, 429, 500, 502, 503, 504, 0, 600] {
            assert!(!is_permanent(s), "{s}");
        }
        assert!(is_success(200) && is_success(204) && !is_success(199) && !is_success(300));
        let policy = RetryPolicy::default();
        assert_eq!(policy.after_status(410, 1, now()), AfterFailure::DeadLetter);
        assert_eq!(policy.after_status(429, 1, now()), AfterFailure::RetryAt(now() + Duration::seconds(60)));
        assert_eq!(policy.after_status(503, 2, now()), AfterFailure::RetryAt(now() + Duration::seconds(240)));
        assert_eq!(policy.after_status(503, 6, now()), AfterFailure::DeadLetter);
    }

    #[test]
    fn the_envelope_round_trips_as_json() {
        let envelope = WebhookEnvelope {
            id: "msg-1".into(),
            event: "ticket.dispatched".into(),
            department: "D-URBAN".into(),
            tracking_no: Some("HY-20240301-0001".into()),
            at: now(),
            data: serde_json::json!({ "title": "路灯不亮" }),
        };
        let json = serde_json::to_value(&envelope).unwrap();
        assert_eq!(json["at"], "2024-03-01T08:00:00Z");
        assert_eq!(json["tracking_no"], "HY-20240301-0001");
        assert_eq!(serde_json::from_value::<WebhookEnvelope>(json).unwrap(), envelope);
    }

    fn input(url: Option<&str>, secret: Option<&str>) -> WebhookInput {
        WebhookInput { url: url.map(str::to_owned), secret: secret.map(str::to_owned) }
    }

    fn code(result: &Result<WebhookConfig, FieldErrors>, field: &str) -> Option<FieldErrorCode> {
        result.as_ref().err().and_then(|e| e.get(field)).map(|e| e.code)
    }

    #[test]
    fn valid_settings_are_trimmed_and_kept() {
        let ok = WebhookConfig::parse(&input(
            Some("  https://gw.urban.example.cn:8443/hooks/huiyin?src=12345  "),
            Some(" 0123456789abcdef\n"),
        ))
        .unwrap();
        assert_eq!(ok.url, "https://gw.urban.example.cn:8443/hooks/huiyin?src=12345");
        assert_eq!(ok.secret, "0123456789abcdef");
        assert!(!format!("{ok:?}").contains("0123456789abcdef"), "Debug must not print the secret");
        for url in
            ["http://127.0.0.1:8787/hook", "HTTPS://Example.com", "http://[::1]:9000/x", "https://政务.中国/hook"]
        {
            assert!(WebhookConfig::parse(&input(Some(url), Some(&"s".repeat(16)))).is_ok(), "{url}");
        }
        assert!(WebhookConfig::parse(&input(Some("https://a.cn"), Some(&"s".repeat(200)))).is_ok());
        let json: WebhookInput = serde_json::from_str(r#"{"url":"https://a.cn"}"#).unwrap();
        assert_eq!(json.secret, None);
        assert!(serde_json::from_str::<WebhookInput>(r#"{"url":"https://a.cn","extra":1}"#).is_err());
    }

    #[test]
    fn bad_settings_are_named_per_field() {
        let secret = "0123456789abcdef";
        let missing = WebhookConfig::parse(&input(None, Some("   ")));
        assert_eq!(code(&missing, "webhook_url"), Some(FieldErrorCode::Required));
        assert_eq!(code(&missing, "webhook_secret"), Some(FieldErrorCode::Required));

        let long = format!("https://a.cn/{}", "x".repeat(MAX_URL_CHARS));
        let too_long = WebhookConfig::parse(&input(Some(&long), Some(secret)));
        assert_eq!(code(&too_long, "webhook_url"), Some(FieldErrorCode::TooLong));
        assert_eq!(too_long.unwrap_err().get("webhook_url").and_then(|e| e.limit), Some(500));

        for url in [
            "ftp://a.cn/hook",
            "a.cn/hook",
            "https://",
            "https:///path",
            "http://:8080/x",
            "https://user:pw@a.cn/hook",
            "https://a.cn:0/",
            "https://a.cn:99999/",
            "https://a.cn:/",
            "https://a .cn/",
            "https://[::1/",
            "https://..a.cn/",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                code(&WebhookConfig::parse(&input(Some(url), Some(secret))), "webhook_url"),
                Some(FieldErrorCode::InvalidFormat),
                "{url}"
            );
        }

        let short = WebhookConfig::parse(&input(Some("https://a.cn"), Some("short")));
        assert_eq!(code(&short, "webhook_secret"), Some(FieldErrorCode::TooShort));
        assert_eq!(short.as_ref().err().and_then(|e| e.get("webhook_secret")).and_then(|e| e.limit), Some(16));
        assert!(short.unwrap_err().get("webhook_url").is_none());
        let long = WebhookConfig::parse(&input(Some("https://a.cn"), Some(&"s".repeat(201))));
        assert_eq!(code(&long, "webhook_secret"), Some(FieldErrorCode::TooLong));
        let control = WebhookConfig::parse(&input(Some("https://a.cn"), Some("0123456789\u{7}abcdef")));
        assert_eq!(code(&control, "webhook_secret"), Some(FieldErrorCode::InvalidFormat));
    }
}
