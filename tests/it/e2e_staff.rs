//! A staff member on a phone: sign in, see the menu their role allows, sign out.

use crate::browser::{t, Browser};
use fantoccini::key::Key;

/// The menu's link texts.
async fn menu(b: &Browser) -> Vec<String> {
    let links =
        b.eval("return Array.from(document.querySelectorAll('#staff-nav a')).map(a => a.innerText.trim())").await;
    links.as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn citizens_never_load_the_staff_console_and_its_link_opens_it() {
    let b = Browser::phone().await;
    b.open("/").await;
    b.wait_for_id("staff-link").await;
    let loaded = "return performance.getEntriesByType('resource').map(r => r.name).join(' ')";
    let citizen = b.eval(loaded).await.as_str().unwrap().to_owned();
    assert!(citizen.contains("huiyin_app_bg.wasm") && !citizen.contains("huiyin_staff"), "{citizen}");
    assert!(!citizen.contains("huiyin_track"), "the form does not carry the tracking pages: {citizen}");
    b.tab_to("staff-link").await;
    b.press(Key::Enter).await;
    // Not a route of the citizens' bundle: the staff one loads and sends us to sign in.
    b.wait_until("the sign-in page", "return location.pathname === '/staff/login'").await;
    b.wait_for_id("username").await;
    let staff = b.eval(loaded).await.as_str().unwrap().to_owned();
    assert!(staff.contains("huiyin_staff_bg.wasm"), "{staff}");
    b.close().await;
}

#[tokio::test]
async fn the_shell_shows_what_the_role_may_do_and_signing_out_ends_the_session() {
    let b = Browser::phone().await;
    b.sign_in("admin").await;
    assert!(b.text_of("staff-user").await.contains("系统管理员"));
    assert_eq!(b.text_of("staff-role").await.trim(), t("zh-Hans", "role.admin"));
    let admin_menu = menu(&b).await;
    for key in ["staff.nav.departments", "staff.nav.staff", "staff.nav.areas", "staff.nav.audit"] {
        assert!(admin_menu.contains(&t("zh-Hans", key)), "{key} in {admin_menu:?}");
    }
    b.screenshot("10-staff-admin").await;
    b.tab_to("sign-out").await;
    b.press(Key::Enter).await;
    b.wait_until("the sign-in page", "return location.pathname === '/staff/login'").await;
    // The session is gone, not just the page: a staff page sends us back.
    b.open("/staff").await;
    b.wait_until("back to sign-in", "return location.pathname === '/staff/login'").await;

    b.sign_in("observer").await;
    let observer_menu = menu(&b).await;
    for key in ["staff.nav.staff", "staff.nav.areas", "staff.nav.audit"] {
        assert!(!observer_menu.contains(&t("zh-Hans", key)), "observers see no {key}: {observer_menu:?}");
    }
    b.screenshot("11-staff-observer").await;
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("401")), "console errors: {errors:?}");
    b.close().await;
}

#[tokio::test]
async fn a_wrong_password_is_told_without_saying_which_part_was_wrong() {
    let b = Browser::phone().await;
    b.open("/staff/login").await;
    b.wait_for_id("username").await;
    b.tab_to("username").await;
    b.keys("handler").await;
    b.tab_to("password").await;
    b.keys("not the password").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    assert_eq!(b.eval("return location.pathname").await, "/staff/login");
    b.screenshot("12-staff-login-error").await;
    b.close().await;
}

