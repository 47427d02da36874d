//! Projects, shots and takes in the history's database (migration 12): created from a
//! storyboard in one transaction, found by id or exact name, read back as a storyboard,
//! and what a project has spent, from the credit ledger (so a render deleted from the
//! Library still counts against its project's budget).

use sqlx::types::Json;

use super::{Chain, Settings, ShotPlan, Storyboard};
use crate::JobState;
use crate::clock::now_ms;
use crate::store::Store;

/// Why a project could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("a project named {0:?} exists already: import under another name with --name")]
    NameTaken(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A project as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub notes: String,
    pub budget: Option<i64>,
    pub defaults: Json<Settings>,
    pub created_at: i64,
    pub updated_at: i64,
    /// A person stopped its render: nothing more is sent until it is rendered again.
    pub stopped: bool,
}

/// A shot as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Shot {
    pub id: String,
    pub project_id: String,
    /// 1 for the first.
    pub position: i64,
    pub title: String,
    pub prompt: String,
    pub chain: Chain,
    pub settings: Json<Settings>,
    pub seed: Option<i64>,
    pub image: Option<String>,
    pub end_image: Option<String>,
    pub media: Json<Vec<String>>,
    pub selected_job: Option<String>,
    pub stale: bool,
}

impl Shot {
    /// The shot as a storyboard plans it.
    pub fn plan(&self) -> ShotPlan {
        ShotPlan {
            title: self.title.clone(),
            prompt: self.prompt.clone(),
            chain: self.chain,
            seed: self.seed,
            settings: self.settings.0.clone(),
            image: self.image.clone(),
            end_image: self.end_image.clone(),
            media: self.media.0.clone(),
        }
    }
}

/// A take: one render of a shot, with where its job stands (when the job still exists).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Take {
    pub job_id: String,
    pub shot_id: String,
    pub rating: Option<i64>,
    pub rejected: bool,
    pub created_at: i64,
    pub state: Option<JobState>,
    pub video_path: Option<String>,
    pub frame_path: Option<String>,
    pub credits_used: Option<i64>,
}

const PROJECT_COLUMNS: &str = "id, name, notes, budget, defaults, created_at, updated_at, stopped";
const SHOT_COLUMNS: &str = "id, project_id, position, title, prompt, chain, settings, seed, image, \
     end_image, media, selected_job, stale";

fn new_id(prefix: &str, now: i64) -> String {
    format!("{prefix}{}", crate::random::uuid_v7(now).simple())
}

/// Creates a project with its shots from `board`, all or nothing.
pub async fn create(store: &Store, board: &Storyboard) -> Result<Project, RecordError> {
    let now = now_ms();
    let mut tx = store.write().await?;
    let taken: Option<String> = sqlx::query_scalar("SELECT id FROM projects WHERE name = ?")
        .bind(&board.name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(RecordError::NameTaken(board.name.clone()));
    }
    let id = new_id("p", now);
    sqlx::query(
        "INSERT INTO projects (id, name, notes, budget, defaults, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&board.name)
    .bind(&board.notes)
    .bind(board.budget.map(|b| b as i64))
    .bind(Json(&board.defaults))
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for (i, shot) in board.shots.iter().enumerate() {
        sqlx::query(
            "INSERT INTO shots (id, project_id, position, title, prompt, chain, settings, seed, image, end_image, media) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(new_id("s", now))
        .bind(&id)
        .bind(i as i64 + 1)
        .bind(&shot.title)
        .bind(&shot.prompt)
        .bind(shot.chain)
        .bind(Json(&shot.settings))
        .bind(shot.seed)
        .bind(&shot.image)
        .bind(&shot.end_image)
        .bind(Json(&shot.media))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(find(store, &id).await?.expect("just created"))
}

/// Every project, newest first.
pub async fn list(store: &Store) -> Result<Vec<Project>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROJECT_COLUMNS} FROM projects ORDER BY created_at DESC, id DESC"
    ))
    .fetch_all(store.pool())
    .await
}

/// The project `reference` names: its id, or its exact name.
pub async fn find(store: &Store, reference: &str) -> Result<Option<Project>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROJECT_COLUMNS} FROM projects WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1"
    ))
    .bind(reference)
    .fetch_optional(store.pool())
    .await
}

/// A project's shots, in order.
pub async fn shots(store: &Store, project_id: &str) -> Result<Vec<Shot>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {SHOT_COLUMNS} FROM shots WHERE project_id = ? ORDER BY position, id"
    ))
    .bind(project_id)
    .fetch_all(store.pool())
    .await
}

/// A project's takes, oldest first, with their jobs where they still exist.
pub async fn takes(store: &Store, project_id: &str) -> Result<Vec<Take>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.job_id, t.shot_id, t.rating, t.rejected, t.created_at, j.state, j.video_path, \
         j.frame_path, j.credits_used \
         FROM takes t LEFT JOIN jobs j ON j.id = t.job_id WHERE t.project_id = ? \
         ORDER BY t.created_at, t.job_id",
    )
    .bind(project_id)
    .fetch_all(store.pool())
    .await
}

/// The credits a project's renders were charged, less refunds, from the credit ledger.
pub async fn spent(store: &Store, project_id: &str) -> Result<u64, sqlx::Error> {
    let spent: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(l.used - l.refunded), 0) FROM credit_ledger l \
         JOIN takes t ON t.job_id = l.job_id WHERE t.project_id = ?",
    )
    .bind(project_id)
    .fetch_one(store.pool())
    .await?;
    Ok(spent.max(0) as u64)
}

/// Sets (or, with `None`, removes) a project's budget.
pub async fn set_budget(
    store: &Store,
    project_id: &str,
    budget: Option<u64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET budget = ?, updated_at = ? WHERE id = ?")
        .bind(budget.map(|b| b as i64))
        .bind(now_ms())
        .bind(project_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Deletes a project with its shots and takes; its renders stay in the Library.
pub async fn delete(store: &Store, project_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM projects WHERE id = ?")
        .bind(project_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// A project as a storyboard, for export.
pub async fn storyboard(store: &Store, project: &Project) -> Result<Storyboard, sqlx::Error> {
    Ok(Storyboard {
        name: project.name.clone(),
        notes: project.notes.clone(),
        budget: project.budget.map(|b| b.max(0) as u64),
        defaults: project.defaults.0.clone(),
        shots: shots(store, &project.id)
            .await?
            .iter()
            .map(Shot::plan)
            .collect(),
    })
}
