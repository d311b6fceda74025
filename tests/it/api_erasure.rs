//! A reporter's personal data erased on request: gone from the ticket, its trail and what staff
//! wrote, while the request still counts in every statistic.

use crate::helpers::{spawn_app, status_json, valid_body};
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
const NAME: &str = "王小明";
const PHONE: &str = "13912345678";
const EMAIL: &str = "wang.xm@example.cn";
const ADDRESS: &str = "芙蓉路 12 号 3 栋";

fn decimals(v: &Value) -> usize {
    v.to_string().split('.').nth(1).map_or(0, str::len)
}

#[tokio::test]
async fn a_supervisor_erases_a_reporter_and_the_request_still_counts() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let supervisor = app.login_demo("supervisor").await;
    let admin = app.login_demo("admin").await;
    let mut body = valid_body();
    body["description"] = json!(format!("南门路灯坏了两周。我是{NAME}，电话{PHONE}，住{ADDRESS}。"));
    let (no, token) = app.create(&body).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    let note =
        json!({ "text": format!("已电话联系{NAME}（{PHONE}），约好明天到{ADDRESS}楼下查看。"), "public": false });
    assert_eq!(handler.act(&no, "notes", &note).await.0, 200);

    // Who may, and what must be said.
    let path = format!("/api/v1/tickets/{no}/erasure");
    assert_eq!(handler.post(&path, &json!({ "reason": "本人来电申请" })).await.0, 403);
    let (status, refused) = supervisor.post(&path, &json!({})).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["fields"]["reason"]["code"], "required");

    let (status, erased) = supervisor.post(&path, &json!({ "reason": "本人 11 月 29 日来电申请删除个人信息" })).await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!((erased["erased"].as_bool(), erased["already_erased"].as_bool()), (Some(true), Some(false)));
    let (status, again) = supervisor.post(&path, &json!({ "reason": "重复申请" })).await;
    assert_eq!((status, again["already_erased"].as_bool()), (200, Some(true)));

    // Nothing of the person in what staff read …
    let (status, detail) = supervisor.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200);
    let text = detail.to_string();
    for gone in [NAME, PHONE, EMAIL, ADDRESS, "28.203456", "112.981234"] {
        assert!(!text.contains(gone), "staff view still holds {gone}: {detail}");
    }
    assert!(text.contains("南门路灯坏了两周"), "the problem itself stays: {detail}");
    assert!(text.contains("约好明天到"), "the note stays, masked: {detail}");
    // … nor in the reporter's own view, which still works.
    let (status, private) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert_eq!(status, 200, "{private}");
    for gone in [NAME, PHONE, EMAIL, ADDRESS] {
        assert!(!private.to_string().contains(gone), "{private}");
    }
    assert_eq!(private["anonymous"], true);
    let point = &private["location"];
    assert!(decimals(&point["lat"]) <= 4 && decimals(&point["lng"]) <= 4, "only the public cell is left: {point}");

    // Still the same request: status, lead and every count.
    assert_eq!(detail["status"], "in_progress");
    assert_eq!(detail["lead"], LEAD);
    let (_, report) = admin.get("/api/v1/admin/rollups/verify").await;
    assert_eq!(report["consistent"], true, "{report}");
    let (_, audit) = admin.get("/api/v1/admin/audit?limit=200").await;
    let entry =
        audit.as_array().unwrap().iter().find(|a| a["action"] == "reporter_erased" && a["target"] == no.as_str());
    let entry = entry.expect("the erasure is on the audit trail");
    assert_eq!(entry["actor"], "supervisor");
    assert!(!entry.to_string().contains(PHONE));
    // Work goes on after it.
    let done = json!({ "text": "已修复。", "public": true });
    assert_eq!(handler.act(&no, "notes", &done).await.0, 200);
}

#[tokio::test]
async fn a_reporter_erases_their_own_data_with_their_link_only() {
    let app = spawn_app();
    let (no, token) = app.create(&valid_body()).await;
    let erase = |token: Option<&str>| {
        let mut req = app.client.post(app.url(&format!("/api/v1/requests/{no}/erasure")));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send()
    };
    let (status, _) = status_json(erase(None).await.unwrap()).await;
    assert!(status == 401 || status == 403, "{status}");
    let (status, _) = status_json(erase(Some("not-the-right-token-but-long-enough-000000000")).await.unwrap()).await;
    assert!(status == 401 || status == 403, "{status}");
    let (status, body) = status_json(erase(Some(&token)).await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let (_, private) = status_json(app.get_request(&no, Some(&token)).await).await;
    assert!(!private.to_string().contains(PHONE) && !private.to_string().contains(NAME), "{private}");
}
