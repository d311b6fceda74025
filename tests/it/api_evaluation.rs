//! Evaluation through the API: the citizen rates the reply (once, within the window), phone
//! call-backs, the unsatisfied-and-unresolved path (review or reopen, per configuration),
//! observers' weekly samples and grades, and the open assessment reproduced from its CSV.

use crate::helpers::{spawn_app, status_json, valid_body, Staff, TestApp, EVALUATION};
use serde_json::{json, Value};
use shared::assessment::{from_csv, league, AssessmentSettings, GroupBy};

const LEAD: &str = "city.urban-management";
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

/// A ticket the lead has answered; returns (tracking number, reporter's token).
async fn replied(app: &TestApp, dispatcher: &Staff, handler: &Staff, body: &Value) -> (String, String) {
    let (no, token) = app.create(body).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let (status, accepted) = handler.act(&no, "accept", &json!({})).await;
    assert_eq!(status, 200, "{accepted}");
    let (status, done) = handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert_eq!(status, 200, "{done}");
    (no, token)
}

fn now() -> chrono::DateTime<chrono::Utc> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    chrono::DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap()
}

async fn rate(app: &TestApp, no: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = app.client.post(app.url(&format!("/api/v1/requests/{no}/rating"))).json(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    status_json(req.send().await.unwrap()).await
}

async fn form(app: &TestApp, no: &str, token: &str) -> Value {
    let req = app.client.get(app.url(&format!("/api/v1/requests/{no}/rating"))).bearer_auth(token);
    let (status, body) = status_json(req.send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn status_of(staff: &Staff, no: &str) -> Value {
    let (status, t) = staff.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200, "{t}");
    t
}

#[tokio::test]
async fn a_content_citizen_closes_the_request_with_one_rating() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, token) = app.create(&valid_body()).await;

    // Nothing to rate before the reply.
    assert!(form(&app, &no, &token).await["open_until"].is_null());
    let (status, body) = rate(&app, &no, Some(&token), &json!({ "satisfaction": "satisfied", "resolved": true })).await;
    assert_eq!(status, 422, "the template's item is missing first: {body}");
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    handler.act(&no, "accept", &json!({})).await;
    handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;

    // A repair (01 城乡建设) is asked whether it was fixed, and how fast.
    let f = form(&app, &no, &token).await;
    assert_eq!(f["template"]["key"], "repair", "{f}");
    assert!(f["open_until"].is_string() && f["rated"].is_null(), "{f}");

    // Errors name each field; no token, no rating.
    let (status, body) =
        rate(&app, &no, Some(&token), &json!({ "satisfaction": "happy", "items": { "speed": 9 } })).await;
    assert_eq!(status, 422, "{body}");
    for field in ["satisfaction", "resolved", "items.speed"] {
        assert!(body["fields"][field].is_object(), "{field}: {body}");
    }
    let good = json!({ "satisfaction": "basically_satisfied", "resolved": true, "items": { "speed": 4 }, "comment": "修好了" });
    let (status, _) = rate(&app, &no, None, &good).await;
    assert!(status == 401 || status == 403, "{status}");

    let (status, body) = rate(&app, &no, Some(&token), &good).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!((body["effect"].as_str(), body["status"].as_str()), (Some("close"), Some("closed")), "{body}");
    let (status, again) = rate(&app, &no, Some(&token), &good).await;
    assert_eq!(status, 409, "one rating per reply: {again}");
    let f = form(&app, &no, &token).await;
    assert_eq!(f["rated"]["satisfaction"], "basically_satisfied");
    // 0.3·0.8 + 0.5·1 + 0.2·(4−1)/4 = 0.89 with the default weight of "basically satisfied".
    assert_eq!(f["rated"]["score"], 89.0, "{f}");
    assert_eq!(f["rated"]["band"], "good");
    assert_eq!(status_of(&dispatcher, &no).await["status"], "closed");

    // The reporter sees their own rating on their timeline; the public does not.
    let (_, mine) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert!(mine["timeline"].to_string().contains("basically_satisfied"), "{mine}");
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert!(!public["timeline"].to_string().contains("basically_satisfied"), "{public}");
}

