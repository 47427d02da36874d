//! Polling benchmark: N concurrent renders against the sandbox with realistic render times
//! (30 s to 3 min, set by tier, resolution and duration), once with the engine's planned
//! polling and once with plain round-robin polling under the same budget.
//!
//! `cargo run --release -p studio --example poll_bench -- [--scale S] [--jobs N]`
//! Scale 1 is full scale (renders 30–180 s, budget 30/60); scale 10 runs ten times faster
//! (renders 3–18 s, budget 30/6). Prints a Markdown table for BENCHMARKS.md.

use std::time::{Duration, Instant};

use seedance_api::{ApiKey, ClipDuration, GenerationRequest, QualityTier, Rate, Resolution};
use seedance_sandbox::{Config, RenderTime, Sandbox, pricing::cost};
use studio::schedule::PollPlanning;
use studio::{Engine, EngineConfig, JobState};

const KEY: &str = "sk_bench";
/// Settings of the renders, in turn.
const PROFILES: [(QualityTier, Resolution, u8); 5] = [
    (QualityTier::Mini, Resolution::P720, 4),
    (QualityTier::Standard, Resolution::P720, 5),
    (QualityTier::Standard, Resolution::P1080, 8),
    (QualityTier::Pro, Resolution::P1080, 10),
    (QualityTier::Pro, Resolution::K4, 15),
];

struct Outcome {
    mode: &'static str,
    rate_limited: u32,
    busiest: u32,
    mean_delay: Duration,
    p95_delay: Duration,
    polls: usize,
    wall: Duration,
}

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| v.parse().expect("a number"))
}

/// The render time the sandbox's by-settings model gives, without jitter (for history).
fn model_ms(min: u64, max: u64, tier: QualityTier, res: Resolution, secs: u8) -> f64 {
    let (lo, hi) = (
        cost("mini", "720p", 4, 1000) as f64,
        cost("pro", "4k", 15, 1000) as f64,
    );
    let w = (cost(tier.as_str(), res.as_str(), u32::from(secs), 1000) as f64 - lo) / (hi - lo);
    min as f64 + (max - min) as f64 * w
}

async fn run(mode: &'static str, planning: PollPlanning, scale: f64, jobs: usize) -> Outcome {
    let window = Duration::from_secs_f64(60.0 / scale);
    let (min, max) = ((30_000.0 / scale) as u64, (180_000.0 / scale) as u64);
    let sb = Sandbox::start(Config {
        keys: vec![KEY.into()],
        credits: 1_000_000,
        render_time: RenderTime {
            by_settings: true,
            ..RenderTime::between_ms(min, max)
        },
        rate_limit: 30,
        rate_window: window,
        rng_seed: Some(7),
        ..Config::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = EngineConfig::new(
        dir.path().to_path_buf(),
        sb.base_url(),
        ApiKey::new(KEY).unwrap(),
    );
    config.rate = Rate {
        requests: 30,
        window,
    };
    config.min_poll_interval = Duration::from_secs_f64(2.0 / scale);
    config.max_poll_gap = Duration::from_secs_f64(60.0 / scale);
    config.guess_poll_gap = Duration::from_secs_f64(15.0 / scale);
    config.planning = planning;
    let engine = Engine::start(config).await.unwrap();

    // A history of earlier renders with the same settings (what the planner learns from).
    for (i, (tier, res, secs)) in PROFILES.iter().cycle().take(40).enumerate() {
        let took = (model_ms(min, max, *tier, *res, *secs) * (0.9 + fastrand::f64() * 0.2)) as i64;
        let at = 1_700_000_000_000 + i as i64 * 1000;
        sqlx::query(
            "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, quality_tier, \
             channel, aspect_ratio, resolution, duration, submitted_at, completed_at) \
             VALUES (?, ?, ?, 'ready', '{}', ?, 'history', 'text-to-video', ?, 'standard', '16:9', ?, ?, ?, ?)",
        )
        .bind(format!("history{i}"))
        .bind(at)
        .bind(at)
        .bind(format!("history-key-{i}"))
        .bind(tier.as_str())
        .bind(res.as_str())
        .bind(i64::from(*secs))
        .bind(at)
        .bind(at + took)
        .execute(engine.store().pool())
        .await
        .unwrap();
    }

    let started = Instant::now();
    let mut ids = Vec::new();
    for (i, (tier, res, secs)) in PROFILES.iter().cycle().take(jobs).enumerate() {
        let req = GenerationRequest {
            quality_tier: *tier,
            resolution: *res,
            duration: ClipDuration::new(*secs).unwrap(),
            ..GenerationRequest::text(format!("Benchmark render {i}: a lighthouse in a storm"))
        };
        ids.push(engine.submit(&req).await.unwrap().id);
    }
    let mut delays = Vec::new();
    for id in &ids {
        let job = loop {
            let job = engine.job(id).await.unwrap().unwrap();
            if !job.state().is_active() {
                break job;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(job.state(), JobState::Ready, "{job:?}");
        let done = sb.task_done_at(job.task_id.as_deref().unwrap()).unwrap() as i64;
        delays.push(Duration::from_millis(
            (job.completed_at.unwrap() - done).max(0) as u64,
        ));
    }
    let wall = started.elapsed();
    let ledger = sb.ledger();
    engine.stop().await;
    delays.sort();
    let mean = delays.iter().sum::<Duration>() / delays.len() as u32;
    let p95 = delays[(delays.len() * 95 / 100).min(delays.len() - 1)];
    Outcome {
        mode,
        rate_limited: ledger.rate_limited,
        busiest: ledger.busiest_window,
        mean_delay: mean,
        p95_delay: p95,
        polls: ledger.requests_to("/api/v1/tasks/").count(),
        wall,
    }
}

#[tokio::main]
async fn main() {
    let scale = arg("--scale", 1.0);
    let jobs = arg("--jobs", 20.0) as usize;
    eprintln!(
        "{jobs} jobs, renders {:.0}–{:.0} s, budget 30/{:.0} s",
        30.0 / scale,
        180.0 / scale,
        60.0 / scale
    );
    let planned = run("planned (history)", PollPlanning::Planned, scale, jobs).await;
    let round_robin = run("round-robin", PollPlanning::RoundRobin, scale, jobs).await;
    println!(
        "| polling | 429s | busiest window | mean notice delay | p95 notice delay | polls | wall time |"
    );
    println!("|---|---|---|---|---|---|---|");
    for o in [&planned, &round_robin] {
        println!(
            "| {} | {} | {} | {:.2} s | {:.2} s | {} | {:.0} s |",
            o.mode,
            o.rate_limited,
            o.busiest,
            o.mean_delay.as_secs_f64(),
            o.p95_delay.as_secs_f64(),
            o.polls,
            o.wall.as_secs_f64()
        );
    }
    println!(
        "\nmean notice delay, planned / round-robin: {:.2}",
        planned.mean_delay.as_secs_f64() / round_robin.mean_delay.as_secs_f64()
    );
}
