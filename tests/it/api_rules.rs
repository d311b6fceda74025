//! The responsibility list through the API: edit, validate, coverage.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn rules_are_validated_listed_covered_and_removed() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (status, error) = admin
        .post(
            "/api/v1/admin/rules",
            &json!({ "category": "不存在", "area": "mars", "lead": "no.such", "co_handlers": ["centre", "nope"] }),
        )
        .await;
    assert_eq!(status, 422);
    for field in ["category", "area", "lead", "co_handlers[1]"] {
        assert!(error["fields"].get(field).is_some(), "{field}: {error}");
    }

    // Noise (噪音污染) in A3区东塘街道: urban management leads, the street office and ecology co-handle.
    let noise = json!({ "category": "噪音污染", "area": "a3-dongtang", "lead": "city.urban-management",
                        "co_handlers": ["a3.dongtang", "city.ecology", "city.law-enforcement"] });
    let (status, created) = admin.post("/api/v1/admin/rules", &noise).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["rule"]["category"], "04.02.03", "names resolve to codes");
    let id = created["id"].as_i64().unwrap();

    let dispatcher = app.login_demo("dispatcher").await;
    let (status, list) = dispatcher.get("/api/v1/admin/rules").await;
    assert_eq!(status, 200);
    assert!(list.as_array().unwrap().iter().any(|r| r["id"] == id && r["lead"] == "city.urban-management"));
    let (status, report) = dispatcher.get("/api/v1/admin/rules/coverage").await;
    assert_eq!(status, 200);
    assert!(report["checked"].as_u64().unwrap() > 517);
    let covered = |report: &serde_json::Value| {
        !report["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["category"] == "04.02.03" && g["area"] == "a3-dongtang" && g["kind"] == "citizen")
    };
    assert!(covered(&report), "the noise rule covers its street");

    let (status, _) = dispatcher.post("/api/v1/admin/rules", &noise).await;
    assert_eq!(status, 403, "dispatchers read the list, admins edit it");
    let (status, _) = admin.delete(&format!("/api/v1/admin/rules/{id}")).await;
    assert_eq!(status, 204);
    let (status, _) = admin.delete(&format!("/api/v1/admin/rules/{id}")).await;
    assert_eq!(status, 404);
}
