//! The loopback media server: WebKitGTK plays `<video>` from `http://127.0.0.1` but not from
//! Tauri's `asset://` protocol, so the window gets renders, last frames and previews from
//! here. 127.0.0.1 only, a random port, a per-launch token as the first path segment, Range
//! support, and nothing outside the running mode's `renders/` folder (paths come from the
//! history, never from the request, and must resolve inside that folder).
//!
//! `GET /{token}/video/{job}` · `/{token}/frame/{job}` · `/{token}/thumb/{job}`

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderValue, RANGE,
};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::net::TcpListener;

use tauri::Manager;

use crate::session::AppState;

/// The most one ranged answer carries; players ask again for the rest.
const MAX_CHUNK: u64 = 4 * 1024 * 1024;

/// A running media server.
#[derive(Debug, Clone)]
pub struct MediaServer {
    /// `http://127.0.0.1:PORT/TOKEN`
    pub base: String,
}

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asset {
    Video,
    Frame,
    Thumb,
}

/// Starts serving the app's renders on a random loopback port.
pub async fn start(app: tauri::AppHandle) -> std::io::Result<MediaServer> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let port = listener.local_addr()?.port();
    let token = studio::random::hex256();
    let server = MediaServer {
        base: format!("http://127.0.0.1:{port}/{token}"),
    };
    let token = Arc::new(token);
    tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let app = app.clone();
            let token = token.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let app = app.clone();
                    let token = token.clone();
                    async move {
                        let state = app.state::<AppState>();
                        Ok::<_, Infallible>(handle(&state, &token, peer, req).await)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(server)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *res.status_mut() = status;
    res
}

/// The asset and job a path names, if it carries the token.
fn route<'a>(path: &'a str, token: &str) -> Option<(Asset, &'a str)> {
    let mut parts = path.trim_start_matches('/').split('/');
    if !studio::random::same_secret(parts.next()?.as_bytes(), token.as_bytes()) {
        return None;
    }
    let asset = match parts.next()? {
        "video" => Asset::Video,
        "frame" => Asset::Frame,
        "thumb" => Asset::Thumb,
        _ => return None,
    };
    let job = parts.next()?;
    let plausible = !job.is_empty() && job.bytes().all(|b| b.is_ascii_alphanumeric());
    (parts.next().is_none() && plausible).then_some((asset, job))
}

async fn handle(
    state: &AppState,
    token: &str,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    if !peer.ip().is_loopback() {
        return plain(StatusCode::FORBIDDEN, "loopback only");
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "GET only");
    }
    let Some((asset, job)) = route(req.uri().path(), token) else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let Ok(studio) = state.studio().await else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "not started");
    };
    let found = studio
        .with_engine(async |engine| {
            let store = engine.store();
            if asset == Asset::Thumb {
                let thumb = studio::preview::load(store, job).await.ok().flatten();
                return Ok(thumb.map(|t| Found::Bytes(t.jpeg)));
            }
            let Some(row) = studio::find_job(store, job).await.ok().flatten() else {
                return Ok(None);
            };
            let path = match asset {
                Asset::Video => row.video_path,
                _ => row.frame_path,
            };
            let renders = engine_renders_dir(store.path());
            Ok(path
                .and_then(|p| inside(&renders, Path::new(&p)))
                .map(Found::File))
        })
        .await
        .ok()
        .flatten();
    let range = req.headers().get(RANGE).and_then(|v| v.to_str().ok());
    match found {
        None => plain(StatusCode::NOT_FOUND, "not found"),
        Some(Found::Bytes(jpeg)) => {
            let mut res = Response::new(Full::new(Bytes::from(jpeg)));
            res.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            res.headers_mut().insert(
                CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            );
            res
        }
        Some(Found::File(path)) => serve_file(&path, range, req.method() == Method::HEAD)
            .await
            .unwrap_or_else(|_| plain(StatusCode::NOT_FOUND, "not found")),
    }
}

