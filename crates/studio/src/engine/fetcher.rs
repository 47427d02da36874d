//! The fetcher: a rendered job's video and last frame are downloaded into its folder,
//! bounded and checked (type, size, SHA-256, and what the video holds against what was
//! asked: `crate::delivery`), before their URLs expire; a job whose
//! outputs died first is expired, and one that keeps failing asks a person.
use super::*;

pub(super) async fn fetch_outputs(inner: &Inner, job: Job) -> Result<(), EngineError> {
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
                        .set(Set::ErrorMessage(Some(e.to_string()))),
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
                Changes::default()
                    .detail("No output")
                    .set(Set::ErrorMessage(Some(
                        "The service reported no video URL".into(),
                    ))),
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
            // Probing reads the file once without decoding; still, off the async threads.
            let delivery = crate::delivery::check_saved(&video.path, &job.request_body).await;
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
                        .set(Set::VideoPath(Some(video.path.display().to_string())))
                        .set(Set::VideoSha256(Some(video.sha256)))
                        .set(Set::VideoBytes(Some(video.size as i64)))
                        .set(Set::FramePath(
                            frame.as_ref().map(|f| f.path.display().to_string()),
                        ))
                        .set(Set::FrameSha256(frame.map(|f| f.sha256)))
                        .set(Set::DeliveryMismatches(
                            delivery.as_ref().map(|d| d.problems() as i64),
                        ))
                        .set(Set::Delivery(delivery.map(sqlx::types::Json)))
                        .set(Set::ErrorMessage(None)),
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
                    Changes::default().detail("Outputs expired").set(Set::ErrorMessage(Some(format!(
                            "The render finished, but its output URL stopped working (HTTP {status}) before the video could be saved."
                        )),
                    )),
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
                            .set(Set::DownloadFailures(Some(failures)))
                            .set(Set::ErrorMessage(Some(e.to_string())))
                            .attention(
                                &job,
                                Some(Attention::DownloadsFailing {
                                    attempts: failures,
                                    error: e.to_string(),
                                }),
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
            inner.retry_later(&job, at, &e).await?;
        }
    }
    Ok(())
}
