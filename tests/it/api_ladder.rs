//! Scheduled supervision and notifications on a simulated clock: the development stack runs
//! the hourly job at a chosen moment (`POST /api/v1/admin/jobs/supervise {at}`), so one ticket is
//! walked through days of neglect in a second; and department webhooks are signed, retried with
//! backoff and dead-lettered, against a local receiver.

use crate::helpers::{spawn_app, status_json, unique_key, valid_body, Staff, CLOCKS};
use crate::receiver::Receiver;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time, got {v}"))).unwrap().with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap()
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Run the supervision job for one ticket at `t`; answers the job's summary.
async fn supervise(admin: &Staff, no: &str, t: DateTime<Utc>) -> Value {
    let (status, body) = admin.post("/api/v1/admin/jobs/supervise", &json!({ "at": at(t), "tracking_no": no })).await;
    assert_eq!(status, 200, "{body}");
    body["supervision"].clone()
}

async fn deliver(admin: &Staff, t: DateTime<Utc>) -> Value {
    let (status, body) = admin.post("/api/v1/admin/jobs/deliver", &json!({ "at": at(t) })).await;
    assert_eq!(status, 200, "{body}");
    body["outbox"].clone()
}

async fn steps_of(staff: &Staff, no: &str) -> Vec<Value> {
    let (status, detail) = staff.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200, "{detail}");
    detail["steps"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_ladder_urges_then_supervises_then_lists_each_once() {
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
    let (_, detail) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    let response_due = time(&detail["handling"]["response_due"]);
    let resolution_due = time(&detail["handling"]["resolution_due"]);

    // Nothing before the response deadline.
    assert_eq!(supervise(&admin, &no, response_due - Duration::minutes(1)).await["steps"], 0);
    assert!(steps_of(&dispatcher, &no).await.is_empty());

    // Not signed for in time: 催办, once, however often the job runs.
    let late = response_due + Duration::hours(1);
    assert_eq!(supervise(&admin, &no, late).await["steps"], 1);
    assert_eq!(supervise(&admin, &no, late).await["steps"], 0, "a second run reminds nobody");
    assert_eq!(supervise(&admin, &no, late + Duration::hours(1)).await["steps"], 0);
    let steps = steps_of(&dispatcher, &no).await;
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!((steps[0]["stage"].as_str(), steps[0]["reason"].as_str()), (Some("urge"), Some("response_overdue")));
    let (_, detail) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    let reminders = detail["reminders"].as_array().unwrap();
    assert!(reminders.iter().any(|r| r["method"] == "letter" && r["department"] == "city.urban-management"));
    let (_, notes) = handler.get("/api/v1/notifications").await;
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["event"] == "ladder_urge" && n["tracking_no"] == no.as_str()));

    // Past the resolution deadline by days: urged again and 督办, with a supervisor and a deadline.
    let much_later = resolution_due + Duration::days(5);
    let summary = supervise(&admin, &no, much_later).await;
    assert_eq!(summary["steps"], 2, "{summary}");
    assert_eq!(supervise(&admin, &no, much_later).await["steps"], 0);
    let steps = steps_of(&dispatcher, &no).await;
    let supervise_step = steps.iter().find(|s| s["stage"] == "supervise").expect("督办 on record");
    assert!(supervise_step["supervisor"].is_string() && supervise_step["due_at"].is_string(), "{supervise_step}");
    assert!(time(&supervise_step["due_at"]) > much_later);
    let supervisor = app.login_demo("supervisor").await;
    let (_, listed_steps) = supervisor.get("/api/v1/supervision/steps?stage=supervise").await;
    assert!(listed_steps["items"].as_array().unwrap().iter().any(|s| s["tracking_no"] == no.as_str()));

    // A phone reminder is recorded by who made it, with what was said.
    let (status, body) = supervisor.post(&format!("/api/v1/tickets/{no}/reminders"), &json!({ "outcome": "" })).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["outcome"].is_object());
    let (status, _) = supervisor
        .post(&format!("/api/v1/tickets/{no}/reminders"), &json!({ "outcome": "科长承诺周五前处理完毕" }))
        .await;
    assert_eq!(status, 201);
    let (_, detail) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert!(detail["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["method"] == "phone" && r["by_whom"] == "supervisor"));

    // Unresolved for two months: 挂牌督办, public.
    let created = time(&detail["created_at"]);
    let summary = supervise(&admin, &no, created + Duration::days(61)).await;
    assert!(summary["steps"].as_i64().unwrap() >= 1, "{summary}");
    let (status, listed) = status_json(app.get("/api/v1/listed").await).await;
    assert_eq!(status, 200);
    let case = listed["items"].as_array().unwrap().iter().find(|c| c["tracking_no"] == no.as_str()).cloned();
    let case = case.expect("listed publicly");
    assert_eq!(case["reason"], "unresolved");
    assert!(!case.to_string().contains("王小明"), "no reporter data on the public list");
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert_eq!(public["listed"], true);
    assert!(public["timeline"].as_array().unwrap().iter().any(|e| e["event"] == "listed"));
    assert_eq!(steps_of(&dispatcher, &no).await.iter().filter(|s| s["stage"] == "list").count(), 1, "listed once");

    // Only development stacks take `at`; a bad one is named.
    let (status, body) = admin.post("/api/v1/admin/jobs/supervise", &json!({ "at": "tomorrow" })).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["at"].is_object());
    assert_eq!(handler.post("/api/v1/admin/jobs/supervise", &json!({})).await.0, 403);
}

