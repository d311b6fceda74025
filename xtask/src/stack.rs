//! The real stack: `wrangler dev --local` (workerd with SQLite-backed D1/KV on disk).

use crate::cmd::{self, quiet_wrangler};
use crate::setup::node_bin;
use crate::{build, root, seed, setup, Result};
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Only for local stacks; production sets its own with `wrangler secret put`.
const DEV_TOKEN_SECRET: &str = "local-development-token-secret-not-for-production";
/// Lets a local stack create its first admin; production sets its own once, then removes it.
pub const DEV_BOOTSTRAP_SECRET: &str = "local-development-bootstrap-secret";
/// Signs local stacks' Web Push (VAPID). Published here, so it is for development only: production
/// sets its own with `wrangler secret put VAPID_PRIVATE_KEY`.
const DEV_VAPID_PRIVATE_KEY: &str = "Bm2HC37rYyTEF_hdUTl6xXgHPCPPo1AyxHmSAVWHTh4";
const DEV_VAPID_SUBJECT: &str = "mailto:updates@huiyin.invalid";

pub struct Stack {
    child: Child,
    pub base_url: String,
    pub log: PathBuf,
}

pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn wrangler() -> Command {
    let mut cmd = Command::new(node_bin("wrangler"));
    quiet_wrangler(&mut cmd).current_dir(root());
    cmd
}

pub fn migrate(persist: &Path) -> Result<()> {
    cmd::run(wrangler().args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"]).arg(persist))
}

impl Stack {
    /// Apply migrations to `persist`, start workerd on `port` and wait until the API answers.
    pub fn start(port: u16, persist: &Path) -> Result<Stack> {
        Self::start_with(port, persist, &[])
    }

    /// As `start`, with more `--var NAME:VALUE` settings (the tests' mail sink).
    pub fn start_with(port: u16, persist: &Path, vars: &[(&str, String)]) -> Result<Stack> {
        migrate(persist)?;
        let logs = root().join("target/logs");
        std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
        let log = logs.join(format!("wrangler-{port}.log"));
        let out = File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let inspector = free_port()?;
        let mut command = wrangler();
        command
            // Each request's line (method, path, status) in the log, so a failed run can report 5xx answers.
            .env("WRANGLER_LOG", "info")
            .args(["dev", "--local", "--ip", "127.0.0.1", "--show-interactive-dev-session=false"])
            .args(["--port", &port.to_string(), "--inspector-port", &inspector.to_string()])
            // `GET /__scheduled?cron=…` fires the cron handler (tests/it/api_cron.rs; by hand in dev).
            .arg("--test-scheduled")
            .arg("--persist-to")
            .arg(persist)
            .args(["--var", "HUIYIN_ENV:development", "--var", &format!("TOKEN_SECRET:{DEV_TOKEN_SECRET}")])
            .args(["--var", &format!("BOOTSTRAP_SECRET:{DEV_BOOTSTRAP_SECRET}")])
            .args(["--var", &format!("VAPID_PRIVATE_KEY:{DEV_VAPID_PRIVATE_KEY}")])
            .args(["--var", &format!("VAPID_SUBJECT:{DEV_VAPID_SUBJECT}")])
            .args(vars.iter().flat_map(|(name, value)| ["--var".to_owned(), format!("{name}:{value}")]))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        // Own process group, so stopping it also stops workerd below wrangler.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        eprintln!("+ {}  (log: {})", cmd::describe(&command), log.display());
        let child = command.spawn().map_err(|e| format!("wrangler dev: {e}"))?;
        let stack = Stack { child, base_url: format!("http://127.0.0.1:{port}"), log };
        stack.wait_ready(Duration::from_secs(90))?;
        Ok(stack)
    }

    fn wait_ready(&self, limit: Duration) -> Result<()> {
        let started = Instant::now();
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(2)).build();
        while started.elapsed() < limit {
            if agent.get(&format!("{}/api/v1/health", self.base_url)).call().is_ok() {
                eprintln!("stack ready at {} after {:.1}s", self.base_url, started.elapsed().as_secs_f64());
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("the stack did not answer within {limit:?}; see {}", self.log.display()))
    }

    /// The log's server errors and 5xx answers (the last `limit`), for a failed run's report:
    /// CI shows the report, not the log file.
    pub fn trouble(&self, limit: usize) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().filter(|l| is_trouble(l)).collect();
        let shown = &lines[lines.len().saturating_sub(limit)..];
        if shown.is_empty() {
            return "workerd logged no errors and no 5xx answers\n".to_owned();
        }
        format!("workerd's errors and 5xx answers ({} of {}):\n{}\n", shown.len(), lines.len(), shown.join("\n"))
    }

    /// A crash, not a shutdown: SIGKILL to wrangler and workerd at once (the load bench).
    pub fn kill_hard(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }

    pub fn wait(mut self) -> Result<()> {
        self.child.wait().map_err(|e| e.to_string()).map(|_| ())
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        // Quietly: after `kill_hard` the group is already gone.
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

struct DevArgs {
    port: u16,
    persist: PathBuf,
    seed: bool,
}

fn parse_dev_args(args: &[String]) -> Result<DevArgs> {
    let mut parsed = DevArgs { port: 8787, persist: root().join(".wrangler/state"), seed: true };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--port" => {
                parsed.port = it.next().and_then(|p| p.parse().ok()).ok_or("--port needs a number")?;
            }
            "--persist-to" => parsed.persist = it.next().map(PathBuf::from).ok_or("--persist-to needs a folder")?,
            "--no-seed" => parsed.seed = false,
            other => return Err(format!("dev: unknown option {other}")),
        }
    }
    Ok(parsed)
}

