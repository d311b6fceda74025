//! Evaluation on the staff side, on a phone. A new observer grades a request of their weekly
//! sample: an empty form names every score in the error summary, a graded one is saved,
//! published and shown again on the next visit. The call centre records a missed call-back (the
//! request stays on the list, one attempt more) and then a reached one that closes the request.
//! A supervisor decides a citizen's unsatisfied, unresolved rating: a note is required.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, valid_body, Staff, TestApp, EVALUATION};
use fantoccini::key::Key;
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

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

async fn scroll_to(b: &Browser, id: &str) {
    b.eval(&format!("document.getElementById({id:?}).scrollIntoView(); return true")).await;
}

/// Sign in on the staff page with a password of the test's own, keyboard only.
async fn sign_in_as(b: &Browser, username: &str, password: &str) {
    b.open("/staff/login").await;
    b.wait_for_id("username").await;
    b.tab_to("username").await;
    b.keys(username).await;
    b.tab_to("password").await;
    b.keys(password).await;
    b.press(Key::Enter).await;
    b.wait_for_id("staff-user").await;
}

/// Press an arrow key `n` times: in a radio group each press moves to the next radio and picks it.
async fn arrow_down(b: &Browser, n: usize) {
    for _ in 0..n {
        b.press(Key::Down).await;
    }
}

/// A request the lead has answered; returns (tracking number, reporter's token).
async fn replied(app: &TestApp, dispatcher: &Staff, handler: &Staff) -> (String, String) {
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let (status, body) = handler.act(&no, "accept", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert_eq!(status, 200, "{body}");
    (no, token)
}

async fn rate(app: &TestApp, no: &str, token: &str, body: &Value) -> (u16, Value) {
    let req = app.client.post(app.url(&format!("/api/v1/requests/{no}/rating"))).bearer_auth(token).json(body);
    status_json(req.send().await.unwrap()).await
}

fn now() -> chrono::DateTime<chrono::Utc> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    chrono::DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap()
}

