//! Why a job waits for a person, as a code with the values its words need: the engine
//! stores it with the job, and each front end says it in its own language (the window
//! from `ui/src/lib/locales/attention.ts`, the command line with [`Attention::message`],
//! which is also kept as the job's `attention_reason` for records made before codes).

use serde::{Deserialize, Serialize};

/// What a person must decide about a job, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Attention {
    /// First sent `hours` ago, and whether the service accepted it is still unknown.
    OutcomeUnknown { hours: i64 },
    /// The API key was refused; nothing was charged.
    KeyRefused,
    /// The balance was too low; nothing was charged.
    BalanceTooLow,
    /// The service redirected somewhere the key must not go.
    RedirectRefused,
    /// The render is done but its video failed to download `attempts` times in a row.
    DownloadsFailing { attempts: i64, error: String },
    /// The service no longer knows the task.
    TaskUnknown { task_id: String },
}

impl Attention {
    /// Every code, one example each (for the tests that hold the words to them).
    #[cfg(test)]
    pub(crate) fn examples() -> Vec<Self> {
        vec![
            Self::OutcomeUnknown { hours: 25 },
            Self::KeyRefused,
            Self::BalanceTooLow,
            Self::RedirectRefused,
            Self::DownloadsFailing {
                attempts: 8,
                error: "HTTP 500".into(),
            },
            Self::TaskUnknown {
                task_id: "sd2_x".into(),
            },
        ]
    }

    /// What it says in English, for the job `job`.
    pub fn message(&self, job: &str) -> String {
        match self {
            Self::OutcomeUnknown { hours } => format!(
                "This render was first sent {hours} hours ago and whether the service accepted it is still unknown. Sending it again now could charge twice if its Idempotency-Key has been forgotten. Resend it with the original key, or mark it failed."
            ),
            Self::KeyRefused => "The API key was refused. Add a valid key, then resend this job (nothing was charged).".into(),
            Self::BalanceTooLow => "The balance was too low. Top up, then resend this job (nothing was charged).".into(),
            Self::RedirectRefused => "The service redirected somewhere the key must not go. Check the base URL, then resend.".into(),
            Self::DownloadsFailing { attempts, error } => format!(
                "The render is done, but its video could not be downloaded in {attempts} attempts in a row (last: {error}). Try the download again (Resend in the Queue, or `seedance resume {job}`); it is never charged again."
            ),
            Self::TaskUnknown { task_id } => format!(
                "The service no longer knows task {task_id}. Poll again, or mark the job failed."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window says a reason by its code, with its values (and the job's id as `job`);
    /// its English words must say what the engine's message says.
    #[test]
    fn the_pages_english_reasons_are_the_engines() {
        let words = include_str!("../../../ui/src/lib/locales/attention.ts");
        for attention in Attention::examples() {
            let value = serde_json::to_value(&attention).unwrap();
            let code = value["code"].as_str().unwrap();
            let key = format!("\"attention.{code}\": ");
            let line = words
                .lines()
                .find(|l| l.trim_start().starts_with(&key))
                .unwrap_or_else(|| panic!("no {key} in the page's words"));
            let mut said: String =
                serde_json::from_str(line.trim().trim_start_matches(&key).trim_end_matches(','))
                    .expect("a JSON string");
            for (name, v) in value.as_object().unwrap() {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                said = said.replace(&format!("{{{name}}}"), &v);
            }
            said = said.replace("{job}", "j1");
            assert_eq!(said, attention.message("j1"), "{code}");
        }
    }

    #[test]
    fn a_reason_is_stored_as_its_code_and_values() {
        let stored = serde_json::to_string(&Attention::TaskUnknown {
            task_id: "sd2_x".into(),
        })
        .unwrap();
        assert_eq!(stored, r#"{"code":"task_unknown","task_id":"sd2_x"}"#);
        assert_eq!(
            serde_json::from_str::<Attention>(&stored)
                .unwrap()
                .message("j"),
            "The service no longer knows task sd2_x. Poll again, or mark the job failed."
        );
    }
}
