//! The Library and the Queue's actions over the running mode's history: pages of renders,
//! one render in full (with the `seedance` command that makes it again), favourites,
//! deletion, retry/resend/give up, credits, export and import, and the request budget.

use std::path::{Path, PathBuf};

use seedance_api::GenerationRequest;
use serde::Serialize;
use studio::library::{Cursor, DayCredits, Filter, Library, RenderLink};
use studio::{Engine, find_job};
use ts_rs::TS;

use crate::drafts::JobSummary;
use crate::error::IpcError;
use crate::session::Studio;

/// One page of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LibraryPage {
    pub items: Vec<JobSummary>,
    pub next: Option<Cursor>,
}

/// Everything about one render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct JobDetail {
    pub summary: JobSummary,
    /// Every parameter it was sent with (defaults filled in).
    pub request: Option<GenerationRequest>,
    pub video_url: Option<String>,
    pub last_frame_url: Option<String>,
    pub video_path: Option<String>,
    pub frame_path: Option<String>,
    pub video_bytes: Option<i64>,
    pub completed_at: Option<i64>,
    pub retry_of: Option<String>,
    /// The `seedance` command that renders it again.
    pub command: String,
    /// The render this one continues (while it is in the history), from its `clip` or last
    /// `frame`; and the renders that continue this one.
    pub extends: Option<RenderLink>,
    pub extends_from: Option<String>,
    pub extended_by: Vec<RenderLink>,
}

/// Credits per day and in total, and the disk the renders take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CreditsSummary {
    pub days: Vec<DayCredits>,
    pub used: i64,
    pub refunded: i64,
    pub disk_bytes: u64,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportResult {
    pub added: u32,
    pub skipped: u32,
}

fn library(engine: &Engine) -> Library {
    let dir = engine
        .store()
        .path()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    Library::new(engine.store().clone(), dir)
}

fn lib_err(e: studio::library::LibraryError) -> IpcError {
    use studio::library::LibraryError as E;
    match e {
        E::NeedsConfirmation => IpcError::new(crate::error::ErrorCode::NeedsConfirmation, e),
        E::NoSuchJob(_) | E::Busy(_) => IpcError::invalid("job", e),
        E::NotAnExport { .. } | E::NotAFile { .. } => IpcError::invalid("file", e),
        other => IpcError::internal(other),
    }
}

