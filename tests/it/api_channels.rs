//! 一网归集: channels registered by an admin send requests through one intake with their own
//! key, idempotently per their own id, within their rate, and hear back when the ticket moves.

use crate::helpers::{spawn_app, status_json, unique_key, valid_body, Staff, TestApp, CLOCKS};
use crate::receiver::Receiver;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

const SECRET: &str = "a-channel-secret-0123456789";

fn code() -> String {
    format!(
        "t-{}",
        unique_key().to_lowercase().chars().filter(char::is_ascii_alphanumeric).rev().take(10).collect::<String>()
    )
}

async fn channel(admin: &Staff, kind: &str, rate: u32, hook: Option<&Receiver>) -> (String, String) {
    let code = code();
    let mut body = json!({ "code": code, "name": "测试渠道", "kind": kind, "rate_per_minute": rate });
    if let Some(r) = hook {
        body["webhook_url"] = json!(r.url);
        body["webhook_secret"] = json!(SECRET);
    }
    let (status, created) = admin.post("/api/v1/admin/channels", &body).await;
    assert_eq!(status, 201, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("hych_") && key.len() == 37, "{created}");
    (code, key)
}

async fn intake(app: &TestApp, code: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = app.client.post(app.url(&format!("/api/v1/intake/{code}"))).json(body);
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    status_json(req.send().await.unwrap()).await
}

fn now() -> DateTime<Utc> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap()
}

#[tokio::test]
async fn admins_register_channels_field_by_field_and_keys_are_shown_once() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (code, key) = channel(&admin, "app", 60, None).await;
    let (status, listed) = admin.get("/api/v1/admin/channels").await;
    assert_eq!(status, 200, "{listed}");
    let mine = listed["channels"].as_array().unwrap().iter().find(|c| c["code"] == code.as_str()).cloned().unwrap();
    assert_eq!((mine["kind"].as_str(), mine["rate_per_minute"].as_u64()), (Some("app"), Some(60)));
    assert_eq!(mine["key_hint"].as_str(), Some(&key[..9]));
    assert!(!listed.to_string().contains(&key), "the key is never listed");

    let (status, body) = admin
        .post(
            "/api/v1/admin/channels",
            &json!({ "code": "Bad Code", "name": "", "kind": "web", "rate_per_minute": 0, "webhook_url": "ftp://x" }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    for field in ["code", "name", "kind", "rate_per_minute", "webhook_url", "webhook_secret"] {
        assert!(body["fields"][field].is_object(), "{field}: {body}");
    }
    let (status, body) =
        admin.post("/api/v1/admin/channels", &json!({ "code": code, "name": "又一个", "kind": "forum" })).await;
    assert_eq!((status, body["fields"]["code"]["code"].as_str()), (422, Some("taken")), "{body}");
    let dispatcher = app.login_demo("dispatcher").await;
    assert_eq!(dispatcher.get("/api/v1/admin/channels").await.0, 403);

    // A new key: the old one stops at once.
    let (status, rotated) = admin.post(&format!("/api/v1/admin/channels/{code}/key"), &json!({})).await;
    assert_eq!(status, 201, "{rotated}");
    let new_key = rotated["key"].as_str().unwrap();
    let body = json!({ "external_id": "k-1", "request": valid_body() });
    assert_eq!(intake(&app, &code, Some(&key), &body).await.0, 401);
    assert_eq!(intake(&app, &code, Some(new_key), &body).await.0, 201);
    // Paused: the key is known, the channel may not send.
    let (status, _) = admin
        .put(&format!("/api/v1/admin/channels/{code}"), &json!({ "name": "测试渠道", "kind": "app", "active": false }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        intake(&app, &code, Some(new_key), &json!({ "external_id": "k-2", "request": valid_body() })).await.0,
        403
    );
    let (status, audit) = admin.get("/api/v1/admin/audit?limit=500").await;
    assert_eq!(status, 200, "{audit}");
    let text = audit.to_string();
    assert!(text.contains("channel_key_rotated") && text.contains(&code), "the audit trail names the change");
    assert!(!text.contains(new_key) && !text.contains(&key), "keys never reach the audit trail");
}

#[tokio::test]
async fn intake_is_idempotent_per_channel_and_external_id_and_names_every_wrong_field() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (code, key) = channel(&admin, "hotline", 120, None).await;
    let (other, other_key) = channel(&admin, "forum", 120, None).await;
    let external_id = format!("工单-{}", unique_key());
    let body = json!({ "external_id": external_id, "request": valid_body() });
    let (status, first) = intake(&app, &code, Some(&key), &body).await;
    assert_eq!(status, 201, "{first}");
    let no = first["tracking_no"].as_str().unwrap();
    let (status, again) = intake(&app, &code, Some(&key), &body).await;
    assert_eq!((status, again["tracking_no"].as_str()), (200, Some(no)), "a replay answers the same ticket");
    // The same id from another channel is another request.
    let (status, theirs) = intake(&app, &other, Some(&other_key), &body).await;
    assert_eq!(status, 201, "{theirs}");
    assert_ne!(theirs["tracking_no"], first["tracking_no"]);
    // The same id with another body is refused, not a second ticket.
    let mut changed = body.clone();
    changed["request"]["title"] = json!("另一件事情的标题");
    let (status, refused) = intake(&app, &code, Some(&key), &changed).await;
    assert_eq!((status, refused["code"].as_str()), (422, Some("idempotency_key_reused")), "{refused}");

    // A channel's system retrying at once: one ticket, the rest replays.
    let body = json!({ "external_id": format!("burst-{}", unique_key()), "request": valid_body() });
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (app, code, key, body) = (app.clone(), code.clone(), key.clone(), body.clone());
            tokio::spawn(async move { intake(&app, &code, Some(&key), &body).await })
        })
        .collect();
    let (mut created, mut numbers) = (0, std::collections::BTreeSet::new());
    for handle in handles {
        let (status, answer) = handle.await.unwrap();
        assert!(status == 201 || status == 200, "got {status}: {answer}");
        created += usize::from(status == 201);
        numbers.insert(answer["tracking_no"].as_str().unwrap().to_owned());
    }
    assert_eq!((created, numbers.len()), (1, 1), "{numbers:?}");

    // Counted under the channel's kind, tracked like any request.
    let (status, public) = status_json(app.get(&format!("/api/v1/requests/{no}")).await).await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["channel"], "hotline");

    let (status, wrong) = intake(&app, &code, None, &json!({})).await;
    assert_eq!((status, wrong["code"].as_str()), (401, Some("unauthenticated")), "{wrong}");
    assert_eq!(intake(&app, &code, Some("hych_0000000000000000000000000000dead"), &body).await.0, 401);
    assert_eq!(intake(&app, &code, Some(&other_key), &body).await.0, 403, "another channel's key");
    let (status, named) = intake(&app, &code, Some(&key), &json!({ "request": { "title": "路灯" } })).await;
    assert_eq!(status, 422, "{named}");
    for field in ["external_id", "request.description", "request.category", "request.location"] {
        assert!(named["fields"][field].is_object(), "{field}: {named}");
    }
    let (status, named) = intake(&app, &code, Some(&key), &json!({ "external_id": "x-1", "request": {} })).await;
    assert_eq!(status, 422, "{named}");
    assert!(named["fields"]["request.title"].is_object(), "{named}");
    let (status, _) = intake(&app, &code, Some(&key), &json!({ "external_id": "x-1", "pigeon": 1 })).await;
    assert_eq!(status, 400, "unknown fields are malformed");
}

