//! `cargo xtask test`: everything CI runs, in order of cost, stopping at the first failure.

use crate::cmd;
use crate::stack::{free_port, Stack};
use crate::{build, root, setup, Result};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromedriver for the browser tests, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Result<Driver> {
        let port = free_port()?;
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(2)).build();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if agent.get(&format!("{}/status", driver.url)).call().is_ok() {
                return Ok(driver);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("chromedriver did not start".into())
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(other) = args.first() {
        return Err(format!("test: unknown option {other}"));
    }
    let root = root();
    setup::tools()?;
    setup::browser()?;

    cmd::run(Command::new("cargo").args(["fmt", "--all", "--check"]).current_dir(&root))?;
    // Host: unit and property tests of the domain, the app's pure parts and xtask; lints.
    cmd::run(Command::new("cargo").args(["test", "--workspace", "--exclude", "huiyin-tests"]).current_dir(&root))?;
    cmd::run(
        Command::new("cargo")
            .args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
            .current_dir(&root),
    )?;
    cmd::run(
        Command::new("cargo")
            .args([
                "clippy",
                "-p",
                "huiyin-edge",
                "-p",
                "huiyin-app",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root),
    )?;
    // The tracking, transparency and staff bundles are the same crate with other code; lint them
    // as they ship.
    for feature in ["track", "open", "staff"] {
        cmd::run(
            Command::new("cargo")
                .args(["clippy", "-p", "huiyin-app", "--features", feature, "--target", "wasm32-unknown-unknown"])
                .args(["--", "-D", "warnings"])
                .current_dir(&root),
        )?;
    }

    // wasm32: the Worker and the app as they ship.
    build::all()?;

    // The real stack on a free port with a throw-away database.
    let persist = root.join("target/test-state");
    let _ = std::fs::remove_dir_all(&persist);
    // The tests' mail sink listens here (tests/it/api_updates.rs); the stack's mail goes to it.
    let mail_sink = format!("127.0.0.1:{}", free_port()?);
    let mail_vars = [
        ("MAIL_API_URL", format!("http://{mail_sink}/mail")),
        ("MAIL_FROM", "12345 <updates@huiyin.invalid>".to_owned()),
        ("MAIL_API_KEY", "local-mail-sink-key".to_owned()),
    ];
    let stack = Stack::start_with(free_port()?, &persist, &mail_vars)?;
    // Tests sign in as the demo accounts; the demo history trains the classifier.
    let admin = crate::seed::organisation(&stack.base_url)?;
    crate::seed::demo_tickets(&admin)?;
    let driver = Driver::start()?;
    let e2e_dir = root.join("target/e2e");
    std::fs::create_dir_all(&e2e_dir).map_err(|e| e.to_string())?;
    cmd::run(
        Command::new("cargo")
            .args(["test", "-p", "huiyin-tests", "--", "--test-threads=4"])
            .current_dir(&root)
            .env("HUIYIN_TEST_URL", &stack.base_url)
            .env("HUIYIN_WEBDRIVER_URL", &driver.url)
            .env("HUIYIN_E2E_DIR", &e2e_dir)
            .env("HUIYIN_BOOTSTRAP_SECRET", crate::stack::DEV_BOOTSTRAP_SECRET)
            .env("HUIYIN_TEST_PERSIST", &persist)
            .env("HUIYIN_MAIL_SINK", &mail_sink),
    )
    .map_err(|e| format!("{e}\n{}workerd log: {}", stack.trouble(40), stack.log.display()))
}