#[tokio::test]
async fn a_case_across_levels_is_raised_to_the_centre() {
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let (no, _) = app.create(&valid_body()).await;
    // A city bureau leads, a street office helps: two levels of government.
    dispatcher.dispatch_to(&no, "city.urban-management", &["a3.dongtang"]).await;
    let summary = supervise(&admin, &no, now()).await;
    assert_eq!(summary["steps"], 1, "{summary}");
    assert_eq!(supervise(&admin, &no, now()).await["steps"], 0);
    let (_, detail) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    let steps = detail["steps"].as_array().unwrap();
    assert_eq!((steps[0]["stage"].as_str(), steps[0]["reason"].as_str()), (Some("escalate"), Some("cross_level")));
    assert!(
        detail["departments"].as_array().unwrap().iter().any(|d| d["department"] == "centre" && d["part"] == "co"),
        "the centre coordinates: {detail}"
    );
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert!(public["timeline"].as_array().unwrap().iter().any(|e| e["event"] == "escalated"));
}

async fn hooked_department(admin: &Staff, receiver: &Receiver, secret: &str) -> String {
    let code = format!("t.hook-{}", unique_key().chars().rev().take(8).collect::<String>());
    let (status, body) = admin
        .post("/api/v1/admin/departments", &json!({ "code": code, "name": "测试对接单位", "level": "city_bureau" }))
        .await;
    assert_eq!(status, 201, "{body}");
    let path = format!("/api/v1/admin/departments/{code}/webhook");
    let (status, body) = admin.put(&path, &json!({ "url": "ftp://x", "secret": "short" })).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["webhook_url"].is_object() && body["fields"]["webhook_secret"].is_object(), "{body}");
    let (status, body) = admin.put(&path, &json!({ "url": receiver.url, "secret": secret })).await;
    assert_eq!(status, 200, "{body}");
    code
}

/// The newest outbox message to `department`.
async fn message_of(admin: &Staff, department: &str) -> Value {
    let (status, listed) = admin.get("/api/v1/admin/outbox").await;
    assert_eq!(status, 200, "{listed}");
    listed["items"].as_array().unwrap().iter().find(|m| m["department"] == department).cloned().expect("a message")
}

#[tokio::test]
async fn webhooks_are_signed_retried_with_backoff_and_dead_lettered() {
    // One test: delivery runs over the whole outbox at the moment it is told.
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let secret = "a-department-secret-0123456789";

    // Fails twice, then takes it.
    let flaky = Receiver::start(2, 500).await;
    let department = hooked_department(&admin, &flaky, secret).await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, &department, &[]).await;
    // Counted per message: other messages may be waiting in a reused database.
    let t0 = now();
    deliver(&admin, t0).await;
    assert_eq!(message_of(&admin, &department).await["attempts"], 1);
    deliver(&admin, t0 + Duration::seconds(30)).await;
    assert_eq!(flaky.received().len(), 1, "not due before its backoff");
    deliver(&admin, t0 + Duration::seconds(61)).await;
    assert_eq!(message_of(&admin, &department).await["attempts"], 2);
    let t2 = t0 + Duration::seconds(61 + 241);
    deliver(&admin, t2).await;
    let message = message_of(&admin, &department).await;
    assert_eq!((message["state"].as_str(), message["attempts"].as_i64()), (Some("delivered"), Some(3)), "{message}");
    let got = flaky.wait_for(3, std::time::Duration::from_secs(5)).await;
    assert_eq!(got.len(), 3);
    let last = &got[2];
    let delivery = Receiver::header(last, "x-huiyin-delivery").unwrap();
    assert!(got.iter().all(|r| Receiver::header(r, "x-huiyin-delivery").as_deref() == Some(delivery.as_str())));
    assert_eq!(Receiver::header(last, "x-huiyin-event").as_deref(), Some("dispatched"));
    let signature = Receiver::header(last, "x-huiyin-signature").unwrap();
    shared::webhook::verify(secret.as_bytes(), &signature, &last.body, t2.timestamp(), 300).expect("signed");
    assert!(shared::webhook::verify(b"another-secret-0000000000", &signature, &last.body, t2.timestamp(), 300).is_err());
    let envelope: Value = serde_json::from_slice(&last.body).unwrap();
    assert_eq!(
        (envelope["tracking_no"].as_str(), envelope["department"].as_str()),
        (Some(no.as_str()), Some(department.as_str()))
    );
    assert!(!String::from_utf8_lossy(&last.body).contains("13912345678"), "no reporter data in webhooks");

    // Never takes it: dead after six tries, visible to admins, and sent again on request.
    let broken = Receiver::start(1000, 500).await;
    let department = hooked_department(&admin, &broken, secret).await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, &department, &[]).await;
    let mut t = t2 + Duration::seconds(1);
    for _ in 0..6 {
        deliver(&admin, t).await;
        t += Duration::hours(7);
    }
    assert_eq!(message_of(&admin, &department).await["state"], "dead");
    assert_eq!(broken.received().len(), 6);
    let (status, listed) = admin.get("/api/v1/admin/outbox?state=dead").await;
    assert_eq!(status, 200);
    let letter = listed["items"].as_array().unwrap().iter().find(|m| m["department"] == department.as_str()).cloned();
    let letter = letter.expect("a dead letter");
    assert_eq!((letter["attempts"].as_i64(), letter["last_error"].as_str()), (Some(6), Some("HTTP 500")));
    let id = letter["id"].as_str().unwrap();
    let (status, _) = admin.post(&format!("/api/v1/admin/outbox/{id}/retry"), &json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = admin.post(&format!("/api/v1/admin/outbox/{id}/retry"), &json!({})).await;
    assert_eq!(status, 409, "only a dead letter is sent again");
    let (_, pending) = admin.get("/api/v1/admin/outbox?state=pending").await;
    assert!(pending["items"].as_array().unwrap().iter().any(|m| m["id"] == id));
    assert_eq!(dispatcher.get("/api/v1/admin/outbox").await.0, 403);
}
