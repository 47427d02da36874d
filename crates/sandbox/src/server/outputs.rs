//! Output downloads, as a presigned file host serves them: the clip of the task's shape
//! (`clips`; padded to a requested size) and its last frame, with `Range` parsed by `http-range-header` (the
//! parser tower-http's file service uses, so the sandbox and the app's media server agree
//! on every range), expiry, and the hostile hosts and cut or throttled bodies the drills
//! need.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;

use super::layers::Drawn;
use super::{Shared, error_response};
use crate::clock::now_ms;
use crate::config::HostileOutputs;
use crate::faults::Fault;
use crate::media::{VirtualFile, sample};

const CHUNK: usize = 64 * 1024;

/// `GET|HEAD /outputs/{id}/{file}`
pub(super) async fn download(
    State(shared): State<Arc<Shared>>,
    Path((id, file)): Path<(String, String)>,
    Extension(Drawn(fault)): Extension<Drawn>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let now = now_ms();
    let task = shared.store.lock().unwrap().tasks.get(&id).cloned();
    let Some(task) = task.filter(|t| t.completed(now)) else {
        return error_response(StatusCode::NOT_FOUND, "not_found", "No such output");
    };
    if let Some(ttl) = shared.config.output_ttl
        && now > task.done_ms + ttl.as_millis() as u64
    {
        return error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            "This output URL has expired",
        );
    }
    match shared.config.hostile_outputs {
        Some(HostileOutputs::Always500) => {
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "The file host failed",
            );
        }
        Some(HostileOutputs::EndlessHtml) => {
            return endless(b"<!DOCTYPE html><html><body>", "text/html");
        }
        Some(HostileOutputs::EndlessMp4) => {
            return endless(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2", "video/mp4");
        }
        _ => {}
    }
    if !matches!(file.as_str(), "video.mp4" | "last-frame.jpg") {
        return error_response(StatusCode::NOT_FOUND, "not_found", "No such output");
    }
    let (mp4, jpeg) = match shared.clips.get(shared.shape_of(&task.generation)).await {
        Some(clip) => (clip.video, clip.last_frame),
        None => {
            let (mp4, jpeg) = sample(&task.generation.aspect_ratio);
            (Bytes::from_static(mp4), Bytes::from_static(jpeg))
        }
    };
    let (content, content_type) = if file == "video.mp4" {
        (
            VirtualFile::padded_mp4(mp4, shared.config.video_bytes),
            "video/mp4",
        )
    } else {
        (VirtualFile::plain(jpeg), "image/jpeg")
    };

    let len = content.len();
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let Ok(asked) = satisfiable_range(range, len) else {
        return unsatisfiable(len);
    };
    range_response(content, asked, content_type, |content, start, end| {
        if method == Method::HEAD {
            return Body::empty();
        }
        let cut = match fault {
            Some(Fault::CutAfter(n)) => Some(n),
            _ => None,
        };
        match shared.config.hostile_outputs {
            Some(HostileOutputs::Throttle(rate)) => throttled(content, start, end, rate),
            _ => body_stream(content, start, end, cut),
        }
    })
}

/// The 416 for a range that a file of `len` bytes cannot serve.
pub(super) fn unsatisfiable(len: u64) -> Response {
    let mut res = error_response(
        StatusCode::RANGE_NOT_SATISFIABLE,
        "invalid_request",
        "Requested range not satisfiable",
    );
    res.headers_mut().insert(
        header::CONTENT_RANGE,
        HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
    );
    res
}

/// The answer for `content` (all of it, or the `asked` range of it, `[start, end)`) with
/// its headers; `body_of` makes the body of the part sent.
pub(super) fn range_response(
    content: VirtualFile,
    asked: Option<(u64, u64)>,
    content_type: &'static str,
    body_of: impl FnOnce(VirtualFile, u64, u64) -> Body,
) -> Response {
    let len = content.len();
    let (status, start, end) = match asked {
        None => (StatusCode::OK, 0, len),
        Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end),
    };
    let mut res = Response::new(body_of(content, start, end));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    if status == StatusCode::PARTIAL_CONTENT {
        headers.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{}/{len}", end - 1)).expect("ascii"),
        );
    }
    res
}

/// The `[start, end)` a `Range` header asks of a file of `len` bytes: `None` for the
/// whole file (no header), an error (answered with 416) for a range that cannot be
/// served, which includes a malformed header and, as tower-http does, several ranges.
pub(super) fn satisfiable_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(header) = header else {
        return Ok(None);
    };
    let ranges = http_range_header::parse_range_header(header)
        .and_then(|parsed| parsed.validate(len))
        .map_err(|_| ())?;
    match ranges.as_slice() {
        [one] => Ok(Some((*one.start(), one.end() + 1))),
        _ => Err(()),
    }
}

/// A 200 whose chunked body starts with `head` and never ends (until the client hangs up).
fn endless(head: &'static [u8], content_type: &'static str) -> Response {
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let data = futures_util::stream::once(async move { Bytes::from_static(head) })
        .chain(futures_util::stream::repeat(filler))
        .map(Ok::<_, io::Error>);
    let mut res = Response::new(Body::from_stream(data));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// The body of `[start, end)` at `rate` bytes per second, in tenths of a second.
fn throttled(content: VirtualFile, start: u64, end: u64, rate: u64) -> Body {
    let step = (rate / 10).max(1) as usize;
    let data = futures_util::stream::iter(content.chunks(start, end, step)).then(|b| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, io::Error>(b)
    });
    Body::from_stream(data)
}

/// The body of `[start, end)`, cut with an error after `cut` bytes when asked.
pub(super) fn body_stream(content: VirtualFile, start: u64, end: u64, cut: Option<u64>) -> Body {
    let stop = cut.map_or(end, |n| end.min(start + n));
    let data =
        futures_util::stream::iter(content.chunks(start, stop, CHUNK).map(Ok::<_, io::Error>));
    if stop == end {
        return Body::from_stream(data);
    }
    // Let what was sent reach the client before the connection dies, as a real cut would.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "download cut by an injected fault",
        ))
    });
    Body::from_stream(data.chain(cut))
}

#[cfg(test)]
mod tests {
    use super::satisfiable_range;

    #[test]
    fn ranges_are_read_as_the_media_server_reads_them() {
        assert_eq!(satisfiable_range(None, 100), Ok(None));
        assert_eq!(satisfiable_range(Some("bytes=0-9"), 100), Ok(Some((0, 10))));
        assert_eq!(
            satisfiable_range(Some("bytes=90-"), 100),
            Ok(Some((90, 100)))
        );
        assert_eq!(
            satisfiable_range(Some("bytes=-10"), 100),
            Ok(Some((90, 100)))
        );
        assert_eq!(
            satisfiable_range(Some("bytes=50-500"), 100),
            Ok(Some((50, 100)))
        );
        assert_eq!(satisfiable_range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(satisfiable_range(Some("bytes=0-1,5-6"), 100), Err(()));
        assert_eq!(satisfiable_range(Some("items=0-1"), 100), Err(()));
    }
}
