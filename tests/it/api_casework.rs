//! Casework around dispatch: merging duplicates, unreasonable requests, consultation,
//! disputes under first-contact responsibility, coordinators and the street whistle.

use crate::helpers::{spawn_app, status_json, valid_body};
use serde_json::json;

#[tokio::test]
async fn a_repeat_report_is_found_merged_and_counted_and_its_reporter_follows_the_master() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let (master, _) = app.create(&valid_body()).await;
    let mut again = valid_body();
    again["title"] = json!("小区门口的路灯一直不亮");
    again["description"] = json!("芙蓉路小区南门路灯坏了两周了，晚上很黑，老人出门不方便。");
    let (duplicate, token) = app.create(&again).await;

    let (status, found) = dispatcher.get(&format!("/api/v1/tickets/{duplicate}/duplicates")).await;
    assert_eq!(status, 200, "{found}");
    let hit = found
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["tracking_no"] == master.as_str())
        .expect("the master is a candidate");
    assert!(hit["similarity"].as_f64().unwrap() > 0.3, "{hit}");
    assert!(hit["distance_m"].as_f64().unwrap() < 1.0);

    let (status, refused) =
        dispatcher.post(&format!("/api/v1/tickets/{duplicate}/merge"), &json!({ "master": duplicate })).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["fields"]["master"].is_object());
    let v = dispatcher.version_of(&duplicate).await;
    let (status, stale) = dispatcher
        .post(&format!("/api/v1/tickets/{duplicate}/merge"), &json!({ "master": master, "version": v - 1 }))
        .await;
    assert_eq!(status, 412, "{stale}");
    let (status, merged) = dispatcher
        .post(&format!("/api/v1/tickets/{duplicate}/merge"), &json!({ "master": master, "version": v }))
        .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["repeat_count"], 1);

    // Both reporters are told: the duplicate's timeline points at the master, the master counts.
    let (_, mine) = status_json(app.get_request(&duplicate, Some(&token)).await).await;
    assert_eq!(mine["status"], "merged");
    assert!(mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "merged" && e["master"] == master.as_str()));
    let (_, public) = status_json(app.get_request(&master, None).await).await;
    assert!(public["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "duplicate_merged" && e["repeat_count"] == 1));
    // No chains: the merged one cannot become a master.
    let (third, _) = app.create(&valid_body()).await;
    let (status, _) = dispatcher.post(&format!("/api/v1/tickets/{third}/merge"), &json!({ "master": duplicate })).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn an_unreasonable_request_is_excluded_only_once_a_supervisor_confirms() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let supervisor = app.login_demo("supervisor").await;
    let (no, _) = app.create(&valid_body()).await;
    let (status, refused) =
        dispatcher.post(&format!("/api/v1/tickets/{no}/unreasonable"), &json!({ "reason_code": "other" })).await;
    assert_eq!(status, 422, "'other' needs a note: {refused}");
    let proposal = json!({ "reason_code": "beyond_government_scope", "note": "民事纠纷" });
    let (status, body) = dispatcher.post(&format!("/api/v1/tickets/{no}/unreasonable"), &proposal).await;
    assert_eq!(status, 428, "a change says which version it was made against: {body}");
    let (status, _) = dispatcher.act(&no, "unreasonable", &proposal).await;
    assert_eq!(status, 200);
    let (_, pending) = supervisor.get("/api/v1/supervision/unreasonable").await;
    assert!(pending.as_array().unwrap().iter().any(|p| p["tracking_no"] == no.as_str()));
    // Not yet excluded: still an open request.
    let (_, t) = supervisor.get(&format!("/api/v1/tickets/{no}")).await;
    assert_ne!(t["status"], "rejected_unreasonable");
    assert_eq!(
        dispatcher
            .post(&format!("/api/v1/tickets/{no}/unreasonable/decision"), &json!({ "decision": "confirm" }))
            .await
            .0,
        403
    );
    let (status, decided) = supervisor
        .post(&format!("/api/v1/tickets/{no}/unreasonable/decision"), &json!({ "decision": "confirm" }))
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["excluded_from_assessment"], true);
    let (_, t) = supervisor.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(t["status"], "rejected_unreasonable");
    let (status, _) =
        supervisor.post(&format!("/api/v1/tickets/{no}/unreasonable/decision"), &json!({ "decision": "reject" })).await;
    assert_eq!(status, 409, "decided once");
}

