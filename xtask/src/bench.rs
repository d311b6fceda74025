//! `cargo xtask bench`: submission latency against local workerd + D1, and the
//! submission page's transfer size. Figures go to `target/bench/*.json`.

use crate::stack::{free_port, Stack};
use crate::{build, root, setup, Result};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const SEQUENTIAL: usize = 2_000;
const CONCURRENCY: usize = 50;
const PER_WORKER: usize = 40;

fn body(i: usize) -> String {
    json!({
        "title": format!("基准测试请求 {i}"),
        "description": "小区南门的路灯坏了两周，晚上很黑，老人出行不便，请尽快修复。",
        "category": "01.02.01",
        "location": { "lat": 28.2 + (i % 100) as f64 * 0.001, "lng": 112.98 },
        "anonymous": true
    })
    .to_string()
}

fn submit(agent: &ureq::Agent, url: &str, key: &str, i: usize) -> Result<Duration> {
    let started = Instant::now();
    let response = agent
        .post(url)
        .set("Content-Type", "application/json")
        .set("Idempotency-Key", key)
        .send_string(&body(i))
        .map_err(|e| format!("submission {i}: {e}"))?;
    let _ = response.into_string();
    Ok(started.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

pub(crate) fn summary(mut samples: Vec<Duration>, wall: Duration) -> Value {
    samples.sort();
    json!({
        "requests": samples.len(),
        "p50_ms": percentile(&samples, 50.0),
        "p90_ms": percentile(&samples, 90.0),
        "p99_ms": percentile(&samples, 99.0),
        "max_ms": samples.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        "wall_s": wall.as_secs_f64(),
        "throughput_per_s": samples.len() as f64 / wall.as_secs_f64().max(1e-9),
    })
}

fn latency(base_url: &str, run_id: u128) -> Result<Value> {
    let url = format!("{base_url}/api/v1/requests");
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
    // Warm the isolate and the database before measuring.
    for i in 0..50 {
        submit(&agent, &url, &format!("warm-{run_id}-{i:08}"), i)?;
    }
    let started = Instant::now();
    let mut sequential = Vec::with_capacity(SEQUENTIAL);
    for i in 0..SEQUENTIAL {
        sequential.push(submit(&agent, &url, &format!("seq-{run_id}-{i:08}"), i)?);
    }
    let sequential = summary(sequential, started.elapsed());

    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|w| {
            let url = url.clone();
            std::thread::spawn(move || -> Result<Vec<Duration>> {
                let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
                (0..PER_WORKER)
                    .map(|i| submit(&agent, &url, &format!("par-{run_id}-{w:03}-{i:06}"), w * PER_WORKER + i))
                    .collect()
            })
        })
        .collect();
    let mut concurrent = Vec::with_capacity(CONCURRENCY * PER_WORKER);
    for worker in workers {
        concurrent.extend(worker.join().map_err(|_| "a bench worker panicked".to_owned())??);
    }
    let concurrent = summary(concurrent, started.elapsed());
    Ok(json!({
        "what": "POST /api/v1/requests (validation, idempotency check, sequence, one D1 batch) against wrangler dev --local",
        "sequential": sequential,
        "concurrent": { "connections": CONCURRENCY, "results": concurrent },
        "target": { "p50_ms": 5.0 },
    }))
}

fn compressed_sizes(bytes: &[u8]) -> Result<(usize, usize)> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).map_err(|e| e.to_string())?;
    let gzip = gz.finish().map_err(|e| e.to_string())?.len();
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        writer.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok((gzip, br.len()))
}

/// What a page downloads, file by file and in total: the submission form, the tracking pages,
/// the transparency pages and the staff console are separate bundles. Leaflet comes only when
/// a map nears the screen (`boot.js`), so it is counted apart: `total` is the page as it opens,
/// `with_map` once a map has been shown.
fn page(site: &Path, page: &str, bundle: &str, target_kb: Option<usize>) -> Result<Value> {
    let js = format!("pkg/{bundle}.js");
    let wasm = format!("pkg/{bundle}_bg.wasm");
    let sizes = |files: &[&str]| -> Result<(Vec<Value>, [usize; 3])> {
        let mut rows = Vec::new();
        let mut total = [0; 3];
        for file in files {
            let Ok(bytes) = std::fs::read(site.join(file)) else {
                continue;
            };
            let (gzip, brotli) = compressed_sizes(&bytes)?;
            total = [total[0] + bytes.len(), total[1] + gzip, total[2] + brotli];
            rows.push(json!({ "file": file, "raw": bytes.len(), "gzip": gzip, "brotli": brotli }));
        }
        Ok((rows, total))
    };
    let (rows, total) = sizes(&["index.html", "shell.js", "boot.js", "app.css", &js, &wasm])?;
    let (map_rows, map) = sizes(&["vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css"])?;
    Ok(json!({
        "page": page,
        "files": rows,
        "total": { "raw": total[0], "gzip": total[1], "brotli": total[2] },
        "map_on_demand": map_rows,
        "with_map": { "raw": total[0] + map[0], "gzip": total[1] + map[1], "brotli": total[2] + map[2] },
        "target": target_kb.map(|kb| json!({ "brotli": kb * 1024 })),
    }))
}

