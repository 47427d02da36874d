//! The HTTP side, served on 127.0.0.1: an axum router whose routes are the contract's
//! (submit, poll, outputs) with the steps every request goes through as layers, in the
//! order the contract gives: the ledger's trace, the bare-host redirect, Bearer auth, the
//! Idempotency-Key's form, the per-account request window and the injected faults. The
//! work itself is in `tasks` (submit and poll), `outputs` (downloads) and `files` (files
//! held for references, as an upload storage would).
//!
//! The accept loop is our own (hyper's connection builder over each socket, the router
//! as its service), because two faults must close a connection without an answer: "drop"
//! before any work and "lost answer" after it. A layer marks such a response with
//! [`Dropped`], and the connection's service turns the mark into an error, which makes
//! hyper close the socket unanswered.

mod files;
mod layers;
mod outputs;
mod tasks;

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::clips::{Clips, Shape};
use crate::clock::now_ms;
use crate::config::Config;
use crate::faults::{FaultPlan, Route};
use crate::ledger::Ledger;
use crate::rate::Window;
use crate::rules::Generation;
use crate::store::Store;

/// The mark on a response that must not be sent: the connection is closed instead.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("connection closed by an injected fault")]
struct Dropped;

impl Dropped {
    /// A response that closes the connection unanswered.
    fn response() -> Response {
        let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        res.extensions_mut().insert(Dropped);
        res
    }

    fn marks(res: &Response) -> bool {
        res.extensions().get::<Dropped>().is_some()
    }
}

const SUBMIT_PATH: &str = "/api/v1/video/seedance2";
const TASK_PATH: &str = "/api/v1/tasks/{id}";
const OUTPUT_PATH: &str = "/outputs/{id}/{file}";

struct Shared {
    config: Config,
    port: u16,
    started: Instant,
    store: Mutex<Store>,
    windows: Mutex<HashMap<String, Window>>,
    ledger: Mutex<Ledger>,
    rng: Mutex<fastrand::Rng>,
    clips: Clips,
    /// Files posted for references (`files`).
    files: files::Files,
}

impl Shared {
    /// The shape of the clip delivered for `generation`.
    fn shape_of(&self, generation: &Generation) -> Shape {
        Shape::of(generation, self.config.wrong_delivery)
    }

    fn output_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// A running sandbox. Dropping it stops it.
pub struct Sandbox {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on 127.0.0.1 (an ephemeral port unless `config.port` is set).
    pub async fn start(config: Config) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let port = listener.local_addr()?.port();
        let mut store = Store::open(config.state_dir.as_deref())?;
        store.ensure_accounts(&config.keys, config.credits);
        store.save()?;
        let rng = config
            .rng_seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let ledger = Ledger {
            window_ms: config.rate_window.as_millis() as u64,
            ..Ledger::default()
        };
        let shared = Arc::new(Shared {
            port,
            started: Instant::now(),
            store: Mutex::new(store),
            windows: Mutex::new(HashMap::new()),
            ledger: Mutex::new(ledger),
            rng: Mutex::new(rng),
            clips: Clips::new(config.clips_dir.clone().unwrap_or_else(Clips::default_dir)),
            files: files::Files::default(),
            config,
        });
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(serve(listener, router(shared.clone()), rx));
        Ok(Self {
            shared,
            shutdown: Some(tx),
            server: Some(server),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.shared.port)
    }

    pub fn port(&self) -> u16 {
        self.shared.port
    }

    /// A snapshot of everything recorded so far.
    pub fn ledger(&self) -> Ledger {
        let mut ledger = self.shared.ledger.lock().unwrap().clone();
        ledger.measure_busiest();
        ledger
    }

    /// The faults in force; scripted faults can be added while it runs.
    pub fn faults(&self) -> &FaultPlan {
        &self.shared.config.faults
    }

    /// The current balance of the account of `key`.
    pub fn balance(&self, key: &str) -> Option<u64> {
        let mut store = self.shared.store.lock().unwrap();
        store.settle(now_ms());
        store.balances.get(key).copied()
    }

    /// When a task's render finishes (or finished), in ms since the epoch: for measuring how
    /// soon a client notices.
    pub fn task_done_at(&self, task_id: &str) -> Option<u64> {
        self.task_times(task_id).map(|(_, done)| done)
    }

