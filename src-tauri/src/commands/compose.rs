//! The composer: checking a draft as it is typed, submitting it, the jobs for the Queue,
//! and local files dropped on a reference zone (their bytes arrive raw, not as JSON).

use seedance_api::GenerationRequest;
use studio::extend::Extension;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Emitter, State};

use crate::drafts::{self, DraftCheck, JobSummary};
use crate::error::{ErrorCode, IpcError};
use crate::session::AppState;

#[tauri::command]
pub async fn draft_check(
    state: State<'_, AppState>,
    draft: GenerationRequest,
    extends: Option<Extension>,
) -> Result<DraftCheck, IpcError> {
    drafts::check(&*state.studio().await?, &draft, extends.as_ref()).await
}

#[tauri::command]
pub async fn job_submit(
    state: State<'_, AppState>,
    draft: GenerationRequest,
    confirmed_spend: bool,
    extends: Option<Extension>,
    submission_id: Option<String>,
) -> Result<JobSummary, IpcError> {
    drafts::submit(
        &*state.studio().await?,
        &draft,
        confirmed_spend,
        extends.as_ref(),
        submission_id.as_deref(),
    )
    .await
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
    let policy = state.studio().await?.outbound().await?;
    studio::references::probe(url.trim(), &policy)
        .await
        .map_err(|e| IpcError::invalid("url", e))
}

/// A local file as a reference: uploaded to the user's storage, with what the provider's
/// documented limits say about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct LocalReference {
    /// A presigned https URL the service can fetch.
    pub url: String,
    pub key: String,
    /// The same content was in the storage already.
    pub reused: bool,
    pub warnings: Vec<String>,
}

/// A file dropped from the file manager, as raw bytes.
#[tauri::command]
pub async fn reference_file(
    app: AppHandle,
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<LocalReference, IpcError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::invalid("file", "expected the file's bytes"));
    };
    upload_local(&app, &state, bytes.clone()).await
}

/// The largest local file taken as a reference (the upstream limit for videos).
const MAX_LOCAL_BYTES: u64 = 50 * 1024 * 1024;

/// A file dropped from the file manager when the webview hands over its path instead of
/// its bytes (WebKitGTK does, for drags from other applications): a `file://` URL.
#[tauri::command]
pub async fn reference_local(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
) -> Result<LocalReference, IpcError> {
    let path = url
        .strip_prefix("file://")
        .map(percent_decoded)
        .ok_or_else(|| IpcError::invalid("file", "expected a file:// URL"))?;
    let meta = std::fs::metadata(&path)
        .map_err(|e| IpcError::invalid("file", format!("{path} cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(IpcError::invalid("file", format!("{path} is not a file")));
    }
    if meta.len() > 2 * MAX_LOCAL_BYTES {
        return Err(IpcError::invalid(
            "file",
            format!("{path} is larger than 100 MB, far above what the service takes"),
        ));
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| IpcError::invalid("file", format!("{path} cannot be read: {e}")))?;
    upload_local(&app, &state, bytes).await
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

/// Checks a local file and uploads it to the storage, with byte progress as
/// `upload-progress` events; without a storage, says what is needed.
async fn upload_local(
    app: &AppHandle,
    state: &AppState,
    bytes: Vec<u8>,
) -> Result<LocalReference, IpcError> {
    // "image" or "video", from the content (the same recognition the upload uses).
    let kind = studio::uploads::kind_of(&bytes)
        .and_then(|(content_type, _)| content_type.split('/').next())
        .ok_or_else(|| {
        IpcError::invalid(
            "file",
            "This file is not an image (JPEG, PNG, WebP) or a video (MP4, MOV) the service can use",
        )
    })?;
    let studio = state.studio().await?;
    let storage = studio.storage().await.map_err(|e| {
        if e.code == ErrorCode::NeedsStorage {
            IpcError::new(
                ErrorCode::NeedsStorage,
                format!(
                    "This {kind} ({} KB) is on this computer, and the service only fetches public https URLs. {} Or drag the {kind} from a web page, or paste its https URL.",
                    bytes.len().div_ceil(1024),
                    e.message
                ),
            )
        } else {
            e
        }
    })?;
    let warnings = studio::uploads::limit_warnings(&bytes);
    let emitter = app.clone();
    let uploaded = storage
        .upload(bytes, move |done, total| {
            let _ = emitter.emit("upload-progress", (done, total));
        })
        .await
        .map_err(crate::session::upload_error)?;
    Ok(LocalReference {
        url: uploaded.url,
        key: uploaded.key,
        reused: uploaded.reused,
        warnings,
    })
}

/// A past render's video (`clip`) or last frame (`frame`) as a reference for Extend: its
/// output URL while the service still serves it, else the local copy uploaded to the
/// storage (or what is needed when there is none).
#[tauri::command]
pub async fn render_reference(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    which: String,
) -> Result<LocalReference, IpcError> {
    let studio = state.studio().await?;
    match crate::drafts::render_source(&studio, &id, &which).await? {
        crate::drafts::RenderSource::Url(url) => Ok(LocalReference {
            url,
            key: String::new(),
            reused: true,
            warnings: Vec::new(),
        }),
        crate::drafts::RenderSource::Local(bytes) => upload_local(&app, &state, bytes).await,
    }
}
