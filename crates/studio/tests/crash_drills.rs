//! Crash drills: the engine is killed with SIGKILL at each named crash point, restarted,
//! and the sandbox's ledger must show exactly one charge per intent, no task lost, and
//! every job ready.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seedance_sandbox::{Config, Fault, RenderTime, Route, Sandbox};

const KEY: &str = "sk_test_drill";
const DRILL: &str = env!("CARGO_BIN_EXE_studio-drill");

fn drill(
    dir: &std::path::Path,
    sb: &Sandbox,
    jobs: usize,
    crash_at: Option<&str>,
) -> std::process::Child {
    let mut cmd = Command::new(DRILL);
    cmd.args([
        dir.to_str().unwrap(),
        &sb.base_url(),
        KEY,
        &jobs.to_string(),
    ])
    .env("SEEDANCE_RATE", "30/3")
    .env("SEEDANCE_LEASE_MS", "120000")
    .env_remove("SEEDANCE_CRASH_AT")
    .stdout(Stdio::piped());
    if let Some(point) = crash_at {
        cmd.env("SEEDANCE_CRASH_AT", point);
    }
    cmd.spawn().unwrap()
}

/// Reads the child's stdout until a line equals `wanted`, in a thread so a hang fails the
/// test instead of blocking it.
fn wait_for_line(child: &mut std::process::Child, wanted: &str, limit: Duration) {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let wanted = wanted.to_string();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line == wanted {
                let _ = tx.send(());
                return;
            }
        }
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("never printed {:?}", "the expected line"));
}

/// The service the drills run against: quick renders, the budget scaled down.
async fn drill_sandbox() -> Sandbox {
    Sandbox::start(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(200, 400),
        rate_limit: 30,
        rate_window: Duration::from_secs(3),
        ..Config::default()
    })
    .await
    .unwrap()
}

async fn run_drill(point: &str, jobs: usize) {
    let sb = drill_sandbox().await;
    if point == "mid-post" {
        // Keep the POST in flight long enough for the process to die during it.
        sb.faults()
            .push(Route::Submit, [Fault::Slow(Duration::from_millis(1500))]);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut crashing = drill(dir.path(), &sb, jobs, Some(point));
    let started = Instant::now();
    tokio::task::block_in_place(|| {
        wait_for_line(
            &mut crashing,
            &format!("CRASH_POINT {point}"),
            Duration::from_secs(60),
        )
    });
    crashing.kill().unwrap(); // SIGKILL
    crashing.wait().unwrap();

    let mut resumed = drill(dir.path(), &sb, 0, None);
    tokio::task::block_in_place(|| {
        wait_for_line(&mut resumed, "ALL_FINAL", Duration::from_secs(90))
    });
    assert!(resumed.wait().unwrap().success());

    let store = studio::Store::open(dir.path()).await.unwrap();
    let jobs_after: Vec<(String, String)> =
        sqlx::query_as("SELECT state, idempotency_key FROM jobs")
            .fetch_all(store.pool())
            .await
            .unwrap();
    // The drill may die before it has queued every job (the worker runs meanwhile); every
    // job that was queued must be there. Dying right after the first intent leaves one.
    let expected_jobs = jobs_after.len();
    if point == "after-intent" {
        assert_eq!(expected_jobs, 1, "{point}: jobs {jobs_after:?}");
    } else {
        assert!(
            (1..=jobs).contains(&expected_jobs),
            "{point}: jobs {jobs_after:?}"
        );
    }
    let ledger = sb.ledger();
    for (state, key) in &jobs_after {
        assert_eq!(state, "ready", "{point}: {jobs_after:?}");
        assert_eq!(ledger.charges_for(key), 1, "{point}: charges for {key}");
    }
    assert_eq!(
        ledger.charges.values().sum::<u32>() as usize,
        expected_jobs,
        "{point}: no charge without a job"
    );
    eprintln!("drill {point}: {:?}", started.elapsed());
}

/// A process killed in the middle of a POST, with a lease of two minutes: the next engine on
/// the folder takes the job over within 5 s of its start (the dead holder's lock is free),
/// and it is charged once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_holder_is_taken_over_within_five_seconds_whatever_the_lease() {
    let sb = drill_sandbox().await;
    sb.faults()
        .push(Route::Submit, [Fault::Slow(Duration::from_millis(1500))]);
    let dir = tempfile::tempdir().unwrap();
    let mut crashing = drill(dir.path(), &sb, 1, Some("mid-post"));
    tokio::task::block_in_place(|| {
        wait_for_line(
            &mut crashing,
            "CRASH_POINT mid-post",
            Duration::from_secs(60),
        )
    });
    crashing.kill().unwrap(); // SIGKILL, its lease two minutes from running out
    crashing.wait().unwrap();

    let mut config = studio::EngineConfig::new(
        dir.path().to_path_buf(),
        sb.base_url(),
        seedance_api::ApiKey::new(KEY).unwrap(),
    );
    config.rate = seedance_api::Rate {
        requests: 30,
        window: Duration::from_secs(3),
    };
    config.lease = Duration::from_secs(120);
    config.retry.base_delay = Duration::from_millis(50);
    let started = Instant::now();
    let engine = studio::Engine::start(config).await.unwrap();
    let job = loop {
        let jobs = engine.unfinished().await.unwrap();
        let job = jobs.into_iter().next().expect("the killed process's job");
        if job.task_id.is_some() {
            break job;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "not taken over within 5 s: {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(sb.ledger().charges_for(&job.idempotency_key), 1);
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_the_intent_commit() {
    run_drill("after-intent", 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_post() {
    run_drill("mid-post", 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_the_202_before_it_is_stored() {
    run_drill("after-202", 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_poll() {
    run_drill("mid-poll", 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_download() {
    run_drill("mid-download", 2).await;
}

#[test]
fn every_crash_point_has_a_drill() {
    let source = include_str!("crash_drills.rs");
    for point in studio::crash::POINTS {
        assert!(
            source.contains(&format!("run_drill(\"{point}\"")),
            "no drill for {point}"
        );
    }
}
