//! What the app is and which API it talks to, for the status bar and the Settings area.

use serde::Serialize;
use ts_rs::TS;

use crate::error::IpcError;

/// The service the app talks to unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://seedance2ai.io";

/// Overrides the API base URL for this process (scripts, CI, a local sandbox).
pub const BASE_URL_ENV: &str = "SEEDANCE_BASE_URL";

/// Whether renders cost real credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionMode {
    /// The real service: renders spend credits.
    Live,
}

/// The API the app talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Connection {
    pub mode: ConnectionMode,
    pub base_url: String,
    /// True when `SEEDANCE_BASE_URL` chose the base URL for this process.
    pub base_url_from_env: bool,
}

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub identifier: String,
    pub data_dir: String,
    pub connection: Connection,
}

/// Builds [`AppInfo`] from the process environment.
pub fn info() -> Result<AppInfo, IpcError> {
    let env_base = std::env::var(BASE_URL_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    Ok(AppInfo {
        name: "Seedance Studio".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        identifier: studio::APP_IDENTIFIER.into(),
        data_dir: studio::data_dir()?.display().to_string(),
        connection: Connection {
            mode: ConnectionMode::Live,
            base_url_from_env: env_base.is_some(),
            base_url: env_base.unwrap_or_else(|| DEFAULT_BASE_URL.into()),
        },
    })
}

#[tauri::command]
pub fn app_info() -> Result<AppInfo, IpcError> {
    info()
}