#[tokio::test]
async fn a_channel_over_its_rate_is_told_when_to_come_back() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (code, key) = channel(&admin, "app", 3, None).await;
    // Eight in a row: even split over two minutes, one minute holds four.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..8 {
        let body = json!({ "external_id": format!("r-{i}"), "request": valid_body() });
        let response = app
            .client
            .post(app.url(&format!("/api/v1/intake/{code}")))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status == 429 {
            retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["code"], "too_many_attempts", "{body}");
        }
        statuses.push(status);
    }
    assert_eq!(statuses[0], 201);
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 429), "{statuses:?}");
    let seconds: i64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=60).contains(&seconds));
}

#[tokio::test]
async fn the_channel_hears_signed_status_callbacks_as_the_ticket_moves() {
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let receiver = Receiver::start(0, 500).await;
    let (code, key) = channel(&admin, "app", 120, Some(&receiver)).await;
    let external_id = format!("cb-{}", unique_key());
    let (status, created) =
        intake(&app, &code, Some(&key), &json!({ "external_id": external_id, "request": valid_body() })).await;
    assert_eq!(status, 201, "{created}");
    let no = created["tracking_no"].as_str().unwrap().to_owned();
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;

    let t = now();
    let (status, body) = admin
        .post("/api/v1/admin/jobs/deliver", &json!({ "at": t.to_rfc3339_opts(SecondsFormat::Millis, true) }))
        .await;
    assert_eq!(status, 200, "{body}");
    let got = receiver.wait_for(1, std::time::Duration::from_secs(5)).await;
    let callback =
        got.iter().find(|r| String::from_utf8_lossy(&r.body).contains(&no)).expect("a callback for the ticket");
    assert_eq!(Receiver::header(callback, "x-huiyin-event").as_deref(), Some("ticket.status"));
    let signature = Receiver::header(callback, "x-huiyin-signature").unwrap();
    shared::webhook::verify(SECRET.as_bytes(), &signature, &callback.body, t.timestamp(), 300).expect("signed");
    let payload: Value = serde_json::from_slice(&callback.body).unwrap();
    assert_eq!(
        (payload["channel"].as_str(), payload["external_id"].as_str(), payload["status"].as_str()),
        (Some(code.as_str()), Some(external_id.as_str()), Some("dispatched")),
        "{payload}"
    );
    assert!(!String::from_utf8_lossy(&callback.body).contains("13912345678"), "no reporter data in callbacks");
}
