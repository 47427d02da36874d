//! The Library, the Queue's decisions, the credits panel, and opening things outside the
//! app (https URLs in the browser, a render in the file manager).

use studio::budget::BudgetStatus;
use studio::desk::{
    Action, CreditsSummary, ImportResult, JobDetail, JobSummary, LibraryPage, TagCount,
};
use studio::evidence::Pack;
use studio::library::{Cursor, Filter};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::IpcError;
use crate::file_dialog::{self, Ask};
use crate::session::AppState;

#[tauri::command]
pub async fn library_page(
    state: State<'_, AppState>,
    filter: Filter,
    after: Option<Cursor>,
    limit: u32,
) -> Result<LibraryPage, IpcError> {
    let desk = state.desk().await?;
    Ok(desk
        .page(&filter, after.as_ref(), limit.clamp(1, 500))
        .await?)
}

#[tauri::command]
pub async fn job_detail(state: State<'_, AppState>, id: String) -> Result<JobDetail, IpcError> {
    Ok(state.desk().await?.detail(&id).await?)
}

/// Adds tags to a render; answers its tags.
#[tauri::command]
pub async fn job_tag(
    state: State<'_, AppState>,
    id: String,
    tags: Vec<String>,
) -> Result<Vec<String>, IpcError> {
    Ok(state.desk().await?.tag(&id, &tags).await?)
}

/// Removes tags from a render; answers its tags.
#[tauri::command]
pub async fn job_untag(
    state: State<'_, AppState>,
    id: String,
    tags: Vec<String>,
) -> Result<Vec<String>, IpcError> {
    Ok(state.desk().await?.untag(&id, &tags).await?)
}

/// Asks where to save render `id`'s evidence pack (a native dialog) and writes it there;
/// `None` when cancelled. A render that does not exist is refused before anything is asked.
#[tauri::command]
pub async fn job_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<Option<Pack>, IpcError> {
    let desk = state.desk().await?;
    desk.detail(&id).await?;
    let ask = Ask {
        title: "Save the evidence pack",
        kind: "Zip archive",
        extensions: &["zip"],
    };
    let Some(path) = file_dialog::save(&app, ask, &format!("evidence-{id}.zip")).await? else {
        return Ok(None);
    };
    Ok(Some(desk.evidence(&id, &path).await?))
}

/// Asks where to save render `id`'s video (a native dialog, offering a name taken from its
/// prompt) and copies it there; answers the path, or `None` when cancelled.
#[tauri::command]
pub async fn job_download(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<Option<String>, IpcError> {
    let desk = state.desk().await?;
    let detail = desk.detail(&id).await?;
    if !detail.summary.has_video {
        return Err(IpcError::invalid("job", "this render has no saved video"));
    }
    let ask = Ask {
        title: "Save the video",
        kind: "MP4 video",
        extensions: &["mp4"],
    };
    let name = studio::desk::video_file_name(&detail.summary.prompt);
    let Some(path) = file_dialog::save(&app, ask, &name).await? else {
        return Ok(None);
    };
    desk.save_video(&id, &path).await?;
    Ok(Some(path.display().to_string()))
}

/// Every tag of the history, most used first.
#[tauri::command]
pub async fn tags_list(state: State<'_, AppState>) -> Result<Vec<TagCount>, IpcError> {
    Ok(state.desk().await?.tags().await?)
}

/// Rates a render (1 to 5 stars, or none) and rejects it or takes that back.
#[tauri::command]
pub async fn job_judge(
    state: State<'_, AppState>,
    id: String,
    rating: Option<u8>,
    rejected: bool,
) -> Result<(), IpcError> {
    Ok(state.desk().await?.judge(&id, rating, rejected).await?)
}

#[tauri::command]
pub async fn job_favourite(
    state: State<'_, AppState>,
    id: String,
    favourite: bool,
) -> Result<(), IpcError> {
    Ok(state.desk().await?.favourite(&id, favourite).await?)
}

#[tauri::command]
pub async fn job_delete(
    state: State<'_, AppState>,
    id: String,
    confirmed: bool,
) -> Result<(), IpcError> {
    Ok(state.desk().await?.delete(&id, confirmed).await?)
}

/// Retry (a new charge: `confirmed`; after an unknown first send also
/// `accept_double_charge`), resend with the original key, or give up.
#[tauri::command]
pub async fn job_act(
    state: State<'_, AppState>,
    id: String,
    action: Action,
    confirmed: bool,
    accept_double_charge: Option<bool>,
) -> Result<JobSummary, IpcError> {
    let desk = state.desk().await?;
    let accept = accept_double_charge.unwrap_or(false);
    Ok(desk.act(&id, action, confirmed, accept).await?)
}

#[tauri::command]
pub async fn credits_summary(state: State<'_, AppState>) -> Result<CreditsSummary, IpcError> {
    Ok(state.desk().await?.credits().await?)
}

const LIBRARY_FILES: (&str, &[&str]) = ("Seedance Studio library", &["json"]);

/// Asks where to write the library (a native dialog the core opens: the page never hands
/// over a path) and writes it; `None` when the person cancelled.
#[tauri::command]
pub async fn library_export(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, IpcError> {
    let ask = Ask {
        title: "Export the library",
        kind: LIBRARY_FILES.0,
        extensions: LIBRARY_FILES.1,
    };
    let name = studio::desk::export_file_name();
    let Some(path) = file_dialog::save(&app, ask, &name).await? else {
        return Ok(None);
    };
    Ok(Some(state.desk().await?.export(&path).await?))
}

/// Asks which export to import (a native dialog) and imports it; `None` when cancelled.
#[tauri::command]
pub async fn library_import(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ImportResult>, IpcError> {
    let ask = Ask {
        title: "Import a library export",
        kind: LIBRARY_FILES.0,
        extensions: LIBRARY_FILES.1,
    };
    let Some(path) = file_dialog::open(&app, ask).await? else {
        return Ok(None);
    };
    Ok(Some(state.desk().await?.import(&path).await?))
}

#[tauri::command]
pub async fn budget_status(state: State<'_, AppState>) -> Result<BudgetStatus, IpcError> {
    Ok(state.desk().await?.budget().await?)
}

/// Opens an https URL in the browser; nothing else is opened.
#[tauri::command]
pub async fn open_url(app: AppHandle, url: String) -> Result<(), IpcError> {
    let parsed = url::Url::parse(&url).map_err(|_| IpcError::invalid("url", "not a URL"))?;
    if parsed.scheme() != "https" {
        return Err(IpcError::invalid("url", "only https URLs are opened"));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| IpcError::internal(format!("The browser could not be opened: {e}")))
}

/// Shows a render's saved file in the file manager.
#[tauri::command]
pub async fn reveal_render(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<(), IpcError> {
    let detail = state.desk().await?.detail(&id).await?;
    let path = detail
        .video_path
        .or(detail.frame_path)
        .ok_or_else(|| IpcError::invalid("job", "this render has no saved files"))?;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| IpcError::internal(format!("The file manager could not be opened: {e}")))
}

/// Quits from the quit dialog (renders in flight resume on the next start).
#[tauri::command]
pub fn app_quit(app: AppHandle) {
    app.exit(0);
}
