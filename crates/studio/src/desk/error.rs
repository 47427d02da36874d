//! One error vocabulary for every front end: what kind of failure a desk verb hit, in
//! words for the person, with the fields at fault and, for a money rule, the numbers.
//!
//! The window maps [`ErrorKind`] to its IPC code and the command line to its exit code,
//! each with one `match`; no front end reads an engine or database error itself. Messages
//! are scrubbed of known secrets when made.

use seedance_api::{ApiError, Problem};
use serde::Serialize;

/// What kind of failure a desk verb hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The data folder, the database or the configuration could not be set up.
    Setup,
    /// Live mode needs an API key, or the keychain that holds it cannot be used.
    NeedsKey,
    /// The input was refused; `field` and `problems` say which, and nothing was sent.
    Invalid,
    /// The API (or the upload storage) could not be reached.
    Offline,
    /// The API refused the request (bad key, no credits, …).
    Refused,
    /// The action needs the person's go-ahead (deleting files, a new charge).
    NeedsConfirmation,
    /// A money rule refused it and nothing was sent; `over_limit` has the numbers.
    OverLimit,
    /// A local file needs an upload storage before the service can fetch it.
    NeedsStorage,
    /// A retry may be charged twice (its first send's outcome is unknown).
    MayChargeTwice,
    /// Anything else; the message says what.
    Internal,
}

/// The money rule that refused a spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MoneyRule {
    /// The person's spend guard (Settings): passes once they confirm (`--yes`).
    SpendGuard,
    /// A batch's `--max-credits`.
    MaxCredits,
    /// A project's credit budget.
    ProjectBudget,
    /// What an agent was allowed to spend.
    Allowance,
}

impl MoneyRule {
    /// Whether the person can pass the rule by confirming (only the spend guard).
    pub fn confirmable(self) -> bool {
        self == Self::SpendGuard
    }
}

/// The numbers behind a money rule's refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverLimit {
    pub rule: MoneyRule,
    pub estimated_credits: u64,
    pub limit: u64,
}

/// The error every desk verb returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeskError {
    pub kind: ErrorKind,
    pub message: String,
    /// The input field at fault, for [`ErrorKind::Invalid`].
    pub field: Option<String>,
    /// Every problem with the input, by field (the first is `field`).
    pub problems: Vec<Problem>,
    /// For [`ErrorKind::OverLimit`].
    pub over_limit: Option<OverLimit>,
}

impl DeskError {
    pub fn new(kind: ErrorKind, message: impl std::fmt::Display) -> Self {
        Self {
            kind,
            message: crate::logging::scrub(&message.to_string()).into_owned(),
            field: None,
            problems: Vec::new(),
            over_limit: None,
        }
    }
    pub fn setup(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Setup, message)
    }
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    pub fn needs_key(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::NeedsKey, message)
    }
    pub fn needs_confirmation(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::NeedsConfirmation, message)
    }
    pub fn needs_storage(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::NeedsStorage, message)
    }
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        Self {
            field: Some(field.to_string()),
            ..Self::new(ErrorKind::Invalid, message)
        }
    }
    /// Every problem of a request, by field; the message lists them after `context`.
    pub fn problems(context: &str, problems: Vec<Problem>) -> Self {
        let list = problems
            .iter()
            .map(|p| format!("  {}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            field: problems.first().map(|p| p.field.clone()),
            problems,
            ..Self::new(
                ErrorKind::Invalid,
                format!("{context}; nothing was sent:\n{list}"),
            )
        }
    }
    /// A money rule's refusal, with `message` saying what to do.
    pub fn over_limit(limit: OverLimit, message: impl std::fmt::Display) -> Self {
        Self {
            over_limit: Some(limit),
            ..Self::new(ErrorKind::OverLimit, message)
        }
    }
}

/// A failure of the history database, never reported as anything else.
pub(crate) fn database(err: impl std::fmt::Display) -> DeskError {
    DeskError::internal(format!("The history database failed: {err}"))
}

impl From<sqlx::Error> for DeskError {
    fn from(err: sqlx::Error) -> Self {
        database(err)
    }
}

impl From<crate::DataDirError> for DeskError {
    fn from(err: crate::DataDirError) -> Self {
        Self::setup(err)
    }
}

impl From<crate::StoreError> for DeskError {
    fn from(err: crate::StoreError) -> Self {
        Self::setup(err)
    }
}

impl From<crate::settings::SettingsError> for DeskError {
    fn from(err: crate::settings::SettingsError) -> Self {
        use crate::settings::SettingsError as E;
        match &err {
            E::Invalid { field, message } => Self::invalid(field, message),
            E::Database(_) => Self::internal(err),
        }
    }
}

impl From<crate::evidence::EvidenceError> for DeskError {
    fn from(err: crate::evidence::EvidenceError) -> Self {
        use crate::evidence::EvidenceError as E;
        match err {
            E::Database(db) => database(db),
            E::Write { .. } => Self::invalid("out", err),
        }
    }
}

impl From<crate::tags::TagError> for DeskError {
    fn from(err: crate::tags::TagError) -> Self {
        use crate::tags::TagError as E;
        match err {
            E::Database(db) => database(db),
            E::NoSuchJob(_) => Self::invalid("job", err),
            _ => Self::invalid("tag", err),
        }
    }
}

