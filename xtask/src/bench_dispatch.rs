//! Dispatch-centre figures against the real stack: importing 10,000 legacy rows, training
//! the classifier, suggestion latency, and duplicate-candidate search with a million
//! tickets stored (loaded straight into the local D1 file; the API would take hours).

use crate::bench::summary;
use crate::seed::{demo_rows, organisation, StaffSession};
use crate::Result;
use chrono::Datelike;
use serde_json::{json, Value};
use shared::duplicates::cell_of;
use shared::geo::LatLng;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const IMPORT_ROWS: usize = 10_000;
const STORED: usize = 1_000_000;
const SEARCHES: usize = 100;
const SUGGESTIONS: usize = 300;

fn import(admin: &StaffSession, run: u128) -> Result<Value> {
    let base = demo_rows()?;
    let mut calls = Vec::new();
    let started = Instant::now();
    let (mut imported, mut refused) = (0, 0);
    for chunk in 0..IMPORT_ROWS / 5_000 {
        let lines: Vec<String> = (0..5_000)
            .map(|i| {
                let n = chunk * 5_000 + i;
                let mut row: Value = serde_json::from_str(&base[n % base.len()]).unwrap_or_default();
                row["external_id"] = json!(format!("bench-{n}"));
                row.to_string()
            })
            .collect();
        let t = Instant::now();
        let (status, report) = admin.send(
            "POST",
            &format!("/api/v1/admin/import/tickets?source=bench-{run}"),
            "application/x-ndjson",
            &lines.join("\n"),
        )?;
        if status != 200 {
            return Err(format!("import: {status} {report}"));
        }
        calls.push(t.elapsed().as_secs_f64() * 1000.0);
        imported += report["imported"].as_u64().unwrap_or(0);
        refused += report["errors"].as_array().map_or(0, Vec::len);
    }
    let wall = started.elapsed().as_secs_f64();
    Ok(json!({ "rows": IMPORT_ROWS, "imported": imported, "refused": refused, "calls_ms": calls,
        "seconds": wall, "rows_per_second": IMPORT_ROWS as f64 / wall }))
}

fn train(admin: &StaffSession) -> Result<Value> {
    let t = Instant::now();
    let (status, body) = admin.send("POST", "/api/v1/admin/triage/train", "application/json", "{}")?;
    if status != 200 {
        return Err(format!("train: {status} {body}"));
    }
    Ok(json!({ "wall_ms": t.elapsed().as_secs_f64() * 1000.0, "answer": body }))
}

