//! The project verbs over a mode's history: import a storyboard file (every problem at
//! once, nothing created), list, show (shots with their status and takes), estimate
//! (every shot, every take still to render, against the budget and what was spent),
//! export, set the budget, delete (the renders stay in the Library).

use std::path::Path;

use serde::Serialize;

use crate::connection::ConnectionMode;
use crate::estimate;
use crate::job::JobState;
use crate::project::plan;
use crate::project::records::{self, Project, RecordError, Shot, ShotNeed, Take};
use crate::project::storyboard::{self, Format};
use crate::project::{Chain, Direction, Edit, Settings};
use crate::store::Store;

use super::{Desk, DeskError};

/// Where a shot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ShotStatus {
    /// Never rendered.
    Draft,
    /// Waiting for the take it is chained from.
    Waiting,
    /// A take is queued or being sent.
    Queued,
    /// A take is rendering or downloading.
    Rendering,
    /// It has a ready take, selected.
    Ready,
    /// Every take failed (or was given up).
    Failed,
    /// The take it is chained from changed since it was rendered.
    Stale,
}

/// One render of a shot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TakeView {
    pub job_id: String,
    /// Where its job stands; `None` once the render was deleted from the Library.
    pub status: Option<JobState>,
    pub selected: bool,
    pub rating: Option<i64>,
    pub rejected: bool,
    /// Made from a take of the shot before that is no longer the selected one.
    pub stale: bool,
    pub video_path: Option<String>,
    pub credits_used: Option<i64>,
}

/// One shot with its takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShotView {
    /// 1 for the first.
    pub index: u32,
    pub title: String,
    pub prompt: String,
    pub chain: Chain,
    /// Where it differs from the project.
    pub settings: Settings,
    pub seed: Option<i64>,
    pub image: Option<String>,
    pub end_image: Option<String>,
    pub media: Vec<String>,
    /// The director's fields its prompt was built from, when it was directed.
    pub direction: Option<Direction>,
    pub status: ShotStatus,
    /// What it needs before it can be sent, when its last try could not be.
    pub needs: Option<ShotNeed>,
    /// Its edit decisions in the cut: in and out points, the transition into the next.
    pub edit: Edit,
    pub takes: Vec<TakeView>,
}

/// A project with its shots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectView {
    pub id: String,
    pub name: String,
    pub notes: String,
    pub budget: Option<u64>,
    /// Credits its renders were charged, less refunds.
    pub spent: u64,
    pub defaults: Settings,
    pub created_at: i64,
    /// Its render is on (asked for, not stopped).
    pub rendering: bool,
    pub shots: Vec<ShotView>,
}

/// A project in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectSummary {
    pub id: String,
    pub name: String,
    pub budget: Option<u64>,
    pub spent: u64,
    pub shots: u32,
    pub ready: u32,
    pub created_at: i64,
}

/// What one shot's takes still to render will cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShotEstimate {
    pub index: u32,
    /// Takes still to render to have the number asked for.
    pub takes: u32,
    pub estimated_credits: u64,
    /// What one take costs, and where the figure comes from.
    pub per_take: estimate::Estimate,
}

/// What rendering a project would cost, against its budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectEstimate {
    pub budget: Option<u64>,
    pub spent: u64,
    pub estimated_credits: u64,
    /// The budget less what was spent (`None` without a budget).
    pub remaining: Option<i64>,
    pub shots: Vec<ShotEstimate>,
}

/// What is known of each shot: its takes, the take it is chained from, the takes made
/// from that one, and the take it uses.
struct Facts<'a> {
    shot: &'a Shot,
    own: Vec<&'a Take>,
    source: Option<String>,
    current: Vec<&'a Take>,
    chosen: Option<&'a Take>,
}

fn facts<'a>(shots: &'a [Shot], takes: &'a [Take]) -> Vec<Facts<'a>> {
    let mut out: Vec<Facts<'a>> = Vec::new();
    for shot in shots {
        let own: Vec<&Take> = takes.iter().filter(|t| t.shot_id == shot.id).collect();
        let source = match shot.chain {
            Chain::None => None,
            _ => out
                .last()
                .and_then(|prev| prev.chosen)
                .filter(|t| t.state == Some(JobState::Ready))
                .map(|t| t.job_id.clone()),
        };
        let current = plan::current(shot, &own, source.as_deref());
        let chosen = plan::selected(shot, &current);
        out.push(Facts {
            shot,
            own,
            source,
            current,
            chosen,
        });
    }
    out
}

