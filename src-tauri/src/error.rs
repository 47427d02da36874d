//! Errors as the webview sees them: `{code, message, field}`.
//!
//! The UI branches on a small set of codes and shows the message as written, so every
//! message is meant for the person reading it; nothing secret ever goes into one (the
//! key's type prints as `[redacted]`, and messages are scrubbed of known secrets).

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure an IPC command hit; the only thing the UI matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The app could not set itself up (data folder, database, configuration).
    Setup,
    /// Live mode needs an API key, or the keychain that holds it cannot be used.
    NeedsKey,
    /// The input was refused; `field` names which, and nothing was stored or sent.
    InvalidInput,
    /// The API could not be reached.
    Offline,
    /// The API refused the request (bad key, no credits, …); the message says why.
    Refused,
    /// The action spends more than the spend guard allows: ask, then repeat it confirmed.
    NeedsConfirmation,
    /// A local file needs an upload storage before the service can fetch it.
    NeedsStorage,
    /// A retry may be charged twice (its first send's outcome is unknown): ask that
    /// explicitly, then repeat it with the double charge accepted.
    MayChargeTwice,
    /// Anything else; the message says what.
    Internal,
}

/// The error every IPC command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, for `invalid_input`.
    pub field: Option<String>,
    /// Every problem with the input, by field, for `invalid_input` (the first is `field`).
    pub problems: Vec<seedance_api::Problem>,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl std::fmt::Display) -> Self {
        Self {
            code,
            message: studio::logging::scrub(&message.to_string()).into_owned(),
            field: None,
            problems: Vec::new(),
        }
    }
    pub fn setup(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Setup, message)
    }
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
    pub fn needs_key(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NeedsKey, message)
    }
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        Self {
            field: Some(field.to_string()),
            ..Self::new(ErrorCode::InvalidInput, message)
        }
    }
}

impl From<studio::DataDirError> for IpcError {
    fn from(err: studio::DataDirError) -> Self {
        Self::setup(err)
    }
}

impl From<studio::StoreError> for IpcError {
    fn from(err: studio::StoreError) -> Self {
        Self::setup(err)
    }
}

impl From<sqlx::Error> for IpcError {
    fn from(err: sqlx::Error) -> Self {
        Self::internal(format!("The history database failed: {err}"))
    }
}

impl From<studio::settings::SettingsError> for IpcError {
    fn from(err: studio::settings::SettingsError) -> Self {
        match &err {
            studio::settings::SettingsError::Invalid { field, message } => {
                Self::invalid(field, message)
            }
            studio::settings::SettingsError::Database(_) => Self::internal(err),
        }
    }
}

impl From<studio::keychain::KeychainError> for IpcError {
    fn from(err: studio::keychain::KeychainError) -> Self {
        Self::needs_key(err)
    }
}

impl From<studio::connection::ConnectError> for IpcError {
    fn from(err: studio::connection::ConnectError) -> Self {
        use studio::connection::ConnectError;
        match err {
            ConnectError::NeedsKey | ConnectError::Keychain(_) => Self::needs_key(err),
            ConnectError::Rate(_) | ConnectError::UnconfirmedHost(_) => Self::setup(err),
            ConnectError::Sandbox(_) => Self::internal(err),
        }
    }
}

impl From<seedance_api::ApiError> for IpcError {
    fn from(err: seedance_api::ApiError) -> Self {
        use seedance_api::ApiError;
        if let ApiError::Invalid { problems } = &err
            && let Some(first) = problems.first()
        {
            return Self {
                problems: problems.clone(),
                ..Self::invalid(&first.field, &err)
            };
        }
        let code = match &err {
            ApiError::Invalid { .. } => ErrorCode::InvalidInput,
            ApiError::Transport { .. } => ErrorCode::Offline,
            ApiError::Setup { .. } => ErrorCode::Setup,
            ApiError::Unauthorized { .. }
            | ApiError::InsufficientCredits { .. }
            | ApiError::RateLimited { .. }
            | ApiError::InvalidRequest { .. }
            | ApiError::Redirected { .. } => ErrorCode::Refused,
            _ => ErrorCode::Internal,
        };
        Self::new(code, err)
    }
}

impl From<studio::EngineError> for IpcError {
    fn from(err: studio::EngineError) -> Self {
        match err {
            studio::EngineError::Api(api) => api.into(),
            studio::EngineError::Store(store) => store.into(),
            studio::EngineError::NoSuchJob(_) => Self::invalid("job", err),
            studio::EngineError::MayChargeTwice(_) => Self::new(ErrorCode::MayChargeTwice, err),
            other => Self::internal(other),
        }
    }
}
