//! Files held for a person's references, as their upload storage holds them in Live mode:
//! a file posted here gets a URL the emulator's clients can fetch, so in Sandbox mode a
//! local image, a frame of a render or an expired clip can be a reference without a
//! storage bucket. Loopback only, like the sandbox's other own routes. The files live in
//! memory while the emulator runs, at most [`HELD_BYTES`] (512 MiB) in all (the oldest go first),
//! and are served with `Range` the way outputs are.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::json;

use super::outputs::{body_stream, range_response, satisfiable_range, unsatisfiable};
use super::{Shared, error_response, json_response};
use crate::media::VirtualFile;

/// The largest file taken (the service's own limit for a video is half of it).
pub(super) const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
/// All the files held at once; past it, the oldest are let go.
const HELD_BYTES: usize = 512 * 1024 * 1024;

/// The files posted so far, oldest first.
#[derive(Default)]
pub(super) struct Files {
    held: Mutex<Held>,
    /// Apart from the sandbox's seeded generator: names are not predictable, and posting a
    /// file leaves the seeded run's render times and faults as they were.
    tokens: Mutex<fastrand::Rng>,
}

#[derive(Default)]
struct Held {
    order: VecDeque<String>,
    files: HashMap<String, (Bytes, &'static str)>,
    bytes: usize,
    next: u64,
}

impl Files {
    /// Keeps `bytes` of `content_type` and returns the name it is served under.
    fn keep(&self, bytes: Bytes, content_type: &'static str, extension: &str) -> String {
        let token = self.tokens.lock().unwrap().u64(..);
        let mut held = self.held.lock().unwrap();
        held.next += 1;
        let name = format!("{:06}-{token:016x}.{extension}", held.next);
        held.bytes += bytes.len();
        held.files.insert(name.clone(), (bytes, content_type));
        held.order.push_back(name.clone());
        while held.bytes > HELD_BYTES && held.order.len() > 1 {
            let oldest = held.order.pop_front().expect("more than one file");
            if let Some((gone, _)) = held.files.remove(&oldest) {
                held.bytes -= gone.len();
            }
        }
        name
    }

    fn get(&self, name: &str) -> Option<(Bytes, &'static str)> {
        self.held.lock().unwrap().files.get(name).cloned()
    }
}

/// The types a reference can be, with the extension each is served under.
fn accepted(content_type: &str) -> Option<(&'static str, &'static str)> {
    let bare = content_type.split(';').next().unwrap_or("").trim();
    [
        ("image/jpeg", "jpg"),
        ("image/png", "png"),
        ("image/webp", "webp"),
        ("video/mp4", "mp4"),
        ("video/quicktime", "mov"),
    ]
    .into_iter()
    .find(|(t, _)| t.eq_ignore_ascii_case(bare))
}

/// `POST /__sandbox/files` with the file as the body and its `Content-Type`: `201` with
/// `{"url": …}`.
pub(super) async fn upload(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some((content_type, extension)) = accepted(given) else {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            format!(
                "Content-Type {given:?} is not a reference type (image/jpeg, image/png, image/webp, video/mp4, video/quicktime)"
            ),
        );
    };
    if body.is_empty() {
        return error_response(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The file is empty",
        );
    }
    let name = shared.files.keep(body, content_type, extension);
    json_response(
        StatusCode::CREATED,
        &json!({ "url": format!("{}/__sandbox/files/{name}", shared.output_base()) }),
    )
}

/// `GET|HEAD /__sandbox/files/{name}`
pub(super) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let Some((bytes, content_type)) = shared.files.get(&name) else {
        return error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such file (files are held while the emulator runs)",
        );
    };
    let content = VirtualFile::plain(bytes);
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    match satisfiable_range(range, content.len()) {
        Ok(asked) => range_response(content, asked, content_type, |content, start, end| {
            if method == Method::HEAD {
                Body::empty()
            } else {
                body_stream(content, start, end, None)
            }
        }),
        Err(()) => unsatisfiable(content.len()),
    }
}
