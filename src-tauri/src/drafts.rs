//! The composer's requests: checked as they are typed (every problem by field, the
//! prompt advice, the cost estimate), submitted through the engine's outbox behind the
//! spend guard, and listed for the Queue.

use seedance_api::{ApiError, GenerationRequest, LintWarning, Problem};
use serde::Serialize;
use studio::estimate::{self, Estimate};
use studio::extend::Extension;
use studio::settings::Settings;
use studio::{Job, JobState};
use ts_rs::TS;

use crate::error::{ErrorCode, IpcError};
use crate::session::Studio;

/// What the composer shows before submitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DraftCheck {
    /// Every broken rule, by field; empty when the draft can be sent.
    pub problems: Vec<Problem>,
    /// Advice from the vendor's prompt guide; the draft can be sent anyway.
    pub lint: Vec<LintWarning>,
    pub estimate: Estimate,
    /// The spend guard in force (ask above this many credits), if any.
    pub spend_guard: Option<u32>,
}

/// A job as the Queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct JobSummary {
    pub id: String,
    pub state: JobState,
    pub prompt: String,
    pub task_id: Option<String>,
    pub mode: String,
    pub quality_tier: String,
    pub channel: String,
    pub resolution: String,
    pub aspect_ratio: String,
    pub duration: i64,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub updated_at: i64,
    /// When the service accepted it, and how long renders like it took (for progress).
    pub submitted_at: Option<i64>,
    pub expected_ms: Option<i64>,
    pub favourite: bool,
    /// Whether the video and the last frame are saved locally.
    pub has_video: bool,
    pub has_frame: bool,
    pub credits_used: Option<i64>,
    pub credits_refunded: Option<i64>,
    /// The seed the service used (for "reuse seed").
    pub seed: Option<i64>,
    pub error_message: Option<String>,
    pub attention_reason: Option<String>,
}

impl From<&Job> for JobSummary {
    fn from(j: &Job) -> Self {
        Self {
            id: j.id.clone(),
            state: j.state(),
            prompt: j.prompt.clone(),
            task_id: j.task_id.clone(),
            mode: j.mode.clone(),
            quality_tier: j.quality_tier.clone(),
            channel: j.channel.clone(),
            resolution: j.resolution.clone(),
            aspect_ratio: j.aspect_ratio.clone(),
            duration: j.duration,
            created_at: j.created_at,
            updated_at: j.updated_at,
            submitted_at: j.submitted_at,
            expected_ms: j.expected_ms,
            favourite: j.favourite,
            has_video: j.video_path.is_some(),
            has_frame: j.frame_path.is_some(),
            credits_used: j.credits_used,
            credits_refunded: j.credits_refunded,
            seed: j.seed,
            error_message: j.error_message.clone(),
            attention_reason: j.attention_reason.clone(),
        }
    }
}

fn problems_of(
    result: Result<seedance_api::PreparedRequest, ApiError>,
) -> Result<Vec<Problem>, IpcError> {
    match result {
        Ok(_) => Ok(Vec::new()),
        Err(ApiError::Invalid { problems }) => Ok(problems),
        Err(other) => Err(other.into()),
    }
}

/// Checks `draft` against the rules of the connection in force, as it would be sent (an
/// extension's prompt with the phrase the service needs).
pub async fn check(
    studio: &Studio,
    draft: &GenerationRequest,
    extends: Option<&Extension>,
) -> Result<DraftCheck, IpcError> {
    let settings = Settings::load(&studio.profile).await?;
    let sent;
    let draft = match extends {
        Some(e) => {
            sent = studio::extend::request_to_send(draft, e.from);
            &sent
        }
        None => draft,
    };
    studio
        .with_engine(async |engine| {
            Ok(DraftCheck {
                problems: problems_of(engine.client().prepare(draft))?,
                lint: seedance_api::lint_prompt(draft),
                estimate: estimate::estimate(engine.store(), draft).await?,
                spend_guard: settings.spend_guard_credits,
            })
        })
        .await
}

