//! Projects, shots and takes in the history's database (migrations 12 to 14): created from a
//! storyboard in one transaction, found by id or exact name, read back as a storyboard,
//! and what a project has spent, from the credit ledger (so a render deleted from the
//! Library still counts against its project's budget).

use sqlx::types::Json;

use super::{Chain, Direction, Edit, Settings, ShotPlan, Storyboard};
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
    /// Takes per shot its render asks for (0: never rendered).
    pub render_takes: i64,
    /// `canary` (the first shot alone) or `all`.
    pub render_scope: String,
    /// Paid attempts per take before the shot needs a person.
    pub render_max_attempts: i64,
    /// Takes in flight at once (`None`: as many as the request budget allows).
    pub render_concurrency: Option<i64>,
    /// A person stopped its render: nothing more is sent until it is rendered again.
    pub stopped: bool,
}

impl Project {
    /// Whether its render is on: asked for and not stopped.
    pub fn rendering(&self) -> bool {
        self.render_takes > 0 && !self.stopped
    }
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
    pub direction: Option<Json<Direction>>,
    /// What it needs before it can be sent, when its last try could not be.
    pub needs: Option<Json<ShotNeed>>,
    /// Its edit decisions in the cut.
    pub edit: Json<Edit>,
}

/// Why a shot could not be sent, and what would let it go: kept until it is sent, changed,
/// or rendered again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShotNeed {
    pub code: NeedCode,
    /// The take it is chained from.
    pub source_job: String,
    /// The same in English words.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NeedCode {
    /// The take's output URL has expired: its local copy goes through upload storage,
    /// and none is set up.
    Storage,
    /// The take's output URL has expired and its local copy is gone: select or render
    /// another take of the shot before.
    LocalCopy,
    /// The take's copy could not be sent (the storage refused it, or it could not be read).
    Reference,
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
            direction: self.direction.as_ref().map(|d| d.0.clone()),
            edit: self.edit.0,
        }
    }
}

/// A take: one render of a shot, with where its job stands (when the job still exists).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Take {
    pub job_id: String,
    pub shot_id: String,
    pub slot: i64,
    pub attempt: i64,
    pub source_job: Option<String>,
    pub estimated_credits: i64,
    pub rating: Option<i64>,
    pub rejected: bool,
    pub created_at: i64,
    pub state: Option<JobState>,
    pub video_path: Option<String>,
    pub frame_path: Option<String>,
    pub credits_used: Option<i64>,
}

const PROJECT_COLUMNS: &str = "id, name, notes, budget, defaults, created_at, updated_at, \
     render_takes, render_scope, render_max_attempts, render_concurrency, stopped";
const SHOT_COLUMNS: &str = "id, project_id, position, title, prompt, chain, settings, seed, image, \
     end_image, media, selected_job, direction, needs, edit";

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
        insert_row(&mut tx, &id, i as i64 + 1, shot, now).await?;
    }
    tx.commit().await?;
    Ok(find(store, &id).await?.expect("just created"))
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds what a shot plans, in the order `title, prompt, chain, settings, seed, image,
/// end_image, media, direction` (every statement that writes a shot names them so).
pub(super) fn bind_plan<'q>(query: Query<'q>, plan: &'q ShotPlan) -> Query<'q> {
    query
        .bind(&plan.title)
        .bind(&plan.prompt)
        .bind(plan.chain)
        .bind(Json(&plan.settings))
        .bind(plan.seed)
        .bind(&plan.image)
        .bind(&plan.end_image)
        .bind(Json(&plan.media))
        .bind(plan.direction.as_ref().map(Json))
}

/// Writes `plan` as shot `position` of `project_id` (the caller keeps positions dense).
pub(super) async fn insert_row(
    conn: &mut sqlx::SqliteConnection,
    project_id: &str,
    position: i64,
    plan: &ShotPlan,
    now: i64,
) -> Result<(), sqlx::Error> {
    let query = sqlx::query(
        "INSERT INTO shots (id, project_id, position, title, prompt, chain, settings, seed, image, end_image, media, direction, edit) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new_id("s", now))
    .bind(project_id)
    .bind(position);
    bind_plan(query, plan)
        .bind(Json(plan.edit))
        .execute(conn)
        .await?;
    Ok(())
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
        "SELECT t.job_id, t.shot_id, t.slot, t.attempt, t.source_job, t.estimated_credits, t.rating, t.rejected, t.created_at, j.state, j.video_path, \
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

/// A job that is a take of a project's shot: recorded with the job, in its transaction,
/// after the project's budget was checked in that same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeOf {
    pub project_id: String,
    pub shot_id: String,
    pub slot: i64,
    pub attempt: i64,
    /// The previous shot's take it is chained from.
    pub source_job: Option<String>,
    /// What it is expected to cost, held against the budget until it is charged.
    pub estimated_credits: u64,
}

/// Why a take was not recorded (and its job not created).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "this take would bring the project to {} credits, over its budget of {budget} ({committed} spent or held by renders in flight, {estimated} for this one): raise the budget to render it",
        committed + estimated
    )]
    OverBudget {
        estimated: u64,
        committed: u64,
        budget: u64,
    },
    #[error("the project's render was stopped: render it again to send more")]
    Stopped,
    #[error("the project or its shot no longer exists")]
    Gone,
}

