//! Named crash points for the crash drills. With the `crash-points` feature and
//! `SEEDANCE_CRASH_AT=<name>`, reaching the point prints `CRASH_POINT <name>` on stdout and
//! stops the process where it stands, for a test to SIGKILL it. Without the feature (every
//! release build) the points compile to nothing.

/// The points a drill can stop at.
pub const POINTS: &[&str] = &[
    "after-intent",
    "mid-post",
    "after-202",
    "mid-poll",
    "mid-download",
];

#[cfg(feature = "crash-points")]
pub fn point(name: &str) {
    use std::io::Write;
    if std::env::var("SEEDANCE_CRASH_AT").as_deref() == Ok(name) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "CRASH_POINT {name}");
        let _ = out.flush();
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

#[cfg(not(feature = "crash-points"))]
#[inline(always)]
pub fn point(_name: &str) {}
