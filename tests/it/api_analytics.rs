//! The dashboards' rollups: kept by the database in the same transaction as each change, equal
//! to a recount after any mix of operations, and read by the public dashboard one row per day.

use crate::helpers::{spawn_app, status_json, valid_body, Staff, TestApp};
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
const REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

/// A small deterministic generator, so a failing sequence can be replayed from its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

async fn today(app: &TestApp, query: &str) -> Value {
    let (status, body) = status_json(app.get(&format!("/api/v1/open/dashboard?{query}")).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn verify(admin: &Staff) -> Value {
    let (status, body) = admin.get("/api/v1/admin/rollups/verify").await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn rollups_equal_a_recount_after_random_operations() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let seed = std::process::id() as u64;
    let mut rng = Lcg(seed);
    let categories = ["01.02.01", "04.02.01", "09.01.01", "06.03.01"];
    // Each step creates a request or moves a random one on from where it stands.
    let mut tickets: Vec<(String, String, &str)> = Vec::new();
    let mut done = Vec::new();
    for _ in 0..40 {
        if tickets.is_empty() || rng.below(4) == 0 {
            let mut body = valid_body();
            body["category"] = json!(categories[rng.below(categories.len() as u64) as usize]);
            let (no, token) = app.create(&body).await;
            tickets.push((no, token, "submitted"));
            done.push("create");
            continue;
        }
        let pick = rng.below(tickets.len() as u64) as usize;
        let (no, token, stage) = tickets[pick].clone();
        let version = dispatcher.version_of(&no).await;
        let (step, ok, next) = match stage {
            "submitted" => {
                let body = json!({ "lead": LEAD, "co_handlers": [], "version": version });
                let (status, _) = dispatcher.post(&format!("/api/v1/tickets/{no}/dispatch"), &body).await;
                ("dispatch", status == 200, "dispatched")
            }
            "dispatched" | "reopened" => {
                let path = format!("/api/v1/tickets/{no}/accept");
                ("accept", handler.post_if_match(&path, &json!({}), version).await.0 == 200, "accepted")
            }
            "accepted" => {
                let path = format!("/api/v1/tickets/{no}/reply");
                ("reply", handler.post_if_match(&path, &json!({ "text": REPLY }), version).await.0 == 200, "replied")
            }
            "replied" if rng.below(3) == 0 => {
                let req = app.client.post(app.url(&format!("/api/v1/requests/{no}/reopen"))).bearer_auth(&token);
                let status = req.json(&json!({ "reason": "问题还没有解决" })).send().await.unwrap().status();
                ("reopen", status.as_u16() == 200, "reopened")
            }
            "replied" => {
                // Each category family asks its own items: answer what the form asks.
                let path = app.url(&format!("/api/v1/requests/{no}/rating"));
                let form: Value = app.client.get(&path).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
                let items: serde_json::Map<String, Value> = form["template"]["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| (item["key"].as_str().unwrap().to_owned(), json!(4)))
                    .collect();
                let content = json!({ "satisfaction": "satisfied", "resolved": true, "items": items });
                let status = app.client.post(&path).bearer_auth(&token).json(&content).send().await.unwrap().status();
                ("rate", status.as_u16() == 201, "closed")
            }
            _ => {
                let req = app.client.post(app.url(&format!("/api/v1/requests/{no}/reopen"))).bearer_auth(&token);
                let status = req.json(&json!({ "reason": "关闭后又坏了" })).send().await.unwrap().status();
                ("reopen closed", status.as_u16() == 200, "reopened")
            }
        };
        assert!(ok, "seed {seed}: {step} on {no} ({stage}) after {done:?}");
        tickets[pick].2 = next;
        done.push(step);
    }
    eprintln!("seed {seed}: {done:?}");
    let report = verify(&admin).await;
    assert_eq!(report["consistent"], true, "seed {seed}, operations {done:?}: {report}");
    assert!(report["rows"].as_u64().unwrap() > 0);
    let (status, _) = dispatcher.get("/api/v1/admin/rollups/verify").await;
    assert_eq!(status, 403, "the recount scans every ticket: admins only");
}

#[tokio::test]
async fn the_dashboard_counts_a_request_on_its_day_and_names_bad_filters() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let before = today(&app, "category=01&channel=web").await;
    let handler = app.login_demo("handler").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let version = dispatcher.version_of(&no).await;
    let (status, body) = handler.post_if_match(&format!("/api/v1/tickets/{no}/accept"), &json!({}), version).await;
    assert_eq!(status, 200, "{body}");
    let after = today(&app, "category=01&channel=web").await;
    let created = |v: &Value| v["totals"]["created"].as_i64().unwrap();
    assert!(created(&after) > created(&before), "{before} → {after}");
    // Accepted within the hour: counted in this week's time to respond, whose median is hours.
    let responded = |v: &Value| v["durations"]["respond"]["n"].as_i64().unwrap();
    assert!(responded(&after) > responded(&before), "{before} → {after}");
    let median = after["durations"]["respond"]["median_hours"].as_f64().unwrap();
    assert!((0.0..=720.0).contains(&median), "{after}");

    // The same figures as open data: a line per day, no ticket in it.
    let csv = app.get("/api/v1/open/dashboard.csv?category=01&channel=web").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("day,category,area,channel,created,"), "{csv}");
    let last: Vec<&str> = lines.last().unwrap().split(',').collect();
    assert_eq!((last[0], last[1], last[2], last[3]), (after["to"].as_str().unwrap(), "01", "", "web"));
    let later = today(&app, "category=01&channel=web").await;
    let (today_then, today_later) = (after["days"].as_array().unwrap(), later["days"].as_array().unwrap());
    let n: i64 = last[4].parse().unwrap();
    let day_created = |days: &Vec<Value>| days.last().unwrap()["created"].as_i64().unwrap();
    assert!(day_created(today_then) <= n && n <= day_created(today_later), "{csv}");
    assert!(!csv.contains(&no), "no tracking number in the open data");
    assert_eq!(after["days"].as_array().unwrap().last().unwrap()["key"], after["to"]);
    assert!(after["categories"].as_array().unwrap().iter().any(|c| c["category"] == "01"), "{after}");
    let all = today(&app, "").await;
    assert!(created(&all) >= created(&after), "all channels and categories hold the filtered ones");
    assert!(all["weeks"].as_array().is_some_and(|w| !w.is_empty()) && all["months"].is_array());

    for (query, field) in [
        ("from=2026-13-01", "from"),
        ("from=2020-01-01&to=2026-01-01", "from"),
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("category=1", "category"),
        ("area=a3.dongtang", "area"),
        ("channel=pigeon", "channel"),
    ] {
        let (status, body) = status_json(app.get(&format!("/api/v1/open/dashboard?{query}")).await).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["fields"][field].is_object(), "{query}: {body}");
    }
}

