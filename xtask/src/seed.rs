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

/// A signed-in staff session against a running stack.
pub struct StaffSession {
    pub base_url: String,
    agent: ureq::Agent,
    cookie: String,
    csrf: String,
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build()
}

fn error_text(e: ureq::Error) -> String {
    match e {
        ureq::Error::Status(code, response) => format!("{code}: {}", response.into_string().unwrap_or_default()),
        other => other.to_string(),
    }
}

impl StaffSession {
    pub fn login(base_url: &str, username: &str, password: &str) -> Result<StaffSession> {
        let agent = agent();
        let response = agent
            .post(&format!("{base_url}/api/v1/auth/login"))
            .send_json(json!({ "username": username, "password": password }))
            .map_err(|e| format!("signing in as {username}: {}", error_text(e)))?;
        let cookie = response
            .header("Set-Cookie")
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
            .ok_or("sign-in answered without a session cookie")?;
        let body: serde_json::Value = serde_json::from_reader(response.into_reader()).map_err(|e| e.to_string())?;
        let csrf = body["csrf_token"].as_str().ok_or("sign-in answered without a CSRF token")?.to_owned();
        Ok(StaffSession { base_url: base_url.to_owned(), agent, cookie, csrf })
    }

    /// Send a change; answers the status and body, whatever the status.
    pub fn send(&self, method: &str, path: &str, content_type: &str, body: &str) -> Result<(u16, serde_json::Value)> {
        let result = self
            .agent
            .request(method, &format!("{}{path}", self.base_url))
            .set("Cookie", &self.cookie)
            .set("X-CSRF-Token", &self.csrf)
            .set("Content-Type", content_type)
            .send_string(body);
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(format!("{method} {path}: {e}")),
        };
        let status = response.status();
        let text = response.into_string().map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)))
    }

    /// A change to a ticket against `version` (`If-Match`).
    pub fn send_if_match(&self, path: &str, body: &str, version: i64) -> Result<(u16, serde_json::Value)> {
        let result = self
            .agent
            .post(&format!("{}{path}", self.base_url))
            .set("Cookie", &self.cookie)
            .set("X-CSRF-Token", &self.csrf)
            .set("Content-Type", "application/json")
            .set("If-Match", &format!("\"{version}\""))
            .send_string(body);
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(format!("POST {path}: {e}")),
        };
        let status = response.status();
        let text = response.into_string().map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)))
    }

    /// Create unless it exists (422 `taken`): seeding twice changes nothing.
    fn create(&self, path: &str, body: &serde_json::Value, what: &str) -> Result<bool> {
        match self.send("POST", path, "application/json", &body.to_string())? {
            (200 | 201, _) => Ok(true),
            (422, e) if e["fields"].as_object().is_some_and(|f| f.values().any(|v| v["code"] == "taken")) => Ok(false),
            (status, e) => Err(format!("creating {what}: {status} {e}")),
        }
    }
}

pub fn demo_password() -> Result<String> {
    demo_org()?["password"].as_str().map(str::to_owned).ok_or_else(|| "demo-org.json: no password".into())
}

fn demo_org() -> Result<serde_json::Value> {
    let path = root().join("xtask/data/demo-org.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Create the first admin with the local bootstrap secret (nothing happens if one exists).
pub fn bootstrap_admin(base_url: &str, username: &str, display_name: &str, password: &str) -> Result<bool> {
    let result = agent().post(&format!("{base_url}/api/v1/auth/bootstrap")).send_json(json!({
        "secret": crate::stack::DEV_BOOTSTRAP_SECRET,
        "username": username,
        "display_name": display_name,
        "password": password,
    }));
    match result {
        Ok(_) => Ok(true),
        Err(ureq::Error::Status(409, _)) => Ok(false),
        Err(e) => Err(format!("creating the first admin: {}", error_text(e))),
    }
}

/// The demo organisation: admin, departments, areas and one account per role.
pub fn organisation(base_url: &str) -> Result<StaffSession> {
    let org = demo_org()?;
    let password = org["password"].as_str().ok_or("demo-org.json: no password")?;
    let admin = &org["admin"];
    let admin_name = admin["username"].as_str().ok_or("demo-org.json: no admin")?;
    bootstrap_admin(base_url, admin_name, admin["display_name"].as_str().unwrap_or(admin_name), password)?;
    let session = StaffSession::login(base_url, admin_name, password)?;
    let mut created = 0;
    for d in org["departments"].as_array().into_iter().flatten() {
        created += usize::from(session.create("/api/v1/admin/departments", d, "a department")?);
    }
    let areas_path = root().join("xtask/data/demo-areas.geojson");
    let areas = std::fs::read_to_string(&areas_path).map_err(|e| format!("{}: {e}", areas_path.display()))?;
    match session.send("POST", "/api/v1/admin/areas", "application/json", &areas)? {
        (200, _) => {}
        (status, e) => return Err(format!("importing areas: {status} {e}")),
    }
    for s in org["staff"].as_array().into_iter().flatten() {
        let mut s = s.clone();
        s["password"] = password.into();
        created += usize::from(session.create("/api/v1/admin/staff", &s, "a staff member")?);
    }
    // Channels with the demo keys the README lists (a development stack accepts chosen keys).
    for c in org["channels"].as_array().into_iter().flatten() {
        created += usize::from(session.create("/api/v1/admin/channels", c, "a channel")?);
    }
    eprintln!("demo organisation ready ({created} departments, accounts and channels created)");
    Ok(session)
}

/// Import the demo tickets through the admin's import; running it again imports nothing new.
pub fn demo_tickets(admin: &StaffSession) -> Result<()> {
    let rows = demo_rows()?;
    let path = format!("/api/v1/admin/import/tickets?source={SOURCE}");
    let (status, report) = admin.send("POST", &path, "application/x-ndjson", &rows.join("\n"))?;
    if status != 200 {
        return Err(format!("seeding tickets: {status} {report}"));
    }
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
