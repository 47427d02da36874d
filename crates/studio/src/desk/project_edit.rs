//! Editing a project's storyboard in place: a new project, shots added, changed,
//! duplicated, moved and deleted (each change checked as an import checks a shot: every
//! problem at once, nothing stored), and takes rated or rejected. A shot's takes stay with
//! it whatever changes; its renders stay in the Library when it goes.

use crate::estimate;
use crate::project::ShotPlan;
use crate::project::edits;
use crate::project::records::{self, Project, Shot};
use crate::project::storyboard::check_shot;
use crate::store::Store;

use super::projects::{find, view};
use super::{Desk, DeskError, DraftCheck, ProjectView};

impl Desk {
    async fn running_store(&self) -> Result<Store, DeskError> {
        Ok(self.engine().await?.store().clone())
    }

    /// A new project with no shots yet.
    pub async fn project_new(&self, name: &str) -> Result<ProjectView, DeskError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(DeskError::invalid("name", "a project needs a name"));
        }
        let store = self.running_store().await?;
        let project = edits::create_empty(&store, name).await?;
        view(&store, &project).await
    }

    /// Whether the running mode takes plain-http references on this machine (the Sandbox,
    /// with local storage), as a draft sent from the composer does.
    async fn references_on_loopback(&self) -> bool {
        match self.mode().await {
            Some(mode) => self.base_is_loopback(mode).await.unwrap_or(false),
            None => false,
        }
    }

    /// Adds `plan` as shot `index` (1 for the first; past the end appends).
    pub async fn shot_add(
        &self,
        reference: &str,
        index: u32,
        plan: &ShotPlan,
    ) -> Result<ProjectView, DeskError> {
        let store = self.running_store().await?;
        let project = find(&store, reference).await?;
        let count = records::shots(&store, &project.id).await?.len();
        let at = (index as usize).clamp(1, count + 1);
        checked(&project, plan, at, self.references_on_loopback().await)?;
        edits::insert_shot(&store, &project.id, at as i64, plan).await?;
        view(&store, &project).await
    }

    /// Replaces what shot `index` plans; its takes stay.
    pub async fn shot_update(
        &self,
        reference: &str,
        index: u32,
        plan: &ShotPlan,
    ) -> Result<ProjectView, DeskError> {
        let (store, project, shot) = self.shot_at(reference, index).await?;
        checked(
            &project,
            plan,
            index as usize,
            self.references_on_loopback().await,
        )?;
        edits::update_shot(&store, &shot, plan).await?;
        view(&store, &project).await
    }

    /// Checks `plan` as shot `index` of the project (1 for the first) as the composer
    /// edits it: every problem by field (`shots[N].…`), the prompt advice, and what one
    /// take costs. Nothing is stored.
    pub async fn shot_check(
        &self,
        reference: &str,
        index: u32,
        plan: &ShotPlan,
    ) -> Result<DraftCheck, DeskError> {
        let store = self.running_store().await?;
        let project = find(&store, reference).await?;
        let request = plan.request_as_planned(&project.defaults.0);
        Ok(DraftCheck {
            problems: check_shot(
                &project.defaults.0,
                plan,
                index.max(1) as usize,
                None,
                self.references_on_loopback().await,
            ),
            lint: seedance_api::lint_prompt(&request),
            estimate: estimate::estimate(&store, &request).await?,
            choices: estimate::choices(&store, &request).await?,
            spend_guard: None,
        })
    }

    /// A copy of shot `index` (without its takes) just after it.
    pub async fn shot_duplicate(
        &self,
        reference: &str,
        index: u32,
    ) -> Result<ProjectView, DeskError> {
        let (store, project, shot) = self.shot_at(reference, index).await?;
        edits::insert_shot(&store, &project.id, shot.position + 1, &shot.plan()).await?;
        view(&store, &project).await
    }

    /// Moves shot `index` to `to` (1 for the first); the shot that ends up first stands alone.
    pub async fn shot_move(
        &self,
        reference: &str,
        index: u32,
        to: u32,
    ) -> Result<ProjectView, DeskError> {
        let (store, project, shot) = self.shot_at(reference, index).await?;
        edits::move_shot(&store, &shot, i64::from(to)).await?;
        view(&store, &project).await
    }

    /// Removes shot `index`; its renders stay in the Library.
    pub async fn shot_delete(&self, reference: &str, index: u32) -> Result<ProjectView, DeskError> {
        let (store, project, shot) = self.shot_at(reference, index).await?;
        edits::delete_shot(&store, &shot).await?;
        view(&store, &project).await
    }

    /// Rates a take (1 to 5, or none) and rejects it (a rejected take does not count
    /// towards a shot's takes, and is never the one used) or takes that back.
    pub async fn take_judge(
        &self,
        reference: &str,
        job: &str,
        rating: Option<u8>,
        rejected: bool,
    ) -> Result<ProjectView, DeskError> {
        if rating.is_some_and(|r| !(1..=5).contains(&r)) {
            return Err(DeskError::invalid("rating", "a rating is 1 to 5 stars"));
        }
        let store = self.running_store().await?;
        let project = find(&store, reference).await?;
        let found = records::takes(&store, &project.id)
            .await?
            .iter()
            .any(|t| t.job_id == job);
        if !found || !edits::judge_take(&store, job, rating.map(i64::from), rejected).await? {
            return Err(DeskError::invalid(
                "job",
                format!("{job} is no take of {}", project.name),
            ));
        }
        view(&store, &project).await
    }

    async fn shot_at(
        &self,
        reference: &str,
        index: u32,
    ) -> Result<(Store, Project, Shot), DeskError> {
        let store = self.running_store().await?;
        let project = find(&store, reference).await?;
        let shots = records::shots(&store, &project.id).await?;
        let count = shots.len();
        let shot = shots
            .into_iter()
            .find(|s| s.position == i64::from(index))
            .ok_or_else(|| {
                DeskError::invalid(
                    "shot",
                    format!(
                        "{} has shots 1 to {count}; there is no shot {index}",
                        project.name
                    ),
                )
            })?;
        Ok((store, project, shot))
    }
}

/// Refuses a shot with every one of its problems, as an import would.
fn checked(
    project: &Project,
    plan: &ShotPlan,
    index: usize,
    base_is_loopback: bool,
) -> Result<(), DeskError> {
    let problems = check_shot(&project.defaults.0, plan, index, None, base_is_loopback);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DeskError::problems("The shot has problems", problems))
    }
}
