//! The department's work on a ticket through the API: accept, notes, parts, the reply and its
//! quality check, optimistic concurrency (428 / 412), extensions, deadlines from the SLA table
//! and the calendar, and the citizen's reopen and added information.

use crate::helpers::{spawn_app, status_json, valid_body, Staff, CLOCKS};
use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
const CO: &str = "city.ecology";

/// A good answer to `valid_body()`: on topic, says what was done, no personal data.
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time, got {v}"))).unwrap().with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap()
}

async fn detail(staff: &Staff, no: &str) -> Value {
    let (status, body) = staff.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn the_lead_accepts_notes_and_replies_against_the_version_it_saw() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let ecology = app.login_demo("ecology").await;
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[CO]).await;

    // Both departments see it in their inbox, as lead and as co-handler.
    let (status, inbox) = handler.get("/api/v1/workbench/inbox").await;
    assert_eq!(status, 200, "{inbox}");
    let mine = inbox["items"].as_array().unwrap().iter().find(|i| i["tracking_no"] == no.as_str()).cloned();
    let mine = mine.expect("the lead's inbox lists it");
    assert_eq!(mine["part"], "lead");
    assert!(mine["response_due"].is_string() && mine["resolution_due"].is_string(), "{mine}");
    let (_, inbox) = ecology.get("/api/v1/workbench/inbox").await;
    assert!(inbox["items"].as_array().unwrap().iter().any(|i| i["tracking_no"] == no.as_str() && i["part"] == "co"));

    // The read carries the version as an ETag.
    let response = handler.request(reqwest::Method::GET, &format!("/api/v1/tickets/{no}")).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let (_, read) = status_json(response).await;
    assert_eq!(etag, format!("\"{}\"", read["version"]));

    // No If-Match: 428, naming the header. A stale one: 412. The co-handler cannot accept.
    let (status, body) = handler.post(&format!("/api/v1/tickets/{no}/accept"), &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (428, Some("precondition_required")), "{body}");
    assert!(body["fields"]["If-Match"].is_object());
    let v = read["version"].as_i64().unwrap();
    let (status, body) = handler.post_if_match(&format!("/api/v1/tickets/{no}/accept"), &json!({}), v - 1).await;
    assert_eq!((status, body["code"].as_str()), (412, Some("precondition_failed")), "{body}");
    let (status, body) = ecology.post_if_match(&format!("/api/v1/tickets/{no}/accept"), &json!({}), v).await;
    assert_eq!(status, 409, "{body}");
    let (status, accepted) = handler.post_if_match(&format!("/api/v1/tickets/{no}/accept"), &json!({}), v).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!((accepted["status"].as_str(), accepted["version"].as_i64()), (Some("accepted"), Some(v + 1)));

    // Only the lead speaks to the citizen; the first note starts the work.
    let (status, body) = ecology.act(&no, "notes", &json!({ "text": "我局配合核查", "public": true })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["public"].is_object());
    let (status, noted) =
        handler.act(&no, "notes", &json!({ "text": "已派维修班组今天下午到现场查看。", "public": true })).await;
    assert_eq!((status, noted["status"].as_str()), (200, Some("in_progress")), "{noted}");
    let (status, _) = handler.act(&no, "notes", &json!({ "text": "内部：需更换灯杆线路", "public": false })).await;
    assert_eq!(status, 200);

    // The reply check: personal data and a missing part are warnings; without a reason, 422.
    let leaky = format!("{GOOD_REPLY}如有疑问请联系王小明 13912345678。");
    let (status, check) = handler.post(&format!("/api/v1/tickets/{no}/reply/check"), &json!({ "text": leaky })).await;
    assert_eq!(status, 200, "{check}");
    let warnings: Vec<&str> = check["warnings"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(warnings.contains(&"personal_data") && warnings.contains(&"missing_parts"), "{check}");
    assert!(!check.to_string().contains("13912345678"), "the check never echoes the data: {check}");
    let (status, refused) = handler.act(&no, "reply", &json!({ "text": leaky })).await;
    assert_eq!((status, refused["code"].as_str()), (422, Some("reply_quality")), "{refused}");
    assert!(refused["fields"]["override_reason"].is_object());

    // The co-handler's part comes in; the lead's good reply then passes without a reason.
    let (status, body) =
        ecology.post(&format!("/api/v1/tickets/{no}/parts"), &json!({ "text": "经核查，周边无环境污染问题。" })).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) =
        handler.post(&format!("/api/v1/tickets/{no}/parts"), &json!({ "text": "主办不交协办意见" })).await;
    assert_eq!(status, 409, "{body}");
    let (_, check) = handler.post(&format!("/api/v1/tickets/{no}/reply/check"), &json!({ "text": GOOD_REPLY })).await;
    assert_eq!(check["passes"], true, "{check}");
    let (status, replied) = handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert_eq!((status, replied["status"].as_str()), (200, Some("replied")), "{replied}");

    // Staff see the parts and the reply; the citizen sees accepted, the note and the reply.
    let staff_view = detail(&handler, &no).await;
    let parts = staff_view["parts"].as_array().unwrap();
    assert!(parts.iter().any(|p| p["part"] == "co" && p["department"] == CO));
    assert!(parts.iter().any(|p| p["part"] == "reply" && p["text"] == GOOD_REPLY));
    assert!(staff_view["handling"]["accepted_at"].is_string() && staff_view["handling"]["replied_at"].is_string());
    let (status, mine) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert_eq!(status, 200);
    assert!(mine["accepted_at"].is_string() && mine["resolution_due"].is_string(), "{mine}");
    let timeline = mine["timeline"].to_string();
    assert!(timeline.contains("已派维修班组") && timeline.contains("路灯现已恢复照明"), "{timeline}");
    assert!(!timeline.contains("内部："), "internal notes stay internal");
    assert!(mine["follow_up_until"].is_string());
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert!(public["timeline"].to_string().contains("路灯现已恢复照明"));
}

