//! The composer: checking a draft as it is typed, submitting it, the jobs for the Queue,
//! and local files dropped on a reference zone (their bytes arrive raw, not as JSON).

use seedance_api::GenerationRequest;
use tauri::State;
use tauri::ipc::{InvokeBody, Request};

use crate::drafts::{self, DraftCheck, JobSummary};
use crate::error::{ErrorCode, IpcError};
use crate::session::AppState;

#[tauri::command]
pub async fn draft_check(
    state: State<'_, AppState>,
    draft: GenerationRequest,
) -> Result<DraftCheck, IpcError> {
    drafts::check(&*state.studio().await?, &draft).await
}

#[tauri::command]
pub async fn job_submit(
    state: State<'_, AppState>,
    draft: GenerationRequest,
    confirmed_spend: bool,
) -> Result<JobSummary, IpcError> {
    drafts::submit(&*state.studio().await?, &draft, confirmed_spend).await
}

#[tauri::command]
pub async fn jobs_recent(
    state: State<'_, AppState>,
    limit: u32,
) -> Result<Vec<JobSummary>, IpcError> {
    drafts::recent(&*state.studio().await?, limit.clamp(1, 200)).await
}

/// Checks a reference URL (reachable, an image or a video, Range support for videos) and
/// returns a preview of images.
#[tauri::command]
pub async fn reference_probe(
    state: State<'_, AppState>,
    url: String,
) -> Result<studio::references::Probe, IpcError> {
    let studio = state.studio().await?;
    let loopback_ok = studio
        .with_engine(async |engine| Ok(engine.client().base_is_loopback()))
        .await?;
    studio::references::probe(url.trim(), loopback_ok)
        .await
        .map_err(|e| IpcError::invalid("url", e))
}

/// A file dropped from the file manager, as raw bytes. The service only takes public https
/// URLs, so a local file needs an upload storage first.
#[tauri::command]
pub async fn reference_file(request: Request<'_>) -> Result<String, IpcError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::invalid("file", "expected the file's bytes"));
    };
    local_reference(bytes)
}

/// The largest local file taken as a reference (the upstream limit for videos).
const MAX_LOCAL_BYTES: u64 = 50 * 1024 * 1024;

/// A file dropped from the file manager when the webview hands over its path instead of
/// its bytes (WebKitGTK does, for drags from other applications): a `file://` URL.
#[tauri::command]
pub async fn reference_local(url: String) -> Result<String, IpcError> {
    let path = url
        .strip_prefix("file://")
        .map(percent_decoded)
        .ok_or_else(|| IpcError::invalid("file", "expected a file:// URL"))?;
    let meta = std::fs::metadata(&path)
        .map_err(|e| IpcError::invalid("file", format!("{path} cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(IpcError::invalid("file", format!("{path} is not a file")));
    }
    if meta.len() > MAX_LOCAL_BYTES {
        return Err(IpcError::invalid(
            "file",
            format!("{path} is larger than 50 MB, the most the service takes"),
        ));
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| IpcError::invalid("file", format!("{path} cannot be read: {e}")))?;
    local_reference(&bytes)
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a local file needs before the service can use it.
fn local_reference(bytes: &[u8]) -> Result<String, IpcError> {
    let kind = crate::media::sniff(bytes).ok_or_else(|| {
        IpcError::invalid(
            "file",
            "This file is not an image (JPEG, PNG, WebP) or a video (MP4, MOV) the service can use",
        )
    })?;
    Err(IpcError::new(
        ErrorCode::NeedsStorage,
        format!(
            "This {kind} ({} KB) is on this computer, and the service only fetches public https URLs. Uploading local files needs a storage bucket, which is not set up. Drag the {kind} from a web page, or paste its https URL.",
            bytes.len().div_ceil(1024)
        ),
    ))
}
