//! The engine: takes jobs, sends each paid request exactly once, polls within the budget,
//! downloads outputs, and picks all of it up again after a restart or a crash.
//!
//! Every transition is one `BEGIN IMMEDIATE` transaction that updates the job row, writes
//! its event and releases the lease; the event is published after the commit. Work on a job
//! (submit, poll, download) is done under a lease, so several processes on one data folder
//! never do the same thing twice.
//!
//! It is one file past 500 lines on purpose: the steps of the state machine (submit, poll,
//! download) and the actions a person takes (resend, retry, give up) all go through the
//! private `Inner` with its transition and lease primitives; spread over modules, those
//! primitives would have to be public to the crate, and a step could bypass them.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use seedance_api::retry::RetryPolicy;
use seedance_api::{
    ApiError, ApiKey, Client, ClientConfig, GenerationRequest, Rate, RequestBudget, TaskStatus,
};
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinSet;

use crate::budget::DbBudget;
use crate::clock::now_ms;
use crate::crash;
use crate::download::{self, DownloadError, Kind};
use crate::events::{self, ByteProgress, JobEvent};
use crate::extend::{self, ExtendFrom, Extension};
use crate::job::{JOB_COLUMNS, Job, JobState, new_idempotency_key, new_job_id};
use crate::outbound::Outbound;
use crate::render_files;
use crate::schedule::{PollContext, PollPlanning, median, next_poll_at};
use crate::store::{Store, StoreError};

/// How long a lease lasts: `SEEDANCE_LEASE_MS`, else 15 s. It is renewed while work runs,
/// and a holder that died is recognised at once (see [`crate::holders`]), so it bounds only
/// how long a hung (not dead) process keeps a job.
pub const LEASE_ENV: &str = "SEEDANCE_LEASE_MS";

fn lease_from_env() -> Duration {
    std::env::var(LEASE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms >= 100)
        .map_or(Duration::from_secs(15), Duration::from_millis)
}

/// The error code of a job whose first send's outcome was never learned.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";

/// How an engine runs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub data_dir: PathBuf,
    pub base_url: String,
    pub key: ApiKey,
    /// The account's budget (`SEEDANCE_RATE`); the engine keeps it with a margin.
    pub rate: Rate,
    /// Requests of every window kept back from the account's limit (a setting).
    pub budget_margin: u32,
    pub retry: RetryPolicy,
    /// Before the history has a render like it, a job is polled early and then less and
    /// less often, at most this far apart (see [`crate::schedule::next_poll_at`]).
    pub guess_poll_gap: Duration,
    /// Never poll one job more often than this.
    pub min_poll_interval: Duration,
    /// Never leave a job unpolled longer than this (the budget permitting).
    pub max_poll_gap: Duration,
    /// How long a process may hold a job before another may take it over.
    pub lease: Duration,
    /// A submission whose outcome is still unknown after this long is not re-sent on its
    /// own: it needs a person's decision.
    pub unknown_outcome_limit: Duration,
    /// How often other processes' events are picked up.
    pub follow_every: Duration,
    pub planning: PollPlanning,
    /// Size caps of outputs and the time one download attempt may take.
    pub download: download::Bounds,
    /// Failed download attempts in a row before a person is asked.
    pub max_download_failures: u32,
}

impl EngineConfig {
    pub fn new(data_dir: PathBuf, base_url: impl Into<String>, key: ApiKey) -> Self {
        Self {
            data_dir,
            base_url: base_url.into(),
            key,
            rate: Rate::ACCOUNT,
            budget_margin: 1,
            retry: RetryPolicy::default(),
            guess_poll_gap: Duration::from_secs(15),
            min_poll_interval: Duration::from_secs(2),
            max_poll_gap: Duration::from_secs(60),
            lease: lease_from_env(),
            unknown_outcome_limit: Duration::from_secs(24 * 3600),
            follow_every: Duration::from_millis(300),
            planning: PollPlanning::Planned,
            download: download::Bounds {
                caps: download::Caps::from_env(),
                ..download::Bounds::default()
            },
            max_download_failures: 8,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("The history database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("No job {0}")]
    NoSuchJob(String),
    #[error(
        "Whether the service accepted the first send of {0} is unknown, so it may have been charged already: a retry is a new request and may charge a second time. Accept that explicitly to retry it."
    )]
    MayChargeTwice(String),
    #[error("Job {id} is {state}; {action} is only possible when it is {allowed}")]
    WrongState {
        id: String,
        state: JobState,
        action: &'static str,
        allowed: &'static str,
    },
    #[error("Retrying starts a new render and spends credits again: confirm to go ahead")]
    NeedsConfirmation,
}

struct Inner {
    store: Store,
    client: Client,
    config: EngineConfig,
    budget_rate: Rate,
    origin: String,
    events: broadcast::Sender<JobEvent>,
    wake: Notify,
    busy: Mutex<HashSet<String>>,
    /// What outside URLs may be fetched (outputs: https to public hosts, or the loopback
    /// API base), and the client that checks it at every hop.
    outbound: Outbound,
    outputs: reqwest::Client,
    /// This process's liveness lock; other engines take over our leases once it is free.
    _holding: crate::holders::Holding,
}

/// A running engine. [`Engine::stop`] ends it cleanly at any moment.
pub struct Engine {
    inner: Arc<Inner>,
    /// The worker and the follower of other processes' events, until [`Engine::stop`].
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

/// How one act of submitting is made, besides the request.
#[derive(Debug, Default, Clone, Copy)]
pub struct Submission<'a> {
    /// The render this one continues ([`crate::extend`]).
    pub extends: Option<&'a Extension>,
    /// The id the front end minted for this act: the same id again finds the same job.
    pub submission_id: Option<&'a str>,
    /// Storage objects the request references, recorded with the job (one transaction) so
    /// they can be deleted once it has finished.
    pub uploads: &'a [String],
}

/// What a transition writes besides the state.
#[derive(Debug, Default)]
struct Changes<'a> {
    detail: Option<String>,
    sets: Vec<(&'a str, Value)>,
    /// The work goes on after this step: the lease stays (renewed), instead of being let go.
    keep_lease: bool,
}

#[derive(Debug, Clone)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl<'a> Changes<'a> {
    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    fn int(mut self, col: &'a str, v: Option<i64>) -> Self {
        self.sets.push((col, Value::Int(v)));
        self
    }
    fn text(mut self, col: &'a str, v: Option<String>) -> Self {
        self.sets.push((col, Value::Text(v)));
        self
    }
    fn keep_lease(mut self) -> Self {
        self.keep_lease = true;
        self
    }
}

