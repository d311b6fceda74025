//! A reporter on a phone asks for e-mail updates from the private tracking view (a refused
//! address first), gets one when the department accepts the request, and stops them from the
//! link in that e-mail. Push is tested at the API level: headless Chromium has no push service.

use crate::api_updates::{deliver, dispatched_request, mails_to, settle_mails, unique_email, Dispatched};
use crate::browser::{t, Browser};
use crate::helpers::spawn_app;
use fantoccini::key::Key;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_reporter_turns_on_email_updates_and_stops_them_from_the_message() {
    let app = spawn_app();
    let Dispatched { admin, handler, no, token, .. } = dispatched_request(&app).await;

    let b = Browser::phone().await;
    b.open(&format!("/track/{no}#token={token}")).await;
    b.wait_for_id("updates-email").await;
    assert_eq!(b.eval("return document.getElementById('updates-done').hidden").await, true);

    // A refused address: the summary names the field, the field says so too, nothing is sent.
    b.tab_to("updates-email").await;
    b.keys("not-an-address").await;
    b.tab_to("updates-email-submit").await;
    b.press(Key::Enter).await;
    b.wait_for_id("updates-errors").await;
    assert!(b.text_of("updates-errors").await.contains(&t("zh-Hans", "field.email")));
    assert_eq!(b.eval("return document.getElementById('updates-email').getAttribute('aria-invalid')").await, "true");
    b.eval("document.getElementById('updates').scrollIntoView(); return true").await;
    b.screenshot("50-updates-refused-address").await;

    // A good one: confirmed where focus lands.
    let email = unique_email();
    b.eval("const e = document.getElementById('updates-email'); e.value = ''; e.dispatchEvent(new Event('input')); return true").await;
    b.tab_to("updates-email").await;
    b.keys(&email).await;
    b.tab_to("updates-email-submit").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the confirmation focused",
        "return !!document.activeElement && document.activeElement.id === 'updates-done'",
    )
    .await;
    assert!(b.text_of("updates-done").await.contains(&t("zh-Hans", "updates.done.email")));
    b.screenshot("51-updates-on").await;

    // The department accepts: one e-mail, in the page's language, with the link to stop.
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    deliver(&admin).await;
    let mails = settle_mails(&email, 1).await;
    assert_eq!(mails.len(), 1, "{:?}", mails.iter().map(|m| &m.1).collect::<Vec<_>>());
    let text = mails[0].1["text"].as_str().unwrap().to_owned();
    assert!(text.contains("已签收"), "{text}");
    let link = text.split_whitespace().find(|w| w.contains("/unsubscribe/")).expect("a stop link").to_owned();
    let path = &link[link.find("/unsubscribe/").unwrap()..];

    // The link's page ends the subscription only when asked.
    b.open(path).await;
    b.wait_for_id("unsubscribe-confirm").await;
    b.screenshot("52-unsubscribe-page").await;
    b.tab_to("unsubscribe-confirm").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the confirmation focused",
        "return !!document.activeElement && document.activeElement.id === 'unsubscribe-done'",
    )
    .await;
    assert_eq!(b.text_of("unsubscribe-done").await.trim(), t("zh-Hans", "unsubscribe.done"));
    let track = b.eval("return document.getElementById('unsubscribe-track').getAttribute('href')").await;
    assert_eq!(track, format!("/track/{no}"));
    b.screenshot("53-unsubscribed").await;

    // Nothing more arrives.
    assert_eq!(handler.act(&no, "notes", &json!({ "text": "已到现场查看。", "public": true })).await.0, 200);
    deliver(&admin).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(mails_to(&email).len(), 1);

    // A link with a broken token says so.
    b.open("/unsubscribe/broken").await;
    b.wait_until(
        "the invalid-link message",
        &format!("return document.body.innerText.includes({:?})", t("zh-Hans", "unsubscribe.invalid")),
    )
    .await;
    assert!(b.console_errors().await.iter().all(|e| !e.contains("panicked")));
    b.close().await;
}
