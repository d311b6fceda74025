//! The nightly cron retrains the classifier: fired through `wrangler dev --test-scheduled`
//! (`GET /__scheduled?cron=…`), it stores a new model in KV, reports it in the dispatch settings
//! and records itself in the audit trail as `cron`.

use crate::helpers::{spawn_app, unique_key, Staff};
use serde_json::{json, Value};

/// The retrain schedule of wrangler.toml (edge/src/cron.rs).
const RETRAIN: &str = "0 19 * * *";

/// Fire the scheduled handler as the cron `cron` would; answers when it has run.
async fn fire(cron: &str) {
    let app = spawn_app();
    let response =
        app.client.get(app.url("/__scheduled")).query(&[("cron", cron)]).send().await.expect("the stack answers");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(
        (status, body.as_str()),
        (200, "Ran scheduled event"),
        "the stack must run `wrangler dev --test-scheduled` (xtask/src/stack.rs) with /__scheduled in run_worker_first"
    );
}

async fn model_info(admin: &Staff) -> Value {
    let (status, settings) = admin.get("/api/v1/admin/settings/dispatch").await;
    assert_eq!(status, 200, "{settings}");
    assert!(settings["auto_dispatch_threshold"].is_number(), "{settings}");
    settings["model"].clone()
}

/// Retrain entries the cron wrote, newest first.
async fn cron_trainings(admin: &Staff) -> Vec<Value> {
    let (status, entries) = admin.get("/api/v1/admin/audit?limit=500").await;
    assert_eq!(status, 200, "{entries}");
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "cron" && e["action"] == "classifier_trained")
        .cloned()
        .collect()
}

async fn import_two_noise_complaints(admin: &Staff) {
    let source = unique_key();
    let body = (1..=2)
        .map(|n| {
            json!({
                "external_id": format!("n{n}"),
                "title": "夜间施工噪音扰民",
                "description": "工地每天夜里十二点后还在打桩，噪音很大，影响休息。",
                "category": "环境保护",
                "created_at": format!("2021-03-0{n} 23:30:00")
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let response = admin
        .request(reqwest::Method::POST, &format!("/api/v1/admin/import/tickets?source={source}"))
        .header("Content-Type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["imported"], 2, "{report}");
}

#[tokio::test]
async fn the_nightly_cron_retrains_the_classifier_on_the_newest_tickets() {
    let _classifier = crate::helpers::CLASSIFIER.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;

    fire(RETRAIN).await;
    let before = model_info(&admin).await;
    let rows_before = before["rows"].as_u64().unwrap_or_else(|| panic!("a model was trained: {before}"));
    let trained_before = before["trained_at"].as_str().unwrap().to_owned();
    let cron_runs = cron_trainings(&admin).await.len();
    assert!(cron_runs >= 1, "the first run is in the audit trail");

    // New tickets, then the next night: the model in KV is replaced by one trained on them too.
    import_two_noise_complaints(&admin).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    fire(RETRAIN).await;
    let after = model_info(&admin).await;
    assert!(after["trained_at"].as_str().unwrap() > trained_before.as_str(), "{before} → {after}");
    assert!(after["rows"].as_u64().unwrap() >= rows_before + 2, "{before} → {after}");
    assert!(after["classes"].as_u64().unwrap() >= 7, "{after}");

    // Another test may retrain as admin at the same time; the cron's own entry says what it did.
    let runs = cron_trainings(&admin).await;
    assert!(runs.len() > cron_runs, "one more cron run in the audit trail");
    let newest = &runs[0];
    assert_eq!(newest["detail"]["cron"], RETRAIN, "{newest}");
    assert!(newest["detail"]["rows"].as_u64().unwrap() >= rows_before + 2, "{newest}");
    assert!(newest["detail"]["oof_accuracy"].is_number(), "{newest}");

    // And the dispatcher's suggestions come from a model.
    let (status, suggested) = dispatcher
        .post(
            "/api/v1/triage/suggest",
            &json!({ "title": "夜间施工噪音扰民", "description": "工地夜里打桩，噪音很大。" }),
        )
        .await;
    assert_eq!(status, 200, "{suggested}");
    assert_eq!(suggested["suggestions"][0]["level1"], "环境保护", "{suggested}");
}

#[tokio::test]
async fn a_schedule_with_no_job_changes_nothing() {
    let _classifier = crate::helpers::CLASSIFIER.lock().await;
    let admin = spawn_app().login_demo("admin").await;
    let other = "*/7 * * * *";
    fire(other).await;
    let runs = cron_trainings(&admin).await;
    assert!(runs.iter().all(|e| e["detail"]["cron"] != other), "{runs:?}");
}
