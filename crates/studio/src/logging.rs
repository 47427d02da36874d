//! Logs of the app and the `seedance` command: a file per day in `logs/` of the data folder,
//! the last week kept.
//!
//! The API key cannot end up in them. `ApiKey` prints as `[redacted]` wherever it is
//! formatted, and on top of that every line passes through a scrubber that replaces each
//! secret this process has handled (registered with [`redact`]) before it reaches the file.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use tracing::Level;
use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// Sets how much is logged: `error`, `warn`, `info` (the default), `debug` or `trace`.
pub const LEVEL_ENV: &str = "SEEDANCE_LOG";
/// The folder of the data folder that holds the logs.
pub const LOGS_DIR: &str = "logs";
/// Daily files kept.
pub const KEEP_FILES: usize = 7;
/// How many log lines may wait for the file before new ones are dropped.
const LOG_QUEUE_LINES: usize = 4096;
/// What stands in for a secret.
pub const REDACTED: &str = "[redacted]";

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers `secret` so that it never appears in a log line or a diagnostics report.
pub fn redact(secret: &str) {
    // Short strings would blank out ordinary words; no real key is that short.
    if secret.len() < 8 {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_string());
    }
}

/// `text` with every registered secret replaced by [`REDACTED`].
pub fn scrub(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
    let mut out = Cow::Borrowed(text);
    for secret in secrets.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
        }
    }
    out
}

/// The logs folder of `data_dir`.
pub fn logs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOGS_DIR)
}

/// Keeps the log writer running; logs written before it drops are flushed.
pub struct LogGuard {
    _worker: WorkerGuard,
}

/// A writer that scrubs each line before handing it on.
pub struct Scrubbed<W>(W);

impl<W: Write> Write for Scrubbed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Makes [`Scrubbed`] writers for the subscriber.
#[derive(Clone)]
pub struct ScrubbedFile(NonBlocking);

impl<'a> MakeWriter<'a> for ScrubbedFile {
    type Writer = Scrubbed<NonBlocking>;

    fn make_writer(&'a self) -> Self::Writer {
        Scrubbed(self.0.clone())
    }
}

fn level_from_env() -> Level {
    std::env::var(LEVEL_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(Level::INFO)
}

/// A subscriber that writes `program`'s log lines under `data_dir/logs`; with the guard
/// that flushes them. For [`init`], and for tests that scope it with
/// `tracing::subscriber::with_default`.
pub fn subscriber(
    data_dir: &Path,
    program: &str,
) -> io::Result<(impl tracing::Subscriber + Send + Sync + 'static, LogGuard)> {
    let dir = logs_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .map_err(io::Error::other)?;
    // The writer's queue is allocated whole at the start: tracing-appender's default of
    // 128,000 lines is 4 MB held for the process's life. A few thousand lines waiting is
    // far more than this app logs in a burst; past that, lines are dropped, not waited for.
    let (writer, worker) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(appender);
    let level = level_from_env();
    let filter = Targets::new()
        .with_default(Level::WARN)
        .with_target("studio", level)
        .with_target("seedance_api", level)
        .with_target("seedance_studio", level)
        .with_target("seedance_cli", level);
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(ScrubbedFile(writer));
    let subscriber = tracing_subscriber::registry().with(layer).with(filter);
    Ok((subscriber, LogGuard { _worker: worker }))
}

/// Sends this process's logs to the data folder. Keep the guard for the process's life.
pub fn init(data_dir: &Path, program: &str) -> io::Result<LogGuard> {
    let (subscriber, guard) = subscriber(data_dir, program)?;
    // A second call (tests) keeps the first subscriber.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_never_reach_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let secret = "sk_live_logging_sentinel_1234567890";
        redact(secret);
        let (subscriber, guard) = subscriber(dir.path(), "unit").unwrap();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("request with Authorization: Bearer {secret}");
            tracing::warn!(key = secret, "a field too");
        });
        drop(guard);
        let logs: Vec<_> = std::fs::read_dir(logs_dir(dir.path()))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(logs.len(), 1, "one daily file: {logs:?}");
        let name = logs[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("unit.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(&logs[0]).unwrap();
        assert!(text.contains("Bearer [redacted]"), "{text}");
        assert!(text.contains("key=\"[redacted]\""), "{text}");
        assert!(!text.contains(secret));
    }

    #[test]
    fn scrub_leaves_other_text_alone_and_ignores_short_strings() {
        redact("sk_scrub_unit_test_abcdef");
        redact("abc");
        assert_eq!(scrub("abc sk_scrub_unit_test_abcdef."), "abc [redacted].");
        assert!(matches!(scrub("nothing secret"), Cow::Borrowed(_)));
    }
}
