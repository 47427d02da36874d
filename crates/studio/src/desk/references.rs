//! References for a draft: an https URL checked the way the service will fetch it, a
//! local file uploaded to the person's storage (the service only fetches public URLs; in
//! Sandbox mode, without a storage, the emulator holds it), a past render's clip or last
//! frame for Extend, and any frame of a render, uploaded.

use serde::Serialize;

use crate::extend::ExtendFrom;

use super::{Desk, DeskError};
use crate::connection::ConnectionMode;

/// A local file as a reference: uploaded to the person's storage, with what the provider's
/// documented limits say about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalReference {
    /// A presigned https URL the service can fetch.
    pub url: String,
    pub key: String,
    /// The same content was in the storage already.
    pub reused: bool,
    pub warnings: Vec<String>,
}

/// Where a past render's clip or last frame can be had for a new request.
pub enum RenderSource {
    /// Its output URL, which the service still serves.
    Url(String),
    /// Its local copy, to be uploaded (the output URL has expired).
    Local(Vec<u8>),
}

/// Posts `bytes` (of `kind`) to the emulator at `base` (its file host, `/__sandbox/files`)
/// and returns the URL it serves them under.
async fn hold_in_sandbox(
    policy: &crate::outbound::Outbound,
    base: &str,
    kind: crate::content::Kind,
    bytes: Vec<u8>,
    mut progress: impl FnMut(u64, u64) + Send + 'static,
) -> Result<String, DeskError> {
    let total = bytes.len() as u64;
    let answer = policy
        .client()
        .post(format!("{base}/__sandbox/files"))
        .header(reqwest::header::CONTENT_TYPE, kind.content_type())
        .body(bytes)
        .send()
        .await
        .map_err(|e| DeskError::internal(format!("the Sandbox did not take the file: {e}")))?;
    let status = answer.status();
    let text = answer.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(DeskError::invalid(
            "file",
            format!("the Sandbox did not take the file ({status}): {text}"),
        ));
    }
    let url = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["url"].as_str().map(str::to_string))
        .ok_or_else(|| DeskError::internal(format!("the Sandbox answered {text:?}")))?;
    progress(total, total);
    Ok(url)
}

/// What a local file needs in Live mode without a storage.
fn needs_storage(kind: &str, len: usize, missing: &str) -> DeskError {
    DeskError::needs_storage(format!(
        "This {kind} ({} KB) is on this computer, and the service only fetches public https URLs. {missing} Or drag the {kind} from a web page, or paste its https URL.",
        len.div_ceil(1024),
    ))
}

/// The largest local file taken as a reference (the upstream limit for videos is half).
const MAX_LOCAL_BYTES: u64 = 100 * 1024 * 1024;

impl Desk {
    /// Checks a reference URL (reachable, an image or a video, Range support for videos)
    /// and returns a preview of images.
    pub async fn probe(&self, url: &str) -> Result<crate::references::Probe, DeskError> {
        let policy = self.outbound(&self.settings().await?).await?;
        crate::references::probe(url.trim(), &policy)
            .await
            .map_err(|e| DeskError::invalid("url", e))
    }