    /// When a task was created and when its render finishes, in ms since the epoch: what
    /// a benchmark measures a critical path of renders with.
    pub fn task_times(&self, task_id: &str) -> Option<(u64, u64)> {
        self.shared
            .store
            .lock()
            .unwrap()
            .tasks
            .get(task_id)
            .map(|t| (t.created_ms, t.done_ms))
    }

    /// Sets the balance of the account of `key` (creating it).
    pub fn set_balance(&self, key: &str, credits: u64) {
        let mut store = self.shared.store.lock().unwrap();
        store.balances.insert(key.to_string(), credits);
        let _ = store.save();
    }

    /// Stops accepting, closes every open connection, and waits until it has.
    pub async fn stop(mut self) {
        self.shutdown_now();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}

/// The routes with their layers. A `.layer` call wraps what is above it, so each route's
/// list reads from the innermost step (the faults) out.
fn router(shared: Arc<Shared>) -> Router {
    let s = || shared.clone();
    let submit = post(tasks::submit)
        .route_layer(from_fn_with_state((s(), Route::Submit), layers::faults))
        .route_layer(from_fn_with_state(s(), layers::request_window))
        .route_layer(axum::middleware::from_fn(layers::idempotency_key))
        .route_layer(from_fn_with_state(s(), layers::bearer_auth))
        .fallback(not_found);
    let poll = get(tasks::poll)
        .route_layer(from_fn_with_state((s(), Route::Poll), layers::faults))
        .route_layer(from_fn_with_state(s(), layers::request_window))
        .route_layer(from_fn_with_state(s(), layers::bearer_auth))
        .fallback(not_found);
    // Output URLs are presigned: no key, and not counted against the window.
    let output = get(outputs::download)
        .route_layer(from_fn_with_state((s(), Route::Download), layers::faults))
        .route_layer(from_fn_with_state(s(), layers::outputs_redirect))
        .fallback(not_found);
    let api = Router::new()
        .route(SUBMIT_PATH, submit)
        .route(TASK_PATH, poll)
        .route(OUTPUT_PATH, output)
        .fallback(not_found)
        .layer(from_fn_with_state(s(), layers::bare_host_redirect))
        .layer(from_fn_with_state(s(), layers::trace));
    // The sandbox's own routes are not part of what it emulates: never in the ledger.
    Router::new()
        .route("/__sandbox/ledger", get(ledger))
        .route(
            "/__sandbox/files",
            post(files::upload).layer(axum::extract::DefaultBodyLimit::max(files::MAX_FILE_BYTES)),
        )
        .route("/__sandbox/files/{name}", get(files::download))
        .route("/__sandbox/{*rest}", any(not_found))
        .route_layer(axum::middleware::from_fn(layers::loopback_only))
        .merge(api)
        .with_state(shared)
}

async fn serve(listener: TcpListener, router: Router, mut shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let router = router.clone();
                connections.spawn(async move {
                    let service = service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                        let router = router.clone();
                        async move {
                            req.extensions_mut().insert(Peer(peer));
                            let res = router.oneshot(req).await.unwrap_or_else(|e: Infallible| match e {});
                            if Dropped::marks(&res) { Err(Dropped) } else { Ok(res) }
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut res = (status, value.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// The documented error shape: `{"error":{"code":…,"message":…}}`.
fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    json_response(
        status,
        &json!({"error": {"code": code, "message": message.into()}}),
    )
}

async fn not_found(req: axum::extract::Request) -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("No such route: {} {}", req.method(), req.uri().path()),
    )
}

/// `GET /__sandbox/ledger`: everything recorded so far.
async fn ledger(State(shared): State<Arc<Shared>>) -> Response {
    let mut ledger = shared.ledger.lock().unwrap().clone();
    ledger.measure_busiest();
    json_response(
        StatusCode::OK,
        &serde_json::to_value(&ledger).expect("the ledger serialises"),
    )
}

/// The peer a request came from, as the accept loop saw it.
#[derive(Debug, Clone, Copy)]
struct Peer(SocketAddr);

fn peer_of(req: &axum::extract::Request) -> Option<SocketAddr> {
    req.extensions().get::<Peer>().map(|Peer(peer)| *peer)
}