enum Found {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// `renders/` beside the history database.
fn engine_renders_dir(db: &Path) -> PathBuf {
    studio::render_files::renders_dir(db.parent().unwrap_or(Path::new(".")))
}

/// `path`, if it resolves to a file inside `dir`.
fn inside(dir: &Path, path: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    (path.starts_with(&dir) && path.is_file()).then_some(path)
}

/// A `bytes=` range against `len` bytes: Some(start, end exclusive), or None for the whole.
/// Err for a range that cannot be satisfied.
fn parse_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| ())?;
            (len.saturating_sub(n), len)
        }
        (start, "") => (start.parse().map_err(|_| ())?, len),
        (start, end) => (
            start.parse().map_err(|_| ())?,
            end.parse::<u64>()
                .map_err(|_| ())?
                .saturating_add(1)
                .min(len),
        ),
    };
    if start >= len || start >= end {
        return Err(());
    }
    Ok(Some((start, end)))
}

async fn serve_file(
    path: &Path,
    range: Option<&str>,
    head: bool,
) -> std::io::Result<Response<Full<Bytes>>> {
    let mut file = tokio::fs::File::open(path).await?;
    let len = file.metadata().await?.len();
    let content_type = match path.extension().and_then(|e| e.to_str()) {
        Some("mp4") => "video/mp4",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    let (status, start, end) = match parse_range(range, len) {
        Ok(None) => (StatusCode::OK, 0, len),
        Ok(Some((start, end))) => (
            StatusCode::PARTIAL_CONTENT,
            start,
            end.min(start + MAX_CHUNK),
        ),
        Err(()) => {
            let mut res = plain(StatusCode::RANGE_NOT_SATISFIABLE, "");
            res.headers_mut().insert(
                CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
            );
            return Ok(res);
        }
    };
    let mut body = Vec::new();
    if !head {
        file.seek(std::io::SeekFrom::Start(start)).await?;
        body.resize((end - start) as usize, 0);
        file.read_exact(&mut body).await?;
    }
    let mut res = Response::new(Full::new(Bytes::from(body)));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(end - start));
    if status == StatusCode::PARTIAL_CONTENT {
        headers.insert(
            CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{}/{len}", end - 1)).expect("ascii"),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_need_the_token_and_a_plain_job_id() {
        assert_eq!(
            route("/tok/video/j1a2", "tok"),
            Some((Asset::Video, "j1a2"))
        );
        assert_eq!(route("/tok/thumb/j9", "tok"), Some((Asset::Thumb, "j9")));
        assert_eq!(route("/other/video/j1", "tok"), None);
        assert_eq!(route("/tok/video/../../etc/passwd", "tok"), None);
        assert_eq!(route("/tok/video/j1/x", "tok"), None);
        assert_eq!(route("/tok/secret/j1", "tok"), None);
        assert_eq!(route("/tok/video/", "tok"), None);
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 100), Ok(None));
        assert_eq!(parse_range(Some("bytes=0-"), 100), Ok(Some((0, 100))));
        assert_eq!(parse_range(Some("bytes=10-19"), 100), Ok(Some((10, 20))));
        assert_eq!(parse_range(Some("bytes=90-200"), 100), Ok(Some((90, 100))));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Ok(Some((90, 100))));
        assert_eq!(parse_range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(parse_range(Some("bytes=x-"), 100), Err(()));
    }

    #[test]
    fn only_files_inside_the_renders_folder() {
        let dir = tempfile::tempdir().unwrap();
        let renders = dir.path().join("renders");
        std::fs::create_dir_all(renders.join("j1")).unwrap();
        std::fs::write(renders.join("j1/video.mp4"), b"x").unwrap();
        std::fs::write(dir.path().join("studio.db"), b"x").unwrap();
        assert!(inside(&renders, &renders.join("j1/video.mp4")).is_some());
        assert!(inside(&renders, &renders.join("j1/../../studio.db")).is_none());
        assert!(inside(&renders, &dir.path().join("studio.db")).is_none());
        assert!(inside(&renders, &renders.join("j1")).is_none(), "a folder");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("studio.db"), renders.join("j1/link.mp4"))
                .unwrap();
            assert!(
                inside(&renders, &renders.join("j1/link.mp4")).is_none(),
                "a link out"
            );
        }
    }
}
