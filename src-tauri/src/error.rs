//! Errors as the webview sees them: `{code, message, field, problems, over_limit}`.
//!
//! The UI branches on a small set of codes and shows the message as written, so every
//! message is meant for the person reading it; nothing secret ever goes into one (the
//! key's type prints as `[redacted]`, and messages are scrubbed of known secrets). The
//! codes come from the desk's [`ErrorKind`] with one `match`.

use serde::Serialize;
use studio::desk::{DeskError, ErrorKind, OverLimit, Problem};
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
    /// The action needs the person's go-ahead (the spend guard, deleting files, a new
    /// charge): ask, then repeat it confirmed.
    NeedsConfirmation,
    /// A money rule no confirmation passes refused it; `over_limit` has the numbers.
    OverLimit,
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
    pub problems: Vec<Problem>,
    /// The rule and numbers, when a money rule refused (the spend guard included).
    pub over_limit: Option<OverLimit>,
}

impl IpcError {
    pub fn internal(message: impl std::fmt::Display) -> Self {
        DeskError::internal(message).into()
    }
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        DeskError::invalid(field, message).into()
    }
}

impl From<DeskError> for IpcError {
    fn from(err: DeskError) -> Self {
        let code = match err.kind {
            ErrorKind::Setup => ErrorCode::Setup,
            ErrorKind::NeedsKey => ErrorCode::NeedsKey,
            ErrorKind::Invalid => ErrorCode::InvalidInput,
            ErrorKind::Offline => ErrorCode::Offline,
            ErrorKind::Refused => ErrorCode::Refused,
            ErrorKind::NeedsConfirmation => ErrorCode::NeedsConfirmation,
            // The window asks about the spend guard like any confirmation.
            ErrorKind::OverLimit if err.over_limit.is_some_and(|o| o.rule.confirmable()) => {
                ErrorCode::NeedsConfirmation
            }
            ErrorKind::OverLimit => ErrorCode::OverLimit,
            ErrorKind::NeedsStorage => ErrorCode::NeedsStorage,
            ErrorKind::MayChargeTwice => ErrorCode::MayChargeTwice,
            ErrorKind::Internal => ErrorCode::Internal,
        };
        Self {
            code,
            message: err.message,
            field: err.field,
            problems: err.problems,
            over_limit: err.over_limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio::desk::MoneyRule;

    fn over(rule: MoneyRule) -> DeskError {
        DeskError::over_limit(
            OverLimit {
                rule,
                estimated_credits: 720,
                limit: 300,
            },
            "over",
        )
    }

    #[test]
    fn the_window_asks_about_the_spend_guard_and_refuses_other_money_rules() {
        let asked = IpcError::from(over(MoneyRule::SpendGuard));
        assert_eq!(asked.code, ErrorCode::NeedsConfirmation);
        assert_eq!(asked.over_limit.map(|o| o.limit), Some(300));
        let refused = IpcError::from(over(MoneyRule::ProjectBudget));
        assert_eq!(refused.code, ErrorCode::OverLimit);
    }

    #[test]
    fn fields_and_problems_reach_the_page() {
        let err = IpcError::from(DeskError::problems(
            "The request is invalid",
            vec![Problem::new("duration", "must be 4 to 15 seconds")],
        ));
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(err.field.as_deref(), Some("duration"));
        assert_eq!(err.problems.len(), 1);
        assert_eq!(
            IpcError::from(DeskError::new(ErrorKind::MayChargeTwice, "x")).code,
            ErrorCode::MayChargeTwice
        );
    }
}
