//! The desktop a WebDriver session needs: an X server and a D-Bus session bus (the ones
//! given, or private ones), tauri-driver with WebKitWebDriver, and child processes that end
//! with their whole process group. Shared by the end-to-end tests and the startup benchmark,
//! so both launch an app the same way.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

pub const DRIVER_PORT: u16 = 4444;
pub const NATIVE_DRIVER_PORT: u16 = 4445;
/// How long anything may take to appear.
pub const WAIT: Duration = Duration::from_secs(20);

/// A child process in its own process group, ended with the whole group on drop.
pub struct Group(pub Child);

impl Group {
    pub fn spawn(cmd: &mut Command) -> Self {
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
pub struct Desktop {
    pub display: String,
    pub bus: String,
    _processes: Vec<Group>,
}

impl Desktop {
    pub fn new() -> Self {
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
            .args([&display, "-screen", "0", "1920x1200x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until("Xvfb to open its socket", || {
        Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
    });
    (display, xvfb)
}

pub fn start_session_bus() -> (String, Group) {
    spawn_bus(Command::new("dbus-daemon").args(["--session", "--nofork", "--print-address=1"]))
}

/// A session bus with no service directories: nothing can be started on it, so there is
/// no Secret Service at all (gnome-keyring's activation file would otherwise start one).
pub fn start_bare_session_bus() -> (String, Group) {
    let config =
        std::env::temp_dir().join(format!("seedance-bare-bus-{}.conf", std::process::id()));
    std::fs::write(
        &config,
        include_str!("../../crates/studio/tests/support/bare-bus.conf"),
    )
    .expect("the bus configuration is written");
    spawn_bus(
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"]),
    )
}

fn spawn_bus(command: &mut Command) -> (String, Group) {
    let mut daemon = Group::spawn(command.stdout(Stdio::piped()).stderr(Stdio::null()));
    let stdout = daemon.0.stdout.take().expect("dbus-daemon stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("dbus-daemon printed no address");
    (line.trim().to_string(), daemon)
}

pub fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn port_open(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Starts tauri-driver with `vars` and opens a WebDriver session on `app`, which launches
/// it. Returns the session and the driver's process group (the app runs under it).
pub async fn connect(app: &str, vars: &[(String, String)]) -> (Client, Group) {
    let driver = start_driver(vars);
    (open_session(app).await, driver)
}

/// Starts tauri-driver (and through it WebKitWebDriver) with `vars`, once it listens.
pub fn start_driver(vars: &[(String, String)]) -> Group {
    // A driver that was just ended may hold its ports for a moment.
    wait_until(
        &format!(
            "ports {DRIVER_PORT}/{NATIVE_DRIVER_PORT} to be free (is another tauri-driver running?)"
        ),
        || !port_open(DRIVER_PORT) && !port_open(NATIVE_DRIVER_PORT),
    );
    let driver = Group::spawn(
        Command::new(tauri_driver())
            .args([
                "--port",
                &DRIVER_PORT.to_string(),
                "--native-port",
                &NATIVE_DRIVER_PORT.to_string(),
            ])
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until("tauri-driver to listen", || port_open(DRIVER_PORT));
    driver
}

/// Opens a WebDriver session on `app` through a listening tauri-driver.
pub async fn open_session(app: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    caps.insert("browserName".into(), "wry".into());
    // tauri-driver listens before its native driver does: retry the first request.
    let deadline = Instant::now() + WAIT;
    loop {
        let attempt = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{DRIVER_PORT}"))
            .await;
        match attempt {
            Ok(client) => return client,
            Err(e) if Instant::now() > deadline => {
                panic!("WebDriver session did not start: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
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
