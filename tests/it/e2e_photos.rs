//! A citizen on a phone adds a 3000×2000 camera photo with GPS in its EXIF: the browser makes it
//! small and strips it before it leaves, the confirmation page uploads it, the tracking page
//! shows it. The stored copy is checked through the API.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json};
use crate::photo_fixtures::{decode, has_exif_or_gps, jpeg, png, with_gps_exif};
use fantoccini::key::Key;
use shared::ids::TrackingNo;

fn write_fixture(name: &str, bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("huiyin-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

async fn focus(b: &Browser, id: &str) {
    b.eval(&format!("document.getElementById({id:?}).focus(); return true")).await;
    assert_eq!(b.active_id().await, id);
}

#[tokio::test]
async fn a_camera_photo_is_made_small_stripped_uploaded_and_shown() {
    let camera = with_gps_exif(&jpeg(3000, 2000, 42, 92));
    assert!(has_exif_or_gps(&camera) && camera.len() > 300_000, "a real camera-sized file: {}", camera.len());
    let camera_path = write_fixture("camera.jpg", &camera);
    let other_path = write_fixture("other.png", &png(400, 300, 43));

    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("title").await;
    b.pick_first_category("噪音").await;
    b.tab_to("title").await;
    b.keys("工地夜间施工").await;
    b.tab_to("description").await;
    b.keys("小区旁边的工地每天晚上十一点以后还在施工，噪音很大，附照片。").await;
    b.tab_to("pin-at-centre").await;
    b.press(Key::Enter).await;

    // Two photos picked; the second one is removed again with its own button.
    let input = b.wait_for_id("photos").await;
    input.send_keys(&camera_path).await.unwrap();
    b.wait_until("the first thumbnail", "return document.querySelectorAll('#photo-thumbs img').length === 1").await;
    b.wait_for_id("photos").await.send_keys(&other_path).await.unwrap();
    b.wait_until("the second thumbnail", "return document.querySelectorAll('#photo-thumbs img').length === 2").await;
    let remove_label = t("zh-Hans", "photos.remove").replace("{n}", "2");
    assert_eq!(b.text_of("photo-remove-2").await, remove_label);
    let size = b
        .eval("const r = document.getElementById('photo-remove-1').getBoundingClientRect(); return [r.width, r.height]")
        .await;
    assert!(size[0].as_f64().unwrap() >= 24.0 && size[1].as_f64().unwrap() >= 24.0, "target size: {size}");
    b.eval("document.getElementById('photos-field').scrollIntoView(); return true").await;
    b.screenshot("photos-01-picked").await;
    b.tab_to("photo-remove-2").await;
    b.press(Key::Enter).await;
    b.wait_until("one thumbnail left", "return document.querySelectorAll('#photo-thumbs img').length === 1").await;
    b.wait_for_focus("photos-add").await; // focus goes back to the add button

    b.tab_to("submit").await;
    b.press(Key::Enter).await;
    let number = b.text_of("tracking-no").await;
    let number = TrackingNo::parse(number.trim()).unwrap_or_else(|| panic!("{number:?} is a tracking number"));
    b.wait_until(
        "the photo upload",
        "const li = document.getElementById('photo-upload-0'); return !!li && li.classList.contains('photo-upload--done')",
    )
    .await;
    assert!(b.text_of("photo-uploads").await.contains(&t("zh-Hans", "photos.upload.done").replace("{n}", "1")));
    b.screenshot("photos-02-uploaded").await;

    // What the server keeps: a JPEG no longer than the configured side, small, without EXIF.
    let app = spawn_app();
    let (_, config) = status_json(app.get("/api/v1/config").await).await;
    let max_side = config["photo_max_side"].as_u64().unwrap() as u32;
    let (status, view) = status_json(app.get_request(number.as_str(), None).await).await;
    assert_eq!(status, 200, "{view}");
    let photos = view["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 1, "{view}");
    let response = app.client.get(app.url(photos[0]["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let stored = response.bytes().await.unwrap().to_vec();
    assert!(stored.len() <= 300_000, "{} bytes", stored.len());
    assert!(!has_exif_or_gps(&stored), "the browser's copy has no EXIF or GPS");
    let image = decode(&stored);
    // Noise is JPEG's worst case: the browser may have gone below the longest side to fit.
    let (w, h) = (image.width(), image.height());
    assert!(w <= max_side && w >= max_side / 2, "{w}×{h} within {max_side}");
    assert!((f64::from(h) - f64::from(w) * 2.0 / 3.0).abs() <= 1.5, "aspect kept: {w}×{h}");

    // The tracking page shows it, described, lazily loaded and sized.
    b.open(&format!("/track/{}", number.as_str())).await;
    b.wait_until(
        "the photo",
        "const img = document.querySelector('#photo-gallery img'); return !!img && img.complete && img.naturalWidth > 0",
    )
    .await;
    let attrs = b
        .eval("const i = document.querySelector('#photo-gallery img'); return [i.alt, i.loading, i.getAttribute('width')]")
        .await;
    assert_eq!(attrs[0], t("zh-Hans", "photos.stage.report"));
    assert_eq!(attrs[1], "lazy");
    assert_eq!(attrs[2], w.to_string(), "sized as stored");
    b.eval("document.getElementById('photos-heading').scrollIntoView(); return true").await;
    b.screenshot("photos-03-tracking").await;

    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
    let _ = std::fs::remove_file(camera_path);
    let _ = std::fs::remove_file(other_path);
}

#[tokio::test]
async fn a_handler_publishes_an_after_photo_with_a_note_and_a_dispatcher_hides_the_citizens() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, token) = app.create(&crate::helpers::valid_body()).await;
    let upload = app
        .client
        .post(app.url(&format!("/api/v1/requests/{no}/photos")))
        .bearer_auth(&token)
        .header("Content-Type", "image/jpeg")
        .body(jpeg(480, 360, 50, 85))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status().as_u16(), 201);
    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
    assert_eq!(handler.act(&no, "accept", &serde_json::json!({})).await.0, 200);
    let after_path = write_fixture("after.jpg", &with_gps_exif(&jpeg(1200, 900, 51, 85)));

    // The handler adds an "after" photo and ticks it for a public note.
    let b = Browser::phone().await;
    b.sign_in("handler").await;
    b.open(&format!("/staff/tickets/{no}")).await;
    b.wait_for_id("staff-photo-file").await;
    b.wait_until("the citizen's photo", "return document.querySelectorAll('#staff-photos li').length === 1").await;
    b.eval("document.getElementById('photo-stage-after').click(); return true").await;
    b.wait_for_id("staff-photo-file").await.send_keys(&after_path).await.unwrap();
    b.wait_until("the new photo", "return document.querySelectorAll('#staff-photos li').length === 2").await;
    b.eval("document.getElementById('photo-attach-2').click(); return true").await;
    focus(&b, "note-text").await;
    b.keys("路灯已修复，附修复后照片。").await;
    b.eval("document.getElementById('note-public').click(); return true").await;
    b.eval("document.getElementById('staff-photos-heading').scrollIntoView(); return true").await;
    b.screenshot("photos-04-handler").await;
    focus(&b, "note-button").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the photo published",
        &format!(
            "const li = document.getElementById('staff-photo-2'); return !!li && li.innerText.includes({:?})",
            t("zh-Hans", "staff_photos.public")
        ),
    )
    .await;
    let (_, view) = status_json(app.get_request(&no, None).await).await;
    let photos = view["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2, "{view}");
    assert_eq!(photos[1]["stage"], "after");
    let note = view["timeline"].as_array().unwrap().iter().find(|e| e["event"] == "note").cloned().unwrap();
    assert_eq!(note["photos"][0], photos[1]["id"]);
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;

    // A dispatcher hides the citizen's photo with a reason.
    let b = Browser::phone().await;
    b.sign_in("dispatcher").await;
    b.open(&format!("/staff/dispatch/{no}")).await;
    b.wait_for_id("photo-reason-1").await;
    b.eval("document.getElementById('photo-hide-1').click(); return true").await;
    b.wait_until("the reason is asked for", "return !document.getElementById('photo-error-1').hidden").await;
    b.set_value("photo-reason-1", "照片中可辨认人脸", "input").await;
    focus(&b, "photo-hide-1").await;
    b.press(Key::Enter).await;
    b.wait_for_id("photo-unhide-1").await;
    assert!(b.text_of("staff-photo-1").await.contains("照片中可辨认人脸"));
    b.eval("document.getElementById('staff-photos-heading').scrollIntoView(); return true").await;
    b.screenshot("photos-05-moderation").await;
    let (_, view) = status_json(app.get_request(&no, None).await).await;
    assert_eq!(view["photos"].as_array().map(Vec::len), Some(1), "{view}");
    assert_eq!(view["photos"][0]["stage"], "after");
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
    let _ = std::fs::remove_file(after_path);
}
