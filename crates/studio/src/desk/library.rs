//! The library's verbs over the running mode's history: pages of renders, one render in
//! full (with the `seedance` command that makes it again), favourites, deletion, what a
//! person decides about a job (retry, resend, give up), credits, export and import, the
//! request budget, and the files the window plays.

use std::path::{Path, PathBuf};

use seedance_api::GenerationRequest;
use serde::Deserialize;

use crate::Job;
use crate::connection::ConnectionMode;
use crate::library::{Cursor, Filter, Library};

use super::{
    CreditsSummary, Desk, DeskError, ImportResult, JobDetail, JobSummary, LibraryPage, Running,
    TagCount, seedance_command,
};

/// What a person decides about a job that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new render of the same request (confirmed: a new charge).
    Retry,
    /// The same request again with its original Idempotency-Key (never a second charge).
    Resend,
    /// Mark it failed.
    GiveUp,
}

/// A file of a render the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    Video,
    Frame,
    Thumb,
}

/// Where the bytes of an [`Asset`] are.
pub enum Media {
    /// A preview, in memory (JPEG).
    Jpeg(Vec<u8>),
    /// A file inside the running mode's `renders/` folder.
    File(PathBuf),
}

fn library_of(running: &Running) -> Library {
    Library::new(running.store().clone(), running.history_dir())
}

