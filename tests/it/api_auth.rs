//! Staff sign-in, sessions, CSRF, throttling, passwords and API tokens.

use crate::helpers::{spawn_app, status_json, status_json_or_null, Staff};
use reqwest::Method;
use serde_json::json;

const STRONG: &str = "街道巡查 2026 冬季供暖";

async fn fresh_handler() -> (Staff, String) {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (username, _) = admin.create_staff("handler", Some("city.urban-management"), STRONG).await;
    (app.login(&username, STRONG).await, username)
}

#[tokio::test]
async fn sign_in_sets_a_strict_session_cookie_and_me_answers() {
    let app = spawn_app();
    let response = app.login_raw("dispatcher", &crate::helpers::demo_password()).await;
    assert_eq!(response.status().as_u16(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["csrf_token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["user"]["role"], "dispatcher");
    assert!(body["user"].get("password_hash").is_none());

    let staff = app.login_demo("dispatcher").await;
    let (status, me) = staff.get("/api/v1/auth/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["username"], "dispatcher");
    assert!(me["permissions"].as_array().unwrap().iter().any(|p| p == "own_account"));
    // A new tab of the app recovers the session's CSRF token from here.
    assert_eq!(me["csrf_token"], staff.csrf.as_str());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_look_the_same() {
    let app = spawn_app();
    let (s1, b1) = status_json(app.login_raw("observer", "wrong password here").await).await;
    let (s2, b2) = status_json(app.login_raw("nobody-at-all", "wrong password here").await).await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(b1, b2);
    assert_eq!(b1["code"], "unauthenticated");
    let (status, body) = status_json(app.login_raw("", "").await).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"]["username"]["code"], "required");
}

#[tokio::test]
async fn five_failures_lock_the_name_out_for_a_while() {
    let (_, username) = fresh_handler().await;
    let app = spawn_app();
    for attempt in 1..=5 {
        let (status, body) = status_json_or_null(app.login_raw(&username, "not the password").await).await;
        assert_eq!(status, 401, "wrong password {attempt}: {body}");
    }
    let response = app.login_raw(&username, STRONG).await;
    let status = response.status().as_u16();
    if status != 429 {
        panic!("even the right password waits: {status} {}", response.text().await.unwrap_or_default());
    }
    let wait: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
}

#[tokio::test]
async fn changes_with_the_cookie_need_the_csrf_token() {
    let (staff, _) = fresh_handler().await;
    let without = staff
        .app
        .client
        .post(staff.app.url("/api/v1/account/tokens"))
        .header("Cookie", &staff.cookie)
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(without).await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "csrf_rejected");
    let wrong = staff
        .app
        .client
        .post(staff.app.url("/api/v1/account/tokens"))
        .header("Cookie", &staff.cookie)
        .header("X-CSRF-Token", "A".repeat(43))
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    // Reading needs no CSRF token.
    let read =
        staff.app.client.get(staff.app.url("/api/v1/auth/me")).header("Cookie", &staff.cookie).send().await.unwrap();
    assert_eq!(read.status().as_u16(), 200);
}

#[tokio::test]
async fn signing_out_ends_the_session_and_revoke_all_ends_every_session() {
    let (first, username) = fresh_handler().await;
    let second = spawn_app().login(&username, STRONG).await;
    let (status, _) = first.post("/api/v1/auth/logout", &json!({})).await;
    assert_eq!(status, 204);
    assert_eq!(first.get("/api/v1/auth/me").await.0, 401);
    assert_eq!(second.get("/api/v1/auth/me").await.0, 200, "other sessions live on");

    let third = spawn_app().login(&username, STRONG).await;
    assert_eq!(second.post("/api/v1/auth/revoke-all", &json!({})).await.0, 204);
    assert_eq!(second.get("/api/v1/auth/me").await.0, 401);
    assert_eq!(third.get("/api/v1/auth/me").await.0, 401);
}

#[tokio::test]
async fn a_password_change_checks_the_rules_and_ends_other_sessions() {
    let (staff, username) = fresh_handler().await;
    let other = spawn_app().login(&username, STRONG).await;
    let cases = [
        (
            json!({ "current_password": "wrong", "new_password": "a much longer new one" }),
            "current_password",
            "invalid_format",
        ),
        (json!({ "current_password": STRONG, "new_password": "short" }), "new_password", "too_short"),
        (json!({ "current_password": STRONG, "new_password": "password123" }), "new_password", "common_password"),
        (
            json!({ "current_password": STRONG, "new_password": format!("{username}-secret") }),
            "new_password",
            "contains_username",
        ),
        (json!({ "current_password": STRONG, "new_password": STRONG }), "new_password", "taken"),
    ];
    for (body, field, code) in cases {
        let (status, error) = staff.post("/api/v1/account/password", &body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error["fields"][field]["code"], code, "{error}");
    }
    let new = "新的口令 很长 也不常见";
    let (status, _) =
        staff.post("/api/v1/account/password", &json!({ "current_password": STRONG, "new_password": new })).await;
    assert_eq!(status, 204);
    assert_eq!(staff.get("/api/v1/auth/me").await.0, 200, "this session stays");
    assert_eq!(other.get("/api/v1/auth/me").await.0, 401, "others end");
    assert_eq!(spawn_app().login_raw(&username, STRONG).await.status().as_u16(), 401);
    spawn_app().login(&username, new).await;
}

#[tokio::test]
async fn api_tokens_act_within_their_scopes_until_revoked() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (status, created) =
        admin.post("/api/v1/account/tokens", &json!({ "name": "hotline sync", "scopes": ["view_departments"] })).await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("hy_"));
    let bearer = |method: Method, path: &str| app.client.request(method, app.url(path)).bearer_auth(&token);

    let (status, _) = status_json(bearer(Method::GET, "/api/v1/admin/departments").send().await.unwrap()).await;
    assert_eq!(status, 200);
    // An admin's token scoped to departments cannot manage staff.
    let (status, body) = status_json(bearer(Method::GET, "/api/v1/admin/staff").send().await.unwrap()).await;
    assert_eq!(status, 403, "{body}");

    // Listing never shows the secret again.
    let (_, list) = admin.get("/api/v1/account/tokens").await;
    let listed = list.as_array().unwrap().iter().find(|t| t["id"] == created["id"]).unwrap().clone();
    assert!(listed.get("token").is_none());

    let (status, _) = admin.delete(&format!("/api/v1/account/tokens/{}", created["id"].as_str().unwrap())).await;
    assert_eq!(status, 204);
    let (status, _) = status_json_or_null(bearer(Method::GET, "/api/v1/admin/departments").send().await.unwrap()).await;
    assert_eq!(status, 401);

    // Scopes beyond the role are refused.
    let (handler, _) = fresh_handler().await;
    let (status, body) =
        handler.post("/api/v1/account/tokens", &json!({ "name": "x", "scopes": ["manage_staff"] })).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"]["scopes[0]"]["code"], "out_of_range");
}

#[tokio::test]
async fn a_deactivated_member_cannot_sign_in_and_their_sessions_end() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (username, id) = admin.create_staff("observer", None, STRONG).await;
    let session = app.login(&username, STRONG).await;
    let (status, _) = admin.put(&format!("/api/v1/admin/staff/{id}"), &json!({ "active": false })).await;
    assert_eq!(status, 200);
    assert_eq!(session.get("/api/v1/auth/me").await.0, 401);
    assert_eq!(app.login_raw(&username, STRONG).await.status().as_u16(), 401);
}

#[tokio::test]
async fn the_first_admin_needs_the_bootstrap_secret_and_only_once() {
    let app = spawn_app();
    let body =
        json!({ "secret": "wrong secret value!!", "username": "mallory", "display_name": "M", "password": STRONG });
    let (status, error) =
        status_json(app.client.post(app.url("/api/v1/auth/bootstrap")).json(&body).send().await.unwrap()).await;
    assert_eq!(status, 403, "{error}");
    // The demo seed created the admin already: the right secret is refused now.
    let secret = std::env::var("HUIYIN_BOOTSTRAP_SECRET").expect("xtask passes the bootstrap secret");
    let body = json!({ "secret": secret, "username": "mallory", "display_name": "M", "password": STRONG });
    let (status, error) =
        status_json(app.client.post(app.url("/api/v1/auth/bootstrap")).json(&body).send().await.unwrap()).await;
    assert_eq!(status, 409, "{error}");
}
