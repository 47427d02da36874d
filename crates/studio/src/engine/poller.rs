//! The scheduler and the poll step: due jobs are found, claimed and worked on; a task is
//! polled as often as renders like it suggest, within the account's request budget.
use super::fetcher::fetch_outputs;
use super::outbox::submit;
use super::*;

/// The scheduler: finds due jobs, claims them and works on them, until aborted.
pub(super) async fn run(inner: Arc<Inner>) {
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
pub(super) async fn act(inner: &Inner, id: &str) -> Result<(), EngineError> {
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

impl Inner {
    /// How long renders like this one took before; None when the history has none.
    pub(super) async fn expected_render(&self, job: &Job) -> Option<Duration> {
        let similar: Vec<(i64,)> = sqlx::query_as(
            "SELECT completed_at - submitted_at FROM jobs WHERE quality_tier = ? AND resolution = ? AND duration = ? \
             AND channel = ? AND completed_at IS NOT NULL AND submitted_at IS NOT NULL \
             AND state IN ('downloading','ready','expired') ORDER BY completed_at DESC LIMIT 25",
        )
        .bind(job.quality_tier)
        .bind(job.resolution)
        .bind(job.duration)
        .bind(job.channel)
        .fetch_all(self.store.pool())
        .await
        .unwrap_or_default();
        median(similar.into_iter().map(|(d,)| d).collect())
    }

    /// Jobs being polled, and how many of them are past their expected render time.
    pub(super) async fn in_flight(&self, now: i64) -> (usize, usize) {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), COALESCE(SUM(submitted_at + COALESCE(expected_ms, 0) <= ?), 0) FROM jobs WHERE state = 'processing'",
        )
        .bind(now)
        .fetch_one(self.store.pool())
        .await
        .map_or((1, 1), |(n, late)| (n.max(1) as usize, late as usize))
    }

    pub(super) async fn plan_poll(&self, job: &Job, now: i64) -> i64 {
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
}

pub(super) async fn poll(inner: &Inner, job: Job) -> Result<(), EngineError> {
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
    if let Ok(task) = &result {
        crate::evidence::record_answer(&inner.store, &job.id, "poll", task).await?;
    }
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
                                .set(Set::CompletedAt(Some(now)))
                                .set(Set::Seed(output.seed))
                                .set(Set::CreditsUsed(task.credits_used.map(|c| c as i64).or(job.credits_used),
                                ))
                                .set(Set::ErrorCode(Some("output_refused".into())))
                                .set(Set::ErrorMessage(Some(format!(
                                        "The render finished, but its output cannot be fetched safely: {refusal}"
                                    )),
                                )),
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
                            .set(Set::CompletedAt(Some(now)))
                            .set(Set::VideoUrl(output.video_url))
                            .set(Set::LastFrameUrl(output.last_frame_url))
                            .set(Set::Seed(output.seed))
                            .set(Set::CreditsUsed(
                                task.credits_used.map(|c| c as i64).or(job.credits_used),
                            ))
                            .set(Set::NextActionAt(Some(now)))
                            .set(Set::ErrorMessage(None)),
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
                            .set(Set::CompletedAt(Some(now)))
                            .set(Set::CreditsRefunded(refunded))
                            .set(Set::ErrorCode(
                                error.code.or(Some("generation_failed".into())),
                            ))
                            .set(Set::ErrorMessage(Some(error.message.unwrap_or_else(
                                || "The service reported the render as failed".into(),
                            )))),
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
                .transition(
                    &job,
                    JobState::NeedsAttention,
                    Changes::default().detail("Needs a decision").attention(
                        &job,
                        Some(Attention::TaskUnknown {
                            task_id: task_id.to_string(),
                        }),
                    ),
                )
                .await?;
        }
        Err(e) => {
            let at = now
                + inner
                    .backoff(job.polls + 1)
                    .max(inner.config.min_poll_interval.as_millis() as i64);
            inner.retry_later(&job, at, &e).await?;
        }
    }
    Ok(())
}
