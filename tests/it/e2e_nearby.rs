//! "Already reported nearby" on a phone: a citizen picks a category and taps the map where an
//! open request of the same family already is; the form lists it, and "me too" makes them its
//! follower instead of filing it again. Filing anyway stays possible.

use crate::api_nearby::NEARBY;
use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, valid_body};
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::json;
use shared::ids::TrackingNo;

/// Where the map opens (the demo city's centre): a tap in the middle of the map lands here.
const CENTRE: (f64, f64) = (28.195, 112.975);

/// An open 违章建筑 request at the map's centre, as another citizen filed it.
async fn existing_request(title: &str) -> String {
    let app = spawn_app();
    let mut body = valid_body();
    body["title"] = json!(title);
    body["description"] = json!("小区楼顶有人用铁皮搭了一间房，占用公共区域，存在安全隐患。");
    body["category"] = json!("01.03.02");
    body["location"] = json!({ "lat": CENTRE.0, "lng": CENTRE.1, "address": "中心路 1 号" });
    app.create(&body).await.0
}

/// Choose 违章建筑 with the category search, keyboard only.
async fn pick_category(b: &Browser) {
    b.pick_first_category("违章建筑").await;
    b.wait_until("the chosen category", "return document.body.innerText.includes('违章建筑')").await;
}

/// Tap the middle of the map, as a finger does.
async fn tap_map(b: &Browser) {
    b.eval("document.getElementById('map').scrollIntoView({block: 'center'}); return true").await;
    b.client.find(Locator::Id("map")).await.expect("the map").click().await.expect("a tap on the map");
}

async fn wait_for_suggestion(b: &Browser, no: &str) {
    b.wait_until(
        "the suggestion",
        &format!("const s = document.getElementById('nearby'); return !!s && !s.hidden && !!document.getElementById('me-too-{no}')"),
    )
    .await;
    b.eval("document.getElementById('nearby').scrollIntoView({block: 'start'}); return true").await;
}

#[tokio::test]
async fn a_citizen_finds_the_request_already_reported_nearby_and_follows_it() {
    let _nearby = NEARBY.lock().await;
    let no = existing_request("楼顶违章搭建铁皮房").await;
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    // Nothing is suggested before a category and a place are known.
    assert_eq!(b.eval("return document.getElementById('nearby').hidden").await, true);
    pick_category(&b).await;
    tap_map(&b).await;
    wait_for_suggestion(&b, &no).await;

    let section = b.text_of("nearby").await;
    assert!(section.contains(&t("zh-Hans", "nearby.heading")), "{section}");
    assert!(section.contains("楼顶违章搭建铁皮房"), "{section}");
    assert!(section.contains(&t("zh-Hans", "status.submitted")));
    assert!(section.contains(&t("zh-Hans", "nearby.distance.lt_100")), "{section}");
    for secret in ["王小明", "13912345678", "中心路"] {
        assert!(!section.contains(secret), "{secret} shown in the suggestion");
    }
    let button = b.text_of(&format!("me-too-{no}")).await;
    assert_eq!(button.trim(), t("zh-Hans", "nearby.me_too"));
    b.screenshot("nearby-01-suggested").await;

    b.tab_to(&format!("me-too-{no}")).await;
    b.press(Key::Enter).await;
    let shown = b.text_of("tracking-no").await;
    assert_eq!(TrackingNo::parse(shown.trim()).map(|n| n.as_str().to_owned()), Some(no.clone()));
    assert!(b.eval("return location.pathname").await.as_str().unwrap().starts_with("/followed/"));
    assert!(b.text_of("followed-link-hint").await.contains(&t("zh-Hans", "followed.link_hint")));
    assert_eq!(b.eval("return !!document.getElementById('followed-updates')").await, true);
    b.screenshot("nearby-02-followed").await;

    // Counted, publicly.
    let app = spawn_app();
    let (_, public) = status_json(app.get_request(&no, None).await).await;
    assert_eq!(public["me_too_count"], 1, "{public}");

    // The follower's link opens the public progress, marked as followed, without the reporter's data.
    b.tab_to("followed-link").await;
    b.press(Key::Enter).await;
    b.wait_for_id("following").await;
    let count = t("zh-Hans", "ticket.me_too_count").replace("{count}", "1");
    b.wait_until("the count", &format!("return document.getElementById('me-too-count').innerText.includes('{count}')"))
        .await;
    let page = b.eval("return document.body.innerText").await;
    let page = page.as_str().unwrap();
    for secret in ["王小明", "13912345678", "中心路 1 号"] {
        assert!(!page.contains(secret), "{secret} shown to a follower");
    }
    let me_too_entry = t("zh-Hans", "timeline.me_too").replace("{count}", "1");
    assert!(page.contains(&me_too_entry), "the timeline says so: {page}");
    b.screenshot("nearby-03-tracking-followed").await;

    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn filing_anyway_still_submits_a_new_request() {
    let _nearby = NEARBY.lock().await;
    let no = existing_request("小区里违章建筑没人管").await;
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    pick_category(&b).await;
    tap_map(&b).await;
    wait_for_suggestion(&b, &no).await;
    assert!(b.text_of("nearby").await.contains(&t("zh-Hans", "nearby.file_anyway")));

    // Back up to the title (Tab onward from the map would pass the photo picker, and keys sent
    // to a file input are read as file names).
    b.eval("document.getElementById('title').focus(); return true").await;
    b.keys("另一处违章建筑").await;
    b.tab_to("description").await;
    b.keys("隔壁楼栋一楼住户私自扩建了院子，占用了消防通道，希望尽快处理。").await;
    b.screenshot("nearby-04-file-anyway").await;
    // Straight to the button, past the photo picker.
    b.eval("document.getElementById('submit').focus(); return true").await;
    b.press(Key::Enter).await;
    let number = b.text_of("tracking-no").await;
    let number = TrackingNo::parse(number.trim()).unwrap_or_else(|| panic!("{number:?} is a tracking number"));
    assert_ne!(number.as_str(), no, "a new request, not the suggested one");
    assert!(b.eval("return location.pathname").await.as_str().unwrap().starts_with("/submitted/"));
    b.screenshot("nearby-05-filed-anyway").await;

    let app = spawn_app();
    let (status, view) = status_json(app.get_request(number.as_str(), None).await).await;
    assert_eq!(status, 200);
    assert_eq!((view["title"].as_str(), view["category"]["code"].as_str()), (Some("另一处违章建筑"), Some("01.03.02")));
    let (_, suggested) = status_json(app.get_request(&no, None).await).await;
    assert_eq!(suggested["me_too_count"], 0, "filing anyway follows nothing");
    b.close().await;
}
