//! What the app is, which API it talks to (Live or Sandbox), the composer's saved draft,
//! and the diagnostics report.

use serde::Serialize;
use studio::ConnectionMode;
use studio::desk::ConnectionInfo;
use tauri::State;
use ts_rs::TS;

use crate::error::IpcError;
use crate::session::AppState;

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub identifier: String,
    pub data_dir: String,
    pub connection: Option<ConnectionInfo>,
    /// Why the app is not in the mode chosen last time, or why no mode could start.
    pub notice: Option<String>,
    /// Where the media server serves renders (`http://127.0.0.1:PORT/TOKEN`).
    pub media_base: Option<String>,
}

async fn info(desk: &studio::Desk) -> AppInfo {
    AppInfo {
        name: "Seedance Studio".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        identifier: studio::APP_IDENTIFIER.into(),
        data_dir: desk.data_dir().display().to_string(),
        connection: desk.connection().await,
        notice: desk.notice(),
        media_base: crate::MEDIA.get().map(|m| m.base.clone()),
    }
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(info(&*state.desk().await?).await)
}

#[tauri::command]
pub async fn connection_set(
    state: State<'_, AppState>,
    mode: ConnectionMode,
) -> Result<AppInfo, IpcError> {
    let desk = state.desk().await?;
    desk.switch(mode).await?;
    Ok(info(&desk).await)
}

#[tauri::command]
pub async fn draft_load(state: State<'_, AppState>) -> Result<Option<serde_json::Value>, IpcError> {
    Ok(state.desk().await?.draft_load().await?)
}

#[tauri::command]
pub async fn draft_save(
    state: State<'_, AppState>,
    draft: serde_json::Value,
) -> Result<(), IpcError> {
    Ok(state.desk().await?.draft_save(&draft).await?)
}

/// After the page's content process ended and the page came back: what to tell the
/// person (once), if anything.
#[tauri::command]
pub fn page_notice(area: String) -> Option<String> {
    let notice = crate::recovery::take_notice();
    if notice.is_some() {
        tracing::warn!(area = %area.chars().take(20).collect::<String>(), "the page came back after its content process ended");
    }
    notice
}

#[tauri::command]
pub async fn diagnostics_export(state: State<'_, AppState>) -> Result<String, IpcError> {
    let program = format!("Seedance Studio {}", env!("CARGO_PKG_VERSION"));
    Ok(state.desk().await?.export_diagnostics(&program).await?)
}
