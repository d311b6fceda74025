//! A reporter on a phone follows their request through the department's work (accepted, a
//! public progress note, the reply), is not satisfied and asks for it to be handled again,
//! then adds information; the public 挂牌督办 list opens without signing in.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, valid_body};
use fantoccini::key::Key;
use serde_json::json;

const NOTE: &str = "已派维修班组今天下午到现场查看。";
/// Addresses `valid_body()` and says what was done.
const REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日派员现场处理，\
     更换了损坏的灯具和线路，已完成修复，路灯现已恢复照明。";
const REASON: &str = "南门的路灯晚上还是不亮，问题没有解决";
const MORE: &str = "北门旁边的两盏路灯也不亮了";

fn page_contains(text: &str) -> String {
    format!("return document.body.innerText.includes({text:?})")
}

fn element_contains(id: &str, text: &str) -> String {
    format!("const e = document.getElementById({id:?}); return !!e && e.innerText.includes({text:?})")
}

#[tokio::test]
async fn the_reporter_sees_the_reply_and_asks_again_with_a_reason() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await; // city.urban-management
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
    let (status, body) = handler.act(&no, "accept", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = handler.act(&no, "notes", &json!({ "text": NOTE, "public": true })).await;
    assert!(matches!(status, 200 | 201), "{body}");
    let (status, body) =
        handler.act(&no, "reply", &json!({ "text": REPLY, "override_reason": "端到端测试，跳过检查" })).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("replied")), "{body}");

    // The private link: accepted when, the public note, the reply up front, the dates.
    let b = Browser::phone().await;
    b.open(&format!("/track/{no}#token={token}")).await;
    // The page's own public view comes first; the reporter's view replaces it.
    b.wait_for_id("private-heading").await;
    b.wait_until("the replied status", &element_contains("status", &t("zh-Hans", "status.replied"))).await;
    assert!(b.text_of("reply-text").await.contains("已完成修复"));
    for text in [t("zh-Hans", "ticket.accepted_at"), t("zh-Hans", "ticket.resolution_due_was"), NOTE.to_owned()] {
        assert!(b.eval(&page_contains(&text)).await.as_bool().unwrap_or(false), "{text} on the page");
    }
    b.wait_for_id("reopen-form").await;
    b.wait_for_id("info-form").await;
    assert_eq!(b.eval("return document.getElementById('follow-up-until').hidden").await, false);
    assert_eq!(b.eval("return document.getElementById('follow-up-done').hidden").await, true);
    b.screenshot("80-follow-up-replied").await;

    // No reason: the summary names the field, and the field says so too.
    b.tab_to("reopen-submit").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    assert!(b.text_of("error-summary").await.contains(&t("zh-Hans", "field.reason")));
    assert_eq!(b.eval("return document.getElementById('reopen-reason').getAttribute('aria-invalid')").await, "true");
    b.eval("document.getElementById('reopen-form').scrollIntoView(); return true").await;
    b.screenshot("81-follow-up-reason-missing").await;

    // With a reason: reopened, confirmed where focus lands, and the reason in the history.
    b.tab_to("reopen-reason").await;
    b.keys(REASON).await;
    b.tab_to("reopen-submit").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the confirmation focused",
        "return !!document.activeElement && document.activeElement.id === 'follow-up-done'",
    )
    .await;
    assert_eq!(b.text_of("follow-up-done").await.trim(), t("zh-Hans", "follow.reopen.done"));
    b.wait_until("the reopened status", &element_contains("status", &t("zh-Hans", "status.reopened"))).await;
    b.wait_until("the reason in the history", &element_contains("timeline", REASON)).await;
    assert!(b.eval(&page_contains(&t("zh-Hans", "ticket.resolution_due"))).await.as_bool().unwrap_or(false));
    b.screenshot("82-follow-up-reopened").await;

    // Work is owed again: information can still be added; the reopen form is gone.
    assert_eq!(b.eval("return !document.getElementById('reopen-form')").await, true);
    b.tab_to("info-text").await;
    b.keys(MORE).await;
    b.tab_to("info-submit").await;
    b.press(Key::Enter).await;
    b.wait_until("the information in the history", &element_contains("timeline", MORE)).await;
    assert_eq!(b.text_of("follow-up-done").await.trim(), t("zh-Hans", "follow.info.done"));

    let (status, mine) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert_eq!((status, mine["status"].as_str()), (200, Some("reopened")), "{mine}");
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    let public_timeline = public["timeline"].to_string();
    assert!(!public_timeline.contains(REASON) && !public_timeline.contains(MORE), "the reporter's words stay private");

    // The public 挂牌督办 list: linked from the header, no sign-in.
    assert_eq!(b.eval("return document.getElementById('nav-listed').getAttribute('href')").await, "/listed");
    b.eval("document.getElementById('nav-listed').click(); return true").await;
    b.wait_until(
        "the listed page",
        "return !!document.getElementById('listed-none') || !!document.getElementById('listed-list')",
    )
    .await;
    assert_eq!(b.eval("return location.pathname").await, "/listed");
    b.screenshot("83-listed").await;

    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}
