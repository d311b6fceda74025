//! The OpenAPI document: served as generated from the `shared` types, listing every `/api/v1` route,
//! and describing what the running API really answers.

use crate::helpers::{spawn_app, status_json, unique_key, valid_body, TestApp};
use serde_json::{json, Value};
use shared::auth::ROUTES;

async fn served(app: &TestApp) -> Value {
    let (status, doc) = status_json(app.get("/api/v1/openapi.json").await).await;
    assert_eq!(status, 200, "{doc}");
    doc
}

/// Validates against the schema at `path` inside the document, so its `$ref`s resolve there.
fn check(doc: &Value, path: &[&str], instance: &Value) {
    let errors = errors(doc, path, instance);
    assert!(errors.is_empty(), "{path:?}: {errors:#?}\n{instance:#}");
}

fn errors(doc: &Value, path: &[&str], instance: &Value) -> Vec<String> {
    let pointer: String = path.iter().map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1"))).collect();
    assert!(doc.pointer(&pointer).is_some(), "no schema at {pointer}");
    let mut root = doc.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    // A URI fragment: the path templates' braces must be percent-encoded.
    root["$ref"] = json!(format!("#{}", pointer.replace('{', "%7B").replace('}', "%7D")));
    let validator = jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{pointer}: {e}"));
    validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn response_schema<'a>(path: &'a str, method: &'a str, status: &'a str) -> [&'a str; 8] {
    ["paths", path, method, "responses", status, "content", "application/json", "schema"]
}

#[tokio::test]
async fn the_served_document_is_the_generated_one_and_lists_every_route() {
    let app = spawn_app();
    let doc = served(&app).await;
    assert_eq!(doc, shared::openapi::document(&format!("{}/", app.address.trim_end_matches('/'))));
    assert_eq!(doc["openapi"], "3.1.0");
    for route in ROUTES.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let (path, _) = shared::openapi::openapi_path(route.path);
        let method = route.method.as_str().to_lowercase();
        assert!(doc["paths"][&path][&method].is_object(), "{method} {path} is not in the document");
    }
}

#[tokio::test]
async fn live_answers_match_their_schemas() {
    let app = spawn_app();
    let doc = served(&app).await;

    let (status, created) = status_json(app.submit(Some(&unique_key()), &valid_body()).await).await;
    assert_eq!(status, 201, "{created}");
    check(&doc, &response_schema("/api/v1/requests", "post", "201"), &created);
    // The check has teeth: a body off its schema is refused through the `$ref`s.
    let mut wrong = created.clone();
    wrong["status"] = json!("no_such_status");
    assert!(!errors(&doc, &response_schema("/api/v1/requests", "post", "201"), &wrong).is_empty());
    let no = created["tracking_no"].as_str().unwrap();
    let token = created["token"].as_str().unwrap();

    let track = "/api/v1/requests/{tracking_no}";
    for token in [None, Some(token)] {
        let (status, view) = status_json(app.get_request(no, token).await).await;
        assert_eq!(status, 200, "{view}");
        check(&doc, &response_schema(track, "get", "200"), &view);
    }
    let (status, missing) = status_json(app.get_request("20260101-0000000", None).await).await;
    assert_eq!(status, 404, "{missing}");
    check(&doc, &response_schema(track, "get", "404"), &missing);

    let (status, invalid) = status_json(app.submit(Some(&unique_key()), &json!({})).await).await;
    assert_eq!(status, 422, "{invalid}");
    check(&doc, &response_schema("/api/v1/requests", "post", "422"), &invalid);

    for path in ["/api/v1/config", "/api/v1/categories"] {
        let (status, body) = status_json(app.get(path).await).await;
        assert_eq!(status, 200, "{body}");
        check(&doc, &response_schema(path, "get", "200"), &body);
    }
}

#[tokio::test]
async fn channel_answers_match_their_schemas() {
    let app = spawn_app();
    let doc = served(&app).await;
    let admin = app.login_demo("admin").await;
    let code = format!(
        "oa-{}",
        unique_key().to_lowercase().chars().filter(char::is_ascii_alphanumeric).rev().take(10).collect::<String>()
    );
    let channels = "/api/v1/admin/channels";
    let (status, key) =
        admin.post(channels, &json!({ "code": code, "name": "文档渠道", "kind": "app", "rate_per_minute": 60 })).await;
    assert_eq!(status, 201, "{key}");
    check(&doc, &response_schema(channels, "post", "201"), &key);
    let (status, listed) = admin.get(channels).await;
    assert_eq!(status, 200, "{listed}");
    check(&doc, &response_schema(channels, "get", "200"), &listed);

    let intake = "/api/v1/intake/{channel}";
    let body = json!({ "external_id": "doc-1", "request": valid_body() });
    check(&doc, &["paths", intake, "post", "requestBody", "content", "application/json", "schema"], &body);
    let send = |body: &Value, key: Option<&str>| {
        let mut req = app.client.post(app.url(&format!("/api/v1/intake/{code}"))).json(body);
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        req.send()
    };
    let (status, created) = status_json(send(&body, key["key"].as_str()).await.unwrap()).await;
    assert_eq!(status, 201, "{created}");
    check(&doc, &response_schema(intake, "post", "201"), &created);
    let (status, replay) = status_json(send(&body, key["key"].as_str()).await.unwrap()).await;
    assert_eq!(status, 200, "{replay}");
    check(&doc, &response_schema(intake, "post", "200"), &replay);
    let (status, refused) = status_json(send(&body, None).await.unwrap()).await;
    assert_eq!(status, 401, "{refused}");
    check(&doc, &response_schema(intake, "post", "401"), &refused);
}
