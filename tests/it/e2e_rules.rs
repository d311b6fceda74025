//! The responsibility list and disputes on a phone: an admin adds a rule, sees it listed with
//! names and the coverage report, and deletes it again; a dispatcher rejects a lead's dispute.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, valid_body, Staff};
use fantoccini::key::Key;
use serde_json::{json, Value};

/// Choose in a `<select>` as a user would (a select cannot be typed into in Chinese).
async fn choose(b: &Browser, id: &str, value: &str) {
    let script = format!(
        "const el = document.getElementById({id:?}); el.value = {value:?}; el.dispatchEvent(new Event('change', {{ bubbles: true }})); return el.value === {value:?}"
    );
    assert_eq!(b.eval(&script).await, Value::Bool(true), "#{id} offers {value}");
}

/// The id of the checkbox in a group whose value is `value`.
async fn checkbox_for(b: &Browser, group: &str, value: &str) -> String {
    let script = format!(
        "const el = Array.from(document.querySelectorAll('input[id^=\"{group}-\"]')).find(i => i.value === {value:?}); return el ? el.id : ''"
    );
    let id = b.eval(&script).await.as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty(), "a box for {value} in {group}");
    id
}

/// An unusual corner of the list, so the rule changes nothing another test relies on.
const CATEGORY: &str = "15.09.06";

async fn our_rules(admin: &Staff) -> Vec<Value> {
    let (status, rules) = admin.get("/api/v1/admin/rules").await;
    assert_eq!(status, 200, "{rules}");
    rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["category"] == CATEGORY && r["area"] == "a1" && r["kind"] == "enterprise")
        .cloned()
        .collect()
}

