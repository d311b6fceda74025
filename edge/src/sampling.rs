//! The weekly draw of observers' samples (两代表一委员、民生观察员评议): each active observer gets a
//! stratified random sample of the tickets closed in the week before, never their own reports
//! and never a ticket they graded before. The seed of each draw is recorded with it.

use crate::store::Store;
use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Utc};
use serde::Serialize;
use shared::sampling::{draw, reporter_key, seed_for, week_of, Candidate};

/// At most this many closed tickets are considered per week; a city closing more samples
/// from the most recent ones.
const MAX_CANDIDATES: u32 = 5000;

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub week: String,
    pub candidates: usize,
    pub drawn: u32,
    pub already_drawn: u32,
}

/// Monday 00:00 city time of the week `now` falls in, as UTC.
pub fn week_start(now: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    let local = now.with_timezone(&offset).date_naive();
    let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
    monday
        .and_hms_opt(0, 0, 0)
        .and_then(|t| offset.from_local_datetime(&t).single())
        .map_or(now, |t| t.with_timezone(&Utc))
}

pub async fn draw_week(store: &Store, offset: FixedOffset, now: DateTime<Utc>) -> Result<Summary, String> {
    let week = week_of(now, offset);
    let mut summary = Summary { week: week.clone(), ..Default::default() };
    let observers = store.observers().await.map_err(|e| e.0)?;
    let drawn = store.drawn_observers(&week).await.map_err(|e| e.0)?;
    let waiting: Vec<_> = observers.into_iter().filter(|o| !drawn.contains(&o.id)).collect();
    summary.already_drawn = u32::try_from(drawn.len()).unwrap_or(u32::MAX);
    if waiting.is_empty() {
        return Ok(summary);
    }
    let start = week_start(now, offset);
    let rows = store.sample_candidates(&(start - Duration::days(7)), &start, MAX_CANDIDATES).await.map_err(|e| e.0)?;
    let candidates: Vec<Candidate> = rows
        .into_iter()
        .map(|r| Candidate {
            family: r.category.chars().take(2).collect(),
            department: r.lead.unwrap_or_default(),
            reporter_keys: [r.contact_phone, r.contact_email]
                .into_iter()
                .flatten()
                .filter_map(|c| reporter_key(&c))
                .collect(),
            ticket_id: r.id,
        })
        .collect();
    summary.candidates = candidates.len();
    let size = crate::handlers::evaluation::evaluation_settings(store).await.map_err(|e| format!("{e:?}"))?.sample_size;
    for observer in waiting {
        let keys: Vec<String> =
            observer.contact_keys.as_deref().and_then(|k| serde_json::from_str(k).ok()).unwrap_or_default();
        let seen = store.sampled_tickets(&observer.id).await.map_err(|e| e.0)?;
        let seed = seed_for(&week, &observer.id);
        let picked = draw(&candidates, &keys, &seen, size as usize, seed);
        let statements = store
            .sample_statements(&observer.id, &week, seed, size, candidates.len(), &picked, &now)
            .map_err(|e| e.0)?;
        match store.run_batch(statements).await {
            Ok(()) => summary.drawn += 1,
            // Another run drew this observer's sample in between.
            Err(e) if e.0.contains("UNIQUE") => summary.already_drawn += 1,
            Err(e) => return Err(e.0),
        }
    }
    Ok(summary)
}
