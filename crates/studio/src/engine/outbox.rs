//! The outbox: a submission is validated, committed as an intent (canonical body, a fresh
//! Idempotency-Key, its uploads) before any byte is sent, then sent once under a lease;
//! every resend repeats the same bytes with the same key.
use super::*;

impl Engine {
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
                problems: vec![seedance_api::Problem::new(
                    "submission_id",
                    "must be 1 to 64 letters, digits, '-' or '_'",
                )],
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

    /// The job made under `submission_id`, if one was.
    pub async fn by_submission(&self, submission_id: &str) -> Result<Option<Job>, EngineError> {
        Ok(sqlx::query_as::<_, Job>(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE submission_id = ?"
        ))
        .bind(submission_id)
        .fetch_optional(self.inner.store.pool())
        .await?)
    }

    pub(super) async fn make_job(
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

    pub(super) async fn commit_intent(
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
        if let Some(take) = how.take
            && let Err(refused) = crate::project::records::hold(&mut tx, take, &id, now).await?
        {
            // Dropping the transaction takes the job back: nothing is stored or sent.
            return Err(refused.into());
        }
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
}

pub(super) async fn submit(inner: &Inner, mut job: Job) -> Result<(), EngineError> {
    let now = now_ms();
    if let Some(first) = job.first_sent_at
        && now - first > inner.config.unknown_outcome_limit.as_millis() as i64
    {
        let reason = Attention::OutcomeUnknown {
            hours: (now - first) / 3_600_000,
        };
        inner
            .transition(
                &job,
                JobState::NeedsAttention,
                Changes::default()
                    .detail("Needs a decision")
                    .set(Set::ErrorCode(Some(OUTCOME_UNKNOWN.into())))
                    .attention(&job, Some(reason)),
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
                    .set(Set::FirstSentAt(Some(now)))
                    .set(Set::Attempts(Some(job.attempts + 1)))
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
    if let Ok(task) = &result {
        crate::evidence::record_answer(&inner.store, &job.id, "submit", task).await?;
    }
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
                        .set(Set::TaskId(Some(task.id)))
                        .set(Set::SubmittedAt(Some(now)))
                        .set(Set::ExpectedMs(expected))
                        .set(Set::CreditsUsed(task.credits_used.map(|c| c as i64)))
                        .set(Set::NextActionAt(Some(next))),
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
                        .set(Set::ErrorCode(e.code().map(str::to_string)))
                        .set(Set::ErrorMessage(Some(e.to_string()))),
                )
                .await?;
        }
        Err(
            e @ (ApiError::Unauthorized { .. }
            | ApiError::InsufficientCredits { .. }
            | ApiError::Redirected { .. }),
        ) => {
            let what = match &e {
                ApiError::Unauthorized { .. } => Attention::KeyRefused,
                ApiError::InsufficientCredits { .. } => Attention::BalanceTooLow,
                _ => Attention::RedirectRefused,
            };
            inner
                .transition(
                    &job,
                    JobState::NeedsAttention,
                    Changes::default()
                        .detail("Needs a decision")
                        .set(Set::ErrorCode(e.code().map(str::to_string)))
                        .set(Set::ErrorMessage(Some(e.to_string())))
                        .attention(&job, Some(what)),
                )
                .await?;
        }
        Err(e) => {
            // Outcome unknown or temporary (a 409 too: the body is always the stored one, so
            // the first request is still being handled): try again later with the same key
            // and bytes. After a day of this, a person decides (see the top of this function).
            let at = now + inner.backoff(job.attempts);
            inner.retry_later(&job, at, &e).await?;
        }
    }
    Ok(())
}
