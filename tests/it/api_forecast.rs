//! 未诉先办 through the API: volumes imported from an older system become history, forecasts
//! use only days before `as_of`, and the backtest beats seasonal-naive on a seasonal series.

use crate::helpers::{spawn_app, status_json, Staff};
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

/// A family no other test files requests under, so its history is this test's alone.
const FAMILY: &str = "15";

/// Weekdays busy, weekends quiet, a summer rise: what a city's labour-and-welfare line looks like.
fn seasonal_csv(from: NaiveDate, to: NaiveDate) -> String {
    let mut csv = String::from("date,category,count\n");
    let mut day = from;
    let mut seed = 2026u64;
    while day <= to {
        let weekday = day.weekday().number_from_monday();
        let base = if weekday >= 6 { 6.0 } else { 24.0 };
        let summer = 1.0 + 0.3 * ((day.ordinal() as f64 - 100.0) / 365.0 * std::f64::consts::TAU).sin().max(0.0);
        // Day-to-day noise like a real line's: ±40 %, from a fixed generator.
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let noise = 0.6 + 0.8 * ((seed >> 33) as f64 / (1u64 << 31) as f64);
        csv.push_str(&format!("{day},{FAMILY},{}\n", (base * summer * noise).round()));
        day += Duration::days(1);
    }
    csv
}

async fn import(admin: &Staff, source: &str, csv: String) -> (u16, Value) {
    let req = admin
        .request(reqwest::Method::POST, &format!("/api/v1/admin/import/daily-counts?source={source}"))
        .header("Content-Type", "text/csv")
        .body(csv);
    status_json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn forecasts_read_history_before_as_of_and_beat_the_naive_baseline() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let (status, body) = import(&admin, "test-legacy", seasonal_csv(day("2016-01-01"), day("2019-12-31"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"], 1461);

    let url = format!("/api/v1/analytics/forecast?category={FAMILY}&as_of=2019-07-01&horizon=28");
    let (status, first) = status_json(app.get(&url).await).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["model"], "regression");
    let points = first["points"].as_array().unwrap();
    assert_eq!(points.len(), 28);
    assert_eq!(points[0]["date"], "2019-07-01");
    for p in points {
        let (lower, value, upper) =
            (p["lower"].as_f64().unwrap(), p["value"].as_f64().unwrap(), p["upper"].as_f64().unwrap());
        assert!(0.0 <= lower && lower <= value && value <= upper, "{p}");
    }
    // 2019-07-01 is a Monday, 07-06 a Saturday: the weekly pattern is in the forecast.
    assert!(points[0]["value"].as_f64() > points[5]["value"].as_f64().map(|v| v * 2.0), "{first}");

    // A spike after as_of (another source, same family) changes nothing before it.
    let (status, _) = import(&admin, "test-legacy-late", "date,category,count\n2019-07-03,15,5000\n".into()).await;
    assert_eq!(status, 200);
    let (_, again) = status_json(app.get(&url).await).await;
    assert_eq!(again, first, "no data on or after as_of is read");

    let backtest = format!("/api/v1/analytics/forecast/backtest?category={FAMILY}&as_of=2019-07-01&origins=4");
    let (status, report) = status_json(app.get(&backtest).await).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["model"].as_str(), report["baseline"].as_str()), (Some("regression"), Some("seasonal_naive")));
    assert!(report["wape"].as_f64().unwrap() < report["baseline_wape"].as_f64().unwrap(), "{report}");
}

#[tokio::test]
async fn daily_count_imports_and_forecast_queries_name_what_is_wrong() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    let handler = app.login_demo("handler").await;
    let bad = "date,category,count\n2019-01-01,,12\n2019-01-02,01,many\n2019-02-30,01,1\n".to_owned();
    let (status, body) = import(&admin, "test-bad", bad).await;
    assert_eq!(status, 422, "{body}");
    let at: Vec<(u64, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(at, [(2, "count"), (3, "date")], "{body}");
    let (status, body) = import(&admin, "", "date,category,count\n".into()).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["source"].is_object(), "{body}");
    let (status, _) = import(&handler, "test-bad", "date,category,count\n".into()).await;
    assert_eq!(status, 403);

    for (query, field) in
        [("horizon=0", "horizon"), ("horizon=91", "horizon"), ("category=1", "category"), ("as_of=2019-02-30", "as_of")]
    {
        let (status, body) = status_json(app.get(&format!("/api/v1/analytics/forecast?{query}")).await).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["fields"][field].is_object(), "{query}: {body}");
    }
    // The whole city with little history still answers, with the model that could run.
    let (status, city) = status_json(app.get("/api/v1/analytics/forecast?horizon=7").await).await;
    assert_eq!(status, 200, "{city}");
    assert_eq!(city["points"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn the_seasonal_outlook_names_what_the_coming_weeks_bring_every_year() {
    let app = spawn_app();
    let admin = app.login_demo("admin").await;
    // Family 13 triples in the 45 days from today's date in each past year; family 12 is flat.
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let now = chrono::DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap();
    let today = (now + Duration::hours(8)).date_naive();
    let from = today - Duration::days(5 * 365 + 190);
    let in_window = |d: NaiveDate| {
        (1..=5).any(|k| {
            let start = today.checked_sub_months(chrono::Months::new(12 * k)).unwrap();
            d >= start && d < start + Duration::days(45)
        })
    };
    let mut csv = String::from("date,category,count\n");
    let mut day = from;
    while day < today {
        csv.push_str(&format!("{day},13,{}\n{day},12,30\n", if in_window(day) { 15 } else { 5 }));
        day += Duration::days(1);
    }
    let (status, body) = import(&admin, "test-outlook", csv).await;
    assert_eq!(status, 200, "{body}");

    // Public, and a window no other test asks for (the answer is cached for the day).
    let (status, body) = status_json(app.get("/api/v1/open/seasonal-outlook?days=45").await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["as_of"], today.to_string());
    assert_eq!(body["until"], (today + Duration::days(44)).to_string());
    let issues = body["issues"].as_array().unwrap();
    let heating = issues.iter().find(|i| i["category"] == "13").unwrap_or_else(|| panic!("{body}"));
    assert!(heating["lift"].as_f64().unwrap() > 1.5, "{heating}");
    assert!(heating["held"].as_array().unwrap().len() >= 4, "{heating}");
    assert!(issues.iter().all(|i| i["category"] != "12"), "a flat family is never seasonal: {body}");

    for query in ["days=0", "days=121", "days=x"] {
        let (status, body) = status_json(app.get(&format!("/api/v1/open/seasonal-outlook?{query}")).await).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["fields"]["days"].is_object(), "{query}: {body}");
    }
}
