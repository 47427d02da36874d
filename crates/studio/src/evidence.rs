//! Evidence packs: one zip per render that a person can send the service's support when
//! what arrived is not what was paid for. It holds what the engine knows for certain: the
//! request body as it was sent, the Idempotency-Key, every task answer the service sent
//! with its time (kept from the moment they arrive, `record_answer`), what the downloaded
//! video holds (the delivery check), the SHA-256 of what was downloaded, and what was
//! charged and refunded; and a README saying what each file is.
//!
//! Never the API key or the storage secret (neither is in the history to begin with), and
//! never a signature: presigned URLs (a reference uploaded to the person's storage, an
//! output link) keep their address but lose what grants access to it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::job::Job;
use crate::store::Store;

/// The files of a pack, in the order they are written.
pub const FILES: &[&str] = &[
    "README.txt",
    "request.json",
    "idempotency-key.txt",
    "task-answers.jsonl",
    "probe.json",
    "checksums.txt",
    "credits.json",
];

/// What replaces a signature's value.
pub const REMOVED: &str = "removed";

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("The history database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Could not write the evidence pack {path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// A pack written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Pack {
    pub job_id: String,
    pub path: String,
    pub files: Vec<String>,
    pub bytes: u64,
}

/// Keeps a task answer the service sent about `job_id` (`route`: `submit` or `poll`).
pub async fn record_answer(
    store: &Store,
    job_id: &str,
    route: &str,
    task: &seedance_api::Task,
) -> Result<(), sqlx::Error> {
    let Some(answer) = &task.answer else {
        return Ok(());
    };
    sqlx::query("INSERT INTO task_answers (job_id, at, route, answer) VALUES (?, ?, ?, ?)")
        .bind(job_id)
        .bind(crate::clock::now_ms())
        .bind(route)
        .bind(answer.to_string())
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Whether a query parameter grants access (a signature, a credential, a token).
fn grants_access(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("x-amz-")
        || name.starts_with("x-goog-")
        || matches!(
            name.as_str(),
            "signature"
                | "sig"
                | "token"
                | "access_token"
                | "awsaccesskeyid"
                | "googleaccessid"
                | "policy"
                | "key-pair-id"
        )
}

/// `url` with the values of parameters that grant access replaced by [`REMOVED`].
pub fn without_signature(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    if parsed.query().is_none() || !parsed.query_pairs().any(|(k, _)| grants_access(&k)) {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if grants_access(&k) {
                REMOVED.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// Every string of `value` that is a URL, without its signature.
pub fn strip_signatures(value: &mut Value) {
    match value {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            *s = without_signature(s);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_signatures),
        Value::Object(fields) => fields.values_mut().for_each(strip_signatures),
        _ => {}
    }
}

/// Writes the evidence pack of `job` (whose history is `store`) to `out`: written aside,
/// then renamed, so a pack under its name is always whole.
pub async fn write_pack(store: &Store, job: &Job, out: &Path) -> Result<Pack, EvidenceError> {
    let answers: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT at, route, answer FROM task_answers WHERE job_id = ? ORDER BY id")
            .bind(&job.id)
            .fetch_all(store.pool())
            .await?;
    let ledger: Option<(String, i64, i64, i64)> = match &job.task_id {
        Some(task) => {
            sqlx::query_as(
                "SELECT task_id, at, used, refunded FROM credit_ledger WHERE task_id = ?",
            )
            .bind(task)
            .fetch_optional(store.pool())
            .await?
        }
        None => None,
    };
    let job = job.clone();
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || assemble(&job, &answers, ledger, &out))
        .await
        .map_err(|e| EvidenceError::Write {
            path: PathBuf::new(),
            message: e.to_string(),
        })?
}

fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

/// What `checksums.txt` says: each downloaded file's SHA-256 as recorded when it was
/// saved, in `sha256sum` form, and whether the file still has it.
fn checksums(job: &Job) -> String {
    let mut text = String::from(
        "# SHA-256 of each file as it was downloaded (sha256sum -c reads this beside the files)\n",
    );
    for (label, recorded, path) in [
        ("video", &job.video_sha256, &job.video_path),
        ("last frame", &job.frame_sha256, &job.frame_path),
    ] {
        let name = path
            .as_deref()
            .and_then(|p| Path::new(p).file_name())
            .map(|n| n.to_string_lossy().into_owned());
        match (recorded, name) {
            (Some(sum), Some(name)) => {
                text.push_str(&format!("{sum}  {name}\n"));
                let now = path
                    .as_deref()
                    .and_then(|p| crate::render_files::sha256_of(Path::new(p)).ok())
                    .map(|(_, sum)| sum);
                match now {
                    Some(now) if &now == sum => {}
                    Some(now) => text.push_str(&format!(
                        "# the {label} on disk now has {now}: it changed after it was downloaded\n"
                    )),
                    None => text.push_str(&format!("# the {label} is no longer on disk\n")),
                }
            }
            _ => text.push_str(&format!("# no {label} was downloaded\n")),
        }
    }
    text
}

fn readme(job: &Job) -> String {
    format!(
        "Seedance Studio evidence pack\n\
         =============================\n\n\
         Render {id}, task {task}, created {created}, written {now} by Seedance Studio {version}.\n\n\
         request.json         The request body exactly as it was sent to the service (presigned\n\
         \x20                    URLs keep their address; their signatures read \"{REMOVED}\").\n\
         idempotency-key.txt  The Idempotency-Key it was sent with: every resend used the same one,\n\
         \x20                    so the service charged it at most once.\n\
         task-answers.jsonl   Every answer the service sent about the task, one JSON object per\n\
         \x20                    line: when it arrived (at), to which request (route: submit or\n\
         \x20                    poll) and the answer as received.\n\
         probe.json           What the downloaded video holds (size, frame rate, duration, codecs,\n\
         \x20                    audio) and where it differs from the request (mismatches).\n\
         checksums.txt        The SHA-256 of each downloaded file, as recorded when it was saved.\n\
         credits.json         What the service charged for the task and what it refunded.\n\n\
         The API key and the storage secret are not in this pack.\n",
        id = job.id,
        task = job
            .task_id
            .as_deref()
            .unwrap_or("(none: it was never accepted)"),
        created = iso(job.created_at),
        now = iso(crate::clock::now_ms()),
        version = env!("CARGO_PKG_VERSION"),
    )
}

fn assemble(
    job: &Job,
    answers: &[(i64, String, String)],
    ledger: Option<(String, i64, i64, i64)>,
    out: &Path,
) -> Result<Pack, EvidenceError> {
    let failed = |message: String| EvidenceError::Write {
        path: out.to_path_buf(),
        message,
    };
    let mut request: Value =
        serde_json::from_str(&job.request_body).unwrap_or(Value::String(job.request_body.clone()));
    strip_signatures(&mut request);
    let mut lines = String::new();
    for (at, route, answer) in answers {
        let mut answer: Value =
            serde_json::from_str(answer).unwrap_or_else(|_| Value::String(answer.clone()));
        strip_signatures(&mut answer);
        let line = json!({"at": iso(*at), "at_ms": at, "route": route, "answer": answer});
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let probe = match &job.delivery {
        Some(d) => serde_json::to_value(&d.0).unwrap_or(Value::Null),
        None => match (&job.video_path, serde_json::from_str(&job.request_body)) {
            (Some(path), Ok(request)) => {
                serde_json::to_value(crate::delivery::check_file(Path::new(path), &request))
                    .unwrap_or(Value::Null)
            }
            _ => json!({"probed": false, "why": "no video was downloaded"}),
        },
    };
    let credits = json!({
        "credits_used": job.credits_used,
        "credits_refunded": job.credits_refunded,
        "ledger": ledger.map(|(task_id, at, used, refunded)| json!({
            "task_id": task_id, "at": iso(at), "used": used, "refunded": refunded,
        })),
    });
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("JSON values serialise") + "\n";
    let contents: [(&str, String); 7] = [
        ("README.txt", readme(job)),
        ("request.json", pretty(&request)),
        ("idempotency-key.txt", format!("{}\n", job.idempotency_key)),
        ("task-answers.jsonl", lines),
        ("probe.json", pretty(&probe)),
        ("checksums.txt", checksums(job)),
        ("credits.json", pretty(&credits)),
    ];

    let part = out.with_file_name(format!(
        "{}.part",
        out.file_name().unwrap_or_default().to_string_lossy()
    ));
    let written = (|| -> Result<(), String> {
        let file = std::fs::File::create(&part).map_err(|e| e.to_string())?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        for (name, text) in &contents {
            zip.start_file(*name, options).map_err(|e| e.to_string())?;
            zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        }
        zip.finish()
            .map_err(|e| e.to_string())?
            .sync_all()
            .map_err(|e| e.to_string())?;
        std::fs::rename(&part, out).map_err(|e| e.to_string())
    })();
    if let Err(message) = written {
        let _ = std::fs::remove_file(&part);
        return Err(failed(message));
    }
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(Pack {
        job_id: job.id.clone(),
        path: out.display().to_string(),
        files: contents.iter().map(|(n, _)| n.to_string()).collect(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_removed_and_addresses_kept() {
        let url = "https://bucket.s3.example.com/refs/a.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261203&X-Amz-Signature=deadbeef&width=2";
        let clean = without_signature(url);
        assert!(clean.starts_with("https://bucket.s3.example.com/refs/a.png?"));
        assert!(
            !clean.contains("deadbeef") && !clean.contains("AKIAEXAMPLE"),
            "{clean}"
        );
        assert!(clean.contains("X-Amz-Signature=removed") && clean.contains("width=2"));
        // Unsigned URLs stay exactly as they were.
        assert_eq!(
            without_signature("https://example.com/a.png?w=1"),
            "https://example.com/a.png?w=1"
        );
        let mut body = json!({"prompt": "p", "media_urls": [url], "image_url": "https://cdn.example/x?sig=abc"});
        strip_signatures(&mut body);
        let text = body.to_string();
        assert!(
            !text.contains("deadbeef") && !text.contains("sig=abc"),
            "{text}"
        );
        assert_eq!(body["prompt"], "p");
    }
}
