//! The citizens' outbox job, every minute next to `deliver` (and on the admin's "run now"): each
//! due message is written in its subscriber's language from the public events of its change, then
//! sent by Web Push (encrypted for the browser, signed with the VAPID key) or by e-mail.
//!
//! As in `deliver`, a message is claimed before it is sent and retried with the webhook backoff
//! until it is dead-lettered. A push service that answers 404 or 410 has dropped the browser's
//! subscription: it is ended, and nothing more is queued for it. Messages of a kind that cannot be
//! sent here (no VAPID key, no mail service) are not claimed: they wait.

use crate::config::setting;
use crate::mail::{Mail, MailSender, Mailer};
use crate::store::{DueCitizenMessage, Store};
use chrono::{DateTime, Duration, Utc};
use shared::citizen_message::{compose, email_text, Change, CitizenMessage};
use shared::subscription::{unsubscribe_token, Lang};
use shared::webhook::{AfterFailure, RetryPolicy};
use shared::webpush::{encrypt, UaKeys, VapidKey};
use std::cell::RefCell;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

/// Messages sent per run; the rest wait for the next minute.
const PER_RUN: u32 = 50;
/// How long a claimed message is left alone by other runs.
const CLAIM: i64 = 120;
/// How long a push service keeps a message for a browser that is offline (RFC 8030 `TTL`).
const PUSH_TTL_SECS: u32 = 4 * 24 * 3600;
/// The VAPID JWT's lifetime; RFC 8292 allows at most 24 hours.
const JWT_LIFETIME_SECS: i64 = 12 * 3600;

#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub delivered: usize,
    pub retrying: usize,
    pub dead: usize,
    /// Push subscriptions the push service no longer knows (404/410), ended.
    pub gone: usize,
}

