//! The public overview (/open/dashboard) on a phone: the API's figures, the trend as a chart
//! with its table, filters in the address, mistakes named in the error summary, two languages.

use crate::browser::{t, Browser};
use crate::helpers::{spawn_app, status_json, valid_body, TestApp};
use chrono::{Datelike, NaiveDate};
use fantoccini::key::Key;
use serde_json::Value;

async fn api(app: &TestApp, query: &str) -> Value {
    let (status, body) = status_json(app.get(&format!("/api/v1/open/dashboard?{query}")).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn created(v: &Value) -> i64 {
    v["totals"]["created"].as_i64().unwrap()
}

fn date(v: &Value, name: &str) -> NaiveDate {
    NaiveDate::parse_from_str(v[name].as_str().unwrap(), "%Y-%m-%d").unwrap()
}

/// Other tests submit requests meanwhile: the page's figure must lie between the API's
/// before the page asked (`floor`) and after it was read.
async fn created_shown_matches(b: &Browser, app: &TestApp, query: &str, floor: i64) {
    for _ in 0..100 {
        let shown =
            b.eval("const e = document.getElementById('dash-created'); return e ? e.innerText.trim() : ''").await;
        let after = created(&api(app, query).await);
        if let Some(n) = shown.as_str().and_then(|s| s.parse::<i64>().ok()) {
            if floor <= n && n <= after {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page never showed the API's created total for ?{query}");
}

/// Rows of the trend table, bars of the chart.
async fn points(b: &Browser) -> (i64, i64) {
    let rows = b.eval("return document.querySelectorAll('#dash-trend-table tbody tr').length").await;
    let bars = b.eval("return document.querySelectorAll('#dash-trend-svg .chart__bar').length").await;
    (rows.as_i64().unwrap(), bars.as_i64().unwrap())
}

const FITS: &str = "return document.documentElement.scrollWidth <= window.innerWidth";

#[tokio::test]
async fn the_open_overview_shows_the_apis_figures_as_charts_and_tables_in_two_languages() {
    let app = spawn_app();
    app.create(&valid_body()).await;
    let b = Browser::phone().await;
    let floor = created(&api(&app, "").await);
    b.open("/open/dashboard").await;
    b.wait_for_id("dash-created").await;
    created_shown_matches(&b, &app, "", floor).await;

    // The server's default period, shown in the form and counted a day at a time.
    let answer = api(&app, "").await;
    assert_eq!(b.eval("return document.getElementById('dash-from').value").await, answer["from"]);
    assert_eq!(b.eval("return document.getElementById('dash-to').value").await, answer["to"]);
    let days = (date(&answer, "to") - date(&answer, "from")).num_days() + 1;
    assert_eq!(points(&b).await, (days, days), "one row and one bar per day");
    let svg = "const s = document.getElementById('dash-trend-svg'); return [s.getAttribute('role'), \
               s.querySelector('title').textContent, s.getAttribute('aria-labelledby')]";
    let svg = b.eval(svg).await;
    assert_eq!(svg[0], "img");
    assert_eq!(svg[1], t("zh-Hans", "open.dashboard.trend.day").as_str());
    assert_eq!(svg[2], "dash-trend-title dash-trend-summary");
    let caption = b.eval("return document.querySelector('#dash-trend-table caption').textContent").await;
    assert_eq!(caption, t("zh-Hans", "open.dashboard.trend.day").as_str());
    assert_eq!(b.eval("return document.getElementById('dash-share-svg').getAttribute('role')").await, "img");
    // A row per family with requests; another test may file in a new family meanwhile.
    let share_rows = b.eval("return document.querySelectorAll('#dash-share-table tbody tr').length").await;
    let families = api(&app, "").await["categories"].as_array().unwrap().len() as u64;
    assert!(share_rows.as_u64().is_some_and(|n| n >= 1 && n <= families), "{share_rows} rows, {families} families");
    for (link, href) in [("dash-listed", "/listed"), ("dash-assessment", "/open/assessment")] {
        assert_eq!(b.eval(&format!("return document.getElementById('{link}').getAttribute('href')")).await, href);
    }
    assert_eq!(b.eval(FITS).await, true, "no sideways scrolling at 390 px");
    b.screenshot("dashboard-zh").await;
    b.eval("document.getElementById('dash-totals-heading').scrollIntoView(); return true").await;
    b.screenshot("dashboard-zh-figures").await;
    b.eval("document.getElementById('dash-trend-heading').scrollIntoView(); return true").await;
    b.screenshot("dashboard-zh-trend").await;
    b.eval("document.getElementById('dash-shares-heading').scrollIntoView(); return true").await;
    b.screenshot("dashboard-zh-shares").await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // Another channel: the address and the figures follow, and so does the CSV link.
    let floor = created(&api(&app, "channel=hotline").await);
    b.set_value("dash-channel", "hotline", "change").await;
    b.tab_to("dash-show").await;
    b.press(Key::Enter).await;
    b.wait_until("the channel in the address", "return location.search.includes('channel=hotline')").await;
    created_shown_matches(&b, &app, "channel=hotline", floor).await;
    let csv = b.eval("return document.getElementById('dash-csv').getAttribute('href')").await;
    assert!(
        csv.as_str().unwrap().starts_with("/api/v1/open/dashboard.csv?")
            && csv.as_str().unwrap().contains("channel=hotline"),
        "{csv}"
    );
    assert_eq!(b.eval("return document.getElementById('dash-channel').value").await, "hotline");

    // Weekly: a redraw over the same data, remembered in the address.
    b.eval("document.querySelector('label[for=\"dash-by-week\"]').click(); return true").await;
    b.wait_until("weeks in the address", "return location.search.includes('by=week')").await;
    let (from, to) = (date(&answer, "from"), date(&answer, "to"));
    let mut weeks: Vec<(i32, u32)> =
        from.iter_days().take_while(|d| *d <= to).map(|d| (d.iso_week().year(), d.iso_week().week())).collect();
    weeks.dedup();
    let weeks = weeks.len() as i64;
    b.wait_until(
        "a bar per week",
        &format!("return document.querySelectorAll('#dash-trend-svg .chart__bar').length === {weeks}"),
    )
    .await;
    assert_eq!(points(&b).await, (weeks, weeks));
    let caption = b.eval("return document.querySelector('#dash-trend-table caption').textContent").await;
    assert_eq!(caption, t("zh-Hans", "open.dashboard.trend.week").as_str());
    assert_eq!(b.eval(FITS).await, true);
    b.eval("document.getElementById('dash-trend-heading').scrollIntoView(); return true").await;
    b.screenshot("dashboard-zh-weeks").await;
    let open_table = "const t = document.getElementById('dash-trend-table'); const d = t.closest('details'); \
                      if (d) d.open = true; t.scrollIntoView(); return true";
    b.eval(open_table).await;
    assert_eq!(b.eval(FITS).await, true, "the open table fits too");
    b.screenshot("dashboard-zh-table").await;

    // A start after the end: named before anything is sent, the summary focused.
    b.set_value("dash-from", &(to + chrono::Duration::days(1)).to_string(), "input").await;
    b.tab_to("dash-show").await;
    b.press(Key::Enter).await;
    b.wait_until("the summary focused", "return document.activeElement?.id === 'error-summary'").await;
    let summary = b.text_of("error-summary").await;
    assert!(summary.contains(&t("zh-Hans", "field_error.out_of_range.dashboard.from")), "{summary}");
    assert_eq!(b.eval("return document.querySelector('#error-summary a').getAttribute('href')").await, "#dash-from");
    b.wait_for_id("dash-from-error").await;
    b.screenshot("dashboard-zh-error").await;
    assert_eq!(b.eval("return location.search.includes('channel=hotline')").await, true, "no navigation");

    // English, from the header.
    b.open("/open/dashboard").await;
    b.wait_for_id("dash-created").await;
    b.set_value("lang-select", "en", "change").await;
    b.wait_until("English", "return document.documentElement.lang === 'en'").await;
    assert_eq!(b.text_of("dash-trend-heading").await.trim(), t("en", "open.dashboard.trend"));
    let h1 = b.eval("return document.querySelector('main h1').innerText").await;
    assert_eq!(h1.as_str().map(str::trim), Some(t("en", "open.dashboard.heading").as_str()));
    let title = b.eval("return document.querySelector('#dash-trend-svg title').textContent").await;
    assert_eq!(title, t("en", "open.dashboard.trend.day").as_str());
    assert_eq!(b.eval(FITS).await, true);
    b.screenshot("dashboard-en").await;
    b.eval("document.getElementById('dash-timeliness-heading').scrollIntoView(); return true").await;
    b.screenshot("dashboard-en-figures").await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // A linked view with an impossible date: the server refuses it and the field is named.
    b.open("/open/dashboard?from=2026-02-30").await;
    b.wait_for_id("error-summary").await;
    let summary = b.text_of("error-summary").await;
    assert!(summary.contains(&t("en", "field_error.invalid_format.dashboard.from")), "{summary}");
    assert_eq!(b.eval("return document.querySelector('#error-summary a').getAttribute('href')").await, "#dash-from");
    assert_eq!(b.eval("return !document.getElementById('dash-created')").await, true);
    b.screenshot("dashboard-en-refused").await;
    let errors = b.console_errors().await;
    assert!(errors.iter().all(|e| e.contains("422")), "console errors: {errors:?}");
    b.close().await;
}
