//! The HTTP side: routes, auth, the request window, idempotency, credits, outputs and the
//! injected faults, served with hyper on 127.0.0.1. One file past 500 lines: every route
//! reads and writes the one shared state under its lock, in the order the contract gives
//! (auth, window, fault, work), which is easiest to check side by side.
//!
//! hyper is used directly (no router framework): four routes do not need one, and closing
//! a connection without an answer (the "dropped" and "lost answer" faults) needs the
//! service to fail, which frameworks hide.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full, Limited, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::clock::now_ms;
use crate::config::Config;
use crate::faults::{Fault, FaultPlan, Route};
use crate::ledger::{Ledger, LedgerEntry};
use crate::media::{RangeRequest, VirtualFile, parse_range, sample};
use crate::pricing::cost;
use crate::rate::Window;
use crate::rules;
use crate::store::{Remembered, Store, Task};

type Body = BoxBody<Bytes, io::Error>;

/// Closing the connection instead of answering.
#[derive(Debug, thiserror::Error)]
#[error("connection closed by an injected fault")]
struct Dropped;

const SUBMIT_PATH: &str = "/api/v1/video/seedance2";
const TASKS_PREFIX: &str = "/api/v1/tasks/";
const MAX_BODY: usize = 1 << 20;
const CHUNK: usize = 64 * 1024;

struct Shared {
    config: Config,
    port: u16,
    started: Instant,
    store: Mutex<Store>,
    windows: Mutex<HashMap<String, Window>>,
    ledger: Mutex<Ledger>,
    rng: Mutex<fastrand::Rng>,
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
            config,
        });
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(serve(listener, shared.clone(), rx));
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
        self.shared
            .store
            .lock()
            .unwrap()
            .tasks
            .get(task_id)
            .map(|t| t.done_ms)
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

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let shared = shared.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| handle(shared.clone(), req, peer));
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

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|e: Infallible| match e {})
        .boxed()
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut res = Response::new(full(value.to_string()));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// The documented error shape: `{"error":{"code":…,"message":…}}`.
fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response<Body> {
    json_response(
        status,
        &json!({"error": {"code": code, "message": message.into()}}),
    )
}

/// What the ledger needs to know about a request while it is handled.
struct Trace {
    method: String,
    path: String,
    account: Option<String>,
    idempotency_key: Option<String>,
    counted: bool,
    fault: Option<Fault>,
}

impl Shared {
    fn record(&self, trace: Trace, status: u16) {
        let entry = LedgerEntry {
            at_ms: self.started.elapsed().as_millis() as u64,
            method: trace.method,
            path: trace.path,
            status,
            authorized: trace.account.is_some(),
            account: trace.account,
            idempotency_key: trace.idempotency_key,
            counted: trace.counted,
            fault: trace.fault.map(|f| format!("{f:?}")),
        };
        let mut ledger = self.ledger.lock().unwrap();
        if status == 429 {
            ledger.rate_limited += 1;
        }
        ledger.requests.push(entry);
    }

    fn draw(&self, route: Route) -> Option<Fault> {
        self.config
            .faults
            .draw(route, &mut self.rng.lock().unwrap())
    }

