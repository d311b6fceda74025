//! Citizens' subscriptions to a request's updates: by Web Push (the browser's subscription) or
//! by e-mail, in one of the app's languages. Validation names each refused field, as everywhere.
//!
//! `POST /api/v1/requests/{tracking_no}/subscriptions` with the reporter's or a follower's token:
//! body [`SubscriptionInput`], 201 [`SubscribeResponse`] (200 with the same id when the endpoint or
//! address already follows the request). `POST /api/v1/unsubscribe/{token}` ends one: 200
//! [`UnsubscribeResponse`] also when it had ended already, 404 for a token never issued.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::webpush::UaKeys;
use serde::{Deserialize, Serialize};

/// Subscriptions one request may have at once (reporter, followers, their devices).
pub const MAX_PER_TICKET: usize = 20;
/// Push services' endpoints are long capability URLs; this leaves room for all known ones.
pub const MAX_ENDPOINT_CHARS: usize = 1000;
/// RFC 5321's limit on a forward path.
pub const MAX_EMAIL_CHARS: usize = 254;
/// The unsubscribe token: 43 base64url characters (32 bytes).
pub const TOKEN_CHARS: usize = 43;

/// The languages of the app (and of the messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "zh-Hant")]
    ZhHant,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Lang> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionKind {
    Push,
    Email,
}

impl SubscriptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionKind::Push => "push",
            SubscriptionKind::Email => "email",
        }
    }
}

/// The browser's `PushSubscription.toJSON().keys`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PushKeysInput {
    #[serde(default)]
    pub p256dh: Option<String>,
    #[serde(default)]
    pub auth: Option<String>,
}

/// The body of a subscription. Unknown fields are tolerated because the browser's
/// `PushSubscription.toJSON()` also carries `expirationTime`, which the app may pass along.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscriptionInput {
    /// `push` or `email`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub keys: Option<PushKeysInput>,
    #[serde(default)]
    pub email: Option<String>,
    /// `zh-Hans` (default), `zh-Hant` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// A checked subscription, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewSubscription {
    Push { endpoint: String, p256dh: String, auth: String, lang: Lang },
    Email { email: String, lang: Lang },
}

impl NewSubscription {
    pub fn kind(&self) -> SubscriptionKind {
        match self {
            NewSubscription::Push { .. } => SubscriptionKind::Push,
            NewSubscription::Email { .. } => SubscriptionKind::Email,
        }
    }

    pub fn lang(&self) -> Lang {
        match self {
            NewSubscription::Push { lang, .. } | NewSubscription::Email { lang, .. } => *lang,
        }
    }

    /// `allow_local_http`: a development stack also takes `http://127.0.0.1` and `localhost`
    /// endpoints (the tests' push receiver); anything else must be `https`.
    pub fn parse(input: &SubscriptionInput, allow_local_http: bool) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let lang = match input.lang.as_deref().map(str::trim) {
            None | Some("") => Lang::default(),
            Some(raw) => Lang::parse(raw).unwrap_or_else(|| {
                errors.add("lang", FieldErrorCode::UnknownValue, "one of zh-Hans, zh-Hant, en");
                Lang::default()
            }),
        };
        let subscription = match input.kind.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("kind", FieldErrorCode::Required, "push or email");
                None
            }
            Some("push") => push(input, lang, allow_local_http, &mut errors),
            Some("email") => {
                email(input.email.as_deref(), &mut errors).map(|email| NewSubscription::Email { email, lang })
            }
            Some(_) => {
                errors.add("kind", FieldErrorCode::UnknownValue, "push or email");
                None
            }
        };
        match subscription {
            Some(s) if errors.is_empty() => Ok(s),
            _ => Err(errors),
        }
    }
}

fn push(
    input: &SubscriptionInput,
    lang: Lang,
    allow_local_http: bool,
    errors: &mut FieldErrors,
) -> Option<NewSubscription> {
    let endpoint = endpoint(input.endpoint.as_deref(), allow_local_http, errors);
    let keys = input.keys.clone().unwrap_or_default();
    let p256dh = keys.p256dh.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let auth = keys.auth.as_deref().map(str::trim).filter(|k| !k.is_empty());
    match p256dh {
        None => errors.add("keys.p256dh", FieldErrorCode::Required, "the subscription's p256dh key"),
        Some(key) if crate::webpush::parse_p256dh(key).is_err() => {
            errors.add("keys.p256dh", FieldErrorCode::InvalidFormat, "a 65-byte uncompressed P-256 point, base64url")
        }
        Some(_) => {}
    }
    match auth {
        None => errors.add("keys.auth", FieldErrorCode::Required, "the subscription's auth secret"),
        Some(secret) if crate::webpush::parse_auth(secret).is_err() => {
            errors.add("keys.auth", FieldErrorCode::InvalidFormat, "16 bytes, base64url")
        }
        Some(_) => {}
    }
    let (p256dh, auth) = p256dh.zip(auth)?;
    let keys = UaKeys::parse(p256dh, auth).ok()?;
    Some(NewSubscription::Push {
        endpoint: endpoint?,
        // Stored in one canonical form, whatever padding the browser used.
        p256dh: crate::webpush::b64url(&keys.p256dh),
        auth: crate::webpush::b64url(&keys.auth),
        lang,
    })
}

