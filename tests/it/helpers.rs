//! `spawn_app`: the stack under test and small helpers to talk to it.

use reqwest::Response;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone)]
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
}

/// The stack `cargo xtask test` started (a throw-away D1 on a free port).
pub fn spawn_app() -> TestApp {
    let address = std::env::var("HUIYIN_TEST_URL")
        .expect("HUIYIN_TEST_URL is not set: run the integration tests with `cargo xtask test`");
    TestApp { address, client: reqwest::Client::new() }
}

/// A fresh Idempotency-Key, unique across tests and runs.
pub fn unique_key() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("test-{}-{nanos}-{n}", std::process::id())
}

/// A request that passes every check.
pub fn valid_body() -> Value {
    json!({
        "title": "小区门口路灯不亮",
        "description": "芙蓉路小区南门的路灯已经坏了两周，晚上很黑，老人出行不便。",
        "category": "01.02.01",
        "location": { "lat": 28.203456, "lng": 112.981234, "address": "芙蓉路 12 号 3 栋" },
        "contact": { "name": "王小明", "phone": "13912345678", "email": "wang.xm@example.cn" },
        "anonymous": false,
        "kind": "citizen"
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn submit(&self, key: Option<&str>, body: &Value) -> Response {
        self.submit_raw(key, "application/json", body.to_string()).await
    }

    pub async fn submit_raw(&self, key: Option<&str>, content_type: &str, body: String) -> Response {
        let mut req = self.client.post(self.url("/api/v1/requests")).header("Content-Type", content_type).body(body);
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        req.send().await.expect("the stack answers")
    }

    /// Submit a valid request; returns (tracking_no, token).
    pub async fn create(&self, body: &Value) -> (String, String) {
        let response = self.submit(Some(&unique_key()), body).await;
        assert_eq!(response.status().as_u16(), 201);
        let created: Value = response.json().await.expect("json");
        (
            created["tracking_no"].as_str().expect("tracking_no").to_owned(),
            created["token"].as_str().expect("token").to_owned(),
        )
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("the stack answers")
    }

    pub async fn get_request(&self, tracking_no: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(&format!("/api/v1/requests/{tracking_no}")));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("the stack answers")
    }
}

/// Status and JSON body of a response.
pub async fn status_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.expect("a JSON body");
    (status, body)
}
