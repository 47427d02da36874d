//! The loopback media server: WebKitGTK plays `<video>` from `http://127.0.0.1` but not from
//! Tauri's `asset://` protocol, so the window gets renders, last frames and previews from
//! here. 127.0.0.1 only, a random port, a per-launch token (from the OS CSPRNG, compared in
//! constant time) as the first path segment, a `Host` that must be the address it serves,
//! and nothing outside the running mode's `renders/` folder (paths come from the history,
//! never from the request, and must resolve inside that folder). Files are served by
//! tower-http's `ServeFile` (Range, HEAD and 416 as it does them, streamed: memory stays flat
//! whatever the file); connections are limited in number, must send their headers in time,
//! and an accept error backs off instead of spinning.
//!
//! `GET /{token}/video/{job}` · `/{token}/frame/{job}` · `/{token}/thumb/{job}`

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::UnsyncBoxBody};
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use tauri::Manager;

use crate::session::AppState;

/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 32;
/// How long a connection may take to send a request's headers (shorter in the tests, which
/// wait for it).
const HEADER_TIMEOUT: Duration = if cfg!(test) {
    Duration::from_millis(300)
} else {
    Duration::from_secs(10)
};

type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// A running media server.
#[derive(Debug, Clone)]
pub struct MediaServer {
    /// `http://127.0.0.1:PORT/TOKEN`
    pub base: String,
}

/// What a request asks for.
pub use studio::desk::Asset;

/// What the history holds for a request.
pub enum Found {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// Starts serving the app's renders on a random loopback port.
pub async fn start(app: tauri::AppHandle) -> std::io::Result<MediaServer> {
    serve(move |asset, job| {
        let app = app.clone();
        async move {
            let state = app.state::<AppState>();
            find(&state, asset, &job).await
        }
    })
    .await
}

/// Serves on a random loopback port, finding what a request names with `find`.
pub async fn serve<F, Fut>(find: F) -> std::io::Result<MediaServer>
where
    F: Fn(Asset, String) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<Found>> + Send,
{
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let port = listener.local_addr()?.port();
    let token = studio::random::hex256();
    let server = MediaServer {
        base: format!("http://127.0.0.1:{port}/{token}"),
    };
    let rules = Arc::new(Rules {
        token,
        host: format!("127.0.0.1:{port}"),
    });
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(10);
        loop {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                return;
            };
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => {
                    backoff = Duration::from_millis(10);
                    accepted
                }
                Err(e) => {
                    // Out of file descriptors, say: wait, rather than spin.
                    tracing::warn!("the media server could not accept a connection: {e}");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                    continue;
                }
            };
            let rules = rules.clone();
            let find = find.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let rules = rules.clone();
                    let find = find.clone();
                    async move {
                        Ok::<_, std::convert::Infallible>(handle(&rules, peer, req, find).await)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                drop(slot);
            });
        }
    });
    Ok(server)
}

/// What every request is held to.
struct Rules {
    token: String,
    /// The only `Host` a request may name: the address served.
    host: String,
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let body = Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut res = Response::new(body);
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

async fn handle<F, Fut>(
    rules: &Rules,
    peer: SocketAddr,
    req: Request<Incoming>,
    find: F,
) -> Response<Body>
where
    F: Fn(Asset, String) -> Fut,
    Fut: std::future::Future<Output = Option<Found>>,
{
    if !peer.ip().is_loopback() {
        return plain(StatusCode::FORBIDDEN, "loopback only");
    }
    // A page elsewhere that points a name at 127.0.0.1 (DNS rebinding) sends its own Host.
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
    if host != Some(rules.host.as_str()) {
        return plain(StatusCode::MISDIRECTED_REQUEST, "wrong host");
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "GET only");
    }
    let Some((asset, job)) = route(req.uri().path(), &rules.token) else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    match find(asset, job.to_string()).await {
        None => plain(StatusCode::NOT_FOUND, "not found"),
        Some(Found::Bytes(jpeg)) => {
            let body = Full::new(Bytes::from(jpeg))
                .map_err(|never| match never {})
                .boxed_unsync();
            let mut res = Response::new(body);
            res.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            res.headers_mut().insert(
                CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            );
            res
        }
        Some(Found::File(path)) => match tower_http::services::ServeFile::new(path)
            .oneshot(req)
            .await
        {
            Ok(res) => res.map(|body| body.boxed_unsync()),
            Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
        },
    }
}

