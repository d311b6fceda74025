use crate::helpers::{spawn_app, status_json, unique_key, valid_body};
use serde_json::Value;
use shared::ids::TrackingNo;

#[tokio::test]
async fn a_valid_request_gets_a_tracking_number_and_a_token() {
    let app = spawn_app();
    let response = app.submit(Some(&unique_key()), &valid_body()).await;
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    let no = body["tracking_no"].as_str().unwrap();
    assert!(TrackingNo::parse(no).is_some(), "{no} is a valid tracking number");
    assert_eq!(location, format!("/api/v1/requests/{no}"));
    assert!(body["token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["status"], "submitted");

    let (status, view) = status_json(app.get_request(no, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["title"], "小区门口路灯不亮");
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["channel"], "web");
    assert_eq!(view["category"]["path"][2], "园林绿化环卫");
    assert_eq!(view["timeline"][0]["event"], "submitted");
}

#[tokio::test]
async fn tracking_numbers_are_unique_and_sequential_within_a_day() {
    let app = spawn_app();
    let mut numbers = Vec::new();
    for _ in 0..5 {
        numbers.push(app.create(&valid_body()).await.0);
    }
    let parsed: Vec<(String, u64)> = numbers
        .iter()
        .map(|n| {
            let (day, rest) = n.split_once('-').unwrap();
            (day.to_owned(), rest[..rest.len() - 1].parse().unwrap())
        })
        .collect();
    for pair in parsed.windows(2) {
        if pair[0].0 == pair[1].0 {
            assert!(pair[1].1 > pair[0].1, "{numbers:?} increase");
        }
    }
    let unique: std::collections::BTreeSet<_> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len());
}

#[tokio::test]
async fn a_replay_with_the_same_key_and_body_returns_the_same_ticket() {
    let app = spawn_app();
    let key = unique_key();
    let (first_status, first) = status_json(app.submit(Some(&key), &valid_body()).await).await;
    assert_eq!(first_status, 201);
    // The same JSON with other spacing and key order is the same body.
    let reordered = {
        let mut v = valid_body();
        let obj = v.as_object_mut().unwrap();
        let title = obj.remove("title").unwrap();
        obj.insert("title".into(), title);
        serde_json::to_string_pretty(&v).unwrap()
    };
    for body in [valid_body().to_string(), reordered] {
        let (status, again) = status_json(app.submit_raw(Some(&key), "application/json", body).await).await;
        assert_eq!(status, 200, "a replay is not a new ticket");
        assert_eq!(again["tracking_no"], first["tracking_no"]);
        assert_eq!(again["token"], first["token"], "a retry whose answer was lost still gets the token");
    }
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = spawn_app();
    let key = unique_key();
    assert_eq!(app.submit(Some(&key), &valid_body()).await.status().as_u16(), 201);
    let mut other = valid_body();
    other["title"] = "另一件事情的标题".into();
    let (status, body) = status_json(app.submit(Some(&key), &other).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn concurrent_retries_make_exactly_one_ticket() {
    let app = spawn_app();
    let key = unique_key();
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let (app, key) = (app.clone(), key.clone());
            tokio::spawn(async move { status_json(app.submit(Some(&key), &valid_body()).await).await })
        })
        .collect();
    let mut numbers = std::collections::BTreeSet::new();
    let mut created = 0;
    for handle in handles {
        let (status, body) = handle.await.unwrap();
        assert!(status == 201 || status == 200, "got {status}: {body}");
        created += usize::from(status == 201);
        numbers.insert(body["tracking_no"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "one 201, the rest replays");
    assert_eq!(numbers.len(), 1, "one ticket: {numbers:?}");
}

#[tokio::test]
async fn an_anonymous_request_keeps_no_contact() {
    let app = spawn_app();
    let mut body = valid_body();
    body["anonymous"] = true.into();
    body.as_object_mut().unwrap().remove("contact");
    let (no, token) = app.create(&body).await;
    let (status, view) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["view"], "private");
    assert_eq!(view["anonymous"], true);
    assert!(view.get("contact").is_none());
}