#[tokio::test]
async fn the_heat_map_never_shows_a_cell_under_the_minimum_and_refreshes_when_counts_change() {
    let app = spawn_app();
    let map = |query: &'static str| {
        let app = app.clone();
        async move {
            let (status, body) = status_json(app.get(&format!("/api/v1/open/heatmap?{query}")).await).await;
            assert_eq!(status, 200, "{query}: {body}");
            body
        }
    };
    // 商贸旅游 (11): no other test files requests in it, so its cells are this test's.
    let point = json!({ "lat": 28.1712, "lng": 112.9456, "address": "雨花区 商业街" });
    let cell = shared::heat::cell_of(shared::geo::LatLng { lat: 28.1712, lng: 112.9456 }, 6);
    let before = map("zoom=14&category=11").await;
    for _ in 0..5 {
        let mut body = valid_body();
        body["category"] = json!("11.01.01");
        body["location"] = point.clone();
        app.create(&body).await;
    }
    let after = map("zoom=14&category=11").await;
    assert_eq!(after["precision"], 6);
    let cells = after["cells"].as_array().unwrap();
    let min = after["min_count"].as_u64().unwrap();
    assert!(cells.iter().all(|c| c["n"].as_u64().unwrap() >= min), "{after}");
    let mine = cells.iter().find(|c| cell.starts_with(c["c"].as_str().unwrap())).expect("the new cell is on the map");
    let n = |m: &Value| {
        m["cells"].as_array().unwrap().iter().map(|c| c["n"].as_u64().unwrap()).sum::<u64>()
            + m["suppressed"].as_u64().unwrap()
    };
    assert_eq!(n(&after), n(&before) + 5, "published + suppressed counts every ticket: {before} → {after}");
    assert!(mine["n"].as_u64().unwrap() >= 5);

    // The city at a coarse zoom, and a year: never a cell under the minimum either.
    for query in ["zoom=9", "zoom=11&period=2026"] {
        let m = map(query).await;
        assert!(m["cells"].as_array().unwrap().iter().all(|c| c["n"].as_u64() >= m["min_count"].as_u64()), "{m}");
    }
    for (query, field) in [("zoom=30", "zoom"), ("category=x", "category"), ("period=2026-13", "period")] {
        let (status, body) = status_json(app.get(&format!("/api/v1/open/heatmap?{query}")).await).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["fields"][field].is_object(), "{query}: {body}");
    }
}