impl Desk {
    pub async fn page(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<LibraryPage, DeskError> {
        let page = library_of(&*self.engine().await?)
            .page(filter, after, limit)
            .await?;
        Ok(LibraryPage {
            items: page.jobs.iter().map(JobSummary::from).collect(),
            next: page.next,
        })
    }

    /// The newest jobs of the running mode's history, newest first (the Queue).
    pub async fn recent(&self, limit: u32) -> Result<Vec<JobSummary>, DeskError> {
        Ok(self.page(&Filter::default(), None, limit).await?.items)
    }

    pub async fn detail(&self, id: &str) -> Result<JobDetail, DeskError> {
        let running = self.engine().await?;
        let sandbox = running.mode() == ConnectionMode::Sandbox;
        let mut job = crate::find_job(running.store(), id)
            .await?
            .ok_or_else(|| DeskError::invalid("job", format!("No render {id}")))?;
        crate::tags::fill(running.store(), std::slice::from_mut(&mut job)).await?;
        let request: Option<GenerationRequest> = serde_json::from_str(&job.request_body).ok();
        let (extends, extended_by) = library_of(&running).links(&job.id).await?;
        Ok(JobDetail {
            summary: JobSummary::from(&job),
            command: match job.kind {
                crate::job::RenderKind::Cut => {
                    super::views::assemble_command(&job.request_body, sandbox)
                }
                crate::job::RenderKind::Generation => request
                    .as_ref()
                    .map(|r| seedance_command(r, sandbox))
                    .unwrap_or_default(),
            },
            request,
            video_url: job.video_url,
            last_frame_url: job.last_frame_url,
            video_path: job.video_path,
            frame_path: job.frame_path,
            video_bytes: job.video_bytes,
            completed_at: job.completed_at,
            retry_of: job.retry_of,
            extends,
            extends_from: job.extends_from,
            extended_by,
        })
    }

    pub async fn favourite(&self, id: &str, on: bool) -> Result<(), DeskError> {
        Ok(library_of(&*self.engine().await?)
            .set_favourite(id, on)
            .await?)
    }

    /// Adds `tags` to render `id` of the running mode's history; returns its tags.
    pub async fn tag(&self, id: &str, tags: &[String]) -> Result<Vec<String>, DeskError> {
        Ok(crate::tags::add(self.engine().await?.store(), id, tags).await?)
    }

    /// Removes `tags` from render `id` of the running mode's history; returns its tags.
    pub async fn untag(&self, id: &str, tags: &[String]) -> Result<Vec<String>, DeskError> {
        Ok(crate::tags::remove(self.engine().await?.store(), id, tags).await?)
    }

    /// Writes the evidence pack of render `id` of the running mode's history to `out`.
    pub async fn evidence(&self, id: &str, out: &Path) -> Result<crate::evidence::Pack, DeskError> {
        let running = self.engine().await?;
        let job = crate::find_job(running.store(), id)
            .await?
            .ok_or_else(|| DeskError::invalid("job", format!("No render {id}")))?;
        Ok(crate::evidence::write_pack(running.store(), &job, out).await?)
    }

    /// Copies render `id`'s video to `out`, the place the person chose. It is written beside
    /// `out` first and moved into place, so a half-copied file never carries the name.
    /// Answers the bytes written.
    pub async fn save_video(&self, id: &str, out: &Path) -> Result<u64, DeskError> {
        let running = self.engine().await?;
        let job = crate::find_job(running.store(), id)
            .await?
            .ok_or_else(|| DeskError::invalid("job", format!("No render {id}")))?;
        let from = job
            .video_path
            .ok_or_else(|| DeskError::invalid("job", "this render has no saved video"))?;
        let name = out
            .file_name()
            .ok_or_else(|| DeskError::invalid("file", "choose a file, not a folder"))?;
        let part = out.with_file_name(format!(".{}.part", name.to_string_lossy()));
        let copied = async {
            let bytes = tokio::fs::copy(&from, &part).await?;
            tokio::fs::rename(&part, out).await?;
            Ok::<_, std::io::Error>(bytes)
        }
        .await;
        copied.map_err(|e| {
            let _ = std::fs::remove_file(&part);
            DeskError::invalid(
                "file",
                format!("{} could not be written: {e}", out.display()),
            )
        })
    }

    /// Every tag of the running mode's history, most used first (the Library's filter).
    pub async fn tags(&self) -> Result<Vec<TagCount>, DeskError> {
        let rows = crate::tags::all(self.engine().await?.store()).await?;
        Ok(rows
            .into_iter()
            .map(|(tag, renders)| TagCount { tag, renders })
            .collect())
    }

    /// Rates render `id` (1 to 5 stars, or none) and rejects it or takes that back.
    pub async fn judge(
        &self,
        id: &str,
        rating: Option<u8>,
        rejected: bool,
    ) -> Result<(), DeskError> {
        if rating.is_some_and(|r| !(1..=5).contains(&r)) {
            return Err(DeskError::invalid("rating", "a rating is 1 to 5 stars"));
        }
        Ok(library_of(&*self.engine().await?)
            .judge(id, rating.map(i64::from), rejected)
            .await?)
    }

    pub async fn delete(&self, id: &str, confirmed: bool) -> Result<(), DeskError> {
        Ok(library_of(&*self.engine().await?)
            .delete(id, confirmed)
            .await?)
    }

    /// Carries out `action` on job `id`. A retry needs `confirmed` (a new charge), and
    /// after an unknown first send also `accept_double_charge`.
    pub async fn act(
        &self,
        id: &str,
        action: Action,
        confirmed: bool,
        accept_double_charge: bool,
    ) -> Result<JobSummary, DeskError> {
        let engine = self.engine().await?;
        let job = match action {
            Action::Retry => {
                // A retry is a new render and a new charge, within the allowance.
                let credits = self.retry_cost(engine.store(), id).await?;
                self.within_allowance(credits, "Retrying this render", async |_| {
                    Ok(if confirmed && accept_double_charge {
                        engine.retry_accepting_double_charge(id).await?
                    } else {
                        engine.retry(id, confirmed).await?
                    })
                })
                .await?
            }
            Action::Resend => engine.resend(id).await?,
            Action::GiveUp => engine.mark_failed(id).await?,
        };
        Ok(JobSummary::from(&job))
    }

    /// What retrying job `id` counts against the allowance (nothing is read without one;
    /// a job that cannot be retried is refused by the engine, not here).
    async fn retry_cost(&self, store: &crate::Store, id: &str) -> Result<u64, DeskError> {
        if self.allowance().is_none() {
            return Ok(0);
        }
        let request = crate::find_job(store, id)
            .await?
            .and_then(|j| serde_json::from_str::<GenerationRequest>(&j.request_body).ok());
        match request {
            Some(r) => self.allowance_cost(store, &r).await,
            None => Ok(0),
        }
    }

    /// How many jobs the running engine is still working on (for the quit dialog).
    pub async fn in_flight(&self) -> usize {
        match self.engine().await {
            Ok(engine) => engine.unfinished().await.map_or(0, |jobs| jobs.len()),
            Err(_) => 0,
        }
    }

    pub async fn credits(&self) -> Result<CreditsSummary, DeskError> {
        let library = library_of(&*self.engine().await?);
        let (days, used, refunded) = library.credits().await?;
        let disk_bytes = tokio::task::spawn_blocking(move || library.disk_used())
            .await
            .unwrap_or(0);
        Ok(CreditsSummary {
            days,
            used,
            refunded,
            disk_bytes,
        })
    }

    /// Writes the library to `path` (chosen by the person); returns the path written.
    pub async fn export(&self, path: &Path) -> Result<String, DeskError> {
        library_of(&*self.engine().await?).export(path).await?;
        Ok(path.display().to_string())
    }

    /// Imports the export at `path` (read on a blocking thread: a slow or hostile file
    /// stalls nothing else).
    pub async fn import(&self, path: &Path) -> Result<ImportResult, DeskError> {
        let (added, skipped) = library_of(&*self.engine().await?).import(path).await?;
        Ok(ImportResult {
            added: added as u32,
            skipped: skipped as u32,
        })
    }

    pub async fn budget(&self) -> Result<crate::budget::BudgetStatus, DeskError> {
        let engine = self.engine().await?;
        Ok(crate::budget::status(engine.store(), engine.budget_rate()).await?)
    }

    /// The bytes of `asset` of render `job` in the running mode's history; never a path
    /// outside its `renders/` folder.
    pub async fn media(&self, asset: Asset, job: &str) -> Option<Media> {
        let running = self.engine().await.ok()?;
        let store = running.store();
        if asset == Asset::Thumb {
            let thumb = crate::preview::load(store, job).await.ok().flatten()?;
            return Some(Media::Jpeg(thumb.jpeg));
        }
        let row = crate::find_job(store, job).await.ok().flatten()?;
        let path = match asset {
            Asset::Video => row.video_path,
            _ => row.frame_path,
        }?;
        let renders = crate::render_files::renders_dir(running.history_dir());
        tokio::task::spawn_blocking(move || inside(&renders, Path::new(&path)))
            .await
            .ok()
            .flatten()
            .map(Media::File)
    }
}

/// Reads of one mode's history without starting its engine (the command line's `status`,
/// `list`, `export`, `import`: another process may be working on the same history).
impl Desk {
    async fn library_in(&self, mode: ConnectionMode) -> Result<Library, DeskError> {
        Ok(Library::new(
            self.history(mode).await?,
            mode.history_dir(self.data_dir()),
        ))
    }

