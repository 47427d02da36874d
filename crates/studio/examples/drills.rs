//! The hostile drills, as one table for RELIABILITY.md: each drill points the engine at a
//! sandbox that misbehaves on purpose (or kills the process doing the work) and reports what
//! happened: whether anything was lost, whether the key reached a place it must not, and how
//! long it took to recover (to a person being asked, or to the job going on).
//!
//! ```sh
//! cargo run -p studio --example drills
//! ```
//!
//! CI runs the same drills as tests (`crates/studio/tests/hostile_outputs.rs`, the engine's
//! redirect test, and the takeover drill in `crash_drills.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use seedance_api::{ApiKey, Rate};
use seedance_sandbox::{Fault, HostileOutputs, Route, Sandbox};
use studio::library::bytes_under;
use studio::{Engine, EngineConfig, JobState};

#[path = "../tests/support/hostile.rs"]
mod hostile;
use hostile::{KEY, config, request, sandbox, until};

struct Row {
    drill: &'static str,
    tried: String,
    happened: String,
    lost: bool,
    key_leaked: bool,
    recovered: Duration,
}

fn key_sent_to_outputs(sb: &Sandbox) -> bool {
    sb.ledger().requests_to("/outputs/").any(|r| r.authorized)
}

/// One download drill: a job rendered by `sb`, followed until a person is asked.
async fn download_drill(
    drill: &'static str,
    tried: String,
    sb: Sandbox,
    adjust: impl FnOnce(&mut EngineConfig),
) -> Row {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), &sb);
    adjust(&mut c);
    let engine = Engine::start(c).await.unwrap();
    let job = engine.submit(&request()).await.unwrap();
    let started = Instant::now();
    let done = until(&engine, &job.id, Duration::from_secs(120), |j| {
        j.state() == JobState::NeedsAttention || !j.state().is_active()
    })
    .await;
    let recovered = started.elapsed();
    let written = bytes_under(&dir.path().join("renders"));
    let charges = sb.ledger().charges.values().sum::<u32>();
    let happened = format!(
        "{} after {} failed attempts; {} KB on disk; charged {charges}×; said: {}",
        done.state(),
        done.download_failures,
        written.div_ceil(1024),
        done.error_message.clone().unwrap_or_default()
    );
    engine.stop().await;
    Row {
        drill,
        tried,
        lost: done.state() == JobState::Failed || charges != 1,
        key_leaked: key_sent_to_outputs(&sb),
        happened,
        recovered,
    }
}

async fn redirect_drill() -> Row {
    let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = target.local_addr().unwrap().port();
    let reached = Arc::new(AtomicUsize::new(0));
    let seen = reached.clone();
    tokio::spawn(async move {
        while let Ok((_s, _)) = target.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let to = format!("http://127.0.0.1:{port}/router/admin");
    let sb = sandbox(|c| c.outputs_redirect_to = Some(to.clone())).await;
    let mut row = download_drill(
        "output redirects elsewhere",
        format!("every output answers 302 to {to}"),
        sb,
        |_| {},
    )
    .await;
    row.happened = format!(
        "redirect refused at its first hop; the other port reached {} times; {}",
        reached.load(Ordering::SeqCst),
        row.happened
    );
    row
}

/// The child half of the takeover drill: an engine that submits one job and waits to be
/// killed.
async fn child(dir: &str, base: &str) {
    let mut c = EngineConfig::new(dir.into(), base, ApiKey::new(KEY).unwrap());
    c.rate = Rate {
        requests: 30,
        window: Duration::from_secs(3),
    };
    c.lease = Duration::from_secs(120);
    let engine = Engine::start(c).await.unwrap();
    engine.submit(&request()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(600)).await;
}

async fn takeover_drill() -> Row {
    let sb = sandbox(|_| {}).await;
    // The POST is held long enough for its process to die during it.
    sb.faults()
        .push(Route::Submit, [Fault::Slow(Duration::from_secs(3))]);
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["child", dir.path().to_str().unwrap(), &sb.base_url()])
        .spawn()
        .unwrap();
    // Killed once its job is being sent.
    let store_dir = dir.path().to_path_buf();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sending = match studio::Store::open(&store_dir).await {
            Ok(store) => {
                sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM jobs WHERE state = 'submitting'")
                    .fetch_one(store.pool())
                    .await
                    .map(|(n,)| n > 0)
                    .unwrap_or(false)
            }
            Err(_) => false,
        };
        if sending || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let mut c = config(dir.path(), &sb);
    c.lease = Duration::from_secs(120);
    let started = Instant::now();
    let engine = Engine::start(c).await.unwrap();
    let id = engine.unfinished().await.unwrap()[0].id.clone();
    let taken = until(&engine, &id, Duration::from_secs(60), |j| {
        j.task_id.is_some()
    })
    .await;
    let recovered = started.elapsed();
    let ready = until(&engine, &id, Duration::from_secs(60), |j| {
        !j.state().is_active()
    })
    .await;
    let charges = sb.ledger().charges_for(&taken.idempotency_key);
    engine.stop().await;
    Row {
        drill: "process killed mid-POST",
        tried: "SIGKILL during the POST, its lease 120 s from running out; a new engine starts"
            .into(),
        happened: format!(
            "taken over and accepted; then {}; charged {charges}×",
            ready.state()
        ),
        lost: ready.state() != JobState::Ready || charges != 1,
        key_leaked: key_sent_to_outputs(&sb),
        recovered,
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, dir, base] = args.as_slice()
        && mode == "child"
    {
        child(dir, base).await;
        return;
    }
    let mut rows = vec![redirect_drill().await];
    rows.push(
        download_drill(
            "endless web page",
            "a chunked body that starts with <!DOCTYPE html> and never ends".into(),
            sandbox(|c| c.hostile_outputs = Some(HostileOutputs::EndlessHtml)).await,
            |_| {},
        )
        .await,
    );
    rows.push(
        download_drill(
            "endless video",
            "a chunked body that starts like an MP4 and never ends (cap 64 MiB)".into(),
            sandbox(|c| c.hostile_outputs = Some(HostileOutputs::EndlessMp4)).await,
            |c| c.download.caps.video = 64 * 1024 * 1024,
        )
        .await,
    );
    rows.push(
        download_drill(
            "file host always 500",
            "every output request answers 500".into(),
            sandbox(|c| c.hostile_outputs = Some(HostileOutputs::Always500)).await,
            |_| {},
        )
        .await,
    );
    rows.push(
        download_drill(
            "crawling file host",
            "a 150 KB video served at 20 KB/s, one attempt may take 2 s".into(),
            sandbox(|c| {
                c.hostile_outputs = Some(HostileOutputs::Throttle(20_000));
                c.video_bytes = Some(150_000);
            })
            .await,
            |c| c.download.attempt = Duration::from_secs(2),
        )
        .await,
    );
    rows.push(takeover_drill().await);
    println!(
        "| drill | what was tried | what happened | nothing lost | key kept from file hosts | time to recover |"
    );
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.1} s |",
            r.drill,
            r.tried,
            r.happened.replace('|', "/"),
            if r.lost { "**no**" } else { "yes" },
            if r.key_leaked { "**no**" } else { "yes" },
            r.recovered.as_secs_f64()
        );
    }
}