fn endpoint(raw: Option<&str>, allow_local_http: bool, errors: &mut FieldErrors) -> Option<String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        errors.add("endpoint", FieldErrorCode::Required, "the push service's endpoint URL");
        return None;
    };
    if raw.chars().count() > MAX_ENDPOINT_CHARS {
        errors.add_with_limit(
            "endpoint",
            FieldErrorCode::TooLong,
            "the endpoint URL is too long",
            Some(MAX_ENDPOINT_CHARS as u32),
        );
        return None;
    }
    let origin = crate::webpush::audience(raw).ok();
    let host = origin.as_deref().and_then(|o| o.split_once("://")).map(|(_, host)| host);
    let local = host.is_some_and(|h| {
        let name = h
            .rsplit_once(':')
            .map_or(h, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { h });
        name == "127.0.0.1" || name == "localhost"
    });
    let well_formed = origin.is_some() && raw.is_ascii() && !raw.bytes().any(|b| b.is_ascii_control() || b == b' ');
    let allowed = raw.starts_with("https://") || (allow_local_http && local && raw.starts_with("http://"));
    if !well_formed || !allowed {
        errors.add("endpoint", FieldErrorCode::InvalidFormat, "an https URL of a push service");
        return None;
    }
    Some(raw.to_owned())
}

/// A conservative address check: plain ASCII `local@domain.tld`, nothing that could break out of
/// a mail header (no spaces, quotes, angle brackets, commas or line breaks). Stored lower-case.
pub fn email(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        errors.add("email", FieldErrorCode::Required, "an e-mail address");
        return None;
    };
    if raw.len() > MAX_EMAIL_CHARS {
        errors.add_with_limit(
            "email",
            FieldErrorCode::TooLong,
            "the address is too long",
            Some(MAX_EMAIL_CHARS as u32),
        );
        return None;
    }
    let valid = raw.split_once('@').is_some_and(|(local, domain)| {
        let local_ok = (1..=64).contains(&local.len())
            && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                (1..=63).contains(&l.len())
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        local_ok && domain_ok
    });
    if !valid {
        errors.add("email", FieldErrorCode::InvalidFormat, "an e-mail address like name@example.com");
        return None;
    }
    Some(raw.to_ascii_lowercase())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscribeResponse {
    pub id: String,
    /// For `POST /api/v1/unsubscribe/{token}`; every message carries it too. Only when this call
    /// made (or renewed) the subscription: whoever repeats an existing one — perhaps another
    /// person with a follower's token typing someone's address — must not get a way to end it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnsubscribeResponse {
    pub unsubscribed: bool,
    /// The request the subscription followed, for the page to link back to.
    pub tracking_no: String,
}

/// The unsubscribe token of a subscription: derived from its id with the server's secret, so
/// it is never stored (only its SHA-256, for the lookup) and every message can carry it.
pub fn unsubscribe_token(server_secret: &[u8], subscription_id: &str) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(server_secret) else {
        // HMAC takes keys of any length; this arm is never taken.
        return String::new();
    };
    mac.update(b"huiyin/unsubscribe/v1\0");
    mac.update(subscription_id.as_bytes());
    crate::webpush::b64url(&mac.finalize().into_bytes())
}

