//! Drives the real app binary through tauri-driver and WebKitWebDriver.
//!
//! Gives every session its own data folder, desktop (see `desktop`) and keychain service,
//! runs sessions one at a time (tauri-driver's native port is fixed), and ends every
//! process it started, whatever the test did.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator, elements::Element};

use crate::desktop::{self, Desktop, Group, WAIT};

/// The app binary cargo built for this test run.
pub const APP_BIN: &str = env!("CARGO_BIN_EXE_seedance-studio");

/// Environment that a launched app sees, for this session.
pub struct AppEnv {
    pub data_dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
    _desktop: Desktop,
    // Declared last: released after the display and the bus are gone.
    _lock: MutexGuard<'static, ()>,
}

impl AppEnv {
    /// Waits for the session lock, then prepares a data folder, a display and a bus.
    pub fn new() -> Self {
        let lock = session_lock();
        let data_dir = tempfile::Builder::new()
            .prefix("seedance-e2e-")
            .tempdir()
            .unwrap();
        let desktop = Desktop::new();
        let xdg = data_dir.path().join("xdg");
        let vars = vec![
            ("DISPLAY".into(), desktop.display.clone()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), desktop.bus.clone()),
            (
                "SEEDANCE_DATA_DIR".into(),
                data_dir.path().join("data").display().to_string(),
            ),
            ("XDG_DATA_HOME".into(), xdg.display().to_string()),
            // No accessibility bus: nothing under test uses it, and it is slow to start.
            ("NO_AT_BRIDGE".into(), "1".into()),
            // A keychain entry of this session's own: never a user's real key.
            ("SEEDANCE_KEYCHAIN_SERVICE".into(), keychain_service()),
            // Sandbox renders that take a moment, not many seconds.
            ("SEEDANCE_SANDBOX_RENDER_MS".into(), "800:1500".into()),
        ];
        Self {
            data_dir,
            vars,
            _desktop: desktop,
            _lock: lock,
        }
    }

    /// Adds (or replaces) a variable the app will see.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.vars.retain(|(k, _)| k != name);
        self.vars.push((name.into(), value.into()));
    }

    /// The value of a variable the app will see.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn data_path(&self) -> PathBuf {
        self.data_dir.path().join("data")
    }

    /// A command for the app binary with this environment (for launching it directly).
    pub fn app_command(&self) -> Command {
        let mut cmd = Command::new(APP_BIN);
        cmd.envs(self.vars.iter().map(|(k, v)| (k, v)));
        cmd
    }
}

/// One WebDriver session on a fresh app instance. Fields drop in order: the driver (and
/// the app under it) ends before the display, the bus and the session lock go.
pub struct Session {
    pub client: Client,
    _driver: Group,
    pub env: AppEnv,
}