    /// The account of the Bearer key, or the 401 to answer.
    // The refusal is the response itself, built once per request: boxing gains nothing.
    #[allow(clippy::result_large_err)]
    fn authenticate(&self, req: &Request<Incoming>) -> Result<String, Response<Body>> {
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some(header) = header else {
            return Err(error_response(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Missing API key: send Authorization: Bearer <key>",
            ));
        };
        let key = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|k| self.config.keys.iter().any(|known| known == k));
        key.map(str::to_string).ok_or_else(|| {
            error_response(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Invalid or revoked API key",
            )
        })
    }

    /// Counts a request against its account's window, or gives the 429 to answer.
    #[allow(clippy::result_large_err)]
    fn admit(&self, account: &str) -> Result<(), Response<Body>> {
        let mut windows = self.windows.lock().unwrap();
        let window = windows
            .entry(account.to_string())
            .or_insert_with(|| Window::new(self.config.rate_limit, self.config.rate_window));
        window.admit(Instant::now()).map_err(|secs| {
            let mut res = error_response(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "Too many requests: the limit is {} requests per {} seconds per account",
                    self.config.rate_limit,
                    self.config.rate_window.as_secs_f64()
                ),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            res
        })
    }

    fn output_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Result<Response<Body>, Dropped> {
    let mut trace = Trace {
        method: req.method().to_string(),
        path: req.uri().path().to_string(),
        account: None,
        idempotency_key: None,
        counted: false,
        fault: None,
    };
    if trace.path.starts_with("/__sandbox/") {
        return Ok(sandbox_route(&shared, &req, peer));
    }
    let outcome = route(&shared, req, &mut trace).await;
    let status = outcome.as_ref().map_or(0, |r| r.status().as_u16());
    shared.record(trace, status);
    outcome
}

async fn route(
    shared: &Shared,
    req: Request<Incoming>,
    trace: &mut Trace,
) -> Result<Response<Body>, Dropped> {
    let path = trace.path.clone();
    if shared.config.redirect_bare_host && path.starts_with("/api/") {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if host.starts_with("127.0.0.1") {
            // Recorded, so tests can see whether the key arrived on each hop.
            trace.account = shared.authenticate(&req).ok();
            let target = format!(
                "http://localhost:{}{}",
                shared.port,
                req.uri().path_and_query().map_or("/", |pq| pq.as_str())
            );
            let mut res = Response::new(full(""));
            *res.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            res.headers_mut().insert(
                header::LOCATION,
                HeaderValue::from_str(&target).expect("a valid URL"),
            );
            return Ok(res);
        }
    }
    let method = req.method().clone();
    if method == Method::POST && path == SUBMIT_PATH {
        return submit(shared, req, trace).await;
    }
    if method == Method::GET
        && let Some(id) = path.strip_prefix(TASKS_PREFIX)
        && !id.is_empty()
        && !id.contains('/')
    {
        let id = id.to_string();
        return poll(shared, req, &id, trace).await;
    }
    if (method == Method::GET || method == Method::HEAD)
        && let Some(rest) = path.strip_prefix("/outputs/")
        && let Some((id, file)) = rest.split_once('/')
    {
        if let Some(target) = &shared.config.outputs_redirect_to {
            let mut res = Response::new(full(""));
            *res.status_mut() = StatusCode::FOUND;
            res.headers_mut().insert(
                header::LOCATION,
                HeaderValue::from_str(target).expect("checked to be a URL"),
            );
            return Ok(res);
        }
        return download(shared, &req, id, file, trace).await;
    }
    Ok(error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("No such route: {method} {path}"),
    ))
}

/// Applies the faults that happen before any work; `Ok(None)` means carry on.
async fn before_work(fault: Option<Fault>) -> Result<Option<Response<Body>>, Dropped> {
    match fault {
        Some(Fault::Busy) => Ok(Some(error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_busy",
            "The service is busy; retry with backoff",
        ))),
        Some(Fault::Internal) => Ok(Some(error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Unexpected server failure",
        ))),
        Some(Fault::Drop) => Err(Dropped),
        _ => Ok(None),
    }
}

