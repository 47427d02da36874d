//! The one HTTP client: built once, with timeouts, a User-Agent, the Bearer key and an
//! `Idempotency-Key` on every POST; redirects handled by hand so the key is never lost or
//! leaked; every request through the shared budget; retries per [`RetryPolicy`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use url::Url;

use crate::budget::{Priority, RequestBudget};
use crate::error::{ApiError, preview};
use crate::retry::{Decision, RetryPolicy, parse_retry_after};
use crate::types::{GenerationRequest, Task};
use crate::validate::{PreparedRequest, Problem, is_loopback, validate};

/// The service.
pub const DEFAULT_BASE_URL: &str = "https://seedance2ai.io";
const SUBMIT_PATH: &str = "/api/v1/video/seedance2";
const MAX_REDIRECTS: usize = 3;

/// An API key. Its `Debug` is `<redacted>` and it cannot be serialised, so it does not end
/// up in logs, panics, files or IPC replies by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks the shape of a key (non-empty, no spaces or control characters).
    pub fn new(key: impl Into<String>) -> Result<Self, ApiError> {
        let key = key.into().trim().to_string();
        if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ApiError::Setup {
                message: "an API key is one word without spaces (it looks like sk_live_…)".into(),
            });
        }
        Ok(Self(key))
    }

    /// The key itself, for the Authorization header and the keychain only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// How to build a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub key: ApiKey,
    pub budget: Arc<dyn RequestBudget>,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// Per attempt, body included.
    pub timeout: Duration,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, key: ApiKey, budget: Arc<dyn RequestBudget>) -> Self {
        Self {
            base_url: base_url.into(),
            key,
            budget,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }
}

/// A client of one account on one service.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    /// Where requests go; moves to the host that answers after a same-site redirect.
    base: Mutex<Url>,
    base_is_loopback: bool,
    key: ApiKey,
    budget: Arc<dyn RequestBudget>,
    retry: RetryPolicy,
}

