//! Bad input: a clear error naming the field, the right status, and nothing written.

use crate::helpers::{spawn_app, status_json, unique_key, valid_body};
use serde_json::{json, Value};

fn with(path: &[&str], value: Value) -> Value {
    let mut body = valid_body();
    let mut at = &mut body;
    for key in &path[..path.len() - 1] {
        at = &mut at[*key];
    }
    at[path[path.len() - 1]] = value;
    body
}

fn without(key: &str) -> Value {
    let mut body = valid_body();
    body.as_object_mut().unwrap().remove(key);
    body
}

#[tokio::test]
async fn every_invalid_field_is_named_with_its_code() {
    let app = spawn_app();
    let cases: Vec<(Value, &str, &str)> = vec![
        (without("title"), "title", "required"),
        (with(&["title"], json!("   ")), "title", "required"),
        (with(&["title"], json!("路灯")), "title", "too_short"),
        (with(&["title"], json!("长".repeat(101))), "title", "too_long"),
        (without("description"), "description", "required"),
        (with(&["description"], json!("太短了")), "description", "too_short"),
        (with(&["description"], json!("字".repeat(4001))), "description", "too_long"),
        (without("category"), "category", "required"),
        (with(&["category"], json!("99.99.99")), "category", "unknown_category"),
        (with(&["category"], json!("01.02")), "category", "not_leaf_category"),
        (without("location"), "location", "required"),
        (with(&["location", "lat"], json!(95.0)), "location.lat", "out_of_range"),
        (with(&["location", "lng"], Value::Null), "location.lng", "required"),
        (with(&["location", "lat"], json!(39.9)), "location", "outside_service_area"),
        (with(&["location", "address"], json!("址".repeat(201))), "location.address", "too_long"),
        (with(&["contact", "phone"], json!("call me")), "contact.phone", "invalid_format"),
        (with(&["contact", "email"], json!("wang@")), "contact.email", "invalid_format"),
        (with(&["contact", "name"], json!("名".repeat(51))), "contact.name", "too_long"),
        (with(&["anonymous"], json!(true)), "contact", "not_allowed_when_anonymous"),
        (with(&["kind"], json!("government")), "kind", "unknown_value"),
    ];
    for (body, field, code) in cases {
        let key = unique_key();
        let (status, error) = status_json(app.submit(Some(&key), &body).await).await;
        assert_eq!(status, 422, "{field}: {error}");
        assert_eq!(error["code"], "validation_failed");
        assert_eq!(error["fields"][field]["code"], code, "{field}: {error}");
        assert_eq!(error["fields"].as_object().unwrap().len(), 1, "only {field} is wrong: {error}");
        // Nothing was written: the key is still free for a valid body.
        assert_eq!(app.submit(Some(&key), &valid_body()).await.status().as_u16(), 201, "{field}");
    }
}

#[tokio::test]
async fn an_empty_object_lists_every_required_field() {
    let app = spawn_app();
    let (status, error) = status_json(app.submit(Some(&unique_key()), &json!({})).await).await;
    assert_eq!(status, 422);
    for field in ["title", "description", "category", "location"] {
        assert_eq!(error["fields"][field]["code"], "required", "{field}");
    }
}

#[tokio::test]
async fn malformed_bodies_are_400_and_name_the_field() {
    let app = spawn_app();
    let cases: Vec<(String, Option<&str>)> = vec![
        ("{not json".into(), None),
        (with(&["location", "lat"], json!("north")).to_string(), Some("location.lat")),
        (with(&["anonymous"], json!("yes")).to_string(), Some("anonymous")),
        (with(&["priority"], json!("high")).to_string(), Some("priority")),
        ("[]".into(), None),
    ];
    for (body, field) in cases {
        let (status, error) =
            status_json(app.submit_raw(Some(&unique_key()), "application/json", body.clone()).await).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error["code"], "malformed_body");
        if let Some(field) = field {
            let named = error["fields"].get(field).is_some() || error["message"].as_str().unwrap().contains(field);
            assert!(named, "{field} is named in {error}");
        }
    }
}

#[tokio::test]
async fn the_idempotency_key_is_required_and_checked() {
    let app = spawn_app();
    let (status, error) = status_json(app.submit(None, &valid_body()).await).await;
    assert_eq!(status, 400);
    assert_eq!(error["code"], "missing_header");
    assert_eq!(error["fields"]["Idempotency-Key"]["code"], "required");

    let (status, error) = status_json(app.submit(Some("short"), &valid_body()).await).await;
    assert_eq!(status, 400);
    assert_eq!(error["fields"]["Idempotency-Key"]["code"], "invalid_format");
}

#[tokio::test]
async fn wrong_media_type_and_oversized_bodies_are_refused() {
    let app = spawn_app();
    let response = app.submit_raw(Some(&unique_key()), "text/plain", valid_body().to_string()).await;
    let (status, error) = status_json(response).await;
    assert_eq!(status, 415);
    assert_eq!(error["code"], "unsupported_media_type");

    let mut huge = valid_body();
    huge["description"] = "字".repeat(30_000).into();
    let (status, error) = status_json(app.submit(Some(&unique_key()), &huge).await).await;
    assert_eq!(status, 413);
    assert_eq!(error["code"], "payload_too_large");
}
