//! Job events: every state change is one row in `events`, written in the same transaction
//! as the change, and one `JobEvent` on a broadcast channel. A follower reads the rows other
//! processes wrote, so the app sees jobs started by a `seedance` command and the reverse.

use std::time::Duration;

use serde::Serialize;
use sqlx::{Sqlite, SqliteConnection};
use tokio::sync::broadcast;

use crate::job::JobState;
use crate::store::Store;

/// What a front end hears about a job: a committed state change, or byte progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobEvent {
    /// One row of the shared event log, written with the change it reports.
    Changed(StateChange),
    /// How much of a job's video has been downloaded (not logged; a few a second at most).
    Progress(ByteProgress),
}

/// One change to one job, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StateChange {
    /// Position in the shared event log.
    pub id: i64,
    pub at: i64,
    pub job_id: String,
    pub state: JobState,
    /// What happened, for a person.
    pub detail: Option<String>,
}

/// Bytes of a job's video downloaded so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ByteProgress {
    pub at: i64,
    pub job_id: String,
    pub done: u64,
    /// The size, when the server said it.
    pub total: Option<u64>,
}

impl JobEvent {
    pub fn job_id(&self) -> &str {
        match self {
            Self::Changed(c) => &c.job_id,
            Self::Progress(p) => &p.job_id,
        }
    }

    /// Whether this is a committed state change.
    pub fn is_change(&self) -> bool {
        matches!(self, Self::Changed(_))
    }

    /// The state a change moved the job to (none for progress).
    pub fn job_state(&self) -> Option<JobState> {
        match self {
            Self::Changed(c) => Some(c.state),
            Self::Progress(_) => None,
        }
    }
}

/// Writes an event inside the caller's transaction and returns it, to be published after
/// the commit.
pub async fn record(
    conn: &mut SqliteConnection,
    origin: &str,
    at: i64,
    job_id: &str,
    state: JobState,
    detail: Option<&str>,
) -> Result<JobEvent, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as::<Sqlite, (i64,)>(
        "INSERT INTO events (at, origin, job_id, state, detail) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(at)
    .bind(origin)
    .bind(job_id)
    .bind(state)
    .bind(detail)
    .fetch_one(conn)
    .await?;
    Ok(JobEvent::Changed(StateChange {
        id,
        at,
        job_id: job_id.to_string(),
        state,
        detail: detail.map(str::to_string),
    }))
}

/// Publishes, on `bus`, the events other processes write (this process publishes its own
/// as it commits them). Runs until the task is aborted.
pub async fn follow_others(
    store: Store,
    origin: String,
    bus: broadcast::Sender<JobEvent>,
    every: Duration,
) {
    let mut last: i64 = sqlx::query_as::<Sqlite, (i64,)>("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(store.pool())
        .await
        .map(|(id,)| id)
        .unwrap_or(0);
    loop {
        tokio::time::sleep(every).await;
        let rows = sqlx::query_as::<Sqlite, (i64, i64, String, JobState, Option<String>, String)>(
            "SELECT id, at, job_id, state, detail, origin FROM events WHERE id > ? ORDER BY id LIMIT 500",
        )
        .bind(last)
        .fetch_all(store.pool())
        .await;
        let Ok(rows) = rows else { continue };
        for (id, at, job_id, state, detail, from) in rows {
            last = id;
            if from != origin {
                let _ = bus.send(JobEvent::Changed(StateChange {
                    id,
                    at,
                    job_id,
                    state,
                    detail,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_say_what_they_are_and_progress_carries_numbers() {
        let progress = JobEvent::Progress(ByteProgress {
            at: 5,
            job_id: "j1".into(),
            done: 1024,
            total: Some(4096),
        });
        assert_eq!(
            serde_json::to_value(&progress).unwrap(),
            serde_json::json!({"kind": "progress", "at": 5, "job_id": "j1", "done": 1024, "total": 4096})
        );
        assert!(!progress.is_change());
        assert_eq!(progress.job_state(), None);
        let change = JobEvent::Changed(StateChange {
            id: 7,
            at: 5,
            job_id: "j1".into(),
            state: JobState::NeedsAttention,
            detail: Some("Needs a decision".into()),
        });
        assert_eq!(
            serde_json::to_value(&change).unwrap()["state"],
            "needs_attention"
        );
        assert_eq!(change.job_state(), Some(JobState::NeedsAttention));
        assert_eq!(change.job_id(), "j1");
    }
}
