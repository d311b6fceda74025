//! `spawn_app`: the stack under test and small helpers to talk to it.

use reqwest::Response;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Held by tests that retrain the classifier or change the auto-dispatch threshold: both are
/// global to the stack, and a test that reasons about exact confidences must not see another
/// test change them half-way.
pub static CLASSIFIER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Held by tests that change the SLA table, the calendar or the ladder's thresholds, or that
/// reason about exact deadlines those settings produce.
pub static CLOCKS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Held by tests that change the evaluation settings (what an unresolved complaint leads to).
pub static EVALUATION: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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

/// A client address of its own (198.18.0.0/15, the benchmarking range) for the per-address
/// limits, unique across tests and, by the clock, across runs on one stack.
pub fn fresh_address() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let salt = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u32;
    let x = salt.wrapping_mul(2_654_435_761).wrapping_add(n);
    format!("198.{}.{}.{}", 18 + (x >> 24) % 2, (x >> 16) & 0xff, (x & 0xff).max(1))
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

/// The demo organisation `cargo xtask test` seeds (xtask/data/demo-org.json).
pub fn demo_org() -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../xtask/data/demo-org.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("demo-org.json")).expect("valid JSON")
}

pub fn demo_password() -> String {
    demo_org()["password"].as_str().expect("password").to_owned()
}

/// A signed-in staff member: the session cookie and its CSRF token.
#[derive(Clone)]
pub struct Staff {
    pub app: TestApp,
    pub cookie: String,
    pub csrf: String,
    pub user: Value,
}

impl TestApp {
    /// Each sign-in from an address of its own: the suite's deliberate failures must not add up
    /// to the per-address throttle (its own test sends from one address on purpose).
    pub async fn login_raw(&self, username: &str, password: &str) -> Response {
        send_past_workerd_503(|| {
            self.client
                .post(self.url("/api/v1/auth/login"))
                .header("CF-Connecting-IP", fresh_address())
                .json(&json!({ "username": username, "password": password }))
        })
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Staff {
        let response = self.login_raw(username, password).await;
        assert_eq!(response.status().as_u16(), 200, "signing in as {username}");
        let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let body: Value = response.json().await.unwrap();
        Staff {
            app: self.clone(),
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_owned(),
            user: body["user"].clone(),
        }
    }

    /// Sign in as one of the seeded demo accounts.
    pub async fn login_demo(&self, username: &str) -> Staff {
        self.login(username, &demo_password()).await
    }
}

impl Staff {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .client
            .request(method, self.app.url(path))
            .header("Cookie", &self.cookie)
            .header("X-CSRF-Token", &self.csrf)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        status_json(self.request(reqwest::Method::GET, path).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        status_json_or_null(self.request(reqwest::Method::POST, path).json(body).send().await.unwrap()).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        status_json_or_null(self.request(reqwest::Method::PUT, path).json(body).send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        status_json_or_null(self.request(reqwest::Method::DELETE, path).send().await.unwrap()).await
    }

    /// The ticket's current version, read as this member sees it.
    pub async fn version_of(&self, no: &str) -> i64 {
        let (status, t) = self.get(&format!("/api/v1/tickets/{no}")).await;
        assert_eq!(status, 200, "{t}");
        t["version"].as_i64().unwrap()
    }

    /// Dispatch (or re-dispatch) whatever intake did with it; answers the dispatch body.
    pub async fn dispatch_to(&self, no: &str, lead: &str, co_handlers: &[&str]) -> Value {
        let version = self.version_of(no).await;
        let body = json!({ "lead": lead, "co_handlers": co_handlers, "version": version });
        let (status, done) = self.post(&format!("/api/v1/tickets/{no}/dispatch"), &body).await;
        assert_eq!(status, 200, "{done}");
        done
    }

    /// A change to a ticket made against `version` (`If-Match`).
    pub async fn post_if_match(&self, path: &str, body: &Value, version: i64) -> (u16, Value) {
        let response = send_past_workerd_503(|| {
            self.request(reqwest::Method::POST, path).header("If-Match", format!("\"{version}\"")).json(body)
        })
        .await;
        status_json_or_null(response).await
    }

    /// A change to ticket `no` against its current version: `act(no, "accept", &json!({}))`.
    pub async fn act(&self, no: &str, action: &str, body: &Value) -> (u16, Value) {
        let version = self.version_of(no).await;
        self.post_if_match(&format!("/api/v1/tickets/{no}/{action}"), body, version).await
    }

    /// Merge `duplicate` into `master` against the duplicate's current version.
    pub async fn act_merge(&self, duplicate: &str, master: &str) -> (u16, Value) {
        self.act(duplicate, "merge", &json!({ "master": master })).await
    }

    /// Create a staff member with a random name; returns (username, id).
    pub async fn create_staff(&self, role: &str, department: Option<&str>, password: &str) -> (String, String) {
        let username = format!("t{}", unique_key().replace(['-', '_'], "").chars().rev().take(20).collect::<String>());
        let (status, body) = self
            .post(
                "/api/v1/admin/staff",
                &json!({ "username": username, "display_name": "测试员", "role": role, "department": department, "password": password }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (username, body["id"].as_str().unwrap().to_owned())
    }
}

/// Send, and send again (three tries in all) while the answer is 503: only workerd answers that,
/// never the Worker (an isolate recycled under another test's load, say the classifier
/// retraining), and a phone would try again.
pub async fn send_past_workerd_503(build: impl Fn() -> reqwest::RequestBuilder) -> Response {
    let mut tries = 0;
    loop {
        let response = build().send().await.expect("the stack answers");
        tries += 1;
        if response.status().as_u16() != 503 || tries == 3 {
            return response;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Status and JSON body; an empty body (204) reads as null.
pub async fn status_json_or_null(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The published hot issue that holds request `no` (the last clustering), or a panic with the list.
pub async fn hot_issue_holding(app: &TestApp, no: &str) -> Value {
    let (status, published) = status_json(app.get("/api/v1/open/hot-issues").await).await;
    assert_eq!(status, 200, "{published}");
    published["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["members"].as_array().unwrap().iter().any(|m| m == no))
        .cloned()
        .unwrap_or_else(|| panic!("no published issue holds {no}: {published}"))
}

/// Import tickets as NDJSON under a fresh source (admins); answers the import's report.
pub async fn import_ndjson(admin: &Staff, rows: &[Value]) -> Value {
    let body = rows.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let req = admin
        .request(reqwest::Method::POST, &format!("/api/v1/admin/import/tickets?source={}", unique_key()))
        .header("Content-Type", "application/x-ndjson")
        .body(body);
    let (status, report) = status_json(req.send().await.unwrap()).await;
    assert_eq!(status, 200, "{report}");
    report
}