impl Engine {
    /// Opens the history, then resumes every unfinished submission, poll and download.
    pub async fn start(config: EngineConfig) -> Result<Self, EngineError> {
        let store = Store::open(&config.data_dir).await?;
        let budget = DbBudget::new(store.clone(), config.rate, config.budget_margin);
        let budget_rate = budget.rate();
        let budget: Arc<dyn RequestBudget> = Arc::new(budget);
        let mut client_config =
            ClientConfig::new(config.base_url.clone(), config.key.clone(), budget);
        client_config.retry = config.retry;
        let client = Client::new(client_config)?;
        let (events, _) = broadcast::channel(1024);
        let origin = format!(
            "p{:x}-{}",
            std::process::id(),
            &crate::random::hex128()[..8]
        );
        let outbound = Outbound::new(&config.base_url, None);
        let holding = crate::holders::hold(&config.data_dir, &origin).map_err(|source| {
            EngineError::Store(StoreError::Folder {
                path: config.data_dir.join("holders"),
                source,
            })
        })?;
        let inner = Arc::new(Inner {
            store: store.clone(),
            client,
            budget_rate,
            origin: origin.clone(),
            events: events.clone(),
            wake: Notify::new(),
            busy: Mutex::new(HashSet::new()),
            outputs: outbound.client(),
            outbound,
            _holding: holding,
            config,
        });
        // Left-over partial downloads of finished jobs are of no further use.
        let _ = crate::library::Library::new(store.clone(), &inner.config.data_dir)
            .clean_partial_downloads()
            .await;
        let follower = tokio::spawn(events::follow_others(
            store,
            origin,
            events,
            inner.config.follow_every,
        ));
        let worker = tokio::spawn(run(inner.clone()));
        Ok(Self {
            inner,
            tasks: Mutex::new(vec![worker, follower]),
        })
    }

