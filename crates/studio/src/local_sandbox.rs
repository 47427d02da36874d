//! The built-in emulator behind Sandbox mode: the `seedance-sandbox` server started in this
//! process on loopback, with its accounts and tasks kept in the data folder so a render
//! started in Sandbox mode still finishes after a restart.
//!
//! The app and any `seedance` command on one data folder must talk to the same emulator
//! (they share one history, so they poll each other's tasks). One process holds a lock file
//! and serves; the others use its port and stand by, taking over on the same port if it
//! goes away. The port is kept between runs, so output URLs recorded before a restart
//! still point at the emulator.

use std::fs::{File, TryLockError};
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use seedance_api::Rate;
use seedance_sandbox::{Config, RenderTime, Sandbox, WrongDelivery};

/// The emulator's own API key: it opens the emulator's account and nothing else.
pub const SANDBOX_KEY: &str = seedance_sandbox::DEFAULT_KEY;

const LOCK_FILE: &str = "emulator.lock";
const PORT_FILE: &str = "emulator.port";
const STATE_DIR: &str = "emulator";
/// Credits every new emulator account starts with (they cost nothing).
const STARTING_CREDITS: u64 = 100_000;

/// How the emulator behaves besides its account's rate: how long renders take (by their
/// settings, 6–20 s, unless set) and what it delivers wrong on purpose (nothing, unless
/// set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Emulation {
    pub render: Option<RenderTime>,
    pub wrong_delivery: WrongDelivery,
}

/// The emulator this process uses: its own, or the one another process on the folder runs.
pub struct LocalSandbox {
    port: u16,
    served: Arc<Mutex<Option<Served>>>,
    standby: Option<tokio::task::JoinHandle<()>>,
}

struct Served {
    sandbox: Sandbox,
    // Held while this process serves; released when it stops.
    _lock: File,
}

impl LocalSandbox {
    /// Serves the emulator for `dir` (or joins the process that already does), enforcing
    /// `rate` like the real account.
    pub async fn start(dir: &Path, rate: Rate, emulation: Emulation) -> io::Result<Self> {
        Self::start_on(dir, rate, emulation, None).await
    }

    /// [`LocalSandbox::start`], preferring `port` (else the port used last time).
    pub async fn start_on(
        dir: &Path,
        rate: Rate,
        emulation: Emulation,
        port: Option<u16>,
    ) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let config = config_for(dir, rate, emulation);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))?;
        match lock.try_lock() {
            Ok(()) => {
                let served = serve(dir, config, lock, port.or_else(|| read_port(dir))).await?;
                Ok(Self {
                    port: served.sandbox.port(),
                    served: Arc::new(Mutex::new(Some(served))),
                    standby: None,
                })
            }
            Err(TryLockError::WouldBlock) => {
                let port = wait_for_server(dir).await?;
                let served = Arc::new(Mutex::new(None));
                let standby =
                    tokio::spawn(stand_by(dir.to_path_buf(), config, port, served.clone()));
                Ok(Self {
                    port,
                    served,
                    standby: Some(standby),
                })
            }
            Err(TryLockError::Error(e)) => Err(e),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// True when this process runs the emulator (rather than another on the folder).
    pub fn serves(&self) -> bool {
        self.served.lock().unwrap().is_some()
    }

    /// Stops serving (another process on the folder may then take over).
    pub async fn stop(mut self) {
        if let Some(standby) = self.standby.take() {
            standby.abort();
            let _ = standby.await;
        }
        let served = self.served.lock().unwrap().take();
        if let Some(served) = served {
            served.sandbox.stop().await;
        }
    }
}

impl Drop for LocalSandbox {
    fn drop(&mut self) {
        if let Some(standby) = &self.standby {
            standby.abort();
        }
    }
}

/// The emulator's configuration; `render` (how long renders take) defaults to the real
/// service's shape, quicker in length: 6 to 20 s by settings.
fn config_for(dir: &Path, rate: Rate, emulation: Emulation) -> Config {
    let render_time = emulation.render.unwrap_or(RenderTime {
        by_settings: true,
        ..RenderTime::between_ms(6_000, 20_000)
    });
    Config {
        keys: vec![SANDBOX_KEY.to_string()],
        credits: STARTING_CREDITS,
        render_time,
        rate_limit: rate.requests,
        rate_window: rate.window,
        state_dir: Some(dir.join(STATE_DIR)),
        wrong_delivery: emulation.wrong_delivery,
        ..Config::default()
    }
}

fn read_port(dir: &Path) -> Option<u16> {
    std::fs::read_to_string(dir.join(PORT_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn port_file(dir: &Path) -> PathBuf {
    dir.join(PORT_FILE)
}

/// Starts serving on the port used last time when it is free, else on any free port.
async fn serve(dir: &Path, config: Config, lock: File, port: Option<u16>) -> io::Result<Served> {
    let sandbox = match port {
        Some(port) => match Sandbox::start(Config {
            port,
            ..config.clone()
        })
        .await
        {
            Ok(sandbox) => sandbox,
            Err(_) => Sandbox::start(config).await?,
        },
        None => Sandbox::start(config).await?,
    };
    let tmp = dir.join(format!("{PORT_FILE}.tmp"));
    std::fs::write(&tmp, sandbox.port().to_string())?;
    std::fs::rename(&tmp, port_file(dir))?;
    tracing::info!(port = sandbox.port(), "sandbox emulator serving");
    Ok(Served {
        sandbox,
        _lock: lock,
    })
}

fn listening(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddrV4::new(Ipv4Addr::LOCALHOST, port).into(),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// The port of the emulator another process serves, once it listens.
async fn wait_for_server(dir: &Path) -> io::Result<u16> {
    for _ in 0..50 {
        if let Some(port) = read_port(dir).filter(|p| listening(*p)) {
            return Ok(port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "another process holds the sandbox emulator in {} but it does not answer",
            dir.display()
        ),
    ))
}

/// Waits for the serving process to go, then serves on the same port.
async fn stand_by(dir: PathBuf, config: Config, port: u16, served: Arc<Mutex<Option<Served>>>) {
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Ok(lock) = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
        else {
            continue;
        };
        if lock.try_lock().is_err() {
            continue;
        }
        match serve(&dir, config.clone(), lock, Some(port)).await {
            Ok(s) => {
                *served.lock().unwrap() = Some(s);
                return;
            }
            Err(e) => tracing::warn!("could not take over the sandbox emulator: {e}"),
        }
    }
}
