//! Install what is missing, at the pinned versions, from the package registries only.

use crate::cmd::{self, output};
use crate::{root, Result};
use std::path::PathBuf;
use std::process::Command;

pub const WORKER_BUILD_VERSION: &str = "0.8.7";

pub fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

pub fn node_bin(name: &str) -> PathBuf {
    root().join("node_modules").join(".bin").join(name)
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn installed_version(bin: &PathBuf) -> Option<String> {
    output(Command::new(bin).arg("--version")).and_then(|v| v.split_whitespace().last().map(str::to_owned))
}

pub fn tools() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        cmd::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let wanted = locked_wasm_bindgen()?;
    if installed_version(&cargo_bin("wasm-bindgen")).as_deref() != Some(wanted.as_str()) {
        // Without --locked: the CLI's own lock file once named a yanked version (shared/NOTES.md).
        cmd::run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &format!("={wanted}")]))?;
    }
    if installed_version(&cargo_bin("worker-build")).as_deref() != Some(WORKER_BUILD_VERSION) {
        cmd::run(Command::new("cargo").args([
            "install",
            "worker-build",
            "--version",
            &format!("={WORKER_BUILD_VERSION}"),
            "--locked",
        ]))?;
    }

    let node_major = output(Command::new("node").arg("--version"))
        .and_then(|v| v.trim_start_matches('v').split('.').next().and_then(|m| m.parse::<u32>().ok()))
        .ok_or("node is not installed (Node 20 is expected: apt-get install nodejs)")?;
    if node_major < 20 {
        return Err(format!("Node {node_major} is too old; wrangler 4.86 needs Node 20"));
    }
    if npm_install_needed() {
        cmd::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root()))?;
    }
    Ok(())
}

/// `npm ci` when node_modules is missing or older than the lock file.
fn npm_install_needed() -> bool {
    let stamp = root().join("node_modules").join(".package-lock.json");
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(stamp), modified(root().join("package-lock.json"))) {
        (Some(installed), Some(locked)) => installed < locked || !node_bin("wrangler").exists(),
        _ => true,
    }
}

/// Debian's Chromium, its driver and CJK fonts for the browser tests.
pub fn browser() -> Result<()> {
    let have = |bin: &str| output(Command::new("which").arg(bin)).is_some();
    let fonts = output(Command::new("dpkg-query").args(["-W", "-f=${Status}", "fonts-noto-cjk"]))
        .is_some_and(|s| s.contains("install ok installed"));
    if have("chromium") && have("chromedriver") && fonts {
        return Ok(());
    }
    cmd::run(Command::new("apt-get").arg("update"))?;
    cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver", "fonts-noto-cjk"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