    /// Every job event, from this process and others on the same folder.
    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.inner.events.subscribe()
    }

    /// The request budget as this engine keeps it (its margin included).
    pub fn budget_rate(&self) -> Rate {
        self.inner.budget_rate
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The API client (for key checks and the like).
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// Validates `request` (nothing invalid is ever stored or sent), commits the intent
    /// (canonical body and a fresh Idempotency-Key) and queues it.
    pub async fn submit(&self, request: &GenerationRequest) -> Result<Job, EngineError> {
        self.submit_with(request, Submission::default()).await
    }

    /// [`Engine::submit`] for a render that may continue another one: the request goes out
    /// with the phrase the service needs ([`crate::extend`]); the history keeps the person's
    /// prompt and which render it extends (which must be in this history).
    pub async fn submit_extending(
        &self,
        request: &GenerationRequest,
        extension: Option<&Extension>,
    ) -> Result<Job, EngineError> {
        self.submit_with(
            request,
            Submission {
                extends: extension,
                ..Submission::default()
            },
        )
        .await
    }

    /// [`Engine::submit_extending`] under a submission id the front end minted for one act
    /// of submitting: when a job was already made under `submission_id`, that job is
    /// returned and nothing new is stored, sent or charged.
    pub async fn submit_once(
        &self,
        request: &GenerationRequest,
        extension: Option<&Extension>,
        submission_id: &str,
    ) -> Result<Job, EngineError> {
        self.submit_with(
            request,
            Submission {
                extends: extension,
                submission_id: Some(submission_id),
                ..Submission::default()
            },
        )
        .await
    }

    /// Submits `request` as `how` says; every other submit is this one.
    pub async fn submit_with(
        &self,
        request: &GenerationRequest,
        how: Submission<'_>,
    ) -> Result<Job, EngineError> {
        let Some(submission_id) = how.submission_id else {
            return self.make_job(request, how).await;
        };
        let valid = !submission_id.is_empty()
            && submission_id.len() <= 64
            && submission_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(EngineError::Api(ApiError::Invalid {
                problems: vec![seedance_api::Problem {
                    field: "submission_id".into(),
                    message: "must be 1 to 64 letters, digits, '-' or '_'".into(),
                }],
            }));
        }
        if let Some(job) = self.by_submission(submission_id).await? {
            return Ok(job);
        }
        match self.make_job(request, how).await {
            // Another call with the same id won the race: its job is the one.
            Err(EngineError::Database(sqlx::Error::Database(db))) if db.is_unique_violation() => {
                self.by_submission(submission_id)
                    .await?
                    .ok_or_else(|| EngineError::NoSuchJob(submission_id.into()))
            }
            other => other,
        }
    }

    async fn by_submission(&self, submission_id: &str) -> Result<Option<Job>, EngineError> {
        Ok(sqlx::query_as::<_, Job>(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE submission_id = ?"
        ))
        .bind(submission_id)
        .fetch_optional(self.inner.store.pool())
        .await?)
    }

    async fn make_job(
        &self,
        request: &GenerationRequest,
        how: Submission<'_>,
    ) -> Result<Job, EngineError> {
        let person_prompt = request.prompt.trim().to_string();
        let Some(extension) = how.extends else {
            return self.commit_intent(request, &person_prompt, how).await;
        };
        if self.job(&extension.job_id).await?.is_none() {
            return Err(EngineError::NoSuchJob(extension.job_id.clone()));
        }
        let sent = extend::request_to_send(request, extension.from);
        self.commit_intent(&sent, &person_prompt, how).await
    }

    async fn commit_intent(
        &self,
        request: &GenerationRequest,
        person_prompt: &str,
        how: Submission<'_>,
    ) -> Result<Job, EngineError> {
        let extension = how.extends;
        let prepared = self.inner.client.prepare(request)?;
        let now = now_ms();
        let id = new_job_id(now);
        let req = &prepared.request;
        let mut tx = self.inner.store.write().await?;
        sqlx::query(
            "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
             quality_tier, channel, aspect_ratio, resolution, duration, next_action_at, extends_id, extends_from, \
             submission_id) \
             VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(now)
        .bind(now)
        .bind(String::from_utf8(prepared.body.clone()).expect("JSON is UTF-8"))
        .bind(new_idempotency_key())
        .bind(if person_prompt.is_empty() {
            req.prompt.as_str()
        } else {
            person_prompt
        })
        .bind(req.mode.as_str())
        .bind(req.quality_tier.as_str())
        .bind(req.channel.as_str())
        .bind(req.aspect_ratio.as_str())
        .bind(req.resolution.as_str())
        .bind(i64::from(req.duration.seconds()))
        .bind(now)
        .bind(extension.map(|e| e.job_id.as_str()))
        .bind(extension.map(|e| e.from.as_str()))
        .bind(how.submission_id)
        .execute(&mut *tx)
        .await?;
        for key in how.uploads {
            sqlx::query("INSERT OR IGNORE INTO job_uploads (job_id, key) VALUES (?, ?)")
                .bind(&id)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        let event = events::record(
            &mut tx,
            &self.inner.origin,
            now,
            &id,
            JobState::Queued,
            Some("Queued"),
        )
        .await?;
        tx.commit().await?;
        let _ = self.inner.events.send(event);
        crash::point("after-intent");
        self.inner.wake.notify_one();
        self.job(&id).await?.ok_or(EngineError::NoSuchJob(id))
    }

    pub async fn job(&self, id: &str) -> Result<Option<Job>, EngineError> {
        self.inner.job(id).await
    }

    /// Jobs the engine is still working on, oldest first.
    pub async fn unfinished(&self) -> Result<Vec<Job>, EngineError> {
        Ok(sqlx::query_as::<_, Job>(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ({}) ORDER BY created_at",
            JobState::sql_list(&JobState::UNFINISHED)
        ))
        .fetch_all(self.inner.store.pool())
        .await?)
    }

    /// Sends a needs_attention job again, with its original Idempotency-Key and body.
    pub async fn resend(&self, id: &str) -> Result<Job, EngineError> {
        let job = self
            .expect_state(id, JobState::NeedsAttention, "resending", "needs_attention")
            .await?;
        let (to, detail) = if job.task_id.is_some() {
            (JobState::Processing, "Polling again, as asked")
        } else {
            (
                JobState::Submitting,
                "Sending again with the original Idempotency-Key, as asked",
            )
        };
        let now = now_ms();
        self.inner
            .transition(
                &job,
                to,
                Changes::default()
                    .detail(detail)
                    .int("next_action_at", Some(now))
                    .int("first_sent_at", Some(now))
                    .int("download_failures", Some(0))
                    .text("attention_reason", None),
            )
            .await?;
        self.inner.wake.notify_one();
        self.job(id)
            .await?
            .ok_or_else(|| EngineError::NoSuchJob(id.into()))
    }

    /// Gives up on a needs_attention job.
    pub async fn mark_failed(&self, id: &str) -> Result<Job, EngineError> {
        let job = self
            .expect_state(
                id,
                JobState::NeedsAttention,
                "marking failed",
                "needs_attention",
            )
            .await?;
        let reason = job.attention_reason.clone().unwrap_or_default();
        // Given up with its outcome unknown, it may yet have been charged: a retry says so.
        let code = if job.error_code.as_deref() == Some(OUTCOME_UNKNOWN) {
            OUTCOME_UNKNOWN
        } else {
            "abandoned"
        };
        self.inner
            .transition(
                &job,
                JobState::Failed,
                Changes::default()
                    .detail("Marked failed")
                    .text("error_code", Some(code.into()))
                    .text(
                        "error_message",
                        Some(format!("Marked failed by hand: {reason}")),
                    ),
            )
            .await?;
        self.job(id)
            .await?
            .ok_or_else(|| EngineError::NoSuchJob(id.into()))
    }

    /// Starts a failed job again as a new job: a new render and a new charge, so the
    /// caller must confirm. A job given up while the outcome of its first send was unknown
    /// may have been charged already: that needs [`Engine::retry_accepting_double_charge`].
    pub async fn retry(&self, id: &str, confirmed: bool) -> Result<Job, EngineError> {
        self.retry_consenting(id, confirmed, false).await
    }

    /// [`Engine::retry`], accepting that a job whose first send's outcome is unknown may be
    /// charged twice (its own confirmation: a plain "yes" never implies it).
    pub async fn retry_accepting_double_charge(&self, id: &str) -> Result<Job, EngineError> {
        self.retry_consenting(id, true, true).await
    }

    async fn retry_consenting(
        &self,
        id: &str,
        confirmed: bool,
        double_charge_accepted: bool,
    ) -> Result<Job, EngineError> {
        let job = self
            .expect_state(id, JobState::Failed, "retrying", "failed")
            .await?;
        if !confirmed {
            return Err(EngineError::NeedsConfirmation);
        }
        if job.error_code.as_deref() == Some(OUTCOME_UNKNOWN) && !double_charge_accepted {
            return Err(EngineError::MayChargeTwice(id.into()));
        }
        let request: GenerationRequest =
            serde_json::from_str(&job.request_body).map_err(|e| ApiError::Setup {
                message: format!("the stored request of {id} cannot be read: {e}"),
            })?;
        // The same request again, with the person's prompt and what it extends kept.
        let extension = job
            .extends_id
            .clone()
            .zip(job.extends_from.as_deref().and_then(ExtendFrom::parse));
        let extension = extension.map(|(job_id, from)| Extension { job_id, from });
        let new = self
            .commit_intent(
                &request,
                &job.prompt,
                Submission {
                    extends: extension.as_ref(),
                    ..Submission::default()
                },
            )
            .await?;
        sqlx::query("UPDATE jobs SET retry_of = ? WHERE id = ?")
            .bind(id)
            .bind(&new.id)
            .execute(self.inner.store.pool())
            .await?;
        self.job(&new.id)
            .await?
            .ok_or(EngineError::NoSuchJob(new.id))
    }

    async fn expect_state(
        &self,
        id: &str,
        state: JobState,
        action: &'static str,
        allowed: &'static str,
    ) -> Result<Job, EngineError> {
        let job = self
            .job(id)
            .await?
            .ok_or_else(|| EngineError::NoSuchJob(id.into()))?;
        if job.state() != state {
            return Err(EngineError::WrongState {
                id: id.into(),
                state: job.state(),
                action,
                allowed,
            });
        }
        Ok(job)
    }

    /// Stops working: in-flight requests are abandoned (each job's state is whatever was
    /// last committed, and the next start picks it up), leases are released.
    pub async fn stop(&self) {
        let tasks = std::mem::take(&mut *self.tasks.lock().expect("the task list is whole"));
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            let _ = task.await;
        }
        let _ = sqlx::query(
            "UPDATE jobs SET lease_holder = NULL, lease_until = NULL WHERE lease_holder = ?",
        )
        .bind(&self.inner.origin)
        .execute(self.inner.store.pool())
        .await;
        self.inner.store.close().await;
    }
}

