//! The composer: checking a draft as it is typed, submitting it, the jobs for the Queue,
//! and references (URLs checked, local files uploaded with byte progress on a channel,
//! past renders for Extend). Dropped files' bytes arrive raw, not as JSON.

use studio::desk::{DraftCheck, GenerationRequest, JobSummary, LocalReference, SubmitOptions};
use studio::extend::{ExtendFrom, Extension};
use tauri::ipc::{Channel, InvokeBody, JavaScriptChannelId, Request};
use tauri::{State, Webview};

use crate::error::IpcError;
use crate::session::AppState;

/// Bytes sent so far, and the total, of one upload.
pub type UploadProgress = Channel<(u64, u64)>;

fn progress_to(channel: UploadProgress) -> impl FnMut(u64, u64) + Send + 'static {
    move |done, total| {
        let _ = channel.send((done, total));
    }
}

#[tauri::command]
pub async fn draft_check(
    state: State<'_, AppState>,
    draft: GenerationRequest,
    extends: Option<Extension>,
) -> Result<DraftCheck, IpcError> {
    Ok(state.desk().await?.check(&draft, extends.as_ref()).await?)
}

#[tauri::command]
pub async fn job_submit(
    state: State<'_, AppState>,
    draft: GenerationRequest,
    confirmed_spend: bool,
    extends: Option<Extension>,
    submission_id: Option<String>,
) -> Result<JobSummary, IpcError> {
    let options = SubmitOptions {
        confirmed_spend,
        extends: extends.as_ref(),
        submission_id: submission_id.as_deref(),
    };
    Ok(state.desk().await?.submit(&draft, options).await?)
}

#[tauri::command]
pub async fn jobs_recent(
    state: State<'_, AppState>,
    limit: u32,
) -> Result<Vec<JobSummary>, IpcError> {
    Ok(state.desk().await?.recent(limit.clamp(1, 200)).await?)
}

/// Checks a reference URL (reachable, an image or a video, Range support for videos) and
/// returns a preview of images.
#[tauri::command]
pub async fn reference_probe(
    state: State<'_, AppState>,
    url: String,
) -> Result<studio::references::Probe, IpcError> {
    Ok(state.desk().await?.probe(&url).await?)
}

/// The header that names the progress channel of a raw-bytes upload (a raw body has no
/// arguments to carry it).
pub const PROGRESS_HEADER: &str = "progress-channel";

/// A file dropped from the file manager, as raw bytes; the upload's progress goes to the
/// channel named in the [`PROGRESS_HEADER`].
#[tauri::command]
pub async fn reference_file(
    webview: Webview,
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<LocalReference, IpcError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::invalid("file", "expected the file's bytes"));
    };
    let progress: UploadProgress = request
        .headers()
        .get(PROGRESS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<JavaScriptChannelId>().ok())
        .ok_or_else(|| IpcError::invalid("progress", "expected the upload's progress channel"))?
        .channel_on(webview);
    let desk = state.desk().await?;
    Ok(desk
        .upload_local(bytes.clone(), progress_to(progress))
        .await?)
}

/// A file dropped from the file manager when the webview hands over its path instead of
/// its bytes (WebKitGTK does, for drags from other applications): a `file://` URL.
#[tauri::command]
pub async fn reference_local(
    state: State<'_, AppState>,
    url: String,
    progress: UploadProgress,
) -> Result<LocalReference, IpcError> {
    let desk = state.desk().await?;
    let bytes = desk.read_local_file(&url).await?;
    Ok(desk.upload_local(bytes, progress_to(progress)).await?)
}

/// The frame of a render at `at_s` seconds as a reference, uploaded to the storage.
#[tauri::command]
pub async fn frame_reference(
    state: State<'_, AppState>,
    id: String,
    at_s: f64,
    progress: UploadProgress,
) -> Result<LocalReference, IpcError> {
    let desk = state.desk().await?;
    Ok(desk
        .frame_reference(&id, at_s, progress_to(progress))
        .await?)
}

/// A past render's video (`clip`) or last frame (`frame`) as a reference for Extend.
#[tauri::command]
pub async fn render_reference(
    state: State<'_, AppState>,
    id: String,
    which: ExtendFrom,
    progress: UploadProgress,
) -> Result<LocalReference, IpcError> {
    let desk = state.desk().await?;
    Ok(desk
        .render_reference(&id, which, progress_to(progress))
        .await?)
}
