//! A real browser for the page tests: Debian's `chromium`, headless, driven over WebDriver
//! (`chromedriver`, started here on a free port) with fantoccini. One browser runs at a time,
//! so the tests do not fight over two cores. Each test saves screenshots of what it visits
//! under `target/screenshots/`, and can run axe-core (npm, pinned in `tests/browser/`) on a page.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct Browser {
    pub client: Client,
    driver: Child,
    name: String,
    shots: usize,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Where the screenshots go: `target/screenshots/` of the workspace.
pub fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots")
}

/// axe-core's source, installed from the lock file when a fresh checkout lacks it.
async fn axe_source() -> String {
    let dir = crate::node::tool("browser", "axe-core").await;
    std::fs::read_to_string(dir.join("node_modules/axe-core/axe.min.js"))
        .expect("axe-core is installed")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium window of `width` × `height`.
    pub async fn start(name: &str, width: u32, height: u32) -> Browser {
        let turn = ONE_AT_A_TIME.lock().await;
        // This test's pictures of an earlier run go: what is left is what this run saw.
        if let Ok(entries) = std::fs::read_dir(screenshot_dir()) {
            for entry in entries.flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{name}-"))
                {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt-get install chromium chromium-driver; .ci/run does)");
        let url = format!("http://127.0.0.1:{port}");
        let status = format!("{url}/status");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http
                .get(&status)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--lang=en-US", "--accept-lang=en-US,en",
                    format!("--window-size={width},{height}"),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&url)
            .await
            .expect("a WebDriver session");
        client
            .set_window_size(width, height)
            .await
            .expect("the window is sized");
        Browser {
            client,
            driver,
            name: name.to_owned(),
            shots: 0,
            _turn: turn,
        }
    }

    /// Clicks something that loads a new page (a form's button, a link) and waits until the
    /// new document is there: the old one carries a mark the new one lacks.
    pub async fn click_to_new_page(&self, element: fantoccini::elements::Element) {
        self.script("window.commonsOldPage = true; return null")
            .await;
        element.click().await.expect("a click");
        for _ in 0..200 {
            let old = self
                .client
                .execute("return window.commonsOldPage === true", vec![])
                .await;
            if matches!(old, Ok(Value::Bool(false))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no new page within 20 s");
    }

    /// Resizes the window, as a phone or a laptop would show the page.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("the window is resized");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("the page loads");
    }

    /// Waits for an element (pages render on the server: it is there once the page loaded,
    /// but a form's submission loads a new page).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    pub async fn script(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Saves what the window shows as `target/screenshots/<test>-<n>-<label>.png`.
    pub async fn shot(&mut self, label: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        self.shots += 1;
        let path = dir.join(format!("{}-{:02}-{label}.png", self.name, self.shots));
        std::fs::write(&path, png).expect("the screenshot is written");
    }

    /// axe-core's WCAG 2.1 A and AA rules on the page: the violations of serious or critical
    /// impact, as `rule: help (n elements)`.
    pub async fn serious_accessibility_violations(&self) -> Vec<String> {
        let source = axe_source().await;
        self.client
            .execute(&source, vec![])
            .await
            .expect("axe-core loads into the page");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => n.target.join(' ')) }))))
                   .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        result
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{}: {} ({})", v["id"], v["help"], v["nodes"]))
            .collect()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