fn in_state(takes: &[&Take], states: &[JobState]) -> bool {
    takes
        .iter()
        .any(|t| t.state.is_some_and(|s| states.contains(&s)))
}

fn status_of(f: &Facts<'_>, rendering: bool) -> ShotStatus {
    let chained = f.shot.chain != Chain::None;
    if f.chosen.is_some_and(|t| t.state == Some(JobState::Ready)) {
        ShotStatus::Ready
    } else if in_state(&f.current, &[JobState::Processing, JobState::Downloading]) {
        ShotStatus::Rendering
    } else if in_state(
        &f.current,
        &[JobState::Draft, JobState::Queued, JobState::Submitting],
    ) {
        ShotStatus::Queued
    } else if chained && f.current.is_empty() && !f.own.is_empty() {
        ShotStatus::Stale
    } else if chained && f.source.is_none() && rendering {
        ShotStatus::Waiting
    } else if f.current.is_empty() {
        ShotStatus::Draft
    } else {
        ShotStatus::Failed
    }
}

/// Takes that count towards "N takes": made from the current source, and standing (in
/// flight, or ready and not rejected).
fn counts(take: &Take) -> bool {
    !take.rejected
        && !matches!(
            take.state,
            None | Some(JobState::Failed | JobState::Expired | JobState::NeedsAttention)
        )
}

pub(super) async fn view(store: &Store, project: &Project) -> Result<ProjectView, DeskError> {
    let shots = records::shots(store, &project.id).await?;
    let takes = records::takes(store, &project.id).await?;
    let shots = facts(&shots, &takes)
        .iter()
        .map(|f| ShotView {
            index: f.shot.position as u32,
            title: f.shot.title.clone(),
            prompt: f.shot.prompt.clone(),
            chain: f.shot.chain,
            settings: f.shot.settings.0.clone(),
            seed: f.shot.seed,
            image: f.shot.image.clone(),
            end_image: f.shot.end_image.clone(),
            media: f.shot.media.0.clone(),
            direction: f.shot.direction.as_ref().map(|d| d.0.clone()),
            status: status_of(f, project.rendering()),
            needs: f.shot.needs.as_ref().map(|n| n.0.clone()),
            edit: f.shot.edit.0,
            takes: f
                .own
                .iter()
                .map(|t| TakeView {
                    job_id: t.job_id.clone(),
                    status: t.state,
                    selected: f.chosen.is_some_and(|c| c.job_id == t.job_id),
                    rating: t.rating,
                    rejected: t.rejected,
                    stale: f.shot.chain != Chain::None
                        && t.source_job.is_some()
                        && t.source_job != f.source,
                    video_path: t.video_path.clone(),
                    credits_used: t.credits_used,
                })
                .collect(),
        })
        .collect();
    Ok(ProjectView {
        id: project.id.clone(),
        name: project.name.clone(),
        notes: project.notes.clone(),
        budget: project.budget.map(|b| b.max(0) as u64),
        spent: records::spent(store, &project.id).await?,
        defaults: project.defaults.0.clone(),
        created_at: project.created_at,
        rendering: project.rendering(),
        shots,
    })
}

/// The project `reference` names in `store` (its id or exact name), or an error saying how
/// to find one.
pub(super) async fn find(store: &Store, reference: &str) -> Result<Project, DeskError> {
    records::find(store, reference).await?.ok_or_else(|| {
        DeskError::invalid(
            "project",
            format!(
                "No project {reference:?} in this history (an id like p…, or the exact name; `seedance project list` shows them; add --sandbox for the Sandbox history)"
            ),
        )
    })
}

/// What rendering `project` up to `takes` takes per shot would cost (the first shot alone
/// for a `canary`), against its budget.
pub(super) async fn estimate_of(
    store: &Store,
    project: &Project,
    takes: u32,
    canary: bool,
) -> Result<ProjectEstimate, DeskError> {
    let shots_of = records::shots(store, &project.id).await?;
    let all_takes = records::takes(store, &project.id).await?;
    let mut shots = Vec::new();
    for f in facts(&shots_of, &all_takes) {
        if canary && f.shot.position > 1 {
            break;
        }
        let have = f.current.iter().filter(|t| counts(t)).count() as u32;
        let needed = takes.saturating_sub(have);
        // What a chain brings does not change the price: a stand-in will do.
        let request = f.shot.plan().request_as_planned(&project.defaults.0);
        let per_take = estimate::estimate(store, &request).await?;
        shots.push(ShotEstimate {
            index: f.shot.position as u32,
            takes: needed,
            estimated_credits: per_take.credits * u64::from(needed),
            per_take,
        });
    }
    let spent = records::spent(store, &project.id).await?;
    let budget = project.budget.map(|b| b.max(0) as u64);
    Ok(ProjectEstimate {
        budget,
        spent,
        estimated_credits: shots.iter().map(|s| s.estimated_credits).sum(),
        remaining: budget.map(|b| b as i64 - spent as i64),
        shots,
    })
}

