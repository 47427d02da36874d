//! A job: one render, as one row, moving through one state machine.
//!
//! draft → queued → submitting → processing → downloading → ready, or expired (the render
//! finished but its outputs died before they were fetched), failed (with the API's error and
//! any refund), needs_attention (a person must decide; the reason says what).

use seedance_api::{AspectRatio, Channel, Mode, QualityTier, Resolution};
use serde::Serialize;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, sqlx::Type)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum JobState {
    Draft,
    Queued,
    Submitting,
    Processing,
    Downloading,
    Ready,
    Expired,
    Failed,
    NeedsAttention,
}

impl JobState {
    pub const ALL: [Self; 9] = [
        Self::Draft,
        Self::Queued,
        Self::Submitting,
        Self::Processing,
        Self::Downloading,
        Self::Ready,
        Self::Expired,
        Self::Failed,
        Self::NeedsAttention,
    ];

    /// The engine still has work to do on these without anyone's say.
    pub const ACTIVE: [Self; 4] = [
        Self::Queued,
        Self::Submitting,
        Self::Processing,
        Self::Downloading,
    ];

    /// Not finished: active, or waiting for a person's decision.
    pub const UNFINISHED: [Self; 5] = [
        Self::Queued,
        Self::Submitting,
        Self::Processing,
        Self::Downloading,
        Self::NeedsAttention,
    ];

    /// Nothing more will happen unless a person acts.
    pub const FINAL: [Self; 3] = [Self::Ready, Self::Expired, Self::Failed];

    /// A request in these may still be sent, so the references it names must stay.
    pub const MAY_SEND: [Self; 4] = [
        Self::Queued,
        Self::Submitting,
        Self::Processing,
        Self::NeedsAttention,
    ];

    /// `states` as an SQL list for `state IN (…)` (the names are fixed words, never input).
    pub fn sql_list(states: &[Self]) -> String {
        states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Queued => "queued",
            Self::Submitting => "submitting",
            Self::Processing => "processing",
            Self::Downloading => "downloading",
            Self::Ready => "ready",
            Self::Expired => "expired",
            Self::Failed => "failed",
            Self::NeedsAttention => "needs_attention",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The engine still has work to do on it without anyone's say.
    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    /// Nothing more will happen unless a person acts.
    pub fn is_final(self) -> bool {
        Self::FINAL.contains(&self)
    }

    /// Whether the state machine allows going from `self` to `to`.
    pub fn can_become(self, to: Self) -> bool {
        use JobState::*;
        matches!(
            (self, to),
            (Draft, Queued)
                | (Queued, Submitting)
                | (Queued | Submitting, Processing | Failed | NeedsAttention)
                | (Processing, Downloading | Failed | NeedsAttention)
                | (Downloading, Ready | Expired | Failed | NeedsAttention)
                | (NeedsAttention, Submitting | Processing | Failed)
        )
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Job {
    pub id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub state: JobState,
    pub request_body: String,
    #[serde(skip)]
    pub idempotency_key: String,
    pub prompt: String,
    pub mode: Mode,
    pub quality_tier: QualityTier,
    pub channel: Channel,
    pub aspect_ratio: AspectRatio,
    pub resolution: Resolution,
    pub duration: i64,
    pub first_sent_at: Option<i64>,
    pub attempts: i64,
    pub task_id: Option<String>,
    pub submitted_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub credits_used: Option<i64>,
    pub credits_refunded: Option<i64>,
    pub seed: Option<i64>,
    pub video_url: Option<String>,
    pub last_frame_url: Option<String>,
    pub video_path: Option<String>,
    pub frame_path: Option<String>,
    pub video_bytes: Option<i64>,
    pub next_action_at: Option<i64>,
    pub polls: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub attention_reason: Option<String>,
    /// Why it waits for a person, as a code with its values.
    pub attention: Option<sqlx::types::Json<crate::attention::Attention>>,
    pub retry_of: Option<String>,
    pub expected_ms: Option<i64>,
    pub video_sha256: Option<String>,
    pub frame_sha256: Option<String>,
    pub favourite: bool,
    /// The render this one continues, and from what of it (`clip` or `frame`).
    pub extends_id: Option<String>,
    pub extends_from: Option<String>,
    /// Failed download attempts in a row.
    pub download_failures: i64,
    /// A generation sent to the service, or a project's assembled cut.
    pub kind: RenderKind,
    /// The project a cut was assembled from.
    pub project_id: Option<String>,
    /// What the downloaded video holds against what was asked (`None` until probed).
    pub delivery: Option<sqlx::types::Json<crate::delivery::Delivery>>,
    /// A person's tags, alphabetical; not a column: the library and the desk fill them in
    /// ([`crate::tags::fill`]) where a render is shown.
    #[sqlx(skip)]
    pub tags: Vec<String>,
    /// A person's judgement: 1 to 5 stars, and rejected or not.
    pub rating: Option<i64>,
    pub rejected: bool,
}

/// What a render in the history is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::Type)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum RenderKind {
    /// A video the service generated.
    #[default]
    Generation,
    /// A project's selected takes assembled into one film, here.
    Cut,
}

impl Job {
    pub fn state(&self) -> JobState {
        self.state
    }
}

/// Every column of `jobs`, for `SELECT`.
pub const JOB_COLUMNS: &str = "id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
    quality_tier, channel, aspect_ratio, resolution, duration, first_sent_at, attempts, task_id, submitted_at, \
    completed_at, credits_used, credits_refunded, seed, video_url, last_frame_url, video_path, frame_path, \
    video_bytes, next_action_at, polls, error_code, error_message, attention_reason, retry_of, expected_ms, video_sha256, frame_sha256, favourite, \
    extends_id, extends_from, download_failures, attention, kind, project_id, delivery, rating, rejected";

/// A new, time-ordered job id: `j` + a UUIDv7 (time, then 74 random bits from the OS), so
/// ids sort by creation and cannot be guessed.
pub fn new_job_id(now_ms: i64) -> String {
    format!("j{}", crate::random::uuid_v7(now_ms).simple())
}

/// A fresh Idempotency-Key: 128 random bits from the OS.
pub fn new_idempotency_key() -> String {
    format!("ss-{}", crate::random::hex128())
}

/// The job `reference` names: its local id, or the API's task id.
pub async fn find_job(store: &crate::Store, reference: &str) -> Result<Option<Job>, sqlx::Error> {
    sqlx::query_as::<_, Job>(&format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1 OR task_id = ?1 ORDER BY id = ?1 DESC LIMIT 1"
    ))
    .bind(reference)
    .fetch_optional(store.pool())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_is_allowed_and_shortcuts_are_not() {
        use JobState::*;
        for pair in [Draft, Queued, Submitting, Processing, Downloading, Ready].windows(2) {
            assert!(pair[0].can_become(pair[1]), "{pair:?}");
        }
        assert!(!Queued.can_become(Ready));
        assert!(!Ready.can_become(Queued));
        assert!(!Failed.can_become(Submitting), "a retry is a new job");
        assert!(NeedsAttention.can_become(Submitting));
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn ids_sort_by_time_and_keys_are_unique() {
        assert!(new_job_id(1000) < new_job_id(2000));
        assert_ne!(new_idempotency_key(), new_idempotency_key());
        assert_eq!(new_idempotency_key().len(), 35);
    }
}
