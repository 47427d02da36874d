//! Errors as the webview sees them: `{code, message}`.
//!
//! The UI branches on a small set of codes and shows the message as written, so every
//! message is meant for the person reading it; nothing secret ever goes into one.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure an IPC command hit; the only thing the UI matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The app could not set itself up (data folder, configuration).
    Setup,
    /// Anything else; the message says what.
    Internal,
}

/// The error every IPC command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<studio::DataDirError> for IpcError {
    fn from(err: studio::DataDirError) -> Self {
        Self {
            code: ErrorCode::Setup,
            message: err.to_string(),
        }
    }
}
