//! The transparency pages on a phone: the heat map draws the API's cells, says what it leaves out
//! and asks again at a finer precision when zoomed in; hot issues list their member requests; and
//! a supervisor reads the spike alerts in the staff console.

use crate::browser::{translations, Browser};
use crate::helpers::{hot_issue_holding, import_ndjson, spawn_app, status_json, valid_body, Staff, TestApp};
use chrono::{DateTime, Duration as Days, NaiveDate};
use fantoccini::Locator;
use serde_json::{json, Value};
use std::time::Duration;

/// 农村农业 (10): no other test files requests in it, so its heat counts change only with this test.
const LEAF: &str = "10.01.01";
const FAMILY: &str = "10";
/// Five requests at one point make a cell that passes the minimum (5) at every precision.
const POINT: (f64, f64) = (28.2987, 112.7341);
/// One request far from the others (another two-character geohash): on a fresh database its cell
/// stays under the minimum even pooled into its grandparent, so the map leaves it out.
const LONE: (f64, f64) = (27.90, 113.20);

async fn file(app: &TestApp, title: &str, description: &str, (lat, lng): (f64, f64)) -> String {
    let mut body = valid_body();
    body["title"] = json!(title);
    body["description"] = json!(description);
    body["category"] = json!(LEAF);
    body["location"] = json!({ "lat": lat, "lng": lng, "address": "望城区 乡道" });
    app.create(&body).await.0
}