/// Applies the faults that happen after the work was done.
fn after_work(fault: Option<Fault>, res: Response<Body>) -> Result<Response<Body>, Dropped> {
    match fault {
        Some(Fault::LoseAnswer) => Err(Dropped),
        Some(Fault::Malformed) => {
            let mut broken = Response::new(full(r#"{"id":"sd2_"#));
            *broken.status_mut() = res.status();
            broken.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(broken)
        }
        _ => Ok(res),
    }
}

async fn submit(
    shared: &Shared,
    req: Request<Incoming>,
    trace: &mut Trace,
) -> Result<Response<Body>, Dropped> {
    let account = match shared.authenticate(&req) {
        Ok(account) => account,
        Err(res) => return Ok(res),
    };
    trace.account = Some(account.clone());
    let idempotency_key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map(|s| s.trim().to_string()));
    let idempotency_key = match idempotency_key {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Some(k),
        Some(_) => {
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Idempotency-Key must be 1–255 visible ASCII characters",
            ));
        }
    };
    trace.idempotency_key = idempotency_key.clone();
    if let Err(res) = shared.admit(&account) {
        return Ok(res);
    }
    trace.counted = true;
    let fault = shared.draw(Route::Submit);
    trace.fault = fault;
    if let Some(res) = before_work(fault).await? {
        return Ok(res);
    }

    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid request body: unreadable or larger than 1 MiB",
            ));
        }
    };
    let generation = match rules::check(&body) {
        Ok(g) => g,
        Err(message) => {
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                message,
            ));
        }
    };

    let flight = idempotency_key.clone().map(|k| (account.clone(), k));
    let mut _marked = None;
    if let Some(Fault::Slow(delay)) = fault {
        // The submission stays "being handled" for the delay: a second request with the
        // same key meanwhile is a 409. The mark goes when this request ends, also when the
        // client hangs up and the request is abandoned.
        if let Some(flight) = &flight {
            if !shared
                .store
                .lock()
                .unwrap()
                .in_flight
                .insert(flight.clone())
            {
                return Ok(still_running());
            }
            _marked = Some(InFlight {
                shared,
                flight: flight.clone(),
            });
        }
        tokio::time::sleep(delay).await;
    }
    let answer = create_task(shared, &account, flight.as_ref(), &body, generation, fault);
    drop(_marked);
    after_work(fault, answer)
}

/// Removes an in-flight mark when the request that set it ends, however it ends.
struct InFlight<'a> {
    shared: &'a Shared,
    flight: (String, String),
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.shared
            .store
            .lock()
            .unwrap()
            .in_flight
            .remove(&self.flight);
    }
}

fn still_running() -> Response<Body> {
    error_response(
        StatusCode::CONFLICT,
        "idempotency_conflict",
        "A request with this Idempotency-Key is still being processed; retry shortly with the same key",
    )
}

/// Replays, refuses or creates and charges, under the store lock.
fn create_task(
    shared: &Shared,
    account: &str,
    flight: Option<&(String, String)>,
    body: &[u8],
    generation: rules::Generation,
    fault: Option<Fault>,
) -> Response<Body> {
    let now = now_ms();
    let mut store = shared.store.lock().unwrap();
    store.settle(now);
    if let Some(flight) = flight {
        let own_mark = matches!(fault, Some(Fault::Slow(_)));
        if !own_mark && store.in_flight.contains(flight) {
            return still_running();
        }
        let remembered = store
            .idempotency
            .get(account)
            .and_then(|keys| keys.get(&flight.1));
        if let Some(remembered) = remembered {
            if remembered.body != body {
                return error_response(
                    StatusCode::CONFLICT,
                    "idempotency_conflict",
                    "This Idempotency-Key was already used with a different request body",
                );
            }
            let task = &store.tasks[&remembered.task_id];
            return json_response(StatusCode::ACCEPTED, &task.accepted_json());
        }
    }

    let price = cost(
        &generation.quality_tier,
        &generation.resolution,
        generation.duration,
    );
    let balance = store.balances.get(account).copied().unwrap_or(0);
    if price > balance {
        return error_response(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_credits",
            format!(
                "This render costs {price} credits; the balance is {balance}. Top up to continue."
            ),
        );
    }

    let (id, render_ms, fails, seed) = {
        let mut rng = shared.rng.lock().unwrap();
        let render = &shared.config.render_time;
        let (min, max) = (render.min.as_millis() as u64, render.max.as_millis() as u64);
        let render_ms = if render.by_settings {
            // Cheapest (mini, 720p, 4 s) at MIN, dearest (pro, 4k, 15 s) at MAX.
            let (lo, hi) = (cost("mini", "720p", 4) as f64, cost("pro", "4k", 15) as f64);
            let weight = (price as f64 - lo) / (hi - lo);
            let base = min as f64 + (max - min) as f64 * weight.clamp(0.0, 1.0);
            (base * (0.9 + rng.f64() * 0.2)) as u64
        } else {
            rng.u64(min..=max)
        };
        let fails = shared.config.fail_rate > 0.0 && rng.f64() < shared.config.fail_rate;
        let seed = match generation.seed {
            Some(s) if s >= 0 => s as u64,
            _ => u64::from(rng.u32(..)),
        };
        (store.new_task_id(&mut rng), render_ms, fails, seed)
    };
    let task = Task {
        id: id.clone(),
        account: account.to_string(),
        generation,
        credits_used: price,
        created_ms: now,
        done_ms: now + render_ms,
        fails,
        seed,
        refunded: false,
    };
    let accepted = task.accepted_json();
    *store.balances.entry(account.to_string()).or_default() -= price;
    store.tasks.insert(id.clone(), task);
    if let Some((_, key)) = flight {
        store
            .idempotency
            .entry(account.to_string())
            .or_default()
            .insert(
                key.clone(),
                Remembered {
                    body: body.to_vec(),
                    task_id: id,
                },
            );
    }
    if let Err(e) = store.save() {
        eprintln!("seedance-sandbox: could not save state: {e}");
    }
    drop(store);
    let key = flight.map_or(String::new(), |(_, k)| k.clone());
    *shared
        .ledger
        .lock()
        .unwrap()
        .charges
        .entry(key)
        .or_default() += 1;
    json_response(StatusCode::ACCEPTED, &accepted)
}

