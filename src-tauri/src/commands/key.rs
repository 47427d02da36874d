//! The API key: stored in the OS keychain, tested, cleared. The key goes in, never out:
//! no reply carries it.

use studio::desk::{KeyCheck, KeyStatus};
use tauri::State;

use crate::error::IpcError;
use crate::session::AppState;

#[tauri::command]
pub async fn key_status(state: State<'_, AppState>) -> Result<KeyStatus, IpcError> {
    Ok(state.desk().await?.key_status().await)
}

#[tauri::command]
pub async fn key_save(state: State<'_, AppState>, key: String) -> Result<KeyStatus, IpcError> {
    Ok(state.desk().await?.save_key(&key).await?)
}

#[tauri::command]
pub async fn key_clear(state: State<'_, AppState>) -> Result<KeyStatus, IpcError> {
    Ok(state.desk().await?.clear_key().await?)
}

#[tauri::command]
pub async fn key_test(state: State<'_, AppState>) -> Result<KeyCheck, IpcError> {
    Ok(state.desk().await?.test_key().await?)
}
