//! The library: every past render, found again in milliseconds. Newest-first pages with
//! keyset pagination (a page costs the same at row 90,000 as at row 0), full-text search
//! over prompts (FTS5 trigram; shorter queries use LIKE), filters, favourites, deletion,
//! a portable JSON export and an import that skips what is already there, credits per day
//! (from the credit ledger, which outlives deleted renders), and the disk used by renders.
//!
//! One module past 500 lines: every query here is over the `jobs` table and its indexes, and
//! export and import must name the same columns; the tests are in `tests.rs` beside it.

use std::path::{Path, PathBuf};

use seedance_api::{Mode, QualityTier};
use serde::{Deserialize, Serialize};
use sqlx::QueryBuilder;
use sqlx::sqlite::Sqlite;

mod when;
pub use when::{Side, bound};

use crate::job::{JOB_COLUMNS, Job, JobState};
use crate::render_files;
use crate::store::Store;

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Filter {
    /// Words or characters to find in prompts.
    pub search: Option<String>,
    pub mode: Option<Mode>,
    pub quality_tier: Option<QualityTier>,
    pub state: Option<JobState>,
    /// Created at or after, ms since the epoch.
    pub from: Option<i64>,
    /// Created before, ms since the epoch.
    pub until: Option<i64>,
    pub favourites_only: bool,
    /// Only the takes and cuts of this project (its id or exact name).
    pub project: Option<String>,
    /// Only renders whose video is not what was asked (the delivery check).
    pub mismatched_only: bool,
    /// Only renders with this tag (any case). A search of `#tag` is the same.
    pub tag: Option<String>,
}

/// Where the next page starts: after this (created_at, id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cursor {
    pub created_at: i64,
    pub id: String,
}

/// One page, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    pub jobs: Vec<Job>,
    pub next: Option<Cursor>,
}

/// Spent and refunded credits on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayCredits {
    /// `YYYY-MM-DD`
    pub day: String,
    pub used: i64,
    pub refunded: i64,
}

/// The export file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub exported_at: i64,
    pub renders: Vec<ExportedJob>,
}

/// One render in an export: every parameter, ids, credits, seed, local paths and checksums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedJob {
    pub id: String,
    pub created_at: i64,
    pub state: String,
    #[sqlx(rename = "request_body", try_from = "String")]
    pub request: RequestJson,
    pub prompt: String,
    pub mode: String,
    pub quality_tier: String,
    pub channel: String,
    pub aspect_ratio: String,
    pub resolution: String,
    pub duration: i64,
    pub task_id: Option<String>,
    pub credits_used: Option<i64>,
    pub credits_refunded: Option<i64>,
    pub seed: Option<i64>,
    pub video_path: Option<String>,
    pub video_sha256: Option<String>,
    pub frame_path: Option<String>,
    pub frame_sha256: Option<String>,
    pub favourite: bool,
    pub error_message: Option<String>,
    /// The render this one extends (files written before extensions were recorded have
    /// neither).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends_from: Option<String>,
    /// Its tags (files written before tags have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[sqlx(skip)]
    pub tags: Vec<String>,
}

/// A render that continues another one, as a link shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RenderLink {
    pub id: String,
    pub prompt: String,
    pub state: String,
}

pub const EXPORT_FORMAT: &str = "seedance-studio-library/1";

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("The history database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Deleting a render removes its files for good: confirm to go ahead")]
    NeedsConfirmation,
    #[error("{0} is still rendering; wait until it is finished to delete it")]
    Busy(String),
    #[error("No render {0}")]
    NoSuchJob(String),
    #[error("Could not use {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a Seedance Studio library export: {detail}")]
    NotAnExport { path: PathBuf, detail: String },
    #[error(
        "{path} cannot be imported: {reason}. Choose an export file written by Seedance Studio or `seedance export`."
    )]
    NotAFile { path: PathBuf, reason: String },
}

/// The largest export file read (about a million renders' worth): anything bigger is not
/// an export, and is refused before it is read.
pub const MAX_EXPORT_BYTES: u64 = 1024 * 1024 * 1024;

