//! The engine against the sandbox over real HTTP, with the real SQLite file: the whole
//! lifecycle, faults, restarts, several processes on one folder, and the budget.

use std::time::Duration;

use seedance_api::{ApiKey, GenerationRequest, Rate};
use seedance_sandbox::{Config, Fault, RenderTime, Route, Sandbox};
use studio::{Engine, EngineConfig, EngineError, Job, JobState};

const KEY: &str = "sk_test_engine";

fn sandbox_config(render_ms: (u64, u64)) -> Config {
    Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(render_ms.0, render_ms.1),
        rate_limit: 30,
        rate_window: Duration::from_secs(3),
        ..Config::default()
    }
}

fn engine_config(dir: &std::path::Path, sb: &Sandbox) -> EngineConfig {
    let mut c = EngineConfig::new(dir.to_path_buf(), sb.base_url(), ApiKey::new(KEY).unwrap());
    c.rate = Rate {
        requests: 30,
        window: Duration::from_secs(3),
    };
    c.guess_poll_gap = Duration::from_millis(300);
    c.min_poll_interval = Duration::from_millis(50);
    c.lease = Duration::from_secs(3);
    c.follow_every = Duration::from_millis(100);
    c.retry.base_delay = Duration::from_millis(30);
    c.retry.max_delay = Duration::from_millis(300);
    c
}

fn request(n: usize) -> GenerationRequest {
    GenerationRequest::text(format!(
        "Render {n}: a glass train crossing a snowy mountain bridge"
    ))
}