fn suggest(admin: &StaffSession) -> Result<Value> {
    let texts =
        ["楼下酒吧每天凌晨噪音扰民", "小区门口路灯不亮", "学校附近交通拥堵", "物业乱收停车费", "垃圾清运不及时"];
    // Training a large set can leave the isolate over its memory and workerd recycles it:
    // the first calls after it may answer 503. Count them, then measure a settled isolate.
    let warm = json!({ "title": texts[0], "description": texts[0] }).to_string();
    let mut unavailable = 0;
    for _ in 0..20 {
        match admin.send("POST", "/api/v1/triage/suggest", "application/json", &warm)?.0 {
            200 => break,
            _ => {
                unavailable += 1;
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
    let mut samples = Vec::with_capacity(SUGGESTIONS);
    let started = Instant::now();
    for i in 0..SUGGESTIONS {
        let body = json!({ "title": texts[i % texts.len()], "description": format!("{}，已经持续{}天，请尽快处理。", texts[i % texts.len()], i % 30 + 1) });
        let t = Instant::now();
        let (status, answer) = admin.send("POST", "/api/v1/triage/suggest", "application/json", &body.to_string())?;
        if status != 200 {
            return Err(format!("suggest: {status} {answer}"));
        }
        samples.push(t.elapsed());
    }
    let mut figures = summary(samples, started.elapsed());
    figures["unavailable_right_after_training"] = json!(unavailable);
    Ok(figures)
}

pub(crate) fn d1_file(persist: &Path) -> Result<PathBuf> {
    let dir = persist.join("v3/d1/miniflare-D1DatabaseObject");
    std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "sqlite") && !p.ends_with("metadata.sqlite"))
        .ok_or_else(|| format!("no D1 database under {}", dir.display()))
}

/// The channels of the generated tickets, most common first, with their weights.
const CHANNELS: [(&str, f64); 5] = [("hotline", 0.55), ("app", 0.2), ("web", 0.12), ("forum", 0.08), ("visit", 0.05)];

/// A million tickets spread over the service area and three years, with real texts: weekdays
/// busier than weekends and summers busier than winters, fifteen category families of
/// unequal size, five channels, seven districts, and each closed after realistic delays
/// (accepted within hours, answered within days) against the default deadlines. Loaded
/// straight into the local D1 file with the triggers on, so every rollup is kept as the API
/// would keep it. Deterministic: the same seed gives the same tickets.
pub(crate) fn load_million(persist: &Path) -> Result<()> {
    let base: Vec<Value> = demo_rows()?.iter().filter_map(|r| serde_json::from_str(r).ok()).collect();
    let csv_path = persist.join("million.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&csv_path).map_err(|e| e.to_string())?);
    // The three years up to now, so today's searches meet a realistic share of them.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
    let span = 3 * 365 * 86_400;
    let start = chrono::DateTime::from_timestamp(now.as_secs() as i64 - span, 0).ok_or("clock")?;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 1_000_000) as f64 / 1_000_000.0
    };
    let ms = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for i in 0..STORED {
        let row = &base[i % base.len()];
        let point = LatLng { lat: 27.85 + next() * 0.6, lng: 112.6 + next() * 0.65 };
        let at = loop {
            let t = start + chrono::Duration::seconds((next() * span as f64) as i64);
            let weekend = matches!(t.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
            let summer = (f64::from(t.ordinal()) / 365.0 * std::f64::consts::TAU - 2.0).sin().max(0.0);
            if next() < if weekend { 0.5 } else { 1.0 } * (0.75 + 0.25 * summer) {
                break t;
            }
        };
        // Family sizes fall off like a city's: roads and housing far ahead of the rest.
        let family = 1 + ((next() * next() * 15.0) as usize).min(14);
        let draw = next();
        let channel = CHANNELS
            .iter()
            .scan(0.0, |acc, (c, w)| {
                *acc += w;
                Some((*c, *acc))
            })
            .find(|(_, acc)| draw < *acc)
            .map_or("hotline", |(c, _)| c);
        let district = 1 + (((point.lng - 112.6) / 0.65 * 7.0) as usize).min(6);
        let accepted = at + chrono::Duration::minutes((30.0 + next() * next() * 48.0 * 60.0) as i64);
        let replied = accepted + chrono::Duration::hours((4.0 + next() * 15.0 * 24.0) as i64);
        let closed = replied + chrono::Duration::hours((24.0 + next() * 48.0) as i64);
        let q = |v: &Value| format!("\"{}\"", v.as_str().unwrap_or_default().replace('"', "\"\""));
        writeln!(
            out,
            "m{i},M{i:09},{},{},{family:02}.01.01,{},{},{},{},a{district},{channel},{},{},{},{},{},{}",
            q(&row["title"]),
            q(&row["description"]),
            point.lat,
            point.lng,
            cell_of(point),
            shared::heat::cell_of(point, 6),
            ms(at),
            ms(accepted),
            ms(replied),
            ms(closed),
            ms(at + chrono::Duration::hours(24)),
            ms(at + chrono::Duration::days(14)),
        )
        .map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    let script = format!(
        "PRAGMA journal_mode=WAL;\n\
         CREATE TEMP TABLE m (id, tracking_no, title, description, category, lat, lng, cell, geohash, area, channel, \
         created_at, accepted_at, replied_at, closed_at, response_due_at, resolution_due_at);\n\
         .import --csv {} m\n\
         INSERT INTO tickets (id, tracking_no, title, description, category, lat, lng, cell, geohash, area, channel, \
         anonymous, kind, status, source, external_id, created_at, updated_at, accepted_at, replied_at, closed_at, \
         response_due_at, resolution_due_at, version) \
         SELECT id, tracking_no, title, description, category, lat, lng, cell, geohash, area, channel, 1, 'citizen', \
         'closed', 'bench-million', id, created_at, closed_at, accepted_at, replied_at, closed_at, response_due_at, \
         resolution_due_at, 1 FROM m;\n",
        csv_path.display()
    );
    let db = d1_file(persist)?;
    let mut child = Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("sqlite3 (Debian package sqlite3, bench only): {e}"))?;
    child.stdin.take().ok_or("sqlite3 stdin")?.write_all(script.as_bytes()).map_err(|e| e.to_string())?;
    let status = child.wait().map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&csv_path);
    if status.success() {
        Ok(())
    } else {
        Err("sqlite3 could not load the million tickets".into())
    }
}

fn duplicate_search(admin: &StaffSession, base_url: &str, run: u128) -> Result<Value> {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
    let mut samples = Vec::with_capacity(SEARCHES);
    let mut found = 0usize;
    let started = Instant::now();
    for i in 0..SEARCHES {
        let body = json!({
            "title": "小区门口路灯不亮", "description": format!("芙蓉路小区南门的路灯已经坏了{}天，晚上很黑。", i + 2),
            "category": "01.02.01", "location": { "lat": 27.9 + (i as f64) * 0.005, "lng": 112.65 + (i as f64) * 0.005 },
            "anonymous": true,
        });
        let answer: Value = agent
            .post(&format!("{base_url}/api/v1/requests"))
            .set("Idempotency-Key", &format!("dup-{run}-{i:06}"))
            .send_json(body)
            .map_err(|e| format!("submit: {e}"))?
            .into_json()
            .map_err(|e| e.to_string())?;
        let no = answer["tracking_no"].as_str().ok_or("no tracking number")?;
        let t = Instant::now();
        let (status, candidates) =
            admin.send("GET", &format!("/api/v1/tickets/{no}/duplicates"), "application/json", "")?;
        if status != 200 {
            return Err(format!("duplicates: {status} {candidates}"));
        }
        samples.push(t.elapsed());
        found += candidates.as_array().map_or(0, Vec::len);
    }
    let mut figures = summary(samples, started.elapsed());
    figures["candidates_per_search"] = json!(found as f64 / SEARCHES as f64);
    Ok(figures)
}

pub fn run(base_url: &str, persist: &Path, run: u128) -> Result<Value> {
    let admin = organisation(base_url)?;
    let import = import(&admin, run)?;
    eprintln!("import: {import}");
    let train = train(&admin)?;
    eprintln!("train: {train}");
    let suggest = suggest(&admin)?;
    let t = Instant::now();
    load_million(persist)?;
    let load_seconds = t.elapsed().as_secs_f64();
    let duplicates = duplicate_search(&admin, base_url, run)?;
    Ok(json!({
        "import_10k": import,
        "train": train,
        "suggest": { "what": "POST /api/v1/triage/suggest, sequential, over HTTP to wrangler dev --local", "latency": suggest },
        "duplicates_1m": { "what": "GET /api/v1/tickets/{no}/duplicates with 1,000,000 tickets stored (500 m, ±30 days)",
            "load_seconds": load_seconds, "latency": duplicates },
    }))
}