#[tokio::test]
async fn the_first_lead_disputes_in_time_and_an_upheld_dispute_redispatches_and_counts() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await; // city.urban-management
    let (no, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no, "city.ecology", &["city.urban-management"]).await;
    // A co-handler cannot dispute the lead's responsibility.
    let (status, _) =
        handler.post(&format!("/api/v1/tickets/{no}/disputes"), &json!({ "reason": "路灯归住建部门管理" })).await;
    assert_eq!(status, 409);

    dispatcher.dispatch_to(&no, "city.urban-management", &[]).await;
    let (status, filed) =
        handler.post(&format!("/api/v1/tickets/{no}/disputes"), &json!({ "reason": "路灯归住建部门管理" })).await;
    assert_eq!(status, 201, "{filed}");
    let (status, _) =
        handler.post(&format!("/api/v1/tickets/{no}/disputes"), &json!({ "reason": "再次提出异议" })).await;
    assert_eq!(status, 409, "one open dispute at a time");
    let (_, open) = dispatcher.get("/api/v1/dispatch/disputes").await;
    assert!(open.as_array().unwrap().iter().any(|d| d["tracking_no"] == no.as_str()));
    let (status, refused) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no}/disputes/decision"),
            &json!({ "decision": "uphold", "new_lead": "city.urban-management" }),
        )
        .await;
    assert_eq!(status, 422, "not back to the disputing lead: {refused}");
    let (status, upheld) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no}/disputes/decision"),
            &json!({ "decision": "uphold", "new_lead": "city.housing", "co_handlers": [] }),
        )
        .await;
    assert_eq!(status, 200, "{upheld}");
    assert_eq!(upheld["lead"], "city.housing");
    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{no}")).await;
    assert_eq!(t["lead"], "city.housing");
    assert!(t["redispatch_count"].as_u64().unwrap() >= 2);
    let (_, counts) = dispatcher.get("/api/v1/dispatch/redispatches").await;
    let away = |d: &str| {
        counts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["department"] == d)
            .map(|c| c["redispatched_away"].as_i64().unwrap())
    };
    assert!(away("city.urban-management").unwrap_or(0) >= 1 && away("city.ecology").unwrap_or(0) >= 1, "{counts}");

    // A rejected dispute leaves the lead where it is.
    let (no2, _) = app.create(&valid_body()).await;
    dispatcher.dispatch_to(&no2, "city.urban-management", &[]).await;
    handler.post(&format!("/api/v1/tickets/{no2}/disputes"), &json!({ "reason": "不属于本单位职责" })).await;
    let (status, rejected) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no2}/disputes/decision"),
            &json!({ "decision": "reject", "reason": "权责清单明确由城管负责" }),
        )
        .await;
    assert_eq!(status, 200, "{rejected}");
    let (_, t) = dispatcher.get(&format!("/api/v1/tickets/{no2}")).await;
    assert_eq!(t["lead"], "city.urban-management");
}

