//! A small driver of the engine for the crash drills (built only with the `crash-points`
//! feature): `studio-drill DATA_DIR BASE_URL KEY JOBS` submits JOBS renders (0 to only
//! resume), waits until no job is active, and prints `ALL_FINAL` and each job's state.
//! With `SEEDANCE_CRASH_AT=<point>` it stops at that point for the test to SIGKILL it.

use std::path::PathBuf;
use std::time::Duration;

use seedance_api::{ApiKey, GenerationRequest};
use studio::{Engine, EngineConfig};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data_dir, base_url, key, jobs] = args.as_slice() else {
        eprintln!("usage: studio-drill DATA_DIR BASE_URL KEY JOBS");
        std::process::exit(2);
    };
    let mut config = EngineConfig::new(
        data_dir.into(),
        base_url,
        ApiKey::new(key.as_str()).unwrap(),
    );
    // This drill's entry: the environment is read here, once.
    let env = studio::Environment::from_vars(PathBuf::new(), |name| std::env::var(name).ok());
    config.rate = env.rate.unwrap();
    config.guess_poll_gap = Duration::from_millis(300);
    config.min_poll_interval = Duration::from_millis(100);
    // Short leases, unless the drill asks for another (`SEEDANCE_LEASE_MS`).
    config.lease = if std::env::var_os(studio::environment::LEASE_ENV).is_some() {
        env.lease
    } else {
        Duration::from_secs(2)
    };
    config.retry.base_delay = Duration::from_millis(50);
    config.retry.max_delay = Duration::from_millis(400);
    let engine = Engine::start(config).await.unwrap();
    for i in 0..jobs.parse::<usize>().unwrap() {
        let req =
            GenerationRequest::text(format!("Drill render number {i}: a paper boat on a river"));
        engine.submit(&req).await.unwrap();
    }
    loop {
        let unfinished = engine.unfinished().await.unwrap();
        if unfinished.iter().all(|j| !j.state().is_active()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("ALL_FINAL");
    engine.stop().await;
}