    /// The job `reference` names (a local id `j…` or a task id `sd2_…`) in `mode`'s history.
    pub async fn find_in(&self, mode: ConnectionMode, reference: &str) -> Result<Job, DeskError> {
        let store = self.history(mode).await?;
        let mut job = crate::find_job(&store, reference).await?.ok_or_else(|| {
            DeskError::invalid(
                "job",
                format!(
                    "No job {reference:?} in this history (a job id like j…, or a task id like sd2_…; `seedance list` shows them; add --sandbox for the Sandbox history)"
                ),
            )
        })?;
        crate::tags::fill(&store, std::slice::from_mut(&mut job)).await?;
        Ok(job)
    }

    /// Writes the evidence pack of the job `reference` names in `mode`'s history to `out`.
    pub async fn evidence_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        out: &Path,
    ) -> Result<crate::evidence::Pack, DeskError> {
        let job = self.find_in(mode, reference).await?;
        let store = self.history(mode).await?;
        Ok(crate::evidence::write_pack(&store, &job, out).await?)
    }

    /// Adds (`on`) or removes `tags` on the job `reference` names in `mode`'s history;
    /// returns the job with its tags.
    pub async fn tag_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        tags: &[String],
        on: bool,
    ) -> Result<Job, DeskError> {
        let mut job = self.find_in(mode, reference).await?;
        let store = self.history(mode).await?;
        job.tags = if on {
            crate::tags::add(&store, &job.id, tags).await?
        } else {
            crate::tags::remove(&store, &job.id, tags).await?
        };
        Ok(job)
    }

    /// The newest renders of `mode`'s history that match `filter`.
    pub async fn list_in(
        &self,
        mode: ConnectionMode,
        filter: &Filter,
        limit: u32,
    ) -> Result<Vec<Job>, DeskError> {
        Ok(self.page_in(mode, filter, None, limit).await?.jobs)
    }

    /// A page of `mode`'s renders that match `filter`, newest first, after `after`.
    pub async fn page_in(
        &self,
        mode: ConnectionMode,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<crate::library::Page, DeskError> {
        Ok(self
            .library_in(mode)
            .await?
            .page(filter, after, limit)
            .await?)
    }

    /// Writes `mode`'s library to `path`; returns how many renders.
    pub async fn export_in(&self, mode: ConnectionMode, path: &Path) -> Result<usize, DeskError> {
        Ok(self.library_in(mode).await?.export(path).await?)
    }

    /// Imports the export at `path` into `mode`'s history: (added, already there).
    pub async fn import_in(
        &self,
        mode: ConnectionMode,
        path: &Path,
    ) -> Result<(usize, usize), DeskError> {
        Ok(self.library_in(mode).await?.import(path).await?)
    }
}

