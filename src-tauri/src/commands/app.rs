//! What the app is, which API it talks to (Live or Sandbox), and the diagnostics report.

use serde::Serialize;
use studio::ConnectionMode;
use tauri::State;
use ts_rs::TS;

use crate::error::IpcError;
use crate::session::{AppState, ConnectionInfo, Studio};

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub identifier: String,
    pub data_dir: String,
    /// None when no mode could start; `notice` then says why.
    pub connection: Option<ConnectionInfo>,
    pub notice: Option<String>,
    /// `http://127.0.0.1:PORT/TOKEN`: where the window loads videos, frames and previews.
    pub media_base: Option<String>,
}

/// Builds [`AppInfo`] for a running studio.
pub async fn info(studio: &Studio) -> AppInfo {
    AppInfo {
        name: "Seedance Studio".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        identifier: studio::APP_IDENTIFIER.into(),
        data_dir: studio.data_dir.display().to_string(),
        connection: studio.connection().await,
        notice: studio.notice(),
        media_base: crate::MEDIA.get().map(|m| m.base.clone()),
    }
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(info(&*state.studio().await?).await)
}

/// Switches between Live and Sandbox; each has its own history.
#[tauri::command]
pub async fn connection_set(
    state: State<'_, AppState>,
    mode: ConnectionMode,
) -> Result<AppInfo, IpcError> {
    let studio = state.studio().await?;
    studio.switch(mode).await?;
    Ok(info(&studio).await)
}

/// The composer's draft as it was last saved (after a reload, or a restart), if any.
#[tauri::command]
pub async fn draft_load(state: State<'_, AppState>) -> Result<Option<serde_json::Value>, IpcError> {
    let studio = state.studio().await?;
    studio::composer_draft::load(&studio.profile, COMPOSER_SLOT)
        .await
        .map_err(IpcError::internal)
}

/// Keeps the composer's draft in the profile database as it changes.
#[tauri::command]
pub async fn draft_save(
    state: State<'_, AppState>,
    draft: serde_json::Value,
) -> Result<(), IpcError> {
    let studio = state.studio().await?;
    studio::composer_draft::save(&studio.profile, COMPOSER_SLOT, &draft)
        .await
        .map_err(|e| match e {
            studio::composer_draft::DraftError::Database(_) => IpcError::internal(e),
            other => IpcError::invalid("draft", other),
        })
}

/// The slot of the composer's one draft.
const COMPOSER_SLOT: &str = "composer";

/// What the page should say once after it was reloaded because its content process ended
/// (and a line in the log that it came back, in the `area` it was in).
#[tauri::command]
pub fn page_notice(area: String) -> Option<String> {
    let notice = crate::recovery::take_notice();
    if notice.is_some() {
        tracing::warn!(area = %area.chars().take(20).collect::<String>(), "the page came back after its content process ended");
    }
    notice
}

/// Writes a diagnostics report (logs, versions, settings; never the key) and returns its
/// path.
#[tauri::command]
pub async fn diagnostics_export(state: State<'_, AppState>) -> Result<String, IpcError> {
    state.studio().await?.export_diagnostics().await
}
