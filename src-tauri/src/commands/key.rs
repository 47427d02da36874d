//! The API key: stored in the OS keychain, tested, cleared. The key goes in, never out:
//! no reply carries it.

use tauri::State;

use crate::error::IpcError;
use crate::session::{AppState, KeyCheck, KeyStatus};

#[tauri::command]
pub async fn key_status(state: State<'_, AppState>) -> Result<KeyStatus, IpcError> {
    Ok(state.studio().await?.key_status().await)
}

#[tauri::command]
pub async fn key_save(state: State<'_, AppState>, key: String) -> Result<KeyStatus, IpcError> {
    state.studio().await?.save_key(key).await
}

#[tauri::command]
pub async fn key_clear(state: State<'_, AppState>) -> Result<KeyStatus, IpcError> {
    state.studio().await?.clear_key().await
}

#[tauri::command]
pub async fn key_test(state: State<'_, AppState>) -> Result<KeyCheck, IpcError> {
    state.studio().await?.test_key().await
}
