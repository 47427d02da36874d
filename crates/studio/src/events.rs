//! Job events: every state change is one row in `events`, written in the same transaction
//! as the change, and one `JobEvent` on a broadcast channel. A follower reads the rows other
//! processes wrote, so the app sees jobs started by a `seedance` command and the reverse.

use std::time::Duration;

use serde::Serialize;
use sqlx::{Sqlite, SqliteConnection};
use tokio::sync::broadcast;

use crate::job::JobState;
use crate::store::Store;

/// One change to one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobEvent {
    /// Position in the shared event log.
    pub id: i64,
    pub at: i64,
    pub job_id: String,
    pub state: String,
    /// What happened, for a person.
    pub detail: Option<String>,
}

impl JobEvent {
    /// Whether this is a committed state change (byte progress is published with id 0
    /// and is not in the log).
    pub fn is_change(&self) -> bool {
        self.id != 0
    }

    pub fn job_state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
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
    .bind(state.as_str())
    .bind(detail)
    .fetch_one(conn)
    .await?;
    Ok(JobEvent {
        id,
        at,
        job_id: job_id.to_string(),
        state: state.as_str().to_string(),
        detail: detail.map(str::to_string),
    })
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
        let rows = sqlx::query_as::<Sqlite, (i64, i64, String, String, Option<String>, String)>(
            "SELECT id, at, job_id, state, detail, origin FROM events WHERE id > ? ORDER BY id LIMIT 500",
        )
        .bind(last)
        .fetch_all(store.pool())
        .await;
        let Ok(rows) = rows else { continue };
        for (id, at, job_id, state, detail, from) in rows {
            last = id;
            if from != origin {
                let _ = bus.send(JobEvent {
                    id,
                    at,
                    job_id,
                    state,
                    detail,
                });
            }
        }
    }
}