impl Inner {
    async fn job(&self, id: &str) -> Result<Option<Job>, EngineError> {
        Ok(
            sqlx::query_as::<_, Job>(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?"))
                .bind(id)
                .fetch_optional(self.store.pool())
                .await?,
        )
    }

    /// Moves `job` to `to` with `changes`, in one transaction with its event; releases the
    /// lease. Refuses (returns false) if the row changed state meanwhile.
    async fn transition(
        &self,
        job: &Job,
        to: JobState,
        changes: Changes<'_>,
    ) -> Result<bool, EngineError> {
        debug_assert!(
            job.state().can_become(to) || job.state() == to,
            "{} -> {to}",
            job.state()
        );
        let now = now_ms();
        let mut sql = String::from(if changes.keep_lease {
            "UPDATE jobs SET state = ?, updated_at = ?, lease_holder = ?, lease_until = ?"
        } else {
            "UPDATE jobs SET state = ?, updated_at = ?, lease_holder = NULL, lease_until = NULL"
        });
        for (col, _) in &changes.sets {
            sql.push_str(&format!(", {col} = ?"));
        }
        // Only the lease's holder (or nobody's lease) moves a job: a process that lost its
        // lease to another never writes over what the other does.
        sql.push_str(" WHERE id = ? AND state = ? AND (lease_holder IS NULL OR lease_holder = ?)");
        let mut tx = self.store.write().await?;
        let mut q = sqlx::query(&sql).bind(to).bind(now);
        if changes.keep_lease {
            q = q
                .bind(&self.origin)
                .bind(now + self.config.lease.as_millis() as i64);
        }
        for (_, v) in &changes.sets {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(t) => q.bind(t.clone()),
            };
        }
        let done = q
            .bind(&job.id)
            .bind(job.state())
            .bind(&self.origin)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        let event = if job.state() != to || changes.detail.is_some() {
            Some(
                events::record(
                    &mut tx,
                    &self.origin,
                    now,
                    &job.id,
                    to,
                    changes.detail.as_deref(),
                )
                .await?,
            )
        } else {
            None
        };
        tx.commit().await?;
        tracing::info!(
            job = %job.id,
            from = %job.state(),
            to = %to,
            detail = changes.detail.as_deref().unwrap_or(""),
            "job changed"
        );
        if let Some(event) = event {
            let _ = self.events.send(event);
        }
        Ok(true)
    }

