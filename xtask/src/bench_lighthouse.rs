//! `cargo xtask bench --lighthouse`: Lighthouse (npm, with Debian's Chromium) on the submission,
//! tracking and dashboard pages, mobile settings (simulated slow 4G and a mid-range phone), on a
//! seeded stack of its own (as last built). Figures go to `target/bench/lighthouse.json`.
//! Lighthouse is installed on first use into `target/lighthouse` (pinned, from npm): the build and
//! the tests do not need its 200 packages.

use crate::stack::{free_port, Stack};
use crate::{root, seed, Result};
use serde_json::{json, Value};
use std::process::Command;

const LIGHTHOUSE: &str = "lighthouse@12.8.2";

const CHROME_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
     --disable-background-networking --disable-component-update --disable-sync --no-first-run";

/// The Lighthouse command, installed if missing (the last version that runs on Node 20).
fn lighthouse() -> Result<std::path::PathBuf> {
    let prefix = root().join("target/lighthouse");
    let bin = prefix.join("node_modules/.bin/lighthouse");
    if !bin.exists() {
        std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
        crate::cmd::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
                .arg(&prefix)
                .arg(LIGHTHOUSE),
        )?;
    }
    Ok(bin)
}

/// Lighthouse now and then fails to record a trace (`NO_NAVSTART`) and says to run it again.
fn audit_again(url: &str, name: &str) -> Result<Value> {
    audit(url, name).or_else(|first| {
        eprintln!("lighthouse again after: {first}");
        audit(url, name)
    })
}

/// What Lighthouse says of one page: the score and the metrics behind it.
fn audit(url: &str, name: &str) -> Result<Value> {
    let out = root().join(format!("target/bench/lighthouse-{name}.json"));
    let status = Command::new(lighthouse()?)
        .arg(url)
        .args(["--quiet", "--only-categories=performance", "--output=json"])
        .arg(format!("--output-path={}", out.display()))
        .arg(format!("--chrome-flags={CHROME_FLAGS}"))
        .env("CHROME_PATH", "/usr/bin/chromium")
        .status()
        .map_err(|e| format!("lighthouse: {e}"))?;
    if !status.success() {
        return Err(format!("lighthouse {url}: {status}"));
    }
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).map_err(|e| e.to_string())?)
        .map_err(|e| format!("{}: {e}", out.display()))?;
    let metric = |id: &str| report["audits"][id]["numericValue"].clone();
    Ok(json!({
        "url": url,
        "performance": report["categories"]["performance"]["score"],
        "first_contentful_paint_ms": metric("first-contentful-paint"),
        "largest_contentful_paint_ms": metric("largest-contentful-paint"),
        "total_blocking_time_ms": metric("total-blocking-time"),
        "cumulative_layout_shift": metric("cumulative-layout-shift"),
        "speed_index_ms": metric("speed-index"),
        "transfer_bytes": metric("total-byte-weight"),
        "runtime_error": report["runtimeError"]["message"],
    }))
}

pub fn run() -> Result<Value> {
    let persist = root().join("target/bench-lighthouse");
    let _ = std::fs::remove_dir_all(&persist);
    let stack = Stack::start(free_port()?, &persist)?;
    let admin = seed::organisation(&stack.base_url)?;
    seed::demo_tickets(&admin)?;
    let created: Value = ureq::post(&format!("{}/api/v1/requests", stack.base_url))
        .set("Content-Type", "application/json")
        .set("Idempotency-Key", "lighthouse-track-page-0001")
        .send_string(
            &json!({
                "title": "小区门口路灯不亮",
                "description": "芙蓉路小区南门的路灯已经坏了两周，晚上很黑，老人出行不便。",
                "category": "01.02.01",
                "location": { "lat": 28.2, "lng": 112.98 },
                "anonymous": true
            })
            .to_string(),
        )
        .map_err(|e| format!("a request to track: {e}"))?
        .into_json()
        .map_err(|e| e.to_string())?;
    let no = created["tracking_no"].as_str().ok_or_else(|| format!("a request to track: {created}"))?;
    let base = &stack.base_url;
    Ok(json!({
        "settings": "Lighthouse 12 defaults: mobile, simulated slow 4G, 4× CPU slowdown",
        "targets": { "performance": 0.95, "largest_contentful_paint_ms": 1500 },
        "submit": audit_again(&format!("{base}/"), "submit")?,
        "track": audit_again(&format!("{base}/track/{no}"), "track")?,
        "dashboard": audit_again(&format!("{base}/open/dashboard"), "dashboard")?,
    }))
}
