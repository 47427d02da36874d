//! Exit codes and the one error type every command returns: scripts branch on the code,
//! people read the message, agents read the JSON.

use seedance_api::{ApiError, Problem};
use serde::Serialize;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    Success = 0,
    /// Keychain, database, disk, network unreachable.
    LocalFailure = 1,
    /// Nothing was sent.
    InvalidInput = 2,
    /// 401, 402, a refused request.
    ApiRefused = 3,
    /// A job failed (for `batch`: any job failed).
    JobFailed = 4,
    /// Interrupted or timed out while waiting; every job is safe to resume.
    Interrupted = 5,
}

/// Why a command did not succeed.
#[derive(Debug, Serialize)]
pub struct CliError {
    #[serde(rename = "exit_code")]
    pub exit: Exit,
    pub message: String,
    /// Every problem with the input, by field, when the input was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl CliError {
    pub fn new(exit: Exit, message: impl std::fmt::Display) -> Self {
        Self {
            exit,
            message: studio::logging::scrub(&message.to_string()).into_owned(),
            problems: Vec::new(),
        }
    }
    pub fn local(message: impl std::fmt::Display) -> Self {
        Self::new(Exit::LocalFailure, message)
    }
    pub fn invalid(message: impl std::fmt::Display) -> Self {
        Self::new(Exit::InvalidInput, message)
    }
    pub fn problems(context: &str, problems: Vec<Problem>) -> Self {
        let list = problems
            .iter()
            .map(|p| format!("  {}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            problems,
            ..Self::invalid(format!("{context}; nothing was sent:\n{list}"))
        }
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Invalid { problems } => Self::problems("The request is invalid", problems),
            ApiError::Transport { .. } | ApiError::Setup { .. } => Self::local(e),
            _ => Self::new(Exit::ApiRefused, e),
        }
    }
}

impl From<studio::EngineError> for CliError {
    fn from(e: studio::EngineError) -> Self {
        use studio::EngineError;
        match e {
            EngineError::Api(api) => api.into(),
            EngineError::NoSuchJob(_)
            | EngineError::WrongState { .. }
            | EngineError::MayChargeTwice(_) => Self::invalid(e),
            other => Self::local(other),
        }
    }
}

impl From<studio::StoreError> for CliError {
    fn from(e: studio::StoreError) -> Self {
        Self::local(e)
    }
}

impl From<sqlx::Error> for CliError {
    fn from(e: sqlx::Error) -> Self {
        Self::local(format!("The history database failed: {e}"))
    }
}

impl From<studio::keychain::KeychainError> for CliError {
    fn from(e: studio::keychain::KeychainError) -> Self {
        Self::local(e)
    }
}

impl From<studio::connection::ConnectError> for CliError {
    fn from(e: studio::connection::ConnectError) -> Self {
        Self::local(e)
    }
}

impl From<studio::library::LibraryError> for CliError {
    fn from(e: studio::library::LibraryError) -> Self {
        use studio::library::LibraryError as E;
        match e {
            // The file given is the problem: exit 2, like any invalid input.
            E::NotAFile { .. } | E::NotAnExport { .. } => Self::invalid(e),
            other => Self::local(other),
        }
    }
}

impl From<studio::DataDirError> for CliError {
    fn from(e: studio::DataDirError) -> Self {
        Self::local(e)
    }
}
