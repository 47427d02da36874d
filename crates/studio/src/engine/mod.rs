//! The engine: takes jobs, sends each paid request exactly once, polls within the budget,
//! downloads outputs, and picks all of it up again after a restart or a crash.
//!
//! Every transition is one `BEGIN IMMEDIATE` transaction that updates the job row, writes
//! its event and releases the lease; the event is published after the commit. Work on a job
//! (submit, poll, download) is done under a lease, so several processes on one data folder
//! never do the same thing twice.
//!
//! The rooms: `outbox` (intents committed, then sent once), `poller` (the scheduler and the
//! poll step), `fetcher` (outputs downloaded and checked), `decisions` (what a person decides:
//! resend, retry, give up) and `transitions` (the one way a job row changes, and leases).
//! `Inner` and its primitives are private to this module and its rooms, so no other part of
//! the crate can move a job except through them.

mod decisions;
mod fetcher;
mod outbox;
mod poller;
mod transitions;

use transitions::{Changes, Set};

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

use crate::attention::Attention;
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
            lease: crate::environment::DEFAULT_LEASE,
            unknown_outcome_limit: Duration::from_secs(24 * 3600),
            follow_every: Duration::from_millis(300),
            planning: PollPlanning::Planned,
            download: download::Bounds::default(),
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
    /// A project's take refused (over its budget, or its render stopped): nothing stored.
    #[error(transparent)]
    Project(#[from] crate::project::records::Refusal),
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
    /// The project shot it is a take of: checked against the project's budget and recorded
    /// in the job's own transaction.
    pub take: Option<&'a crate::project::records::TakeOf>,
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
        let worker = tokio::spawn(poller::run(inner.clone()));
        // Renders saved before the delivery check existed are probed once, in the background.
        let backfill_store = inner.store.clone();
        let backfill = tokio::spawn(async move {
            if let Err(e) = crate::delivery::backfill(&backfill_store).await {
                tracing::warn!(error = %e, "probing earlier renders stopped");
            }
        });
        Ok(Self {
            inner,
            tasks: Mutex::new(vec![worker, follower, backfill]),
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
}
