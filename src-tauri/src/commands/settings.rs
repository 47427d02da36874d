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
/// nothing is stored. A Live host other than the service's own needs `host_key`, the key
/// for that host (see `Studio::save_settings`).
#[tauri::command]
pub async fn settings_save(
    state: State<'_, AppState>,
    settings: Settings,
    host_key: Option<String>,
) -> Result<Settings, IpcError> {
    state
        .studio()
        .await?
        .save_settings(settings, host_key)
        .await
}

/// Stores the upload storage's secret access key in the OS keychain.
#[tauri::command]
pub async fn storage_secret_save(
    state: State<'_, AppState>,
    secret: String,
) -> Result<(), IpcError> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(IpcError::invalid(
            "storage.secret",
            "the secret access key is empty",
        ));
    }
    Ok(state
        .studio()
        .await?
        .keychain
        .set_storage_secret(secret)
        .await?)
}

/// The "test storage" button: uploads a probe, fetches it through its presigned URL, and
/// deletes it.
#[tauri::command]
pub async fn storage_check(state: State<'_, AppState>) -> Result<(), IpcError> {
    let storage = state.studio().await?.storage().await?;
    storage.check().await.map_err(crate::session::upload_error)
}
