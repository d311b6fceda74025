//! The public pages' figures with a million tickets stored (loaded by `bench_dispatch`): the
//! dashboard and heat map answer from the rollups, so their latency and the rows they read
//! must not grow with the tickets. Rows read are counted with sqlite3 on the same file, by
//! the same conditions the store's queries use (all of them are primary-key range reads).

use crate::bench::summary;
use crate::bench_dispatch::d1_file;
use crate::Result;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const REPEATS: usize = 30;

fn get(agent: &ureq::Agent, url: &str) -> Result<(Duration, usize, Value)> {
    let t = Instant::now();
    let body = agent.get(url).call().map_err(|e| format!("{url}: {e}"))?.into_string().map_err(|e| e.to_string())?;
    let elapsed = t.elapsed();
    let value = serde_json::from_str(&body).map_err(|e| format!("{url}: {e}"))?;
    Ok((elapsed, body.len(), value))
}

/// `REPEATS` sequential requests; the first one separately (cold: a cache to fill).
fn measure(agent: &ureq::Agent, url: &str) -> Result<(Value, Value)> {
    let (first, bytes, value) = get(agent, url)?;
    let mut samples = Vec::with_capacity(REPEATS);
    let started = Instant::now();
    for _ in 0..REPEATS {
        samples.push(get(agent, url)?.0);
    }
    let mut figures = summary(samples, started.elapsed());
    figures["first_ms"] = json!(first.as_secs_f64() * 1000.0);
    figures["bytes"] = json!(bytes);
    Ok((figures, value))
}

fn count(db: &Path, sql: &str) -> Result<u64> {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().map_err(|e| format!("sqlite3: {e}"))?;
    String::from_utf8_lossy(&out.stdout).trim().parse().map_err(|e| format!("{sql}: {e}"))
}

pub fn run(base_url: &str, persist: &Path) -> Result<Value> {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build();
    let db = d1_file(persist)?;
    let tickets = count(&db, "SELECT COUNT(*) FROM tickets")?;
    let (_, _, config) = get(&agent, &format!("{base_url}/api/v1/open/dashboard"))?;
    let to = config["to"].as_str().ok_or("dashboard without `to`")?.to_owned();
    let to_date = chrono::NaiveDate::parse_from_str(&to, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let year_from = (to_date - chrono::Duration::days(365)).to_string();
    let month = &to[..7];
    let year = &to[..4];

    let mut dashboards = serde_json::Map::new();
    for (name, query, family, district, channel) in [
        ("city_30_days", String::new(), "*", "*", "*"),
        ("city_year", format!("from={year_from}"), "*", "*", "*"),
        ("family_year", format!("from={year_from}&category=01"), "01", "*", "*"),
        ("district_channel_year", format!("from={year_from}&area=a3&channel=hotline"), "*", "a3", "hotline"),
    ] {
        let (mut figures, body) = measure(&agent, &format!("{base_url}/api/v1/open/dashboard?{query}"))?;
        let from = body["from"].as_str().unwrap_or_default();
        let from_week = body["durations"]["from_week"].as_str().unwrap_or(from);
        let slice = format!("district = '{district}' AND channel = '{channel}'");
        let rows = count(
            &db,
            &format!(
                "SELECT (SELECT COUNT(*) FROM daily_counts WHERE family = '{family}' AND {slice} AND day BETWEEN '{from}' AND '{to}') \
                 + (SELECT COUNT(*) FROM daily_counts WHERE family <> '*' AND {slice} AND day BETWEEN '{from}' AND '{to}') \
                 + (SELECT COUNT(*) FROM duration_counts WHERE family = '{family}' AND {slice} AND week BETWEEN '{from_week}' AND '{to}')"
            ),
        )?;
        figures["rows_read"] = json!(rows);
        figures["created"] = body["totals"]["created"].clone();
        figures["median_respond_hours"] = body["durations"]["respond"]["median_hours"].clone();
        dashboards.insert(name.to_owned(), figures);
    }

    let mut maps = serde_json::Map::new();
    for (zoom, period) in [(9, year), (12, year), (12, month), (14, month), (16, month)] {
        let url = format!("{base_url}/api/v1/open/heatmap?zoom={zoom}&period={period}");
        let (mut figures, body) = measure(&agent, &url)?;
        let precision = body["precision"].as_u64().unwrap_or(6);
        // The store reads the stored precision-6 cells of the period and pools them.
        figures["rows_read"] =
            json!(count(&db, &format!("SELECT COUNT(*) FROM heat_counts WHERE family = '*' AND period = '{period}'"))?);
        figures["precision"] = json!(precision);
        figures["cells"] = json!(body["cells"].as_array().map_or(0, Vec::len));
        figures["suppressed"] = body["suppressed"].clone();
        maps.insert(format!("zoom_{zoom}_{period}"), figures);
    }

    let (outlook, body) = measure(&agent, &format!("{base_url}/api/v1/open/seasonal-outlook?days=30"))?;
    let (hot, hot_body) = measure(&agent, &format!("{base_url}/api/v1/open/hot-issues"))?;
    Ok(json!({
        "what": "public pages over HTTP to wrangler dev --local (real workerd + SQLite D1), sequential; first_ms is the cold request",
        "tickets_stored": tickets,
        "dashboard": dashboards,
        "heatmap": maps,
        "seasonal_outlook": { "latency": outlook, "issues": body["issues"].as_array().map_or(0, Vec::len) },
        "hot_issues": { "latency": hot, "issues": hot_body["issues"].as_array().map_or(0, Vec::len) },
    }))
}
