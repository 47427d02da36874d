//! What a person decides about a job the engine cannot finish on its own: send it again
//! with its original key (never a second charge), retry it as a new render (a new charge,
//! confirmed; one that may charge twice needs that said too), or give up on it.
use super::*;

impl Engine {
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
                    .set(Set::NextActionAt(Some(now)))
                    .set(Set::FirstSentAt(Some(now)))
                    .set(Set::DownloadFailures(Some(0)))
                    .attention(&job, None),
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
                    .set(Set::ErrorCode(Some(code.into())))
                    .set(Set::ErrorMessage(Some(format!(
                        "Marked failed by hand: {reason}"
                    )))),
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

    pub(super) async fn retry_consenting(
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

    pub(super) async fn expect_state(
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
}
