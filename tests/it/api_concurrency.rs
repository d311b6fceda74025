//! Conflicting changes at once: whoever comes second loses with 412, whatever the transition.
//! Each race sends the same change (or rival changes) several times against one version, all at
//! once; exactly one may win and every other must be told its version is stale — never a 500,
//! never two winners, never a half-written ticket.

use crate::helpers::{spawn_app, valid_body, Staff};
use futures::future::join_all;
use serde_json::{json, Value};

const LEAD: &str = "city.urban-management";
const RIVALS: usize = 6;
const GOOD_REPLY: &str = "您反映的芙蓉路小区南门路灯不亮问题，我局已于当日安排维修人员到现场检查，\
     更换了损坏的灯具和线路，路灯现已恢复照明。感谢您的监督。";

/// Send `bodies` to `action` of `no`, all against the version read first; the statuses, sorted.
async fn race(staff: &[&Staff], no: &str, action: &str, bodies: Vec<Value>) -> Vec<u16> {
    let version = staff[0].version_of(no).await;
    let path = format!("/api/v1/tickets/{no}/{action}");
    let calls = bodies.iter().enumerate().map(|(i, body)| staff[i % staff.len()].post_if_match(&path, body, version));
    let mut statuses: Vec<u16> = join_all(calls).await.into_iter().map(|(status, _)| status).collect();
    statuses.sort_unstable();
    statuses
}

fn one_winner(statuses: &[u16], what: &str) {
    let mut expected = vec![200];
    expected.extend(std::iter::repeat_n(412, statuses.len() - 1));
    assert_eq!(statuses, expected.as_slice(), "{what}");
}

async fn history_len(staff: &Staff, no: &str) -> usize {
    let (status, t) = staff.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(status, 200, "{t}");
    t["events"].as_array().or_else(|| t["timeline"].as_array()).map_or(0, Vec::len)
}

#[tokio::test]
async fn every_transition_has_exactly_one_winner_and_the_rest_412() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let supervisor = app.login_demo("supervisor").await;
    let handler = app.login_demo("handler").await;
    let head = app.login_demo("head").await;
    let (no, _) = app.create(&valid_body()).await;

    // Rival dispatches: different leads at once; one lead holds the ticket afterwards.
    let leads = ["city.urban-management", "city.ecology", "city.housing", "city.transport"];
    let bodies = (0..RIVALS).map(|i| json!({ "lead": leads[i % leads.len()], "co_handlers": [] })).collect();
    one_winner(&race(&[&dispatcher, &supervisor], &no, "dispatch", bodies).await, "dispatch");
    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(t["status"], "dispatched");
    // Make sure the urban-management staff hold it for the next steps.
    if t["lead"] != LEAD {
        dispatcher.dispatch_to(&no, LEAD, &[]).await;
    }

    let events_before = history_len(&dispatcher, &no).await;
    one_winner(&race(&[&handler, &head], &no, "accept", vec![json!({}); RIVALS]).await, "accept");
    let accepted_events = history_len(&dispatcher, &no).await - events_before;

    let reply = json!({ "text": GOOD_REPLY });
    one_winner(&race(&[&handler, &head], &no, "reply", vec![reply; RIVALS]).await, "reply");
    one_winner(&race(&[&dispatcher, &supervisor], &no, "close", vec![json!({}); RIVALS]).await, "close");
    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(t["status"], "closed");
    // The accept race wrote its events once, not once per rival.
    assert!(accepted_events <= 2, "{accepted_events} events from one accept");

    // A duplicate merged by several dispatchers at once, into rival masters.
    let masters = [app.create(&valid_body()).await.0, app.create(&valid_body()).await.0];
    let (duplicate, _) = app.create(&valid_body()).await;
    let bodies = (0..RIVALS).map(|i| json!({ "master": masters[i % 2] })).collect();
    one_winner(&race(&[&dispatcher, &supervisor], &duplicate, "merge", bodies).await, "merge");
    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{duplicate}")).await;
    assert_eq!(t["status"], "merged");

    // Proposing a request as unreasonable.
    let (other, _) = app.create(&valid_body()).await;
    let proposal = json!({ "reason_code": "beyond_government_scope", "note": "民事纠纷" });
    one_winner(&race(&[&dispatcher], &other, "unreasonable", vec![proposal; RIVALS]).await, "unreasonable");
}

#[tokio::test]
async fn a_reporter_reopening_from_two_phones_at_once_reopens_once() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await;
    let (no, token) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, LEAD, &[]).await;
    assert_eq!(handler.act(&no, "accept", &json!({})).await.0, 200);
    assert_eq!(handler.act(&no, "reply", &json!({ "text": GOOD_REPLY })).await.0, 200);
    let reopen = || {
        app.client
            .post(app.url(&format!("/api/v1/requests/{no}/reopen")))
            .bearer_auth(&token)
            .json(&json!({ "reason": "路灯修好两天又坏了" }))
            .send()
    };
    let answers = join_all((0..RIVALS).map(|_| reopen())).await;
    let mut statuses: Vec<u16> = answers.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    statuses.sort_unstable();
    // The first wins; the others either lost the race (412) or came after it and found nothing
    // left to reopen (409): never a second reopening.
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses[1..].iter().all(|s| *s == 412 || *s == 409), "{statuses:?}");
    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(t["handling"]["reopen_count"], 1);
}