impl From<crate::keychain::KeychainError> for DeskError {
    fn from(err: crate::keychain::KeychainError) -> Self {
        Self::needs_key(err)
    }
}

impl From<crate::connection::ConnectError> for DeskError {
    fn from(err: crate::connection::ConnectError) -> Self {
        use crate::connection::ConnectError as E;
        match err {
            E::NeedsKey | E::Keychain(_) => Self::needs_key(err),
            E::Rate(_) | E::UnconfirmedHost(_) => Self::setup(err),
            E::Sandbox(_) => Self::internal(err),
        }
    }
}

impl From<ApiError> for DeskError {
    fn from(err: ApiError) -> Self {
        let kind = match &err {
            ApiError::Invalid { problems } => {
                return Self::problems("The request is invalid", problems.clone());
            }
            ApiError::Transport { .. } => ErrorKind::Offline,
            ApiError::Setup { .. } => ErrorKind::Setup,
            ApiError::Unauthorized { .. }
            | ApiError::InsufficientCredits { .. }
            | ApiError::RateLimited { .. }
            | ApiError::InvalidRequest { .. }
            | ApiError::Redirected { .. } => ErrorKind::Refused,
            _ => ErrorKind::Internal,
        };
        Self::new(kind, err)
    }
}

impl From<crate::EngineError> for DeskError {
    fn from(err: crate::EngineError) -> Self {
        use crate::EngineError as E;
        match err {
            E::Api(api) => api.into(),
            E::Store(store) => store.into(),
            E::Database(db) => database(db),
            E::NoSuchJob(_) | E::WrongState { .. } => Self::invalid("job", err),
            E::MayChargeTwice(_) => Self::new(ErrorKind::MayChargeTwice, err),
            E::NeedsConfirmation => Self::needs_confirmation(err),
            E::Project(refusal) => refusal.into(),
        }
    }
}

impl From<crate::project::records::Refusal> for DeskError {
    fn from(refusal: crate::project::records::Refusal) -> Self {
        use crate::project::records::Refusal as R;
        match refusal {
            R::OverBudget {
                estimated,
                committed,
                budget,
            } => Self::over_limit(
                OverLimit {
                    rule: MoneyRule::ProjectBudget,
                    estimated_credits: committed + estimated,
                    limit: budget,
                },
                refusal,
            ),
            R::Stopped | R::Gone => Self::invalid("project", refusal),
        }
    }
}

impl From<crate::library::LibraryError> for DeskError {
    fn from(err: crate::library::LibraryError) -> Self {
        use crate::library::LibraryError as E;
        match err {
            E::NeedsConfirmation => Self::needs_confirmation(err),
            E::NoSuchJob(_) | E::Busy(_) => Self::invalid("job", err),
            E::NotAnExport { .. } | E::NotAFile { .. } => Self::invalid("file", err),
            E::Database(db) => database(db),
            E::File { .. } => Self::internal(err),
        }
    }
}

impl From<crate::uploads::UploadError> for DeskError {
    fn from(err: crate::uploads::UploadError) -> Self {
        use crate::uploads::UploadError as E;
        match &err {
            E::Invalid { field, .. } => Self::invalid(&format!("storage.{field}"), &err),
            E::Refused { .. } => Self::new(ErrorKind::Refused, &err),
            E::Unreachable(_) => Self::new(ErrorKind::Offline, &err),
            E::History(_) => Self::internal(&err),
        }
    }
}

impl From<crate::composer_draft::DraftError> for DeskError {
    fn from(err: crate::composer_draft::DraftError) -> Self {
        use crate::composer_draft::DraftError as E;
        match err {
            E::Database(db) => database(db),
            other => Self::invalid("draft", other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_failure_is_never_storage_trouble() {
        let err: DeskError = crate::uploads::UploadError::History("disk I/O error".into()).into();
        assert_eq!(err.kind, ErrorKind::Internal);
        let err: DeskError =
            crate::uploads::UploadError::Unreachable("connection refused".into()).into();
        assert_eq!(err.kind, ErrorKind::Offline);
        let err: DeskError = crate::EngineError::Database(sqlx::Error::PoolClosed).into();
        assert_eq!(err.kind, ErrorKind::Internal);
        assert!(
            err.message.starts_with("The history database failed"),
            "{}",
            err.message
        );
    }

    #[test]
    fn every_problem_of_a_request_is_kept_by_field() {
        let err: DeskError = ApiError::Invalid {
            problems: vec![
                Problem::new("duration", "must be 4 to 15 seconds"),
                Problem::new("prompt", "must not be empty"),
            ],
        }
        .into();
        assert_eq!(err.kind, ErrorKind::Invalid);
        assert_eq!(err.field.as_deref(), Some("duration"));
        assert_eq!(err.problems.len(), 2);
        assert!(
            err.message.contains("prompt: must not be empty"),
            "{}",
            err.message
        );
    }

    #[test]
    fn only_the_spend_guard_passes_by_confirming() {
        assert!(MoneyRule::SpendGuard.confirmable());
        for rule in [
            MoneyRule::MaxCredits,
            MoneyRule::ProjectBudget,
            MoneyRule::Allowance,
        ] {
            assert!(!rule.confirmable(), "{rule:?}");
        }
    }
}