/// What a project has spent (the ledger) and holds for renders in flight that have not
/// been charged yet (their estimates), read in `conn`.
pub async fn committed(
    conn: &mut sqlx::SqliteConnection,
    project_id: &str,
) -> Result<u64, sqlx::Error> {
    let (spent, held): (i64, i64) = sqlx::query_as(
        "SELECT \
           (SELECT COALESCE(SUM(l.used - l.refunded), 0) FROM credit_ledger l \
              JOIN takes t ON t.job_id = l.job_id WHERE t.project_id = ?1), \
           (SELECT COALESCE(SUM(t.estimated_credits), 0) FROM takes t JOIN jobs j ON j.id = t.job_id \
              WHERE t.project_id = ?1 AND j.credits_used IS NULL \
              AND j.state IN ('queued', 'submitting', 'processing', 'downloading', 'needs_attention'))",
    )
    .bind(project_id)
    .fetch_one(conn)
    .await?;
    Ok((spent.max(0) + held.max(0)) as u64)
}

/// Checks `take` against its project (not stopped, within budget) and records it for
/// `job_id`, in the caller's write transaction: no other process can pass the same
/// budget between the check and the job.
pub async fn hold(
    conn: &mut sqlx::SqliteConnection,
    take: &TakeOf,
    job_id: &str,
    now: i64,
) -> Result<Result<(), Refusal>, sqlx::Error> {
    let project: Option<(Option<i64>, bool)> =
        sqlx::query_as("SELECT budget, stopped FROM projects WHERE id = ?")
            .bind(&take.project_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((budget, stopped)) = project else {
        return Ok(Err(Refusal::Gone));
    };
    if stopped {
        return Ok(Err(Refusal::Stopped));
    }
    if let Some(budget) = budget {
        let committed = committed(&mut *conn, &take.project_id).await?;
        let budget = budget.max(0) as u64;
        if committed + take.estimated_credits > budget {
            return Ok(Err(Refusal::OverBudget {
                estimated: take.estimated_credits,
                committed,
                budget,
            }));
        }
    }
    sqlx::query(
        "INSERT INTO takes (job_id, shot_id, project_id, slot, attempt, source_job, estimated_credits, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(job_id)
    .bind(&take.shot_id)
    .bind(&take.project_id)
    .bind(take.slot)
    .bind(take.attempt)
    .bind(&take.source_job)
    .bind(take.estimated_credits as i64)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// What a render of a project asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderAsk {
    pub takes: u32,
    pub canary: bool,
    pub max_attempts: u32,
    pub concurrency: Option<u32>,
}

/// Turns a project's render on with `ask` (and off its stop).
pub async fn start_render(
    store: &Store,
    project_id: &str,
    ask: RenderAsk,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE projects SET render_takes = ?, render_scope = ?, render_max_attempts = ?, \
         render_concurrency = ?, stopped = 0, updated_at = ? WHERE id = ?",
    )
    .bind(i64::from(ask.takes))
    .bind(if ask.canary { "canary" } else { "all" })
    .bind(i64::from(ask.max_attempts))
    .bind(ask.concurrency.map(i64::from))
    .bind(now_ms())
    .bind(project_id)
    .execute(store.pool())
    .await?;
    // Tried again from here: a shot that still cannot go says so again.
    sqlx::query("UPDATE shots SET needs = NULL WHERE project_id = ?")
        .bind(project_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Records what shot `shot_id` needs before it can be sent (`None`: nothing, it went).
pub async fn set_need(
    store: &Store,
    shot_id: &str,
    need: Option<&ShotNeed>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shots SET needs = ? WHERE id = ? AND needs IS NOT ?")
        .bind(need.map(Json))
        .bind(shot_id)
        .bind(need.map(Json))
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Turns a project's render off once it has done all it was asked (nothing to send, in
/// flight or waiting), so that picking or rejecting a take later sends nothing until a
/// person renders again. Only when nothing changed since `seen` (its `updated_at` as read):
/// a render asked for meanwhile stays on.
pub async fn finish_render(store: &Store, project_id: &str, seen: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET render_takes = 0 WHERE id = ? AND updated_at = ?")
        .bind(project_id)
        .bind(seen)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Stops a project's render: nothing more is sent; what is in flight finishes.
pub async fn stop_render(store: &Store, project_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET stopped = 1, updated_at = ? WHERE id = ?")
        .bind(now_ms())
        .bind(project_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Picks the take a shot uses.
pub async fn select(store: &Store, shot_id: &str, job_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shots SET selected_job = ? WHERE id = ?")
        .bind(job_id)
        .bind(shot_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Every project whose render is on.
pub async fn rendering(store: &Store) -> Result<Vec<Project>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROJECT_COLUMNS} FROM projects WHERE render_takes > 0 AND stopped = 0 ORDER BY created_at"
    ))
    .fetch_all(store.pool())
    .await
}
