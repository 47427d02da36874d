//! Ready renders as resources: each one's video and last frame as `file://` URIs with their
//! MIME types, newest first, a page at a time. Reading one gives its bytes only when it is
//! a file of a render in this history (found again by the render's id, inside its
//! `renders/` folder): no other file on the machine can be read through a URI.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rmcp::ErrorData;
use rmcp::model::{
    ContentBlock, ListResourcesResult, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents,
};
use studio::JobState;
use studio::desk::{Asset, Media};
use studio::library::{Cursor, Filter};

use super::Server;
use crate::output::JobView;

/// Renders per page of the list.
const PAGE: u32 = 50;

/// The MIME type of a render's file, by its extension (the names the engine gives).
fn mime_of(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mov") => "video/quicktime",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

fn uri_of(path: &str) -> Option<String> {
    url::Url::from_file_path(path).ok().map(String::from)
}

fn short(prompt: &str) -> String {
    let mut s: String = prompt.chars().take(80).collect();
    if s.len() < prompt.len() {
        s.push('…');
    }
    s
}

/// The resources of one ready render: its video, then its last frame.
fn of(job: &JobView) -> Vec<Resource> {
    let prompt = job.request.as_ref().map_or("", |r| r.prompt.as_str());
    let mut out = Vec::new();
    for (path, what) in [
        (&job.video_path, "video"),
        (&job.last_frame_path, "last frame"),
    ] {
        if let Some(path) = path
            && let Some(uri) = uri_of(path)
        {
            let size = std::fs::metadata(path).ok().map(|m| m.len());
            let mut raw = Resource::new(uri, format!("{} {what}", job.job_id))
                .with_mime_type(mime_of(Path::new(path)))
                .with_description(short(prompt));
            if let Some(size) = size {
                raw = raw.with_size(size);
            }
            out.push(raw);
        }
    }
    out
}

/// Links to a render's files, for a tool's answer.
pub fn links(job: &JobView) -> Vec<ContentBlock> {
    of(job)
        .into_iter()
        .map(ContentBlock::resource_link)
        .collect()
}

fn cursor_text(c: &Cursor) -> String {
    format!("{}:{}", c.created_at, c.id)
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let (at, id) = text.split_once(':')?;
    Some(Cursor {
        created_at: at.parse().ok()?,
        id: id.to_string(),
    })
}

pub async fn list(
    server: &Server,
    cursor: Option<String>,
) -> Result<ListResourcesResult, ErrorData> {
    let after = match cursor.as_deref() {
        None => None,
        Some(text) => Some(parse_cursor(text).ok_or_else(|| {
            ErrorData::invalid_params(format!("{text:?} is not a cursor this server gave"), None)
        })?),
    };
    let filter = Filter {
        state: Some(JobState::Ready),
        ..Filter::default()
    };
    let page = server
        .desk
        .page_in(server.mode, &filter, after.as_ref(), PAGE)
        .await
        .map_err(|e| ErrorData::internal_error(e.message, None))?;
    let resources = page
        .jobs
        .iter()
        .flat_map(|j| of(&JobView::from(j)))
        .collect();
    let mut result = ListResourcesResult::with_all_items(resources);
    result.next_cursor = page.next.as_ref().map(cursor_text);
    Ok(result)
}

/// The render a `file://` URI names (the folder the file is in) and the file, if it is one.
fn render_of(uri: &str) -> Option<(String, PathBuf)> {
    let path = url::Url::parse(uri).ok()?.to_file_path().ok()?;
    let id = path.parent()?.file_name()?.to_str()?.to_string();
    Some((id, path))
}

pub async fn read(server: &Server, uri: &str) -> Result<ReadResourceResponse, ErrorData> {
    let not_found = || {
        ErrorData::resource_not_found(
            format!("{uri} is not the video or last frame of a ready render in this history"),
            None,
        )
    };
    let (id, asked) = render_of(uri).ok_or_else(not_found)?;
    let asked = std::fs::canonicalize(&asked).map_err(|_| not_found())?;
    let job = server
        .desk
        .find_in(server.mode, &id)
        .await
        .map_err(|_| not_found())?;
    if job.state() != JobState::Ready || job.id != id {
        return Err(not_found());
    }
    for asset in [Asset::Video, Asset::Frame] {
        if let Some(Media::File(path)) = server.desk.media(asset, &job.id).await
            && std::fs::canonicalize(&path).is_ok_and(|p| p == asked)
        {
            let bytes = tokio::fs::read(&path)
                .await
                .map_err(|e| ErrorData::internal_error(format!("{uri}: {e}"), None))?;
            let blob = base64::engine::general_purpose::STANDARD.encode(bytes);
            let contents = ResourceContents::blob(blob, uri).with_mime_type(mime_of(&path));
            return Ok(ReadResourceResult::new(vec![contents]).into());
        }
    }
    Err(not_found())
}