#[tokio::test]
async fn unsatisfied_and_unresolved_goes_to_review_or_back_to_the_lead_as_configured() {
    let _policy = EVALUATION.lock().await;
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let supervisor = app.login_demo("supervisor").await;
    let admin = app.login_demo("admin").await;
    let complaint =
        json!({ "satisfaction": "unsatisfied", "resolved": false, "items": { "speed": 1 }, "comment": "路灯还是不亮" });

    // Review (the default): the ticket waits, answered, for a supervisor.
    let (status, _) = admin.put("/api/v1/admin/settings/evaluation", &json!({ "on_unresolved": "review" })).await;
    assert_eq!(status, 200);
    let (no, token) = replied(&app, &dispatcher, &handler, &valid_body()).await;
    let (status, body) = rate(&app, &no, Some(&token), &complaint).await;
    assert_eq!((status, body["effect"].as_str(), body["status"].as_str()), (201, Some("review"), Some("replied")));
    let (status, reviews) = supervisor.get("/api/v1/supervision/rating-reviews").await;
    assert_eq!(status, 200, "{reviews}");
    let item = reviews["items"].as_array().unwrap().iter().find(|i| i["tracking_no"] == no.as_str()).cloned();
    let item = item.expect("the review is listed");
    assert_eq!(item["reply"], GOOD_REPLY);
    assert_eq!(item["rating"]["comment"], "路灯还是不亮");
    let (status, _) = handler.get("/api/v1/supervision/rating-reviews").await;
    assert_eq!(status, 403);

    let path = format!("/api/v1/tickets/{no}/rating-review");
    let (status, body) = supervisor.post(&path, &json!({ "reopen": true, "note": "答复未解决问题" })).await;
    assert_eq!(status, 428, "{body}");
    let (status, body) = supervisor.act(&no, "rating-review", &json!({ "note": "x" })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["reopen"].is_object() && body["fields"]["note"].is_object(), "{body}");
    let (status, body) =
        supervisor.act(&no, "rating-review", &json!({ "reopen": true, "note": "答复未解决问题" })).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("reopened")), "{body}");
    let t = status_of(&dispatcher, &no).await;
    assert_eq!(t["handling"]["reopen_count"], 1, "{t}");
    let (_, reviews) = supervisor.get("/api/v1/supervision/rating-reviews").await;
    assert!(!reviews["items"].as_array().unwrap().iter().any(|i| i["tracking_no"] == no.as_str()));
    let (status, _) = supervisor.act(&no, "rating-review", &json!({ "reopen": false, "note": "再次决定" })).await;
    assert_eq!(status, 404, "decided once");

    // The lead answers again: the new reply can be rated, and a content answer closes it.
    handler.act(&no, "accept", &json!({})).await;
    handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert!(form(&app, &no, &token).await["open_until"].is_string());
    let content = json!({ "satisfaction": "satisfied", "resolved": true, "items": { "speed": 5 } });
    let (status, body) = rate(&app, &no, Some(&token), &content).await;
    assert_eq!((status, body["status"].as_str()), (201, Some("closed")), "{body}");

    // Closed by the centre before the citizen rated: the review can let the reply stand.
    let (no, token) = replied(&app, &dispatcher, &handler, &valid_body()).await;
    let (status, body) = dispatcher.act(&no, "close", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = rate(&app, &no, Some(&token), &complaint).await;
    assert_eq!((status, body["effect"].as_str(), body["status"].as_str()), (201, Some("review"), Some("closed")));
    let (status, body) =
        supervisor.act(&no, "rating-review", &json!({ "reopen": false, "note": "答复已说明情况" })).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("closed")), "{body}");
    let (_, reviews) = supervisor.get("/api/v1/supervision/rating-reviews").await;
    assert!(!reviews["items"].as_array().unwrap().iter().any(|i| i["tracking_no"] == no.as_str()));

    // Reopen: straight back to the same lead, counted.
    let (status, _) = admin.put("/api/v1/admin/settings/evaluation", &json!({ "on_unresolved": "reopen" })).await;
    assert_eq!(status, 200);
    let (no, token) = replied(&app, &dispatcher, &handler, &valid_body()).await;
    let (status, body) = rate(&app, &no, Some(&token), &complaint).await;
    assert_eq!((status, body["effect"].as_str(), body["status"].as_str()), (201, Some("reopen"), Some("reopened")));
    let (_, inbox) = handler.get("/api/v1/workbench/inbox").await;
    assert!(inbox["items"].as_array().unwrap().iter().any(|i| i["tracking_no"] == no.as_str()));

    let (status, body) = admin.put("/api/v1/admin/settings/evaluation", &json!({ "on_unresolved": "ignore" })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["on_unresolved"].is_object());
    let (status, _) = admin.put("/api/v1/admin/settings/evaluation", &json!({})).await;
    assert_eq!(status, 200, "back to the defaults");
}

