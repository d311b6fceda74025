//! A reporter on a phone rates the department's reply through the private link: an empty form
//! names every question, a full one closes the request. Then the public monthly assessment
//! (another bundle, reached from the header) shows the department's row at phone width.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, valid_body, EVALUATION};
use fantoccini::key::Key;
use serde_json::json;

const LEAD: &str = "city.urban-management";
const REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";
const COMMENT: &str = "修得很快，谢谢";

fn element_contains(id: &str, text: &str) -> String {
    format!("const e = document.getElementById({id:?}); return !!e && e.innerText.includes({text:?})")
}

#[tokio::test]
async fn the_reporter_rates_the_reply_and_the_department_shows_in_the_open_assessment() {
    // Another test may change the evaluation settings (the questions asked) meanwhile.
    let settings = EVALUATION.lock().await;
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await; // city.urban-management
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    let (status, body) = handler.act(&no, "accept", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = handler.act(&no, "reply", &json!({ "text": REPLY })).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("replied")), "{body}");

    // A repair (01 城乡建设): asked whether it was fixed, and how fast.
    let b = Browser::phone().await;
    b.open(&format!("/track/{no}#token={token}")).await;
    b.wait_for_id("rating-form").await;
    let legends = b.eval("return document.getElementById('rating-form').innerText").await;
    let legends = legends.as_str().unwrap_or_default();
    for key in ["rating.satisfaction.legend", "rating.resolved.repair", "eval.item.speed", "eval.scale.5"] {
        assert!(legends.contains(&t("zh-Hans", key)), "{key} in the form: {legends}");
    }
    b.eval("document.getElementById('rating').scrollIntoView(); return true").await;
    b.screenshot("90-rating-form").await;

    // Sent empty: the summary takes focus and names each question.
    b.tab_to("rating-submit").await;
    b.press(Key::Enter).await;
    b.wait_until("the summary focused", "return document.activeElement?.id === 'rating-error-summary'").await;
    let summary = b.text_of("rating-error-summary").await;
    for key in [
        "field_error.required.rating.satisfaction",
        "field_error.required.rating.resolved",
        "field_error.required.rating.items.speed",
    ] {
        assert!(summary.contains(&t("zh-Hans", key)), "{key} in {summary}");
    }
    for id in ["rating-satisfaction-error", "rating-resolved-error", "rating-items-speed-error"] {
        b.wait_for_id(id).await;
    }
    // Each line links to its question.
    let links = b
        .eval(
            "return Array.from(document.querySelectorAll('#rating-error-summary a')).map(a => a.getAttribute('href'))",
        )
        .await;
    assert_eq!(
        links,
        json!(["#rating-satisfaction-satisfied", "#rating-resolved-yes", "#rating-items-speed-1"]),
        "{links}"
    );
    b.screenshot("91-rating-errors").await;

    // Keyboard for the first two questions, a tap on the label for the score.
    b.tab_to("rating-satisfaction-satisfied").await;
    b.press(Key::Space).await;
    b.tab_to("rating-resolved-yes").await;
    b.press(Key::Space).await;
    b.eval("document.querySelector('label[for=\"rating-items-speed-5\"]').click(); return true").await;
    b.tab_to("rating-comment").await;
    b.keys(COMMENT).await;
    let chosen = b.eval(
        "return ['rating-satisfaction-satisfied', 'rating-resolved-yes', 'rating-items-speed-5'].every(id => document.getElementById(id).checked)",
    )
    .await;
    assert_eq!(chosen, true, "the answers are chosen");
    b.tab_to("rating-submit").await;
    b.press(Key::Enter).await;

    // The answer, what it did, focused; the request is closed.
    b.wait_until("the rating confirmed", "return document.activeElement?.id === 'rating-done'").await;
    assert_eq!(b.text_of("rating-done").await.trim(), t("zh-Hans", "rating.next.close"));
    b.wait_until("the closed status", &element_contains("status", &t("zh-Hans", "status.closed"))).await;
    let answer = b.text_of("rating").await;
    for text in [t("zh-Hans", "rating.satisfaction.satisfied"), t("zh-Hans", "eval.scale.5"), COMMENT.to_owned()] {
        assert!(answer.contains(&text), "{text} in {answer}");
    }
    assert_eq!(b.eval("return !document.getElementById('rating-form')").await, true);
    b.eval("document.getElementById('rating').scrollIntoView(); return true").await;
    b.screenshot("92-rating-done").await;
    // Coming back later: the answer as the server keeps it.
    b.client.refresh().await.unwrap();
    b.wait_until("the stored rating", &element_contains("rating-done", &t("zh-Hans", "rating.next.close"))).await;
    assert!(b.text_of("rating").await.contains(COMMENT));

    let (status, mine) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert_eq!((status, mine["status"].as_str()), (200, Some("closed")), "{mine}");
    let form = app.client.get(app.url(&format!("/api/v1/requests/{no}/rating"))).bearer_auth(&token);
    let (status, form) = status_json(form.send().await.unwrap()).await;
    assert_eq!(status, 200, "{form}");
    assert_eq!(
        (form["rated"]["satisfaction"].as_str(), form["rated"]["effect"].as_str()),
        (Some("satisfied"), Some("close"))
    );
    drop(settings);

    // The open assessment: another bundle, so the header link is a full page load.
    let (_, departments) = status_json(app.get("/api/v1/open/departments").await).await;
    let name = departments["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == LEAD)
        .and_then(|d| d["name"].as_str())
        .unwrap()
        .to_owned();
    assert_eq!(b.eval("return document.getElementById('nav-open-data').getAttribute('rel')").await, "external");
    b.eval("document.getElementById('nav-open-data').click(); return true").await;
    b.wait_until("the open data overview", "return location.pathname === '/open/dashboard'").await;
    let menu =
        "const a = document.querySelector('nav.open-nav a[href=\"/open/assessment\"]'); if (a) a.click(); return !!a";
    b.wait_until("the open data menu", menu).await;
    b.wait_until("the assessment page", "return location.pathname === '/open/assessment'").await;
    b.wait_for_id("league-table").await;
    let loaded = b.eval("return performance.getEntriesByType('resource').map(r => r.name).join(' ')").await;
    let loaded = loaded.as_str().unwrap_or_default();
    assert!(loaded.contains("huiyin_open_bg.wasm") && !loaded.contains("huiyin_app_bg.wasm"), "{loaded}");

    let row =
        format!("const r = document.getElementById('group-{LEAD}'); return r ? r.querySelector('th').innerText : ''");
    assert_eq!(b.eval(&row).await.as_str().map(str::trim), Some(name.as_str()), "the department's row by name");
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let now = chrono::DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap();
    let month = shared::assessment::month_of(now, chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    assert_eq!(b.eval("return document.getElementById('assessment-month').value").await, month.as_str());
    assert_eq!(
        b.eval("return document.getElementById('assessment-csv').getAttribute('href')").await,
        format!("/api/v1/open/assessment.csv?month={month}").as_str()
    );
    // The rated, closed request counts: satisfaction has something to compute from.
    let satisfaction = format!("return document.getElementById('group-{LEAD}').innerText.includes('%')");
    assert_eq!(b.eval(&satisfaction).await, true);
    b.wait_until(
        "the observers' grades",
        "return !!document.getElementById('grades-list') || !!document.getElementById('grades-none')",
    )
    .await;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(b.eval(fits).await, true, "no sideways scrolling of the page at 390 px");
    b.eval("document.getElementById('league-heading').scrollIntoView(); return true").await;
    b.screenshot("93-open-assessment").await;

    // By street: the address follows, so the table can be linked to.
    b.eval("document.querySelector('label[for=\"assessment-by-street\"]').click(); return true").await;
    b.tab_to("assessment-show").await;
    b.press(Key::Enter).await;
    b.wait_until("the street table", "return location.search.includes('by=street')").await;
    let streets = t("zh-Hans", "open.by.street");
    b.wait_until(
        "the street column",
        &format!(
            "const h = document.querySelector('#league-table thead'); return !!h && h.innerText.includes({streets:?})"
        ),
    )
    .await;
    assert_eq!(b.eval(fits).await, true, "no sideways scrolling by street either");

    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}
