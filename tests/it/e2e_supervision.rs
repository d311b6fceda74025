//! Deadlines and supervision on a phone: an admin enters next year's first holiday in the
//! working-day calendar (a mistyped date is named in the error summary first) and an SLA rule;
//! then a supervisor tries to refuse a department's extension request without a note (refused:
//! a refusal says why), approves it instead, and it leaves the pending list. A supervisor puts a
//! phone reminder on record from the ladder's record; an admin sets a department's webhook and
//! sends a dead letter again.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, unique_key, valid_body, Staff, CLOCKS};
use crate::receiver::Receiver;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use fantoccini::key::Key;
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
/// The shipped calendar stops at 2026; 2027 awaits the State Council's notice.
const YEAR: &str = "2027";

/// Whether element `id` shows `text` (JSON-quoted for the script).
fn shows(id: &str, text: &str) -> String {
    format!("const e = document.getElementById({id:?}); return !!e && e.innerText.includes({text:?})")
}

async fn focused(b: &Browser, id: &str) {
    b.wait_until(
        &format!("#{id} focused"),
        &format!("return document.activeElement && document.activeElement.id === {id:?}"),
    )
    .await;
}

/// A moment for the development stack's jobs, which run at the time they are told.
fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// 2027 without entries and the SLA table as shipped: other tests reason about exact deadlines.
async fn restore(admin: &Staff) {
    let (status, body) = admin.put(&format!("/api/v1/admin/calendar/{YEAR}"), &json!({ "days": [] })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin.put("/api/v1/admin/settings/sla", &json!({})).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_admin_sets_deadlines_and_a_supervisor_decides_an_extension() {
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    restore(&admin).await;

    let b = Browser::phone().await;
    b.sign_in("admin").await;
    b.open("/staff/deadlines").await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.deadlines")));
    b.wait_for_id("calendar-year").await;
    b.set_value("calendar-year", YEAR, "change").await;
    b.wait_until("the 2027 editor", &shows("save-calendar", YEAR)).await;
    // Nothing entered for 2027 yet, and the page says so.
    assert!(b.text_of("calendar-empty").await.contains(YEAR));
    b.eval("document.getElementById('calendar-heading').scrollIntoView(); return true").await;
    b.screenshot("70-deadlines-calendar-empty").await;

    // A new row starts with the year; a thirteenth month is named in the summary.
    b.tab_to("calendar-add").await;
    b.press(Key::Enter).await;
    focused(&b, "cal-0-date").await;
    b.keys("13-01").await;
    b.tab_to("cal-0-name").await;
    b.keys("元旦").await;
    b.tab_to("save-calendar").await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    let summary = b.text_of("error-summary").await;
    assert!(summary.contains(&t("zh-Hans", "field.calendar_day.date")), "{summary}");
    assert!(b.text_of("calendar-days").await.contains(&t("zh-Hans", "field_error.invalid_format.calendar_day.date")));
    b.screenshot("71-deadlines-calendar-error").await;

    // Fixed and saved: the year now has its first holiday.
    b.set_value("cal-0-date", "2027-01-01", "input").await;
    b.tab_to("save-calendar").await;
    b.press(Key::Enter).await;
    focused(&b, "calendar-status").await;
    assert!(b.text_of("calendar-status").await.contains(YEAR));
    b.wait_until("the error gone", "return !document.getElementById('error-summary')").await;
    let (status, calendar) = status_json(app.get(&format!("/api/v1/calendar?year={YEAR}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(calendar["days"], json!([{ "date": "2027-01-01", "kind": "holiday", "name": "元旦" }]), "{calendar}");

    // An SLA rule: urgent requests in category 11 are accepted within 6 hours, answered in 5 days.
    b.open("/staff/deadlines").await;
    b.wait_for_id("sla-add-rule").await;
    b.tab_to("sla-add-rule").await;
    b.press(Key::Enter).await;
    focused(&b, "sla-rule-0-category").await;
    b.keys("11").await;
    b.set_value("sla-rule-0-urgency", "urgent", "change").await;
    b.set_value("sla-rule-0-response_hours", "6", "input").await;
    b.set_value("sla-rule-0-resolution_days", "5", "input").await;
    b.tab_to("save-sla").await;
    b.press(Key::Enter).await;
    focused(&b, "sla-status").await;
    let (_, table) = admin.get("/api/v1/admin/settings/sla").await;
    assert_eq!(
        table["rules"],
        json!([{ "category": "11", "urgency": "urgent", "response_hours": 6, "resolution_days": 5 }]),
        "{table}"
    );
    b.eval("document.getElementById('sla-heading').scrollIntoView(); return true").await;
    b.screenshot("72-deadlines-sla").await;
    restore(&admin).await;
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");

    // A department that accepted a request asks for three more working days.
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await; // city.urban-management
    let supervisor = app.login_demo("supervisor").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let version = handler.version_of(&no).await;
    let (status, body) = handler.post_if_match(&format!("/api/v1/tickets/{no}/accept"), &json!({}), version).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = handler
        .post(&format!("/api/v1/tickets/{no}/extensions"), &json!({ "days": 3, "reason": "需要协调施工单位" }))
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, pending) = supervisor.get("/api/v1/supervision/extensions?state=pending").await;
    let id = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["tracking_no"] == no.as_str())
        .and_then(|e| e["id"].as_i64())
        .unwrap_or_else(|| panic!("our request pending: {pending}"));

    b.open("/staff").await;
    b.tab_to("sign-out").await;
    b.press(Key::Enter).await;
    b.wait_for_id("username").await;
    b.sign_in("supervisor").await;
    b.open("/staff/supervision").await;
    b.wait_until("the request pending", &shows("extension-list", &no)).await;
    assert!(b.text_of("extension-list").await.contains("需要协调施工单位"));
    b.tab_to(&format!("decide-extension-{id}")).await;
    b.press(Key::Enter).await;
    focused(&b, "extension-decision-heading").await;
    assert!(b.text_of("extension-decision-heading").await.contains(&no));

    // A refusal must say why; the summary names the note.
    b.tab_to("refuse-extension").await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    let summary = b.text_of("error-summary").await;
    assert!(summary.contains(&t("zh-Hans", "field.decision_note")), "{summary}");
    b.eval("document.getElementById('extension-decision').scrollIntoView(); return true").await;
    b.screenshot("73-supervision-extension-note-required").await;

    // Approved instead: the request leaves the pending list and the deadline moves.
    b.tab_to("approve-extension").await;
    b.press(Key::Enter).await;
    focused(&b, "extension-status").await;
    assert!(b.text_of("extension-status").await.contains(&no));
    b.wait_until(
        "the request no longer pending",
        &format!("const l = document.getElementById('extension-list'); return !!l && !l.innerText.includes({no:?})"),
    )
    .await;
    b.wait_until("the decision form closed", "return !document.getElementById('extension-decision')").await;
    b.screenshot("74-supervision-extension-approved").await;
    let (_, approved) = supervisor.get("/api/v1/supervision/extensions?state=approved").await;
    let ours: Vec<&Value> = approved["items"].as_array().unwrap().iter().filter(|e| e["id"] == id).collect();
    assert_eq!(ours.len(), 1, "{approved}");

    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn a_supervisor_puts_a_phone_reminder_on_record_from_the_ladder() {
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let supervisor = app.login_demo("supervisor").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let (_, detail) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    let due = DateTime::parse_from_rfc3339(detail["handling"]["resolution_due"].as_str().unwrap()).unwrap();
    // Days past its deadline and never signed for: urged, then supervised (督办).
    let late = due.with_timezone(&Utc) + Duration::days(5);
    let (status, body) =
        admin.post("/api/v1/admin/jobs/supervise", &json!({ "at": at(late), "tracking_no": no })).await;
    assert_eq!(status, 200, "{body}");
    let (_, steps) = supervisor.get("/api/v1/supervision/steps?stage=supervise").await;
    let step = steps["items"].as_array().unwrap().iter().find(|s| s["tracking_no"] == no.as_str()).cloned();
    let step = step.unwrap_or_else(|| panic!("督办 on record: {steps}"));
    let key = step["key"].as_str().unwrap().to_owned();

    let b = Browser::phone().await;
    b.sign_in("supervisor").await;
    b.open("/staff/supervision").await;
    b.wait_until("our step listed", &shows("step-table", &no)).await;
    let reason = t("zh-Hans", &format!("work.ladder_reason.{}", step["reason"].as_str().unwrap()));
    assert!(b.text_of("step-table").await.contains(&reason));
    b.eval("document.getElementById('ladder-heading').scrollIntoView(); return true").await;
    b.screenshot("75-supervision-ladder").await;

    b.tab_to(&format!("remind-{key}")).await;
    b.press(Key::Enter).await;
    focused(&b, "reminder-heading").await;
    assert!(b.text_of("reminder-heading").await.contains(&no));
    // Nothing said about the call: the summary names what is missing.
    b.tab_to("save-reminder").await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    assert!(b.text_of("error-summary").await.contains(&t("zh-Hans", "field.outcome")));
    b.tab_to("reminder-outcome").await;
    b.keys("王科长接听，承诺周五前修好").await;
    b.tab_to("save-reminder").await;
    b.press(Key::Enter).await;
    focused(&b, "reminder-status").await;
    assert!(b.text_of("reminder-status").await.contains(&no));
    b.wait_until("the form closed", "return !document.getElementById('reminder-form')").await;
    b.screenshot("76-supervision-phone-reminder").await;

    let (_, detail) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    let reminders = detail["reminders"].as_array().unwrap();
    assert!(
        reminders.iter().any(|r| r["method"] == "phone" && r["outcome"] == "王科长接听，承诺周五前修好"),
        "{reminders:?}"
    );
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn an_admin_sets_a_webhook_and_sends_a_dead_letter_again() {
    // Delivery runs over the whole outbox at the moment it is told, as in `api_ladder`.
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let code = format!("t.e2e-{}", unique_key().chars().rev().take(8).collect::<String>());
    let (status, body) = admin
        .post("/api/v1/admin/departments", &json!({ "code": code, "name": "测试推送单位", "level": "city_bureau" }))
        .await;
    assert_eq!(status, 201, "{body}");
    let broken = Receiver::start(1000, 500).await;

    let b = Browser::phone().await;
    b.sign_in("admin").await;
    b.open("/staff/outbox").await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.outbox")));
    b.wait_until(
        "the new department offered",
        &format!("return !!document.querySelector('#webhook-department option[value=\"{code}\"]')"),
    )
    .await;
    b.set_value("webhook-department", &code, "change").await;
    b.tab_to("webhook-url").await;
    b.keys("ftp://x").await;
    b.tab_to("webhook-secret").await;
    b.keys("short").await;
    b.tab_to("save-webhook").await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    let summary = b.text_of("error-summary").await;
    for key in ["field.webhook_url", "field.webhook_secret"] {
        assert!(summary.contains(&t("zh-Hans", key)), "{key}: {summary}");
    }
    b.set_value("webhook-url", &broken.url, "input").await;
    b.set_value("webhook-secret", "a-department-secret-0123456789", "input").await;
    b.tab_to("save-webhook").await;
    b.press(Key::Enter).await;
    focused(&b, "webhook-status").await;
    assert!(b.text_of("webhook-status").await.contains("测试推送单位"));

    // A notice the department's system never takes: a dead letter after six tries.
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, &code, &[]).await;
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let mut moment = DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap() + Duration::seconds(1);
    for _ in 0..6 {
        let (status, body) = admin.post("/api/v1/admin/jobs/deliver", &json!({ "at": at(moment) })).await;
        assert_eq!(status, 200, "{body}");
        moment += Duration::hours(7);
    }
    let (_, dead) = admin.get("/api/v1/admin/outbox?state=dead").await;
    let letter = dead["items"].as_array().unwrap().iter().find(|m| m["department"] == code.as_str()).cloned();
    let id = letter.unwrap_or_else(|| panic!("a dead letter: {dead}"))["id"].as_str().unwrap().to_owned();

    b.open("/staff/outbox").await;
    let retry = format!("retry-{id}");
    b.wait_for_id(&retry).await;
    assert!(b.text_of("outbox-table").await.contains(&t("zh-Hans", "outbox.state.dead")));
    b.screenshot("77-outbox-dead-letter").await;
    b.tab_to(&retry).await;
    b.press(Key::Enter).await;
    focused(&b, "outbox-status").await;
    assert!(b.text_of("outbox-status").await.contains("测试推送单位"));
    let (_, pending) = admin.get("/api/v1/admin/outbox?state=pending").await;
    assert!(pending["items"].as_array().unwrap().iter().any(|m| m["id"] == id.as_str()), "{pending}");
    b.screenshot("78-outbox-sent-again").await;

    // Off again, so nothing else is posted to a receiver that is gone.
    let (status, body) = admin.put(&format!("/api/v1/admin/departments/{code}/webhook"), &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}