#[tokio::test]
async fn the_call_centre_records_call_backs_and_only_a_reached_citizen_counts() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, _) = replied(&app, &dispatcher, &handler, &valid_body()).await;
    let path = format!("/api/v1/tickets/{no}/callbacks");

    let (status, _) = handler.post(&path, &json!({ "outcome": "not_reachable" })).await;
    assert_eq!(status, 403, "departments do not record call-backs about themselves");
    let (status, body) = dispatcher.post(&path, &json!({ "outcome": "refused", "satisfaction": "satisfied" })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["satisfaction"].is_object());
    let (status, body) = dispatcher.post(&path, &json!({ "outcome": "not_reachable" })).await;
    assert_eq!((status, body["status"].as_str()), (201, Some("replied")), "{body}");
    assert!(body["effect"].is_null());

    let (status, due) = dispatcher.get("/api/v1/callbacks").await;
    assert_eq!(status, 200, "{due}");
    let line = due["items"].as_array().unwrap().iter().find(|i| i["tracking_no"] == no.as_str()).cloned();
    let line = line.expect("still on the call list");
    assert_eq!((line["attempts"].as_i64(), line["contact_phone"].as_str()), (Some(1), Some("13912345678")));

    let reached =
        json!({ "outcome": "reached", "satisfaction": "satisfied", "resolved": true, "items": { "speed": 5 } });
    let (status, body) = dispatcher.post(&path, &reached).await;
    assert_eq!((status, body["effect"].as_str(), body["status"].as_str()), (201, Some("close"), Some("closed")));
    let (_, due) = dispatcher.get("/api/v1/callbacks").await;
    assert!(!due["items"].as_array().unwrap().iter().any(|i| i["tracking_no"] == no.as_str()));
}

#[tokio::test]
async fn observers_grade_a_weekly_sample_that_never_holds_their_own_reports() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let admin = app.login_demo("admin").await;
    let password = "观察员的长密码-2026";
    let (username, id) = admin.create_staff("observer", None, password).await;

    // Closed this week: two ordinary reports and one by the observer's own phone.
    let own_phone = format!("139{:08}", std::process::id() % 100_000_000);
    let mut own = valid_body();
    own["contact"] = json!({ "name": "代表本人", "phone": own_phone });
    let content = json!({ "satisfaction": "satisfied", "resolved": true, "items": { "speed": 4 } });
    let mut closed = Vec::new();
    for body in [valid_body(), valid_body(), own] {
        let (no, token) = replied(&app, &dispatcher, &handler, &body).await;
        let (status, _) = rate(&app, &no, Some(&token), &content).await;
        assert_eq!(status, 201);
        closed.push(no);
    }
    let (status, body) = admin
        .put(
            &format!("/api/v1/admin/observers/{id}"),
            &json!({ "kind": "npc_deputy", "phones": [format!("+86 {own_phone}")] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin.put(&format!("/api/v1/admin/observers/{id}"), &json!({ "kind": "mayor" })).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["kind"].is_object());

    // Next week's draw takes this week's closed tickets; running it again draws nothing new.
    let next_week = (now() + chrono::Duration::days(7)).to_rfc3339();
    let (status, run) = admin.post("/api/v1/admin/jobs/sample", &json!({ "at": next_week })).await;
    assert_eq!(status, 200, "{run}");
    let (_, again) = admin.post("/api/v1/admin/jobs/sample", &json!({ "at": next_week })).await;
    assert_eq!(again["sampling"]["drawn"], 0, "{again}");
    assert!(again["sampling"]["already_drawn"].as_u64().unwrap() >= 1);

    let observer = app.login(&username, password).await;
    let (status, samples) = observer.get("/api/v1/observer/samples").await;
    assert_eq!(status, 200, "{samples}");
    let sample = samples["samples"][0].clone();
    assert_eq!(sample["week"], run["sampling"]["week"]);
    let seed: u64 = sample["seed"].as_str().unwrap().parse().unwrap();
    assert_eq!(seed, shared::sampling::seed_for(sample["week"].as_str().unwrap(), &id), "the recorded seed");
    let items = sample["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() <= sample["size"].as_u64().unwrap() as usize, "{sample}");
    assert!(!items.iter().any(|i| i["tracking_no"] == closed[2].as_str()), "never their own report");
    assert!(!sample.to_string().contains("13912345678"), "no reporter contact reaches observers");

    // Prefer one of this test's tickets: their lead and rating are known.
    let ours = items.iter().find(|i| closed[..2].iter().any(|no| i["tracking_no"] == no.as_str()));
    let target = ours.unwrap_or(&items[0])["tracking_no"].as_str().unwrap();
    let sample_id = sample["id"].as_i64().unwrap();
    let path = format!("/api/v1/observer/samples/{sample_id}/tickets/{target}/grade");
    let (status, body) = observer.post(&path, &json!({ "resolution": 6, "quality": 3 })).await;
    assert_eq!(status, 422, "{body}");
    for field in ["resolution", "timeliness"] {
        assert!(body["fields"][field].is_object(), "{field}: {body}");
    }
    let grade =
        json!({ "resolution": 4, "quality": 2, "timeliness": 5, "comment": "回复偏模板化，可致电 13700001111 核实" });
    let (status, _) = handler.post(&path, &grade).await;
    assert_eq!(status, 403);
    let other = format!("/api/v1/observer/samples/{sample_id}/tickets/{}/grade", closed[2]);
    let (status, _) = observer.post(&other, &grade).await;
    assert_eq!(status, 404, "only tickets of their own sample");
    let (status, body) = observer.post(&path, &grade).await;
    assert_eq!(status, 201, "{body}");

    // Published without the observer's name or anyone's phone number.
    let (status, open) = status_json(app.get("/api/v1/open/grades").await).await;
    assert_eq!(status, 200, "{open}");
    let published = open["grades"].as_array().unwrap().iter().find(|g| g["tracking_no"] == target).cloned();
    let published = published.expect("the grade is published");
    assert_eq!((published["resolution"].as_u64(), published["observer_kind"].as_str()), (Some(4), Some("npc_deputy")));
    assert!(!open.to_string().contains("13700001111") && !open.to_string().contains(&username), "{published}");
    if ours.is_some() {
        let agreement = open["agreement"].as_array().unwrap();
        assert!(agreement.iter().any(|a| a["department"] == LEAD && a["pairs"].as_u64() >= Some(1)), "{open}");
    }
}

/// The league table, read twice around the CSV so that a concurrent test's change is noticed.
async fn stable_league(app: &TestApp, month: &str) -> (Value, String, Value) {
    // Other tests file and handle requests all the time; wait for a quiet moment between reads.
    for attempt in 0..40 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        }
        let (_, before) = status_json(app.get(&format!("/api/v1/open/assessment?month={month}")).await).await;
        let csv = app.get(&format!("/api/v1/open/assessment.csv?month={month}")).await;
        assert_eq!(csv.headers()["content-type"].to_str().unwrap(), "text/csv; charset=utf-8");
        let csv = csv.text().await.unwrap();
        let (_, settings) = status_json(app.get("/api/v1/open/assessment/settings").await).await;
        let (_, after) = status_json(app.get(&format!("/api/v1/open/assessment?month={month}")).await).await;
        if before == after {
            return (after, csv, settings);
        }
    }
    panic!("the assessment kept changing under the test");
}

