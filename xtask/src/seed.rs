//! Demo data: the real Teddy 2020 messages as the demo city's imported history.
//!
//! Messages carry a date, a first-level category and often a district ("A3区"); they have
//! no coordinates, so each gets a stable point near its district's centre.

use crate::{root, Result};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

pub const SOURCE: &str = "teddy2020";

/// Made-up centres for the anonymised districts A1区…A7区, inside the demo city's service area.
const DISTRICTS: [(f64, f64); 7] = [
    (28.228, 112.939),
    (28.205, 113.010),
    (28.160, 112.935),
    (28.250, 112.990),
    (28.175, 113.045),
    (28.120, 112.990),
    (28.300, 112.900),
];
const CITY_CENTRE: (f64, f64) = (28.195, 112.975);

pub fn data_dir() -> PathBuf {
    root().join("../shared/data")
}

fn fnv(seed: &str, salt: u64) -> u64 {
    seed.bytes().fold(0xcbf2_9ce4_8422_2325 ^ salt, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// A number in [-1, 1), bunched towards 0 (the mean of three uniforms).
fn spread(seed: &str, salt: u64) -> f64 {
    (0..3).map(|i| (fnv(seed, salt * 7 + i) % 10_000) as f64 / 10_000.0 * 2.0 - 1.0).sum::<f64>() / 3.0
}

fn district_of(text: &str) -> Option<usize> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(3).find_map(|w| match w {
        ['A', d @ '1'..='7', '区'] => d.to_digit(10).map(|n| n as usize - 1),
        _ => None,
    })
}

pub fn location(id: &str, text: &str) -> (f64, f64) {
    let (centre, radius) = match district_of(text) {
        Some(d) => (DISTRICTS[d], 0.03),
        None => (CITY_CENTRE, 0.09),
    };
    let round = |v: f64| (v * 1e6).round() / 1e6;
    (round(centre.0 + spread(id, 1) * radius), round(centre.1 + spread(id, 2) * radius * 1.15))
}

/// NDJSON import rows from the labelled messages.
pub fn demo_rows() -> Result<Vec<String>> {
    let path = data_dir().join("teddy2020_messages_labeled_495.csv");
    let mut reader = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let col =
        |name: &str| headers.iter().position(|h| h == name).ok_or(format!("{}: no column {name}", path.display()));
    let (id, title, detail, category, time) =
        (col("留言编号")?, col("留言主题")?, col("留言详情")?, col("一级分类")?, col("留言时间_iso")?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| e.to_string())?;
        let field = |i: usize| r.get(i).unwrap_or_default().trim().to_owned();
        let (lat, lng) = location(&field(id), &format!("{}{}", field(title), field(detail)));
        rows.push(
            json!({
                "external_id": field(id),
                "title": field(title),
                "description": field(detail),
                "category": field(category),
                "created_at": field(time),
                "lat": lat,
                "lng": lng,
                // The challenge's messages come from a city's online message board.
                "channel": "forum",
            })
            .to_string(),
        );
    }
    Ok(rows)
}

/// Import the demo rows through the API; running it again imports nothing new.
pub fn demo_city(base_url: &str) -> Result<()> {
    let rows = demo_rows()?;
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build();
    let url = format!("{base_url}/api/v1/admin/import/tickets?source={SOURCE}");
    let response = agent
        .post(&url)
        .set("Content-Type", "application/x-ndjson")
        .send_string(&rows.join("\n"))
        .map_err(|e| format!("seeding: {e}"))?;
    let report: serde_json::Value =
        serde_json::from_reader(response.into_reader()).map_err(|e| format!("seeding: {e}"))?;
    eprintln!(
        "demo city seeded: {} imported, {} already there, {} rows refused",
        report["imported"],
        report["skipped"],
        report["errors"].as_array().map_or(0, Vec::len)
    );
    if let Some(errors) = report["errors"].as_array().filter(|e| !e.is_empty()) {
        for e in errors.iter().take(5) {
            eprintln!("  row {}: {} — {}", e["row"], e["field"], e["message"]);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts_are_read_from_the_text() {
        assert_eq!(district_of("A市A3区杜鹃文苑小区"), Some(2));
        assert_eq!(district_of("A市西湖建筑集团"), None);
        assert_eq!(district_of("A9区"), None);
    }

    #[test]
    fn locations_are_stable_and_near_their_district() {
        let a = location("3742", "A3区杜鹃文苑小区");
        assert_eq!(a, location("3742", "A3区杜鹃文苑小区"));
        assert!((a.0 - DISTRICTS[2].0).abs() <= 0.03 && (a.1 - DISTRICTS[2].1).abs() <= 0.035);
        assert_ne!(a, location("3743", "A3区杜鹃文苑小区"));
    }
}
