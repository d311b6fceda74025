//! Live demo work for `cargo xtask dev`: a few citizens' requests at each stage of handling, made
//! through the API as citizens, the dispatcher and the handler would, so the workbench, the
//! tracking page and the supervisor's pages have something to show. Idempotent: fixed
//! Idempotency-Keys give the same tickets again, and a stage already reached is not repeated.

use crate::seed::StaffSession;
use serde_json::{json, Value};

type Result<T> = std::result::Result<T, String>;

/// (key, title, description, category, stage reached)
const LIVE: &[(&str, &str, &str, &str, &str)] = &[
    (
        "huiyin-demo-live-0001",
        "东塘路口井盖松动",
        "东塘街道东塘路与韶山路交叉口的井盖松动，车辆经过时响声很大，存在安全隐患。",
        "01.02.01",
        "submitted",
    ),
    (
        "huiyin-demo-live-0002",
        "芙蓉路小区南门路灯不亮",
        "芙蓉路小区南门的路灯已经坏了两周，晚上很黑，老人出行不便，请尽快修复。",
        "01.02.01",
        "dispatched",
    ),
    (
        "huiyin-demo-live-0003",
        "雨花亭菜市场周边占道经营",
        "雨花亭菜市场门口每天早上有摊贩占道经营，行人只能走机动车道，很危险。",
        "01.02.01",
        "in_progress",
    ),
    (
        "huiyin-demo-live-0004",
        "人民路人行道护栏损坏",
        "人民路东段人行道护栏被撞坏，有铁条伸出，路过的小孩容易受伤。",
        "01.02.01",
        "replied",
    ),
];

const REPLY: &str = "您反映的人民路东段人行道护栏损坏问题，我局已安排维修班组到现场查看，\
     当天拆除了伸出的铁条并更换了损坏的护栏，现已恢复正常。感谢您的监督。";

fn submit(base_url: &str, key: &str, body: &Value) -> Result<String> {
    let response = ureq::post(&format!("{base_url}/api/v1/requests"))
        .set("Idempotency-Key", key)
        .send_json(body.clone())
        .map_err(|e| format!("submitting {key}: {e}"))?;
    let answer: Value = serde_json::from_reader(response.into_reader()).map_err(|e| e.to_string())?;
    answer["tracking_no"].as_str().map(str::to_owned).ok_or_else(|| format!("{key}: no tracking number"))
}

fn ticket(staff: &StaffSession, no: &str) -> Result<Value> {
    match staff.send("GET", &format!("/api/v1/tickets/{no}"), "application/json", "")? {
        (200, t) => Ok(t),
        (status, e) => Err(format!("reading {no}: {status} {e}")),
    }
}

/// A change against the ticket's current version.
fn act(staff: &StaffSession, no: &str, action: &str, body: &Value) -> Result<()> {
    let version = ticket(staff, no)?["version"].as_i64().unwrap_or_default();
    let path = format!("/api/v1/tickets/{no}/{action}");
    match staff.send_if_match(&path, &body.to_string(), version)? {
        (200 | 201, _) => Ok(()),
        (status, e) => Err(format!("{action} {no}: {status} {e}")),
    }
}

pub fn live_work(base_url: &str, password: &str) -> Result<()> {
    let dispatcher = StaffSession::login(base_url, "dispatcher", password)?;
    let handler = StaffSession::login(base_url, "handler", password)?;
    let order = ["submitted", "dispatched", "accepted", "in_progress", "replied"];
    let rank = |s: &str| order.iter().position(|o| *o == s).unwrap_or(0);
    for (key, title, description, category, stage) in LIVE {
        let body = json!({
            "title": title,
            "description": description,
            "category": category,
            "location": { "lat": 28.1962, "lng": 113.0071, "address": "A3区" },
            "anonymous": true,
            "kind": "citizen"
        });
        let no = submit(base_url, key, &body)?;
        let mut status = ticket(&dispatcher, &no)?["status"].as_str().unwrap_or_default().to_owned();
        if status == "submitted" && rank(stage) >= rank("dispatched") {
            act(&dispatcher, &no, "dispatch", &json!({ "lead": "city.urban-management", "co_handlers": [] }))?;
            status = "dispatched".into();
        }
        if status == "dispatched" && rank(stage) >= rank("accepted") {
            act(&handler, &no, "accept", &json!({}))?;
            status = "accepted".into();
        }
        if status == "accepted" && rank(stage) >= rank("in_progress") {
            act(&handler, &no, "notes", &json!({ "text": "已安排执法队员到现场核查，正在处理。", "public": true }))?;
            status = "in_progress".into();
        }
        if status == "in_progress" && rank(stage) >= rank("replied") {
            act(&handler, &no, "reply", &json!({ "text": REPLY }))?;
        }
    }
    eprintln!("demo work in progress: {} live requests", LIVE.len());
    Ok(())
}
