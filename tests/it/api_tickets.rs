//! Staff read tickets within their scope: department staff only their department's work.

use crate::helpers::{spawn_app, valid_body};
use serde_json::json;

#[tokio::test]
async fn department_staff_see_only_their_departments_tickets_and_observers_no_contacts() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let mut body = valid_body();
    body["anonymous"] = json!(false);
    body["contact"] = json!({ "name": "李四", "phone": "13800000000" });
    let (no, _) = app.create(&body).await;

    // Whatever intake did, send it to housing as lead with urban management co-handling.
    dispatcher.dispatch_to(&no, "city.housing", &["city.urban-management"]).await;

    // The demo handler is in urban management: a co-handler sees it, contact included.
    let handler = app.login_demo("handler").await;
    let (status, list) = handler.get("/api/v1/tickets?limit=200").await;
    assert_eq!(status, 200, "{list}");
    assert!(list.as_array().unwrap().iter().any(|t| t["tracking_no"] == no.as_str() && t["lead"] == "city.housing"));
    let (status, seen) = handler.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["contact"]["name"], "李四");
    assert!(seen["departments"]
        .as_array()
        .unwrap()
        .contains(&json!({ "department": "city.urban-management", "part": "co" })));
    assert!(seen["events"].as_array().unwrap().iter().any(|e| e["event"] == "dispatched"));

    // A handler of another department neither lists nor opens it.
    let password = "Transport-Desk-2026-long";
    let (name, _) = admin.create_staff("handler", Some("city.transport"), password).await;
    let other = app.login(&name, password).await;
    let (status, list) = other.get("/api/v1/tickets?limit=200").await;
    assert_eq!(status, 200);
    assert!(list.as_array().unwrap().iter().all(|t| t["tracking_no"] != no.as_str()));
    assert!(list.as_array().unwrap().iter().all(|t| t["lead"] == "city.transport" || t["lead"].is_null()));
    assert_eq!(other.get(&format!("/api/v1/tickets/{no}")).await.0, 404);

    // Observers read it to grade, without the reporter's personal data.
    let observer = app.login_demo("observer").await;
    let (status, graded) = observer.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200);
    assert!(graded.get("contact").is_none(), "{graded}");
    assert_eq!(graded["title"], seen["title"]);
}

#[tokio::test]
async fn lists_page_newest_first_and_filters_are_checked() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    for _ in 0..3 {
        app.create(&valid_body()).await;
    }
    let (status, first) = dispatcher.get("/api/v1/tickets?limit=2").await;
    assert_eq!(status, 200);
    let first = first.as_array().unwrap().clone();
    assert_eq!(first.len(), 2);
    assert!(first[0]["created_at"].as_str() >= first[1]["created_at"].as_str());
    let last = first[1]["tracking_no"].as_str().unwrap();
    let (_, next) = dispatcher.get(&format!("/api/v1/tickets?limit=2&before={last}")).await;
    let next = next.as_array().unwrap();
    assert!(next.iter().all(|t| first.iter().all(|f| f["tracking_no"] != t["tracking_no"])), "pages do not overlap");
    assert!(next.iter().all(|t| t["created_at"].as_str() <= first[1]["created_at"].as_str()));

    let (_, submitted) = dispatcher.get("/api/v1/tickets?status=submitted&limit=200").await;
    assert!(submitted.as_array().unwrap().iter().all(|t| t["status"] == "submitted"));
    let (status, refused) = dispatcher.get("/api/v1/tickets?status=lost&limit=0&before=x").await;
    assert_eq!(status, 422);
    for field in ["status", "limit", "before"] {
        assert!(refused["fields"].get(field).is_some(), "{field}: {refused}");
    }
}
