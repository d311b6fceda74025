//! A dispatcher's day on a phone: the queue, one request's panel with its suggestion and the
//! responsibility list's proposal, merging a second report of the same problem, a stale
//! attempt, and dispatching with one action.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, unique_key, Staff};
use fantoccini::key::Key;
use serde_json::{json, Value};

async fn exists(b: &Browser, id: &str) -> bool {
    b.eval(&format!("return !!document.getElementById({id:?})")).await == Value::Bool(true)
}

async fn scroll_to(b: &Browser, id: &str) {
    b.eval(&format!("document.getElementById({id:?}).scrollIntoView(); return true")).await;
}

/// Loud music on a square in A3区东塘街道, where a rule of the responsibility list names one
/// lead. `tag` makes this run's reports alike to each other and unlike every other run's.
fn noise_report(tag: &str) -> Value {
    json!({
        "title": "广场舞音响噪音扰民",
        "description": format!("东塘街道文化广场每晚广场舞音响开得很大，一直到十点以后，噪音扰民，孩子无法写作业。编号{tag}"),
        "category": "04.02.03",
        "location": { "lat": 28.0, "lng": 112.80 },
        "anonymous": true
    })
}

/// The rule the proposal comes from; added once, whichever test runs first.
async fn ensure_rule(admin: &Staff) {
    let (status, rules) = admin.get("/api/v1/admin/rules").await;
    assert_eq!(status, 200, "{rules}");
    let present = rules.as_array().unwrap().iter().any(|r| r["category"] == "04.02.03" && r["area"] == "a3-dongtang");
    if !present {
        let (status, rule) = admin
            .post(
                "/api/v1/admin/rules",
                &json!({ "category": "04.02.03", "area": "a3-dongtang", "lead": "city.urban-management",
                         "co_handlers": ["a3.dongtang", "city.ecology"] }),
            )
            .await;
        assert_eq!(status, 201, "{rule}");
    }
}

async fn queue_item(dispatcher: &Staff, no: &str) -> Option<Value> {
    let (status, queue) = dispatcher.get("/api/v1/dispatch/queue").await;
    assert_eq!(status, 200, "{queue}");
    queue.as_array().unwrap().iter().find(|i| i["tracking_no"] == no).cloned()
}