/// The User-Agent every request carries.
pub fn user_agent() -> String {
    format!(
        "SeedanceStudio/{} (seedance-api)",
        env!("CARGO_PKG_VERSION")
    )
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let base =
            Url::parse(config.base_url.trim_end_matches('/')).map_err(|e| ApiError::Setup {
                message: format!("the base URL {:?} is not a URL ({e})", config.base_url),
            })?;
        let base_is_loopback = base.host().is_some_and(|h| is_loopback(&h));
        match base.scheme() {
            "https" => {}
            "http" if base_is_loopback => {}
            _ => {
                return Err(ApiError::Setup {
                    message: format!(
                        "the base URL must be https (http is only for a sandbox on this machine), got {}",
                        config.base_url
                    ),
                });
            }
        }
        // rustls on the ring provider: no C toolchain needed to build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(user_agent())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Setup {
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            base: Mutex::new(base),
            base_is_loopback,
            key: config.key,
            budget: config.budget,
            retry: config.retry,
        })
    }

    /// The base URL requests go to now.
    pub fn base_url(&self) -> String {
        self.base
            .lock()
            .unwrap()
            .as_str()
            .trim_end_matches('/')
            .to_string()
    }

    /// True when talking to a service on this machine (the sandbox).
    pub fn base_is_loopback(&self) -> bool {
        self.base_is_loopback
    }

    /// Validates a request for this client's service.
    pub fn prepare(&self, request: &GenerationRequest) -> Result<PreparedRequest, ApiError> {
        validate(request, self.base_is_loopback).map_err(|problems| ApiError::Invalid { problems })
    }

    /// Submits a prepared request under `idempotency_key`, retrying as the policy allows
    /// with the same key and the same bytes.
    pub async fn submit(
        &self,
        prepared: &PreparedRequest,
        idempotency_key: &str,
    ) -> Result<Task, ApiError> {
        self.submit_body(&prepared.body, idempotency_key).await
    }

    /// Submits stored request bytes (the engine's outbox resends exactly what it stored).
    pub async fn submit_body(&self, body: &[u8], idempotency_key: &str) -> Result<Task, ApiError> {
        if idempotency_key.trim().is_empty() || idempotency_key.len() > 255 {
            return Err(ApiError::Invalid {
                problems: vec![Problem::new("Idempotency-Key", "must be 1–255 characters")],
            });
        }
        self.call(
            Method::POST,
            SUBMIT_PATH.to_string(),
            Some((body, idempotency_key)),
            Priority::Submit,
        )
        .await
    }

    /// Fetches a task.
    pub async fn get_task(&self, id: &str) -> Result<Task, ApiError> {
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(ApiError::Invalid {
                problems: vec![Problem::new(
                    "task id",
                    format!("{id:?} is not a task id (letters, digits, _ and - only)"),
                )],
            });
        }
        self.call(
            Method::GET,
            format!("/api/v1/tasks/{id}"),
            None,
            Priority::Poll,
        )
        .await
    }

    /// Checks the key without spending credits: asks for a task that cannot exist. A 404
    /// means the key is good; 401 means it is not.
    pub async fn check_key(&self) -> Result<bool, ApiError> {
        match self.get_task("sd2_key_check_0000000000").await {
            Err(ApiError::NotFound { .. }) | Ok(_) => Ok(true),
            Err(ApiError::Unauthorized { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: String,
        body: Option<(&[u8], &str)>,
        priority: Priority,
    ) -> Result<Task, ApiError> {
        let mut attempt = 1;
        loop {
            let error = match self.attempt(&method, &path, body, priority).await {
                Ok((status, bytes)) => match parse_task(status.as_u16(), &bytes) {
                    Ok(task) => return Ok(task),
                    Err(e) => e,
                },
                Err(e) => e,
            };
            tracing::info!(%method, path, attempt, "request did not succeed: {error}");
            if let ApiError::RateLimited { retry_after, .. } = &error {
                self.budget
                    .rate_limited(retry_after.unwrap_or_else(|| self.retry.backoff(attempt)));
            }
            match self.retry.decide(&error, attempt) {
                Decision::Stop => return Err(error),
                Decision::RetryAfter(wait) => {
                    // The budget already holds back every request after a 429.
                    if !matches!(error, ApiError::RateLimited { .. }) {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
            attempt += 1;
        }
    }

    /// One request, following same-site redirects by hand. Errors are transport errors,
    /// redirects that leave the site, and non-success answers with their Retry-After.
    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        body: Option<(&[u8], &str)>,
        priority: Priority,
    ) -> Result<(StatusCode, Vec<u8>), ApiError> {
        let mut url = self
            .base
            .lock()
            .unwrap()
            .join(path)
            .map_err(|e| ApiError::Setup {
                message: format!("bad request path {path}: {e}"),
            })?;
        for _ in 0..=MAX_REDIRECTS {
            self.budget.acquire(priority).await;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", self.key.expose()),
                )
                .header(header::ACCEPT, "application/json");
            if let Some((bytes, key)) = body {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("Idempotency-Key", key)
                    .body(bytes.to_vec());
            }
            let res = req.send().await.map_err(transport)?;
            let status = res.status();
            if status.is_redirection() {
                let location = res
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| url.join(l).ok());
                let Some(target) = location else {
                    return Err(ApiError::Redirected {
                        location: "(no Location header)".into(),
                    });
                };
                let keeps_method = matches!(
                    status,
                    StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
                );
                if !keeps_method || !same_site(&url, &target) {
                    return Err(ApiError::Redirected {
                        location: target.to_string(),
                    });
                }
                // Use the host that answers from now on.
                let mut origin = target.clone();
                origin.set_path("");
                origin.set_query(None);
                *self.base.lock().unwrap() = origin;
                url = target;
                continue;
            }
            let retry_after = parse_retry_after(
                res.headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok()),
            );
            let bytes = read_capped(res, status).await?;
            if !status.is_success() {
                return Err(ApiError::from_response(
                    status.as_u16(),
                    retry_after,
                    &bytes,
                ));
            }
            return Ok((status, bytes));
        }
        Err(ApiError::Redirected {
            location: format!("{url} (too many redirects)"),
        })
    }
}

fn transport(e: reqwest::Error) -> ApiError {
    // reqwest's messages can carry the URL but never headers, so the key cannot leak here.
    let timed_out = e.is_timeout();
    let mut message = if timed_out {
        "the request timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    ApiError::Transport { message, timed_out }
}

/// The most of an answer read from the service: a task or an error is a few hundred bytes,
/// so anything bigger is not an answer (and is not held in memory).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Reads `res`'s body, at most [`MAX_BODY_BYTES`]; a longer one is a malformed answer.
async fn read_capped(
    mut res: reqwest::Response,
    status: reqwest::StatusCode,
) -> Result<Vec<u8>, ApiError> {
    let too_long = || ApiError::MalformedBody {
        status: status.as_u16(),
        detail: format!("the answer is longer than {} KiB", MAX_BODY_BYTES / 1024),
    };
    if res
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(too_long());
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads the task in a success answer's body; anything else is a malformed body (which
/// the client retries: the request may have been handled).
pub fn parse_task(status: u16, body: &[u8]) -> Result<Task, ApiError> {
    let malformed = |e: serde_json::Error| ApiError::MalformedBody {
        status,
        detail: format!("{e}; the body starts {}", preview(body)),
    };
    let answer: serde_json::Value = serde_json::from_slice(body).map_err(malformed)?;
    let mut task: Task = serde::Deserialize::deserialize(&answer).map_err(malformed)?;
    task.answer = Some(answer);
    Ok(task)
}

/// Whether a redirect stays on the same site: https to https on the same host or its
/// `www.` twin; or, for a sandbox, loopback to loopback on the same scheme.
pub fn same_site(from: &Url, to: &Url) -> bool {
    let (Some(a), Some(b)) = (from.host_str(), to.host_str()) else {
        return false;
    };
    // Another port is another server, even on the same host.
    if from.port_or_known_default() != to.port_or_known_default() {
        return false;
    }
    let loopback = |u: &Url| u.host().is_some_and(|h| is_loopback(&h));
    if loopback(from) && loopback(to) {
        return from.scheme() == to.scheme();
    }
    if from.scheme() != "https" || to.scheme() != "https" {
        return false;
    }
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a == b || a.strip_prefix("www.") == Some(&b) || b.strip_prefix("www.") == Some(&a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted_and_checked() {
        let key = ApiKey::new(" sk_live_secret ").unwrap();
        assert_eq!(key.expose(), "sk_live_secret");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert!(ApiKey::new("").is_err() && ApiKey::new("sk live").is_err());
    }

    #[test]
    fn same_site_redirects() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_site(
            &u("https://seedance2ai.io/a"),
            &u("https://www.seedance2ai.io/a")
        ));
        assert!(same_site(
            &u("https://www.seedance2ai.io/a"),
            &u("https://seedance2ai.io/b")
        ));
        assert!(!same_site(
            &u("https://seedance2ai.io/a"),
            &u("http://www.seedance2ai.io/a")
        ));
        assert!(!same_site(
            &u("https://seedance2ai.io/a"),
            &u("https://evil.test/a")
        ));
        assert!(!same_site(
            &u("https://seedance2ai.io/a"),
            &u("https://seedance2ai.io.evil.test/a")
        ));
        assert!(same_site(
            &u("http://127.0.0.1:9/a"),
            &u("http://localhost:9/a")
        ));
        assert!(!same_site(
            &u("http://127.0.0.1:9/a"),
            &u("http://10.0.0.1:9/a")
        ));
        // The same host on another port is not where the key was saved for.
        assert!(!same_site(
            &u("https://seedance2ai.io/a"),
            &u("https://www.seedance2ai.io:8443/a")
        ));
        assert!(!same_site(
            &u("http://127.0.0.1:9/a"),
            &u("http://localhost:10/a")
        ));
        assert!(same_site(
            &u("https://seedance2ai.io/a"),
            &u("https://www.seedance2ai.io:443/a")
        ));
    }

    #[test]
    fn the_base_must_be_https_unless_it_is_this_machine() {
        let budget: Arc<dyn RequestBudget> =
            Arc::new(crate::LocalBudget::new(crate::Rate::ACCOUNT));
        let key = ApiKey::new("sk").unwrap();
        let make = |url: &str| Client::new(ClientConfig::new(url, key.clone(), budget.clone()));
        assert!(make("https://seedance2ai.io").is_ok());
        assert!(make("http://127.0.0.1:8080").unwrap().base_is_loopback());
        assert!(matches!(
            make("http://seedance2ai.io"),
            Err(ApiError::Setup { .. })
        ));
        assert!(matches!(make("not a url"), Err(ApiError::Setup { .. })));
    }
}
