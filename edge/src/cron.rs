//! Scheduled work (`[triggers] crons` in wrangler.toml): the nightly retrain of the classifier
//! on the tickets dispatched and closed since, so suggestions follow how the city files requests
//! without an admin pressing "train" (recorded in the audit trail with actor `cron`); the hourly
//! supervision ladder; and the outbox, every minute.

use crate::config::AppState;
use crate::handlers::triage;
use crate::store::Audit;

/// The cron of wrangler.toml that retrains (19:00 UTC = 03:00 in Beijing, when intake is quiet).
pub const RETRAIN: &str = "0 19 * * *";

/// The cron of the supervision ladder, the daily digests and closing answered tickets.
pub const SUPERVISE: &str = "0 * * * *";
/// The cron of the outbox.
pub const DELIVER: &str = "* * * * *";

/// Run the job of the schedule `cron` at `scheduled_ms` (the schedule's time, which a test may
/// set); a schedule with no job is logged and left alone.
pub async fn run(cron: &str, scheduled_ms: f64, env: &worker::Env) {
    let now = chrono::DateTime::from_timestamp_millis(scheduled_ms as i64).unwrap_or_else(crate::clock::now);
    match cron {
        RETRAIN => retrain(cron, env).await,
        SUPERVISE | DELIVER => {
            if let Err(e) = periodic(cron, env, now).await {
                worker::console_error!("cron {cron:?}: {e}");
            }
        }
        _ => worker::console_warn!("cron {cron:?}: no job runs on this schedule"),
    }
}

async fn periodic(cron: &str, env: &worker::Env, now: chrono::DateTime<chrono::Utc>) -> Result<(), String> {
    let state = AppState::from_env(env).map_err(|e| format!("misconfigured: {e:?}"))?;
    let store = crate::store::Store::new(env.d1(crate::config::DB_BINDING).map_err(|e| e.to_string())?);
    if cron == SUPERVISE {
        let summary = supervise(&store, env, &state, now, None).await?;
        worker::console_log!("cron {cron:?} at {now}: supervision {summary:?}");
        // Observers' samples: drawn on the first run of each week, skipped after.
        let sampling = crate::sampling::draw_week(&store, state.city.offset(), now).await?;
        worker::console_log!("cron {cron:?} at {now}: sampling {sampling:?}");
        let insights = crate::insights::run(&store, env, state.city.offset(), now).await?;
        worker::console_log!("cron {cron:?} at {now}: insights {insights:?}");
    }
    // Every run delivers; the hourly one too, so its new notices go out at once.
    let summary = deliver(&store, now).await?;
    worker::console_log!("cron {cron:?} at {now}: outbox {summary:?}");
    // Citizens' updates (push and e-mail) go out on the same minute.
    let citizens = crate::notify_citizens::run(&store, env, &state.token_secret, now).await?;
    worker::console_log!("cron {cron:?} at {now}: citizens' updates {citizens:?}");
    Ok(())
}

/// The supervision job, as the hourly cron runs it (and an admin's "run now").
pub async fn supervise(
    store: &crate::store::Store,
    env: &worker::Env,
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
    only: Option<&str>,
) -> Result<crate::supervise::Summary, String> {
    let intake = crate::intake::load(store, env).await.map_err(|e| e.0)?;
    crate::supervise::run(store, &intake, state.city.offset(), now, only).await
}

pub async fn deliver(
    store: &crate::store::Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::deliver::Summary, String> {
    crate::deliver::run(store, &shared::webhook::RetryPolicy::default(), now).await
}

async fn retrain(cron: &str, env: &worker::Env) {
    let state = match AppState::from_env(env) {
        Ok(state) => state,
        Err(e) => {
            worker::console_error!("cron {cron:?}: misconfigured: {e:?}");
            return;
        }
    };
    let audit = |detail: serde_json::Value| Audit {
        at: crate::clock::now(),
        actor: "cron".to_owned(),
        action: "classifier_trained",
        target: None,
        ip: "scheduled".to_owned(),
        detail: with_cron(detail, cron),
    };
    match triage::retrain(env, state.catalogue, audit).await {
        Ok(trained) => worker::console_log!("cron {cron:?}: classifier retrained: {trained}"),
        Err(e) => worker::console_error!("cron {cron:?}: retraining failed: {e:?}"),
    }
}

/// The training summary, as the admin's retrain records it, and the schedule that ran it.
fn with_cron(mut detail: serde_json::Value, cron: &str) -> serde_json::Value {
    if let Some(object) = detail.as_object_mut() {
        object.insert("cron".into(), cron.into());
    }
    detail
}
