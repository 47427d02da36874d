//! The one way a job row changes: a transition in one transaction with its event, only by
//! the lease's holder; and the leases themselves (claimed, renewed, handed back, and taken
//! over from processes that are gone).

use super::*;

/// What a transition writes besides the state.
#[derive(Debug, Default)]
pub(super) struct Changes {
    detail: Option<String>,
    sets: Vec<Set>,
    /// The work goes on after this step: the lease stays (renewed), instead of being let go.
    keep_lease: bool,
}

/// One column a transition sets, with its value: a typo cannot name a column that does not
/// exist, and each column takes only its own type.
#[derive(Debug, Clone)]
pub(super) enum Set {
    Attempts(Option<i64>),
    AttentionReason(Option<String>),
    Attention(Option<sqlx::types::Json<Attention>>),
    CompletedAt(Option<i64>),
    CreditsRefunded(Option<i64>),
    CreditsUsed(Option<i64>),
    Delivery(Option<sqlx::types::Json<crate::delivery::Delivery>>),
    DeliveryMismatches(Option<i64>),
    DownloadFailures(Option<i64>),
    ErrorCode(Option<String>),
    ErrorMessage(Option<String>),
    ExpectedMs(Option<i64>),
    FirstSentAt(Option<i64>),
    FramePath(Option<String>),
    FrameSha256(Option<String>),
    LastFrameUrl(Option<String>),
    NextActionAt(Option<i64>),
    Seed(Option<i64>),
    SubmittedAt(Option<i64>),
    TaskId(Option<String>),
    VideoBytes(Option<i64>),
    VideoPath(Option<String>),
    VideoSha256(Option<String>),
    VideoUrl(Option<String>),
}

impl Set {
    fn column(&self) -> &'static str {
        match self {
            Self::Attempts(_) => "attempts",
            Self::AttentionReason(_) => "attention_reason",
            Self::Attention(_) => "attention",
            Self::CompletedAt(_) => "completed_at",
            Self::CreditsRefunded(_) => "credits_refunded",
            Self::CreditsUsed(_) => "credits_used",
            Self::Delivery(_) => "delivery",
            Self::DeliveryMismatches(_) => "delivery_mismatches",
            Self::DownloadFailures(_) => "download_failures",
            Self::ErrorCode(_) => "error_code",
            Self::ErrorMessage(_) => "error_message",
            Self::ExpectedMs(_) => "expected_ms",
            Self::FirstSentAt(_) => "first_sent_at",
            Self::FramePath(_) => "frame_path",
            Self::FrameSha256(_) => "frame_sha256",
            Self::LastFrameUrl(_) => "last_frame_url",
            Self::NextActionAt(_) => "next_action_at",
            Self::Seed(_) => "seed",
            Self::SubmittedAt(_) => "submitted_at",
            Self::TaskId(_) => "task_id",
            Self::VideoBytes(_) => "video_bytes",
            Self::VideoPath(_) => "video_path",
            Self::VideoSha256(_) => "video_sha256",
            Self::VideoUrl(_) => "video_url",
        }
    }

    fn bind<'q>(
        self,
        q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
        match self {
            Self::Attempts(v)
            | Self::CompletedAt(v)
            | Self::CreditsRefunded(v)
            | Self::CreditsUsed(v)
            | Self::DeliveryMismatches(v)
            | Self::DownloadFailures(v)
            | Self::ExpectedMs(v)
            | Self::FirstSentAt(v)
            | Self::NextActionAt(v)
            | Self::Seed(v)
            | Self::SubmittedAt(v)
            | Self::VideoBytes(v) => q.bind(v),
            Self::AttentionReason(v)
            | Self::ErrorCode(v)
            | Self::ErrorMessage(v)
            | Self::FramePath(v)
            | Self::FrameSha256(v)
            | Self::LastFrameUrl(v)
            | Self::TaskId(v)
            | Self::VideoPath(v)
            | Self::VideoSha256(v)
            | Self::VideoUrl(v) => q.bind(v),
            Self::Attention(v) => q.bind(v),
            Self::Delivery(v) => q.bind(v),
        }
    }
}

impl Changes {
    pub(super) fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    pub(super) fn set(mut self, set: Set) -> Self {
        self.sets.push(set);
        self
    }
    /// Why the job now waits for a person (or, with `None`, no longer does): the code
    /// with its values, and its English words.
    pub(super) fn attention(self, job: &Job, attention: Option<Attention>) -> Self {
        let reason = attention.as_ref().map(|a| a.message(&job.id));
        self.set(Set::AttentionReason(reason))
            .set(Set::Attention(attention.map(sqlx::types::Json)))
    }
    pub(super) fn keep_lease(mut self) -> Self {
        self.keep_lease = true;
        self
    }
}

impl Inner {
    /// Moves `job` to `to` with `changes`, in one transaction with its event; releases the
    /// lease. Refuses (returns false) if the row changed state meanwhile.
    pub(super) async fn transition(
        &self,
        job: &Job,
        to: JobState,
        changes: Changes,
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
        for set in &changes.sets {
            sql.push_str(&format!(", {} = ?", set.column()));
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
        for set in changes.sets.iter().cloned() {
            q = set.bind(q);
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
    pub(super) async fn free_leases_of_the_dead(&self, now: i64) {
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
    pub(super) async fn claim(&self, id: &str) -> Result<bool, sqlx::Error> {
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
    pub(super) async fn release(
        &self,
        job: &Job,
        at: i64,
        changes: Changes,
    ) -> Result<(), EngineError> {
        self.transition(job, job.state(), changes.set(Set::NextActionAt(Some(at))))
            .await
            .map(|_| ())
    }

    /// Hands the job back after a failure that may pass, due again at `at`, with what
    /// went wrong kept for the person.
    pub(super) async fn retry_later(
        &self,
        job: &Job,
        at: i64,
        error: &impl std::fmt::Display,
    ) -> Result<(), EngineError> {
        let changes = Changes::default().set(Set::ErrorMessage(Some(error.to_string())));
        self.release(job, at, changes).await
    }

    pub(super) fn backoff(&self, attempts: i64) -> i64 {
        self.config
            .retry
            .backoff(attempts.clamp(1, 16) as u32)
            .as_millis() as i64
    }
}
