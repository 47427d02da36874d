//! The settings kept in the profile database, shared with the `seedance` command.

use studio::settings::Settings;
use tauri::State;

use crate::error::IpcError;
use crate::session::AppState;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    Ok(state.desk().await?.settings().await?)
}

#[tauri::command]
pub async fn settings_save(
    state: State<'_, AppState>,
    settings: Settings,
    host_key: Option<String>,
) -> Result<Settings, IpcError> {
    let desk = state.desk().await?;
    Ok(desk.save_settings(settings, host_key.as_deref()).await?)
}

#[tauri::command]
pub async fn storage_secret_save(
    state: State<'_, AppState>,
    secret: String,
) -> Result<(), IpcError> {
    Ok(state.desk().await?.save_storage_secret(&secret).await?)
}

#[tauri::command]
pub async fn storage_check(state: State<'_, AppState>) -> Result<(), IpcError> {
    Ok(state.desk().await?.check_storage().await?)
}
