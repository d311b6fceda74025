//! A headless Chromium at phone size, driven over WebDriver, keyboard first.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

pub struct Browser {
    pub client: Client,
    pub base: String,
}

/// The app's translations, read from its own files so tests follow wording changes: the
/// citizens' file and every bundle's own (`app/locales/*/NAME.LANG.txt`).
pub fn translations(lang: &str) -> HashMap<String, String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../app/locales");
    let mut files = vec![dir.join(format!("{lang}.txt"))];
    for sub in ["citizen", "open", "staff"] {
        let mut more: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .unwrap_or_else(|e| panic!("{sub}: {e}"))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.to_string_lossy().ends_with(&format!(".{lang}.txt")))
            .collect();
        more.sort();
        files.extend(more);
    }
    let mut out = HashMap::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.extend(shared::translations::entries(&text).map(|(k, v)| (k.to_owned(), v.to_owned())));
    }
    out
}

pub fn t(lang: &str, key: &str) -> String {
    translations(lang).remove(key).unwrap_or_else(|| panic!("{lang}: no key {key}"))
}

/// chromedriver's log endpoint (not in W3C WebDriver, so not in fantoccini).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// chromedriver's network emulation for the page (not in W3C WebDriver either).
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
    latency_ms: u32,
    bytes_per_second: u32,
}

impl WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/chromium/network_conditions", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let conditions = json!({ "offline": self.offline, "latency": self.latency_ms,
                                 "download_throughput": self.bytes_per_second, "upload_throughput": self.bytes_per_second });
        (http::Method::POST, Some(json!({ "network_conditions": conditions }).to_string()))
    }
}

impl Browser {
    /// Cut the page off the network, or give it back (`navigator.onLine` and the `online` event follow).
    pub async fn set_offline(&self, offline: bool) {
        let conditions = NetworkConditions { offline, latency_ms: 0, bytes_per_second: 100_000_000 };
        self.client.issue_cmd(conditions).await.expect("network conditions");
    }

    /// A phone's slow connection: each request waits `latency_ms`, bodies come at `bytes_per_second`.
    pub async fn set_slow_network(&self, latency_ms: u32, bytes_per_second: u32) {
        let conditions = NetworkConditions { offline: false, latency_ms, bytes_per_second };
        self.client.issue_cmd(conditions).await.expect("network conditions");
    }

    /// 390×844, like a common phone.
    pub async fn phone() -> Browser {
        Browser::with_screen(390, 844).await
    }

    /// A phone of another size (the smallest still in use are 320 px wide).
    pub async fn with_screen(width: u32, height: u32) -> Browser {
        let webdriver = std::env::var("HUIYIN_WEBDRIVER_URL")
            .expect("HUIYIN_WEBDRIVER_URL is not set: run the browser tests with `cargo xtask test`");
        let base = crate::helpers::spawn_app().address;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--disable-quic", "--lang=zh-CN"],
                "mobileEmulation": { "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 } }
            }),
        );
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&webdriver)
            .await
            .expect("a Chromium session");
        Browser { client, base }
    }

    pub async fn open(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.expect("navigate");
    }

    pub async fn wait_for_id(&self, id: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("#{id} did not appear: {e}"))
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script runs")
    }

    pub async fn active_id(&self) -> String {
        self.eval("return document.activeElement ? document.activeElement.id : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Press keys on whatever has focus, as a keyboard user does.
    pub async fn keys(&self, keys: &str) {
        self.client.active_element().await.expect("something has focus").send_keys(keys).await.expect("keys");
    }

    /// Move focus with Tab only until `id` has it; fails if the element cannot be reached.
    pub async fn tab_to(&self, id: &str) {
        for _ in 0..120 {
            if self.active_id().await == id {
                return;
            }
            self.press(fantoccini::key::Key::Tab).await;
        }
        panic!("#{id} cannot be reached with the Tab key");
    }

    /// One key press on the keyboard, not on an element: it goes wherever focus is when it
    /// lands, even if the page has just redrawn what had focus (a menu filled in, say).
    pub async fn press(&self, key: fantoccini::key::Key) {
        let key = char::from(key);
        let actions = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(actions).await.expect("a key press");
    }

    /// Wait until a script returns true.
    pub async fn wait_until(&self, what: &str, script: &str) {
        for _ in 0..100 {
            if self.eval(script).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what}");
    }

    /// On the form, keyboard only: search the category picker and take its first answer.
    pub async fn pick_first_category(&self, search: &str) {
        self.tab_to("category-search").await;
        self.keys(search).await;
        self.wait_until(
            "category results",
            "return document.querySelectorAll('#category-listbox [role=option]').length > 0",
        )
        .await;
        self.press(fantoccini::key::Key::Down).await;
        self.press(fantoccini::key::Key::Enter).await;
    }

    /// Wait until the element with this id has focus: pages move focus after their render
    /// (in an animation frame), a moment after the content a test waited for appears.
    pub async fn wait_for_focus(&self, id: &str) {
        self.wait_until(&format!("focus on #{id}"), &format!("return document.activeElement.id === {id:?}")).await;
    }

    /// Sign in on the staff page as a demo account, keyboard only.
    pub async fn sign_in(&self, username: &str) {
        self.open("/staff/login").await;
        self.wait_for_id("username").await;
        self.tab_to("username").await;
        self.keys(username).await;
        self.tab_to("password").await;
        self.keys(&crate::helpers::demo_password()).await;
        self.press(fantoccini::key::Key::Enter).await;
        self.wait_for_id("staff-user").await;
    }

    /// Set a control as choosing from it or pasting into it would (a `<select>` cannot be
    /// typed into in Chinese); `event` is `change` or `input`.
    pub async fn set_value(&self, id: &str, value: &str, event: &str) {
        let script = format!(
            "const el = document.getElementById({id:?}); el.value = {value:?}; el.dispatchEvent(new Event({event:?}, {{ bubbles: true }})); return true"
        );
        self.eval(&script).await;
    }

    pub async fn text_of(&self, id: &str) -> String {
        self.wait_for_id(id).await.text().await.expect("text")
    }

    /// Save a PNG under target/e2e/ for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = std::env::var("HUIYIN_E2E_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("target/e2e"));
        let _ = std::fs::create_dir_all(&dir);
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Severe console messages (errors, failed loads) since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self.client.issue_cmd(BrowserLog).await.expect("browser log");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
