//! Project benchmark: a ten-shot project with three chains of three shots (each chained
//! from the last frame of the shot before) and one shot on its own, rendered through the
//! desk against the emulator at the account's real request budget (30 requests / 60 s),
//! render times drawn from the real range (100–270 s). The wall time, from the render
//! call to every shot ready, is compared with the critical path: the longest chain's
//! renders back to back, as the emulator timed them. Goal: at most 1.15×.
//!
//! `cargo run --release -p studio --example project_bench -- [--scale S]`
//! Scale 1 is the real thing (about a quarter of an hour); scale 10 runs ten times faster
//! (renders 10–27 s, budget 30/6 s) as a quick check. Prints a Markdown row for
//! BENCHMARKS.md.

use std::time::{Duration, Instant};

use seedance_api::{ApiKey, Rate};
use seedance_sandbox::{Config, RenderTime, Sandbox};
use studio::desk::ShotStatus;
use studio::project::records::RenderAsk;
use studio::{Desk, Environment};

const KEY: &str = "sk_bench_project";

fn storyboard() -> String {
    let mut md = String::from("# Bench\naspect: 16:9\n");
    for chain in 0..3 {
        for i in 0..3 {
            let n = chain * 3 + i + 1;
            md.push_str(&format!(
                "\n## Shot {n}: Chain {} part {}\n",
                chain + 1,
                i + 1
            ));
            if i > 0 {
                md.push_str("chain: last-frame\n");
            }
            md.push_str(&format!(
                "A glass train crosses a snowy mountain bridge at dawn, scene {n}.\n"
            ));
        }
    }
    md.push_str("\n## Shot 10: On its own\nA lighthouse on a cliff in fog, slow pan.\n");
    md
}

fn scale() -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--scale")
        .and_then(|i| args.get(i + 1))
        .map_or(1.0, |v| v.parse().expect("a number"))
}

#[tokio::main]
async fn main() {
    let scale = scale();
    let window = Duration::from_secs_f64(60.0 / scale);
    let sandbox = Sandbox::start(Config {
        keys: vec![KEY.into()],
        credits: 1_000_000,
        render_time: RenderTime::between_ms((100_000.0 / scale) as u64, (270_000.0 / scale) as u64),
        rate_limit: 30,
        rate_window: window,
        rng_seed: Some(11),
        ..Config::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let env = Environment {
        api_key: Some(ApiKey::new(KEY).unwrap()),
        base_url: Some(sandbox.base_url()),
        keychain_service: "io.seedancestudio.bench.project".into(),
        rate: Ok(Rate {
            requests: 30,
            window,
        }),
        ..Environment::in_folder(data.path())
    };
    let file = data.path().join("bench.md");
    std::fs::write(&file, storyboard()).unwrap();
    let desk = Desk::open(env, None).await.unwrap();
    desk.start().await;
    let mode = desk.mode().await.expect("Live runs");
    desk.project_import_in(mode, &file, None).await.unwrap();

    let started = Instant::now();
    let ask = RenderAsk {
        takes: 1,
        canary: false,
        max_attempts: 2,
        concurrency: None,
    };
    desk.project_render("Bench", ask, true).await.unwrap();
    let project = loop {
        desk.drive_projects_once().await.unwrap();
        let project = desk.project_show("Bench").await.unwrap();
        if project.shots.iter().all(|s| s.status == ShotStatus::Ready) {
            break project;
        }
        assert!(
            !project.shots.iter().any(|s| s.status == ShotStatus::Failed),
            "a shot failed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let wall = started.elapsed();

    // The critical path: each chain's renders back to back, as the emulator timed them.
    let mut render_ms = Vec::new();
    for shot in &project.shots {
        let job = &shot.takes[0].job_id;
        let task = desk
            .find_in(mode, job)
            .await
            .unwrap()
            .task_id
            .expect("sent");
        let (created, done) = sandbox.task_times(&task).unwrap();
        render_ms.push(done - created);
    }
    let chains: Vec<u64> = render_ms[..9].chunks(3).map(|c| c.iter().sum()).collect();
    let critical = chains.iter().copied().chain([render_ms[9]]).max().unwrap();
    let critical = Duration::from_millis(critical);
    let ledger = sandbox.ledger();
    println!(
        "| scale {scale} | 10 shots, 3 chains of 3 | {:.1} s | {:.1} s | {:.3}× | {} | {} | {} |",
        wall.as_secs_f64(),
        critical.as_secs_f64(),
        wall.as_secs_f64() / critical.as_secs_f64(),
        ledger.charges.values().sum::<u32>(),
        ledger.rate_limited,
        ledger.busiest_window,
    );
    desk.close().await;
}
