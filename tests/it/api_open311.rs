//! Open311 GeoReport v2 at `/open311/v2/`: discovery, services, requests, tokens and
//! FixMyStreet's `servicerequestupdates`, each in JSON and XML; the spec's error lists for 400
//! and 404; and nothing a stranger may not see on the public tracking page.

use crate::helpers::{spawn_app, valid_body, TestApp};
use serde_json::{json, Value};
use shared::catalogue::Catalogue;

const LEAD: &str = "city.urban-management";

/// A good answer to `valid_body()`: on topic, says what was done, no personal data.
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

/// What `valid_body()` says about its reporter, and its exact point: never in an answer.
const PRIVATE: [&str; 6] =
    ["王小明", "13912345678", "wang.xm@example.cn", "芙蓉路 12 号 3 栋", "28.203456", "112.981234"];

/// Status, content type and body text of a GET.
async fn fetch(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let cors = response.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok());
    assert_eq!(cors, Some("*"), "{path}: open data for any web client");
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, content_type, response.text().await.unwrap())
}

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let (status, content_type, body) = fetch(app, path).await;
    assert_eq!(content_type, "application/json; charset=utf-8", "{path}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
}

async fn get_xml(app: &TestApp, path: &str) -> (u16, String) {
    let (status, content_type, body) = fetch(app, path).await;
    assert_eq!(content_type, "text/xml; charset=utf-8", "{path}");
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{path}: {body}");
    (status, body)
}

fn assert_private_data_absent(body: &str, token: &str) {
    for secret in PRIVATE.iter().chain([&token]) {
        assert!(!body.contains(secret), "{secret} leaked: {body}");
    }
}

/// The spec's error list, in JSON: one error with this code whose description starts with `what`.
fn assert_error(body: &Value, code: u16, what: &str) {
    let errors = body.as_array().unwrap_or_else(|| panic!("an error list: {body}"));
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["code"], code, "{body}");
    assert!(errors[0]["description"].as_str().unwrap().starts_with(what), "{body}");
}

fn assert_xml_error(body: &str, code: u16, what: &str) {
    let start = format!("<errors><error><code>{code}</code><description>{what}");
    assert!(body.contains(&start) && body.ends_with("</description></error></errors>"), "{body}");
}

fn find<'a>(list: &'a Value, no: &str) -> Option<&'a Value> {
    list.as_array().unwrap_or_else(|| panic!("a list: {list}")).iter().find(|r| r["service_request_id"] == no)
}