#[tokio::test]
async fn two_handlers_accepting_at_once_never_both_win() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let head = app.login_demo("head").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let v = handler.version_of(&no).await;
    let path = format!("/api/v1/tickets/{no}/accept");
    let empty = json!({});
    let (a, b) = tokio::join!(handler.post_if_match(&path, &empty, v), head.post_if_match(&path, &empty, v));
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{a:?} {b:?}");
}

#[tokio::test]
async fn a_supervisor_approves_or_refuses_extensions_and_approval_moves_the_deadline() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let supervisor = app.login_demo("supervisor").await;
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let path = format!("/api/v1/tickets/{no}/extensions");
    let (status, _) = handler.post(&path, &json!({ "days": 3, "reason": "需要协调施工单位" })).await;
    assert_eq!(status, 409, "not accepted yet");
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    let (status, body) = handler.post(&path, &json!({ "days": 0 })).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["days"].is_object() && body["fields"]["reason"].is_object(), "{body}");
    let (status, body) = handler.post(&path, &json!({ "days": 3, "reason": "需要协调施工单位" })).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = handler.post(&path, &json!({ "days": 2, "reason": "再多两天更稳妥" })).await;
    assert_eq!(status, 409, "one pending request per ticket");

    let (status, pending) = supervisor.get("/api/v1/supervision/extensions").await;
    assert_eq!(status, 200);
    let ext = pending["items"].as_array().unwrap().iter().find(|e| e["tracking_no"] == no.as_str()).cloned().unwrap();
    let id = ext["id"].as_i64().unwrap();
    let before = time(&detail(&handler, &no).await["handling"]["resolution_due"]);
    let decide = format!("/api/v1/extensions/{id}/decision");
    assert_eq!(handler.post(&decide, &json!({ "approve": true })).await.0, 403, "handlers do not decide");
    let (status, body) = supervisor.post(&decide, &json!({ "approve": false })).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["note"].is_object(), "a refusal says why: {body}");
    let (status, decided) = supervisor.post(&decide, &json!({ "approve": true })).await;
    assert_eq!((status, decided["state"].as_str()), (200, Some("approved")), "{decided}");
    let after = time(&detail(&handler, &no).await["handling"]["resolution_due"]);
    assert!(after - before >= Duration::days(3), "three working days later: {before} → {after}");
    assert_eq!(supervisor.post(&decide, &json!({ "approve": true })).await.0, 409, "decided once");
    // The department hears about it.
    let (_, notes) = handler.get("/api/v1/notifications").await;
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["event"] == "extension_decided" && n["tracking_no"] == no.as_str()));
}

