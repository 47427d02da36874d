//! The steps a request goes through before (and after) its route's work, each an axum
//! middleware: the ledger's trace around everything, then the bare-host redirect, Bearer
//! auth, the Idempotency-Key's form, the request window, and the faults drawn for the
//! route. Each step writes what the ledger needs into the request's [`Trace`] and hands
//! what the work needs on as a request extension ([`Account`], [`IdempotencyKey`],
//! [`Drawn`]).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Dropped, Shared, error_response, peer_of};
use crate::faults::{Fault, Route};
use crate::ledger::LedgerEntry;
use crate::rate::Window;

/// What the ledger records of a request, filled in by the steps it passes.
#[derive(Debug, Default)]
struct TraceFields {
    account: Option<String>,
    idempotency_key: Option<String>,
    counted: bool,
    fault: Option<Fault>,
}

/// The request's ledger entry while it is handled.
#[derive(Clone, Default)]
pub(super) struct Trace(Arc<Mutex<TraceFields>>);

impl Trace {
    fn of(req: &Request) -> Self {
        req.extensions().get::<Trace>().cloned().unwrap_or_default()
    }

    fn update(req: &Request, f: impl FnOnce(&mut TraceFields)) {
        f(&mut Self::of(req).0.lock().unwrap());
    }
}

/// The account of a request's valid Bearer key.
#[derive(Debug, Clone)]
pub(super) struct Account(pub String);

/// A submission's Idempotency-Key, when it sent one.
#[derive(Debug, Clone)]
pub(super) struct IdempotencyKey(pub Option<String>);

/// The fault drawn for a request (if any), for the work that applies it in its place.
#[derive(Debug, Clone, Copy)]
pub(super) struct Drawn(pub Option<Fault>);

/// Records every request of the emulated API in the ledger, with its answer's status (0
/// when the connection was closed instead).
pub(super) async fn trace(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    let trace = Trace::default();
    req.extensions_mut().insert(trace.clone());
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    let res = next.run(req).await;
    let status = if Dropped::marks(&res) {
        0
    } else {
        res.status().as_u16()
    };
    let fields = std::mem::take(&mut *trace.0.lock().unwrap());
    let entry = LedgerEntry {
        at_ms: shared.started.elapsed().as_millis() as u64,
        method,
        path,
        status,
        authorized: fields.account.is_some(),
        account: fields.account,
        idempotency_key: fields.idempotency_key,
        counted: fields.counted,
        fault: fields.fault.map(|f| format!("{f:?}")),
    };
    let mut ledger = shared.ledger.lock().unwrap();
    if status == 429 {
        ledger.rate_limited += 1;
    }
    ledger.requests.push(entry);
    res
}

/// With `redirect_bare_host`, an API request to `127.0.0.1` is sent on to `localhost` on
/// the same port, as some real hosts do; the ledger records whether the key came along.
pub(super) async fn bare_host_redirect(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !(shared.config.redirect_bare_host
        && req.uri().path().starts_with("/api/")
        && host.starts_with("127.0.0.1"))
    {
        return next.run(req).await;
    }
    let account = account_of(&shared, &req).ok();
    Trace::update(&req, |t| t.account = account);
    let target = format!(
        "http://localhost:{}{}",
        shared.port,
        req.uri().path_and_query().map_or("/", |pq| pq.as_str())
    );
    redirect(StatusCode::TEMPORARY_REDIRECT, &target)
}

fn redirect(status: StatusCode, target: &str) -> Response {
    let mut res = status.into_response();
    res.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(target).expect("a valid URL"),
    );
    res
}

/// The account of the request's Bearer key, or the 401 to answer.
// The refusal is the response itself, built once per request: boxing gains nothing.
#[allow(clippy::result_large_err)]
fn account_of(shared: &Shared, req: &Request) -> Result<String, Response> {
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
        .filter(|k| shared.config.keys.iter().any(|known| known == k));
    key.map(str::to_string).ok_or_else(|| {
        error_response(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid or revoked API key",
        )
    })
}

