//! The authorisation matrix: every route, as anonymous and as every role, against the policy.

use crate::helpers::{spawn_app, status_json_or_null, Staff};
use reqwest::Method as HttpMethod;
use shared::auth::{allows, Access, Method, Role, ROUTES};

fn http(method: Method) -> HttpMethod {
    match method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
        Method::Put => HttpMethod::PUT,
        Method::Delete => HttpMethod::DELETE,
    }
}

/// A concrete path for a template; ids that match nothing are fine (404 still means "let in").
fn concrete(path: &str) -> String {
    path.replace(":tracking_no", "20261128-0000010").replace(":id", "matrix-nothing")
}

/// Routes after which the caller's session is gone.
fn ends_session(path: &str) -> bool {
    path.ends_with("/logout") || path.ends_with("/revoke-all")
}

#[tokio::test]
async fn every_route_allows_exactly_the_roles_the_policy_names() {
    let app = spawn_app();
    // Accounts of its own: revoke-all must not end other tests' sessions.
    let admin = app.login_demo("admin").await;
    let password = "矩阵测试 的 长口令 2026";
    let mut sessions: Vec<(Role, Staff)> = Vec::new();
    for role in Role::ALL {
        let department = matches!(role, Role::Handler | Role::DepartmentHead).then_some("city.urban-management");
        let (username, _) = admin.create_staff(role.as_str(), department, password).await;
        sessions.push((role, app.login(&username, password).await));
    }
    let mut failures = Vec::new();
    for route in ROUTES {
        let path = concrete(route.path);
        // Anonymous.
        let response =
            app.client.request(http(route.method), app.url(&path)).json(&serde_json::json!({})).send().await.unwrap();
        let (status, body) = status_json_or_null(response).await;
        let ok = match route.access {
            Access::Public => status != 401 && status != 403,
            Access::Staff(_) => status == 401,
            Access::Bootstrap => status == 403,
            // 401 from the intake, 403 from Open311 (the spec's code for a missing api_key).
            Access::ChannelKey => status == 401 || status == 403,
        };
        if !ok {
            failures.push(format!("anonymous {} {path} → {status} {body}", route.method.as_str()));
        }
        for (role, session) in sessions.iter_mut() {
            let Access::Staff(permission) = route.access else { continue };
            let (status, body) = status_json_or_null(
                session.request(http(route.method), &path).json(&serde_json::json!({})).send().await.unwrap(),
            )
            .await;
            if ends_session(route.path) {
                // Revoke-all ends every session of the member: start a new one for later routes.
                *session = app.login(session.user["username"].as_str().unwrap(), password).await;
            }
            let expected_allowed = allows(*role, permission);
            let allowed = status != 401 && status != 403;
            if allowed != expected_allowed || status == 500 {
                failures.push(format!("{role:?} {} {path} → {status} {body}", route.method.as_str()));
            }
        }
    }
    assert!(failures.is_empty(), "policy not enforced as declared:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn routes_not_in_the_policy_table_are_not_served() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (status, body) = admin.delete("/api/v1/admin/departments").await;
    assert_eq!(status, 405, "{body}");
    let (status, _) = admin.get("/api/v1/admin/secret-backdoor").await;
    assert_eq!(status, 404);
}
