//! The tracking view: public without the token, private with it.

use crate::helpers::{spawn_app, status_json, valid_body};
use shared::geo::{distance_m, LatLng};

/// Everything in `valid_body()` that identifies the reporter or pins the exact spot.
const PERSONAL: [&str; 7] =
    ["王小明", "13912345678", "wang.xm@example.cn", "芙蓉路 12 号 3 栋", "28.203456", "112.981234", "token"];

#[tokio::test]
async fn the_public_view_leaks_no_contact_data_or_exact_location() {
    let app = spawn_app();
    let mut body = valid_body();
    // Citizens type their numbers into the text too.
    body["description"] = "路灯坏了两周，晚上很黑。有事请打 13912345678 或写信 wang.xm@example.cn".into();
    let (no, token) = app.create(&body).await;

    let response = app.get_request(&no, None).await;
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    for secret in PERSONAL.iter().chain([&token.as_str()]) {
        assert!(!text.contains(secret), "public view shows {secret}: {text}");
    }
    let view: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(view["view"], "public");
    let approx = LatLng {
        lat: view["approximate_location"]["lat"].as_f64().unwrap(),
        lng: view["approximate_location"]["lng"].as_f64().unwrap(),
    };
    let exact = LatLng { lat: 28.203456, lng: 112.981234 };
    let off = distance_m(approx, exact);
    assert!(off > 1.0 && off < 100.0, "coarse but useful: {off} m");
}

#[tokio::test]
async fn the_private_view_needs_the_token_and_shows_the_reporter_their_data() {
    let app = spawn_app();
    let (no, token) = app.create(&valid_body()).await;

    let (status, view) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["view"], "private");
    assert_eq!(view["contact"]["name"], "王小明");
    assert_eq!(view["contact"]["phone"], "13912345678");
    assert_eq!(view["contact"]["email"], "wang.xm@example.cn");
    assert_eq!(view["location"]["lat"], 28.203456);
    assert_eq!(view["address"], "芙蓉路 12 号 3 栋");
    assert_eq!(view["timeline"][0]["event"], "submitted");

    // A link in a message carries the token in the query.
    let (status, view) = status_json(app.get(&format!("/api/v1/requests/{no}?token={token}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["view"], "private");
}

#[tokio::test]
async fn a_wrong_token_or_another_tickets_token_is_refused() {
    let app = spawn_app();
    let (no, _) = app.create(&valid_body()).await;
    let (_, other_token) = app.create(&valid_body()).await;
    for token in [other_token.as_str(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not a token"] {
        let (status, error) = status_json(app.get_request(&no, Some(token)).await).await;
        assert_eq!(status, 403, "{token}");
        assert_eq!(error["code"], "invalid_token");
        assert!(error.get("contact").is_none());
    }
}

#[tokio::test]
async fn numbers_are_forgiving_in_form_and_strict_in_digits() {
    let app = spawn_app();
    let (no, _) = app.create(&valid_body()).await;
    let spaced = no.replace('-', " ");
    let (status, view) = status_json(app.get_request(&spaced.replace(' ', "%20"), None).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["tracking_no"], no.as_str());

    // One wrong digit fails the check digit: not found, without touching the database.
    let last = no.chars().last().unwrap().to_digit(10).unwrap();
    let typo = format!("{}{}", &no[..no.len() - 1], (last + 1) % 10);
    let (status, error) = status_json(app.get_request(&typo, None).await).await;
    assert_eq!(status, 404);
    assert_eq!(error["code"], "not_found");
    let (status, _) = status_json(app.get_request("19990101-0000010", None).await).await;
    assert_eq!(status, 404);
}

/// The text of `<script type="application/json" id="ticket-data">` in a page.
fn embedded_view(page: &str) -> Option<serde_json::Value> {
    let start = page.find(r#"<script type="application/json" id="ticket-data">"#)?;
    let json = &page[start..];
    let json = &json[json.find('>')? + 1..json.find("</script>")?];
    serde_json::from_str(json).ok()
}

#[tokio::test]
async fn the_tracking_page_is_written_with_the_public_view_and_nothing_private() {
    let app = spawn_app();
    let mut body = valid_body();
    body["title"] = "路灯不亮 <script>alert(1)</script>".into();
    body["description"] =
        "南门的路灯坏了两周 </script><b>很黑</b>。有事请打 13912345678 或写信 wang.xm@example.cn".into();
    let (no, token) = app.create(&body).await;

    let response = app.get(&format!("/track/{no}")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(response.headers()["cache-control"], "no-cache", "progress changes: never from a cache");
    let page = response.text().await.unwrap();
    for secret in PERSONAL.iter().chain([&token.as_str()]) {
        assert!(!page.contains(secret), "the page shows {secret}");
    }
    // Written in each language, the citizen's text escaped; nothing of it runs.
    assert_eq!(page.matches(r#"data-shell-page="track""#).count(), 3);
    assert_eq!(page.matches("路灯不亮 &lt;script&gt;alert(1)&lt;/script&gt;").count(), 3);
    assert!(page.contains("南门的路灯坏了两周 &lt;/script&gt;&lt;b&gt;很黑&lt;/b&gt;"));
    assert!(!page.contains("<script>alert") && !page.contains("<b>很黑"));
    assert!(page.contains(r#"<strong class="status status--"#));
    // The app starts from exactly what the public API answers.
    let (_, api) = status_json(app.get_request(&no, None).await).await;
    assert_eq!(embedded_view(&page), Some(api));

    // A number that is not there, not a number, or no page at all: the plain page, where the app
    // says what is wrong.
    for path in ["/track/20990101-0000016", "/track/not-a-number", "/track/", "/track/a/b"] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let csp = response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
        assert!(csp.is_some_and(|c| c.contains("script-src 'self'")), "{path}: a page's headers");
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<div class="shell""#) && !page.contains("data-shell-page=\"track\""), "{path}");
        assert_eq!(embedded_view(&page), None, "{path}");
    }
}
