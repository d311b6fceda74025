//! Scheduled work (`[triggers] crons` in wrangler.toml): the nightly retrain of the classifier
//! on the tickets dispatched and closed since, so suggestions follow how the city files requests
//! without an admin pressing "train". Recorded in the audit trail with actor `cron`.

use crate::config::AppState;
use crate::handlers::triage;
use crate::store::Audit;

/// The cron of wrangler.toml that retrains (19:00 UTC = 03:00 in Beijing, when intake is quiet).
pub const RETRAIN: &str = "0 19 * * *";

/// Run the job of the schedule `cron`; a schedule with no job is logged and left alone.
pub async fn run(cron: &str, env: &worker::Env) {
    if cron != RETRAIN {
        worker::console_warn!("cron {cron:?}: no job runs on this schedule");
        return;
    }
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