pub async fn page(
    studio: &Studio,
    filter: &Filter,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<LibraryPage, IpcError> {
    studio
        .with_engine(async |engine| {
            let page = library(engine)
                .page(filter, after, limit)
                .await
                .map_err(lib_err)?;
            Ok(LibraryPage {
                items: page.jobs.iter().map(JobSummary::from).collect(),
                next: page.next,
            })
        })
        .await
}

/// Quotes `s` for a POSIX shell.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `seedance generate` command for `r`, with every parameter spelled out.
pub fn seedance_command(r: &GenerationRequest, sandbox: bool) -> String {
    let mut cmd = String::from("seedance");
    if sandbox {
        cmd.push_str(" --sandbox");
    }
    cmd.push_str(&format!(
        " generate --prompt {} --mode {} --tier {} --channel {} --aspect {} --duration {} --resolution {}",
        quoted(&r.prompt),
        r.mode.as_str(),
        r.quality_tier.as_str(),
        r.channel.as_str(),
        r.aspect_ratio.as_str(),
        r.duration.seconds(),
        r.resolution.as_str()
    ));
    if let Some(u) = &r.image_url {
        cmd.push_str(&format!(" --image {}", quoted(u)));
    }
    if let Some(u) = &r.end_image_url {
        cmd.push_str(&format!(" --end-image {}", quoted(u)));
    }
    for u in &r.media_urls {
        cmd.push_str(&format!(" --media {}", quoted(u)));
    }
    if !r.generate_audio {
        cmd.push_str(" --no-audio");
    }
    if r.fixed_lens {
        cmd.push_str(" --fixed-lens");
    }
    if let Some(seed) = r.seed {
        cmd.push_str(&format!(" --seed {seed}"));
    }
    cmd.push_str(" --wait");
    cmd
}

pub async fn detail(studio: &Studio, id: &str) -> Result<JobDetail, IpcError> {
    let sandbox = studio.mode().await == Some(studio::ConnectionMode::Sandbox);
    studio
        .with_engine(async |engine| {
            let job = find_job(engine.store(), id)
                .await?
                .ok_or_else(|| IpcError::invalid("job", format!("No render {id}")))?;
            let request: Option<GenerationRequest> = serde_json::from_str(&job.request_body).ok();
            let (extends, extended_by) = library(engine).links(&job.id).await.map_err(lib_err)?;
            Ok(JobDetail {
                summary: JobSummary::from(&job),
                command: request
                    .as_ref()
                    .map(|r| seedance_command(r, sandbox))
                    .unwrap_or_default(),
                request,
                video_url: job.video_url.clone(),
                last_frame_url: job.last_frame_url.clone(),
                video_path: job.video_path.clone(),
                frame_path: job.frame_path.clone(),
                video_bytes: job.video_bytes,
                completed_at: job.completed_at,
                retry_of: job.retry_of.clone(),
                extends,
                extends_from: job.extends_from.clone(),
                extended_by,
            })
        })
        .await
}

pub async fn favourite(studio: &Studio, id: &str, on: bool) -> Result<(), IpcError> {
    studio
        .with_engine(async |engine| library(engine).set_favourite(id, on).await.map_err(lib_err))
        .await
}

pub async fn delete(studio: &Studio, id: &str, confirmed: bool) -> Result<(), IpcError> {
    studio
        .with_engine(async |engine| library(engine).delete(id, confirmed).await.map_err(lib_err))
        .await
}

/// What a person decides about a job: a new render (retry, confirmed: a new charge), the
/// same request again with its original key (resend), or giving up (mark failed).
pub async fn act(
    studio: &Studio,
    id: &str,
    action: &str,
    confirmed: bool,
    accept_double_charge: bool,
) -> Result<JobSummary, IpcError> {
    studio
        .with_engine(async |engine| {
            let job = match action {
                "retry" if confirmed && accept_double_charge => {
                    engine.retry_accepting_double_charge(id).await
                }
                "retry" => engine.retry(id, confirmed).await,
                "resend" => engine.resend(id).await,
                "give_up" => engine.mark_failed(id).await,
                other => {
                    return Err(IpcError::invalid(
                        "action",
                        format!("unknown action {other:?}; use retry, resend or give_up"),
                    ));
                }
            };
            match job {
                Ok(job) => Ok(JobSummary::from(&job)),
                Err(studio::EngineError::NeedsConfirmation) => Err(IpcError::new(
                    crate::error::ErrorCode::NeedsConfirmation,
                    studio::EngineError::NeedsConfirmation,
                )),
                Err(e) => Err(e.into()),
            }
        })
        .await
}

pub async fn credits(studio: &Studio) -> Result<CreditsSummary, IpcError> {
    studio
        .with_engine(async |engine| {
            let lib = library(engine);
            let (days, used, refunded) = lib.credits().await.map_err(lib_err)?;
            let disk_bytes = tokio::task::spawn_blocking(move || lib.disk_used())
                .await
                .unwrap_or(0);
            Ok(CreditsSummary {
                days,
                used,
                refunded,
                disk_bytes,
            })
        })
        .await
}

/// The name offered for a new export: `seedance-library-YYYY-MM-DD.json` (UTC).
pub fn export_file_name() -> String {
    export_file_name_on(time::OffsetDateTime::now_utc().date())
}

fn export_file_name_on(day: time::Date) -> String {
    format!(
        "seedance-library-{:04}-{:02}-{:02}.json",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// Writes the library to `path` (chosen by the person); returns the path written.
pub async fn export(studio: &Studio, path: &Path) -> Result<String, IpcError> {
    studio
        .with_engine(async |engine| library(engine).export(path).await.map_err(lib_err))
        .await?;
    Ok(path.display().to_string())
}

/// Imports the export at `path`. The file is read first, on a blocking thread and without
/// the engine: a slow or hostile file stalls nothing else.
pub async fn import(studio: &Studio, path: &Path) -> Result<ImportResult, IpcError> {
    let owned = path.to_path_buf();
    let bytes =
        tauri::async_runtime::spawn_blocking(move || studio::library::read_export_file(&owned))
            .await
            .map_err(IpcError::internal)?
            .map_err(lib_err)?;
    studio
        .with_engine(async |engine| {
            let (added, skipped) = library(engine)
                .import_bytes(path, &bytes)
                .await
                .map_err(lib_err)?;
            Ok(ImportResult {
                added: added as u32,
                skipped: skipped as u32,
            })
        })
        .await
}

pub async fn budget(studio: &Studio) -> Result<studio::budget::BudgetStatus, IpcError> {
    studio
        .with_engine(async |engine| {
            Ok(studio::budget::status(engine.store(), engine.budget_rate()).await?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_files_are_named_by_their_date() {
        let day = time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
        assert_eq!(export_file_name_on(day), "seedance-library-2026-12-01.json");
        let name = export_file_name();
        assert!(
            name.starts_with("seedance-library-20") && name.ends_with(".json"),
            "{name}"
        );
    }

    #[test]
    fn the_command_renders_the_same_request_again() {
        let r: GenerationRequest = serde_json::from_value(serde_json::json!({
            "prompt": "it's a kite", "quality_tier": "pro", "resolution": "4k",
            "media_urls": ["https://example.com/a.png"], "generate_audio": false, "seed": 42
        }))
        .unwrap();
        assert_eq!(
            seedance_command(&r, false),
            "seedance generate --prompt 'it'\\''s a kite' --mode text-to-video --tier pro --channel standard --aspect 16:9 --duration 5 --resolution 4k --media 'https://example.com/a.png' --no-audio --seed 42 --wait"
        );
        assert!(seedance_command(&r, true).starts_with("seedance --sandbox generate"));
    }
}