/// Submits `draft`: refused with every problem when invalid (nothing stored or sent), and
/// with `needs_confirmation` when its estimate is above the spend guard unless confirmed.
/// Under a `submission_id` already used, it is the job made then (one submission, one
/// charge).
pub async fn submit(
    studio: &Studio,
    draft: &GenerationRequest,
    confirmed_spend: bool,
    extends: Option<&Extension>,
    submission_id: Option<&str>,
) -> Result<JobSummary, IpcError> {
    let settings = Settings::load(&studio.profile).await?;
    // References uploaded to the storage: signed again if they would expire before the
    // render is likely done, and recorded so they can be deleted once it has finished.
    let mut draft = draft.clone();
    let mut uploaded_keys = Vec::new();
    if let Ok(storage) = studio.storage().await {
        let margin = std::time::Duration::from_secs(2 * 3600);
        let mut refresh = |url: &mut String| {
            if let Some((key, _)) = storage.key_in(url) {
                if let Some(renewed) = storage.refreshed(url, margin) {
                    *url = renewed;
                }
                uploaded_keys.push(key);
            }
        };
        if let Some(u) = draft.image_url.as_mut() {
            refresh(u);
        }
        if let Some(u) = draft.end_image_url.as_mut() {
            refresh(u);
        }
        draft.media_urls.iter_mut().for_each(&mut refresh);
    }
    let draft = &draft;
    studio
        .with_engine(async |engine| {
            // Invalid drafts come back with every problem, by field; nothing is stored.
            engine.client().prepare(draft)?;
            let estimate = estimate::estimate(engine.store(), draft).await?;
            if let Some(guard) = settings.spend_guard_credits
                && estimate.credits > u64::from(guard)
                && !confirmed_spend
            {
                return Err(IpcError::new(
                    ErrorCode::NeedsConfirmation,
                    format!(
                        "This render is estimated at {} credits, above your spend guard of {guard}. Confirm to submit it.",
                        estimate.credits
                    ),
                ));
            }
            // The same act of submitting, sent again, finds the job it made.
            let job = match submission_id {
                Some(id) => engine.submit_once(draft, extends, id).await?,
                None => engine.submit_extending(draft, extends).await?,
            };
            if !uploaded_keys.is_empty() {
                studio::uploads::record(engine.store(), &job.id, &uploaded_keys).await?;
            }
            tracing::info!(job = %job.id, "submitted from the composer");
            Ok(JobSummary::from(&job))
        })
        .await
}

/// The newest jobs of the running mode's history, newest first.
pub async fn recent(studio: &Studio, limit: u32) -> Result<Vec<JobSummary>, IpcError> {
    studio
        .with_engine(async |engine| {
            let library = studio::library::Library::new(engine.store().clone(), "");
            let page = library
                .page(&studio::library::Filter::default(), None, limit)
                .await
                .map_err(IpcError::internal)?;
            Ok(page.jobs.iter().map(JobSummary::from).collect())
        })
        .await
}

/// Where a past render's clip or last frame can be had for a new request.
pub enum RenderSource {
    /// Its output URL, which the service still serves.
    Url(String),
    /// Its local copy, to be uploaded (the output URL has expired).
    Local(Vec<u8>),
}

/// The clip (`clip`) or last frame (`frame`) of render `id`: its output URL while it still
/// works, else its local copy.
pub async fn render_source(
    studio: &Studio,
    id: &str,
    which: &str,
) -> Result<RenderSource, IpcError> {
    let detail = crate::library::detail(studio, id).await?;
    let (url, path) = match which {
        "clip" => (detail.video_url, detail.video_path),
        "frame" => (detail.last_frame_url, detail.frame_path),
        other => {
            return Err(IpcError::invalid(
                "which",
                format!("{other:?}: use clip or frame"),
            ));
        }
    };
    let policy = studio.outbound().await?;
    if let Some(url) = url
        && studio::references::probe(&url, &policy).await.is_ok()
    {
        return Ok(RenderSource::Url(url));
    }
    let path = path.ok_or_else(|| {
        IpcError::invalid(
            "job",
            "its output URL has expired and there is no local copy to upload",
        )
    })?;
    std::fs::read(&path)
        .map(RenderSource::Local)
        .map_err(|e| IpcError::internal(format!("{path} cannot be read: {e}")))
}