#[tokio::test]
async fn discovery_and_services_answer_in_both_formats() {
    let app = spawn_app();
    let (status, d) = get_json(&app, "/open311/v2/discovery.json?jurisdiction_id=anything").await;
    assert_eq!(status, 200, "{d}");
    let endpoint = &d["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], format!("{}/open311/v2", app.address));
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    assert!(d["changeset"].is_string() && d["contact"].is_string() && d["key_service"].is_string(), "{d}");
    let (status, xml) = get_xml(&app, "/open311/v2/discovery.xml").await;
    assert_eq!(status, 200);
    assert!(xml.contains("<discovery><changeset>"), "{xml}");
    assert!(xml.contains(&format!("<url>{}/open311/v2</url>", app.address)), "{xml}");

    // One service per leaf of the catalogue.
    let leaves = Catalogue::builtin().count_at_level(3);
    let (status, services) = get_json(&app, "/open311/v2/services.json?jurisdiction_id=x").await;
    assert_eq!(status, 200);
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), leaves);
    let lamp = services.iter().find(|s| s["service_code"] == "01.02.01").expect("the category of valid_body()");
    let path = Catalogue::builtin().path(&shared::catalogue::CategoryCode::parse("01.02.01").unwrap()).unwrap().path;
    assert_eq!(lamp["service_name"], path[2].as_str());
    assert_eq!(lamp["group"], path[0].as_str());
    assert_eq!(lamp["description"], path.join(" › "));
    assert_eq!(lamp["keywords"], format!("{},{}", path[1], path[2]));
    assert_eq!((lamp["metadata"].as_bool(), lamp["type"].as_str()), (Some(false), Some("realtime")));
    let (status, xml) = get_xml(&app, "/open311/v2/services.xml").await;
    assert_eq!(status, 200);
    assert_eq!(xml.matches("<service>").count(), leaves);
    assert!(xml.contains("<services><service><service_code>") && xml.contains("<metadata>false</metadata>"));

    // Definitions: leaves only; the spec's errors for the rest.
    let (status, def) = get_json(&app, "/open311/v2/services/01.02.01.json").await;
    assert_eq!((status, def), (200, json!({ "service_code": "01.02.01", "attributes": [] })));
    let (status, xml) = get_xml(&app, "/open311/v2/services/01.02.01.xml").await;
    assert_eq!(status, 200);
    assert!(xml.contains("<service_definition><service_code>01.02.01</service_code><attributes>"), "{xml}");
    for code in ["99.99.99", "01.02", "nonsense"] {
        let (status, body) = get_json(&app, &format!("/open311/v2/services/{code}.json")).await;
        assert_eq!(status, 404, "{code}");
        assert_error(&body, 404, "service");
        let (status, xml) = get_xml(&app, &format!("/open311/v2/services/{code}.xml")).await;
        assert_eq!(status, 404);
        assert_xml_error(&xml, 404, "service");
    }
    let (status, body) = get_json(&app, "/open311/v2/services/01.02.01.csv").await;
    assert_eq!(status, 404);
    assert_error(&body, 404, "\"01.02.01.csv\"");
}

