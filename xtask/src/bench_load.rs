//! `cargo xtask bench --load`: proof under stress, on a stack of its own.
//!
//! 1. Load and a crash: 10,000 distinct submissions, each sent three more times with its
//!    Idempotency-Key (a phone retrying), shuffled so replays race their originals, from many
//!    threads at once. When 40% have been sent, workerd is killed (SIGKILL, no goodbye) and started
//!    again on the same files; clients retry as phones do. Then: every acknowledged ticket is in
//!    D1, none twice, every key answered with one tracking number, and the rollups equal a recount.
//! 2. Restore drill: export D1 with wrangler, import it into an empty database, and compare every
//!    table's SHA3 hash.
//!
//! Figures go to `target/bench/load.json`.

use crate::bench::summary;
use crate::bench_dispatch::d1_file;
use crate::seed::StaffSession;
use crate::setup::node_bin;
use crate::stack::{free_port, Stack};
use crate::{root, seed, Result};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REQUESTS: usize = 10_000;
const COPIES: usize = 4;
const THREADS: usize = 64;
/// How long a phone keeps retrying one submission before giving up (the restart takes ~10 s).
const PATIENCE: Duration = Duration::from_secs(180);

fn body(marker: &str, i: usize) -> String {
    json!({
        "title": format!("压测请求 {i}"),
        "description": format!("{marker} 第 {i} 号：小区南门的路灯坏了两周，晚上很黑，老人出行不便，请尽快修复。"),
        "category": "01.02.01",
        "location": { "lat": 28.15 + (i % 97) as f64 * 0.001, "lng": 112.93 + (i % 89) as f64 * 0.001 },
        "anonymous": true
    })
    .to_string()
}

/// A fixed shuffle (xorshift), so a run can be repeated.
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

#[derive(Default)]
struct Outcome {
    /// Request number → every tracking number it was answered with.
    answers: HashMap<usize, HashSet<String>>,
    latencies: Vec<Duration>,
    /// Attempts that failed (connection refused while workerd was down, 5xx, 409 in progress).
    retries: usize,
    gave_up: usize,
    unexpected: Vec<String>,
}

enum Attempt {
    Answered(String),
    Retry,
    Refused(String),
}

fn attempt(agent: &ureq::Agent, url: &str, key: &str, body: &str) -> Attempt {
    match agent.post(url).set("Content-Type", "application/json").set("Idempotency-Key", key).send_string(body) {
        Ok(response) => {
            let value: Value = response.into_json().unwrap_or(Value::Null);
            match value["tracking_no"].as_str() {
                Some(no) => Attempt::Answered(no.to_owned()),
                None => Attempt::Refused(format!("an answer without a tracking number: {value}")),
            }
        }
        // A concurrent copy still in flight (409), or the Worker restarting (5xx): try again.
        Err(ureq::Error::Status(code, _)) if code == 409 || code >= 500 => Attempt::Retry,
        Err(ureq::Error::Status(code, response)) => {
            Attempt::Refused(format!("{code}: {}", response.into_string().unwrap_or_default()))
        }
        Err(ureq::Error::Transport(_)) => Attempt::Retry,
    }
}