impl From<RecordError> for DeskError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::NameTaken(_) => DeskError::invalid("name", e),
            RecordError::Db(e) => e.into(),
        }
    }
}

impl Desk {
    /// Reads a storyboard file (`.md`, `.csv` or `.json`) and creates its project in
    /// `mode`'s history; every problem is listed and nothing is created when there are any.
    pub async fn project_import_in(
        &self,
        mode: ConnectionMode,
        file: &Path,
        name: Option<&str>,
    ) -> Result<ProjectView, DeskError> {
        let format = Format::of_path(file).ok_or_else(|| {
            DeskError::invalid(
                "file",
                format!(
                    "{}: a storyboard is a .md, .csv or .json file",
                    file.display()
                ),
            )
        })?;
        let text = std::fs::read_to_string(file)
            .map_err(|e| DeskError::invalid("file", format!("{}: {e}", file.display())))?;
        // A CSV names no project: the file's name does, unless --name is given.
        let stem = file.file_stem().and_then(|s| s.to_str());
        let fallback = name.or(if format == Format::Csv { stem } else { None });
        let board = storyboard::parse(&text, format, fallback).map_err(|problems| {
            DeskError::problems(&format!("{} has problems", file.display()), problems)
        })?;
        let store = self.history(mode).await?;
        let project = records::create(&store, &board).await?;
        view(&store, &project).await
    }

    /// Every project of `mode`'s history, newest first.
    pub async fn project_list_in(
        &self,
        mode: ConnectionMode,
    ) -> Result<Vec<ProjectSummary>, DeskError> {
        let store = self.history(mode).await?;
        let mut out = Vec::new();
        for project in records::list(&store).await? {
            let v = view(&store, &project).await?;
            out.push(ProjectSummary {
                ready: v
                    .shots
                    .iter()
                    .filter(|s| s.status == ShotStatus::Ready)
                    .count() as u32,
                shots: v.shots.len() as u32,
                id: v.id,
                name: v.name,
                budget: v.budget,
                spent: v.spent,
                created_at: v.created_at,
            });
        }
        Ok(out)
    }

    /// A project with its shots, their status and takes.
    pub async fn project_show_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
    ) -> Result<ProjectView, DeskError> {
        let store = self.history(mode).await?;
        view(&store, &find(&store, reference).await?).await
    }

    /// What rendering every shot up to `takes` takes would cost, against the budget.
    pub async fn project_estimate_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        takes: u32,
    ) -> Result<ProjectEstimate, DeskError> {
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        estimate_of(&store, &project, takes, false).await
    }

    /// Writes a project as a storyboard file, in the form its extension says.
    pub async fn project_export_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        file: &Path,
    ) -> Result<(), DeskError> {
        let format = Format::of_path(file).ok_or_else(|| {
            DeskError::invalid(
                "file",
                format!("{}: export to a .md, .csv or .json file", file.display()),
            )
        })?;
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let board = records::storyboard(&store, &project).await?;
        // Written beside it and renamed: a reader never sees half a file.
        let mut part = file.as_os_str().to_owned();
        part.push(".part");
        std::fs::write(&part, storyboard::write(&board, format))
            .and_then(|()| std::fs::rename(&part, file))
            .map_err(|e| DeskError::invalid("file", format!("{}: {e}", file.display())))
    }

    /// Sets a project's credit budget (`None`: none of its own).
    pub async fn project_budget_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        credits: Option<u64>,
    ) -> Result<ProjectView, DeskError> {
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        records::set_budget(&store, &project.id, credits).await?;
        view(&store, &find(&store, &project.id).await?).await
    }

    /// Deletes a project; its renders stay in the Library. Returns what it was.
    pub async fn project_delete_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
    ) -> Result<ProjectView, DeskError> {
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let was = view(&store, &project).await?;
        records::delete(&store, &project.id).await?;
        Ok(was)
    }
}