#[tokio::test]
async fn consultation_coordinators_and_the_street_whistle() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let dispatcher = app.login_demo("dispatcher").await;
    let handler = app.login_demo("handler").await; // city.urban-management
    let (no, _) = app.create(&valid_body()).await;

    // 会商 before dispatch: invited departments read and answer; others do not see it.
    let (status, thread) = dispatcher
        .post(
            &format!("/api/v1/tickets/{no}/consultations"),
            &json!({ "departments": ["city.urban-management", "city.housing"], "question": "路灯属于哪个单位管养？" }),
        )
        .await;
    assert_eq!(status, 201, "{thread}");
    let id = thread["id"].as_i64().unwrap();
    let (status, _) =
        handler.post(&format!("/api/v1/consultations/{id}/replies"), &json!({ "text": "市政路灯由城管局管养" })).await;
    assert_eq!(status, 201);
    let (_, threads) = dispatcher.get(&format!("/api/v1/tickets/{no}/consultations")).await;
    assert_eq!(threads[0]["replies"][0]["department"], "city.urban-management");
    let password = "Ecology-Desk-2026-long";
    let (name, _) = admin.create_staff("handler", Some("city.ecology"), password).await;
    let outsider = app.login(&name, password).await;
    assert_eq!(
        outsider.post(&format!("/api/v1/consultations/{id}/replies"), &json!({ "text": "我们也想说" })).await.0,
        404
    );
    assert_eq!(outsider.get(&format!("/api/v1/tickets/{no}/consultations")).await.1, json!([]));

    // Enterprise requests take their coordinator along as co-handler.
    let (status, _) =
        admin.put("/api/v1/admin/settings/coordinators", &json!({ "enterprise": "coord.enterprise" })).await;
    assert_eq!(status, 200);
    let (status, refused) = admin.put("/api/v1/admin/settings/coordinators", &json!({ "citizen": "no.such" })).await;
    assert_eq!((status, refused["fields"]["citizen"].is_object()), (422, true));
    let mut enterprise = valid_body();
    enterprise["kind"] = json!("enterprise");
    let (eno, _) = app.create(&enterprise).await;
    let done = dispatcher.dispatch_to(&eno, "city.housing", &[]).await;
    assert_eq!(done["co_handlers"], json!(["coord.enterprise"]), "{done}");

    // The street office blows the whistle; summoned departments report in.
    let (street, _) = admin.create_staff("handler", Some("a3.dongtang"), "Dongtang-Street-2026-long").await;
    let street = app.login(&street, "Dongtang-Street-2026-long").await;
    dispatcher.dispatch_to(&no, "a3.dongtang", &[]).await;
    assert_eq!(
        handler.post(&format!("/api/v1/tickets/{no}/whistle"), &json!({ "departments": ["city.housing"] })).await.0,
        409,
        "only street offices whistle"
    );
    let (status, blown) = street
        .post(
            &format!("/api/v1/tickets/{no}/whistle"),
            &json!({ "departments": ["city.urban-management"], "hours": 4, "note": "请到现场会商" }),
        )
        .await;
    assert_eq!(status, 201, "{blown}");
    let summons = &blown["summonses"][0];
    assert_eq!(summons["department"], "city.urban-management");
    let hours = chrono::DateTime::parse_from_rfc3339(summons["due_at"].as_str().unwrap()).unwrap()
        - chrono::DateTime::parse_from_rfc3339(summons["summoned_at"].as_str().unwrap()).unwrap();
    assert_eq!(hours.num_hours(), 4);
    let (status, _) = handler.post(&format!("/api/v1/tickets/{no}/whistle/report"), &json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = handler.post(&format!("/api/v1/tickets/{no}/whistle/report"), &json!({})).await;
    assert_eq!(status, 422, "reported once");
    let supervisor = app.login_demo("supervisor").await;
    let (status, late) = supervisor.get("/api/v1/supervision/whistles").await;
    assert_eq!(status, 200);
    assert!(late.as_array().unwrap().iter().all(|s| s["tracking_no"] != no.as_str()), "reported in time: {late}");
}

#[tokio::test]
async fn the_dispute_window_and_duplicate_rules_are_settings_checked_field_by_field() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let (status, refused) = admin
        .put(
            "/api/v1/admin/settings/casework",
            &json!({ "dispute_window_hours": 0, "duplicates": { "radius_m": 5000 } }),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["fields"]["dispute_window_hours"]["code"], "out_of_range");
    assert_eq!(refused["fields"]["duplicates.radius_m"]["code"], "out_of_range");
    // Values other tests can live with while they run; defaults again afterwards.
    let (status, saved) = admin
        .put(
            "/api/v1/admin/settings/casework",
            &json!({ "dispute_window_hours": 48, "duplicates": { "radius_m": 600 } }),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let dispatcher = app.login_demo("dispatcher").await;
    let (_, read) = dispatcher.get("/api/v1/admin/settings/casework").await;
    assert_eq!(
        (read["disputes"]["window_hours"].as_u64(), read["duplicates"]["radius_m"].as_u64()),
        (Some(48), Some(600))
    );
    assert_eq!(dispatcher.put("/api/v1/admin/settings/casework", &json!({})).await.0, 403);
    let (status, _) = admin.put("/api/v1/admin/settings/casework", &json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn merging_a_ticket_that_has_duplicates_counts_them_all_on_the_master() {
    let app = spawn_app();
    let dispatcher = app.login_demo("dispatcher").await;
    let (a, _) = app.create(&valid_body()).await;
    let (b, _) = app.create(&valid_body()).await;
    let (c, _) = app.create(&valid_body()).await;
    let (status, first) = dispatcher.act_merge(&c, &b).await;
    assert_eq!((status, first["repeat_count"].as_i64()), (200, Some(1)), "{first}");
    // b carries c; merging b into a brings both.
    let (status, second) = dispatcher.act_merge(&b, &a).await;
    assert_eq!((status, second["repeat_count"].as_i64()), (200, Some(2)), "{second}");
    let (_, master) = dispatcher.get(&format!("/api/v1/tickets/{a}")).await;
    let event = master["events"].as_array().unwrap().iter().rev().find(|e| e["event"] == "duplicate_merged").cloned();
    assert_eq!(event.expect("the master records the merge")["repeat_count"], 2);
}
