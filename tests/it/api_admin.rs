//! Departments, staff, areas and the audit trail.

use crate::helpers::{spawn_app, status_json, unique_key};
use serde_json::json;

fn code() -> String {
    format!("t.{}", unique_key().to_lowercase().replace('_', "-").chars().rev().take(24).collect::<String>())
        .trim_end_matches(['-', '.'])
        .to_owned()
}

#[tokio::test]
async fn departments_are_created_checked_and_updated() {
    let admin = spawn_app().login_demo("admin").await;
    let c = code();
    let body = json!({ "code": c, "name": "测试街道办事处", "level": "street_office", "parent": "a3.urban-management", "area": "a3-dongtang" });
    let (status, created) = admin.post("/api/v1/admin/departments", &body).await;
    assert_eq!(status, 201, "{created}");
    let (status, error) = admin.post("/api/v1/admin/departments", &body).await;
    assert_eq!(status, 422);
    assert_eq!(error["fields"]["code"]["code"], "taken");

    let (status, error) = admin
        .post(
            "/api/v1/admin/departments",
            &json!({ "code": code(), "name": "孤儿部门", "level": "city_bureau", "parent": "no.such" }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(error["fields"]["parent"]["code"], "unknown_value");
    let (status, error) =
        admin.post("/api/v1/admin/departments", &json!({ "code": "Bad Code", "level": "ministry" })).await;
    assert_eq!(status, 422);
    for field in ["code", "name", "level"] {
        assert!(error["fields"].get(field).is_some(), "{field}: {error}");
    }

    let (status, updated) = admin
        .put(
            &format!("/api/v1/admin/departments/{c}"),
            &json!({ "name": "测试街道办事处（新）", "level": "street_office", "active": false }),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let (_, list) = admin.get("/api/v1/admin/departments").await;
    let row = list.as_array().unwrap().iter().find(|d| d["code"] == c.as_str()).unwrap().clone();
    assert_eq!(row["name"], "测试街道办事处（新）");
    assert_eq!(row["active"], false);
    let (status, _) =
        admin.put("/api/v1/admin/departments/no.such.dept", &json!({ "name": "x x", "level": "centre" })).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn staff_accounts_are_checked_and_admins_cannot_lock_themselves_out() {
    let admin = spawn_app().login_demo("admin").await;
    let cases = [
        (
            json!({ "username": "ab", "display_name": "x", "role": "handler", "department": "centre", "password": "long enough pass 1" }),
            "username",
            "invalid_format",
        ),
        (
            json!({ "username": "new.handler.x", "display_name": "x", "role": "handler", "password": "long enough pass 1" }),
            "department",
            "required",
        ),
        (
            json!({ "username": "new.handler.y", "display_name": "x", "role": "handler", "department": "no.such", "password": "long enough pass 1" }),
            "department",
            "unknown_value",
        ),
        (
            json!({ "username": "new.handler.z", "display_name": "x", "role": "mayor", "password": "long enough pass 1" }),
            "role",
            "unknown_value",
        ),
        (
            json!({ "username": "new.handler.w", "display_name": "x", "role": "observer", "password": "password1" }),
            "password",
            "common_password",
        ),
        (
            json!({ "username": "dispatcher", "display_name": "x", "role": "observer", "password": "long enough pass 1" }),
            "username",
            "taken",
        ),
    ];
    for (body, field, code) in cases {
        let (status, error) = admin.post("/api/v1/admin/staff", &body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error["fields"][field]["code"], code, "{field}: {error}");
    }
    let me = admin.user["id"].as_str().unwrap();
    let (status, error) =
        admin.put(&format!("/api/v1/admin/staff/{me}"), &json!({ "role": "observer", "active": false })).await;
    assert_eq!(status, 422);
    assert_eq!(error["fields"]["role"]["code"], "read_only");
    assert_eq!(error["fields"]["active"]["code"], "read_only");
    let (status, _) = admin.put("/api/v1/admin/staff/no-such-id", &json!({ "display_name": "x" })).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn areas_import_as_geojson_and_are_public() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let c = code();
    let collection = json!({ "type": "FeatureCollection", "features": [
        { "type": "Feature", "properties": { "code": c, "name": "测试社区", "level": "street", "parent": "a3" },
          "geometry": { "type": "Polygon", "coordinates": [[[112.80, 28.00], [112.81, 28.00], [112.81, 28.01], [112.80, 28.01], [112.80, 28.00]]] } }
    ]});
    let (status, body) = admin.post("/api/v1/admin/areas", &collection).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"], 1);
    let (status, public) = status_json(app.get("/api/v1/areas").await).await;
    assert_eq!(status, 200);
    let feature =
        public["features"].as_array().unwrap().iter().find(|f| f["properties"]["code"] == c.as_str()).unwrap().clone();
    assert_eq!(feature["geometry"]["type"], "Polygon");
    assert!(
        public["features"].as_array().unwrap().iter().any(|f| f["geometry"]["type"] == "MultiPolygon"),
        "the demo A7区 has two parts"
    );

    let bad = json!({ "type": "FeatureCollection", "features": [
        { "type": "Feature", "properties": { "code": code(), "name": "好的", "level": "street" }, "geometry": collection["features"][0]["geometry"] },
        { "type": "Feature", "properties": { "code": code(), "name": "坏的", "level": "street" }, "geometry": { "type": "LineString", "coordinates": [[0, 0], [1, 1]] } }
    ]});
    let (status, error) = admin.post("/api/v1/admin/areas", &bad).await;
    assert_eq!(status, 422);
    assert!(error["fields"].get("features[1].geometry").is_some(), "{error}");
}

#[tokio::test]
async fn the_audit_trail_records_who_did_what_from_where() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let c = code();
    let (status, _) = admin
        .post("/api/v1/admin/departments", &json!({ "code": c, "name": "审计测试局", "level": "city_bureau" }))
        .await;
    assert_eq!(status, 201);
    let _ = app.login_raw("admin", "definitely wrong").await;
    let supervisor = app.login_demo("supervisor").await;
    let (status, entries) = supervisor.get("/api/v1/admin/audit?limit=200").await;
    assert_eq!(status, 200);
    let entries = entries.as_array().unwrap();
    let created = entries
        .iter()
        .find(|e| e["action"] == "department_created" && e["target"] == c.as_str())
        .expect("the creation is there");
    assert_eq!(created["actor"], "admin");
    assert!(!created["ip"].as_str().unwrap().is_empty());
    assert!(entries.iter().any(|e| e["action"] == "login_failed" && e["actor"] == "admin"));
    assert!(entries.iter().any(|e| e["action"] == "login" && e["actor"] == "supervisor"));
    // Newest first, and nothing can change it: no route edits or deletes entries.
    assert!(entries.windows(2).all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()));
    assert!(shared::auth::ROUTES.iter().all(|r| !(r.path.contains("audit") && r.method != shared::auth::Method::Get)));
}

/// Run SQL against a copy of the test stack's local D1, as someone with database access
/// would. A copy, because an open write lock on the live file would stall the running stack.
fn d1_execute(sql: &str) -> (bool, String) {
    let live = std::env::var("HUIYIN_TEST_PERSIST").expect("xtask passes the test database folder");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let persist = root.join(format!("target/audit-copy-{}", crate::helpers::unique_key()));
    let copied = std::process::Command::new("cp").arg("-r").arg(&live).arg(&persist).status().expect("cp runs");
    assert!(copied.success());
    let persist = persist.to_string_lossy().into_owned();
    let out = std::process::Command::new(root.join("node_modules/.bin/wrangler"))
        .args(["d1", "execute", "DB", "--local", "--persist-to", &persist, "--command", sql])
        .current_dir(&root)
        .env("WRANGLER_SEND_METRICS", "false")
        .output()
        .expect("wrangler runs");
    let _ = std::fs::remove_dir_all(&persist);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn even_with_database_access_the_audit_trails_cannot_be_edited() {
    // Triggers fire per row: make sure both trails hold rows, whatever ran before.
    let app = spawn_app();
    let _ = app.login_demo("observer").await;
    let _ = app.create(&crate::helpers::valid_body()).await;
    for sql in [
        "UPDATE staff_audit SET actor = 'someone else'",
        "DELETE FROM staff_audit",
        "UPDATE ticket_events SET actor = 'someone else'",
        "DELETE FROM ticket_events",
    ] {
        let (ok, output) = d1_execute(sql);
        assert!(!ok, "{sql} succeeded: {output}");
        assert!(output.contains("append-only"), "{sql}: {output}");
    }
}