#[tokio::test]
async fn an_admin_adds_a_department_checks_boundaries_on_the_map_and_finds_it_in_the_audit() {
    let b = Browser::phone().await;
    b.sign_in("admin").await;
    b.open("/staff/departments").await;
    b.wait_for_id("department-table").await;
    // Nothing filled in: the summary names each missing field and links to it.
    b.tab_to("create-department").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    let summary = b.text_of("error-summary").await;
    assert!(
        summary.contains(&t("zh-Hans", "field.code")) && summary.contains(&t("zh-Hans", "field.level")),
        "{summary}"
    );

    let code = format!(
        "e2e-{}",
        crate::helpers::unique_key().to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "")
    );
    let code = &code[..code.len().min(30)];
    b.tab_to("dept-code").await;
    b.keys(code).await;
    b.tab_to("dept-name").await;
    b.keys("测试街道办事处").await;
    b.set_value("dept-level", "street_office", "change").await;
    b.tab_to("create-department").await;
    b.press(Key::Enter).await;
    b.wait_until(
        "the new department in the table",
        &format!("return document.getElementById('department-table').innerText.includes({code:?})"),
    )
    .await;
    assert!(b.text_of("department-table").await.contains(&t("zh-Hans", "level.street_office")));

    // Areas: the demo boundaries are drawn; a draft is checked before anything is sent.
    b.open("/staff/areas").await;
    b.wait_for_id("area-table").await;
    b.wait_until("boundaries drawn", "return document.querySelectorAll('.leaflet-overlay-pane path').length > 0").await;
    let drawn = b.eval("return document.querySelectorAll('.leaflet-overlay-pane path').length").await.as_u64().unwrap();
    b.set_value("geojson", r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"无编码"},"geometry":{"type":"Polygon","coordinates":[[[112.9,28.1],[113.0,28.1],[113.0,28.2],[112.9,28.1]]]}}]}"#, "input").await;
    b.tab_to("preview-areas").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    assert!(b.text_of("error-summary").await.contains("features[0]"), "the summary names the feature");
    b.set_value("geojson", r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"draft-1","name":"草稿街道","level":"street"},"geometry":{"type":"Polygon","coordinates":[[[112.9,28.1],[113.0,28.1],[113.0,28.2],[112.9,28.1]]]}}]}"#, "input").await;
    b.tab_to("preview-areas").await;
    b.press(Key::Enter).await;
    b.wait_until("the draft drawn over the areas", &format!(
        "return document.querySelectorAll('.leaflet-overlay-pane path').length > {drawn} && !document.getElementById('error-summary')"
    )).await;
    b.eval("document.querySelector('.map').scrollIntoView(); return true").await;
    b.screenshot("13-staff-areas-preview").await;

    // The audit trail shows the creation, translated.
    b.open("/staff/audit").await;
    b.wait_for_id("audit-table").await;
    let audit = b.text_of("audit-table").await;
    assert!(audit.contains(code) && audit.contains(&t("zh-Hans", "audit.action.department_created")), "{audit}");
    b.screenshot("14-staff-audit").await;

    b.open("/staff/staff").await;
    assert!(b.text_of("staff-table").await.contains(&t("zh-Hans", "role.dispatcher")));
    b.screenshot("15-staff-members").await;
    b.close().await;
}

async fn read_audit_with(app: &crate::helpers::TestApp, token: &str) -> u16 {
    let request = app.client.get(app.url("/api/v1/admin/audit?limit=1")).bearer_auth(token);
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_member_makes_and_revokes_an_api_token_and_a_wrong_current_password_is_named() {
    let b = Browser::phone().await;
    b.sign_in("supervisor").await;
    b.open("/staff/account").await;
    b.wait_for_id("token-name").await;
    let name = format!("对接 {}", &crate::helpers::unique_key()[..12]);
    b.tab_to("token-name").await;
    b.keys(&name).await;
    b.tab_to("create-token").await;
    b.press(Key::Enter).await;
    let token = b.text_of("new-token").await;
    assert!(token.starts_with("hy_") && token.len() > 30, "{token}");
    b.wait_for_id("token-table").await;
    // The token works as a Bearer credential for what a supervisor may read.
    let app = crate::helpers::spawn_app();
    let status = read_audit_with(&app, &token).await;
    assert_eq!(status, 200);
    let revoke = t("zh-Hans", "staff.tokens.revoke_named").replace("{name}", &name);
    b.eval(&format!("document.querySelector('#token-table button[aria-label=\"{revoke}\"]').click(); return true"))
        .await;
    b.wait_until(
        "the token gone",
        &format!("const t = document.getElementById('token-table'); return !t || !t.innerText.includes({name:?})"),
    )
    .await;
    let status = read_audit_with(&app, &token).await;
    assert_eq!(status, 401, "a revoked token is refused");

    b.tab_to("current-password").await;
    b.keys("not my password").await;
    b.tab_to("new-password").await;
    b.keys("a-much-longer-new-passphrase-2026").await;
    b.tab_to("change-password").await;
    b.press(Key::Enter).await;
    b.wait_for_id("error-summary").await;
    b.wait_for_focus("error-summary").await;
    let link = b.eval("return document.querySelector('#error-summary a[href=\"#current-password\"]').innerText").await;
    assert_eq!(link.as_str().unwrap().trim(), t("zh-Hans", "field_error.invalid_format.current_password"));
    b.screenshot("16-staff-account").await;
    b.close().await;
}
