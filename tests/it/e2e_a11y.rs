//! Every public page and every staff page, in Chromium: axe-core (npm) finds no WCAG 2.2 A/AA
//! violation, nothing breaks the Content Security Policy, and the public pages fit a 320 px
//! screen without sideways scrolling.

use crate::browser::Browser;
use crate::helpers::{spawn_app, valid_body};
use serde_json::Value;
use std::time::Duration;

const PUBLIC: [&str; 8] = [
    "/",
    "/track",
    "/listed",
    "/open/dashboard",
    "/open/heatmap",
    "/open/hot-issues",
    "/open/assessment",
    "/staff/login",
];

const STAFF: [&str; 21] = [
    "/staff",
    "/staff/account",
    "/staff/alerts",
    "/staff/areas",
    "/staff/audit",
    "/staff/callbacks",
    "/staff/channels",
    "/staff/deadlines",
    "/staff/departments",
    "/staff/dispatch",
    "/staff/disputes",
    "/staff/evaluation",
    "/staff/notifications",
    "/staff/outbox",
    "/staff/rules",
    "/staff/samples",
    "/staff/staff",
    "/staff/supervision",
    "/staff/tickets",
    "/staff/tickets/{no}",
    "/staff/dispatch/{no}",
];

fn axe_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run npm ci)", path.display()))
}

/// Wait until the app has drawn the page's heading (in its own `main#main`: the static shell
/// has headings of its own until the app replaces it) and finished loading what it shows.
async fn settle(browser: &Browser, path: &str) {
    browser
        .wait_until(
            &format!("{path} to draw"),
            "return !!document.querySelector('main#main h1') && !document.querySelector('[aria-busy=\"true\"]')",
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// axe's violations of WCAG 2.0/2.1/2.2 A and AA on the current page, as readable lines.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser.eval(&format!("{axe}\n;return true")).await;
    let result = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200)) }))))
                .catch(e => done([{ id: 'axe-error', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .expect("axe runs");
    result
        .as_array()
        .into_iter()
        .flatten()
        .map(|v: &Value| format!("{}: {} {:?}", v["id"], v["help"], v["nodes"]))
        .collect()
}

async fn check_page(browser: &Browser, axe: &str, path: &str, problems: &mut Vec<String>) {
    browser.open(path).await;
    settle(browser, path).await;
    for v in violations(browser, axe).await {
        problems.push(format!("{path}: {v}"));
    }
    for e in browser.console_errors().await {
        if e.contains("Content Security Policy") || e.contains("Refused to") {
            problems.push(format!("{path}: CSP: {e}"));
        }
    }
}

#[tokio::test]
async fn public_pages_pass_axe_and_the_csp_and_fit_320_px() {
    let app = spawn_app();
    let (no, token) = app.create(&valid_body()).await;
    let axe = axe_source();
    let browser = Browser::phone().await;
    let mut problems = Vec::new();
    let mut paths: Vec<String> = PUBLIC.iter().map(|p| (*p).to_owned()).collect();
    paths.push(format!("/track/{no}"));
    paths.push(format!("/track/{no}?token={token}"));
    for path in &paths {
        check_page(&browser, &axe, path, &mut problems).await;
    }
    browser.close().await;
    // The smallest phones still in use: nothing may need sideways scrolling.
    let browser = Browser::with_screen(320, 640).await;
    for path in &paths {
        browser.open(path).await;
        settle(&browser, path).await;
        let wide = browser.eval("return document.documentElement.scrollWidth").await;
        if wide.as_u64().unwrap_or(0) > 320 {
            problems.push(format!("{path}: {wide} px wide at 320 px"));
        }
    }
    browser.open("/").await;
    settle(&browser, "/").await;
    browser.screenshot("a11y-submit-320").await;
    browser.close().await;
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn staff_pages_pass_axe_and_the_csp() {
    let app = spawn_app();
    let (no, _) = app.create(&valid_body()).await;
    let axe = axe_source();
    let browser = Browser::phone().await;
    browser.sign_in("admin").await;
    let mut problems = Vec::new();
    for path in STAFF {
        let path = path.replace("{no}", &no);
        check_page(&browser, &axe, &path, &mut problems).await;
    }
    browser.close().await;
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
