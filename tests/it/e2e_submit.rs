//! A citizen on a phone, keyboard only: submit, see the number, track it, switch language.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, valid_body};
use fantoccini::key::Key;
use shared::ids::TrackingNo;

#[tokio::test]
async fn a_request_submitted_with_the_keyboard_alone_can_be_tracked_in_two_languages() {
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    assert_eq!(b.eval("return document.documentElement.lang").await, "zh-Hans");

    b.pick_first_category("噪音").await;
    b.wait_until("the chosen category", "return document.body.innerText.includes('噪音污染')").await;

    b.tab_to("title").await;
    b.keys("夜间施工噪音扰民").await;
    b.tab_to("description").await;
    b.keys("小区旁边的工地每天晚上十一点以后还在施工，噪音很大，影响休息。").await;
    b.tab_to("pin-at-centre").await;
    b.press(Key::Enter).await;
    b.screenshot("01-submit-filled").await;

    b.tab_to("submit").await;
    b.press(Key::Enter).await;
    let number = b.text_of("tracking-no").await;
    let number = TrackingNo::parse(number.trim()).unwrap_or_else(|| panic!("{number:?} is a tracking number"));
    b.screenshot("02-submitted").await;

    // The request is stored as typed.
    let app = spawn_app();
    let (status, view) = status_json(app.get_request(number.as_str(), None).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["title"], "夜间施工噪音扰民");
    assert_eq!(view["category"]["path"][2], "噪音污染");

    b.tab_to("private-link").await;
    b.press(Key::Enter).await;
    let status_zh = t("zh-Hans", "status.submitted");
    b.wait_until(
        "the tracking page",
        &format!("const s = document.getElementById('status'); return !!s && s.innerText.includes('{status_zh}')"),
    )
    .await;
    assert!(b.eval("return location.pathname").await.as_str().unwrap().contains(number.as_str()));
    b.wait_until("the timeline", "const t = document.getElementById('timeline'); return !!t && t.children.length > 0")
        .await;
    b.screenshot("03-tracking-zh-Hans").await;

    b.tab_to("lang-select").await;
    b.press(Key::Down).await;
    b.press(Key::Down).await;
    b.wait_until("English", "return document.documentElement.lang === 'en'").await;
    let status_en = t("en", "status.submitted");
    b.wait_until(
        "English status",
        &format!("return document.getElementById('status').innerText.includes('{status_en}')"),
    )
    .await;
    b.screenshot("04-tracking-en").await;

    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn an_empty_submission_shows_an_error_summary_that_takes_focus_and_links_to_fields() {
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    b.tab_to("submit").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    b.wait_until(
        "focus on the summary",
        "const s = document.getElementById('error-summary'); return s.contains(document.activeElement)",
    )
    .await;
    let summary = b.text_of("error-summary").await;
    for key in ["field.title", "field.description", "field.category", "field.location"] {
        assert!(summary.contains(&t("zh-Hans", key)), "{key} in {summary}");
    }
    b.screenshot("05-error-summary").await;

    // The first link leads to its field.
    b.eval("document.querySelector('#error-summary a').focus(); return true").await;
    let target = b.eval("return document.querySelector('#error-summary a').getAttribute('href')").await;
    b.press(Key::Enter).await;
    let wanted = target.as_str().unwrap().trim_start_matches('#').to_owned();
    b.wait_until("focus on the field", &format!("return document.activeElement.id === '{wanted}'")).await;
    assert_eq!(b.eval("return document.getElementById('title').getAttribute('aria-invalid')").await, "true");
    b.close().await;
}

#[tokio::test]
async fn anyone_with_the_number_sees_the_public_view_only() {
    let app = spawn_app();
    let (no, _) = app.create(&valid_body()).await;
    let b = Browser::phone().await;
    b.open("/track").await;
    b.wait_for_id("track-input").await;
    b.tab_to("track-input").await;
    b.keys(&no.replace('-', " ")).await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the public view",
        &format!(
            "const s = document.getElementById('status'); return !!s && s.innerText.includes('{}')",
            t("zh-Hans", "status.submitted")
        ),
    )
    .await;
    let page = b.eval("return document.body.innerText").await;
    let page = page.as_str().unwrap();
    assert!(page.contains("小区门口路灯不亮"));
    for secret in ["王小明", "13912345678", "wang.xm@example.cn", "芙蓉路 12 号 3 栋"] {
        assert!(!page.contains(secret), "{secret} shown publicly");
    }
    b.screenshot("06-track-public").await;
    b.close().await;
}