fn send(agent: &ureq::Agent, url: &str, key: &str, body: &str, outcome: &Mutex<Outcome>, i: usize) {
    let started = Instant::now();
    let mut backoff = Duration::from_millis(50);
    loop {
        let t = Instant::now();
        match attempt(agent, url, key, body) {
            Attempt::Answered(no) => {
                if let Ok(mut o) = outcome.lock() {
                    o.latencies.push(t.elapsed());
                    o.answers.entry(i).or_default().insert(no);
                }
                return;
            }
            Attempt::Refused(e) => {
                if let Ok(mut o) = outcome.lock() {
                    o.unexpected.push(format!("request {i}: {e}"));
                }
                return;
            }
            Attempt::Retry => {
                if let Ok(mut o) = outcome.lock() {
                    o.retries += 1;
                    if started.elapsed() > PATIENCE {
                        o.gave_up += 1;
                        return;
                    }
                }
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }
    }
}

fn sqlite(db: &Path, sql: &str) -> Result<String> {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().map_err(|e| format!("sqlite3: {e}"))?;
    if !out.status.success() {
        return Err(format!("sqlite3 {sql}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn load_and_crash(persist: &Path, port: u16) -> Result<(Stack, Value)> {
    let mut stack = Stack::start(port, persist)?;
    seed::organisation(&stack.base_url)?;
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let marker = format!("load-{run}");
    let url = format!("{}/api/v1/requests", stack.base_url);
    let jobs: Vec<usize> = shuffled(REQUESTS * COPIES).into_iter().map(|j| j % REQUESTS).collect();
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (jobs, next, outcome, url, marker) =
                (jobs.clone(), next.clone(), outcome.clone(), url.clone(), marker.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = jobs.get(j) else { break };
                    send(&agent, &url, &format!("{marker}-{i:05}"), &body(&marker, i), &outcome, i);
                }
            })
        })
        .collect();

    // The crash: once 40% of the submissions are out, workerd dies mid-flight and comes back.
    while next.load(Ordering::Relaxed) < jobs.len() * 2 / 5 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let crash_at = started.elapsed();
    eprintln!(
        "killing workerd after {:.1}s, {} submissions sent",
        crash_at.as_secs_f64(),
        next.load(Ordering::Relaxed)
    );
    stack.kill_hard();
    let down = Instant::now();
    stack = Stack::start(port, persist)?;
    let outage = down.elapsed();
    for w in workers {
        let _ = w.join();
    }
    let wall = started.elapsed();

    let outcome = Arc::try_unwrap(outcome).map_err(|_| "workers still hold the outcome")?;
    let outcome = outcome.into_inner().map_err(|e| e.to_string())?;
    let acknowledged: HashSet<&String> = outcome.answers.values().flatten().collect();
    let split_answers = outcome.answers.values().filter(|nos| nos.len() > 1).count();
    let db = d1_file(persist)?;
    let in_d1 = sqlite(&db, &format!("SELECT tracking_no FROM tickets WHERE description LIKE '{marker} %'"))?;
    let stored: Vec<&str> = in_d1.lines().collect();
    let stored_set: HashSet<&str> = stored.iter().copied().collect();
    let missing = acknowledged.iter().filter(|no| !stored_set.contains(no.as_str())).count();
    let duplicated_titles: usize = sqlite(
        &db,
        &format!(
            "SELECT COUNT(*) FROM (SELECT title FROM tickets WHERE description LIKE '{marker} %' \
             GROUP BY title HAVING COUNT(*) > 1)"
        ),
    )?
    .parse()
    .map_err(|e| format!("{e}"))?;
    let keys: usize = sqlite(&db, &format!("SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE '{marker}-%'"))?
        .parse()
        .map_err(|e| format!("{e}"))?;
    let admin = StaffSession::login(&stack.base_url, "admin", &seed::demo_password()?)?;
    let (status, recount) = admin.send("GET", "/api/v1/admin/rollups/verify", "application/json", "")?;
    let consistent = status == 200 && recount["consistent"] == json!(true);

    let mut figures = summary(outcome.latencies.clone(), wall);
    figures = json!({
        "submissions": REQUESTS,
        "copies_of_each": COPIES,
        "threads": THREADS,
        "requests_answered": outcome.latencies.len(),
        "wall_s": wall.as_secs_f64(),
        "latency": figures,
        "crash": { "after_s": crash_at.as_secs_f64(), "restart_s": outage.as_secs_f64(), "retries": outcome.retries, "gave_up": outcome.gave_up },
        "tickets_in_d1": stored.len(),
        "distinct_tickets_in_d1": stored_set.len(),
        "idempotency_keys_in_d1": keys,
        "acknowledged_tracking_numbers": acknowledged.len(),
        "acknowledged_but_missing": missing,
        "keys_answered_with_two_numbers": split_answers,
        "requests_stored_twice": duplicated_titles,
        "rollups_consistent_with_recount": consistent,
        "unexpected_answers": outcome.unexpected.iter().take(10).collect::<Vec<_>>(),
        "ok": stored.len() == REQUESTS && stored_set.len() == REQUESTS && keys == REQUESTS && missing == 0
            && split_answers == 0 && duplicated_titles == 0 && consistent && outcome.unexpected.is_empty()
            && outcome.gave_up == 0,
    });
    if !consistent {
        figures["recount"] = recount;
    }
    Ok((stack, figures))
}

/// Run wrangler's D1 command against a persist folder (`d1 export`/`execute` know only the
/// project's `.wrangler/state`, so a scratch project points its state at the folder).
fn d1_command(persist: &Path, args: &[&str]) -> Result<()> {
    let scratch = persist.with_extension("project");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join(".wrangler")).map_err(|e| e.to_string())?;
    std::fs::copy(root().join("wrangler.toml"), scratch.join("wrangler.toml")).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(persist, scratch.join(".wrangler/state")).map_err(|e| e.to_string())?;
    let mut command = Command::new(node_bin("wrangler"));
    crate::cmd::quiet_wrangler(&mut command).args(args).arg("--cwd").arg(&scratch).current_dir(root());
    crate::cmd::run(&mut command)
}

fn table_hashes(db: &Path) -> Result<BTreeMap<String, String>> {
    let tables =
        sqlite(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' ORDER BY name")?;
    tables.lines().map(|t| Ok((t.to_owned(), sqlite(db, &format!(".sha3sum \"{t}\""))?))).collect()
}

fn restore_drill(persist: &Path) -> Result<Value> {
    let dump = persist.with_extension("sql");
    let started = Instant::now();
    d1_command(persist, &["d1", "export", "DB", "--local", "--output", &dump.to_string_lossy()])?;
    let exported = started.elapsed();
    let restored = persist.with_extension("restored");
    let _ = std::fs::remove_dir_all(&restored);
    std::fs::create_dir_all(&restored).map_err(|e| e.to_string())?;
    let started = Instant::now();
    d1_command(&restored, &["d1", "execute", "DB", "--local", "-y", "--file", &dump.to_string_lossy()])?;
    let imported = started.elapsed();
    let (before, after) = (table_hashes(&d1_file(persist)?)?, table_hashes(&d1_file(&restored)?)?);
    let differing: Vec<&String> =
        before.keys().chain(after.keys()).filter(|t| before.get(*t) != after.get(*t)).collect();
    let bytes = std::fs::metadata(&dump).map(|m| m.len()).unwrap_or(0);
    Ok(json!({
        "tables": before.len(),
        "dump_bytes": bytes,
        "export_s": exported.as_secs_f64(),
        "import_s": imported.as_secs_f64(),
        "tables_differing": differing,
        "ok": differing.is_empty() && !before.is_empty(),
    }))
}

pub fn run() -> Result<Value> {
    let persist = root().join("target/bench-load");
    let _ = std::fs::remove_dir_all(&persist);
    let (stack, load) = load_and_crash(&persist, free_port()?)?;
    // Exported from a stopped database, as an operator would before a restore.
    drop(stack);
    let drill = restore_drill(&persist)?;
    Ok(json!({ "load_and_crash": load, "restore_drill": drill }))
}
