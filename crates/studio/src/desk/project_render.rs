//! Rendering a project on the running connection: the estimate first, against the budget
//! (a ceiling no confirmation passes) and the spend guard; then the takes go out as the
//! plan (`project::plan`) says, each checked against the budget again in its own job's
//! transaction, chained shots as soon as the take they follow is ready (its output URL
//! while the service serves it, else its local copy through the person's storage). Any
//! process with the desk open drives the renders that are on, so a render goes on after a
//! crash, and two processes on one folder send each take once.

use std::time::Duration;

use serde::Serialize;

use crate::engine::Submission;
use crate::estimate;
use crate::extend::ExtendFrom;
use crate::project::Chain;
use crate::project::plan::{self, Outlook, Step};
use crate::project::records::{self, NeedCode, Project, RenderAsk, Shot, ShotNeed, TakeOf};

use super::projects::{estimate_of, find, view};
use super::submit::spend_rules;
use super::{Desk, DeskError, MoneyRule, OverLimit, ProjectEstimate, ProjectView};

/// What a render started with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RenderStart {
    pub estimate: ProjectEstimate,
    /// Takes sent at once (the rest follow as the takes they are chained from are ready).
    pub sent: u32,
    pub project: ProjectView,
}

/// How often a driver looks again when no job changes.
const LOOK_AGAIN: Duration = Duration::from_secs(3);

impl Desk {
    /// Starts (or takes up again) a project's render: refused with the figures, nothing
    /// sent, when its estimate would pass the budget (`--yes` never passes it) or, unless
    /// `confirmed_spend`, the spend guard.
    pub async fn project_render(
        &self,
        reference: &str,
        ask: RenderAsk,
        confirmed_spend: bool,
    ) -> Result<RenderStart, DeskError> {
        let settings = self.settings().await?;
        let engine = self.engine().await?;
        let store = engine.store().clone();
        drop(engine);
        let project = find(&store, reference).await?;
        let estimate = estimate_of(&store, &project, ask.takes, ask.canary).await?;
        let committed = {
            let mut conn = store.pool().acquire().await?;
            records::committed(&mut conn, &project.id).await?
        };
        if let Some(budget) = estimate.budget
            && committed + estimate.estimated_credits > budget
        {
            return Err(DeskError::over_limit(
                OverLimit {
                    rule: MoneyRule::ProjectBudget,
                    estimated_credits: committed + estimate.estimated_credits,
                    limit: budget,
                },
                format!(
                    "Rendering {} would bring it to {} credits ({committed} spent or held, {} estimated), over its budget of {budget}; nothing was sent. Raise the budget with `seedance project budget` to render it.",
                    project.name,
                    committed + estimate.estimated_credits,
                    estimate.estimated_credits
                ),
            ));
        }
        let what = format!("Rendering {}", project.name);
        self.within_allowance(estimate.estimated_credits, &what, async |allowed| {
            spend_rules(
                &settings,
                estimate.estimated_credits,
                None,
                allowed || confirmed_spend,
            )?;
            Ok(records::start_render(&store, &project.id, ask).await?)
        })
        .await?;
        let outlook = self.project_step(&project.id).await?;
        let project = find(&store, &project.id).await?;
        Ok(RenderStart {
            estimate,
            sent: outlook.steps.len() as u32,
            project: view(&store, &project).await?,
        })
    }

    /// A project with its shots, from the running connection's history.
    pub async fn project_show(&self, reference: &str) -> Result<ProjectView, DeskError> {
        let store = self.engine().await?.store().clone();
        view(&store, &find(&store, reference).await?).await
    }

    /// Stops a project's render: nothing more is sent; what is in flight finishes.
    pub async fn project_stop(&self, reference: &str) -> Result<ProjectView, DeskError> {
        let store = self.engine().await?.store().clone();
        let project = find(&store, reference).await?;
        records::stop_render(&store, &project.id).await?;
        view(&store, &find(&store, &project.id).await?).await
    }

    /// Picks `job` as the take shot `index` (1 for the first) uses; the shots chained from
    /// it are stale from then on (their takes kept; rendering again makes fresh ones).
    pub async fn project_select(
        &self,
        reference: &str,
        index: u32,
        job: &str,
    ) -> Result<ProjectView, DeskError> {
        let store = self.engine().await?.store().clone();
        let project = find(&store, reference).await?;
        let shots = records::shots(&store, &project.id).await?;
        let shot = shots
            .iter()
            .find(|s| s.position == i64::from(index))
            .ok_or_else(|| {
                DeskError::invalid(
                    "shot",
                    format!(
                        "{} has shots 1 to {}; there is no shot {index}",
                        project.name,
                        shots.len()
                    ),
                )
            })?;
        let takes = records::takes(&store, &project.id).await?;
        let take = takes
            .iter()
            .find(|t| t.shot_id == shot.id && (t.job_id == job))
            .ok_or_else(|| {
                DeskError::invalid(
                    "job",
                    format!(
                        "{job} is no take of shot {index} (`seedance project show` lists them)"
                    ),
                )
            })?;
        if take.state != Some(crate::JobState::Ready) {
            return Err(DeskError::invalid(
                "job",
                format!("{job} is not ready: only a ready take can be selected"),
            ));
        }
        records::select(&store, &shot.id, job).await?;
        view(&store, &project).await
    }

