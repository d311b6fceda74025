//! `cargo xtask <command>`: the project's own commands, so a fresh machine needs only cargo.
//!
//! - `dev [--port 8787] [--persist-to DIR] [--no-seed]` — build, migrate, seed, serve on 127.0.0.1
//! - `test` — every test: host unit/property tests and lints, wasm builds, the real stack, Chromium
//! - `bench` — latency and transfer-size figures into `target/bench/*.json`
//! - `seed --url URL` — the demo organisation and tickets into a running local stack
//! - `eval [--quick] [--explore]` — the classifier against a TF-IDF + SVM baseline, into `target/bench/classifier.json`
//! - `build [--app | --edge]` — the Worker and the app (or one of them), ready for `wrangler dev` or `wrangler deploy`
//! - `setup [--browser]` — install the pinned tools that are missing
//! - `admin create --username NAME [--display-name TEXT] [--persist-to DIR]` — the first admin of a local stack
//! - `assess --csv FILE --month YYYY-MM [--by department|street] [--settings FILE]` — recompute a published league table

mod assess;
mod bench;
mod bench_dispatch;
mod bench_lighthouse;
mod bench_load;
mod bench_open;
mod build;
mod cmd;
mod eval;
mod seed;
mod seed_live;
mod setup;
mod shell;
mod stack;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

pub type Result<T> = std::result::Result<T, String>;

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn usage() -> &'static str {
    "usage: cargo xtask <dev [--port N] [--persist-to DIR] [--no-seed] | test | bench | build [--app|--edge] | setup [--browser] | admin create --username NAME | assess --csv FILE --month YYYY-MM>"
}

fn run(args: &[String]) -> Result<()> {
    let (command, rest) = args.split_first().ok_or_else(|| usage().to_owned())?;
    match command.as_str() {
        "dev" => stack::dev(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "eval" => eval::run(rest),
        "build" => {
            setup::tools()?;
            // One half alone: the app's pages without disturbing a running Worker, or the Worker.
            match rest.first().map(String::as_str) {
                None => build::all(),
                Some("--app") => build::app().and_then(|()| build::site()),
                Some("--edge") => build::edge(),
                Some(other) => Err(format!("build: unknown option {other} (--app or --edge)")),
            }
        }
        "admin" => stack::admin(rest),
        "assess" => assess::run(rest),
        "seed" => {
            let url = match rest {
                [flag, url] if flag == "--url" => url.trim_end_matches('/').to_owned(),
                _ => return Err("usage: cargo xtask seed --url http://127.0.0.1:8787".into()),
            };
            let admin = seed::organisation(&url)?;
            seed::demo_tickets(&admin)?;
            seed_live::live_work(&url, &seed::demo_password()?)
        }
        "setup" => {
            setup::tools()?;
            if rest.iter().any(|a| a == "--browser") {
                setup::browser()?;
            }
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n{}", usage())),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
