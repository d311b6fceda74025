//! After requests with contact data have been filed (web form, a channel, Open311), dispatched
//! and worked on, no public answer holds a reporter's name, phone, email, token or exact
//! coordinates. The public GET routes come from the OpenAPI document (itself generated from the
//! policy table), so a new public route is scanned without anyone remembering to add it.

use crate::helpers::{spawn_app, unique_key, TestApp};
use serde_json::{json, Value};

/// One reporter's personal data, unlikely to occur anywhere by chance.
struct Secrets {
    name: String,
    phone: String,
    email: String,
    lat: String,
    lng: String,
}

impl Secrets {
    fn new(n: u32) -> Secrets {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let x = nanos.wrapping_mul(2_654_435_761).wrapping_add(n * 7919);
        Secrets {
            name: format!("隐私{}测试{}", ["甲", "乙", "丙", "丁"][n as usize % 4], x % 9973),
            phone: format!("139{:08}", x % 100_000_000),
            email: format!("reporter.{x}@privacy.example.cn"),
            // Inside the demo city, to seven decimals (~1 cm). The fourth decimal is never 5: public
            // points are the centres of 0.001° cells (…5 in the fourth place), which must not
            // count as a leak of the first four.
            lat: format!("28.{:03}2{:03}", 180 + x % 50, (x / 3) % 1000),
            lng: format!("112.{:03}7{:03}", 930 + (x / 7) % 50, (x / 11) % 1000),
        }
    }

    fn body(&self) -> Value {
        json!({
            "title": "人行道井盖松动",
            // Contact data in the text itself: the public copy must mask it.
            "description": format!("井盖踩上去会晃，晚上看不清。有事请打{}或发邮件到{}。", self.phone, self.email),
            "category": "01.02.01",
            "location": { "lat": self.lat.parse::<f64>().unwrap(), "lng": self.lng.parse::<f64>().unwrap(), "address": "芙蓉中路 88 号 2 单元" },
            "contact": { "name": self.name, "phone": self.phone, "email": self.email },
            "anonymous": false,
            "kind": "citizen"
        })
    }

    /// Every form in which a leak would show: whole values, the phone's subscriber digits, the
    /// email's mailbox, and the coordinates to four decimals (~10 m) in text or JSON numbers.
    fn needles(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.phone.clone(),
            self.phone[3..].to_owned(),
            self.email.clone(),
            self.email.split('@').next().unwrap().to_owned(),
            self.lat[..7].to_owned(),
            self.lng[..8].to_owned(),
        ]
    }
}

async fn text_of(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Query strings for public routes that need one; every public GET must answer 200 with these.
fn query_for(path: &str, lat: &str, lng: &str) -> String {
    match path {
        "/api/v1/nearby" => format!("?category=01.02.01&lat={lat}&lng={lng}"),
        "/api/v1/open/heatmap" => "?zoom=14".into(),
        _ => String::new(),
    }
}

#[tokio::test]
async fn no_public_answer_holds_a_reporters_personal_data() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let mut secrets = Vec::new();
    let mut filed = Vec::new();

    // The web form, twice (one reporter asks to stay anonymous), dispatched and noted.
    for n in 0..2 {
        let s = Secrets::new(n);
        let mut body = s.body();
        if n == 1 {
            // An anonymous reporter gives no contact, but their text and place are still theirs.
            body["anonymous"] = json!(true);
            body.as_object_mut().unwrap().remove("contact");
        }
        let (status, created) = crate::helpers::status_json(app.submit(Some(&unique_key()), &body).await).await;
        assert_eq!(status, 201, "{created}");
        let (no, token) =
            (created["tracking_no"].as_str().unwrap().to_owned(), created["token"].as_str().unwrap().to_owned());
        dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
        filed.push((no, token));
        secrets.push(s);
    }
    // A channel's intake and an Open311 client.
    let s = Secrets::new(2);
    let response = app
        .client
        .post(app.url("/api/v1/intake/hotline"))
        .bearer_auth("hych_demohotline000000000000000000000")
        .json(&json!({ "external_id": unique_key(), "request": s.body() }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "intake: {}", response.status());
    let created: Value = response.json().await.unwrap();
    filed.push((created["tracking_no"].as_str().unwrap().to_owned(), created["token"].as_str().unwrap().to_owned()));
    secrets.push(s);
    let s = Secrets::new(3);
    let form = [
        ("api_key", "hych_demoopen311000000000000000000000".to_owned()),
        ("service_code", "01.02.01".to_owned()),
        ("lat", s.lat.clone()),
        ("long", s.lng.clone()),
        ("description", format!("路灯不亮，电话{}", s.phone)),
        ("first_name", s.name.clone()),
        ("phone", s.phone.clone()),
        ("email", s.email.clone()),
    ];
    let response = app.client.post(app.url("/open311/v2/requests.json")).form(&form).send().await.unwrap();
    assert!(response.status().is_success(), "open311: {} {}", response.status(), response.text().await.unwrap());
    secrets.push(s);

    // Every public GET of the API, from the OpenAPI document.
    let (_, openapi) = crate::helpers::status_json(app.get("/api/v1/openapi.json").await).await;
    let mut paths = Vec::new();
    for (path, ops) in openapi["paths"].as_object().unwrap() {
        let Some(get) = ops.get("get") else { continue };
        let security = get["security"].as_array().cloned().unwrap_or_default();
        let public = security.is_empty() || security.iter().any(|s| s.as_object().is_some_and(|o| o.is_empty()));
        // Photos are bytes whose metadata the photo tests check; the OpenAPI document is static.
        if !public || path.contains("{id}") || path.ends_with("openapi.json") {
            continue;
        }
        if path.contains("{tracking_no}") {
            for (no, _) in &filed {
                paths.push(path.replace("{tracking_no}", no));
            }
        } else {
            paths.push(format!("{path}{}", query_for(path, &secrets[0].lat, &secrets[0].lng)));
        }
    }
    assert!(paths.len() >= 20, "too few public routes found: {paths:?}");
    // Open311 (not under /api/v1).
    for path in ["/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/servicerequestupdates.json"] {
        paths.push(path.to_owned());
    }
    for (no, _) in &filed {
        paths.push(format!("/open311/v2/requests/{no}.json"));
        // The tracking page, which the Worker writes with the request in it.
        paths.push(format!("/track/{no}"));
    }

    let mut leaks = Vec::new();
    for path in &paths {
        let (status, text) = text_of(&app, path).await;
        // The rating form asks for the reporter's token and a reply to rate; everything else answers.
        if path.ends_with("/rating") {
            assert!([200, 401, 403, 409].contains(&status), "{path}: {status}");
        } else {
            assert_eq!(status, 200, "{path}: {text}");
        }
        for (s, (_, token)) in secrets.iter().zip(filed.iter().chain(std::iter::repeat(&filed[0]))) {
            for needle in s.needles().iter().chain([token]) {
                if text.contains(needle.as_str()) {
                    leaks.push(format!("{path} holds {needle}"));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));

    // The reporter's own view is where their data belongs: the scan would have seen it there.
    let (no, token) = &filed[0];
    let private = app.get_request(no, Some(token)).await.text().await.unwrap();
    assert!(private.contains(&secrets[0].phone) && private.contains(&secrets[0].lat[..7]));
}