    /// Sends what a project's render can send now; says where it stands.
    pub async fn project_step(&self, project_id: &str) -> Result<Outlook, DeskError> {
        let store = self.engine().await?.store().clone();
        let project = find(&store, project_id).await?;
        let shots = records::shots(&store, &project.id).await?;
        let takes = records::takes(&store, &project.id).await?;
        let mut outlook = plan::next(&project, &shots, &takes);
        let mut sent = Vec::new();
        for step in std::mem::take(&mut outlook.steps) {
            let shot = shots
                .iter()
                .find(|s| s.id == step.shot_id)
                .expect("a step is of a shot of the project");
            match self.send_take(&project, shot, &step).await {
                Ok(()) => sent.push(step),
                Err(e) if e.over_limit.is_some() => {
                    tracing::warn!(project = %project.id, "{}", e.message);
                    break;
                }
                Err(e) => {
                    tracing::warn!(project = %project.id, shot = shot.position, "take not sent: {}", e.message)
                }
            }
        }
        let nothing_sent = sent.is_empty();
        outlook.steps = sent;
        if project.rendering() && nothing_sent && outlook.settled() {
            records::finish_render(&store, &project.id, project.updated_at).await?;
        }
        Ok(outlook)
    }

    async fn send_take(
        &self,
        project: &Project,
        shot: &Shot,
        step: &Step,
    ) -> Result<(), DeskError> {
        let mut uploads = Vec::new();
        let previous = match &step.source_job {
            Some(source) => {
                let which = if shot.chain == Chain::Clip {
                    ExtendFrom::Clip
                } else {
                    ExtendFrom::Frame
                };
                let reference = match self.render_reference(source, which, |_, _| {}).await {
                    Ok(reference) => reference,
                    Err(e) => {
                        let need = need_of(shot, source, &e);
                        records::set_need(self.engine().await?.store(), &shot.id, Some(&need))
                            .await?;
                        return Err(e);
                    }
                };
                if !reference.key.is_empty() {
                    uploads.push(reference.key);
                }
                Some(reference.url)
            }
            None => None,
        };
        let request = shot
            .plan()
            .request(&project.defaults.0, previous.as_deref());
        let engine = self.engine().await?;
        let estimated = estimate::estimate(engine.store(), &request).await?;
        let take = TakeOf {
            project_id: project.id.clone(),
            shot_id: shot.id.clone(),
            slot: step.slot,
            attempt: step.attempt,
            source_job: step.source_job.clone(),
            estimated_credits: estimated.credits,
        };
        let job = engine
            .submit_with(
                &request,
                Submission {
                    submission_id: Some(&step.submission_id),
                    uploads: &uploads,
                    take: Some(&take),
                    ..Submission::default()
                },
            )
            .await?;
        records::set_need(engine.store(), &shot.id, None).await?;
        tracing::info!(project = %project.id, shot = shot.position, job = %job.id, "take sent");
        Ok(())
    }

    /// Sends what every project whose render is on can send now.
    pub async fn drive_projects_once(&self) -> Result<(), DeskError> {
        let store = self.engine().await?.store().clone();
        for project in records::rendering(&store).await? {
            self.project_step(&project.id).await?;
        }
        Ok(())
    }

    /// Drives every project whose render is on, for as long as it is called: after each
    /// change of a job, and every few seconds. The window runs it while the app is open.
    pub async fn drive_projects(&self) {
        loop {
            let events = self.engine().await.ok().map(|running| running.subscribe());
            if let Err(e) = self.drive_projects_once().await {
                tracing::debug!("projects not driven: {}", e.message);
            }
            match events {
                Some(mut events) => {
                    let _ = tokio::time::timeout(LOOK_AGAIN, async {
                        while let Ok(event) = events.recv().await {
                            if event.is_change() {
                                break;
                            }
                        }
                    })
                    .await;
                }
                None => tokio::time::sleep(LOOK_AGAIN).await,
            }
        }
    }
}

/// What `shot` needs, said from why the take it is chained from (`source`) could not be
/// made its reference.
fn need_of(shot: &Shot, source: &str, error: &DeskError) -> ShotNeed {
    let before = shot.position - 1;
    let (code, message) = match error.kind {
        super::ErrorKind::NeedsStorage => (
            NeedCode::Storage,
            format!(
                "Shot {} follows take {source} of shot {before}, whose output URL has expired; its local copy can only go through upload storage. Set up storage in Settings, then render again.",
                shot.position
            ),
        ),
        super::ErrorKind::Invalid => (
            NeedCode::LocalCopy,
            format!(
                "Shot {} follows take {source} of shot {before}, whose output URL has expired and whose local copy is gone. Select or render another take of shot {before}.",
                shot.position
            ),
        ),
        _ => (
            NeedCode::Reference,
            format!(
                "Shot {} follows take {source} of shot {before}, whose copy could not be sent: {}",
                shot.position, error.message
            ),
        ),
    };
    ShotNeed {
        code,
        source_job: source.to_string(),
        message,
    }
}
