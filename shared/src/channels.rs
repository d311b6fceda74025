//! The channel registry (一网归集): every system that hands requests to the city — the hotline's
//! call software, city apps, forums, petition platforms, offline service halls — is a row with a
//! hashed API key, a rate limit and an optional status-callback webhook. Requests arrive through
//! `POST /api/v1/intake/{channel}` in one normalised shape, idempotent per external id.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::ids::sha256_hex;
use crate::request::{Channel, NewRequestInput};
use crate::webhook::{WebhookConfig, WebhookInput};
use serde::{Deserialize, Serialize};

/// What a key starts with, so a leaked one is recognisable in logs and scanners.
pub const KEY_PREFIX: &str = "hych_";
pub const MAX_RATE_PER_MINUTE: u32 = 6_000;
pub const DEFAULT_RATE_PER_MINUTE: u32 = 120;
const MAX_NAME_CHARS: usize = 60;
const MAX_EXTERNAL_ID_CHARS: usize = 128;

/// A channel's code: 2–32 of `a-z 0-9 -`, starting with a letter; it appears in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelCode(String);

impl ChannelCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (2..=32).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| ChannelCode(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What tickets from this channel carry in `source`, and outbox rows in `department`.
    pub fn source(&self) -> String {
        format!("channel:{}", self.0)
    }
}

/// A new channel or a change to one, as submitted by an admin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelInput {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Which kind of channel it is (`hotline`, `app`, `forum`, …): tickets are counted under it.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub rate_per_minute: Option<u32>,
    #[serde(default)]
    pub webhook_url: Option<String>,
    #[serde(default)]
    pub webhook_secret: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// A chosen key: development stacks only, so the demo channels have keys the README can list.
    #[serde(default)]
    pub key: Option<String>,
}

/// A validated channel (without its key, which is set apart).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSettings {
    pub code: ChannelCode,
    pub name: String,
    pub kind: Channel,
    pub rate_per_minute: u32,
    pub webhook: Option<WebhookConfig>,
    pub active: bool,
}

impl ChannelSettings {
    /// Validate; every wrong field is named. The web form and the importer are not channels of
    /// this registry (they have their own routes), so their kinds are refused.
    pub fn parse(input: &ChannelInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = input.code.as_deref().map(str::trim).unwrap_or_default();
        let code = match ChannelCode::parse(code) {
            Some(c) => Some(c),
            None if code.is_empty() => {
                errors.add("code", FieldErrorCode::Required, "code is required");
                None
            }
            None => {
                errors.add("code", FieldErrorCode::InvalidFormat, "2–32 of a-z, 0-9 and -, starting with a letter");
                None
            }
        };
        let name = input.name.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if name.is_empty() {
            errors.add("name", FieldErrorCode::Required, "name is required");
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add_with_limit(
                "name",
                FieldErrorCode::TooLong,
                format!("at most {MAX_NAME_CHARS} characters"),
                u32::try_from(MAX_NAME_CHARS).ok(),
            );
        }
        let kind = match input.kind.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("kind", FieldErrorCode::Required, "kind is required");
                None
            }
            Some(raw) => match Channel::parse(raw).filter(|c| !matches!(c, Channel::Web | Channel::Import)) {
                Some(c) => Some(c),
                None => {
                    errors.add(
                        "kind",
                        FieldErrorCode::UnknownValue,
                        "hotline, app, mini_program, forum, email, visit or open311",
                    );
                    None
                }
            },
        };
        let rate_per_minute = input.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE);
        if !(1..=MAX_RATE_PER_MINUTE).contains(&rate_per_minute) {
            errors.add_with_limit(
                "rate_per_minute",
                FieldErrorCode::OutOfRange,
                format!("1 to {MAX_RATE_PER_MINUTE}"),
                Some(MAX_RATE_PER_MINUTE),
            );
        }
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        let webhook = if blank(&input.webhook_url) && blank(&input.webhook_secret) {
            None
        } else {
            let parsed = WebhookConfig::parse(&WebhookInput {
                url: input.webhook_url.clone(),
                secret: input.webhook_secret.clone(),
            });
            match parsed {
                Ok(w) => Some(w),
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            }
        };
        match (code, kind) {
            (Some(code), Some(kind)) if errors.is_empty() => {
                Ok(ChannelSettings { code, name, kind, rate_per_minute, webhook, active: input.active.unwrap_or(true) })
            }
            _ => Err(errors),
        }
    }
}

/// A channel as admins see it: never the key or the webhook secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChannelView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub rate_per_minute: u32,
    pub webhook_url: Option<String>,
    pub active: bool,
    /// The key's first characters, to tell keys apart.
    pub key_hint: Option<String>,
    pub created_at: String,
}

/// A new key: shown once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChannelKey {
    pub channel: String,
    pub key: String,
}

impl ChannelKey {
    /// A key from 16 random bytes (passed in: `shared` draws no randomness).
    pub fn from_random(channel: &ChannelCode, random: [u8; 16]) -> Self {
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        ChannelKey { channel: channel.as_str().to_owned(), key: format!("{KEY_PREFIX}{hex}") }
    }