async fn status_of(staff: &Staff, no: &str) -> String {
    let (status, t) = staff.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200, "{t}");
    t["status"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_observer_grades_a_request_of_their_weekly_sample() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let admin = app.login_demo("admin").await;

    // Two requests closed this week, rated satisfied by their reporters.
    let content = json!({ "satisfaction": "satisfied", "resolved": true, "items": { "speed": 4 } });
    for _ in 0..2 {
        let (no, token) = replied(&app, &dispatcher, &handler).await;
        let (status, body) = rate(&app, &no, &token, &content).await;
        assert_eq!(status, 201, "{body}");
    }
    // A new observer (after the closings, so no other test's draw takes their week first).
    let password = "观察员的长密码-2026";
    let (username, id) = admin.create_staff("observer", None, password).await;
    let (status, body) =
        admin.put(&format!("/api/v1/admin/observers/{id}"), &json!({ "kind": "people_observer" })).await;
    assert_eq!(status, 200, "{body}");
    let next_week = (now() + chrono::Duration::days(7)).to_rfc3339();
    let (status, run) = admin.post("/api/v1/admin/jobs/sample", &json!({ "at": next_week })).await;
    assert_eq!(status, 200, "{run}");

    let observer = app.login(&username, password).await;
    let (_, samples) = observer.get("/api/v1/observer/samples").await;
    let sample = samples["samples"][0].clone();
    let sample_id = sample["id"].as_i64().unwrap_or_else(|| panic!("a sample: {samples}"));
    let no = sample["items"][0]["tracking_no"].as_str().unwrap_or_else(|| panic!("an item: {sample}")).to_owned();
    let key = format!("g{sample_id}-{no}");

    let b = Browser::phone().await;
    sign_in_as(&b, &username, password).await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.samples")));
    b.open("/staff/samples").await;
    b.wait_for_id(&format!("{key}-card")).await;
    let list = b.text_of("sample-list").await;
    assert!(list.contains(sample["week"].as_str().unwrap()) && list.contains(sample["seed"].as_str().unwrap()));
    b.screenshot("95-observer-sample").await;

    // Nothing chosen: the summary names all three scores.
    let save = format!("{key}-save");
    b.tab_to(&save).await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    let summary = b.text_of("error-summary").await;
    for field in ["field.grade.resolution", "field.grade.quality", "field.grade.timeliness"] {
        assert!(summary.contains(&t("zh-Hans", field)), "{field}: {summary}");
    }

    // 4, 3 and 5 with the arrow keys, and a comment.
    b.tab_to(&format!("{key}-resolution-1")).await;
    arrow_down(&b, 3).await;
    b.tab_to(&format!("{key}-quality-1")).await;
    arrow_down(&b, 2).await;
    b.tab_to(&format!("{key}-timeliness-1")).await;
    arrow_down(&b, 4).await;
    b.tab_to(&format!("{key}-comment")).await;
    b.keys("答复清楚，办理及时").await;
    b.tab_to(&save).await;
    b.press(Key::Enter).await;
    let status_id = format!("{key}-status");
    focused(&b, &status_id).await;
    assert!(b.text_of(&status_id).await.contains(&no));
    b.wait_until("the error gone", "return !document.getElementById('error-summary')").await;
    scroll_to(&b, &status_id).await;
    b.screenshot("96-observer-graded").await;

    let (status, open) = status_json(app.get("/api/v1/open/grades").await).await;
    assert_eq!(status, 200, "{open}");
    let grade = open["grades"].as_array().unwrap().iter().find(|g| g["tracking_no"] == no.as_str()).cloned();
    let grade = grade.unwrap_or_else(|| panic!("published: {open}"));
    let scores = (grade["resolution"].as_u64(), grade["quality"].as_u64(), grade["timeliness"].as_u64());
    assert_eq!(scores, (Some(4), Some(3), Some(5)), "{grade}");
    assert_eq!(
        (grade["comment"].as_str(), grade["observer_kind"].as_str()),
        (Some("答复清楚，办理及时"), Some("people_observer"))
    );

    // On the next visit the grade is shown and can be changed.
    b.open("/staff/samples").await;
    b.wait_for_id(&format!("{key}-card")).await;
    b.wait_until(
        "the saved grade chosen",
        &format!("const r = document.getElementById({:?}); return !!r && r.checked", format!("{key}-quality-3")),
    )
    .await;
    assert!(b.text_of(&save).await.contains(&t("zh-Hans", "samples.update")));
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn the_call_centre_records_a_missed_call_then_a_reached_one_that_closes_the_request() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, _) = replied(&app, &dispatcher, &handler).await;

    let b = Browser::phone().await;
    b.sign_in("dispatcher").await;
    b.open("/staff/callbacks").await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.callbacks")));
    b.wait_until("our request listed", &shows("callback-list", &no)).await;
    let card = b.text_of(&format!("callback-{no}")).await;
    assert!(card.contains("13912345678"), "{card}");
    let href = b
        .eval(&format!("return document.querySelector('#callback-{no} a[href^=\"tel:\"]').getAttribute('href')"))
        .await;
    assert_eq!(href, "tel:13912345678");

    // Nobody answers: one attempt, and the request stays on the list.
    b.tab_to(&format!("record-callback-{no}")).await;
    b.press(Key::Enter).await;
    focused(&b, "callback-form-heading").await;
    let hidden = "return document.getElementById('callback-satisfaction-satisfied').offsetParent === null";
    assert_eq!(b.eval(hidden).await, Value::Bool(true), "no answers asked before the citizen is reached");
    b.tab_to("callback-outcome-reached").await;
    arrow_down(&b, 1).await;
    b.tab_to("save-callback").await;
    b.press(Key::Enter).await;
    focused(&b, "callback-status").await;
    let said = b.text_of("callback-status").await;
    assert!(said.contains(&no) && said.contains(&t("zh-Hans", "callbacks.outcome.not_reachable")), "{said}");
    let once = t("zh-Hans", "callbacks.attempts_value").replace("{n}", "1");
    b.wait_until("one attempt counted", &shows(&format!("attempts-{no}"), &once)).await;
    assert_eq!(status_of(&dispatcher, &no).await, "replied");

    // Opened and cancelled: focus goes back to the line's button.
    let record = format!("record-callback-{no}");
    b.tab_to(&record).await;
    b.press(Key::Enter).await;
    focused(&b, "callback-form-heading").await;
    b.tab_to("cancel-callback").await;
    b.press(Key::Enter).await;
    focused(&b, &record).await;

    // Reached: satisfied, resolved, and the repair template's question on speed.
    b.press(Key::Enter).await;
    focused(&b, "callback-form-heading").await;
    b.tab_to("callback-outcome-reached").await;
    b.keys(" ").await;
    b.wait_for_id("callback-satisfaction-satisfied").await;
    b.tab_to("callback-satisfaction-satisfied").await;
    b.keys(" ").await;
    b.tab_to("callback-resolved-yes").await;
    b.keys(" ").await;
    b.tab_to("callback-item-speed-1").await;
    arrow_down(&b, 4).await;
    scroll_to(&b, &format!("callback-{no}")).await;
    b.screenshot("97-callbacks").await;
    b.tab_to("save-callback").await;
    b.press(Key::Enter).await;
    focused(&b, "callback-status").await;
    assert!(b.text_of("callback-status").await.contains(&t("zh-Hans", "callbacks.effect.close")));
    b.wait_until(
        "the request off the list",
        &format!("const l = document.getElementById('callback-list'); return !!l && !l.innerText.includes({no:?})"),
    )
    .await;
    assert_eq!(status_of(&dispatcher, &no).await, "closed");
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn a_supervisor_lets_a_reply_stand_against_an_unsatisfied_rating() {
    // The review path needs the policy `review` (the default) for the whole test.
    let _policy = EVALUATION.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (status, body) = admin.put("/api/v1/admin/settings/evaluation", &json!({ "on_unresolved": "review" })).await;
    assert_eq!(status, 200, "{body}");
    let (no, token) = replied(&app, &dispatcher, &handler).await;
    let complaint =
        json!({ "satisfaction": "unsatisfied", "resolved": false, "items": { "speed": 1 }, "comment": "路灯还是不亮" });
    let (status, body) = rate(&app, &no, &token, &complaint).await;
    assert_eq!((status, body["effect"].as_str()), (201, Some("review")), "{body}");

    let b = Browser::phone().await;
    b.sign_in("supervisor").await;
    b.open("/staff/supervision").await;
    b.wait_until("the review listed", &shows("review-list", &no)).await;
    let card = b.text_of(&format!("review-{no}")).await;
    assert!(
        card.contains("路灯还是不亮") && card.contains(&t("zh-Hans", "callbacks.satisfaction.unsatisfied")),
        "{card}"
    );

    // A decision says why.
    let close = format!("review-close-{no}");
    b.tab_to(&close).await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    assert!(b.text_of("error-summary").await.contains(&t("zh-Hans", "field.rating_review.note")));
    scroll_to(&b, &format!("review-{no}")).await;
    b.screenshot("98-rating-review").await;
    b.tab_to(&format!("review-note-{no}")).await;
    b.keys("答复已说明维修情况，路灯已恢复").await;
    b.tab_to(&close).await;
    b.press(Key::Enter).await;
    focused(&b, "review-status").await;
    assert!(b.text_of("review-status").await.contains(&no));
    b.wait_until(
        "the review off the list",
        &format!("const l = document.getElementById('review-list'); return !!l && !l.innerText.includes({no:?})"),
    )
    .await;
    assert_eq!(status_of(&dispatcher, &no).await, "closed");
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn an_admin_keeps_the_evaluation_settings_names_an_observer_and_draws_samples() {
    // Saving the policy writes it again: no other test may change it meanwhile.
    let _policy = EVALUATION.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (_, policy) = admin.get("/api/v1/admin/settings/evaluation").await;
    let (_, assessment) = status_json(app.get("/api/v1/open/assessment/settings").await).await;
    let (_, id) = admin.create_staff("observer", None, "另一位观察员的长密码-2026").await;

    let b = Browser::phone().await;
    b.sign_in("admin").await;
    b.open("/staff/evaluation").await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.evaluation")));
    assert!(b.text_of("template-table").await.contains(&t("zh-Hans", "eval.template.repair")));
    scroll_to(&b, "templates-heading").await;
    b.screenshot("98c-evaluation-templates").await;

    // The policy saved as it was.
    b.wait_for_id("save-policy").await;
    b.tab_to("save-policy").await;
    b.press(Key::Enter).await;
    focused(&b, "policy-status").await;

    // A black list line above the red one is refused before anything is sent.
    b.wait_for_id("assessment-black").await;
    b.set_value("assessment-black", "95", "input").await;
    b.tab_to("save-assessment").await;
    b.press(Key::Enter).await;
    focused(&b, "error-summary").await;
    let summary = b.text_of("error-summary").await;
    assert!(summary.contains(&t("zh-Hans", "field_error.out_of_range.assessment.black_threshold")), "{summary}");
    scroll_to(&b, "assessment-heading").await;
    b.screenshot("98b-evaluation-settings").await;
    let black = format!("{}", assessment["black_threshold"].as_f64().unwrap());
    b.set_value("assessment-black", &black, "input").await;
    b.tab_to("save-assessment").await;
    b.press(Key::Enter).await;
    focused(&b, "assessment-status").await;

    // The new observer is a CPPCC member with one phone of their own.
    b.wait_until(
        "the observer offered",
        &format!("return !!document.querySelector('#observer-staff option[value=\"{id}\"]')"),
    )
    .await;
    b.set_value("observer-staff", &id, "change").await;
    b.tab_to("observer-kind-npc_deputy").await;
    arrow_down(&b, 1).await;
    b.tab_to("observer-phones").await;
    b.keys("13800001111").await;
    b.tab_to("save-observer").await;
    b.press(Key::Enter).await;
    focused(&b, "observer-status").await;
    assert!(b.text_of("observer-status").await.contains("测试员"));

    b.tab_to("draw-samples").await;
    b.press(Key::Enter).await;
    focused(&b, "draw-status").await;
    assert!(b.text_of("draw-status").await.contains("-W"));

    let (_, after) = admin.get("/api/v1/admin/settings/evaluation").await;
    assert_eq!(after, policy);
    let (_, now) = status_json(app.get("/api/v1/open/assessment/settings").await).await;
    assert_eq!(now, assessment);
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}