    /// Checks a local file's content and uploads it to the storage; `progress` hears
    /// (bytes sent, total). Without a storage, says what is needed.
    pub async fn upload_local(
        &self,
        bytes: Vec<u8>,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<LocalReference, DeskError> {
        // From the content (the same recognition the upload uses).
        let sniffed = crate::content::Kind::sniff(&bytes).ok_or_else(|| {
            DeskError::invalid(
                "file",
                "This file is not an image (JPEG, PNG, WebP) or a video (MP4, MOV) the service can use",
            )
        })?;
        let kind = if sniffed.is_video() { "video" } else { "image" };
        let warnings = crate::uploads::limit_warnings(&bytes);
        let settings = self.settings().await?;
        let storage = match self.storage_of(&settings).await {
            Ok(storage) => storage,
            // The emulator holds the file the way a storage would: Sandbox mode needs none.
            Err(e) if e.kind == super::ErrorKind::NeedsStorage => {
                // The connection is read once: the file goes to the emulator it names.
                let running = self.engine().await?;
                if running.mode() != ConnectionMode::Sandbox {
                    return Err(needs_storage(kind, bytes.len(), &e.message));
                }
                let base = running.connected.base_url.clone();
                drop(running);
                let policy = self.outbound(&settings).await?;
                let url = hold_in_sandbox(&policy, &base, sniffed, bytes, progress).await?;
                return Ok(LocalReference {
                    url,
                    key: String::new(),
                    reused: false,
                    warnings,
                });
            }
            Err(e) => return Err(e),
        };
        let uploaded = storage.upload(bytes, progress).await?;
        Ok(LocalReference {
            url: uploaded.url,
            key: uploaded.key,
            reused: uploaded.reused,
            warnings,
        })
    }

    /// The bytes of a local file named by a `file://` URL (what WebKitGTK hands over for a
    /// drag from another application), read on a blocking thread.
    pub async fn read_local_file(&self, url: &str) -> Result<Vec<u8>, DeskError> {
        let path = url::Url::parse(url)
            .ok()
            .filter(|u| u.scheme() == "file")
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| DeskError::invalid("file", "expected a file:// URL"))?;
        tokio::task::spawn_blocking(move || {
            let shown = path.display().to_string();
            let cannot = |e: std::io::Error| {
                DeskError::invalid("file", format!("{shown} cannot be read: {e}"))
            };
            let meta = std::fs::metadata(&path).map_err(cannot)?;
            if !meta.is_file() {
                return Err(DeskError::invalid("file", format!("{shown} is not a file")));
            }
            if meta.len() > MAX_LOCAL_BYTES {
                return Err(DeskError::invalid(
                    "file",
                    format!("{shown} is larger than 100 MB, far above what the service takes"),
                ));
            }
            std::fs::read(&path).map_err(cannot)
        })
        .await
        .map_err(DeskError::internal)?
    }

    /// The clip or last frame of render `id`: its output URL while the service still
    /// serves it, else its local copy.
    pub async fn render_source(
        &self,
        id: &str,
        which: ExtendFrom,
    ) -> Result<RenderSource, DeskError> {
        let detail = self.detail(id).await?;
        let (url, path) = match which {
            ExtendFrom::Clip => (detail.video_url, detail.video_path),
            ExtendFrom::Frame => (detail.last_frame_url, detail.frame_path),
        };
        let policy = self.outbound(&self.settings().await?).await?;
        if let Some(url) = url
            && crate::references::probe(&url, &policy).await.is_ok()
        {
            return Ok(RenderSource::Url(url));
        }
        let path = path.ok_or_else(|| {
            DeskError::invalid(
                "job",
                "its output URL has expired and there is no local copy to upload",
            )
        })?;
        tokio::fs::read(&path)
            .await
            .map(RenderSource::Local)
            .map_err(|e| DeskError::internal(format!("{path} cannot be read: {e}")))
    }

    /// A past render's clip or last frame as a reference: its output URL while the
    /// service serves it, else the local copy uploaded to the storage.
    pub async fn render_reference(
        &self,
        id: &str,
        which: ExtendFrom,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<LocalReference, DeskError> {
        match self.render_source(id, which).await? {
            RenderSource::Url(url) => Ok(LocalReference {
                url,
                key: String::new(),
                reused: true,
                warnings: Vec::new(),
            }),
            RenderSource::Local(bytes) => self.upload_local(bytes, progress).await,
        }
    }

    /// The frame of render `id` at `at_s` seconds as a reference: a JPEG of it, uploaded to
    /// the storage like a dropped file (so it needs one).
    pub async fn frame_reference(
        &self,
        id: &str,
        at_s: f64,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<LocalReference, DeskError> {
        if !at_s.is_finite() || at_s < 0.0 {
            return Err(DeskError::invalid(
                "at_s",
                format!("a frame is taken at 0 s or later, not at {at_s}"),
            ));
        }
        let detail = self.detail(id).await?;
        if let Some(length) = detail.summary.delivery.as_ref().map(|d| d.duration_s)
            && length > 0.0
            && at_s > length
        {
            return Err(DeskError::invalid(
                "at_s",
                format!("{at_s:.2} s is past the end of the render ({length:.2} s)"),
            ));
        }
        let path = detail.video_path.ok_or_else(|| {
            DeskError::invalid("job", "this render has no saved video to take a frame from")
        })?;
        let jpeg = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, DeskError> {
            let picture = crate::media::frame_at(std::path::Path::new(&path), at_s)
                .map_err(|e| DeskError::invalid("job", e))?;
            let mut jpeg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
                .encode_image(&picture)
                .map_err(DeskError::internal)?;
            Ok(jpeg)
        })
        .await
        .map_err(DeskError::internal)??;
        self.upload_local(jpeg, progress).await
    }
}
