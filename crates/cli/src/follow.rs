//! Following jobs while the engine works on them: until each is submitted (it has a task
//! id, or was refused) or until each has finished. Ctrl-C and `--timeout` stop the wait
//! (exit 5) without touching the jobs: the next `seedance resume` or app start goes on.

use std::collections::HashMap;
use std::time::Duration;

use studio::{ConnectionMode, Desk, Engine, Job, JobEvent, JobState};
use tokio::sync::broadcast::error::RecvError;

use crate::exit::{CliError, Exit};
use crate::output::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The request reached the service (or was refused): the job can be left to run.
    Submitted,
    /// Nothing more happens without a person: ready, failed, expired or needs_attention.
    Finished,
}

impl Until {
    pub fn reached(self, state: JobState) -> bool {
        match self {
            Self::Submitted => !matches!(state, JobState::Queued | JobState::Submitting),
            Self::Finished => state.is_final() || state == JobState::NeedsAttention,
        }
    }
}

/// Follows `ids` (to the end when `to_the_end`, else until submitted) with progress on
/// stderr, within `waiting`'s timeout; returns the jobs and how they turned out.
pub async fn follow_jobs(
    engine: &Engine,
    ids: &[String],
    to_the_end: bool,
    waiting: crate::args::Waiting,
) -> Result<(Vec<Job>, Exit), CliError> {
    let until = if to_the_end {
        Until::Finished
    } else {
        Until::Submitted
    };
    let timeout = waiting.timeout.map(Duration::from_secs);
    let jobs = follow(engine, ids, until, timeout, &mut Progress::new()).await?;
    let exit = outcome(&jobs, until);
    Ok((jobs, exit))
}

/// Follows `ids` until each has reached `until`, and returns them in the same order.
async fn follow(
    engine: &Engine,
    ids: &[String],
    until: Until,
    timeout: Option<Duration>,
    progress: &mut Progress,
) -> Result<Vec<Job>, CliError> {
    let mut events = engine.subscribe();
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let mut last_state: HashMap<String, JobState> = HashMap::new();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let mut jobs = Vec::with_capacity(ids.len());
        for id in ids {
            let job = engine
                .job(id)
                .await?
                .ok_or_else(|| CliError::invalid(format!("No job {id}")))?;
            if last_state.get(id) != Some(&job.state()) {
                last_state.insert(id.clone(), job.state());
                progress.note(&format!("{}: {}", job.id, describe(&job)));
            }
            jobs.push(job);
        }
        let done = jobs.iter().filter(|j| until.reached(j.state())).count();
        if done == jobs.len() {
            progress.finish();
            return Ok(jobs);
        }
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            event = events.recv() => match event {
                Ok(JobEvent::Progress(p)) if ids.contains(&p.job_id) => {
                    let bytes = match p.total {
                        Some(total) => format!("{} of {total} bytes", p.done),
                        None => format!("{} bytes", p.done),
                    };
                    progress.bar(done, jobs.len(), &format!("{}: downloading {bytes}", p.job_id));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => {
                    return Err(CliError::local("the engine stopped"));
                }
            },
            // A safety net: states are re-read at least every second.
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = &mut ctrl_c => {
                progress.finish();
                return Err(CliError::interrupted(
                    "Interrupted. Every job is safe: `seedance resume` (or the app) finishes them.",
                ));
            }
            _ = sleep => {
                progress.finish();
                return Err(CliError::interrupted(
                    "Timed out while waiting. Every job is safe: `seedance resume` (or the app) finishes them.",
                ));
            }
        }
    }
}

/// "processing (task sd2_…)", "failed: the reason", …
pub fn describe(job: &Job) -> String {
    match job.state() {
        JobState::Failed => format!(
            "failed: {}",
            job.error_message.as_deref().unwrap_or("no reason given")
        ),
        JobState::NeedsAttention => format!(
            "needs attention: {}",
            job.attention_reason
                .as_deref()
                .unwrap_or("see `seedance show`")
        ),
        JobState::Processing => format!(
            "processing (task {})",
            job.task_id.as_deref().unwrap_or("?")
        ),
        JobState::Ready => format!(
            "ready: {}",
            job.video_path.as_deref().unwrap_or("(no local file)")
        ),
        other => other.as_str().to_string(),
    }
}

/// The exit code for jobs that were followed: 3 if the service refused a submission (no
/// task was created: a bad key, no credits, …), else 4 if any did not end well.
fn outcome(jobs: &[Job], until: Until) -> Exit {
    let refused = jobs.iter().any(|j| {
        matches!(j.state(), JobState::Failed | JobState::NeedsAttention) && j.task_id.is_none()
    });
    let bad = jobs.iter().any(|j| match until {
        Until::Finished => j.state() != JobState::Ready,
        Until::Submitted => matches!(j.state(), JobState::Failed | JobState::NeedsAttention),
    });
    if refused {
        Exit::ApiRefused
    } else if bad {
        Exit::JobFailed
    } else {
        Exit::Success
    }
}

/// Runs `work` on `mode`'s engine, started through the desk, then stops it: every job
/// stays safe to resume, and the uploads of jobs that finished meanwhile are released.
pub async fn on_engine<T>(
    desk: &Desk,
    mode: ConnectionMode,
    work: impl AsyncFnOnce(&Engine) -> Result<T, CliError>,
) -> Result<T, CliError> {
    desk.connect(mode).await?;
    let running = desk.engine().await?;
    let result = work(&running).await;
    drop(running);
    desk.close().await;
    result
}