    /// Lets go of the leases held by processes on this folder that are no longer running.
    async fn free_leases_of_the_dead(&self, now: i64) {
        let holders: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT lease_holder FROM jobs WHERE lease_holder IS NOT NULL \
             AND lease_holder != ? AND lease_until >= ?",
        )
        .bind(&self.origin)
        .bind(now)
        .fetch_all(self.store.pool())
        .await
        .unwrap_or_default();
        for (holder,) in holders {
            if crate::holders::holder(&self.config.data_dir, &holder)
                != crate::holders::Holder::Gone
            {
                continue;
            }
            tracing::warn!(%holder, "taking over the jobs of a process that is gone");
            let _ = sqlx::query(
                "UPDATE jobs SET lease_holder = NULL, lease_until = NULL WHERE lease_holder = ?",
            )
            .bind(&holder)
            .execute(self.store.pool())
            .await;
            self.wake.notify_one();
        }
    }

    /// Takes the lease on a job, unless another process holds a live one.
    async fn claim(&self, id: &str) -> Result<bool, sqlx::Error> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE jobs SET lease_holder = ?, lease_until = ? WHERE id = ? \
             AND (lease_holder IS NULL OR lease_until < ? OR lease_holder = ?)",
        )
        .bind(&self.origin)
        .bind(now + self.config.lease.as_millis() as i64)
        .bind(id)
        .bind(now)
        .bind(&self.origin)
        .execute(self.store.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Hands the job back without a state change, due again at `at`.
    async fn release(&self, job: &Job, at: i64, changes: Changes<'_>) -> Result<(), EngineError> {
        self.transition(job, job.state(), changes.int("next_action_at", Some(at)))
            .await
            .map(|_| ())
    }

    /// How long renders like this one took before; None when the history has none.
    async fn expected_render(&self, job: &Job) -> Option<Duration> {
        let similar: Vec<(i64,)> = sqlx::query_as(
            "SELECT completed_at - submitted_at FROM jobs WHERE quality_tier = ? AND resolution = ? AND duration = ? \
             AND channel = ? AND completed_at IS NOT NULL AND submitted_at IS NOT NULL \
             AND state IN ('downloading','ready','expired') ORDER BY completed_at DESC LIMIT 25",
        )
        .bind(&job.quality_tier)
        .bind(&job.resolution)
        .bind(job.duration)
        .bind(&job.channel)
        .fetch_all(self.store.pool())
        .await
        .unwrap_or_default();
        median(similar.into_iter().map(|(d,)| d).collect())
    }

    /// Jobs being polled, and how many of them are past their expected render time.
    async fn in_flight(&self, now: i64) -> (usize, usize) {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), COALESCE(SUM(submitted_at + COALESCE(expected_ms, 0) <= ?), 0) FROM jobs WHERE state = 'processing'",
        )
        .bind(now)
        .fetch_one(self.store.pool())
        .await
        .map_or((1, 1), |(n, late)| (n.max(1) as usize, late as usize))
    }

    async fn plan_poll(&self, job: &Job, now: i64) -> i64 {
        let (in_flight, late) = self.in_flight(now).await;
        let learned = match job.expected_ms {
            Some(ms) => Some(Duration::from_millis(ms.max(0) as u64)),
            None => self.expected_render(job).await,
        };
        next_poll_at(
            PollContext {
                now,
                submitted_at: job.submitted_at.unwrap_or(now),
                expected: learned,
                in_flight,
                late,
                rate: self.budget_rate,
                min_interval: self.config.min_poll_interval,
                max_gap: self.config.max_poll_gap,
                guess_gap: self.config.guess_poll_gap,
            },
            self.config.planning,
        )
    }

    fn backoff(&self, attempts: i64) -> i64 {
        self.config
            .retry
            .backoff(attempts.clamp(1, 16) as u32)
            .as_millis() as i64
    }
}

