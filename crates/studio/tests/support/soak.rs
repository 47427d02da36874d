//! The soak: many renders against the sandbox with every fault it can inject (503, 500,
//! dropped connections, lost answers, malformed bodies, cut downloads, failed renders), at a
//! budget scaled by `scale` (1 = the account's 30 requests per 60 s). Used by the soak test
//! (scaled down) and `examples/soak.rs` (documented runs in RELIABILITY.md).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use seedance_api::{ApiKey, GenerationRequest, Rate};
use seedance_sandbox::{Config, RenderTime, Sandbox};
use studio::{Engine, EngineConfig, JobState};

const KEY: &str = "sk_soak";

/// What a soak found.
#[derive(Debug)]
pub struct Report {
    pub jobs: usize,
    pub ready: usize,
    pub failed_with_reason: usize,
    /// Jobs that never reached ready or failed (with a reason) in time.
    pub lost: usize,
    /// Idempotency keys charged more than once.
    pub double_charges: usize,
    pub rate_limited: u32,
    pub busiest_window: u32,
    pub requests: usize,
    pub faults_injected: usize,
    pub wall: Duration,
}

impl Report {
    pub fn markdown(&self, scale: f64) -> String {
        format!(
            "| jobs | scale | ready | failed (with reason) | lost | double charges | 429s | busiest window | requests | faults injected | wall time |\n|---|---|---|---|---|---|---|---|---|---|---|\n| {} | {scale} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |",
            self.jobs,
            self.ready,
            self.failed_with_reason,
            self.lost,
            self.double_charges,
            self.rate_limited,
            self.busiest_window,
            self.requests,
            self.faults_injected,
            self.wall.as_secs_f64()
        )
    }
}

/// Runs `jobs` renders at `scale` times the account's speed, with faults drawn from `seed`.
pub async fn soak(jobs: usize, scale: f64, seed: u64) -> Report {
    let window = Duration::from_secs_f64(60.0 / scale);
    let mut config = Config {
        keys: vec![KEY.into()],
        credits: 10_000_000,
        render_time: RenderTime::between_ms((20_000.0 / scale) as u64, (60_000.0 / scale) as u64),
        rate_limit: 30,
        rate_window: window,
        fail_rate: 0.05,
        rng_seed: Some(seed),
        ..Config::default()
    };
    for odds in [&mut config.faults.submit, &mut config.faults.poll] {
        odds.busy = 0.04;
        odds.internal = 0.04;
        odds.drop = 0.03;
        odds.lose_answer = 0.03;
        odds.malformed = 0.03;
    }
    config.faults.download.cut = (0.15, 4096);
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut engine_config = EngineConfig::new(
        dir.path().to_path_buf(),
        sandbox.base_url(),
        ApiKey::new(KEY).unwrap(),
    );
    engine_config.rate = Rate {
        requests: 30,
        window,
    };
    engine_config.guess_poll_gap = Duration::from_secs_f64(15.0 / scale);
    engine_config.min_poll_interval = Duration::from_secs_f64((2.0 / scale).max(0.05));
    engine_config.max_poll_gap = Duration::from_secs_f64(60.0 / scale);
    engine_config.retry.base_delay = Duration::from_secs_f64((1.0 / scale).max(0.02));
    engine_config.retry.max_delay = Duration::from_secs_f64((30.0 / scale).max(0.2));
    let engine = Engine::start(engine_config).await.unwrap();

    let started = Instant::now();
    let mut ids = Vec::with_capacity(jobs);
    for n in 0..jobs {
        let request = GenerationRequest::text(format!("Soak render {n}: waves on a basalt shore"));
        ids.push(engine.submit(&request).await.unwrap().id);
    }
    // Expected wall time: every job needs a submission, a few polls and retries, within
    // the budget; allow five times that, at least two minutes.
    let per_window = 29.0;
    let deadline = started
        + Duration::from_secs_f64(
            (jobs as f64 * 4.0 / per_window * window.as_secs_f64() * 5.0).max(120.0),
        );
    let mut states: HashMap<String, (JobState, bool)> = HashMap::new();
    loop {
        states.clear();
        for id in &ids {
            let job = engine.job(id).await.unwrap().unwrap();
            states.insert(id.clone(), (job.state(), job.error_message.is_some()));
        }
        let settled = states.values().all(|(s, _)| {
            matches!(
                s,
                JobState::Ready | JobState::Failed | JobState::Expired | JobState::NeedsAttention
            )
        });
        if settled || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let wall = started.elapsed();
    engine.stop().await;
    let ledger = sandbox.ledger();
    sandbox.stop().await;

    let ready = states
        .values()
        .filter(|(s, _)| *s == JobState::Ready)
        .count();
    let failed_with_reason = states
        .values()
        .filter(|(s, reason)| *s == JobState::Failed && *reason)
        .count();
    Report {
        jobs,
        ready,
        failed_with_reason,
        lost: jobs - ready - failed_with_reason,
        double_charges: ledger
            .charges
            .iter()
            .filter(|(key, n)| !key.is_empty() && **n > 1)
            .count(),
        rate_limited: ledger.rate_limited,
        busiest_window: ledger.busiest_window,
        requests: ledger.requests.len(),
        faults_injected: ledger.requests.iter().filter(|r| r.fault.is_some()).count(),
        wall,
    }
}
