//! The Library, the Queue's decisions, the credits panel, and opening things outside the
//! app (https URLs in the browser, a render in the file manager).

use studio::budget::BudgetStatus;
use studio::library::{Cursor, Filter};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::drafts::JobSummary;
use crate::error::IpcError;
use crate::file_dialog::{self, Ask};
use crate::library::{self, CreditsSummary, ImportResult, JobDetail, LibraryPage};
use crate::session::AppState;

#[tauri::command]
pub async fn library_page(
    state: State<'_, AppState>,
    filter: Filter,
    after: Option<Cursor>,
    limit: u32,
) -> Result<LibraryPage, IpcError> {
    library::page(
        &*state.studio().await?,
        &filter,
        after.as_ref(),
        limit.clamp(1, 500),
    )
    .await
}

#[tauri::command]
pub async fn job_detail(state: State<'_, AppState>, id: String) -> Result<JobDetail, IpcError> {
    library::detail(&*state.studio().await?, &id).await
}

#[tauri::command]
pub async fn job_favourite(
    state: State<'_, AppState>,
    id: String,
    favourite: bool,
) -> Result<(), IpcError> {
    library::favourite(&*state.studio().await?, &id, favourite).await
}

/// Deletes a render and its files; `needs_confirmation` unless confirmed.
#[tauri::command]
pub async fn job_delete(
    state: State<'_, AppState>,
    id: String,
    confirmed: bool,
) -> Result<(), IpcError> {
    library::delete(&*state.studio().await?, &id, confirmed).await
}

/// `retry` (a new render, a new charge: confirm; one whose first send's outcome is
/// unknown also needs `accept_double_charge`), `resend` or `give_up`.
#[tauri::command]
pub async fn job_act(
    state: State<'_, AppState>,
    id: String,
    action: String,
    confirmed: bool,
    accept_double_charge: Option<bool>,
) -> Result<JobSummary, IpcError> {
    library::act(
        &*state.studio().await?,
        &id,
        &action,
        confirmed,
        accept_double_charge.unwrap_or(false),
    )
    .await
}

#[tauri::command]
pub async fn credits_summary(state: State<'_, AppState>) -> Result<CreditsSummary, IpcError> {
    library::credits(&*state.studio().await?).await
}

/// The kind of file an export is, as the dialogs offer it.
const LIBRARY_FILES: (&str, &[&str]) = ("Seedance Studio library", &["json"]);

/// Asks where to write the export (the desktop's own save dialog) and writes it there;
/// `None` when the person cancels. The path comes from the dialog, never from the page.
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
    let Some(path) = file_dialog::save(&app, ask, &library::export_file_name()).await? else {
        return Ok(None);
    };
    library::export(&*state.studio().await?, &path)
        .await
        .map(Some)
}

/// Asks which export file to read (the desktop's own open dialog) and adds its renders;
/// `None` when the person cancels.
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
    library::import(&*state.studio().await?, &path)
        .await
        .map(Some)
}

#[tauri::command]
pub async fn budget_status(state: State<'_, AppState>) -> Result<BudgetStatus, IpcError> {
    library::budget(&*state.studio().await?).await
}

/// Opens an output URL in the browser: https only, checked here whatever the caller is.
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

/// Shows a render's video in the file manager.
#[tauri::command]
pub async fn reveal_render(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<(), IpcError> {
    let detail = library::detail(&*state.studio().await?, &id).await?;
    let path = detail
        .video_path
        .or(detail.frame_path)
        .ok_or_else(|| IpcError::invalid("job", "this render has no saved files"))?;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| IpcError::internal(format!("The file manager could not be opened: {e}")))
}

/// Quits, after the window said renders in flight resume on the next start.
#[tauri::command]
pub fn app_quit(app: AppHandle) {
    app.exit(0);
}
