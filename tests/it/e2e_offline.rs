//! A citizen presses "submit" with no network: the service worker keeps the request and sends it
//! when the network is back, once, and the page then shows its tracking number.

use crate::browser::Browser;
use crate::helpers::{spawn_app, unique_key};
use fantoccini::key::Key;
use fantoccini::Locator;

#[tokio::test]
async fn a_request_made_offline_is_kept_and_sent_once_when_the_network_is_back() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let title = format!("离线提交测试 {}", &unique_key()[5..17]);
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    b.wait_until(
        "the service worker in charge",
        "return !!navigator.serviceWorker && !!navigator.serviceWorker.controller",
    )
    .await;

    b.pick_first_category("违章建筑").await;
    b.eval("document.getElementById('title').focus(); return true").await;
    b.keys(&title).await;
    b.tab_to("description").await;
    b.keys("小区南门的路灯坏了两周，晚上很黑，老人出行不便，请尽快修复。").await;
    b.eval("document.getElementById('map').scrollIntoView({block: 'center'}); return true").await;
    b.client.find(Locator::Id("map")).await.expect("the map").click().await.expect("a tap on the map");

    b.set_offline(true).await;
    b.wait_until("the page offline", "return navigator.onLine === false").await;
    b.eval("document.getElementById('submit').focus(); return true").await;
    b.press(Key::Enter).await;
    // Kept (and, where the service worker still reaches the server, perhaps already sent).
    b.wait_until(
        "the request kept",
        "const k = document.getElementById('kept-offline'); return (!!k && !k.hidden) || location.pathname.startsWith('/submitted/')",
    )
    .await;
    b.screenshot("offline-01-kept").await;

    b.set_offline(false).await;
    b.wait_until(
        "the tracking number",
        "return location.pathname.startsWith('/submitted/') && !!document.getElementById('tracking-no')",
    )
    .await;
    let number = b.text_of("tracking-no").await;
    b.screenshot("offline-02-sent").await;

    // Once: a reload asks the service worker to send what it keeps, and it keeps nothing more.
    b.open("/").await;
    b.wait_for_id("title").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (status, list) = dispatcher.get("/api/v1/tickets?limit=200").await;
    assert_eq!(status, 200, "{list}");
    let filed: Vec<_> = list["items"]
        .as_array()
        .or_else(|| list.as_array())
        .expect("a list of tickets")
        .iter()
        .filter(|t| t["title"] == title.as_str())
        .map(|t| t["tracking_no"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(filed, vec![number.trim().to_owned()], "filed exactly once, as the number shown");
    b.close().await;
}

#[tokio::test]
async fn another_language_is_fetched_when_chosen_and_a_failed_fetch_leaves_the_page_as_it_was() {
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    let fetched = "return performance.getEntriesByType('resource').filter(r => r.name.includes('/locales/')).length";
    assert_eq!(b.eval(fetched).await, 0, "the default language is compiled in");

    // No network: the list goes back to the language the page is in, and nothing changes.
    b.set_offline(true).await;
    b.wait_until("the page offline", "return navigator.onLine === false").await;
    b.set_value("lang-select", "en", "change").await;
    b.wait_until("the choice undone", "return document.getElementById('lang-select').value === 'zh-Hans'").await;
    assert_eq!(b.eval("return document.documentElement.lang").await, "zh-Hans");
    assert_ne!(b.eval("return localStorage.getItem('huiyin.lang')").await, "en", "not remembered either");
    assert_eq!(b.text_of("submit").await.trim(), crate::browser::t("zh-Hans", "submit.button"));

    // Back online: the same choice fetches the texts, and the next page starts in English.
    b.set_offline(false).await;
    b.wait_until("the page online", "return navigator.onLine === true").await;
    b.set_value("lang-select", "en", "change").await;
    b.wait_until("English", "return document.documentElement.lang === 'en'").await;
    assert_eq!(b.text_of("submit").await.trim(), crate::browser::t("en", "submit.button"));
    assert!(b.eval(fetched).await.as_u64().unwrap() > 0, "its files came from /locales/");
    b.open("/track").await;
    b.wait_for_id("track-input").await;
    assert_eq!(b.eval("return document.documentElement.lang").await, "en");
    b.close().await;
}
