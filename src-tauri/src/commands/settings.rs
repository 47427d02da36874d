//! The settings kept in the profile database, shared with the `seedance` command.

use studio::settings::Settings;
use tauri::State;

use crate::error::IpcError;
use crate::session::AppState;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    state.studio().await?.settings().await
}

/// Stores the settings when every field is valid; otherwise the error names the field and
/// nothing is stored.
#[tauri::command]
pub async fn settings_save(
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, IpcError> {
    state.studio().await?.save_settings(settings).await
}
