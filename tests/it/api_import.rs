//! Legacy import as used by the demo seed: idempotent per (source, external_id), row errors reported.

use crate::helpers::{spawn_app, unique_key};

use serde_json::{json, Value};

async fn import(source: &str, rows: &[Value]) -> (u16, Value) {
    let admin = spawn_app().login_demo("admin").await;
    let body = rows.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let response = admin
        .request(reqwest::Method::POST, &format!("/api/v1/admin/import/tickets?source={source}"))
        .header("Content-Type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn row(id: &str) -> Value {
    json!({
        "external_id": id,
        "title": "A市西湖建筑集团占道施工有安全隐患",
        "description": "人行道包括路灯杆被圈入施工围墙内，上下班期间安全隐患大。",
        "category": "城乡建设",
        "created_at": "2020-01-06 12:09:38",
        "lat": 28.2, "lng": 112.95
    })
}

#[tokio::test]
async fn a_second_import_skips_what_the_first_stored() {
    let source = unique_key();
    let rows = vec![row("1"), row("2"), row("2")];
    let (status, report) = import(&source, &rows).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2);
    assert_eq!(report["skipped"], 1, "the repeated id in one file");
    let (_, again) = import(&source, &rows).await;
    assert_eq!(again["imported"], 0);
    assert_eq!(again["skipped"], 3);
}

#[tokio::test]
async fn a_bad_row_is_reported_and_never_stops_the_good_ones() {
    let source = unique_key();
    let mut bad_category = row("b1");
    bad_category["category"] = "不存在的类别".into();
    let mut bad_date = row("b2");
    bad_date["created_at"] = "last tuesday".into();
    let mut bad_type = row("b3");
    bad_type["lat"] = "north".into();
    let (status, report) = import(&source, &[row("g1"), bad_category, bad_date, bad_type, row("g2")]).await;
    assert_eq!(status, 200);
    assert_eq!(report["imported"], 2);
    let errors = report["errors"].as_array().unwrap();
    let named: Vec<(u64, &str)> =
        errors.iter().map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap())).collect();
    assert_eq!(named, vec![(2, "category"), (3, "created_at"), (4, "lat")]);
}