/// Bearer auth: a 401 unless the key is one the sandbox knows.
pub(super) async fn bearer_auth(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    match account_of(&shared, &req) {
        Ok(account) => {
            Trace::update(&req, |t| t.account = Some(account.clone()));
            req.extensions_mut().insert(Account(account));
            next.run(req).await
        }
        Err(refusal) => refusal,
    }
}

/// A submission's Idempotency-Key must be 1–255 visible characters (checked before the
/// request counts against the window).
pub(super) async fn idempotency_key(mut req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map(|s| s.trim().to_string()));
    let key = match key {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Some(k),
        Some(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Idempotency-Key must be 1–255 visible ASCII characters",
            );
        }
    };
    Trace::update(&req, |t| t.idempotency_key = key.clone());
    req.extensions_mut().insert(IdempotencyKey(key));
    next.run(req).await
}

/// The per-account request window: a 429 with `Retry-After` in whole seconds when full.
pub(super) async fn request_window(
    State(shared): State<Arc<Shared>>,
    Extension(Account(account)): Extension<Account>,
    req: Request,
    next: Next,
) -> Response {
    let admitted = {
        let mut windows = shared.windows.lock().unwrap();
        let config = &shared.config;
        windows
            .entry(account)
            .or_insert_with(|| Window::new(config.rate_limit, config.rate_window))
            .admit(Instant::now())
    };
    if let Err(secs) = admitted {
        let mut res = error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "Too many requests: the limit is {} requests per {} seconds per account",
                shared.config.rate_limit,
                shared.config.rate_window.as_secs_f64()
            ),
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return res;
    }
    Trace::update(&req, |t| t.counted = true);
    next.run(req).await
}

/// With `outputs_redirect_to`, every output URL answers with a redirect there (a hostile
/// file host sending the client elsewhere).
pub(super) async fn outputs_redirect(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    match &shared.config.outputs_redirect_to {
        Some(target) => redirect(StatusCode::FOUND, target),
        None => next.run(req).await,
    }
}

/// Draws the route's fault and applies what happens around the work: a busy or failing
/// upstream and a dropped connection before it, a delay (the submission holds its own, to
/// keep its Idempotency-Key marked as being handled), and after a submission or a poll, a
/// lost or malformed answer.
pub(super) async fn faults(
    State((shared, route)): State<(Arc<Shared>, Route)>,
    mut req: Request,
    next: Next,
) -> Response {
    let fault = shared
        .config
        .faults
        .draw(route, &mut shared.rng.lock().unwrap());
    Trace::update(&req, |t| t.fault = fault);
    req.extensions_mut().insert(Drawn(fault));
    match fault {
        Some(Fault::Busy) => {
            return error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_busy",
                "The service is busy; retry with backoff",
            );
        }
        Some(Fault::Internal) => {
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Unexpected server failure",
            );
        }
        Some(Fault::Drop) => return Dropped::response(),
        Some(Fault::Slow(delay)) if route != Route::Submit => tokio::time::sleep(delay).await,
        _ => {}
    }
    let res = next.run(req).await;
    if route == Route::Download {
        return res;
    }
    match fault {
        Some(Fault::LoseAnswer) => Dropped::response(),
        Some(Fault::Malformed) => {
            let mut broken = (res.status(), r#"{"id":"sd2_"#).into_response();
            broken.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            broken
        }
        _ => res,
    }
}

/// The sandbox's own routes answer loopback callers only, and only when they name a
/// loopback host: a web page whose own name was rebound to 127.0.0.1 reaches the port from
/// this machine, but its requests still carry its name.
pub(super) async fn loopback_only(req: Request, next: Next) -> Response {
    if !peer_of(&req).is_some_and(|peer| peer.ip().is_loopback()) {
        return error_response(StatusCode::FORBIDDEN, "forbidden", "Loopback only");
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if names_loopback(host) {
        next.run(req).await
    } else {
        error_response(
            StatusCode::MISDIRECTED_REQUEST,
            "forbidden",
            format!("Host {host:?} is not this machine (127.0.0.1, [::1] or localhost)"),
        )
    }
}

/// Whether a `Host` header (with or without its port) names this machine.
fn names_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
