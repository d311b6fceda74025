//! "Already reported nearby — follow it": the form's suggestion of open requests of the same
//! family close by (public, coarse), and "me too" (idempotent, counted as a repeat, public,
//! carried by merges, the follower reading the public view).
//!
//! Every test works at a point of its own (random in a corner of the demo city, in the cell
//! centre of the public grid) and with the 城乡规划 family that no other test files under,
//! so requests of other tests and runs never crowd its answers.

use crate::helpers::{import_ndjson, spawn_app, status_json, unique_key, valid_body, Staff, TestApp, CLOCKS};
use chrono::{Duration, FixedOffset, Utc};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Tests that read the suggestion with its default radius and period, or change them.
pub static NEARBY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A fresh point: the centre of a ~100 m public cell somewhere in the city's south-east.
pub fn fresh_spot() -> (f64, f64) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let n = nanos ^ (u128::from(std::process::id()) << 20) ^ (unique_key().len() as u128);
    let cell = |v: u128, span: u128| (v % span) as f64 * 0.001 + 0.0005;
    (27.90 + cell(n / 7, 80), 113.08 + cell(n / 1009, 120))
}

/// A word unique to one test run that the public masking leaves alone (digits would be masked).
pub fn word_tag() -> String {
    unique_key().chars().filter(char::is_ascii_digit).map(|d| char::from(b'a' + (d as u8 - b'0'))).collect()
}

/// `metres` due north of `p` (the same public column, so bands are predictable).
pub fn north_of(p: (f64, f64), metres: f64) -> (f64, f64) {
    (p.0 + (metres / EARTH_RADIUS_M).to_degrees(), p.1)
}

pub fn body_at(p: (f64, f64), category: &str, title: &str) -> Value {
    let mut body = valid_body();
    body["title"] = json!(title);
    body["category"] = json!(category);
    body["location"] = json!({ "lat": p.0, "lng": p.1, "address": "规划路 8 号" });
    body
}

/// Put the suggestion's settings (`{}`: the defaults), keeping what other tests set beside them.
pub async fn set_nearby(admin: &Staff, nearby: Value) -> (u16, Value) {
    let (_, current) = admin.get("/api/v1/admin/settings/casework").await;
    let body = json!({
        "dispute_window_hours": current["disputes"]["window_hours"],
        "duplicates": current["duplicates"],
        "nearby": nearby,
    });
    admin.put("/api/v1/admin/settings/casework", &body).await
}

async fn nearby(app: &TestApp, category: &str, p: (f64, f64)) -> (u16, Value) {
    status_json(app.get(&format!("/api/v1/nearby?category={category}&lat={}&lng={}", p.0, p.1)).await).await
}

/// The suggested items that are this test's (by a tag in the title).
fn mine<'a>(answer: &'a Value, tag: &str) -> Vec<&'a Value> {
    answer["items"].as_array().unwrap().iter().filter(|i| i["title"].as_str().unwrap_or("").contains(tag)).collect()
}

async fn me_too(app: &TestApp, no: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = app.client.post(app.url(&format!("/api/v1/requests/{no}/me-too"))).json(body);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    status_json(req.send().await.unwrap()).await
}