/// Bytes of every file under `dir`, folders included (0 when it cannot be read).
pub fn bytes_under(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => bytes_under(&e.path()),
                    Ok(_) => e.metadata().map_or(0, |m| m.len()),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Reads an export file: a regular file of at most [`MAX_EXPORT_BYTES`], opened without
/// blocking (a FIFO answers at once instead of waiting for a writer), and read no further
/// than the cap even if it grows. Blocking: call it off the async threads.
pub fn read_export_file(path: &Path) -> Result<Vec<u8>, LibraryError> {
    use std::io::Read;
    let refuse = |reason: String| LibraryError::NotAFile {
        path: path.to_path_buf(),
        reason,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| refuse(format!("it cannot be opened ({e})")))?;
    let meta = file
        .metadata()
        .map_err(|e| refuse(format!("it cannot be read ({e})")))?;
    let kind = meta.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "it is a folder".to_string()
        } else {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                if kind.is_fifo() {
                    "it is a pipe (FIFO), not a file".to_string()
                } else if kind.is_char_device() || kind.is_block_device() {
                    "it is a device, not a file".to_string()
                } else if kind.is_socket() {
                    "it is a socket, not a file".to_string()
                } else {
                    "it is not a regular file".to_string()
                }
            }
            #[cfg(not(unix))]
            "it is not a regular file".to_string()
        };
        return Err(refuse(what));
    }
    if meta.len() > MAX_EXPORT_BYTES {
        return Err(refuse(format!(
            "it is {} MB, more than the {} MB an export can be",
            meta.len() / (1024 * 1024),
            MAX_EXPORT_BYTES / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_EXPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(format!("it cannot be read ({e})")))?;
    if bytes.len() as u64 > MAX_EXPORT_BYTES {
        return Err(refuse("it grew past the size an export can be".into()));
    }
    Ok(bytes)
}

/// Queries over the history.
#[derive(Debug, Clone)]
pub struct Library {
    store: Store,
    data_dir: PathBuf,
}

/// `%`, `_` and `\` taken literally in a LIKE pattern.
fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Every column of `jobs`, qualified, for queries that join.
fn prefixed_columns() -> String {
    JOB_COLUMNS
        .split(',')
        .map(|c| format!("jobs.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The query as one FTS5 phrase (quotes doubled), so user text is never FTS syntax.
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

impl Library {
    pub fn new(store: Store, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            store,
            data_dir: data_dir.into(),
        }
    }

    /// A page of at most `limit` renders matching `filter`, after `after`, newest first
    /// (text searches of three or more characters: in the order renders were recorded).
    pub async fn page(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page, LibraryError> {
        let limit = limit.clamp(1, 500);
        let typed = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        // `#night` in the search box finds the renders tagged "night".
        let (search, searched_tag) = match typed.and_then(|s| s.strip_prefix('#')) {
            Some(tag) => (None, Some(tag.trim())),
            None => (typed, None),
        };
        let fts = search.filter(|s| s.chars().count() >= 3);
        let mut q = QueryBuilder::<Sqlite>::new("");
        if let Some(text) = fts {
            // The trigram index hands matches out newest-recorded first (rowid order), so a
            // page stops after its matches however common the words are.
            q.push(format!(
                "SELECT {} FROM prompts_fts JOIN jobs ON jobs.rowid = prompts_fts.rowid \
                 WHERE prompts_fts MATCH ",
                prefixed_columns()
            ));
            q.push_bind(fts_phrase(text));
        } else if let Some(text) = search {
            // Too short for trigrams: scan the narrow prompt index newest first, stopping
            // once the page is full.
            q.push(format!(
                "SELECT {} FROM jobs INDEXED BY jobs_prompt_scan WHERE jobs.prompt LIKE ",
                prefixed_columns()
            ));
            q.push_bind(like_pattern(text));
            q.push(" ESCAPE '\\'");
        } else {
            q.push(format!(
                "SELECT {} FROM jobs WHERE 1 = 1",
                prefixed_columns()
            ));
        }
        if let Some(mode) = &filter.mode {
            q.push(" AND jobs.mode = ").push_bind(*mode);
        }
        if let Some(tier) = &filter.quality_tier {
            q.push(" AND jobs.quality_tier = ").push_bind(*tier);
        }
        if let Some(state) = filter.state {
            q.push(" AND jobs.state = ").push_bind(state);
        }
        if let Some(from) = filter.from {
            q.push(" AND jobs.created_at >= ").push_bind(from);
        }
        if let Some(until) = filter.until {
            q.push(" AND jobs.created_at < ").push_bind(until);
        }
        if filter.favourites_only {
            q.push(" AND jobs.favourite = 1");
        }
        if filter.mismatched_only {
            q.push(" AND jobs.delivery_mismatches > 0");
        }
        for tag in [filter.tag.as_deref(), searched_tag].into_iter().flatten() {
            q.push(" AND jobs.id IN (SELECT job_id FROM tags WHERE tag = ")
                .push_bind(tag.split_whitespace().collect::<Vec<_>>().join(" "))
                .push(")");
        }
        if let Some(project) = &filter.project {
            // Its takes, and the cuts assembled from it.
            q.push(" AND (jobs.id IN (SELECT t.job_id FROM takes t JOIN projects p ON p.id = t.project_id WHERE p.id = ")
                .push_bind(project.clone())
                .push(" OR p.name = ")
                .push_bind(project.clone())
                .push(") OR jobs.project_id IN (SELECT id FROM projects WHERE id = ")
                .push_bind(project.clone())
                .push(" OR name = ")
                .push_bind(project.clone())
                .push("))");
        }
        match (after, fts.is_some()) {
            (Some(after), true) => {
                q.push(" AND jobs.rowid < (SELECT rowid FROM jobs WHERE id = ")
                    .push_bind(after.id.clone())
                    .push(")");
            }
            (Some(after), false) => {
                q.push(" AND (jobs.created_at, jobs.id) < (")
                    .push_bind(after.created_at)
                    .push(", ")
                    .push_bind(after.id.clone())
                    .push(")");
            }
            (None, _) => {}
        }
        if fts.is_some() {
            q.push(" ORDER BY prompts_fts.rowid DESC LIMIT ");
        } else {
            q.push(" ORDER BY jobs.created_at DESC, jobs.id DESC LIMIT ");
        }
        q.push_bind(i64::from(limit) + 1);
        let mut jobs: Vec<Job> = q.build_query_as().fetch_all(self.store.pool()).await?;
        let next = if jobs.len() > limit as usize {
            jobs.truncate(limit as usize);
            jobs.last().map(|j| Cursor {
                created_at: j.created_at,
                id: j.id.clone(),
            })
        } else {
            None
        };
        crate::tags::fill(&self.store, &mut jobs).await?;
        Ok(Page { jobs, next })
    }

    /// A person's judgement of a render: 1 to 5 stars (or none), and rejected or not. A
    /// take of a project follows it.
    pub async fn judge(
        &self,
        id: &str,
        rating: Option<i64>,
        rejected: bool,
    ) -> Result<(), LibraryError> {
        let done = sqlx::query("UPDATE jobs SET rating = ?, rejected = ? WHERE id = ?")
            .bind(rating)
            .bind(rejected)
            .bind(id)
            .execute(self.store.pool())
            .await?;
        one_job(done.rows_affected(), id)
    }

    pub async fn set_favourite(&self, id: &str, favourite: bool) -> Result<(), LibraryError> {
        let done = sqlx::query("UPDATE jobs SET favourite = ? WHERE id = ?")
            .bind(favourite)
            .bind(id)
            .execute(self.store.pool())
            .await?;
        one_job(done.rows_affected(), id)
    }

    /// Deletes a finished render: its row, preview, events and files. Confirmed by the caller.
    pub async fn delete(&self, id: &str, confirmed: bool) -> Result<(), LibraryError> {
        if !confirmed {
            return Err(LibraryError::NeedsConfirmation);
        }
        let mut tx = self.store.write().await?;
        let state: Option<(JobState,)> = sqlx::query_as("SELECT state FROM jobs WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((state,)) = state else {
            return Err(LibraryError::NoSuchJob(id.into()));
        };
        if state.is_active() {
            return Err(LibraryError::Busy(id.into()));
        }
        sqlx::query("UPDATE jobs SET retry_of = NULL WHERE retry_of = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM thumbnails WHERE job_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM events WHERE job_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM jobs WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        // A row whose id cannot be a folder name has no files of ours to remove.
        let Ok(dir) = render_files::render_dir(&self.data_dir, id) else {
            return Ok(());
        };
        match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(LibraryError::File { path: dir, source }),
        }
    }

    /// The render `id` extends, if it is still in the history, and the renders that extend
    /// it, oldest first.
    pub async fn links(
        &self,
        id: &str,
    ) -> Result<(Option<RenderLink>, Vec<RenderLink>), LibraryError> {
        let extends: Option<RenderLink> = sqlx::query_as(
            "SELECT src.id, src.prompt, src.state FROM jobs AS j JOIN jobs AS src ON src.id = j.extends_id \
             WHERE j.id = ?",
        )
        .bind(id)
        .fetch_optional(self.store.pool())
        .await?;
        let extended_by: Vec<RenderLink> = sqlx::query_as(
            "SELECT id, prompt, state FROM jobs WHERE extends_id = ? ORDER BY created_at, id",
        )
        .bind(id)
        .fetch_all(self.store.pool())
        .await?;
        Ok((extends, extended_by))
    }

    pub fn renders_dir(&self) -> PathBuf {
        render_files::renders_dir(&self.data_dir)
    }

    /// Spent and refunded credits per UTC day (newest first), and in total, from the
    /// credit ledger: a deleted render's charge stays on the record.
    pub async fn credits(&self) -> Result<(Vec<DayCredits>, i64, i64), LibraryError> {
        let days: Vec<DayCredits> = sqlx::query_as(
            "SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch') AS day, \
             COALESCE(SUM(used), 0) AS used, COALESCE(SUM(refunded), 0) AS refunded \
             FROM credit_ledger GROUP BY day ORDER BY day DESC",
        )
        .fetch_all(self.store.pool())
        .await?;
        let used = days.iter().map(|d| d.used).sum();
        let refunded = days.iter().map(|d| d.refunded).sum();
        Ok((days, used, refunded))
    }

    /// Bytes under `renders/`.
    pub fn disk_used(&self) -> u64 {
        bytes_under(&self.renders_dir())
    }

    /// Removes `.part` files left in the folders of finished renders; returns how many.
    pub async fn clean_partial_downloads(&self) -> Result<usize, LibraryError> {
        let finished: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM jobs WHERE state IN ({})",
            JobState::sql_list(&JobState::FINAL)
        ))
        .fetch_all(self.store.pool())
        .await?;
        let mut removed = 0;
        for (id,) in finished {
            let Ok(dir) = render_files::render_dir(&self.data_dir, &id) else {
                continue;
            };
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                if entry.path().extension().is_some_and(|e| e == "part")
                    && std::fs::remove_file(entry.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Writes every render to one portable JSON file.
    pub async fn export(&self, path: &Path) -> Result<usize, LibraryError> {
        let mut renders: Vec<ExportedJob> = sqlx::query_as(
            "SELECT id, created_at, state, request_body, prompt, mode, quality_tier, channel, aspect_ratio, resolution, \
             duration, task_id, credits_used, credits_refunded, seed, video_path, video_sha256, frame_path, frame_sha256, \
             favourite, error_message, extends_id, extends_from FROM jobs ORDER BY created_at, id",
        )
        .fetch_all(self.store.pool())
        .await?;
        let ids: Vec<&str> = renders.iter().map(|r| r.id.as_str()).collect();
        let mut tags = crate::tags::of_many(&self.store, &ids).await?;
        for r in &mut renders {
            r.tags = tags.remove(&r.id).unwrap_or_default();
        }
        let export = Export {
            format: EXPORT_FORMAT.into(),
            exported_at: crate::clock::now_ms(),
            renders,
        };
        let file = |source| LibraryError::File {
            path: path.to_path_buf(),
            source,
        };
        let tmp = path.with_extension("json.part");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(&export).expect("serialisable"),
        )
        .map_err(file)?;
        std::fs::rename(&tmp, path).map_err(file)?;
        Ok(export.renders.len())
    }

    /// Reads an export ([`read_export_file`], on a blocking thread), adding the renders not
    /// already in the history. Returns (imported, skipped). Imported renders are history
    /// only: they are never sent.
    pub async fn import(&self, path: &Path) -> Result<(usize, usize), LibraryError> {
        let owned = path.to_path_buf();
        let bytes = tokio::task::spawn_blocking(move || read_export_file(&owned))
            .await
            .map_err(|e| LibraryError::NotAFile {
                path: path.to_path_buf(),
                reason: format!("reading it stopped ({e})"),
            })??;
        self.import_bytes(path, &bytes).await
    }

    /// Adds the renders of an export already read (`path` names it in messages).
    pub async fn import_bytes(
        &self,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(usize, usize), LibraryError> {
        let export: Export =
            serde_json::from_slice(bytes).map_err(|e| LibraryError::NotAnExport {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        if export.format != EXPORT_FORMAT {
            return Err(LibraryError::NotAnExport {
                path: path.to_path_buf(),
                detail: format!("format {:?}, expected {EXPORT_FORMAT:?}", export.format),
            });
        }
        // Ids become folder names: one that could name another place refuses the file.
        if let Some((n, e)) = export.renders.iter().enumerate().find_map(|(n, r)| {
            render_files::render_dir(&self.data_dir, &r.id)
                .err()
                .map(|e| (n, e))
        }) {
            return Err(LibraryError::NotAnExport {
                path: path.to_path_buf(),
                detail: format!("render {} of {}: {e}", n + 1, export.renders.len()),
            });
        }
        let (mut imported, mut skipped) = (0, 0);
        let mut tx = self.store.write().await?;
        for r in export.renders {
            // Files are looked for in this data folder, and only under the render's own.
            let here = |exported: &Option<String>| {
                exported
                    .as_deref()
                    .and_then(|p| render_files::rebase(&self.data_dir, &r.id, p))
                    .map(|p| p.display().to_string())
            };
            let (video_path, frame_path) = (here(&r.video_path), here(&r.frame_path));
            // Unfinished renders come in as they are recorded, but never as work to do.
            let state = match JobState::parse(&r.state) {
                Some(s) if s.is_final() => s,
                _ => JobState::Failed,
            };
            let done = sqlx::query(
                "INSERT OR IGNORE INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
                 quality_tier, channel, aspect_ratio, resolution, duration, task_id, credits_used, credits_refunded, seed, \
                 video_path, video_sha256, frame_path, frame_sha256, favourite, error_message, extends_id, extends_from) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&r.id)
            .bind(r.created_at)
            .bind(r.created_at)
            .bind(state.as_str())
            .bind(r.request.0.to_string())
            .bind(format!("imported-{}", r.id))
            .bind(&r.prompt)
            .bind(&r.mode)
            .bind(&r.quality_tier)
            .bind(&r.channel)
            .bind(&r.aspect_ratio)
            .bind(&r.resolution)
            .bind(r.duration)
            .bind(&r.task_id)
            .bind(r.credits_used)
            .bind(r.credits_refunded)
            .bind(r.seed)
            .bind(&video_path)
            .bind(&r.video_sha256)
            .bind(&frame_path)
            .bind(&r.frame_sha256)
            .bind(r.favourite)
            .bind(&r.error_message)
            .bind(&r.extends_id)
            .bind(r.extends_from.as_deref().filter(|f| crate::extend::ExtendFrom::parse(f).is_some()))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                // Tags that are not tags (an edited file) are left out, never guessed at.
                for tag in r.tags.iter().filter_map(|t| crate::tags::normalise(t).ok()) {
                    sqlx::query("INSERT OR IGNORE INTO tags (job_id, tag) VALUES (?, ?)")
                        .bind(&r.id)
                        .bind(tag)
                        .execute(&mut *tx)
                        .await?;
                }
                imported += 1;
            } else {
                skipped += 1;
            }
        }
        tx.commit().await?;
        Ok((imported, skipped))
    }
}

/// The request as sent, read from its stored JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestJson(pub serde_json::Value);

impl TryFrom<String> for RequestJson {
    type Error = serde_json::Error;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&text).map(Self)
    }
}

/// An update of render `id` that touched no row was about a render that is not there.
fn one_job(rows: u64, id: &str) -> Result<(), LibraryError> {
    if rows == 0 {
        return Err(LibraryError::NoSuchJob(id.into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