/// `path`, if it resolves to a file inside `dir`.
fn inside(dir: &Path, path: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    (path.starts_with(&dir) && path.is_file()).then_some(path)
}

/// The name a saved video is offered under: the prompt's first words (letters and digits of
/// any script, joined by `-`, at most 48 characters), or `seedance-render` when it has none.
pub fn video_file_name(prompt: &str) -> String {
    let mut name = String::new();
    for word in prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let extra = usize::from(!name.is_empty()) + word.chars().count();
        if name.chars().count() + extra > 48 {
            break;
        }
        if !name.is_empty() {
            name.push('-');
        }
        name.push_str(&word.to_lowercase());
    }
    if name.is_empty() {
        name.push_str("seedance-render");
    }
    name + ".mp4"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_video_is_named_after_its_prompt() {
        assert_eq!(
            video_file_name("A red kite over the dunes, at dusk."),
            "a-red-kite-over-the-dunes-at-dusk.mp4"
        );
        assert_eq!(video_file_name("夕暮れの 砂丘"), "夕暮れの-砂丘.mp4");
        assert_eq!(video_file_name("../../etc/passwd"), "etc-passwd.mp4");
        assert_eq!(video_file_name("  ...  "), "seedance-render.mp4");
        let long = video_file_name(&"word ".repeat(40));
        assert!(long.chars().count() <= 48 + 4, "{long}");
        assert!(long.ends_with("word.mp4"), "cut at a word: {long}");
    }

    #[test]
    fn only_files_inside_the_renders_folder() {
        let dir = tempfile::tempdir().unwrap();
        let renders = dir.path().join("renders");
        std::fs::create_dir_all(renders.join("j1")).unwrap();
        std::fs::write(renders.join("j1/video.mp4"), b"x").unwrap();
        std::fs::write(dir.path().join("studio.db"), b"x").unwrap();
        assert!(inside(&renders, &renders.join("j1/video.mp4")).is_some());
        assert!(inside(&renders, &renders.join("j1/../../studio.db")).is_none());
        assert!(inside(&renders, &dir.path().join("studio.db")).is_none());
        assert!(inside(&renders, &renders.join("j1")).is_none(), "a folder");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("studio.db"), renders.join("j1/link.mp4"))
                .unwrap();
            assert!(
                inside(&renders, &renders.join("j1/link.mp4")).is_none(),
                "a link out"
            );
        }
    }
}