#[tokio::test]
async fn deadlines_follow_the_sla_table_and_skip_holidays() {
    let _clocks = CLOCKS.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let (status, standard) = admin.get("/api/v1/admin/settings/sla").await;
    assert_eq!(status, 200, "{standard}");
    assert_eq!(standard["default_by_urgency"]["urgent"]["response_hours"], 12, "{standard}");
    let (status, body) = admin
        .put(
            "/api/v1/admin/settings/sla",
            &json!({ "rules": [{ "category": "01", "urgency": "urgent", "response_hours": 0, "resolution_days": 2 }] }),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["rules[0].response_hours"].is_object(), "{body}");
    let (status, body) = admin
        .put(
            "/api/v1/admin/settings/sla",
            &json!({ "rules": [{ "category": "01", "urgency": "urgent", "response_hours": 4, "resolution_days": 2 }] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (no, _) = app.create(&valid_body()).await;
    let v = dispatcher.version_of(&no).await;
    let (status, body) = dispatcher
        .post(&format!("/api/v1/tickets/{no}/dispatch"), &json!({ "lead": LEAD, "urgency": "urgent", "version": v }))
        .await;
    assert_eq!(status, 200, "{body}");
    let handling = detail(&dispatcher, &no).await["handling"].clone();
    let response_due = time(&handling["response_due"]);
    let resolution_due = time(&handling["resolution_due"]);
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
    let waited = response_due - now();
    assert!(waited > Duration::minutes(235) && waited <= Duration::hours(4), "4 h to respond: {waited}");
    let local = resolution_due.with_timezone(&beijing);
    assert_eq!((local.hour(), local.minute()), (23, 59), "the end of a working day: {local}");
    let dispatched = response_due - Duration::hours(4);
    let expected = shared::calendar::WorkCalendar::china().add_working_days(dispatched, 2, beijing);
    assert_eq!(resolution_due, expected, "two working days on the shipped calendar");

    let (status, _) = admin.put("/api/v1/admin/settings/sla", &json!({})).await;
    assert_eq!(status, 200, "back to the standard table");

    // The shipped calendar: 2026's National Day is a holiday, its make-up Saturday a working day.
    let (status, cal) = status_json(app.get("/api/v1/calendar?year=2026").await).await;
    assert_eq!(status, 200);
    let days = cal["days"].as_array().unwrap();
    assert!(days.iter().any(|d| d["date"] == "2026-10-01" && d["kind"] == "holiday"), "{cal}");
    assert!(days.iter().any(|d| d["date"] == "2026-10-10" && d["kind"] == "workday"));
    let (status, body) = admin
        .put(
            "/api/v1/admin/calendar/2031",
            &json!({ "days": [{ "date": "2031-13-01", "kind": "holiday", "name": "x" }] }),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["days[0].date"].is_object(), "{body}");
    let (status, body) = admin
        .put(
            "/api/v1/admin/calendar/2031",
            &json!({ "days": [{ "date": "2030-01-01", "kind": "holiday", "name": "元旦" }] }),
        )
        .await;
    assert_eq!(status, 422, "a date of another year: {body}");
}

#[tokio::test]
async fn the_citizen_reopens_within_the_window_and_it_returns_to_the_same_lead() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;

    // Information can be added while the work is open; only the reporter sees it.
    let info = |body: Value, token: Option<String>| {
        let mut req = app.client.post(app.url(&format!("/api/v1/requests/{no}/info"))).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(info(json!({ "text": "灯杆编号 FR-12" }), None).await.unwrap().status().as_u16(), 403);
    let (status, body) = status_json(info(json!({ "text": "" }), Some(token.clone())).await.unwrap()).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["text"].is_object());
    let (status, _) = status_json(info(json!({ "text": "灯杆编号 FR-12" }), Some(token.clone())).await.unwrap()).await;
    assert_eq!(status, 201);

    let reopen = |body: Value| {
        app.client.post(app.url(&format!("/api/v1/requests/{no}/reopen"))).bearer_auth(&token).json(&body).send()
    };
    let (status, _) = status_json(reopen(json!({ "reason": "路灯还是不亮" })).await.unwrap()).await;
    assert_eq!(status, 409, "nothing to reopen before the reply");

    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    let (status, body) = handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = status_json(reopen(json!({ "reason": "" })).await.unwrap()).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["reason"].is_object());
    let (status, reopened) = status_json(reopen(json!({ "reason": "路灯修好两天又坏了" })).await.unwrap()).await;
    assert_eq!(status, 200, "{reopened}");
    assert_eq!((reopened["status"].as_str(), reopened["reopen_count"].as_i64()), (Some("reopened"), Some(1)));

    // Back to the same lead, to be accepted again; the reason stays between reporter and staff.
    let staff_view = detail(&handler, &no).await;
    assert_eq!(staff_view["status"], "reopened");
    assert_eq!(staff_view["lead"], LEAD);
    assert_eq!(staff_view["handling"]["reopen_count"], 1);
    assert!(staff_view["handling"]["accepted_at"].is_null());
    let (_, inbox) = handler.get("/api/v1/workbench/inbox").await;
    assert!(inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["tracking_no"] == no.as_str() && i["status"] == "reopened"));
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    let (_, mine) = status_json(app.get_request(&no, Some(&token)).await).await;
    let mine = mine["timeline"].to_string();
    assert!(mine.contains("路灯修好两天又坏了") && mine.contains("FR-12"), "{mine}");
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    let public = public["timeline"].to_string();
    assert!(!public.contains("路灯修好两天又坏了") && !public.contains("FR-12"), "{public}");
    let (_, notes) = handler.get("/api/v1/notifications").await;
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["event"] == "reopened" && n["tracking_no"] == no.as_str()));
}