/// Local time in the demo city, as the import takes it.
fn local(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[tokio::test]
async fn nearby_lists_open_requests_of_the_family_in_radius_and_period_nearest_first_and_public_only() {
    let _nearby = NEARBY.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    // A failed run of the settings test may have left others.
    assert_eq!(set_nearby(&admin, json!({})).await.0, 200);
    let p = fresh_spot();
    let tag = word_tag();
    let t = |name: &str| format!("{name} 违章搭建 {tag}");

    let (here, _) = app.create(&body_at(p, "01.03.02", &format!("{} 电话13912345678", t("here")))).await;
    let (two_hundred, _) = app.create(&body_at(north_of(p, 200.0), "01.03.04", &t("north200"))).await;
    let (far, _) = app.create(&body_at(north_of(p, 600.0), "01.03.02", &t("north600"))).await;
    let (other_family, _) = app.create(&body_at(p, "01.04.01", &t("other-family"))).await;
    let (merged, _) = app.create(&body_at(p, "01.03.02", &t("merged"))).await;
    let (status, _) = dispatcher.act_merge(&merged, &here).await;
    assert_eq!(status, 200);
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let now = chrono::DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap();
    let row = |name: &str, created: chrono::DateTime<Utc>, closed: Option<chrono::DateTime<Utc>>| {
        let mut r = json!({
            "external_id": unique_key(), "title": t(name), "description": "楼顶违章搭建的板房，一直没有拆除。",
            "category": "01.03.02", "created_at": local(created), "lat": p.0, "lng": p.1,
        });
        if let Some(closed) = closed {
            r["closed_at"] = json!(local(closed));
        }
        r
    };
    let report = import_ndjson(
        &admin,
        &[
            row("old", now - Duration::days(31), None),
            row("closed", now - Duration::days(2), Some(now - Duration::days(1))),
        ],
    )
    .await;
    assert_eq!(report["imported"], 2, "{report}");

    let (status, answer) = nearby(&app, "01.03.02", p).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!((answer["radius_m"].as_u64(), answer["days"].as_u64()), (Some(300), Some(30)));
    let found: Vec<&str> = mine(&answer, &tag).iter().map(|i| i["tracking_no"].as_str().unwrap()).collect();
    // Same family only (01.03.x), open, within 300 m and 30 days; the merged one counts on its master.
    assert_eq!(found, vec![here.as_str(), two_hundred.as_str()], "{answer}");
    let items = mine(&answer, &tag);
    assert_eq!(items[0]["distance"], "lt_100");
    assert_eq!(items[1]["distance"], "100_300");
    assert_eq!(items[0]["status"], "submitted");
    assert_eq!(items[0]["category"]["code"], "01.03.02");
    assert!(items[0]["category"]["path"].as_array().unwrap().len() == 3);

    // Public-safe only: no contact, address or exact point, and no exact distance.
    let keys: BTreeSet<&str> = items[1].as_object().unwrap().keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "tracking_no",
        "title",
        "category",
        "status",
        "approximate_location",
        "created_at",
        "me_too_count",
        "distance",
    ]
    .into();
    assert_eq!(keys, expected);
    let text = answer.to_string();
    for secret in ["王小明", "13912345678", "wang.xm@example.cn", "规划路"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let exact = north_of(p, 200.0);
    assert!(!text.contains(&format!("{:.6}", exact.0)), "exact latitude leaked");
    assert_ne!(items[1]["approximate_location"]["lat"].as_f64().unwrap(), exact.0);

    // The family is the rule, not the leaf: from 01.03.04 the same two show; from 01.04.01 neither.
    let (_, from_sibling) = nearby(&app, "01.03.04", p).await;
    assert_eq!(mine(&from_sibling, &tag).len(), 2);
    let (_, other) = nearby(&app, "01.04.01", p).await;
    let other: Vec<&str> = mine(&other, &tag).iter().map(|i| i["tracking_no"].as_str().unwrap()).collect();
    assert_eq!(other, vec![other_family.as_str()]);
    // Far from everything: nothing of ours.
    let (_, away) = nearby(&app, "01.03.02", north_of(p, 2000.0)).await;
    assert!(mine(&away, &tag).is_empty(), "{away}");
    let (_, from_far) = nearby(&app, "01.03.02", north_of(p, 600.0)).await;
    assert!(mine(&from_far, &tag).iter().any(|i| i["tracking_no"] == far.as_str()));
}

#[tokio::test]
async fn nearby_refuses_bad_queries_naming_the_field() {
    let app = spawn_app();
    let (status, body) = status_json(app.get("/api/v1/nearby").await).await;
    assert_eq!(status, 422, "{body}");
    for field in ["category", "lat", "lng"] {
        assert_eq!(body["fields"][field]["code"], "required", "{field}: {body}");
    }
    let (status, body) = status_json(app.get("/api/v1/nearby?category=99.99.99&lat=north&lng=500").await).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"]["category"]["code"], "unknown_category");
    assert_eq!(body["fields"]["lat"]["code"], "invalid_format");
    assert_eq!(body["fields"]["lng"]["code"], "out_of_range");
    // Beijing is not in the demo city.
    let (status, body) = nearby(&app, "01.03.02", (39.9, 116.4)).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"]["lat"]["code"], "outside_service_area");
}

#[tokio::test]
async fn me_too_is_idempotent_counted_public_and_safe_under_concurrent_retries() {
    let app = spawn_app();
    let p = fresh_spot();
    let (no, reporter_token) = app.create(&body_at(p, "01.03.02", "楼顶违章搭建")).await;
    let path = format!("/api/v1/requests/{no}/me-too");

    // The key is required and checked.
    let (status, body) = me_too(&app, &no, None, &json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["Idempotency-Key"].is_object(), "{body}");
    let (status, _) = me_too(&app, &no, Some("short"), &json!({})).await;
    assert_eq!(status, 400);

    let key = unique_key();
    let (status, first) = me_too(&app, &no, Some(&key), &json!({})).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["tracking_no"], no.as_str());
    assert_eq!(first["me_too_count"], 1);
    let token = first["token"].as_str().unwrap().to_owned();
    assert_ne!(token, reporter_token);
    // A retry is the same follower; another body under the key is refused.
    let (status, again) = me_too(&app, &no, Some(&key), &json!({})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!((again["token"].as_str(), again["me_too_count"].as_u64()), (Some(token.as_str()), Some(1)));
    let (status, reused) = me_too(&app, &no, Some(&key), &json!({ "lang": "en" })).await;
    assert_eq!((status, reused["code"].as_str()), (422, Some("idempotency_key_reused")), "{reused}");
    let (other, _) = app.create(&body_at(p, "01.03.02", "另一处违章搭建")).await;
    let (status, _) = me_too(&app, &other, Some(&key), &json!({})).await;
    assert_eq!(status, 422, "one key never follows two requests");
    let (status, body) = me_too(&app, &no, Some(&unique_key()), &json!({ "lang": "fr" })).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"]["lang"]["code"], "unknown_value");
    let (status, _) = me_too(&app, &no, Some(&unique_key()), &json!({ "photo": 1 })).await;
    assert_eq!(status, 400, "unknown fields are refused");
    let (status, _) = me_too(&app, "20200101-0000000", Some(&unique_key()), &json!({})).await;
    assert_eq!(status, 404);

    // Eight concurrent calls under one new key: one follower, one count.
    let key = unique_key();
    let calls = (0..8).map(|_| {
        let (app, no, key) = (app.clone(), no.clone(), key.clone());
        tokio::spawn(async move { me_too(&app, &no, Some(&key), &json!({ "lang": "zh-Hans" })).await })
    });
    let calls: Vec<_> = calls.collect();
    let mut answers: Vec<(u16, Value)> = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap());
    }
    assert!(answers.iter().all(|(s, _)| *s == 200 || *s == 201), "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == 201).count(), 1, "{answers:?}");
    let tokens: BTreeSet<&str> = answers.iter().map(|(_, b)| b["token"].as_str().unwrap()).collect();
    assert_eq!(tokens.len(), 1);
    let second_token = tokens.into_iter().next().unwrap().to_owned();

    // The public view counts them; the timeline says so.
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert_eq!(public["me_too_count"], 2, "{public}");
    assert_eq!(public["following"], false);
    let counts: Vec<u64> = public["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "me_too")
        .map(|e| e["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![1, 2]);
    let (_, listed) = nearby(&app, "01.03.02", p).await;
    let item = listed["items"].as_array().unwrap().iter().find(|i| i["tracking_no"] == no.as_str()).cloned();
    assert_eq!(item.expect("suggested")["me_too_count"], 2);

    // A follower's token reads the public view, marked; never the reporter's data.
    for t in [&token, &second_token] {
        let (status, view) = status_json(app.get_request(&no, Some(t)).await).await;
        assert_eq!(status, 200, "{view}");
        assert_eq!((view["view"].as_str(), view["following"].as_bool()), (Some("public"), Some(true)));
        for private in ["contact", "original_description", "location", "address", "follow_up_until"] {
            assert!(view.get(private).is_none(), "{private} shown to a follower");
        }
        assert!(!view.to_string().contains("王小明") && !view.to_string().contains("13912345678"));
    }
    let (status, _) = status_json(app.get(&format!("/api/v1/requests/{no}?token={token}")).await).await;
    assert_eq!(status, 200, "as a link parameter too");
    // The reporter still reads the private view; a follower's token opens no other request.
    let (_, private) = status_json(app.get_request(&no, Some(&reporter_token)).await).await;
    assert_eq!((private["view"].as_str(), private["following"].as_bool()), (Some("private"), Some(false)));
    assert_eq!(status_json(app.get_request(&other, Some(&token)).await).await.0, 403);
    let (status, _) = status_json(app.client.post(app.url(&path)).json(&json!({})).send().await.unwrap()).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_merged_request_takes_no_me_too_and_a_merge_carries_me_toos_and_followers_to_the_master() {
    // The ladder's thresholds are settings other tests change.
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let p = fresh_spot();
    let (master, _) = app.create(&body_at(p, "01.03.02", "楼顶违章搭建的板房")).await;
    dispatcher.dispatch_to(&master, "city.urban-management", &[]).await;
    let (duplicate, _) = app.create(&body_at(p, "01.03.02", "楼顶违章搭建的板房没人管")).await;
    for _ in 0..2 {
        assert_eq!(me_too(&app, &master, Some(&unique_key()), &json!({})).await.0, 201);
    }
    let (status, followed) = me_too(&app, &duplicate, Some(&unique_key()), &json!({})).await;
    assert_eq!(status, 201);
    let follower = followed["token"].as_str().unwrap().to_owned();

    let (status, merged) = dispatcher.act_merge(&duplicate, &master).await;
    assert_eq!(status, 200, "{merged}");
    // One merged report and three citizens who said "me too".
    assert_eq!(merged["repeat_count"], 4, "{merged}");
    let (_, public) = status_json(app.get_request(&master, None).await).await;
    assert_eq!(public["me_too_count"], 3, "{public}");
    assert!(public["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "duplicate_merged" && e["repeat_count"] == 4));

    // The duplicate's follower now follows the master, from either number.
    for no in [&master, &duplicate] {
        let (status, view) = status_json(app.get_request(no, Some(&follower)).await).await;
        assert_eq!(status, 200, "{view}");
        assert_eq!((view["view"].as_str(), view["following"].as_bool()), (Some("public"), Some(true)), "{no}");
    }
    let (_, dup_view) = status_json(app.get_request(&duplicate, Some(&follower)).await).await;
    assert_eq!(dup_view["master"]["tracking_no"], master.as_str());
    assert_eq!(dup_view["master"]["me_too_count"], 3);

    // Merged is final: no more followers there.
    let (status, refused) = me_too(&app, &duplicate, Some(&unique_key()), &json!({})).await;
    assert_eq!((status, refused["code"].as_str()), (409, Some("request_not_open")), "{refused}");
    // A later merge into the master recounts and keeps the me-toos.
    let (third, _) = app.create(&body_at(p, "01.03.02", "违章搭建板房")).await;
    let (status, merged) = dispatcher.act_merge(&third, &master).await;
    assert_eq!(status, 200);
    assert_eq!(merged["repeat_count"], 5, "{merged}");
    // What the ladder reads is the stored count, me-toos included: 5 repeats list the case.
    let (_, ladder) = admin.get("/api/v1/admin/settings/ladder").await;
    assert_eq!(ladder["list_repeat_at"], 5, "the default threshold: {ladder}");
    let (status, body) = admin.post("/api/v1/admin/jobs/supervise", &json!({ "tracking_no": master })).await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = status_json(app.get("/api/v1/listed").await).await;
    let case = listed["items"].as_array().unwrap().iter().find(|c| c["tracking_no"] == master.as_str()).cloned();
    assert_eq!(case.expect("listed on 2 merged reports and 3 me-toos")["reason"], "repeated");
}

#[tokio::test]
async fn me_toos_are_repeats_the_ladder_lists_at_its_threshold() {
    // The ladder's thresholds are settings other tests change.
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let (_, ladder) = admin.get("/api/v1/admin/settings/ladder").await;
    let threshold = ladder["list_repeat_at"].as_u64().unwrap_or(5);
    let (no, _) = app.create(&body_at(fresh_spot(), "01.03.02", "违章建筑占用消防通道")).await;
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
    let supervise = || async {
        let (status, body) = admin.post("/api/v1/admin/jobs/supervise", &json!({ "tracking_no": no })).await;
        assert_eq!(status, 200, "{body}");
    };
    let listed = || async {
        let (_, listed) = status_json(app.get("/api/v1/listed").await).await;
        listed["items"].as_array().unwrap().iter().find(|c| c["tracking_no"] == no.as_str()).cloned()
    };
    for _ in 1..threshold {
        assert_eq!(me_too(&app, &no, Some(&unique_key()), &json!({})).await.0, 201);
    }
    supervise().await;
    assert!(listed().await.is_none(), "one short of the threshold");
    assert_eq!(me_too(&app, &no, Some(&unique_key()), &json!({})).await.0, 201);
    supervise().await;
    let case = listed().await.expect("listed once the me-toos reach the threshold");
    assert_eq!(case["reason"], "repeated");
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert_eq!((public["listed"].as_bool(), public["me_too_count"].as_u64()), (Some(true), Some(threshold)));
}

#[tokio::test]
async fn the_suggestion_settings_are_checked_by_field_and_used() {
    let _nearby = NEARBY.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (status, refused) = admin
        .put("/api/v1/admin/settings/casework", &json!({ "nearby": { "radius_m": 5000, "days": 0, "max_items": 0 } }))
        .await;
    assert_eq!(status, 422, "{refused}");
    for field in ["nearby.radius_m", "nearby.days", "nearby.max_items"] {
        assert_eq!(refused["fields"][field]["code"], "out_of_range", "{field}: {refused}");
    }
    assert_eq!(set_nearby(&admin, json!({})).await.0, 200);
    let p = fresh_spot();
    let tag = word_tag();
    let (far, _) = app.create(&body_at(north_of(p, 600.0), "01.03.02", &format!("违章搭建 {tag}"))).await;
    let (_, before) = nearby(&app, "01.03.02", p).await;
    assert!(mine(&before, &tag).is_empty());

    let (status, saved) = set_nearby(&admin, json!({ "radius_m": 1000, "max_items": 20 })).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["nearby"], json!({ "radius_m": 1000, "days": 30, "max_items": 20 }));
    let (_, wider) = nearby(&app, "01.03.02", p).await;
    let items = mine(&wider, &tag);
    assert_eq!(items.len(), 1, "{wider}");
    assert_eq!(
        (items[0]["tracking_no"].as_str(), items[0]["distance"].as_str()),
        (Some(far.as_str()), Some("500_1000"))
    );
    assert_eq!(set_nearby(&admin, json!({})).await.0, 200);
    let (_, after) = nearby(&app, "01.03.02", p).await;
    assert!(mine(&after, &tag).is_empty());
}
