//! The channel registry in the staff console: an admin adds a channel, copies its key once,
//! the key works at the intake, and pausing the channel stops it.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, unique_key, valid_body};
use fantoccini::key::Key;
use serde_json::json;

#[tokio::test]
async fn an_admin_adds_a_channel_gets_its_key_once_and_pauses_it() {
    let app = spawn_app();
    let b = Browser::phone().await;
    b.sign_in("admin").await;
    b.open("/staff/channels").await;
    b.wait_for_id("create-channel").await;

    // Nothing filled in: the summary names the missing fields.
    b.tab_to("create-channel").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    let summary = b.text_of("error-summary").await;
    assert!(
        summary.contains(&t("zh-Hans", "field.code")) && summary.contains(&t("zh-Hans", "field.channel.kind")),
        "{summary}"
    );

    let code: String = format!(
        "e2e-{}",
        unique_key().to_lowercase().chars().filter(char::is_ascii_alphanumeric).rev().take(10).collect::<String>()
    );
    b.tab_to("channel-code").await;
    b.keys(&code).await;
    b.tab_to("channel-name").await;
    b.keys("街道网格员 App").await;
    b.set_value("channel-kind", "app", "change").await;
    b.tab_to("create-channel").await;
    b.press(Key::Enter).await;
    b.wait_for_id("channel-key-value").await;
    let key = b.text_of("channel-key-value").await;
    assert!(key.starts_with("hych_") && key.len() == 37, "{key}");
    b.wait_until("the channel in the table", &format!("return !!document.getElementById('channel-{code}')")).await;
    let row = b.text_of(&format!("channel-{code}")).await;
    assert!(row.contains(&t("zh-Hans", "channel.app")) && row.contains(&key[..9]) && !row.contains(&key), "{row}");
    b.eval("document.getElementById('channel-key').scrollIntoView(); return true").await;
    b.screenshot("channels-zh").await;

    // The key works at the intake.
    let body = json!({ "external_id": "e2e-1", "request": valid_body() });
    let send = |body: serde_json::Value| {
        let (app, code, key) = (app.clone(), code.clone(), key.clone());
        async move {
            status_json(
                app.client
                    .post(app.url(&format!("/api/v1/intake/{code}")))
                    .bearer_auth(&key)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(send(body).await.0, 201);

    // Paused from its row: the intake refuses it.
    b.eval(&format!("document.getElementById('toggle-{code}').click(); return true")).await;
    b.wait_until(
        "the channel paused",
        &format!(
            "return document.getElementById('toggle-{code}')?.innerText.trim() === {:?}",
            t("zh-Hans", "staff.channels.resume")
        ),
    )
    .await;
    assert_eq!(send(json!({ "external_id": "e2e-2", "request": valid_body() })).await.0, 403);
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}
