//! Projects in the window: the list, a storyboard imported from a file chosen in the
//! desktop's dialog, a project's shots and takes, its estimate against the budget, its
//! render (the canary, then the rest), stop, and picking a take. Each verb is the desk's,
//! on the running connection's history.

use studio::desk::{DraftCheck, ProjectEstimate, ProjectSummary, ProjectView, RenderStart};
use studio::project::ShotPlan;
use studio::project::records::RenderAsk;
use tauri::{AppHandle, State};

use crate::error::IpcError;
use crate::file_dialog::{self, Ask};
use crate::session::AppState;

#[tauri::command]
pub async fn projects_list(state: State<'_, AppState>) -> Result<Vec<ProjectSummary>, IpcError> {
    let desk = state.desk().await?;
    Ok(desk.project_list_in(desk.running_mode().await?).await?)
}

#[tauri::command]
pub async fn project_get(
    state: State<'_, AppState>,
    project: String,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.project_show(&project).await?)
}

/// Asks which storyboard to import (a native dialog) and imports it; `None` when cancelled.
#[tauri::command]
pub async fn project_import(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ProjectView>, IpcError> {
    let ask = Ask {
        title: "Import a storyboard",
        kind: "Storyboard (Markdown, CSV or JSON)",
        extensions: &["md", "markdown", "csv", "json"],
    };
    let Some(path) = file_dialog::open(&app, ask).await? else {
        return Ok(None);
    };
    let desk = state.desk().await?;
    Ok(Some(
        desk.project_import_in(desk.running_mode().await?, &path, None)
            .await?,
    ))
}

#[tauri::command]
pub async fn project_estimate(
    state: State<'_, AppState>,
    project: String,
    takes: u32,
) -> Result<ProjectEstimate, IpcError> {
    let desk = state.desk().await?;
    let mode = desk.running_mode().await?;
    Ok(desk
        .project_estimate_in(mode, &project, takes.clamp(1, 10))
        .await?)
}

/// Sets the budget (`None`: none of its own).
#[tauri::command]
pub async fn project_budget(
    state: State<'_, AppState>,
    project: String,
    credits: Option<u64>,
) -> Result<ProjectView, IpcError> {
    let desk = state.desk().await?;
    let mode = desk.running_mode().await?;
    Ok(desk.project_budget_in(mode, &project, credits).await?)
}

/// Renders the project (the first shot alone for a `canary`): over its budget it is
/// refused with the figures; above the spend guard, `needs_confirmation` unless confirmed.
#[tauri::command]
pub async fn project_render(
    state: State<'_, AppState>,
    project: String,
    takes: u32,
    canary: bool,
    confirmed_spend: bool,
) -> Result<RenderStart, IpcError> {
    let ask = RenderAsk {
        takes: takes.clamp(1, 10),
        canary,
        max_attempts: 2,
        concurrency: None,
    };
    Ok(state
        .desk()
        .await?
        .project_render(&project, ask, confirmed_spend)
        .await?)
}

#[tauri::command]
pub async fn project_stop(
    state: State<'_, AppState>,
    project: String,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.project_stop(&project).await?)
}

/// Picks the take shot `shot` (1 for the first) uses.
#[tauri::command]
pub async fn project_select(
    state: State<'_, AppState>,
    project: String,
    shot: u32,
    job: String,
) -> Result<ProjectView, IpcError> {
    Ok(state
        .desk()
        .await?
        .project_select(&project, shot, &job)
        .await?)
}

/// A new project with no shots yet.
#[tauri::command]
pub async fn project_new(
    state: State<'_, AppState>,
    name: String,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.project_new(&name).await?)
}

/// Adds a shot as number `index` (1 for the first; past the end appends).
#[tauri::command]
pub async fn shot_add(
    state: State<'_, AppState>,
    project: String,
    index: u32,
    plan: ShotPlan,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.shot_add(&project, index, &plan).await?)
}

/// Replaces what shot `index` plans (every problem listed, nothing stored when any).
#[tauri::command]
pub async fn shot_update(
    state: State<'_, AppState>,
    project: String,
    index: u32,
    plan: ShotPlan,
) -> Result<ProjectView, IpcError> {
    Ok(state
        .desk()
        .await?
        .shot_update(&project, index, &plan)
        .await?)
}

/// Checks a shot as the composer edits it, as shot `index` of the project: its problems,
/// the prompt advice and the cost of one take. Nothing is stored.
#[tauri::command]
pub async fn shot_check(
    state: State<'_, AppState>,
    project: String,
    index: u32,
    plan: ShotPlan,
) -> Result<DraftCheck, IpcError> {
    Ok(state
        .desk()
        .await?
        .shot_check(&project, index, &plan)
        .await?)
}

#[tauri::command]
pub async fn shot_duplicate(
    state: State<'_, AppState>,
    project: String,
    index: u32,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.shot_duplicate(&project, index).await?)
}

/// Moves shot `index` to `to` (dragged on the storyboard, or moved with the keyboard).
#[tauri::command]
pub async fn shot_move(
    state: State<'_, AppState>,
    project: String,
    index: u32,
    to: u32,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.shot_move(&project, index, to).await?)
}

#[tauri::command]
pub async fn shot_delete(
    state: State<'_, AppState>,
    project: String,
    index: u32,
) -> Result<ProjectView, IpcError> {
    Ok(state.desk().await?.shot_delete(&project, index).await?)
}

/// Rates a take (1 to 5 stars, or none) and rejects it or takes that back.
#[tauri::command]
pub async fn take_judge(
    state: State<'_, AppState>,
    project: String,
    job: String,
    rating: Option<u8>,
    rejected: bool,
) -> Result<ProjectView, IpcError> {
    Ok(state
        .desk()
        .await?
        .take_judge(&project, &job, rating, rejected)
        .await?)
}