#[tokio::test]
async fn a_merged_duplicates_reporter_sees_the_masters_progress() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (master, _) = app.create(&valid_body()).await;
    let (duplicate, token) = app.create(&valid_body()).await;
    let v = dispatcher.version_of(&duplicate).await;
    let (status, body) = dispatcher
        .post(&format!("/api/v1/tickets/{duplicate}/merge"), &json!({ "master": master, "version": v }))
        .await;
    assert_eq!(status, 200, "{body}");
    dispatcher.dispatch_to(&master, LEAD, &[]).await;
    assert_eq!(handler.act(&master, "accept", &json!({})).await.0, 200);
    let (_, view) = status_json(app.get_request(&duplicate, Some(&token)).await).await;
    assert_eq!(view["status"], "merged");
    assert_eq!(view["master"]["tracking_no"], master.as_str());
    assert_eq!(view["master"]["status"], "accepted", "{view}");
}

#[tokio::test]
async fn a_reply_sent_over_its_warnings_keeps_the_reason_and_is_counted() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let supervisor = app.login_demo("supervisor").await;
    let counts = |body: &Value| {
        let row = body["items"].as_array().unwrap().iter().find(|r| r["department"] == LEAD).cloned();
        row.map_or((0, 0), |r| (r["replies"].as_i64().unwrap(), r["overridden"].as_i64().unwrap()))
    };
    let (status, before) = supervisor.get("/api/v1/supervision/reply-overrides").await;
    assert_eq!(status, 200, "{before}");
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    let terse = json!({ "text": "已转交。", "override_reason": "已电话答复市民，书面答复从简" });
    let (status, body) = handler.act(&no, "reply", &terse).await;
    assert_eq!(status, 200, "{body}");
    let (_, detail) = handler.get(&format!("/api/v1/tickets/{no}")).await;
    let reply = detail["parts"].as_array().unwrap().iter().find(|p| p["part"] == "reply").cloned().unwrap();
    assert_eq!(reply["override_reason"], "已电话答复市民，书面答复从简");
    assert!(!reply["warnings"].as_array().unwrap().is_empty(), "{reply}");
    let (_, after) = supervisor.get("/api/v1/supervision/reply-overrides").await;
    let (b, a) = (counts(&before), counts(&after));
    assert!(a.0 > b.0 && a.1 > b.1, "counted: {b:?} → {a:?}");
    assert_eq!(handler.get("/api/v1/supervision/reply-overrides").await.0, 403);
}