/// The file or preview the running mode's history holds for `job`.
async fn find(state: &AppState, asset: Asset, job: &str) -> Option<Found> {
    let desk = state.desk().await.ok()?;
    Some(match desk.media(asset, job).await? {
        studio::desk::Media::Jpeg(bytes) => Found::Bytes(bytes),
        studio::desk::Media::File(path) => Found::File(path),
    })
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

    /// One raw HTTP/1.1 exchange; the whole answer.
    async fn ask(port: u16, request: &str) -> Vec<u8> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn files_are_served_with_ranges_only_to_the_right_host_and_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("video.mp4");
        let content: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        std::fs::write(&file, &content).unwrap();
        let served = file.clone();
        let server = serve(move |asset, job| {
            let served = served.clone();
            async move { (asset == Asset::Video && job == "j1").then_some(Found::File(served)) }
        })
        .await
        .unwrap();
        let url = url::Url::parse(&server.base).unwrap();
        let port = url.port().unwrap();
        let token = url.path().trim_start_matches('/').to_string();
        let get = |path: &str, host: &str, extra: &str| {
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
        };
        let host = format!("127.0.0.1:{port}");
        let head_of =
            |answer: &[u8]| String::from_utf8_lossy(&answer[..answer.len().min(400)]).into_owned();

        let whole = ask(port, &get(&format!("/{token}/video/j1"), &host, "")).await;
        assert!(
            head_of(&whole).starts_with("HTTP/1.1 200"),
            "{}",
            head_of(&whole)
        );
        assert!(whole.ends_with(&content), "the whole file, streamed");

        let part = ask(
            port,
            &get(
                &format!("/{token}/video/j1"),
                &host,
                "Range: bytes=10-19\r\n",
            ),
        )
        .await;
        let text = head_of(&part);
        assert!(text.starts_with("HTTP/1.1 206"), "{text}");
        assert!(
            text.to_ascii_lowercase()
                .contains("content-range: bytes 10-19/100000"),
            "{text}"
        );
        assert!(part.ends_with(&content[10..20]));

        let beyond = ask(
            port,
            &get(
                &format!("/{token}/video/j1"),
                &host,
                "Range: bytes=200000-\r\n",
            ),
        )
        .await;
        assert!(
            head_of(&beyond).starts_with("HTTP/1.1 416"),
            "{}",
            head_of(&beyond)
        );

        let head = ask(
            port,
            &format!(
                "HEAD /{token}/video/j1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            ),
        )
        .await;
        assert!(head_of(&head).starts_with("HTTP/1.1 200"));
        assert!(!head.ends_with(&content[99_000..]), "HEAD has no body");

        // A page that points its own name at this port sends its own Host: refused.
        let rebound = ask(
            port,
            &get(
                &format!("/{token}/video/j1"),
                &format!("evil.test:{port}"),
                "",
            ),
        )
        .await;
        assert!(
            head_of(&rebound).starts_with("HTTP/1.1 421"),
            "{}",
            head_of(&rebound)
        );
        let guessed = ask(port, &get("/0000/video/j1", &host, "")).await;
        assert!(head_of(&guessed).starts_with("HTTP/1.1 404"));
        let other = ask(port, &get(&format!("/{token}/video/j2"), &host, "")).await;
        assert!(head_of(&other).starts_with("HTTP/1.1 404"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_that_never_sends_its_headers_is_closed() {
        use tokio::io::AsyncReadExt;
        let server = serve(|_, _| async { None }).await.unwrap();
        let port = url::Url::parse(&server.base).unwrap().port().unwrap();
        let mut idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let mut buf = [0u8; 64];
        let closed = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf))
            .await
            .expect("the idle connection was kept open");
        assert!(closed.is_ok(), "{closed:?}");
    }
}