/// The scheduler: finds due jobs, claims them and works on them, until aborted.
async fn run(inner: Arc<Inner>) {
    let mut work = JoinSet::new();
    let mut renewed = 0i64;
    loop {
        while work.try_join_next().is_some() {}
        let now = now_ms();
        // Leases are renewed while work runs, a third of a lease apart...
        let lease = inner.config.lease.as_millis() as i64;
        if now - renewed >= lease / 3 {
            renewed = now;
            let _ = sqlx::query("UPDATE jobs SET lease_until = ? WHERE lease_holder = ?")
                .bind(now + lease)
                .bind(&inner.origin)
                .execute(inner.store.pool())
                .await;
        }
        // ...and those of processes that died are free at once.
        inner.free_leases_of_the_dead(now).await;
        let due: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM jobs WHERE state IN ({}) \
             AND COALESCE(next_action_at, 0) <= ? AND (lease_until IS NULL OR lease_until < ?) \
             ORDER BY CASE state WHEN 'queued' THEN 0 WHEN 'submitting' THEN 0 WHEN 'downloading' THEN 1 ELSE 2 END, next_action_at \
             LIMIT 64",
            JobState::sql_list(&JobState::ACTIVE)
        ))
        .bind(now)
        .bind(now)
        .fetch_all(inner.store.pool())
        .await
        .unwrap_or_default();
        for (id,) in due {
            if !inner.busy.lock().unwrap().insert(id.clone()) {
                continue;
            }
            let inner = inner.clone();
            work.spawn(async move {
                if inner.claim(&id).await.unwrap_or(false) {
                    let _ = act(&inner, &id).await;
                    // A step that ended without moving the job (another process moved it
                    // first, or it failed) lets go too: a lease is held only while working.
                    let _ = sqlx::query(
                        "UPDATE jobs SET lease_holder = NULL, lease_until = NULL \
                         WHERE id = ? AND lease_holder = ?",
                    )
                    .bind(&id)
                    .bind(&inner.origin)
                    .execute(inner.store.pool())
                    .await;
                }
                inner.busy.lock().unwrap().remove(&id);
                inner.wake.notify_one();
            });
        }
        let next: Option<(Option<i64>,)> = sqlx::query_as(&format!(
            "SELECT MIN(next_action_at) FROM jobs WHERE state IN ({})",
            JobState::sql_list(&JobState::ACTIVE)
        ))
        .fetch_optional(inner.store.pool())
        .await
        .unwrap_or(None);
        let wait = next
            .and_then(|(at,)| at)
            .map_or(1000, |at| (at - now_ms()).clamp(5, 1000));
        tokio::select! {
            _ = inner.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
        }
    }
}

/// One step of work on one claimed job.
async fn act(inner: &Inner, id: &str) -> Result<(), EngineError> {
    let Some(job) = inner.job(id).await? else {
        return Ok(());
    };
    match job.state() {
        JobState::Queued | JobState::Submitting => submit(inner, job).await,
        JobState::Processing => poll(inner, job).await,
        JobState::Downloading => fetch_outputs(inner, job).await,
        _ => Ok(()),
    }
}

async fn submit(inner: &Inner, mut job: Job) -> Result<(), EngineError> {
    let now = now_ms();
    if let Some(first) = job.first_sent_at
        && now - first > inner.config.unknown_outcome_limit.as_millis() as i64
    {
        let reason = format!(
            "This render was first sent {} hours ago and whether the service accepted it is still unknown. Sending it again now could charge twice if its Idempotency-Key has been forgotten. Resend it with the original key, or mark it failed.",
            (now - first) / 3_600_000
        );
        inner
            .transition(
                &job,
                JobState::NeedsAttention,
                Changes::default()
                    .detail("Needs a decision")
                    .text("error_code", Some(OUTCOME_UNKNOWN.into()))
                    .text("attention_reason", Some(reason)),
            )
            .await?;
        return Ok(());
    }
    if job.state() == JobState::Queued {
        inner
            .transition(
                &job,
                JobState::Submitting,
                Changes::default()
                    .detail("Sending")
                    .int("first_sent_at", Some(now))
                    .int("attempts", Some(job.attempts + 1))
                    .keep_lease(),
            )
            .await?;
        job = inner
            .job(&job.id)
            .await?
            .ok_or_else(|| EngineError::NoSuchJob(job.id.clone()))?;
        if !inner.claim(&job.id).await? {
            return Ok(());
        }
    } else {
        sqlx::query("UPDATE jobs SET attempts = attempts + 1 WHERE id = ?")
            .bind(&job.id)
            .execute(inner.store.pool())
            .await?;
        job.attempts += 1;
    }
    let send = inner
        .client
        .submit_body(job.request_body.as_bytes(), &job.idempotency_key);
    let result = if cfg!(feature = "crash-points")
        && std::env::var("SEEDANCE_CRASH_AT").as_deref() == Ok("mid-post")
    {
        // The drill stops the process while the POST is in flight.
        tokio::select! {
            r = send => r,
            _ = tokio::time::sleep(Duration::from_millis(100)) => { crash::point("mid-post"); unreachable!() }
        }
    } else {
        send.await
    };
    crash::point("after-202");
    let now = now_ms();
    match result {
        Ok(task) => {
            // Stored only when learned from the history: a guess is re-checked at each
            // poll, so the first similar render to finish teaches the ones still running.
            let expected = inner
                .expected_render(&job)
                .await
                .map(|d| d.as_millis() as i64);
            let submitted = Job {
                submitted_at: Some(now),
                expected_ms: expected,
                ..job.clone()
            };
            let next = inner.plan_poll(&submitted, now).await;
            inner
                .transition(
                    &job,
                    JobState::Processing,
                    Changes::default()
                        .detail(format!("Accepted as {}", task.id))
                        .text("task_id", Some(task.id))
                        .int("submitted_at", Some(now))
                        .int("expected_ms", expected)
                        .int("credits_used", task.credits_used.map(|c| c as i64))
                        .int("next_action_at", Some(next)),
                )
                .await?;
        }
        Err(e @ (ApiError::InvalidRequest { .. } | ApiError::Invalid { .. })) => {
            inner
                .transition(
                    &job,
                    JobState::Failed,
                    Changes::default()
                        .detail("Refused by the service")
                        .text("error_code", e.code().map(str::to_string))
                        .text("error_message", Some(e.to_string())),
                )
                .await?;
        }
        Err(
            e @ (ApiError::Unauthorized { .. }
            | ApiError::InsufficientCredits { .. }
            | ApiError::Redirected { .. }),
        ) => {
            let what = match &e {
                ApiError::Unauthorized { .. } => {
                    "The API key was refused. Add a valid key, then resend this job (nothing was charged)."
                }
                ApiError::InsufficientCredits { .. } => {
                    "The balance was too low. Top up, then resend this job (nothing was charged)."
                }
                _ => {
                    "The service redirected somewhere the key must not go. Check the base URL, then resend."
                }
            };
            inner
                .transition(
                    &job,
                    JobState::NeedsAttention,
                    Changes::default()
                        .detail("Needs a decision")
                        .text("error_code", e.code().map(str::to_string))
                        .text("error_message", Some(e.to_string()))
                        .text("attention_reason", Some(what.into())),
                )
                .await?;
        }
        Err(e) => {
            // Outcome unknown or temporary (a 409 too: the body is always the stored one, so
            // the first request is still being handled): try again later with the same key
            // and bytes. After a day of this, a person decides (see the top of this function).
            let at = now + inner.backoff(job.attempts);
            inner
                .release(
                    &job,
                    at,
                    Changes::default().text("error_message", Some(e.to_string())),
                )
                .await?;
        }
    }
    Ok(())
}

