//! The outbox job, every minute: post due messages to departments' webhooks, signed with the
//! department's secret (`shared::webhook`), and reschedule failures with backoff until the retry
//! policy dead-letters them. A message is claimed before it is sent, so overlapping runs do not
//! send it twice; an attempt is counted only against the attempt number it was claimed at.

use crate::store::{DueMessage, Store};
use chrono::{DateTime, Duration, Utc};
use shared::webhook::{sign, AfterFailure, RetryPolicy, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER};
use worker::{Fetch, Headers, Method, Request, RequestInit};

/// Messages sent per run; the rest wait for the next minute.
const PER_RUN: u32 = 50;
/// How long a claimed message is left alone by other runs.
const CLAIM: i64 = 120;

#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub delivered: usize,
    pub retrying: usize,
    pub dead: usize,
}

pub async fn run(store: &Store, policy: &RetryPolicy, now: DateTime<Utc>) -> Result<Summary, String> {
    let mut summary = Summary::default();
    for message in store.due_messages(&now, PER_RUN).await.map_err(|e| e.0)? {
        if !store
            .claim_message(&message.id, message.attempts, &now, &(now + Duration::seconds(CLAIM)))
            .await
            .map_err(|e| e.0)?
        {
            continue;
        }
        let attempt = u32::try_from(message.attempts + 1).unwrap_or(u32::MAX);
        let outcome = match post(&message, now).await {
            Ok(status) if (200..300).contains(&status) => None,
            Ok(status) => Some((policy.after_status(status, attempt, now), format!("HTTP {status}"))),
            Err(e) => Some((policy.after_failure(attempt, now), e)),
        };
        let (next, error) = match outcome {
            None => {
                summary.delivered += 1;
                (None, None)
            }
            Some((AfterFailure::RetryAt(at), e)) => {
                summary.retrying += 1;
                (Some(Ok(at)), Some(e))
            }
            Some((AfterFailure::DeadLetter, e)) => {
                summary.dead += 1;
                (Some(Err(())), Some(e))
            }
        };
        store.record_attempt(&message.id, message.attempts, &now, next, error.as_deref()).await.map_err(|e| e.0)?;
    }
    Ok(summary)
}

async fn post(message: &DueMessage, now: DateTime<Utc>) -> Result<u16, String> {
    let Some(secret) = message.secret.as_deref().filter(|s| !s.is_empty()) else {
        return Err("the department has no webhook secret".into());
    };
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| e.to_string());
    set("Content-Type", "application/json")?;
    set(SIGNATURE_HEADER, &sign(secret.as_bytes(), now.timestamp(), message.payload.as_bytes()))?;
    set(EVENT_HEADER, &message.event)?;
    set(DELIVERY_HEADER, &message.id)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers.clone()).with_body(Some(message.payload.clone().into()));
    let request = Request::new_with_init(&message.url, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request).send().await.map_err(|e| format!("network: {e}"))?;
    Ok(response.status_code())
}