/// Whether a path segment can be an unsubscribe token (checked before any lookup).
pub fn is_token(raw: &str) -> bool {
    raw.len() == TOKEN_CHARS && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256DH: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn push_input(endpoint: &str) -> SubscriptionInput {
        SubscriptionInput {
            kind: Some("push".into()),
            endpoint: Some(endpoint.into()),
            keys: Some(PushKeysInput { p256dh: Some(P256DH.into()), auth: Some(AUTH.into()) }),
            email: None,
            lang: Some("en".into()),
        }
    }

    fn codes(errors: &FieldErrors) -> Vec<(String, &'static str)> {
        errors.0.iter().map(|(k, v)| (k.clone(), v.code.as_str())).collect()
    }

    #[test]
    fn a_push_subscription_parses() {
        let parsed = NewSubscription::parse(&push_input("https://push.example.net/wpush/abc"), false).expect("valid");
        assert_eq!(parsed.kind(), SubscriptionKind::Push);
        assert_eq!(parsed.lang(), Lang::En);
    }

    #[test]
    fn http_endpoints_only_to_this_machine_and_only_in_development() {
        for local in ["http://127.0.0.1:9000/push/1", "http://localhost/push"] {
            assert!(NewSubscription::parse(&push_input(local), true).is_ok(), "{local}");
            let errors = NewSubscription::parse(&push_input(local), false).expect_err("not in production");
            assert_eq!(codes(&errors), vec![("endpoint".into(), "invalid_format")]);
        }
        for bad in ["http://10.0.0.1/push", "http://127.0.0.1.evil.example/x", "ftp://x/y", "https://", "https://a b/c"]
        {
            assert!(NewSubscription::parse(&push_input(bad), true).is_err(), "{bad}");
        }
        let long = format!("https://push.example.net/{}", "a".repeat(MAX_ENDPOINT_CHARS));
        let errors = NewSubscription::parse(&push_input(&long), false).expect_err("too long");
        assert_eq!(codes(&errors), vec![("endpoint".into(), "too_long")]);
    }

    #[test]
    fn keys_are_named_when_wrong() {
        let mut input = push_input("https://push.example.net/x");
        input.keys = Some(PushKeysInput { p256dh: Some("AAAA".into()), auth: Some("AAAA".into()) });
        let errors = NewSubscription::parse(&input, false).expect_err("bad keys");
        assert_eq!(
            codes(&errors),
            vec![("keys.auth".into(), "invalid_format"), ("keys.p256dh".into(), "invalid_format")]
        );
        input.keys = None;
        let errors = NewSubscription::parse(&input, false).expect_err("no keys");
        assert_eq!(codes(&errors), vec![("keys.auth".into(), "required"), ("keys.p256dh".into(), "required")]);
    }

    #[test]
    fn email_subscriptions_and_languages() {
        let input = SubscriptionInput {
            kind: Some("email".into()),
            email: Some(" Li.Ming+huiyin@Example.ORG ".into()),
            ..Default::default()
        };
        assert_eq!(
            NewSubscription::parse(&input, false),
            Ok(NewSubscription::Email { email: "li.ming+huiyin@example.org".into(), lang: Lang::ZhHans })
        );
        for bad in [
            "no-at",
            "a@b",
            "a@@b.cn",
            "a b@c.cn",
            "a@b.cn\r\nBcc: x@y.cn",
            "<a@b.cn>",
            "a,b@c.cn",
            "a@-b.cn",
            ".a@b.cn",
        ] {
            let input = SubscriptionInput { kind: Some("email".into()), email: Some(bad.into()), ..Default::default() };
            let errors = NewSubscription::parse(&input, false).expect_err(bad);
            assert_eq!(codes(&errors), vec![("email".into(), "invalid_format")], "{bad}");
        }
        let input = SubscriptionInput { kind: Some("email".into()), lang: Some("fr".into()), ..Default::default() };
        let errors = NewSubscription::parse(&input, false).expect_err("two errors");
        assert_eq!(codes(&errors), vec![("email".into(), "required"), ("lang".into(), "unknown_value")]);
    }

    #[test]
    fn kind_is_required_and_known() {
        let errors = NewSubscription::parse(&SubscriptionInput::default(), false).expect_err("no kind");
        assert_eq!(codes(&errors), vec![("kind".into(), "required")]);
        let input = SubscriptionInput { kind: Some("sms".into()), ..Default::default() };
        let errors = NewSubscription::parse(&input, false).expect_err("unknown kind");
        assert_eq!(codes(&errors), vec![("kind".into(), "unknown_value")]);
    }

    #[test]
    fn tokens_are_checked_before_lookup() {
        let token = unsubscribe_token(b"secret", "sub-1");
        assert!(is_token(&token), "{token}");
        assert_ne!(token, unsubscribe_token(b"secret", "sub-2"));
        assert_ne!(token, unsubscribe_token(b"other", "sub-1"));
        assert!(is_token(&"a".repeat(TOKEN_CHARS)));
        assert!(!is_token(&"a".repeat(TOKEN_CHARS - 1)));
        assert!(!is_token(&format!("{}/", "a".repeat(TOKEN_CHARS - 1))));
    }
}