async fn poll(inner: &Inner, job: Job) -> Result<(), EngineError> {
    let Some(task_id) = job.task_id.clone() else {
        return Ok(());
    };
    let result = inner.client.get_task(&task_id).await;
    crash::point("mid-poll");
    let now = now_ms();
    sqlx::query("UPDATE jobs SET polls = polls + 1 WHERE id = ?")
        .bind(&job.id)
        .execute(inner.store.pool())
        .await?;
    match result {
        Ok(task) => match task.status {
            TaskStatus::Completed => {
                let output = task.output.unwrap_or(seedance_api::TaskOutput {
                    video_url: None,
                    last_frame_url: None,
                    seed: None,
                });
                // Output URLs are checked before they are stored: one the app would not
                // fetch (not https, a private address) is never kept or followed.
                let refused = [&output.video_url, &output.last_frame_url]
                    .into_iter()
                    .flatten()
                    .find_map(|u| inner.outbound.check_str(u).err());
                if let Some(refusal) = refused {
                    inner
                        .transition(
                            &job,
                            JobState::Failed,
                            Changes::default()
                                .detail("Output refused")
                                .int("completed_at", Some(now))
                                .int("seed", output.seed)
                                .int(
                                    "credits_used",
                                    task.credits_used.map(|c| c as i64).or(job.credits_used),
                                )
                                .text("error_code", Some("output_refused".into()))
                                .text(
                                    "error_message",
                                    Some(format!(
                                        "The render finished, but its output cannot be fetched safely: {refusal}"
                                    )),
                                ),
                        )
                        .await?;
                    return Ok(());
                }
                inner
                    .transition(
                        &job,
                        JobState::Downloading,
                        Changes::default()
                            .detail("Rendered; downloading")
                            .int("completed_at", Some(now))
                            .text("video_url", output.video_url)
                            .text("last_frame_url", output.last_frame_url)
                            .int("seed", output.seed)
                            .int(
                                "credits_used",
                                task.credits_used.map(|c| c as i64).or(job.credits_used),
                            )
                            .int("next_action_at", Some(now))
                            .text("error_message", None),
                    )
                    .await?;
            }
            TaskStatus::Failed => {
                let error = task.error.unwrap_or(seedance_api::TaskError {
                    code: None,
                    message: None,
                });
                let refunded = task.credits_refunded.map(|c| c as i64);
                inner
                    .transition(
                        &job,
                        JobState::Failed,
                        Changes::default()
                            .detail(format!(
                                "The render failed; {} credits refunded",
                                refunded.unwrap_or(0)
                            ))
                            .int("completed_at", Some(now))
                            .int("credits_refunded", refunded)
                            .text(
                                "error_code",
                                error.code.or(Some("generation_failed".into())),
                            )
                            .text(
                                "error_message",
                                Some(error.message.unwrap_or_else(|| {
                                    "The service reported the render as failed".into()
                                })),
                            ),
                    )
                    .await?;
            }
            TaskStatus::Processing | TaskStatus::Unknown(_) => {
                let at = inner.plan_poll(&job, now).await;
                inner.release(&job, at, Changes::default()).await?;
            }
        },
        Err(ApiError::NotFound { .. }) => {
            inner
                .transition(&job, JobState::NeedsAttention, Changes::default().detail("Needs a decision").text("attention_reason", Some(format!("The service no longer knows task {task_id}. Poll again, or mark the job failed."))))
                .await?;
        }
        Err(e) => {
            let at = now
                + inner
                    .backoff(job.polls + 1)
                    .max(inner.config.min_poll_interval.as_millis() as i64);
            inner
                .release(
                    &job,
                    at,
                    Changes::default().text("error_message", Some(e.to_string())),
                )
                .await?;
        }
    }
    Ok(())
}

