//! A diagnostics report to attach to a bug report: versions, the connection, the settings,
//! job counts per state in each history, and the recent logs. One text file in
//! `diagnostics/` of the data folder. It never holds the API key: the key is not among
//! its sources, and the whole text is scrubbed of every secret the process handled.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::connection::ConnectionMode;
use crate::logging::{logs_dir, scrub};
use crate::settings::Settings;
use crate::store::{Store, known_schema_version};

/// The folder of the data folder that holds the reports.
pub const DIAGNOSTICS_DIR: &str = "diagnostics";
/// How much of each log file goes into a report (its end).
const LOG_TAIL_BYTES: u64 = 256 * 1024;

/// Writes a report and returns its path. `facts` are the caller's own lines (program,
/// version, mode, where the key comes from), as label and value.
pub async fn export(
    data_dir: &Path,
    profile: &Store,
    facts: &[(&str, String)],
) -> io::Result<PathBuf> {
    let t = time::OffsetDateTime::now_utc();
    let now = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let mut text = String::new();
    let _ = writeln!(text, "Seedance Studio diagnostics\ngenerated: {now}");
    for (label, value) in facts {
        let _ = writeln!(text, "{label}: {value}");
    }
    let _ = writeln!(
        text,
        "os: {} {}\ndata folder: {}\nschema version known: {}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        data_dir.display(),
        known_schema_version()
    );

    let settings = Settings::load(profile)
        .await
        .map_err(|e| io::Error::other(e.to_string()))?;
    let _ = writeln!(
        text,
        "\n== settings ==\n{}",
        serde_json::to_string_pretty(&settings).expect("settings serialise")
    );

    let _ = writeln!(text, "\n== jobs by state ==");
    for mode in [ConnectionMode::Live, ConnectionMode::Sandbox] {
        let _ = writeln!(
            text,
            "{mode}: {}",
            job_counts(&mode.history_dir(data_dir)).await
        );
    }

    let _ = writeln!(text, "\n== logs ==");
    let mut logs: Vec<PathBuf> = std::fs::read_dir(logs_dir(data_dir))
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    logs.sort();
    for log in logs {
        let _ = writeln!(text, "--- {} ---", log.display());
        text.push_str(&tail(&log)?);
    }

    let dir = data_dir.join(DIAGNOSTICS_DIR);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!(
        "seedance-diagnostics-{}.txt",
        now.replace([':', '-'], "")
    ));
    std::fs::write(&path, scrub(&text).as_bytes())?;
    Ok(path)
}

/// `created 2, ready 5` for the history in `dir`, without creating one where there is none.
async fn job_counts(dir: &Path) -> String {
    if !dir.join(crate::store::DB_FILE).exists() {
        return "no history".into();
    }
    let store = match Store::open(dir).await {
        Ok(store) => store,
        Err(e) => return format!("unreadable ({e})"),
    };
    let rows: Result<Vec<(String, i64)>, _> =
        sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state")
            .fetch_all(store.pool())
            .await;
    store.close().await;
    match rows {
        Ok(rows) if rows.is_empty() => "no jobs".into(),
        Ok(rows) => rows
            .iter()
            .map(|(state, n)| format!("{state} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        Err(e) => format!("unreadable ({e})"),
    }
}

fn tail(path: &Path) -> io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(LOG_TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if start > 0 {
        // Start at a whole line.
        if let Some(nl) = text.find('\n') {
            text.drain(..=nl);
        }
        text.insert_str(0, &format!("[… the first {start} bytes left out]\n"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_report_has_versions_settings_jobs_and_logs_but_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let secret = "sk_diagnostics_sentinel_0123456789";
        crate::logging::redact(secret);
        let logs = logs_dir(dir.path());
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(
            logs.join("app.2026-11-25.log"),
            format!("INFO started\nWARN leaked {secret} somehow\n"),
        )
        .unwrap();
        let profile = Store::open(dir.path()).await.unwrap();
        let path = export(dir.path(), &profile, &[("program", "test 1.2.3".into())])
            .await
            .unwrap();
        assert!(path.starts_with(dir.path().join(DIAGNOSTICS_DIR)));
        let text = std::fs::read_to_string(&path).unwrap();
        for expected in [
            "program: test 1.2.3",
            "\"base_url\": \"https://seedance2ai.io\"",
            "Live: no jobs",
            "Sandbox: no history",
            "INFO started",
            "WARN leaked [redacted] somehow",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(!text.contains(secret));
    }
}