/// Eight quiet weeks of the family from an older system, then a busy yesterday: the hourly job
/// judges yesterday and raises an alert the supervisors' page lists. Legacy rows have no place,
/// so they are not on the heat map.
async fn import_spike(admin: &Staff) -> NaiveDate {
    // The city's clock (UTC+8): the job judges the last complete local day.
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let now = DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap();
    let yesterday = (now + Days::hours(8)).date_naive() - Days::days(1);
    let row = |day: NaiveDate, n: usize| {
        json!({
            "external_id": format!("quiet-{day}-{n}"),
            "title": "村道路灯不亮",
            "description": "村道两侧路灯晚上不亮，村民夜里出行不便。",
            "category": LEAF,
            "created_at": format!("{day} 10:{:02}:00", n % 60),
        })
    };
    let mut rows: Vec<Value> = (1..=62)
        .flat_map(|back| (0..2).map(move |n| (yesterday - Days::days(back), n)))
        .map(|(d, n)| row(d, n))
        .collect();
    rows.extend((0..25).map(|n| row(yesterday, n)));
    import_ndjson(admin, &rows).await;
    yesterday
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

async fn data(b: &Browser, name: &str) -> Option<u64> {
    let script = format!("return document.getElementById('heat-map')?.dataset[{name:?}] ?? null");
    b.eval(&script).await.as_str().and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn the_heat_map_hot_issues_and_alerts_read_on_a_phone() {
    let app = spawn_app();
    let zh = translations("zh-Hans");
    let admin = app.login_demo("admin").await;
    let spike_day = import_spike(&admin).await;
    for n in 0..5 {
        file(&app, "村口道路积水", &format!("望城区乡道村口低洼处雨后积水，第 {n} 次反映。"), POINT).await;
    }
    file(&app, "鱼塘旁小路塌陷", "鱼塘旁的小路塌了一块，农机没法通过。", LONE).await;

    let b = Browser::phone().await;
    b.open(&format!("/open/heatmap?category={FAMILY}")).await;
    b.wait_until("the map", "return !!document.querySelector('#heat-map.leaflet-container')").await;
    b.wait_until("a cell on the map", "return !!document.querySelector('#heat-map path.leaflet-interactive')").await;
    b.wait_until("the table", "return !!document.querySelector('#heat-top tbody tr')").await;
    let zoom = data(&b, "zoom").await.expect("the map says its zoom");
    let precision = data(&b, "precision").await.expect("the map says its precision");

    // The same question to the API: the page draws every cell and ranks the busiest first.
    let (status, map) =
        status_json(app.get(&format!("/api/v1/open/heatmap?zoom={zoom}&category={FAMILY}")).await).await;
    assert_eq!(status, 200, "{map}");
    assert_eq!(map["precision"].as_u64(), Some(precision), "{map}");
    let cells = map["cells"].as_array().unwrap();
    let busiest = cells.iter().filter_map(|c| c["n"].as_u64()).max().unwrap();
    assert!(busiest >= 5, "{map}");
    let first = b.eval("return document.querySelector('#heat-top tbody tr').lastElementChild.innerText").await;
    assert_eq!(first.as_str().map(str::trim), Some(busiest.to_string().as_str()), "{map}");
    let drawn = b.eval("return document.querySelectorAll('#heat-map path.leaflet-interactive').length").await;
    assert_eq!(drawn.as_u64(), Some(cells.len() as u64), "one rectangle a cell: {map}");
    let rows = b.eval("return document.querySelectorAll('#heat-top tbody tr').length").await;
    assert_eq!(rows.as_u64(), Some(cells.len().min(20) as u64));

    // What is left out, and why.
    let (suppressed, min) = (map["suppressed"].as_u64().unwrap(), map["min_count"].as_u64().unwrap().to_string());
    let note = match suppressed {
        0 => fill(&zh["open.heatmap.suppressed_none"], &[("min", &min)]),
        1 => fill(&zh["open.heatmap.suppressed_one"], &[("min", &min)]),
        n => fill(&zh["open.heatmap.suppressed"], &[("n", &n.to_string()), ("min", &min)]),
    };
    assert_eq!(b.text_of("heat-suppressed").await.trim(), note);
    // Every run adds a lone request, so on a reused database they eventually make a cell of their own.
    assert!(cells.iter().all(|c| c["n"].as_u64() >= Some(5)), "{map}");
    let fits = b.eval("return document.documentElement.scrollWidth <= window.innerWidth").await;
    assert_eq!(fits, true, "nothing wider than the phone");
    b.screenshot("heatmap-zh").await;

    // Zoom in with the map's own button until the cells get finer: a new answer, not a rescale.
    let mut finer = None;
    for _ in 0..4 {
        b.client.find(Locator::Css(".leaflet-control-zoom-in")).await.unwrap().click().await.unwrap();
        for _ in 0..30 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            finer = data(&b, "precision").await.filter(|p| *p > precision);
            if finer.is_some() {
                break;
            }
        }
        if finer.is_some() {
            break;
        }
    }
    let finer = finer.unwrap_or_else(|| panic!("zooming in from {zoom} never asked for cells finer than {precision}"));
    let zoomed = data(&b, "zoom").await.unwrap();
    assert!(zoomed > zoom, "{zoomed} after {zoom}");
    let (_, closer) =
        status_json(app.get(&format!("/api/v1/open/heatmap?zoom={zoomed}&category={FAMILY}")).await).await;
    assert_eq!(closer["precision"].as_u64(), Some(finer), "{closer}");
    b.wait_until(
        "the finer cells drawn",
        &format!(
            "return document.querySelectorAll('#heat-map path.leaflet-interactive').length === {}",
            closer["cells"].as_array().unwrap().len()
        ),
    )
    .await;
    b.screenshot("heatmap-zh-zoomed").await;
    b.eval("document.getElementById('heat-top').scrollIntoView(); return true").await;
    b.screenshot("heatmap-zh-table").await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // Hot issues: four neighbours about one field's burning straw (one issue on a fresh database;
    // on a reused one each text also gathers its copies from earlier runs).
    let texts = [
        ("新塘村稻田焚烧秸秆浓烟呛人", "新塘村稻田边每天傍晚焚烧秸秆，浓烟飘进村里，老人孩子咳嗽不止。"),
        ("新塘村焚烧秸秆烟太大", "新塘村稻田焚烧秸秆，浓烟很大，晚上没法开窗。"),
        ("投诉新塘村稻田焚烧秸秆", "新塘村有人在稻田里焚烧秸秆，烟雾弥漫，希望尽快制止。"),
        ("新塘村秸秆焚烧污染空气", "新塘村稻田连续几天焚烧秸秆，空气很差，请相关部门管一管。"),
    ];
    let mut mine = Vec::new();
    for (title, description) in texts {
        mine.push(file(&app, title, description, (28.3521, 112.8013)).await);
    }
    let (status, run) = admin.post("/api/v1/admin/jobs/insights", &json!({})).await;
    assert_eq!(status, 200, "{run}");
    // The card that holds the first of them lists exactly the API's members of its issue. The
    // job's answer may reach the cache a moment after the job returns, so compare afresh a few times.
    let card = format!(
        "Array.from(document.querySelectorAll('#hot-issues > li')).find(li => li.querySelector('a[href=\"/track/{}\"]'))",
        mine[0]
    );
    let mut agreed = None;
    for _ in 0..5 {
        b.open("/open/hot-issues").await;
        b.wait_for_id("hot-issues").await;
        let shown = b
            .eval(&format!(
                "const li = {card}; return li ? Array.from(li.querySelectorAll('a.hot-issue__member')).map(a => a.textContent) : null"
            ))
            .await;
        let issue = hot_issue_holding(&app, &mine[0]).await;
        if shown == issue["members"] {
            agreed = Some(issue);
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let issue = agreed.expect("the page shows the issue as the API publishes it");
    assert!(issue["members"].as_array().unwrap().len() >= 2, "{issue}");
    let text = b.eval(&format!("return {card}.innerText")).await;
    let text = text.as_str().unwrap_or_default();
    assert!(text.contains("新塘村") && text.contains(&zh["open.hot.reports"]), "{text}");
    b.eval(&format!("{card}.scrollIntoView(); return true")).await;
    b.screenshot("hot-issues-zh").await;

    // Below the issues, the coming weeks' seasonal outlook, as the API publishes it.
    let (status, outlook) = status_json(app.get("/api/v1/open/seasonal-outlook?days=30").await).await;
    assert_eq!(status, 200, "{outlook}");
    let shown =
        "const l = document.getElementById('outlook-list'); const n = document.getElementById('outlook-none'); \
                 return l ? l.children.length : (n ? 0 : -1)";
    b.wait_until("the seasonal outlook", &format!("return (function() {{ {shown} }})() >= 0")).await;
    let n = b.eval(&format!("return (function() {{ {shown} }})()")).await;
    assert_eq!(n.as_u64(), Some(outlook["issues"].as_array().unwrap().len() as u64), "{outlook}");
    assert_eq!(b.text_of("outlook-heading").await, zh["open.outlook.heading"]);
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // The supervisor's alerts: the table, or the sentence that there are none.
    let (status, alerts) = app.login_demo("supervisor").await.get("/api/v1/supervision/alerts").await;
    assert_eq!(status, 200, "{alerts}");
    b.sign_in("supervisor").await;
    b.open("/staff/alerts").await;
    b.wait_for_id("alerts-table").await;
    assert_eq!(b.eval("return document.querySelector('h1').innerText").await, json!(zh["staff.alerts.heading"]));
    let listed = alerts["alerts"].as_array().unwrap();
    let rows = b.eval("return document.querySelectorAll('#alerts-table tbody tr').length").await;
    assert_eq!(rows.as_u64(), Some(listed.len() as u64), "{alerts}");
    // Ours: the family by its name, the district unknown (legacy rows have no place), yesterday.
    let ours = listed
        .iter()
        .find(|a| a["key"] == format!("{FAMILY}|") && a["day"] == spike_day.to_string())
        .unwrap_or_else(|| panic!("yesterday's spike of {FAMILY} alerts: {alerts}"));
    let row = format!("document.querySelector('#alerts-table tr[data-key=\"{FAMILY}|\"]').innerText");
    let row = b.eval(&format!("return {row}")).await;
    let row = row.as_str().unwrap_or_default();
    for text in [&zh["staff.alerts.unknown_area"], "农村农业", &ours["observed"].to_string(), &spike_day.to_string()]
    {
        assert!(row.contains(text), "{text} in {row}");
    }
    b.screenshot("alerts-zh").await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.close().await;
}
