//! Photos through the API: EXIF and GPS removed from real camera files, types decided by content,
//! size and count limits, the reporter's token, handlers' photos on the public timeline, the
//! headers of the public copy, and moderation (hidden → gone from every public place).

use crate::helpers::{spawn_app, status_json, valid_body, Staff, TestApp};
use crate::photo_fixtures::{decode, has_exif_or_gps, jpeg, png, with_gps_exif};
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";

/// A good answer to `valid_body()` (as in `api_handling`): passes the reply check.
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

async fn upload(app: &TestApp, no: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/requests/{no}/photos")))
        .header("Content-Type", content_type)
        .body(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    crate::helpers::status_json_or_null(req.send().await.unwrap()).await
}

async fn staff_upload(staff: &Staff, no: &str, stage: &str, body: Vec<u8>) -> (u16, Value) {
    let req = staff
        .request(reqwest::Method::POST, &format!("/api/v1/tickets/{no}/photos?stage={stage}"))
        .header("Content-Type", "image/jpeg")
        .body(body);
    crate::helpers::status_json_or_null(req.send().await.unwrap()).await
}

async fn fetch(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

async fn public_view(app: &TestApp, no: &str) -> Value {
    let (status, view) = status_json(app.get_request(no, None).await).await;
    assert_eq!(status, 200, "{view}");
    view
}

async fn media_url(app: &TestApp, no: &str) -> Option<String> {
    let (status, list) = status_json(fetch(app, &format!("/open311/v2/requests/{no}.json")).await).await;
    assert_eq!(status, 200, "{list}");
    list[0]["media_url"].as_str().map(str::to_owned)
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().map(|a| a.iter().filter_map(|p| p["id"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[tokio::test]
async fn a_camera_photo_loses_its_gps_exif_and_keeps_every_pixel() {
    let app = spawn_app();
    let (no, token) = app.create(&valid_body()).await;
    let plain = jpeg(640, 480, 11, 88);
    let camera = with_gps_exif(&plain);
    assert!(has_exif_or_gps(&camera), "the fixture carries GPS, so the test can fail");

    let (status, photo) = upload(&app, &no, Some(&token), "image/jpeg", camera.clone()).await;
    assert_eq!(status, 201, "{photo}");
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(640), Some(480)));
    assert_eq!(photo["content_type"], "image/jpeg");
    let id = photo["id"].as_str().unwrap().to_owned();
    let url = photo["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/api/v1/photos/{id}"));

    let response = fetch(&app, &url).await;
    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(header("content-type"), "image/jpeg");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(header("content-disposition"), "inline");
    assert!(
        header("content-security-policy").starts_with("default-src 'none'"),
        "{}",
        header("content-security-policy")
    );
    let served = response.bytes().await.unwrap().to_vec();
    assert!(!has_exif_or_gps(&served), "no Exif, camera or GPS bytes in the public copy");
    assert!(served.len() < camera.len());
    let (mine, original) = (decode(&served), decode(&plain));
    assert_eq!((mine.width(), mine.height()), (640, 480));
    assert_eq!(mine.to_rgb8(), original.to_rgb8(), "only metadata went: the image data is untouched");

    // A retry of the same photo is the same photo.
    let (status, again) = upload(&app, &no, Some(&token), "image/jpeg", camera).await;
    assert_eq!((status, again["id"].as_str()), (200, Some(id.as_str())), "{again}");

    // The public view and Open311 point at it.
    let view = public_view(&app, &no).await;
    assert_eq!(ids(&view["photos"]), vec![id.clone()], "{view}");
    assert_eq!(view["photos"][0]["stage"], "report");
    assert_eq!(view["photos"][0]["width"], 640);
    let media = media_url(&app, &no).await.expect("media_url");
    assert_eq!(media, format!("{}/api/v1/photos/{id}", app.address));
    let (_, xml) = (0, fetch(&app, &format!("/open311/v2/requests/{no}.xml")).await.text().await.unwrap());
    assert!(xml.contains(&format!("<media_url>{media}</media_url>")), "{xml}");
}

#[tokio::test]
async fn the_bytes_decide_the_type_and_scripts_are_never_images() {
    let app = spawn_app();
    let (no, token) = app.create(&valid_body()).await;
    // A PNG sent as a JPEG is stored and served as the PNG it is.
    let (status, photo) = upload(&app, &no, Some(&token), "image/jpeg", png(120, 90, 3)).await;
    assert_eq!(status, 201, "{photo}");
    assert_eq!(photo["content_type"], "image/png");
    let response = fetch(&app, photo["url"].as_str().unwrap()).await;
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(decode(&response.bytes().await.unwrap()).width(), 120);

    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let truncated = jpeg(200, 200, 4, 90)[..400].to_vec();
    for (content_type, body) in [
        ("image/svg+xml", svg.to_vec()),
        ("image/jpeg", html.to_vec()),
        ("image/gif", gif.to_vec()),
        ("text/plain", b"hello".to_vec()),
        ("image/jpeg", truncated),
        ("image/png", Vec::new()),
    ] {
        let (status, body) = upload(&app, &no, Some(&token), content_type, body).await;
        assert_eq!(status, 422, "{content_type}: {body}");
        assert!(body["fields"]["photo"]["code"].is_string(), "names the field: {body}");
    }
    let view = public_view(&app, &no).await;
    assert_eq!(view["photos"].as_array().map(Vec::len), Some(1), "nothing refused was stored");
}

#[tokio::test]
async fn size_count_and_token_are_checked() {
    let app = spawn_app();
    let (no, token) = app.create(&valid_body()).await;
    let (_, other_token) = app.create(&valid_body()).await;

    let mut huge = jpeg(32, 32, 5, 90);
    huge.resize(600 * 1024, 0);
    let (status, body) = upload(&app, &no, Some(&token), "image/jpeg", huge).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("payload_too_large")), "{body}");

    let (status, _) = upload(&app, &no, None, "image/jpeg", jpeg(32, 32, 6, 90)).await;
    assert_eq!(status, 401);
    let (status, _) = upload(&app, &no, Some(&other_token), "image/jpeg", jpeg(32, 32, 6, 90)).await;
    assert_eq!(status, 403, "another request's token");
    let unknown = shared::ids::TrackingNo::new(chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap(), 999_999);
    let (status, _) = upload(&app, unknown.as_str(), Some(&token), "image/jpeg", jpeg(32, 32, 6, 90)).await;
    assert_eq!(status, 404);

    for seed in 0..3 {
        let (status, body) = upload(&app, &no, Some(&token), "image/jpeg", jpeg(48, 32, 100 + seed, 90)).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = upload(&app, &no, Some(&token), "image/jpeg", jpeg(48, 32, 200, 90)).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")), "a fourth photo: {body}");
    assert_eq!(public_view(&app, &no).await["photos"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn handlers_photos_go_public_with_the_reply_and_hidden_photos_leave_every_public_page() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let ecology = app.login_demo("ecology").await;
    let (no, token) = app.create(&valid_body()).await;
    let (status, citizen) = upload(&app, &no, Some(&token), "image/jpeg", with_gps_exif(&jpeg(320, 240, 7, 85))).await;
    assert_eq!(status, 201, "{citizen}");
    let citizen = citizen["id"].as_str().unwrap().to_owned();
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);

    // The lead's before and after photos; another department's staff cannot add any.
    let (status, body) = staff_upload(&handler, &no, "", jpeg(64, 64, 8, 90)).await;
    assert_eq!((status, body["fields"]["stage"]["code"].as_str()), (422, Some("required")), "{body}");
    let (status, _) = staff_upload(&ecology, &no, "before", jpeg(64, 64, 8, 90)).await;
    assert_eq!(status, 404, "not ecology's ticket");
    let (status, before) = staff_upload(&handler, &no, "before", with_gps_exif(&jpeg(64, 64, 8, 90))).await;
    assert_eq!(status, 201, "{before}");
    let (status, after) = staff_upload(&handler, &no, "after", jpeg(64, 64, 9, 90)).await;
    assert_eq!(status, 201, "{after}");
    let (before, after) = (before["id"].as_str().unwrap().to_owned(), after["id"].as_str().unwrap().to_owned());
    assert_eq!(fetch(&app, &format!("/api/v1/photos/{after}")).await.status().as_u16(), 404, "not published yet");

    // Notes and replies take only this ticket's handlers' photos.
    let note = json!({ "text": "已派人到现场查看。", "public": true, "photos": [citizen] });
    let (status, body) = handler.act(&no, "notes", &note).await;
    assert_eq!((status, body["fields"]["photos[0]"]["code"].as_str()), (422, Some("unknown_value")), "{body}");
    let note = json!({ "text": "已派人到现场查看。", "public": true, "photos": [before] });
    assert_eq!(handler.act(&no, "notes", &note).await.0, 200);
    let reply = json!({ "text": GOOD_REPLY, "photos": [after] });
    let (status, body) = handler.act(&no, "reply", &reply).await;
    assert_eq!(status, 200, "{body}");

    let view = public_view(&app, &no).await;
    assert_eq!(ids(&view["photos"]), vec![citizen.clone(), before.clone(), after.clone()], "{view}");
    let timeline = view["timeline"].as_array().unwrap();
    let photos_of = |event: &str| -> Vec<Value> {
        timeline
            .iter()
            .filter(|e| e["event"] == event)
            .flat_map(|e| e["photos"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    assert_eq!(photos_of("note"), vec![json!(before)]);
    assert_eq!(photos_of("replied"), vec![json!(after)]);
    let served = fetch(&app, &format!("/api/v1/photos/{before}")).await.bytes().await.unwrap();
    assert!(!has_exif_or_gps(&served), "staff uploads are stripped too");

    // Moderation: dispatchers hide with a reason; handlers cannot.
    let hide = format!("/api/v1/photos/{citizen}/hide");
    assert_eq!(handler.post(&hide, &json!({ "reason": "人脸可辨认" })).await.0, 403);
    let (status, body) = dispatcher.post(&hide, &json!({})).await;
    assert_eq!((status, body["fields"]["reason"]["code"].as_str()), (422, Some("required")), "{body}");
    let (status, hidden) = dispatcher.post(&hide, &json!({ "reason": "人脸可辨认" })).await;
    assert_eq!(status, 200, "{hidden}");
    assert_eq!(hidden["hidden"]["reason"], "人脸可辨认");
    assert_eq!(hidden["hidden"]["by"], "dispatcher");
    let (status, _) = dispatcher.post(&format!("/api/v1/photos/{after}/hide"), &json!({ "reason": "拍到车牌" })).await;
    assert_eq!(status, 200);

    assert_eq!(fetch(&app, &format!("/api/v1/photos/{citizen}")).await.status().as_u16(), 404);
    let view = public_view(&app, &no).await;
    assert_eq!(ids(&view["photos"]), vec![before.clone()], "{view}");
    assert!(!view.to_string().contains(&citizen) && !view.to_string().contains(&after), "no trace of hidden ids");
    let mine = status_json(app.get_request(&no, Some(&token)).await).await.1;
    assert_eq!(ids(&mine["photos"]), vec![before.clone()], "the reporter's view too");
    assert_eq!(media_url(&app, &no).await, None, "Open311 has no media once the citizen's photo is hidden");

    // Staff still see them, with why, and can read the hidden copy (never cached).
    let (status, list) = handler.get(&format!("/api/v1/tickets/{no}/photos")).await;
    assert_eq!(status, 200, "{list}");
    let listed = list["photos"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    let row = listed.iter().find(|p| p["id"] == citizen.as_str()).unwrap();
    assert_eq!((row["hidden"]["reason"].as_str(), row["stage"].as_str()), (Some("人脸可辨认"), Some("report")));
    let response =
        handler.request(reqwest::Method::GET, &format!("/api/v1/staff/photos/{citizen}")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    assert!(!has_exif_or_gps(&response.bytes().await.unwrap()));
    let (status, _) = ecology.get(&format!("/api/v1/tickets/{no}/photos")).await;
    assert_eq!(status, 404, "out of ecology's scope");
    let outsider =
        ecology.request(reqwest::Method::GET, &format!("/api/v1/staff/photos/{citizen}")).send().await.unwrap();
    assert_eq!(outsider.status().as_u16(), 404);
    assert_eq!(fetch(&app, &format!("/api/v1/staff/photos/{citizen}")).await.status().as_u16(), 401);

    // Shown again, it is back everywhere; the trail has both actions.
    let (status, shown) = dispatcher.post(&format!("/api/v1/photos/{citizen}/unhide"), &json!({})).await;
    assert_eq!((status, shown["hidden"].is_null()), (200, true), "{shown}");
    assert_eq!(fetch(&app, &format!("/api/v1/photos/{citizen}")).await.status().as_u16(), 200);
    assert!(media_url(&app, &no).await.is_some_and(|m| m.ends_with(&citizen)));
    let admin = app.login_demo("admin").await;
    let (_, audit) = admin.get("/api/v1/admin/audit?limit=500").await;
    let actions: Vec<&str> = audit
        .as_array()
        .map(|a| a.iter().filter(|e| e["target"] == citizen.as_str()).filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert!(actions.contains(&"photo_hidden") && actions.contains(&"photo_shown"), "{audit}");
}