async fn poll(
    shared: &Shared,
    req: Request<Incoming>,
    id: &str,
    trace: &mut Trace,
) -> Result<Response<Body>, Dropped> {
    let account = match shared.authenticate(&req) {
        Ok(account) => account,
        Err(res) => return Ok(res),
    };
    trace.account = Some(account.clone());
    if let Err(res) = shared.admit(&account) {
        return Ok(res);
    }
    trace.counted = true;
    let fault = shared.draw(Route::Poll);
    trace.fault = fault;
    if let Some(res) = before_work(fault).await? {
        return Ok(res);
    }
    if let Some(Fault::Slow(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let now = now_ms();
    let answer = {
        let mut store = shared.store.lock().unwrap();
        if store.settle(now) {
            let _ = store.save();
        }
        match store.tasks.get(id).filter(|t| t.account == account) {
            Some(task) => json_response(StatusCode::OK, &task.to_json(now, &shared.output_base())),
            None => error_response(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("Task {id} does not exist or belongs to another account"),
            ),
        }
    };
    after_work(fault, answer)
}

async fn download(
    shared: &Shared,
    req: &Request<Incoming>,
    id: &str,
    file: &str,
    trace: &mut Trace,
) -> Result<Response<Body>, Dropped> {
    let now = now_ms();
    let task = shared.store.lock().unwrap().tasks.get(id).cloned();
    let Some(task) = task.filter(|t| t.completed(now)) else {
        return Ok(error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such output",
        ));
    };
    if let Some(ttl) = shared.config.output_ttl
        && now > task.done_ms + ttl.as_millis() as u64
    {
        return Ok(error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            "This output URL has expired",
        ));
    }
    match shared.config.hostile_outputs {
        Some(crate::config::HostileOutputs::Always500) => {
            return Ok(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "The file host failed",
            ));
        }
        Some(crate::config::HostileOutputs::EndlessHtml) => {
            return Ok(endless(b"<!DOCTYPE html><html><body>", "text/html"));
        }
        Some(crate::config::HostileOutputs::EndlessMp4) => {
            return Ok(endless(
                b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2",
                "video/mp4",
            ));
        }
        _ => {}
    }
    let (mp4, jpeg) = sample(&task.generation.aspect_ratio);
    let (content, content_type) = match file {
        "video.mp4" => (
            VirtualFile::padded_mp4(mp4, shared.config.video_bytes),
            "video/mp4",
        ),
        "last-frame.jpg" => (VirtualFile::plain(jpeg), "image/jpeg"),
        _ => {
            return Ok(error_response(
                StatusCode::NOT_FOUND,
                "not_found",
                "No such output",
            ));
        }
    };
    let fault = shared.draw(Route::Download);
    trace.fault = fault;
    if let Some(res) = before_work(fault).await? {
        return Ok(res);
    }
    if let Some(Fault::Slow(delay)) = fault {
        tokio::time::sleep(delay).await;
    }

    let len = content.len();
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let (status, start, end) = match parse_range(range, len) {
        RangeRequest::Whole => (StatusCode::OK, 0, len),
        RangeRequest::Part(start, end) => (StatusCode::PARTIAL_CONTENT, start, end),
        RangeRequest::Unsatisfiable => {
            let mut res = error_response(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "invalid_request",
                "Requested range not satisfiable",
            );
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
            );
            return Ok(res);
        }
    };
    let body = if req.method() == Method::HEAD {
        full("")
    } else {
        let cut = match fault {
            Some(Fault::CutAfter(n)) => Some(n),
            _ => None,
        };
        match shared.config.hostile_outputs {
            Some(crate::config::HostileOutputs::Throttle(rate)) => {
                throttled(content, start, end, rate)
            }
            _ => body_stream(content, start, end, cut),
        }
    };
    let mut res = Response::new(body);
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
    Ok(res)
}