async fn fetch_outputs(inner: &Inner, job: Job) -> Result<(), EngineError> {
    let dir = match render_files::render_dir(&inner.config.data_dir, &job.id) {
        Ok(dir) => dir,
        Err(e) => {
            // Only an imported render could carry such an id, and those are never fetched.
            inner
                .transition(
                    &job,
                    JobState::Failed,
                    Changes::default()
                        .detail("Not fetched")
                        .text("error_message", Some(e.to_string())),
                )
                .await?;
            return Ok(());
        }
    };
    let Some(video_url) = job.video_url.clone() else {
        inner
            .transition(
                &job,
                JobState::Expired,
                Changes::default().detail("No output").text(
                    "error_message",
                    Some("The service reported no video URL".into()),
                ),
            )
            .await?;
        return Ok(());
    };
    let mut crashed = false;
    let mut last_event = 0i64;
    let video = download::fetch_bounded(
        &inner.outputs,
        &video_url,
        &dir,
        render_files::VIDEO,
        &[Kind::Mp4],
        inner.config.download,
        |done, total| {
            if !crashed {
                crashed = true;
                crash::point("mid-download");
            }
            // Byte progress for the queue, a few times a second at most.
            let now = now_ms();
            if now - last_event >= 250 {
                last_event = now;
                let _ = inner.events.send(JobEvent::Progress(ByteProgress {
                    at: now,
                    job_id: job.id.clone(),
                    done,
                    total,
                }));
            }
        },
    )
    .await;
    let frame = match (&video, &job.last_frame_url) {
        (Ok(_), Some(url)) => Some(
            download::fetch_bounded(
                &inner.outputs,
                url,
                &dir,
                render_files::LAST_FRAME,
                &[Kind::Jpeg, Kind::Png],
                inner.config.download,
                |_, _| {},
            )
            .await,
        ),
        _ => None,
    };
    let now = now_ms();
    match (video, frame) {
        (Ok(video), frame) => {
            let frame = frame.and_then(Result::ok);
            // Decoding is CPU work: off the async threads.
            let thumbnail = match frame.as_ref().map(|f| f.path.clone()) {
                Some(path) => tokio::task::spawn_blocking(move || crate::preview::thumbnail(&path))
                    .await
                    .ok()
                    .and_then(Result::ok),
                None => None,
            };
            inner
                .transition(
                    &job,
                    JobState::Ready,
                    Changes::default()
                        .detail("Ready")
                        .text("video_path", Some(video.path.display().to_string()))
                        .text("video_sha256", Some(video.sha256))
                        .int("video_bytes", Some(video.size as i64))
                        .text(
                            "frame_path",
                            frame.as_ref().map(|f| f.path.display().to_string()),
                        )
                        .text("frame_sha256", frame.map(|f| f.sha256))
                        .text("error_message", None),
                )
                .await?;
            if let Some(thumb) = thumbnail {
                crate::preview::store(&inner.store, &job.id, &thumb).await?;
            }
        }
        (Err(DownloadError::Expired(status)), _) => {
            inner
                .transition(
                    &job,
                    JobState::Expired,
                    Changes::default().detail("Outputs expired").text(
                        "error_message",
                        Some(format!(
                            "The render finished, but its output URL stopped working (HTTP {status}) before the video could be saved."
                        )),
                    ),
                )
                .await?;
        }
        (Err(e), _) => {
            let failures = job.download_failures + 1;
            if failures >= i64::from(inner.config.max_download_failures) {
                // Never an endless loop: a person decides, and trying again costs nothing.
                inner
                    .transition(
                        &job,
                        JobState::NeedsAttention,
                        Changes::default()
                            .detail("Download stopped")
                            .int("download_failures", Some(failures))
                            .text("error_message", Some(e.to_string()))
                            .text(
                                "attention_reason",
                                Some(format!(
                                    "The render is done, but its video could not be downloaded in {failures} attempts in a row (last: {e}). Try the download again (Resend in the Queue, or `seedance resume {}`); it is never charged again.",
                                    job.id
                                )),
                            ),
                    )
                    .await?;
                return Ok(());
            }
            let at = now + inner.backoff(job.attempts + 1);
            sqlx::query(
                "UPDATE jobs SET attempts = attempts + 1, download_failures = ? WHERE id = ?",
            )
            .bind(failures)
            .bind(&job.id)
            .execute(inner.store.pool())
            .await?;
            inner
                .release(
                    &job,
                    at,
                    Changes::default().text("error_message", Some(e.to_string())),
                )
                .await?;
        }
    }
    Ok(())
}