#[tokio::test]
async fn leaflet_comes_only_when_a_map_nears_the_screen() {
    let b = Browser::phone().await;
    let leaflet = "return performance.getEntriesByType('resource').some(r => r.name.includes('/vendor/leaflet/'))";
    b.open("/track").await;
    b.wait_for_id("track-input").await;
    assert_eq!(b.eval(leaflet).await, false, "a page without a map does not fetch Leaflet");

    b.open("/").await;
    b.wait_for_id("map").await;
    b.eval("document.getElementById('map').scrollIntoView({block: 'center'}); return true").await;
    b.wait_until("the map drawn", "return document.getElementById('map').classList.contains('leaflet-container')")
        .await;
    assert_eq!(b.eval(leaflet).await, true);
    b.close().await;
}

#[tokio::test]
async fn the_page_arrives_with_its_heading_and_the_app_takes_its_place() {
    // Before any script: the HTML itself carries the form's heading and lead in each language.
    let app = spawn_app();
    let html = app.get("/").await.text().await.expect("the page");
    for lang in ["zh-Hans", "zh-Hant", "en"] {
        assert!(html.contains(&t(lang, "submit.lead")), "{lang}");
    }
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    assert_eq!(b.eval("return document.querySelectorAll('.shell').length").await, 0, "the shell is gone");
    assert_eq!(b.eval("return document.querySelectorAll('p.lead').length").await, 1);
    b.close().await;
}

#[tokio::test]
async fn a_requests_page_shows_the_request_at_first_paint_and_the_app_moves_nothing() {
    let app = spawn_app();
    let (no, _) = app.create(&valid_body()).await;
    let b = Browser::phone().await;
    // A phone's connection (the wasm takes a while), not this machine's loopback, where the app
    // can start before the first frame.
    b.set_slow_network(150, 400_000).await;
    b.open(&format!("/track/{no}")).await;
    b.wait_for_id("status").await;
    assert_eq!(b.eval("return document.querySelectorAll('.shell, #ticket-data').length").await, 0);
    assert_eq!(b.eval("return document.querySelectorAll('h1.ticket-title').length").await, 1);
    // The app started from the page's own copy of the view: no request for it.
    let asked = "return performance.getEntriesByType('resource').some(e => e.name.includes('/api/v1/requests/'))";
    assert_eq!(b.eval(asked).await, false);
    // The largest text (the description) was painted from the HTML, and the app drawing the
    // same page in its place shifted nothing.
    b.eval(
        "for (const type of ['largest-contentful-paint', 'layout-shift']) {
           new PerformanceObserver((list) => { window['seen-' + type] = list.getEntries(); })
             .observe({ type, buffered: true });
         }
         return true",
    )
    .await;
    b.wait_until("the paint entries", "return !!window['seen-largest-contentful-paint']").await;
    // The largest paint's element was the HTML's own (removed with the shell since), not the app's.
    let by_the_app = "const e = window['seen-largest-contentful-paint'].at(-1).element; return !!e && e.isConnected";
    let entries = b
        .eval(
            "return JSON.stringify(window['seen-largest-contentful-paint'].map(e => [e.startTime, e.size, \
             e.element && e.element.outerHTML.slice(0, 80), e.element && e.element.isConnected]))",
        )
        .await;
    assert_eq!(b.eval(by_the_app).await, false, "the largest paint came from the page's HTML: {entries}");
    let shifted = b.eval("return (window['seen-layout-shift'] || []).reduce((sum, e) => sum + e.value, 0)").await;
    let sources = b
        .eval(
            "return JSON.stringify((window['seen-layout-shift'] || []).flatMap(e => e.sources.map(s => \
             [e.value, s.node && s.node.outerHTML && s.node.outerHTML.slice(0, 100), s.previousRect, s.currentRect])))",
        )
        .await;
    // Nothing moves; under a loaded machine a one-pixel settle of the page (0.001) was seen once.
    assert!(shifted.as_f64().is_some_and(|cls| cls < 0.005), "layout shift {shifted}: {sources}");
    b.screenshot("06b-track-written").await;
    b.close().await;
}