#[tokio::test]
async fn an_admin_adds_a_rule_sees_it_by_name_with_the_coverage_and_deletes_it() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    // Left over from an interrupted run.
    for r in our_rules(&admin).await {
        admin.delete(&format!("/api/v1/admin/rules/{}", r["id"])).await;
    }
    let b = Browser::phone().await;
    b.sign_in("admin").await;
    b.open("/staff/rules").await;
    b.wait_for_id("rule-table").await;
    b.wait_for_id("coverage-summary").await;
    assert!(b.text_of("staff-nav").await.contains(&t("zh-Hans", "staff.nav.rules")));
    let before = b.text_of("coverage-summary").await;

    // Nothing chosen: the summary names the missing lead and links to it.
    b.tab_to("create-rule").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    assert!(b.text_of("error-summary").await.contains(&t("zh-Hans", "field.lead")));

    b.tab_to("rule-category").await;
    b.keys(CATEGORY).await;
    b.wait_until(
        "the category's path under the field",
        "return document.getElementById('rule-category-resolved').innerText.includes('病退及提前退休人员待遇')",
    )
    .await;
    choose(&b, "rule-area", "a1").await;
    choose(&b, "rule-kind", "enterprise").await;
    choose(&b, "rule-lead", "city.housing").await;
    let co = checkbox_for(&b, "rule-co", "city.transport").await;
    b.tab_to(&co).await;
    b.press(Key::Space).await;
    b.tab_to("create-rule").await;
    b.press(Key::Enter).await;
    b.wait_until("the rule saved", "return document.activeElement && document.activeElement.id === 'rule-status'")
        .await;
    assert!(b.text_of("rule-status").await.contains("市住房和城乡建设局"));
    b.wait_until(
        "the rule listed by names",
        "const t = document.getElementById('rule-table').innerText; return t.includes('劳动和社会保障 › 退休政策及待遇 › 病退及提前退休人员待遇') && t.includes('市交通运输局')",
    )
    .await;
    let saved = our_rules(&admin).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(
        (saved[0]["lead"].as_str(), saved[0]["co_handlers"].clone()),
        (Some("city.housing"), json!(["city.transport"]))
    );

    // The coverage report is reloaded: one gap fewer than before.
    b.wait_until(
        "the coverage reloaded",
        &format!("return document.getElementById('coverage-summary').innerText !== {before:?}"),
    )
    .await;
    let (_, report) = admin.get("/api/v1/admin/rules/coverage").await;
    let summary = b.text_of("coverage-summary").await;
    assert!(summary.contains(&report["gaps"].to_string()), "{summary} vs {}", report["gaps"]);
    if report["gaps"].as_u64().unwrap_or(0) > 0 {
        assert!(b.text_of("coverage-table").await.contains(&t("zh-Hans", "rules.coverage.no_lead")));
    }
    b.eval("document.getElementById('new-rule-heading').scrollIntoView(); return true").await;
    b.screenshot("40-rules-added").await;
    b.eval("document.getElementById('coverage').scrollIntoView(); return true").await;
    b.screenshot("41-rules-coverage").await;
    b.eval("document.getElementById('casework-heading').scrollIntoView(); return true").await;
    b.screenshot("42-rules-settings").await;

    // Deleted again, from the list.
    let id = saved[0]["id"].as_i64().unwrap();
    b.tab_to(&format!("delete-rule-{id}")).await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the rule deleted",
        "return document.activeElement && document.activeElement.id === 'rule-list-status'",
    )
    .await;
    assert!(our_rules(&admin).await.is_empty());
    // The one refusal was the empty form's.
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn a_dispatcher_rejects_a_dispute_and_the_lead_stays() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await; // city.urban-management
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
    let (status, filed) =
        handler.post(&format!("/api/v1/tickets/{no}/disputes"), &json!({ "reason": "路灯归住建部门管理" })).await;
    assert_eq!(status, 201, "{filed}");

    let b = Browser::phone().await;
    b.sign_in("dispatcher").await;
    b.open("/staff/disputes").await;
    b.wait_until(
        "the dispute listed",
        &format!("const l = document.getElementById('dispute-list'); return !!l && l.innerText.includes({no:?})"),
    )
    .await;
    assert!(b.text_of("dispute-list").await.contains("路灯归住建部门管理"));
    b.tab_to(&format!("decide-{no}")).await;
    b.press(Key::Enter).await;
    b.wait_until("the decision form has focus", "return document.activeElement.id === 'decision-heading'").await;
    assert!(b.text_of("decision-heading").await.contains(&no));

    // A rejection needs a reason; the summary says so and links to it.
    b.tab_to("reject-dispute").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    assert!(b.text_of("error-summary").await.contains(&t("zh-Hans", "field.reason")));
    b.tab_to("decision-reason").await;
    b.keys("权责清单明确由城管负责").await;
    b.eval("document.getElementById('decision').scrollIntoView(); return true").await;
    b.screenshot("43-dispute-decision").await;
    b.tab_to("reject-dispute").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the rejection told",
        &format!("return document.getElementById('dispute-status').innerText.includes({no:?})"),
    )
    .await;
    b.wait_for_focus("dispute-status").await;
    b.wait_until("the decision form closed", "return !document.getElementById('decision')").await;
    b.wait_for_id("redispatch-table").await;
    b.screenshot("44-dispute-rejected").await;

    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(t["lead"], "city.urban-management", "{t}");
    let (_, open) = dispatcher.get("/api/v1/dispatch/disputes").await;
    assert!(open.as_array().unwrap().iter().all(|d| d["tracking_no"] != no.as_str()), "{open}");
    b.close().await;
}

#[tokio::test]
async fn a_supervisor_sees_late_whistles_beside_the_proposals() {
    let app = spawn_app();
    let supervisor = app.login_demo("supervisor").await;
    let (status, late) = supervisor.get("/api/v1/supervision/whistles").await;
    assert_eq!(status, 200, "{late}");
    let b = Browser::phone().await;
    b.sign_in("supervisor").await;
    b.open("/staff/supervision").await;
    b.wait_for_id("whistle-table").await;
    let shown = b.text_of("whistle-table").await;
    match late.as_array().and_then(|l| l.first()) {
        None => assert_eq!(shown.trim(), t("zh-Hans", "whistles.none")),
        Some(first) => assert!(shown.contains(first["tracking_no"].as_str().unwrap_or_default()), "{shown}"),
    }
    b.eval("document.getElementById('whistles-heading').scrollIntoView(); return true").await;
    b.screenshot("45-supervision-whistles").await;
    b.close().await;
}