#[tokio::test]
async fn a_dispatcher_merges_a_repeat_report_and_dispatches_the_request_with_one_action() {
    // The threshold and the model are global to the stack; other tests reason about them.
    let _classifier = crate::helpers::CLASSIFIER.lock().await;
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    ensure_rule(&admin).await;
    let (_, settings) = admin.get("/api/v1/admin/settings/dispatch").await;
    if settings.get("model").is_none_or(Value::is_null) {
        let (status, trained) = admin.post("/api/v1/admin/triage/train", &json!({})).await;
        assert_eq!(status, 200, "{trained}");
    }
    // Nothing dispatches itself while this runs, so both reports wait in the queue.
    let (status, _) = admin.put("/api/v1/admin/settings/dispatch", &json!({ "auto_dispatch_threshold": 1.0 })).await;
    assert_eq!(status, 200);

    let tag = unique_key();
    let (first, _) = app.create(&noise_report(&tag)).await;
    let (second, _) = app.create(&noise_report(&tag)).await;
    let item = queue_item(&dispatcher, &first).await.expect("the first report waits in the queue");
    assert!(queue_item(&dispatcher, &second).await.is_some(), "the second report waits too");
    assert_eq!(item["proposal"]["outcome"], "resolved", "{item}");
    let lead = item["proposal"]["lead"].as_str().unwrap().to_owned();
    let lead_name = crate::helpers::demo_org()["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == lead.as_str())
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .unwrap();
    let (status, _) = dispatcher.get(&format!("/api/v1/tickets/{first}/duplicates")).await;
    let casework = status == 200;

    let b = Browser::phone().await;
    b.sign_in("dispatcher").await;
    let menu = b.text_of("staff-nav").await;
    assert!(menu.contains(&t("zh-Hans", "staff.nav.dispatch")), "{menu}");
    assert!(!menu.contains(&t("zh-Hans", "staff.nav.supervision")), "dispatchers do not decide: {menu}");
    b.open("/staff/dispatch").await;
    b.wait_for_id("dispatch-queue").await;
    b.wait_until("the queue drawn", "return document.querySelectorAll('#dispatch-queue li').length > 0").await;
    b.screenshot("30-dispatch-queue").await;

    // A caller reads out the number: the filter finds it among everything waiting.
    b.tab_to("queue-filter").await;
    b.keys(&first).await;
    b.wait_until("only the first report listed", "return document.querySelectorAll('#dispatch-queue li').length === 1")
        .await;
    let listed = b.text_of("dispatch-queue").await;
    assert!(listed.contains(&t("zh-Hans", "urgency.normal")) && listed.contains('%'), "{listed}");
    assert!(listed.contains(&lead_name), "the proposal is listed: {listed}");
    b.tab_to(&format!("open-{first}")).await;
    b.press(Key::Enter).await;
    b.wait_until("the panel", &format!("return location.pathname === '/staff/dispatch/{first}'")).await;
    b.wait_for_id("dispatch-button").await;

    // What the request says, the classifier's suggestion and the list's proposal.
    assert_eq!(b.text_of("ticket-title").await.trim(), "广场舞音响噪音扰民");
    let top = item["suggestions"][0]["confidence"].as_f64().expect("a suggestion");
    let suggestions = b.text_of("suggestions").await;
    assert!(suggestions.contains(&format!("{}%", (top * 100.0).round())), "{suggestions}");
    assert!(b.text_of("proposal").await.contains(&lead_name));
    let chosen = b.eval("return document.getElementById('dispatch-lead').value").await;
    assert_eq!(chosen, lead.as_str(), "the lead is prefilled with the proposal");
    b.screenshot("31-dispatch-panel").await;

    if casework {
        // Whose is it? Ask the ecology bureau too; the question and its (empty) thread show.
        let ecology = b
            .eval("return document.querySelector('#consult-departments-0').closest('.checkboxes').querySelector('input[value=\"city.ecology\"]').id")
            .await;
        b.tab_to(ecology.as_str().unwrap()).await;
        b.press(Key::Space).await;
        b.tab_to("consult-question").await;
        b.keys("广场舞噪音归城管还是生态环境部门处理？").await;
        b.tab_to("consult-button").await;
        b.press(Key::Enter).await;
        b.wait_until(
            "the question in the thread",
            "const t = document.getElementById('consult-threads'); return !!t && t.innerText.includes('广场舞噪音归城管')",
        )
        .await;
        b.wait_until("focus on the outcome", "return document.activeElement.id === 'consult-status'").await;
        assert!(b.text_of("consult-threads").await.contains("市生态环境局"));
        scroll_to(&b, "consult-heading").await;
        b.screenshot("36-dispatch-consult").await;

        // The second report is the same problem: merge it into this one.
        let merge = format!("merge-{second}");
        b.wait_for_id(&merge).await;
        scroll_to(&b, "duplicates-heading").await;
        b.screenshot("32-dispatch-duplicates").await;
        b.tab_to(&merge).await;
        b.press(Key::Enter).await;
        b.wait_until(
            "the merge told",
            &format!("return document.getElementById('merge-status').innerText.includes({second:?})"),
        )
        .await;
        b.wait_until("focus on the outcome", "return document.activeElement.id === 'merge-status'").await;
        let (_, merged) = dispatcher.get(&format!("/api/v1/tickets/{second}")).await;
        assert_eq!(merged["status"], "merged", "{merged}");
        b.wait_until("a merged report no longer a candidate", &format!("return !document.getElementById({merge:?})"))
            .await;

        // Someone else changes the request meanwhile (a third report merged over the API):
        // dispatching what the page showed is refused, said plainly, and the page reloads.
        let (third, _) = app.create(&noise_report(&tag)).await;
        let (status, body) = dispatcher.act_merge(&third, &first).await;
        assert_eq!(status, 200, "{body}");
        let seen = b.eval("return document.querySelector('form[data-version]').dataset.version").await;
        b.tab_to("dispatch-button").await;
        b.press(Key::Enter).await;
        b.wait_for_id("error-summary").await;
        let summary = b.text_of("error-summary").await;
        assert!(summary.contains(&t("zh-Hans", "dispatch.stale")), "{summary}");
        b.wait_for_focus("error-summary").await;
        // The refused page reloads the request; what follows acts on the reloaded form.
        b.wait_until(
            "the request reloaded",
            &format!(
                "const f = document.querySelector('form[data-version]'); return !!f && f.dataset.version !== {seen}"
            ),
        )
        .await;
    }

    // Without a lead the summary names the field and links to it.
    b.set_value("dispatch-lead", "", "change").await;
    b.tab_to("dispatch-button").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the missing lead named",
        &format!(
            "const s = document.getElementById('error-summary'); return !!s && s.innerText.includes({:?})",
            t("zh-Hans", "field_error.required.lead")
        ),
    )
    .await;
    b.wait_for_focus("error-summary").await;
    b.screenshot("33-dispatch-error").await;
    b.eval("document.querySelector('#error-summary a[href=\"#dispatch-lead\"]').click(); return true").await;
    assert_eq!(b.active_id().await, "dispatch-lead");
    b.set_value("dispatch-lead", &lead, "change").await;

    // Urgent, chosen with the arrow keys, then the one action.
    b.tab_to("urgency-normal").await;
    b.press(Key::Down).await;
    b.wait_until("urgent chosen", "return document.getElementById('urgency-urgent').checked").await;
    scroll_to(&b, "dispatch-heading").await;
    b.screenshot("34-dispatch-form").await;
    b.tab_to("dispatch-button").await;
    b.press(Key::Enter).await;
    b.wait_until("back to the queue", "return location.pathname === '/staff/dispatch'").await;
    b.wait_until(
        "the dispatch told",
        &format!("return document.getElementById('dispatch-notice').innerText.includes({first:?})"),
    )
    .await;
    let notice = b.text_of("dispatch-notice").await;
    assert!(notice.contains(&lead_name), "{notice}");
    assert_eq!(b.eval("return document.getElementById('dispatch-notice').getAttribute('role')").await, "status");
    b.wait_for_id("dispatch-queue").await;
    assert!(!exists(&b, &format!("open-{first}")).await, "a dispatched request leaves the queue");
    b.screenshot("35-dispatch-done").await;

    let (status, ticket) = dispatcher.get(&format!("/api/v1/tickets/{first}")).await;
    assert_eq!(status, 200);
    assert_eq!(ticket["lead"], lead.as_str(), "{ticket}");
    assert_eq!(ticket["urgency"], "urgent");
    assert_eq!(ticket["status"], "dispatched");
    assert!(queue_item(&dispatcher, &first).await.is_none());

    let errors = b.console_errors().await;
    // Expected: the stale attempt (412, or 409 where the move itself was refused), and the casework
    // endpoints while they are not served (404).
    let expected =
        |e: &String| e.contains("412") || e.contains("409") || e.contains("401") || (!casework && e.contains("404"));
    assert!(errors.iter().all(expected), "console errors: {errors:?}");
    b.close().await;

    let (status, _) = admin.put("/api/v1/admin/settings/dispatch", &json!({ "auto_dispatch_threshold": 0.9 })).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_supervisor_decides_on_an_unreasonable_proposal() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let (status, _) = dispatcher.get("/api/v1/supervision/unreasonable").await;
    let (no, _) = app.create(&noise_report(&unique_key())).await;
    let (_, detail) =
        status_json(dispatcher.request(reqwest::Method::GET, &format!("/api/v1/tickets/{no}")).send().await.unwrap())
            .await;
    let (proposed, body) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no}/unreasonable"),
            &json!({ "reason_code": "beyond_government_scope", "note": "要求政府赔偿个人投资损失", "version": detail["version"] }),
        )
        .await;
    if status == 404 || proposed == 404 {
        eprintln!("the unreasonable-request endpoints are not served yet: {body}");
        return;
    }
    assert_eq!(proposed, 200, "{body}");

    let b = Browser::phone().await;
    b.sign_in("supervisor").await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.supervision")));
    b.open("/staff/supervision").await;
    let confirm = format!("confirm-{no}");
    b.wait_for_id(&confirm).await;
    let card = b.text_of("proposal-list").await;
    assert!(card.contains(&t("zh-Hans", "unreasonable.reason.beyond_government_scope")), "{card}");
    b.eval(&format!("document.getElementById({confirm:?}).scrollIntoView(); return true")).await;
    b.screenshot("37-supervision").await;
    b.tab_to(&format!("reject-{no}")).await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the decision told",
        &format!("return document.getElementById('decision-status').innerText.includes({no:?})"),
    )
    .await;
    b.wait_for_focus("decision-status").await;
    b.wait_until("a decided proposal gone from the list", &format!("return !document.getElementById({confirm:?})"))
        .await;
    let (_, ticket) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert_ne!(ticket["status"], "rejected_unreasonable", "a rejected proposal leaves the request to be handled");

    // Supervisors dispatch too; the console in English.
    b.set_value("lang-select", "en", "change").await;
    b.open("/staff/dispatch").await;
    b.wait_for_id("dispatch-queue").await;
    b.wait_until("English", "return document.documentElement.lang === 'en'").await;
    assert_eq!(
        b.eval("return document.querySelector('main h1').innerText").await,
        t("en", "dispatch.heading").as_str()
    );
    b.screenshot("38-dispatch-queue-en").await;
    b.close().await;
}
