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
    (
        "huiyin-demo-live-0005",
        "人民路护栏修复后仍有铁条外露",
        "人民路东段护栏更换后，靠近公交站的一段仍有铁条外露，请再检查一下。",
        "01.02.01",
        "rated",
    ),
    (
        "huiyin-demo-live-0006",
        "人民路公交站旁护栏松动",
        "人民路公交站旁的护栏有一段松动，一推就晃，担心小孩靠上去会倒。",
        "01.02.01",
        "rated",
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
    let order = ["submitted", "dispatched", "accepted", "in_progress", "replied", "rated"];
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
            status = "replied".into();
        }
        if status == "replied" && rank(stage) >= rank("rated") {
            // The call centre's call-back: the citizen was reached and is content.
            let answer = json!({ "outcome": "reached", "satisfaction": "satisfied", "resolved": true,
                                 "items": { "speed": 4 }, "comment": "处理及时" });
            match dispatcher.send(
                "POST",
                &format!("/api/v1/tickets/{no}/callbacks"),
                "application/json",
                &answer.to_string(),
            )? {
                (201, _) => {}
                (status, e) => return Err(format!("call-back {no}: {status} {e}")),
            }
        }
    }
    eprintln!("demo work in progress: {} live requests", LIVE.len());
    observer_sample(base_url, password)
}

/// The demo observer is a 民生观察员 and has a sample to grade. Samples hold the tickets closed
/// in the week before the draw, so a development stack draws next week's (its clock may be
/// named); elsewhere the weekly cron does it.
fn observer_sample(base_url: &str, password: &str) -> Result<()> {
    let admin = StaffSession::login(base_url, "admin", password)?;
    let (_, staff) = admin.send("GET", "/api/v1/admin/staff", "application/json", "")?;
    let observer = staff
        .as_array()
        .and_then(|all| all.iter().find(|m| m["username"] == "observer"))
        .and_then(|m| m["id"].as_str())
        .ok_or("the demo organisation has no observer")?
        .to_owned();
    let profile = json!({ "kind": "people_observer", "phones": [], "emails": [] });
    admin.send("PUT", &format!("/api/v1/admin/observers/{observer}"), "application/json", &profile.to_string())?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
    let next_week = chrono::DateTime::from_timestamp(now.as_secs() as i64 + 7 * 86_400, 0).ok_or("the clock")?;
    let body = json!({ "at": next_week.to_rfc3339() }).to_string();
    match admin.send("POST", "/api/v1/admin/jobs/sample", "application/json", &body)? {
        (200, run) => eprintln!("observer samples: {}", run["sampling"]),
        (status, e) => eprintln!("observer samples not drawn ({status}): {e}"),
    }
    Ok(())
}
