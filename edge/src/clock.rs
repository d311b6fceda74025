//! Time and randomness come from the platform and are handed to `shared`.

use chrono::{DateTime, Utc};

pub fn now() -> DateTime<Utc> {
    let millis = i64::try_from(worker::Date::now().as_millis()).unwrap_or(i64::MAX);
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

pub fn random_16() -> Result<[u8; 16], getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes)
}

/// A random id (32 hex digits) for outbox messages and webhook deliveries.
pub fn random_id() -> Result<String, getrandom::Error> {
    Ok(random_16()?.iter().map(|b| format!("{b:02x}")).collect())
}
