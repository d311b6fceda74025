//! Hot issues and spike alerts through the API: the hourly job clusters recent requests for
//! the public page and alerts supervisors once when a family × district jumps above its baseline.

use crate::helpers::{hot_issue_holding, import_ndjson, spawn_app, status_json, valid_body};
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

fn legacy(n: usize, day: NaiveDate) -> Value {
    json!({
        "external_id": format!("spike-{day}-{n}"),
        "title": "学校门口接送车辆拥堵",
        "description": "放学时间学校门口车辆乱停，孩子过马路很危险。",
        "category": "14.01.01",
        "created_at": format!("{day} 09:{:02}:00", n % 60),
    })
}

#[tokio::test]
async fn a_spike_above_the_seasonal_baseline_alerts_supervisors_once() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let supervisor = app.login_demo("supervisor").await;
    // Eight quiet weeks of 教育文体 (14) from an older system, then a day with 25.
    let spike = NaiveDate::from_ymd_opt(2025, 3, 9).unwrap();
    let mut rows = Vec::new();
    for back in 1..=62 {
        let day = spike - Duration::days(back);
        rows.extend((0..2).map(|n| legacy(n, day)));
    }
    rows.extend((0..25).map(|n| legacy(n, spike)));
    import_ndjson(&admin, &rows).await;

    // The job judges the last complete day before it runs.
    let at = json!({ "at": "2025-03-10T02:00:00Z" });
    let (status, run) = admin.post("/api/v1/admin/jobs/insights", &at).await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["insights"]["day"], "2025-03-09", "{run}");
    let (status, again) = admin.post("/api/v1/admin/jobs/insights", &at).await;
    assert_eq!(status, 200);
    assert_eq!(again["insights"]["new_alerts"], 0, "never twice for one spike: {again}");

    let (status, listed) = supervisor.get("/api/v1/supervision/alerts").await;
    assert_eq!(status, 200, "{listed}");
    // The list covers the last 30 days of the real clock; the spike is older, so read the job's count.
    assert!(run["insights"]["alerts"].as_u64().unwrap() >= 1, "{run}");
    let (status, _) = app.login_demo("handler").await.get("/api/v1/supervision/alerts").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn similar_requests_in_one_place_become_one_hot_issue() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let texts = [
        ("雨花亭夜市烧烤油烟扰民", "雨花亭夜市的烧烤摊每天晚上油烟很大，楼上住户窗户都不敢开。"),
        ("雨花亭夜市烧烤油烟太大", "雨花亭夜市烧烤油烟直冲居民楼，晚上根本没法开窗通风。"),
        ("投诉雨花亭夜市烧烤油烟", "雨花亭夜市烧烤摊油烟扰民，希望相关部门管一管。"),
    ];
    let mut mine = Vec::new();
    for (title, description) in texts {
        let mut body = valid_body();
        body["title"] = json!(title);
        body["description"] = json!(description);
        body["category"] = json!("04.02.01");
        body["location"] = json!({ "lat": 28.1601, "lng": 113.0102, "address": "雨花亭夜市" });
        mine.push(app.create(&body).await.0);
    }
    let (status, run) = admin.post("/api/v1/admin/jobs/insights", &json!({})).await;
    assert_eq!(status, 200, "{run}");
    let issue = hot_issue_holding(&app, &mine[0]).await;
    for no in &mine {
        assert!(issue["members"].as_array().unwrap().iter().any(|m| m == no.as_str()), "{issue}");
    }
    assert!(issue["title"].as_str().unwrap().contains("雨花亭夜市"), "{issue}");
    let (_, published) = status_json(app.get("/api/v1/open/hot-issues").await).await;
    assert!(!published.to_string().contains("13912345678"), "no personal data");
}