pub fn transfer(site: &Path) -> Result<Value> {
    Ok(json!({
        "citizen": page(site, "/ (submission)", "huiyin_app", Some(250))?,
        "track": page(site, "/track and /track/{no} (tracking)", "huiyin_track", None)?,
        "open": page(site, "/listed and /open/assessment (transparency pages)", "huiyin_open", None)?,
        "staff": page(site, "/staff (staff console)", "huiyin_staff", None)?,
    }))
}

fn write(name: &str, value: &Value) -> Result<()> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| e.to_string())?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// The Worker as `wrangler deploy` would upload it (`--dry-run`: nothing leaves the machine),
/// against Cloudflare's limits on the compressed script: 3 MiB on the free plan, 10 MiB paid.
fn deploy_size() -> Result<Value> {
    let outdir = root().join("target/deploy-dry-run");
    let mut command = std::process::Command::new(crate::setup::node_bin("wrangler"));
    // The size is a log-level line, which quiet_wrangler's `warn` would hide.
    crate::cmd::quiet_wrangler(&mut command)
        .env("WRANGLER_LOG", "log")
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(&outdir)
        .current_dir(root());
    let out = command.output().map_err(|e| format!("wrangler deploy --dry-run: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // "Total Upload: 3234.69 KiB / gzip: 1217.17 KiB"
    let line =
        text.lines().find(|l| l.contains("Total Upload:")).ok_or_else(|| format!("no upload size in:\n{text}"))?;
    let kib = |label: &str| -> Option<f64> {
        let rest = line.split(label).nth(1)?;
        rest.split_whitespace().next()?.parse().ok()
    };
    let (raw, gzip) = (kib("Total Upload:").ok_or("raw size")?, kib("gzip:").ok_or("gzip size")?);
    Ok(json!({
        "upload_kib": raw,
        "gzip_kib": gzip,
        "limit_free_gzip_kib": 3072,
        "limit_paid_gzip_kib": 10240,
        "within_free_plan": gzip <= 3072.0,
    }))
}

/// Distinct per run, so idempotency keys never repeat an earlier run's.
fn run_id() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default()
}

pub fn run(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        None => {}
        // The public pages and submissions, on the stack as last built: a million tickets, then the figures.
        // `--keep`: the million tickets of the last run again (after an edge change).
        Some("--open") => {
            let persist = root().join("target/bench-state");
            let keep = args.get(1).is_some_and(|a| a == "--keep") && persist.exists();
            if !keep {
                let _ = std::fs::remove_dir_all(&persist);
            }
            let stack = Stack::start(free_port()?, &persist)?;
            let t = std::time::Instant::now();
            if !keep {
                crate::bench_dispatch::load_million(&persist)?;
            }
            let load_seconds = t.elapsed().as_secs_f64();
            let mut open = crate::bench_open::run(&stack.base_url, &persist)?;
            open["load_seconds"] = json!(load_seconds);
            // Submissions with the million tickets in D1, as the issue asks (the day's sequence and
            // the rollups' triggers then work on full tables).
            open["submit_at_a_million"] = latency(&stack.base_url, run_id())?;
            return write("open.json", &open);
        }
        // Load with a crash in the middle, then a restore drill, on a stack of its own (as last built).
        Some("--load") => return write("load.json", &crate::bench_load::run()?),
        Some("--deploy") => return write("deploy.json", &deploy_size()?),
        // Transfer sizes and submission latency only, on the stack as last built (no million tickets).
        Some("--submit") => {
            write("transfer.json", &transfer(&root().join("target/site"))?)?;
            let persist = root().join("target/bench-submit");
            let _ = std::fs::remove_dir_all(&persist);
            let stack = Stack::start(free_port()?, &persist)?;
            return write("submit.json", &latency(&stack.base_url, run_id())?);
        }
        Some("--lighthouse") => return write("lighthouse.json", &crate::bench_lighthouse::run()?),
        Some(other) => return Err(format!("bench: unknown option {other}")),
    }
    setup::tools()?;
    build::all()?;
    let transfer = transfer(&root().join("target/site"))?;
    write("transfer.json", &transfer)?;
    write("deploy.json", &deploy_size()?)?;

    let persist = root().join("target/bench-state");
    let _ = std::fs::remove_dir_all(&persist);
    let stack = Stack::start(free_port()?, &persist)?;
    let run_id = run_id();
    let latency = latency(&stack.base_url, run_id)?;
    write("submit.json", &latency)?;
    let dispatch = crate::bench_dispatch::run(&stack.base_url, &persist, run_id)?;
    write("dispatch.json", &dispatch)?;
    let open = crate::bench_open::run(&stack.base_url, &persist)?;
    write("open.json", &open)?;
    eprintln!(
        "{}",
        serde_json::to_string_pretty(
            &json!({ "transfer": { "citizen": transfer["citizen"]["total"], "track": transfer["track"]["total"], "open": transfer["open"]["total"], "staff": transfer["staff"]["total"] }, "submit": latency, "dispatch": dispatch, "open": open })
        )
        .unwrap_or_default()
    );
    Ok(())
}
