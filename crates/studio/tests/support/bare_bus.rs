//! A private D-Bus session bus with no service directories: nothing can be activated on it,
//! so there is no Secret Service at all (gnome-keyring's activation file would otherwise
//! start one).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running bare bus; killed on drop.
pub struct BareBus {
    daemon: Child,
    pub address: String,
}

impl BareBus {
    /// Starts one, with its configuration written into `dir`.
    pub fn start(dir: &Path) -> Self {
        let config = dir.join("bare-bus.conf");
        std::fs::write(&config, include_str!("bare-bus.conf")).unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon is installed by scripts/test");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        Self {
            daemon,
            address: address.trim().to_string(),
        }
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