/// `cargo xtask dev`: build everything, migrate, seed the demo city, serve until Ctrl-C.
pub fn dev(args: &[String]) -> Result<()> {
    if args.first().map(String::as_str) == Some("--help") {
        return Err("usage: cargo xtask dev [--port 8787] [--persist-to DIR] [--no-seed]".into());
    }
    let args = parse_dev_args(args)?;
    setup::tools()?;
    build::all()?;
    let stack = Stack::start(args.port, &args.persist)?;
    if args.seed {
        let admin = seed::organisation(&stack.base_url)?;
        seed::demo_tickets(&admin)?;
        crate::seed_live::live_work(&stack.base_url, &seed::demo_password()?)?;
    }
    eprintln!("\nHuiyin is running at {}/  (Ctrl-C stops it)\n", stack.base_url);
    stack.wait()
}

/// `cargo xtask admin create`: the first admin of a local database. The password comes from
/// `HUIYIN_ADMIN_PASSWORD` or is generated and printed once.
pub fn admin(args: &[String]) -> Result<()> {
    let mut username = None;
    let mut display_name = None;
    let mut persist = root().join(".wrangler/state");
    let mut it = args.iter();
    if it.next().map(String::as_str) != Some("create") {
        return Err("usage: cargo xtask admin create --username NAME [--display-name TEXT] [--persist-to DIR]".into());
    }
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--username" => username = it.next().cloned(),
            "--display-name" => display_name = it.next().cloned(),
            "--persist-to" => persist = it.next().map(PathBuf::from).ok_or("--persist-to needs a folder")?,
            other => return Err(format!("admin create: unknown option {other}")),
        }
    }
    let username = username.ok_or("admin create: --username is required")?;
    let (password, generated) = match std::env::var("HUIYIN_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (generated_password()?, true),
    };
    setup::tools()?;
    if !root().join("edge/build/worker/shim.mjs").exists() {
        build::edge()?;
    }
    let stack = Stack::start(free_port()?, &persist)?;
    let created =
        seed::bootstrap_admin(&stack.base_url, &username, display_name.as_deref().unwrap_or(&username), &password)?;
    if !created {
        return Err("an admin exists already in this database; sign in as them to add more".into());
    }
    eprintln!("admin {username} created in {}", persist.display());
    if generated {
        println!("password: {password}");
        eprintln!("(shown once; change it after signing in)");
    }
    Ok(())
}

fn generated_password() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 18];
    File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).map_err(|e| e.to_string())?;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

/// A line of wrangler's log worth showing: an error (other than the client hanging up) or a
/// request answered 5xx (`[wrangler:info] GET /path 503 Service Unavailable (3ms)`).
fn is_trouble(line: &str) -> bool {
    if line.contains("Broken pipe") {
        return false;
    }
    let status_5xx = line
        .strip_prefix("[wrangler:info] ")
        .and_then(|rest| rest.split(' ').nth(2))
        .is_some_and(|code| code.len() == 3 && code.starts_with('5'));
    status_5xx || line.contains("ERROR") || line.contains("panicked") || line.contains("Uncaught")
}

#[cfg(test)]
mod tests {
    use super::is_trouble;

    #[test]
    fn server_errors_and_5xx_answers_are_trouble() {
        assert!(is_trouble("[wrangler:info] POST /api/v1/auth/login 503 Service Unavailable (3ms)"));
        assert!(is_trouble("✘ [ERROR] Uncaught RuntimeError: unreachable"));
        assert!(!is_trouble("[wrangler:info] POST /api/v1/auth/login 401 Unauthorized (3ms)"));
        assert!(!is_trouble("[wrangler:info] GET /api/v1/tickets/500 404 Not Found (3ms)"));
        assert!(!is_trouble("✘ [ERROR] kj/async-io-unix.c++:186: disconnected: Broken pipe"));
    }
}
