//! Smart and manual dispatch: train, suggest, auto-dispatch at the threshold, the queue.

use crate::helpers::{spawn_app, status_json, unique_key};
use serde_json::{json, Value};

/// A noise complaint in A3区东塘街道, where the test's rule names one lead.
fn noise_body() -> Value {
    json!({
        "title": "酒吧噪音扰民",
        "description": "楼下酒吧每天凌晨音乐声音很大，噪音扰民，影响休息，希望环保部门处理。",
        "category": "04.02.03",
        "location": { "lat": 28.0, "lng": 112.80 },
        "anonymous": true
    })
}

#[tokio::test]
async fn the_classifier_trains_suggests_and_dispatches_confident_requests_itself() {
    let _classifier = crate::helpers::CLASSIFIER.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;

    let (status, trained) = admin.post("/api/v1/admin/triage/train", &json!({})).await;
    assert_eq!(status, 200, "{trained}");
    assert!(trained["rows"].as_u64().unwrap() >= 494, "{trained}");
    assert!(trained["classes"].as_u64().unwrap() >= 7);
    assert!(trained["millis"].as_u64().is_some());

    let text = noise_body();
    let (status, suggested) = dispatcher
        .post("/api/v1/triage/suggest", &json!({ "title": text["title"], "description": text["description"] }))
        .await;
    assert_eq!(status, 200);
    let suggestions = suggested["suggestions"].as_array().unwrap();
    // Trained on first-level labels (and on any leaf-labelled tickets since): the family is what counts.
    assert_eq!(suggestions[0]["level1"], "环境保护", "noise is environmental protection: {suggested}");
    assert!(suggestions[0]["category_code"].as_str().unwrap().starts_with("04"));
    let confidences: Vec<f64> = suggestions.iter().map(|s| s["confidence"].as_f64().unwrap()).collect();
    assert!(confidences.windows(2).all(|w| w[0] >= w[1]), "best first");
    assert!(confidences.iter().sum::<f64>() <= 1.0 + 1e-6);
    let top = confidences[0];
    assert!(top < 1.0, "a calibrated confidence leaves room above it: {top}");
    let above = top + (0.001f64).min((1.0 - top) / 2.0);

    let (status, rule) = admin
        .post(
            "/api/v1/admin/rules",
            &json!({ "category": "04.02.03", "area": "a3-dongtang", "lead": "city.urban-management",
                     "co_handlers": ["a3.dongtang", "city.ecology"] }),
        )
        .await;
    assert_eq!(status, 201, "{rule}");

    // Exactly at the threshold dispatches itself …
    let (status, _) = admin.put("/api/v1/admin/settings/dispatch", &json!({ "auto_dispatch_threshold": top })).await;
    assert_eq!(status, 200);
    let (status, auto) = status_json(app.submit(Some(&unique_key()), &noise_body()).await).await;
    assert_eq!(status, 201);
    assert_eq!(auto["status"], "dispatched", "{auto}");
    let (_, view) = status_json(app.get_request(auto["tracking_no"].as_str().unwrap(), None).await).await;
    let dispatched = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "dispatched")
        .expect("a dispatch event")
        .clone();
    assert_eq!(dispatched["lead_name"], "市城市管理局");
    assert_eq!(dispatched["mode"], "auto");

    // … just above it waits for a person, with the suggestions and the list's proposal.
    let (status, _) = admin.put("/api/v1/admin/settings/dispatch", &json!({ "auto_dispatch_threshold": above })).await;
    assert_eq!(status, 200);
    let (_, manual) = status_json(app.submit(Some(&unique_key()), &noise_body()).await).await;
    assert_eq!(manual["status"], "submitted");
    let no = manual["tracking_no"].as_str().unwrap().to_owned();
    let (status, queue) = dispatcher.get("/api/v1/dispatch/queue").await;
    assert_eq!(status, 200);
    let item =
        queue.as_array().unwrap().iter().find(|i| i["tracking_no"] == no.as_str()).expect("in the queue").clone();
    assert!(item["suggestions"][0]["category_code"].as_str().unwrap().starts_with("04"), "{item}");
    assert_eq!(item["proposal"]["outcome"], "resolved");
    assert_eq!(item["proposal"]["lead"], "city.urban-management");
    assert_eq!(item["area"], "a3-dongtang");

    // One action dispatches to the proposal; a stale second attempt is refused.
    let version = item["version"].as_i64().unwrap();
    let (status, done) = dispatcher
        .post(&format!("/api/v1/tickets/{no}/dispatch"), &json!({ "urgency": "urgent", "version": version }))
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["lead"], "city.urban-management");
    assert_eq!(done["co_handlers"], json!(["a3.dongtang", "city.ecology"]));
    let (status, _) = dispatcher.post(&format!("/api/v1/tickets/{no}/dispatch"), &json!({ "version": version })).await;
    assert_eq!(status, 412, "stale");
    let (_, queue) = dispatcher.get("/api/v1/dispatch/queue").await;
    assert!(
        !queue.as_array().unwrap().iter().any(|i| i["tracking_no"] == no.as_str()),
        "dispatched requests leave the queue"
    );

    // Re-dispatching to another lead is allowed and recorded.
    let (status, again) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no}/dispatch"),
            &json!({ "lead": "city.ecology", "co_handlers": [], "version": version + 1 }),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    let (_, view) = status_json(app.get_request(&no, None).await).await;
    let leads: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "dispatched")
        .map(|e| e["lead"].as_str().unwrap())
        .collect();
    assert_eq!(leads, vec!["city.urban-management", "city.ecology"]);

    // Put the threshold back so other tests see the default.
    let (status, _) = admin.put("/api/v1/admin/settings/dispatch", &json!({ "auto_dispatch_threshold": 0.9 })).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn dispatch_input_is_checked() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let (no, _) = app.create(&crate::helpers::valid_body()).await;
    let (status, error) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no}/dispatch"),
            &json!({ "lead": "no.such", "co_handlers": ["centre", "nope"], "urgency": "now" }),
        )
        .await;
    assert_eq!(status, 422, "{error}");
    for field in ["lead", "co_handlers[1]", "urgency"] {
        assert!(error["fields"].get(field).is_some(), "{field}: {error}");
    }
    // An empty lead is a missing one, never "whoever the list proposes" by accident.
    let (status, error) =
        dispatcher.post(&format!("/api/v1/tickets/{no}/dispatch"), &json!({ "lead": "  ", "co_handlers": [] })).await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["fields"]["lead"]["code"], "required");
    let (status, _) = dispatcher.post("/api/v1/tickets/20261128-0000010/dispatch", &json!({})).await;
    assert_eq!(status, 404);
    let (status, error) =
        dispatcher.put("/api/v1/admin/settings/dispatch", &json!({ "auto_dispatch_threshold": 0.5 })).await;
    assert_eq!(status, 403, "{error}");
}