fn keychain_service() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!(
        "io.seedancestudio.e2e.{}.{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

fn session_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Session {
    /// Launches the app with `env` and waits until the composer is on screen.
    pub async fn start_with(env: AppEnv) -> Self {
        let (client, driver) = desktop::connect(APP_BIN, &env.vars).await;
        let session = Self {
            client,
            _driver: driver,
            env,
        };
        session.wait_for("composer-prompt").await;
        session
    }

    pub async fn start() -> Self {
        Self::start_with(AppEnv::new()).await
    }

    /// Waits for the element with `data-testid=testid` to be displayed.
    pub async fn wait_for(&self, testid: &str) -> Element {
        let selector = format!("[data-testid='{testid}']");
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&selector))
            .await
            .unwrap_or_else(|e| panic!("{testid} never appeared: {e}\n{}", self.whereabouts()))
    }

    /// The property `name` (e.g. `value`) of the element with `data-testid=testid`.
    pub async fn prop(&self, testid: &str, name: &str) -> Option<String> {
        self.wait_for(testid).await.prop(name).await.unwrap()
    }

    /// Waits for the first element matching a CSS selector.
    pub async fn css(&self, selector: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector} never appeared: {e}"))
    }

    /// Clicks the first element matching a CSS selector, once it is there.
    pub async fn click(&self, selector: &str) {
        self.css(selector)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("{selector} could not be clicked: {e}"));
    }

    /// Waits until the text of `testid` satisfies `ok`, and returns it.
    pub async fn wait_for_text(&self, testid: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.wait_for(testid).await.text().await.unwrap_or_default();
            if ok(&text) {
                return text;
            }
            assert!(Instant::now() < deadline, "{testid} still reads {text:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses `keys` where the focus is, as a person at the keyboard would.
    pub async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }

    /// Attribute `name` of the element that has the keyboard focus.
    pub async fn focused_attr(&self, name: &str) -> Option<String> {
        self.client
            .active_element()
            .await
            .unwrap()
            .attr(name)
            .await
            .unwrap()
    }

    /// Begins a drag on `from` (synthetic events: the data its `dragstart` sets is kept
    /// for [`Session::drop_on`]).
    pub async fn drag_start(&self, from: &Element) {
        self.client
            .execute(
                "window.__drag = new DataTransfer(); \
                 arguments[0].dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: window.__drag }));",
                vec![serde_json::to_value(from).unwrap()],
            )
            .await
            .unwrap();
    }

    /// Ends the drag begun by [`Session::drag_start`] over `to` and drops it there.
    pub async fn drop_on(&self, to: &Element) {
        self.client
            .execute(
                "const to = arguments[0], dt = window.__drag; \
                 to.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt })); \
                 to.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));",
                vec![serde_json::to_value(to).unwrap()],
            )
            .await
            .unwrap();
    }

    /// Moves the keyboard focus to `element`, as Tab would reach it.
    pub async fn focus(&self, element: &Element) {
        self.client
            .execute(
                "arguments[0].focus();",
                vec![serde_json::to_value(element).unwrap()],
            )
            .await
            .unwrap();
    }

    /// Waits until attribute `name` of the first element matching `selector` reads `want`.
    pub async fn wait_attr(&self, selector: &str, name: &str, want: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let got = match self.client.find(Locator::Css(selector)).await {
                Ok(element) => element.attr(name).await.ok().flatten(),
                Err(_) => None,
            };
            if got.as_deref() == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{selector} {name} reads {got:?}, not {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves `theme` and `language` in Settings and reloads the page in them.
    pub async fn set_look(&self, theme: &str, language: &str) {
        let mut settings = self.invoke("settings_get", serde_json::json!({})).await["ok"].clone();
        settings["theme"] = serde_json::json!(theme);
        settings["language"] = serde_json::json!(language);
        let saved = self
            .invoke("settings_save", serde_json::json!({ "settings": settings }))
            .await;
        assert!(saved.get("ok").is_some(), "{saved}");
        self.client.refresh().await.unwrap();
        self.wait_for("nav-compose").await;
    }

    /// Opens the composer's setting chip `testid` (`composer-tier`), unless it is open.
    pub async fn open_setting(&self, testid: &str) {
        let chip = format!("[data-testid='{testid}-chip']");
        if self
            .css(&chip)
            .await
            .attr("aria-expanded")
            .await
            .unwrap()
            .as_deref()
            != Some("true")
        {
            self.click(&chip).await;
        }
        self.css(&format!("#{testid}-popup")).await;
    }

    /// Chooses `value` for the composer's setting `testid` with clicks on its chip and the
    /// choice, and waits for the chip to show it.
    pub async fn choose(&self, testid: &str, value: &str) {
        self.open_setting(testid).await;
        self.click(&format!("[data-testid='{testid}'] [data-value='{value}']"))
            .await;
        self.wait_attr(&format!("[data-testid='{testid}']"), "data-value", value)
            .await;
    }

    /// Calls an IPC command the way the views do; `{"ok": reply}` or `{"err": error}`.
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> serde_json::Value {
        self.client
            .execute_async(
                "const [cmd, args, done] = arguments; \
                 window.__TAURI_INTERNALS__.invoke(cmd, args) \
                   .then(ok => done({ ok }), err => done({ err }));",
                vec![serde_json::json!(command), args],
            )
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}\n{}", self.whereabouts()))
    }

    /// What became of the app when the window stopped answering: whether its process and
    /// its window's content process are still there, and the warnings its log ended with.
    pub fn whereabouts(&self) -> String {
        let data = self.env.data_path();
        let alive = |pid: Option<u32>| pid.map_or("gone".to_string(), |p| format!("alive ({p})"));
        let log: String = std::fs::read_dir(data.join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        let warnings: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("WARN") || l.contains("ERROR"))
            .collect();
        format!(
            "the app: {}; its content process: {}; the log's last warnings:\n{}",
            alive(process_of(&data, "seedance-studi")),
            alive(web_process_of(&data)),
            warnings[warnings.len().saturating_sub(12)..].join("\n")
        )
    }

    /// The Library's tiles' render ids, in the grid's order.
    pub async fn tile_ids(&self) -> Vec<String> {
        let ids = self
            .client
            .execute(
                "return [...document.querySelectorAll(\"[data-testid='library-item']\")].map(t => t.dataset.id);",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(ids).unwrap()
    }

    /// How many elements match a CSS selector now.
    pub async fn count(&self, selector: &str) -> usize {
        self.client
            .find_all(Locator::Css(selector))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// Waits until exactly `want` elements match a CSS selector.
    pub async fn wait_count(&self, selector: &str, want: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.count(selector).await != want {
            assert!(
                Instant::now() < deadline,
                "{selector}: {} instead of {want}",
                self.count(selector).await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Submits one render per prompt through the command the composer uses.
    pub async fn submit(&self, prompts: &[&str], confirmed_spend: bool) {
        for prompt in prompts {
            let job = self
                .invoke(
                    "job_submit",
                    serde_json::json!({ "draft": { "prompt": prompt }, "confirmedSpend": confirmed_spend }),
                )
                .await;
            assert!(job.get("ok").is_some(), "{job}");
        }
    }

    /// Waits until at least `n` renders of the running mode are in `state`; returns the
    /// newest jobs as the Queue lists them.
    pub async fn wait_jobs_in(&self, state: &str, n: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let jobs = self
                .invoke("jobs_recent", serde_json::json!({ "limit": 20 }))
                .await;
            let list = jobs["ok"].as_array().cloned().unwrap_or_default();
            if list.iter().filter(|j| j["state"] == state).count() >= n {
                return list;
            }
            assert!(Instant::now() < deadline, "not {n} {state}: {jobs}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Saves a PNG of the window under `target/e2e/NAME.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.client.screenshot().await.expect("screenshot failed");
        assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Ends the WebDriver session (closing the app) and the driver, and hands back the
    /// environment (its data folder, display and bus) for checks after the app is gone.
    pub async fn end(self) -> AppEnv {
        let Self {
            client,
            _driver,
            env,
        } = self;
        let _ = client.close().await;
        drop(_driver);
        env
    }
}

/// The `WebKitWebProcess` of the app on `data_dir`, found by the data folder in the
/// environment it inherited from the app.
pub fn web_process_of(data_dir: &Path) -> Option<u32> {
    process_of(data_dir, "WebKitWebProces")
}

/// The process of the app on `data_dir` whose name starts with `name` (Linux cuts names at
/// 15 bytes), found by the data folder in its environment.
fn process_of(data_dir: &Path, name: &str) -> Option<u32> {
    let wanted = format!("SEEDANCE_DATA_DIR={}", data_dir.display());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            if !comm.trim().starts_with(name) {
                return None;
            }
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            environ
                .split(|b| *b == 0)
                .any(|var| var == wanted.as_bytes())
                .then_some(pid)
        })
}

/// The body of a plain-HTTP `url` on this machine (what the emulator serves), fetched with
/// one HTTP/1.0 exchange; panics unless the answer is 200.
pub async fn fetch_local(url: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("a plain-HTTP URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&answer[..split]);
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "{url}: {head}"
    );
    answer[split + 4..].to_vec()
}