#[tokio::test]
async fn every_published_assessment_figure_is_reproduced_from_the_open_csv() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, token) = replied(&app, &dispatcher, &handler, &valid_body()).await;
    let content = json!({ "satisfaction": "satisfied", "resolved": true, "items": { "speed": 5 } });
    assert_eq!(rate(&app, &no, Some(&token), &content).await.0, 201);

    let month = now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y-%m").to_string();
    let (table, csv, settings) = stable_league(&app, &month).await;
    let rows = from_csv(&csv).unwrap_or_else(|e| panic!("{e:?}"));
    let mine = rows.iter().find(|r| r.tracking_no == no).expect("the ticket is in its month's CSV");
    assert_eq!(mine.department.as_deref(), Some(LEAD));
    assert_eq!(mine.resolved, Some(true));
    assert!(!csv.contains("13912345678") && !csv.contains("王小明"), "no personal data in open data");

    let settings: AssessmentSettings = serde_json::from_value(settings).unwrap();
    // Through text, as the API's figures came: the same digits parse to the same numbers.
    let recomputed = league(&rows, &month, GroupBy::Department, &settings);
    let recomputed: Value = serde_json::from_str(&serde_json::to_string(&recomputed).unwrap()).unwrap();
    assert_eq!(recomputed, table, "the published table is the CSV's");
    let lead = table["groups"].as_array().unwrap().iter().find(|g| g["group"] == LEAD).cloned().unwrap();
    assert!(lead["counts"]["rated"].as_u64().unwrap() >= 1, "{lead}");
    assert!(lead["rates"]["satisfaction"].as_f64().is_some(), "{lead}");

    let (status, body) = status_json(app.get("/api/v1/open/assessment?month=2026-13").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["month"].is_object());
    let (status, body) = status_json(app.get(&format!("/api/v1/open/assessment?month={month}&by=mood")).await).await;
    assert_eq!(status, 422, "{body}");
    let (status, streets) =
        status_json(app.get(&format!("/api/v1/open/assessment?month={month}&by=street")).await).await;
    assert_eq!((status, streets["by"].as_str()), (200, Some("street")), "{streets}");

    let (status, names) = status_json(app.get("/api/v1/open/departments").await).await;
    assert_eq!(status, 200);
    assert!(names["departments"].as_array().unwrap().iter().any(|d| d["code"] == LEAD && d["name"].is_string()));

    // An empty month has counts of zero and no rates at all, never 0 % or 100 %.
    let (_, empty) = status_json(app.get("/api/v1/open/assessment?month=2001-01").await).await;
    assert_eq!(empty["groups"], json!([]), "{empty}");
}
