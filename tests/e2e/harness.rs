//! Drives the real app binary through tauri-driver and WebKitWebDriver.
//!
//! Starts what a session needs and is missing (an X server, a D-Bus session bus), gives
//! every session its own data folder, runs sessions one at a time (tauri-driver's native
//! port is fixed), and ends every process it started, whatever the test did.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;

/// The app binary cargo built for this test run.
pub const APP_BIN: &str = env!("CARGO_BIN_EXE_seedance-studio");
const DRIVER_PORT: u16 = 4444;
const NATIVE_DRIVER_PORT: u16 = 4445;
const WAIT: Duration = Duration::from_secs(20);

/// A child process in its own process group, ended with the whole group on drop.
pub struct Group(Child);

impl Group {
    fn spawn(cmd: &mut Command) -> Self {
        let program = format!("{:?}", cmd.get_program());
        // If the test process dies without unwinding, the kernel ends the child too.
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = cmd.process_group(0).spawn().unwrap_or_else(|e| {
            panic!("could not start {program}: {e} (run scripts/test, which installs it)")
        });
        Self(child)
    }

    fn signal_group(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal_group("-TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal_group("-KILL");
        let _ = self.0.wait();
    }
}

/// The X display and session bus of one session: the ones the test run was given, or
/// private ones started (and ended) with the session.
struct Desktop {
    display: String,
    bus: String,
    _processes: Vec<Group>,
}

impl Desktop {
    fn new() -> Self {
        let mut processes = Vec::new();
        let display = match std::env::var("DISPLAY") {
            Ok(d) if !d.is_empty() => d,
            _ => {
                let (display, xvfb) = start_xvfb();
                processes.push(xvfb);
                display
            }
        };
        let bus = match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
            Ok(b) if !b.is_empty() => b,
            _ => {
                let (bus, daemon) = start_session_bus();
                processes.push(daemon);
                bus
            }
        };
        // Services the bus starts on demand (portals, a11y) need to find the display too.
        let _ = Command::new("dbus-update-activation-environment")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .arg(format!("DISPLAY={display}"))
            .stderr(Stdio::null())
            .status();
        Self {
            display,
            bus,
            _processes: processes,
        }
    }
}

fn start_xvfb() -> (String, Group) {
    let n = (90..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .expect("no free X display number");
    let display = format!(":{n}");
    let xvfb = Group::spawn(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until("Xvfb to open its socket", || {
        Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
    });
    (display, xvfb)
}

fn start_session_bus() -> (String, Group) {
    let mut daemon = Group::spawn(
        Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let stdout = daemon.0.stdout.take().expect("dbus-daemon stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("dbus-daemon printed no address");
    (line.trim().to_string(), daemon)
}

fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn port_open(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

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
        assert!(
            !port_open(DRIVER_PORT) && !port_open(NATIVE_DRIVER_PORT),
            "ports {DRIVER_PORT}/{NATIVE_DRIVER_PORT} are taken: is another tauri-driver running?"
        );
        let driver = Group::spawn(
            Command::new(tauri_driver())
                .args([
                    "--port",
                    &DRIVER_PORT.to_string(),
                    "--native-port",
                    &NATIVE_DRIVER_PORT.to_string(),
                ])
                .envs(env.vars.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        wait_until("tauri-driver to listen", || port_open(DRIVER_PORT));

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": APP_BIN }),
        );
        caps.insert("browserName".into(), "wry".into());
        // tauri-driver listens before its native driver does: retry the first request.
        let deadline = Instant::now() + WAIT;
        let client = loop {
            let attempt = ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{DRIVER_PORT}"))
                .await;
            match attempt {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => {
                    panic!("WebDriver session did not start: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
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
            .unwrap_or_else(|e| panic!("{testid} never appeared: {e}"))
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
            .unwrap_or_else(|e| panic!("{command}: {e}"))
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

fn tauri_driver() -> PathBuf {
    if let Ok(path) = std::env::var("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match cargo_bin {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}