/// A 200 whose chunked body starts with `head` and never ends (until the client hangs up).
fn endless(head: &'static [u8], content_type: &'static str) -> Response<Body> {
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let data = futures_util::stream::once(async move { Bytes::from_static(head) })
        .chain(futures_util::stream::repeat(filler))
        .map(|b| Ok::<_, io::Error>(Frame::data(b)));
    let mut res = Response::new(BodyExt::boxed(StreamBody::new(data)));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// The body of `[start, end)` at `rate` bytes per second, in tenths of a second.
fn throttled(content: VirtualFile, start: u64, end: u64, rate: u64) -> Body {
    let step = (rate / 10).max(1) as usize;
    let data = futures_util::stream::iter(content.chunks(start, end, step)).then(|b| async move {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        Ok::<_, io::Error>(Frame::data(b))
    });
    BodyExt::boxed(StreamBody::new(data))
}

/// The body of `[start, end)`, cut with an error after `cut` bytes when asked.
fn body_stream(content: VirtualFile, start: u64, end: u64, cut: Option<u64>) -> Body {
    let stop = cut.map_or(end, |n| end.min(start + n));
    let data = content
        .chunks(start, stop, CHUNK)
        .map(|b| Ok::<_, io::Error>(Frame::data(b)));
    let data = futures_util::stream::iter(data);
    if stop == end {
        return BodyExt::boxed(StreamBody::new(data));
    }
    // Let what was sent reach the client before the connection dies, as a real cut would.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "download cut by an injected fault",
        ))
    });
    BodyExt::boxed(StreamBody::new(data.chain(cut)))
}

/// `/__sandbox/…`: the ledger, for loopback callers only.
fn sandbox_route(shared: &Shared, req: &Request<Incoming>, peer: SocketAddr) -> Response<Body> {
    if !peer.ip().is_loopback() {
        return error_response(StatusCode::FORBIDDEN, "forbidden", "Loopback only");
    }
    if req.method() == Method::GET && req.uri().path() == "/__sandbox/ledger" {
        let mut ledger = shared.ledger.lock().unwrap().clone();
        ledger.measure_busiest();
        return json_response(
            StatusCode::OK,
            &serde_json::to_value(&ledger).expect("the ledger serialises"),
        );
    }
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("No such route: {} {}", req.method(), req.uri().path()),
    )
}