thread_local! {
    /// (private key, public key): deriving the public point costs a scalar multiplication, and
    /// `GET /api/v1/config` asks for it on every page load.
    static VAPID_PUBLIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

fn vapid_key(env: &Env) -> Option<VapidKey> {
    let private = setting(env, "VAPID_PRIVATE_KEY")?;
    match VapidKey::from_base64url(&private) {
        Ok(key) => Some(key),
        Err(e) => {
            worker::console_error!("VAPID_PRIVATE_KEY: {e}; browser notifications are off");
            None
        }
    }
}

/// The public half of `VAPID_PRIVATE_KEY`, for the app's `PushManager.subscribe`.
pub fn vapid_public_key(env: &Env) -> Option<String> {
    let private = setting(env, "VAPID_PRIVATE_KEY")?;
    let cached = VAPID_PUBLIC.with(|c| c.borrow().as_ref().filter(|(k, _)| *k == private).map(|(_, p)| p.clone()));
    if cached.is_some() {
        return cached;
    }
    let public = vapid_key(env)?.public_key();
    VAPID_PUBLIC.with(|c| *c.borrow_mut() = Some((private, public.clone())));
    Some(public)
}

struct Settings {
    vapid: Option<VapidKey>,
    /// RFC 8292 `sub`: how a push service reaches the operator.
    subject: Option<String>,
    /// Links in messages; otherwise the site each subscription was made on.
    public_url: Option<String>,
    mailer: Mailer,
}

impl Settings {
    fn from_env(env: &Env) -> Settings {
        Settings {
            vapid: vapid_key(env),
            subject: setting(env, "VAPID_SUBJECT"),
            public_url: setting(env, "PUBLIC_URL"),
            mailer: Mailer::from_env(env),
        }
    }

    fn base_url<'a>(&'a self, message: &'a DueCitizenMessage) -> &'a str {
        self.public_url.as_deref().unwrap_or(&message.base_url).trim_end_matches('/')
    }
}

pub async fn run(store: &Store, env: &Env, token_secret: &[u8], now: DateTime<Utc>) -> Result<Summary, String> {
    let settings = Settings::from_env(env);
    let policy = RetryPolicy::default();
    let mut summary = Summary::default();
    let due = store
        .due_citizen_messages(&now, PER_RUN, settings.vapid.is_some(), settings.mailer.ready())
        .await
        .map_err(|e| e.0)?;
    for due in due {
        let token = unsubscribe_token(token_secret, &due.subscription_id);
        let Some(mut message) = written(store, &settings, &due, &token).await? else {
            // Only events that are no public change (cannot happen through the trigger).
            store
                .record_citizen_attempt(&due.id, due.attempts, &now, Some(Err(())), Some("no public change to tell"))
                .await
                .map_err(|e| e.0)?;
            summary.dead += 1;
            continue;
        };
        // The stored copy has no unsubscribe link: the token is never stored.
        message.unsubscribe_url = String::new();
        let stored = serde_json::to_string(&message).map_err(|e| e.to_string())?;
        message.unsubscribe_url = format!("{}/unsubscribe/{token}", settings.base_url(&due));
        if !store
            .claim_citizen_message(&due.id, due.attempts, &now, &(now + Duration::seconds(CLAIM)), &stored)
            .await
            .map_err(|e| e.0)?
        {
            continue;
        }
        let attempt = u32::try_from(due.attempts + 1).unwrap_or(u32::MAX);
        let sent = match due.kind.as_str() {
            "push" => push(&settings, &due, &message, now).await,
            _ => email(&settings, &due, &message, &token).await,
        };
        let next = match sent {
            Ok(status) if (200..300).contains(&status) => {
                summary.delivered += 1;
                store.record_citizen_attempt(&due.id, due.attempts, &now, None, None).await.map_err(|e| e.0)?;
                continue;
            }
            Ok(status @ (404 | 410)) if due.kind == "push" => {
                summary.gone += 1;
                summary.dead += 1;
                let error = format!("HTTP {status}: the push subscription is gone");
                store
                    .record_citizen_attempt(&due.id, due.attempts, &now, Some(Err(())), Some(&error))
                    .await
                    .map_err(|e| e.0)?;
                store.end_subscription(&due.subscription_id, "gone", &now).await.map_err(|e| e.0)?;
                continue;
            }
            Ok(status) => (policy.after_status(status, attempt, now), format!("HTTP {status}")),
            Err(e) => (policy.after_failure(attempt, now), e),
        };
        let (next, error) = match next {
            (AfterFailure::RetryAt(at), e) => {
                summary.retrying += 1;
                (Ok(at), e)
            }
            (AfterFailure::DeadLetter, e) => {
                summary.dead += 1;
                (Err(()), e)
            }
        };
        store.record_citizen_attempt(&due.id, due.attempts, &now, Some(next), Some(&error)).await.map_err(|e| e.0)?;
    }
    Ok(summary)
}

/// The message as first written (kept for retries), or written now from the change's events.
async fn written(
    store: &Store,
    settings: &Settings,
    due: &DueCitizenMessage,
    token: &str,
) -> Result<Option<CitizenMessage>, String> {
    if let Some(stored) = due.payload.as_deref().and_then(|p| serde_json::from_str::<CitizenMessage>(p).ok()) {
        return Ok(Some(stored));
    }
    let events = store.change_events(&due.ticket_id, &due.change_at).await.map_err(|e| e.0)?;
    let lang = Lang::parse(&due.lang).unwrap_or_default();
    Ok(Change::of(&events).map(|change| compose(lang, &due.tracking_no, &change, settings.base_url(due), token)))
}

fn random_scalar() -> Result<[u8; 32], String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

async fn push(
    settings: &Settings,
    due: &DueCitizenMessage,
    message: &CitizenMessage,
    now: DateTime<Utc>,
) -> Result<u16, String> {
    let (Some(vapid), Some(endpoint)) = (settings.vapid.as_ref(), due.endpoint.as_deref()) else {
        return Err("no VAPID key or no endpoint".into());
    };
    let keys = UaKeys::parse(due.p256dh.as_deref().unwrap_or_default(), due.auth.as_deref().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let payload = serde_json::to_vec(message).map_err(|e| e.to_string())?;
    // A random scalar is out of range with probability about 2^-128; one retry is plenty.
    let salt = crate::clock::random_16().map_err(|e| e.to_string())?;
    let body = match encrypt(&payload, &keys, &random_scalar()?, &salt) {
        Err(shared::webpush::WebPushError::BadKey(_)) => encrypt(&payload, &keys, &random_scalar()?, &salt),
        other => other,
    }
    .map_err(|e| e.to_string())?;
    let subject = settings.subject.clone().unwrap_or_else(|| settings.base_url(due).to_owned());
    let authorization =
        vapid.authorization(endpoint, &subject, now.timestamp() + JWT_LIFETIME_SECS).map_err(|e| e.to_string())?;
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| e.to_string());
    set("Authorization", &authorization)?;
    set("Content-Encoding", "aes128gcm")?;
    set("Content-Type", "application/octet-stream")?;
    set("TTL", &PUSH_TTL_SECS.to_string())?;
    set("Urgency", "normal")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers.clone())
        .with_body(Some(worker::js_sys::Uint8Array::from(body.as_slice()).into()));
    let request = Request::new_with_init(endpoint, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request).send().await.map_err(|e| format!("network: {e}"))?;
    Ok(response.status_code())
}

async fn email(
    settings: &Settings,
    due: &DueCitizenMessage,
    message: &CitizenMessage,
    token: &str,
) -> Result<u16, String> {
    let Some(to) = due.email.clone() else {
        return Err("no address".into());
    };
    let lang = Lang::parse(&due.lang).unwrap_or_default();
    let (subject, text) = email_text(lang, message);
    // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the API itself.
    let one_click = format!("{}/api/v1/unsubscribe/{token}", settings.base_url(due));
    let headers = [
        ("List-Unsubscribe".to_owned(), format!("<{one_click}>")),
        ("List-Unsubscribe-Post".to_owned(), "List-Unsubscribe=One-Click".to_owned()),
        ("Auto-Submitted".to_owned(), "auto-generated".to_owned()),
    ]
    .into_iter()
    .collect();
    let mail = Mail { from: settings.mailer.sender_address().to_owned(), to, subject, text, headers };
    settings.mailer.send(&mail).await
}