    pub fn hint(key: &str) -> String {
        key.chars().take(KEY_PREFIX.len() + 4).collect()
    }
}

/// A chosen key (development only): the prefix and 32 of `0-9 a-z`, as generated keys are.
pub fn parse_chosen_key(raw: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let ok = raw
        .strip_prefix(KEY_PREFIX)
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
    if !ok {
        errors.add("key", FieldErrorCode::InvalidFormat, "hych_ and 32 of 0-9 a-z");
    }
    errors.finish(|| raw.to_owned())
}

/// How a presented key is looked up: by hash, never by value.
pub fn key_hash(key: &str) -> String {
    sha256_hex(key.trim().as_bytes())
}

/// `POST /api/v1/intake/{channel}`: the channel's own id for the request and the request in the
/// web form's shape (the same validation, field names prefixed `request.`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub request: Option<NewRequestInput>,
}

/// The channel's id for a request: 1–128 printable characters without spaces at either end.
pub fn parse_external_id(raw: Option<&str>) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let id = raw.unwrap_or_default();
    if id.trim().is_empty() {
        errors.add("external_id", FieldErrorCode::Required, "external_id is required");
    } else if id.chars().count() > MAX_EXTERNAL_ID_CHARS || id.trim() != id || id.chars().any(char::is_control) {
        errors.add_with_limit(
            "external_id",
            FieldErrorCode::InvalidFormat,
            format!("1 to {MAX_EXTERNAL_ID_CHARS} printable characters"),
            u32::try_from(MAX_EXTERNAL_ID_CHARS).ok(),
        );
    }
    errors.finish(|| id.to_owned())
}

/// The idempotency key a channel request is stored under: the channel and a hash of its id, so
/// any id fits the key's alphabet and a replay finds the first ticket.
pub fn idempotency_key(channel: &ChannelCode, external_id: &str) -> String {
    format!("ch:{}:{}", channel.as_str(), &sha256_hex(external_id.as_bytes())[..48])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IdempotencyKey;

    fn input() -> ChannelInput {
        ChannelInput {
            code: Some("city-app".into()),
            name: Some("市民通 App".into()),
            kind: Some("app".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_channel_is_checked_field_by_field() {
        let ok = ChannelSettings::parse(&input()).unwrap();
        assert_eq!((ok.code.as_str(), ok.kind, ok.rate_per_minute, ok.active), ("city-app", Channel::App, 120, true));
        assert!(ok.webhook.is_none());
        let bad = ChannelSettings::parse(&ChannelInput {
            code: Some("City App".into()),
            name: Some(" ".into()),
            kind: Some("web".into()),
            rate_per_minute: Some(0),
            webhook_url: Some("ftp://x".into()),
            ..Default::default()
        })
        .unwrap_err();
        for field in ["code", "name", "kind", "rate_per_minute", "webhook_url", "webhook_secret"] {
            assert!(bad.get(field).is_some(), "{field}: {bad:?}");
        }
        assert_eq!(bad.get("kind").unwrap().code, FieldErrorCode::UnknownValue);
        assert!(ChannelSettings::parse(&ChannelInput::default()).unwrap_err().get("code").is_some());
    }

    #[test]
    fn codes_are_url_safe() {
        assert!(ChannelCode::parse("hotline").is_some());
        assert!(ChannelCode::parse("a1-b2").is_some());
        for bad in ["", "a", "1abc", "ab_c", "Ab", &"a".repeat(33), "a/b"] {
            assert!(ChannelCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn keys_are_prefixed_shown_once_and_looked_up_by_hash() {
        let code = ChannelCode::parse("hotline").unwrap();
        let key = ChannelKey::from_random(&code, [0xab; 16]);
        assert!(key.key.starts_with(KEY_PREFIX) && key.key.len() == KEY_PREFIX.len() + 32);
        assert_eq!(ChannelKey::hint(&key.key), "hych_abab");
        assert_eq!(key_hash(&key.key), key_hash(&format!(" {} ", key.key)));
        assert_ne!(key_hash(&key.key), key_hash(&ChannelKey::from_random(&code, [0xac; 16]).key));
        assert_eq!(parse_chosen_key(&key.key).unwrap(), key.key);
        for bad in ["hych_short", "abcd_00000000000000000000000000000000", "hych_0000000000000000000000000000000A"] {
            assert!(parse_chosen_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn any_external_id_makes_a_valid_idempotency_key_per_channel() {
        let a = ChannelCode::parse("forum").unwrap();
        let b = ChannelCode::parse("city-app").unwrap();
        for id in ["1", "工单-2026/11/29#7", &"x".repeat(128)] {
            let ka = idempotency_key(&a, id);
            assert!(IdempotencyKey::parse(&ka).is_some(), "{ka}");
            assert_ne!(ka, idempotency_key(&b, id));
        }
        assert_eq!(parse_external_id(Some("工单-7")).unwrap(), "工单-7");
        for bad in [None, Some(""), Some(" 7"), Some("a\nb")] {
            assert!(parse_external_id(bad).unwrap_err().get("external_id").is_some(), "{bad:?}");
        }
        assert!(parse_external_id(Some(&"x".repeat(129))).is_err());
    }
}