async fn wait_final(engine: &Engine, id: &str) -> Job {
    for _ in 0..400 {
        let job = engine.job(id).await.unwrap().unwrap();
        if !job.state().is_active() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "job {id} never settled: {:?}",
        engine.job(id).await.unwrap()
    );
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_goes_from_queued_to_ready_with_its_files() {
    let sb = Sandbox::start(sandbox_config((200, 300))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let mut events = engine.subscribe();
    let job = engine.submit(&request(1)).await.unwrap();
    assert_eq!(job.state(), JobState::Queued);
    let done = wait_final(&engine, &job.id).await;
    assert_eq!(done.state(), JobState::Ready, "{done:?}");
    assert_eq!(done.credits_used, Some(30));
    let video = std::fs::read(done.video_path.as_ref().unwrap()).unwrap();
    assert_eq!(&video[4..8], b"ftyp");
    assert_eq!(done.video_bytes, Some(video.len() as i64));
    assert!(
        done.frame_path
            .as_ref()
            .unwrap()
            .ends_with(&format!("renders/{}/last-frame.jpg", job.id))
    );
    let mut states = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let studio::JobEvent::Changed(e) = e
            && e.job_id == job.id
            && states.last() != Some(&e.state.as_str())
        {
            states.push(e.state.as_str());
        }
    }
    assert_eq!(
        states,
        ["queued", "submitting", "processing", "downloading", "ready"]
    );
    let ledger = sb.ledger();
    assert_eq!(ledger.charges_for(&job.idempotency_key), 1);
    // Output hosts never see the API key.
    let downloads: Vec<_> = ledger.requests_to("/outputs/").collect();
    assert_eq!(downloads.len(), 2);
    assert!(downloads.iter().all(|r| !r.authorized));
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leftover_partial_downloads_of_finished_jobs_go_at_start() {
    let sb = Sandbox::start(sandbox_config((100, 200))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(8)).await.unwrap();
    assert_eq!(wait_final(&engine, &job.id).await.state(), JobState::Ready);
    engine.stop().await;
    let stray = dir.path().join("renders").join(&job.id).join("video.part");
    std::fs::write(&stray, b"left over").unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    assert!(!stray.exists());
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_requests_are_neither_stored_nor_sent() {
    let sb = Sandbox::start(sandbox_config((100, 200))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let err = engine
        .submit(&GenerationRequest::text("no"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("prompt"), "{err}");
    assert!(engine.unfinished().await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(sb.ledger().requests.is_empty());
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_and_dropped_answers_charge_once() {
    let sb = Sandbox::start(sandbox_config((100, 200))).await.unwrap();
    sb.faults().push(
        Route::Submit,
        [
            Fault::Drop,
            Fault::LoseAnswer,
            Fault::Busy,
            Fault::Malformed,
        ],
    );
    sb.faults()
        .push(Route::Poll, [Fault::Internal, Fault::Drop]);
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(2)).await.unwrap();
    let done = wait_final(&engine, &job.id).await;
    assert_eq!(done.state(), JobState::Ready, "{done:?}");
    assert_eq!(sb.ledger().charges_for(&job.idempotency_key), 1);
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_jobs_in_flight_never_see_a_429() {
    let sb = Sandbox::start(sandbox_config((500, 2500))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..20 {
        ids.push(engine.submit(&request(n)).await.unwrap().id);
    }
    for id in &ids {
        assert_eq!(wait_final(&engine, id).await.state(), JobState::Ready);
    }
    let ledger = sb.ledger();
    assert_eq!(ledger.rate_limited, 0);
    assert!(
        ledger.busiest_window <= 30,
        "busiest window {}",
        ledger.busiest_window
    );
    assert_eq!(ledger.charges.len(), 20);
    assert!(ledger.charges.values().all(|n| *n == 1));
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_folder_share_jobs_budget_and_events() {
    let sb = Sandbox::start(sandbox_config((200, 800))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let b = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let mut seen_by_a = a.subscribe();
    let mut ids = Vec::new();
    for n in 0..6 {
        let engine = if n % 2 == 0 { &a } else { &b };
        ids.push(engine.submit(&request(n)).await.unwrap());
    }
    for job in &ids {
        assert_eq!(wait_final(&a, &job.id).await.state(), JobState::Ready);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ledger = sb.ledger();
    for job in &ids {
        assert_eq!(ledger.charges_for(&job.idempotency_key), 1);
    }
    assert_eq!(ledger.rate_limited, 0);
    // Each job was downloaded once: one video request per job.
    assert_eq!(
        ledger
            .requests_to("/outputs/")
            .filter(|r| r.path.ends_with("video.mp4"))
            .count(),
        6
    );
    // A heard about every job becoming ready, B's included, through the shared event log.
    let mut ready_seen = std::collections::HashSet::new();
    while let Ok(e) = seen_by_a.try_recv() {
        if let studio::JobEvent::Changed(e) = e
            && e.state == JobState::Ready
        {
            ready_seen.insert(e.job_id);
        }
    }
    for job in &ids {
        assert!(
            ready_seen.contains(&job.id),
            "A never heard that {} is ready",
            job.id
        );
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_picks_up_where_the_last_run_stopped() {
    let sb = Sandbox::start(sandbox_config((300, 400))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(3)).await.unwrap();
    engine.stop().await;
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    assert_eq!(wait_final(&engine, &job.id).await.state(), JobState::Ready);
    assert_eq!(sb.ledger().charges_for(&job.idempotency_key), 1);
    engine.stop().await;
}

/// An engine whose one job's sends were all dropped, parked a day later as needing a
/// person with its outcome unknown.
async fn parked_with_unknown_outcome() -> (Sandbox, tempfile::TempDir, Engine, Job) {
    let sb = Sandbox::start(sandbox_config((100, 200))).await.unwrap();
    sb.faults().push(Route::Submit, [Fault::Drop; 4]);
    let dir = tempfile::tempdir().unwrap();
    let mut config = engine_config(dir.path(), &sb);
    config.retry.max_attempts = 4;
    config.retry.base_delay = Duration::from_secs(1);
    config.retry.max_delay = Duration::from_secs(1);
    let engine = Engine::start(config).await.unwrap();
    let job = engine.submit(&request(4)).await.unwrap();
    park_as_unknown(&engine, &job.id).await;
    (sb, dir, engine, job)
}

/// Waits until the first round of attempts at `id` has failed, then makes it a day old:
/// the engine parks it as needing a person, its outcome unknown.
async fn park_as_unknown(engine: &Engine, id: &str) {
    for _ in 0..200 {
        let j = engine.job(id).await.unwrap().unwrap();
        if j.state() == JobState::Submitting && j.error_message.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sqlx::query("UPDATE jobs SET first_sent_at = ?, next_action_at = 0 WHERE id = ?")
        .bind(now_ms() - 25 * 3_600_000)
        .bind(id)
        .execute(engine.store().pool())
        .await
        .unwrap();
    let parked = wait_final(engine, id).await;
    assert_eq!(parked.state(), JobState::NeedsAttention);
    assert!(parked.attention_reason.unwrap().contains("still unknown"));
    // The reason is stored as its code with its values too, for the window to translate.
    assert_eq!(
        parked.attention.map(|a| a.0),
        Some(studio::attention::Attention::OutcomeUnknown { hours: 25 })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_unknown_for_a_day_waits_for_a_person() {
    let (sb, _dir, engine, job) = parked_with_unknown_outcome().await;
    let sent_before = sb.ledger().requests.len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sb.ledger().requests.len(),
        sent_before,
        "not re-sent on its own"
    );

    // Given up, then retried: a new key, so it needs its own consent to maybe pay twice.
    let given_up = engine.mark_failed(&job.id).await.unwrap();
    assert_eq!(
        given_up.error_code.as_deref(),
        Some(studio::engine::OUTCOME_UNKNOWN)
    );
    assert!(matches!(
        engine.retry(&job.id, true).await,
        Err(EngineError::MayChargeTwice(_))
    ));
    let retried = engine.retry_accepting_double_charge(&job.id).await.unwrap();
    assert_ne!(retried.idempotency_key, job.idempotency_key);
    assert_eq!(
        wait_final(&engine, &retried.id).await.state(),
        JobState::Ready
    );
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_unknown_for_a_day_is_resent_with_its_own_key() {
    let (sb, _dir, engine, job) = parked_with_unknown_outcome().await;
    let resent = engine.resend(&job.id).await.unwrap();
    assert_eq!(resent.state(), JobState::Submitting);
    assert_eq!(wait_final(&engine, &job.id).await.state(), JobState::Ready);
    let ledger = sb.ledger();
    assert_eq!(ledger.charges_for(&job.idempotency_key), 1);
    assert!(
        ledger
            .requests
            .iter()
            .filter(|r| r.method == "POST")
            .all(|r| r.idempotency_key.as_deref() == Some(job.idempotency_key.as_str()))
    );
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_renders_show_the_refund_and_retry_only_when_confirmed() {
    let sb = Sandbox::start(Config {
        fail_rate: 1.0,
        ..sandbox_config((100, 200))
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(5)).await.unwrap();
    let failed = wait_final(&engine, &job.id).await;
    assert_eq!(failed.state(), JobState::Failed);
    assert_eq!(failed.credits_refunded, Some(30));
    assert!(failed.error_message.is_some());
    assert!(matches!(
        engine.retry(&job.id, false).await,
        Err(EngineError::NeedsConfirmation)
    ));
    let again = engine.retry(&job.id, true).await.unwrap();
    assert_ne!(again.id, job.id);
    assert_ne!(again.idempotency_key, job.idempotency_key);
    assert_eq!(again.retry_of.as_deref(), Some(job.id.as_str()));
    assert_eq!(again.request_body, job.request_body);
    assert!(matches!(
        engine.resend(&job.id).await,
        Err(EngineError::WrongState { .. })
    ));
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_sends_the_phrase_keeps_the_persons_prompt_and_its_retry_keeps_both() {
    use studio::extend::{ExtendFrom, Extension};
    let sb = Sandbox::start(Config {
        fail_rate: 1.0,
        ..sandbox_config((100, 200))
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let source = engine.submit(&request(9)).await.unwrap();
    let next = GenerationRequest {
        mode: seedance_api::Mode::MediaToVideo,
        media_urls: vec!["https://a.test/clip.mp4".into()],
        ..GenerationRequest::text("The train reaches the station at dawn.")
    };
    let unknown = Extension {
        job_id: "j-nowhere".into(),
        from: ExtendFrom::Clip,
    };
    assert!(matches!(
        engine.submit_extending(&next, Some(&unknown)).await,
        Err(EngineError::NoSuchJob(_))
    ));
    let extension = Extension {
        job_id: source.id.clone(),
        from: ExtendFrom::Clip,
    };
    let job = engine
        .submit_extending(&next, Some(&extension))
        .await
        .unwrap();
    assert_eq!(job.prompt, "The train reaches the station at dawn.");
    assert_eq!(job.extends_id.as_deref(), Some(source.id.as_str()));
    assert_eq!(job.extends_from.as_deref(), Some("clip"));
    let sent: serde_json::Value = serde_json::from_str(&job.request_body).unwrap();
    assert_eq!(
        sent["prompt"],
        "Continue from the supplied previous clip. The train reaches the station at dawn."
    );
    assert_eq!(wait_final(&engine, &job.id).await.state(), JobState::Failed);
    let again = engine.retry(&job.id, true).await.unwrap();
    assert_eq!(again.prompt, job.prompt);
    assert_eq!(again.request_body, job.request_body);
    assert_eq!(
        (again.extends_id, again.extends_from),
        (job.extends_id, job.extends_from)
    );
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_submission_id_makes_one_job_and_one_charge_even_when_sent_at_once() {
    let sb = Sandbox::start(sandbox_config((100, 200))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let same = request(11);
    let sends = (0..4).map(|_| engine.submit_once(&same, None, "c-0123456789abcdef-0badf00d"));
    let jobs = futures_util::future::join_all(sends).await;
    let ids: std::collections::HashSet<String> = jobs.into_iter().map(|j| j.unwrap().id).collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let id = ids.into_iter().next().unwrap();
    let done = wait_final(&engine, &id).await;
    assert_eq!(done.state(), JobState::Ready);
    assert_eq!(sb.ledger().charges.values().sum::<u32>(), 1);
    // Later, the same id is still that job; another id is another render.
    let again = engine
        .submit_once(&request(11), None, "c-0123456789abcdef-0badf00d")
        .await
        .unwrap();
    assert_eq!(again.id, id);
    assert!(matches!(
        engine.submit_once(&request(11), None, "not valid!").await,
        Err(EngineError::Api(seedance_api::ApiError::Invalid { .. }))
    ));
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_host_redirecting_to_another_port_here_is_never_followed() {
    // Something on this machine the download must never reach.
    let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target_port = target.local_addr().unwrap().port();
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = reached.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = target.accept().await {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let sb = Sandbox::start(Config {
        outputs_redirect_to: Some(format!("http://127.0.0.1:{target_port}/router/admin")),
        ..sandbox_config((100, 200))
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(12)).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let refused = loop {
        let j = engine.job(&job.id).await.unwrap().unwrap();
        if j.state() == JobState::Downloading
            && let Some(message) = j.error_message.clone()
        {
            break message;
        }
        assert!(std::time::Instant::now() < deadline, "{j:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(refused.contains("only https"), "{refused}");
    assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 0);
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputs_that_died_leave_the_job_expired() {
    let sb = Sandbox::start(Config {
        output_ttl: Some(Duration::ZERO),
        ..sandbox_config((100, 200))
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(6)).await.unwrap();
    let done = wait_final(&engine, &job.id).await;
    assert_eq!(done.state(), JobState::Expired);
    assert!(done.error_message.unwrap().contains("stopped working"));
    engine.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_download_resumes_with_range_and_is_checked_hashed_and_previewed() {
    let sb = Sandbox::start(Config {
        video_bytes: Some(2_000_000),
        ..sandbox_config((100, 200))
    })
    .await
    .unwrap();
    sb.faults()
        .push(Route::Download, [Fault::CutAfter(500_000)]);
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(engine_config(dir.path(), &sb)).await.unwrap();
    let job = engine.submit(&request(7)).await.unwrap();
    let done = wait_final(&engine, &job.id).await;
    assert_eq!(done.state(), JobState::Ready, "{done:?}");
    assert_eq!(done.video_bytes, Some(2_000_000));
    let video = std::fs::read(done.video_path.as_ref().unwrap()).unwrap();
    assert_eq!(video.len(), 2_000_000);
    let statuses: Vec<u16> = sb
        .ledger()
        .requests_to("/outputs/")
        .filter(|r| r.path.ends_with("video.mp4"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [200, 206],
        "cut, then resumed from where it stopped"
    );
    // The recorded checksum is the file's.
    let out = std::process::Command::new("sha256sum")
        .arg(done.video_path.as_ref().unwrap())
        .output()
        .unwrap();
    let expected = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        done.video_sha256.as_deref(),
        expected.split_whitespace().next()
    );
    assert!(done.frame_sha256.is_some());
    let thumb = studio::preview::load(engine.store(), &job.id)
        .await
        .unwrap()
        .expect("a preview");
    assert!(thumb.width <= 320 && thumb.jpeg.starts_with(b"\xFF\xD8\xFF"));
    assert!(
        !std::fs::read_dir(dir.path().join("renders").join(&job.id))
            .unwrap()
            .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "part"))
    );
    engine.stop().await;
}