#[tokio::test]
async fn requests_show_their_progress_and_nothing_private() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (done, token) = app.create(&valid_body()).await;
    let (waiting, other_token) = app.create(&valid_body()).await;

    // Just submitted: open, in its category, at the centre of its ~100 m cell.
    let (status, list) = get_json(&app, &format!("/open311/v2/requests/{done}.json?jurisdiction_id=x")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    let r = &list[0];
    assert_eq!((r["service_request_id"].as_str(), r["status"].as_str()), (Some(done.as_str()), Some("open")));
    assert_eq!(
        (r["service_code"].as_str(), r["lat"].as_f64(), r["long"].as_f64()),
        (Some("01.02.01"), Some(28.2035), Some(112.9815))
    );
    assert_eq!(r["description"], valid_body()["description"]);
    assert!(r["requested_datetime"].as_str().unwrap().ends_with("+08:00"), "{r}");
    assert!(r.get("address").is_none() && r.get("expected_datetime").is_none(), "{r}");

    // Dispatched, accepted, a public note, the reply, closed by the centre.
    dispatcher.dispatch_to(&done, LEAD, &[]).await;
    assert_eq!(handler.act(&done, "accept", &json!({})).await.0, 200);
    let (status, body) =
        handler.act(&done, "notes", &json!({ "text": "已派维修班组今天下午到现场查看。", "public": true })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(handler.act(&done, "notes", &json!({ "text": "内部：需更换灯杆线路", "public": false })).await.0, 200);
    let (status, body) = handler.act(&done, "reply", &json!({ "text": GOOD_REPLY })).await;
    assert_eq!(status, 200, "{body}");
    let (_, list) = get_json(&app, &format!("/open311/v2/requests/{done}.json")).await;
    assert_eq!(list[0]["status"], "open", "replied, not yet closed: {list}");
    assert_eq!(list[0]["status_notes"], GOOD_REPLY);
    let (status, body) = dispatcher.act(&done, "close", &json!({})).await;
    assert_eq!(status, 200, "{body}");

    let public: Value = app.get_request(&done, None).await.json().await.unwrap();
    let lead_name = public["timeline"].as_array().unwrap().iter().find(|e| e["event"] == "dispatched").unwrap()
        ["lead_name"]
        .clone();
    let (_, list) = get_json(&app, &format!("/open311/v2/requests/{done}.json")).await;
    let r = &list[0];
    assert_eq!(r["status"], "closed", "{r}");
    assert_eq!(r["agency_responsible"], lead_name, "{r}");
    assert!(r["expected_datetime"].as_str().is_some_and(|t| t.ends_with("+08:00")), "{r}");
    assert!(r["updated_datetime"].as_str().unwrap() >= r["requested_datetime"].as_str().unwrap(), "{r}");
    let (status, xml) = get_xml(&app, &format!("/open311/v2/requests/{done}.xml")).await;
    assert_eq!(status, 200);
    let head =
        format!("<service_requests><request><service_request_id>{done}</service_request_id><status>closed</status>");
    assert!(xml.starts_with(&format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{head}")), "{xml}");
    assert!(xml.contains("<lat>28.2035</lat><long>112.9815</long></request></service_requests>"), "{xml}");
    assert!(xml.contains("<expected_datetime>") && xml.contains("<agency_responsible>"), "{xml}");

    // Lists: by id (other filters ignored, as the spec says), by status and by service.
    let ids =
        format!("/open311/v2/requests.json?service_request_id={done},{waiting}&status=open&service_code=01.01.01");
    let (status, list) = get_json(&app, &ids).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(find(&list, &waiting).unwrap()["status"], "open");
    let (_, closed) = get_json(&app, "/open311/v2/requests.json?status=closed&service_code=01.02.01").await;
    assert!(find(&closed, &done).is_some() && find(&closed, &waiting).is_none());
    let (_, open) = get_json(&app, "/open311/v2/requests.json?status=open").await;
    assert!(find(&open, &waiting).is_some() && find(&open, &done).is_none());
    let (_, both) = get_json(&app, "/open311/v2/requests.json?status=open,closed&jurisdiction_id=x").await;
    assert!(find(&both, &waiting).is_some() && find(&both, &done).is_some());
    let (_, elsewhere) = get_json(&app, "/open311/v2/requests.json?service_code=01.01.01").await;
    assert!(find(&elsewhere, &done).is_none());
    let (_, future) =
        get_json(&app, "/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z&end_date=2099-01-02").await;
    assert_eq!(future, json!([]));
    let (_, past) = get_json(&app, "/open311/v2/requests.json?end_date=2020-01-01T00:00:00%2B08:00").await;
    assert!(find(&past, &done).is_none());
    let (status, xml) = get_xml(&app, &format!("/open311/v2/requests.xml?service_request_id={waiting}")).await;
    assert_eq!(status, 200);
    assert!(xml.contains(&format!("<request><service_request_id>{waiting}</service_request_id><status>open</status>")));

    // Tokens: the tracking number stands for the request.
    let (status, t) = get_json(&app, &format!("/open311/v2/tokens/{done}.json")).await;
    assert_eq!((status, t), (200, json!([{ "service_request_id": done, "token": done }])));
    let (status, xml) = get_xml(&app, &format!("/open311/v2/tokens/{done}.xml")).await;
    assert_eq!(status, 200);
    let expected = format!("<service_requests><request><service_request_id>{done}</service_request_id><token>{done}</token></request></service_requests>");
    assert!(xml.ends_with(&expected), "{xml}");

    // Updates: the public status changes, the public note and the reply; not the internal note.
    let (status, updates) = get_json(&app, "/open311/v2/servicerequestupdates.json").await;
    assert_eq!(status, 200);
    let mine: Vec<&Value> = updates["service_requests_updates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["service_request_id"] == done.as_str())
        .collect();
    let statuses: Vec<&str> = mine.iter().filter_map(|u| u["status"].as_str()).collect();
    assert!(statuses.contains(&"ACTION_SCHEDULED") && statuses.contains(&"CLOSED"), "{mine:?}");
    assert!(mine.iter().any(|u| u["description"] == "已派维修班组今天下午到现场查看。"), "{mine:?}");
    assert!(mine.iter().any(|u| u["description"].as_str().unwrap().contains(GOOD_REPLY)), "{mine:?}");
    assert!(!mine.iter().any(|u| u["description"].as_str().unwrap().contains("内部")), "{mine:?}");
    assert!(mine.iter().all(|u| u["update_id"].is_string() && u["updated_datetime"].is_string()), "{mine:?}");
    let (status, xml) = get_xml(&app, "/open311/v2/servicerequestupdates.xml?start_date=2020-01-01").await;
    assert_eq!(status, 200);
    assert!(xml.contains("<service_requests_updates><request_update><update_id>"), "{xml}");
    assert!(xml.contains(&format!("<service_request_id>{done}</service_request_id><status>CLOSED</status>")), "{xml}");
    let (_, none) = get_json(&app, "/open311/v2/servicerequestupdates.json?start_date=2099-01-01").await;
    assert_eq!(none, json!({ "service_requests_updates": [] }));

    // No answer carries the reporter's contact, address, token or exact point.
    for path in [
        format!("/open311/v2/requests/{done}.json"),
        format!("/open311/v2/requests/{done}.xml"),
        format!("/open311/v2/requests.json?service_request_id={done},{waiting}"),
        format!("/open311/v2/requests.xml?service_request_id={done},{waiting}"),
        "/open311/v2/requests.json".to_owned(),
        "/open311/v2/requests.xml".to_owned(),
        "/open311/v2/servicerequestupdates.json".to_owned(),
        "/open311/v2/servicerequestupdates.xml".to_owned(),
        format!("/open311/v2/tokens/{done}.json"),
    ] {
        let (_, _, body) = fetch(&app, &path).await;
        assert_private_data_absent(&body, &token);
        assert_private_data_absent(&body, &other_token);
    }
}

#[tokio::test]
async fn unknown_requests_and_tokens_are_404_in_the_errors_format() {
    let app = spawn_app();
    let nobody = shared::ids::TrackingNo::new(chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(), 999_999);
    for path in [format!("/open311/v2/requests/{nobody}"), "/open311/v2/requests/not-a-number".to_owned()] {
        let (status, body) = get_json(&app, &format!("{path}.json")).await;
        assert_eq!(status, 404, "{path}");
        assert_error(&body, 404, "service request");
        let (status, xml) = get_xml(&app, &format!("{path}.xml")).await;
        assert_eq!(status, 404);
        assert_xml_error(&xml, 404, "service request");
    }
    let (status, body) = get_json(&app, &format!("/open311/v2/tokens/{nobody}.json")).await;
    assert_eq!(status, 404);
    assert_error(&body, 404, "token");
    let (status, xml) = get_xml(&app, &format!("/open311/v2/tokens/{nobody}.xml")).await;
    assert_eq!(status, 404);
    assert_xml_error(&xml, 404, "token");
    // By id in a list, an unknown request is simply not there.
    let (status, list) = get_json(&app, &format!("/open311/v2/requests.json?service_request_id={nobody}")).await;
    assert_eq!((status, list), (200, json!([])));
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    let app = spawn_app();
    let cases = [
        ("requests", "start_date=yesterday", "start_date"),
        ("requests", "end_date=2026-13-40", "end_date"),
        ("requests", "start_date=2026-11-02&end_date=2026-11-01", "end_date"),
        ("requests", "status=pending", "status"),
        ("requests", "status=open,later", "status"),
        ("requests", "service_code=99.99.99", "service_code"),
        ("requests", "service_request_id=abc", "service_request_id"),
        ("servicerequestupdates", "start_date=soon", "start_date"),
        ("servicerequestupdates", "end_date=2020-01-01&start_date=2021-01-01", "end_date"),
    ];
    for (call, query, parameter) in cases {
        let (status, body) = get_json(&app, &format!("/open311/v2/{call}.json?{query}")).await;
        assert_eq!(status, 400, "{call}?{query}: {body}");
        assert_error(&body, 400, &format!("{parameter}:"));
        let (status, xml) = get_xml(&app, &format!("/open311/v2/{call}.xml?{query}")).await;
        assert_eq!(status, 400, "{call}?{query}");
        assert_xml_error(&xml, 400, &format!("{parameter}:"));
    }
}

/// POST `requests` as a form, as GeoReport clients send it.
async fn post_form(app: &TestApp, ext: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let response = app.client.post(app.url(&format!("/open311/v2/requests.{ext}"))).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn a_client_with_a_channel_key_posts_requests_that_are_tracked_like_any_other() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let code = format!(
        "o311-{}",
        crate::helpers::unique_key()
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .rev()
            .take(8)
            .collect::<String>()
    );
    let (status, channel) = admin
        .post("/api/v1/admin/channels", &json!({ "code": code, "name": "Open311 测试客户端", "kind": "open311" }))
        .await;
    assert_eq!(status, 201, "{channel}");
    let key = channel["key"].as_str().unwrap().to_owned();
    let form = [
        ("api_key", key.as_str()),
        ("jurisdiction_id", "a-city"),
        ("service_code", "01.02.01"),
        ("lat", "28.203456"),
        ("long", "112.981234"),
        ("address_string", "芙蓉路 12 号 3 栋"),
        ("description", "小区南门的路灯坏了一个多月，晚上漆黑一片，请尽快维修。"),
        ("first_name", "小明"),
        ("last_name", "王"),
        ("phone", "13912345678"),
        ("email", "wang.xm@example.cn"),
        ("attribute[height]", "3"),
    ];
    let (status, content_type, body) = post_form(&app, "json", &form).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json; charset=utf-8"), "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let no = created[0]["service_request_id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    // Open to anyone at once, counted under the Open311 channel, with nothing private in it.
    let (status, listed) = get_json(&app, &format!("/open311/v2/requests/{no}.json")).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!((listed[0]["status"].as_str(), listed[0]["service_code"].as_str()), (Some("open"), Some("01.02.01")));
    assert_private_data_absent(&listed.to_string(), "hych_");
    let public: Value = app.get(&format!("/api/v1/requests/{no}")).await.json().await.unwrap();
    assert_eq!(public["channel"], "open311", "{public}");
    // The same in XML.
    let (status, content_type, body) = post_form(&app, "xml", &form).await;
    assert_eq!((status, content_type.as_str()), (200, "text/xml; charset=utf-8"), "{body}");
    assert!(
        body.contains("<service_requests><request><service_request_id>") && !body.contains(&no),
        "a new id: {body}"
    );

    // No key, another key, then what the spec calls bad requests, each in its error list.
    let without: Vec<(&str, &str)> = form.iter().copied().filter(|(k, _)| *k != "api_key").collect();
    let (status, _, body) = post_form(&app, "json", &without).await;
    assert_eq!(status, 403, "{body}");
    assert_error(&serde_json::from_str(&body).unwrap(), 403, "api_key");
    let mut wrong = form.to_vec();
    wrong[0].1 = "hych_00000000000000000000000000000000";
    let (status, _, body) = post_form(&app, "xml", &wrong).await;
    assert_eq!(status, 403);
    assert_xml_error(&body, 403, "api_key");
    let drop = |name: &str| form.iter().copied().filter(|(k, _)| *k != name).collect::<Vec<_>>();
    for (missing, what) in [("service_code", "service_code"), ("long", "lat"), ("description", "description")] {
        let (status, _, body) = post_form(&app, "json", &drop(missing)).await;
        assert_eq!(status, 400, "{missing}: {body}");
        assert_error(&serde_json::from_str(&body).unwrap(), 400, what);
    }
    let mut unknown = form.to_vec();
    unknown[2].1 = "99.99.99";
    let (status, _, body) = post_form(&app, "json", &unknown).await;
    assert_eq!(status, 404, "{body}");
    let mut outside = form.to_vec();
    outside[3].1 = "39.9";
    let (status, _, body) = post_form(&app, "json", &outside).await;
    assert_eq!(status, 400, "{body}");
    assert_error(&serde_json::from_str(&body).unwrap(), 400, "lat");
    let as_json = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .body(format!("api_key={key}&service_code=01.02.01"))
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(as_json.status().as_u16(), 400, "forms only");
}
