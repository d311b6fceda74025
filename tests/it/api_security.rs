//! Security headers on every kind of answer, and the per-address limits on anonymous submission
//! and sign-in. The stack lets loopback through (development), so these tests speak from
//! documentation addresses (RFC 5737) that wrangler passes on as `CF-Connecting-IP`, as
//! Cloudflare's edge does in production.

use crate::helpers::{fresh_address, spawn_app, unique_key, valid_body};
use reqwest::header::HeaderMap;

/// A documentation address no other test (or earlier run this minute) uses.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("no {name} header"))
}

fn assert_common(headers: &HeaderMap, what: &str) {
    assert!(header(headers, "strict-transport-security").contains("max-age=63072000"), "{what}: HSTS");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(headers, "referrer-policy"), "no-referrer", "{what}");
    let csp = header(headers, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{what}: {csp}");
}

#[tokio::test]
async fn every_api_answer_carries_the_security_headers() {
    let app = spawn_app();
    let answers = [
        app.get("/api/v1/config").await,
        app.get("/api/v1/no-such-thing").await,
        app.get("/api/v1/requests/20990101-0001").await,
        app.submit(None, &valid_body()).await,
        app.get("/open311/v2/services.json").await,
        app.get("/api/v1/open/dashboard.csv").await,
    ];
    for response in answers {
        let what = response.url().path().to_owned();
        let headers = response.headers();
        assert_common(headers, &what);
        assert!(header(headers, "content-security-policy").starts_with("default-src 'none'"), "{what}");
        assert_eq!(header(headers, "cache-control"), "no-store", "{what}");
    }
}

#[tokio::test]
async fn every_page_and_static_file_carries_a_csp_without_inline_script() {
    let app = spawn_app();
    let (no, _) = app.create(&valid_body()).await;
    // The static files' headers come from public/_headers; the Worker writes a request's page
    // with its own copy of them, which must not drift.
    let index = app.get("/").await;
    let page_headers = [
        "content-security-policy",
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
    ]
    .map(|name| (name, header(index.headers(), name).to_owned()));
    let written = format!("/track/{no}");
    for path in [
        "/",
        "/track",
        "/track/20990101-0001",
        &written,
        "/listed",
        "/open/dashboard",
        "/staff/login",
        "/boot.js",
        "/pkg/huiyin_app.js",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers();
        assert_common(headers, path);
        for (name, value) in &page_headers {
            assert_eq!(header(headers, name), value, "{path}: {name}");
        }
        let csp = header(headers, "content-security-policy");
        let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).expect("a script-src");
        assert_eq!(script, "script-src 'self' 'wasm-unsafe-eval'", "{path}");
        assert!(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"), "{path}: {csp}");
    }
}

async fn submit_from(app: &crate::helpers::TestApp, address: &str, key: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/requests"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .header("CF-Connecting-IP", address)
        .body(valid_body().to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_address_cannot_flood_anonymous_submissions_but_a_retry_still_gets_its_ticket() {
    let app = spawn_app();
    let address = fresh_address();
    let keys: Vec<String> = (0..25).map(|_| unique_key()).collect();
    let mut statuses = Vec::new();
    for key in &keys {
        let response = submit_from(&app, &address, key).await;
        let status = response.status().as_u16();
        if status == 429 {
            let retry: u64 = header(response.headers(), "retry-after").parse().unwrap();
            assert!((1..=60).contains(&retry));
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["code"], "too_many_attempts");
        }
        statuses.push(status);
    }
    // The limit is 10 a minute; a minute boundary inside the loop lets at most 10 more through.
    assert!(statuses[..10].iter().all(|s| *s == 201), "{statuses:?}");
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(refused >= 5, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 429), "{statuses:?}");

    // The citizen whose answer was lost retries with the same key: the ticket, not a refusal.
    let replay = submit_from(&app, &address, &keys[0]).await;
    assert_eq!(replay.status().as_u16(), 200);
    // Another address is not affected.
    assert_eq!(submit_from(&app, &fresh_address(), &unique_key()).await.status().as_u16(), 201);
}

#[tokio::test]
async fn one_address_cannot_try_passwords_without_end() {
    let app = spawn_app();
    let address = fresh_address();
    let mut statuses = Vec::new();
    for n in 0..45 {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("Content-Type", "application/json")
            .header("CF-Connecting-IP", &address)
            // Unknown names: the per-account throttle in D1 never applies, only the address limit.
            .body(
                serde_json::json!({ "username": format!("nobody-{n}-{address}"), "password": "wrong-password-1" })
                    .to_string(),
            )
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s == 429).count() >= 5, "{statuses:?}");
}
