//! Exit codes and the one error type every command returns: scripts branch on the code,
//! people read the message, agents read the JSON. A desk error becomes an exit code with
//! one `match`.

use serde::{Serialize, Serializer};
use studio::desk::{DeskError, ErrorKind, OverLimit, Problem};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// Keychain, database, disk, network unreachable.
    LocalFailure = 1,
    /// Nothing was sent.
    InvalidInput = 2,
    /// 401, 402, a refused request.
    ApiRefused = 3,
    /// A job failed or needs a decision (for `batch`, `wait`, `resume`: any job).
    JobFailed = 4,
    /// Interrupted or timed out while waiting; every job is safe to resume.
    Interrupted = 5,
    /// A money rule refused it (the spend guard, `--max-credits`); nothing was sent.
    OverLimit = 6,
}

impl Serialize for Exit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// Why a command did not succeed.
#[derive(Debug, Serialize)]
pub struct CliError {
    #[serde(rename = "exit_code")]
    pub exit: Exit,
    /// What kind of failure, in the desk's words (`over_limit`, `invalid`, …), or
    /// `interrupted`.
    pub code: &'static str,
    pub message: String,
    /// The input at fault, when one is (`name`, `project`, `file`, a request field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem with the input, by field, when the input was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// For a money rule: `rule`, `estimated_credits`, `limit`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub over_limit: Option<OverLimit>,
}

/// The JSON name of a desk error kind.
fn code_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Setup => "setup",
        ErrorKind::NeedsKey => "needs_key",
        ErrorKind::Invalid => "invalid",
        ErrorKind::Offline => "offline",
        ErrorKind::Refused => "refused",
        ErrorKind::NeedsConfirmation => "needs_confirmation",
        ErrorKind::OverLimit => "over_limit",
        ErrorKind::NeedsStorage => "needs_storage",
        ErrorKind::MayChargeTwice => "may_charge_twice",
        ErrorKind::Internal => "internal",
    }
}

impl CliError {
    fn of_kind(kind: ErrorKind, message: impl std::fmt::Display) -> Self {
        Self::from(DeskError::new(kind, message))
    }
    pub fn local(message: impl std::fmt::Display) -> Self {
        Self::of_kind(ErrorKind::Internal, message)
    }
    pub fn invalid(message: impl std::fmt::Display) -> Self {
        Self::of_kind(ErrorKind::Invalid, message)
    }
    pub fn interrupted(message: impl std::fmt::Display) -> Self {
        Self {
            exit: Exit::Interrupted,
            code: "interrupted",
            message: studio::logging::scrub(&message.to_string()).into_owned(),
            field: None,
            problems: Vec::new(),
            over_limit: None,
        }
    }
    pub fn problems(context: &str, problems: Vec<Problem>) -> Self {
        DeskError::problems(context, problems).into()
    }
}

impl From<DeskError> for CliError {
    fn from(e: DeskError) -> Self {
        let exit = match e.kind {
            ErrorKind::Setup
            | ErrorKind::NeedsKey
            | ErrorKind::Offline
            | ErrorKind::NeedsStorage
            | ErrorKind::Internal => Exit::LocalFailure,
            ErrorKind::Invalid | ErrorKind::NeedsConfirmation | ErrorKind::MayChargeTwice => {
                Exit::InvalidInput
            }
            ErrorKind::Refused => Exit::ApiRefused,
            ErrorKind::OverLimit => Exit::OverLimit,
        };
        Self {
            exit,
            code: code_of(e.kind),
            message: e.message,
            field: e.field,
            problems: e.problems,
            over_limit: e.over_limit,
        }
    }
}

/// Engine errors reach the command line through the desk's vocabulary.
impl From<studio::EngineError> for CliError {
    fn from(e: studio::EngineError) -> Self {
        DeskError::from(e).into()
    }
}

impl From<studio::DataDirError> for CliError {
    fn from(e: studio::DataDirError) -> Self {
        DeskError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio::desk::MoneyRule;

    #[test]
    fn a_money_rule_is_exit_6_with_its_numbers_in_the_json() {
        let err = CliError::from(DeskError::over_limit(
            OverLimit {
                rule: MoneyRule::SpendGuard,
                estimated_credits: 720,
                limit: 300,
            },
            "above the spend guard",
        ));
        assert_eq!(err.exit, Exit::OverLimit);
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({
                "exit_code": 6, "code": "over_limit", "rule": "spend_guard",
                "estimated_credits": 720, "limit": 300, "message": "above the spend guard"
            })
        );
    }

    #[test]
    fn every_kind_has_an_exit_code_and_its_json_name() {
        let cases = [
            (ErrorKind::Invalid, Exit::InvalidInput, "invalid"),
            (ErrorKind::Refused, Exit::ApiRefused, "refused"),
            (ErrorKind::Offline, Exit::LocalFailure, "offline"),
            (ErrorKind::NeedsKey, Exit::LocalFailure, "needs_key"),
            (
                ErrorKind::MayChargeTwice,
                Exit::InvalidInput,
                "may_charge_twice",
            ),
        ];
        for (kind, exit, code) in cases {
            let err = CliError::from(DeskError::new(kind, "x"));
            assert_eq!((err.exit, err.code), (exit, code), "{kind:?}");
            // The serde name of the kind is the same word.
            assert_eq!(serde_json::to_value(kind).unwrap(), code);
        }
    }
}
