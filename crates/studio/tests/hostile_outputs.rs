//! Downloads from a file host that misbehaves on purpose (the sandbox's hostile modes, over
//! real HTTP): an endless web page, an endless "video", a host that always fails, a host
//! that crawls. Each attempt is bounded; after a few failed attempts in a row a person is
//! asked, and trying again is never a new charge. Nothing fills the disk, and a `.part`
//! another process is writing is never written by a second.

use std::time::{Duration, Instant};

use seedance_sandbox::{Config, HostileOutputs, RenderTime, Sandbox};
use studio::library::bytes_under;
use studio::{Engine, EngineConfig, Job, JobState};

mod support {
    pub mod hostile;
}
use support::hostile::{KEY, request, until};

/// The sandbox in one hostile mode.
async fn sandbox(hostile: HostileOutputs) -> Sandbox {
    support::hostile::sandbox(|c| c.hostile_outputs = Some(hostile)).await
}

/// The drills' engine, asking a person after 3 failed downloads in a row.
fn config(dir: &std::path::Path, sb: &Sandbox) -> EngineConfig {
    let mut c = support::hostile::config(dir, sb);
    c.max_download_failures = 3;
    c
}

/// Waits until the job needs a person, and returns it.
async fn wait_for_a_person(engine: &Engine, id: &str, within: Duration) -> Job {
    let job = until(engine, id, within, |j| {
        j.state() == JobState::NeedsAttention
    })
    .await;
    assert_eq!(job.state(), JobState::NeedsAttention, "{job:?}");
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_web_page_is_abandoned_at_its_first_bytes() {
    let sb = sandbox(HostileOutputs::EndlessHtml).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request()).await.unwrap();
    let asked = wait_for_a_person(&engine, &job.id, Duration::from_secs(20)).await;
    let reason = asked.attention_reason.unwrap();
    assert!(reason.contains("3 attempts in a row"), "{reason}");
    assert!(reason.contains("is not a mp4"), "{reason}");
    assert!(
        reason.contains(&format!("seedance resume {}", job.id)),
        "{reason}"
    );
    assert!(
        bytes_under(&dir.path().join("renders")) < 1024 * 1024,
        "the disk was filled"
    );
    assert_eq!(sb.ledger().charges.values().sum::<u32>(), 1);
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_video_stops_at_the_cap_and_leaves_nothing_behind() {
    let sb = sandbox(HostileOutputs::EndlessMp4).await;
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), &sb);
    c.download.caps.video = 2 * 1024 * 1024;
    let engine = Engine::start(c).await.unwrap();
    let job = engine.submit(&request()).await.unwrap();
    let asked = wait_for_a_person(&engine, &job.id, Duration::from_secs(30)).await;
    let reason = asked.attention_reason.unwrap();
    assert!(reason.contains("larger than the 2097152 bytes"), "{reason}");
    assert!(reason.contains("SEEDANCE_MAX_VIDEO_BYTES"), "{reason}");
    assert!(
        bytes_under(&dir.path().join("renders")) < 64 * 1024,
        "a .part was kept"
    );
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_always_fails_asks_a_person_and_trying_again_is_not_a_new_charge() {
    let sb = sandbox(HostileOutputs::Always500).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request()).await.unwrap();
    let asked = wait_for_a_person(&engine, &job.id, Duration::from_secs(20)).await;
    assert!(asked.attention_reason.unwrap().contains("HTTP 500"));
    assert!(matches!(
        asked.attention.map(|a| a.0),
        Some(studio::attention::Attention::DownloadsFailing { attempts: 3, error }) if error.contains("HTTP 500")
    ));
    assert_eq!(asked.download_failures, 3);
    // Trying again: polled, downloaded again (and refused again), never sent again.
    let again = engine.resend(&job.id).await.unwrap();
    assert_eq!(again.download_failures, 0);
    assert!(again.attention.is_none() && again.attention_reason.is_none());
    let asked = wait_for_a_person(&engine, &job.id, Duration::from_secs(20)).await;
    assert_eq!(asked.download_failures, 3);
    let ledger = sb.ledger();
    assert_eq!(ledger.charges.values().sum::<u32>(), 1);
    assert_eq!(
        ledger
            .requests
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawling_host_is_stopped_by_the_time_limit_and_resumed_where_it_stopped() {
    let sb = sandbox(HostileOutputs::Throttle(20_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), &sb);
    c.download.attempt = Duration::from_millis(700);
    let engine = Engine::start(c).await.unwrap();
    let job = engine.submit(&request()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let part = dir.path().join("renders").join(&job.id).join("video.part");
    let said = loop {
        let j = engine.job(&job.id).await.unwrap().unwrap();
        if let Some(m) = j.error_message.filter(|m| m.contains("took longer")) {
            break m;
        }
        assert!(Instant::now() < deadline, "{:?}", j.state);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(said.contains("resumes"), "{said}");
    // What the first attempt got is kept for the next one.
    assert!(part.exists() && std::fs::metadata(&part).unwrap().len() > 0);
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_file_another_process_is_writing_is_left_to_it() {
    let sb = Sandbox::start(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(100, 200),
        ..Config::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let url = loop {
        let j = engine.job(&job.id).await.unwrap().unwrap();
        if j.state() == JobState::Ready {
            break j.video_url.unwrap();
        }
        assert!(Instant::now() < deadline, "{j:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    engine.stop().await;
    // Another process holds the lock on the same `.part` and has written into it.
    let other = tempfile::tempdir().unwrap();
    let part = other.path().join("video.part");
    std::fs::write(&part, b"written by the other process").unwrap();
    let held = std::fs::OpenOptions::new().write(true).open(&part).unwrap();
    held.lock().unwrap();
    let policy = studio::outbound::Outbound::new(&sb.base_url(), None);
    let err = studio::download::fetch(
        &policy.client(),
        &url,
        other.path(),
        "video",
        &[studio::download::Kind::Mp4],
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("another process"), "{err}");
    assert_eq!(
        std::fs::read(&part).unwrap(),
        b"written by the other process"
    );
    drop(held);
}
