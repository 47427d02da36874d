//! What the hostile drills share: a sandbox (adjusted per drill), an engine configuration
//! scaled down for it, and waiting on a job. Used by `tests/hostile_outputs.rs` (CI) and
//! `examples/drills.rs` (the table in RELIABILITY.md).

use std::path::Path;
use std::time::{Duration, Instant};

use seedance_api::{ApiKey, GenerationRequest, Rate};
use seedance_sandbox::{Config, RenderTime, Sandbox};
use studio::{Engine, EngineConfig, Job};

pub const KEY: &str = "sk_drill_hostile";

/// A sandbox with quick renders and the budget scaled down, then `adjust`ed.
pub async fn sandbox(adjust: impl FnOnce(&mut Config)) -> Sandbox {
    let mut c = Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(200, 400),
        rate_limit: 30,
        rate_window: Duration::from_secs(3),
        ..Config::default()
    };
    adjust(&mut c);
    Sandbox::start(c).await.unwrap()
}

/// An engine on `dir` against `sb`, polling and retrying at the sandbox's pace.
pub fn config(dir: &Path, sb: &Sandbox) -> EngineConfig {
    let mut c = EngineConfig::new(dir.to_path_buf(), sb.base_url(), ApiKey::new(KEY).unwrap());
    c.rate = Rate {
        requests: 30,
        window: Duration::from_secs(3),
    };
    c.guess_poll_gap = Duration::from_millis(300);
    c.min_poll_interval = Duration::from_millis(50);
    c.follow_every = Duration::from_millis(100);
    c.retry.base_delay = Duration::from_millis(50);
    c.retry.max_delay = Duration::from_millis(400);
    c
}

/// The job once `ok` holds for it, or as it is after `limit`.
pub async fn until(engine: &Engine, id: &str, limit: Duration, ok: impl Fn(&Job) -> bool) -> Job {
    let deadline = Instant::now() + limit;
    loop {
        let job = engine.job(id).await.unwrap().unwrap();
        if ok(&job) || Instant::now() > deadline {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn request() -> GenerationRequest {
    GenerationRequest::text("A paper lantern drifting down a night river, slow dolly")
}
