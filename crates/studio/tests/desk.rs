//! The desk with the real SQLite file, the real keychain and the emulator over HTTP, one
//! scenario per test in one binary (each builds its own `Environment`; none changes the
//! process's): the composer's verbs (problems by field with nothing stored, the spend
//! guard, one submission one charge, events reaching the front end's sink, Extend), and
//! upload bookkeeping against a real S3-compatible server (SeaweedFS): a reference
//! uploaded for a render is recorded with its job in the same transaction and deleted once
//! the render has finished, by whichever desk is running then (one that keeps running, like
//! the window, or one that stops right after, like a `seedance` command); with "keep
//! uploads" set, nothing is deleted.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use seedance_sandbox::{Config, RenderTime, Sandbox};
use studio::desk::{ErrorKind, GenerationRequest, MoneyRule, RenderSource, SubmitOptions};
use studio::estimate::Basis;
use studio::extend::ExtendFrom;
use studio::{ConnectionMode, JobEvent};
use studio::{Desk, Environment};

const KEY: &str = "sk_live_drafts_test_0123456789";
use std::time::Instant;

use studio::JobState;
use studio::uploads::{Storage, StorageSettings};

mod support {
    pub mod weed;
}
use support::weed::{ACCESS_KEY, BUCKET, SECRET, start_weed};

const UPLOADS_KEY: &str = "sk_live_desk_uploads_0123456789";

fn draft(json: serde_json::Value) -> GenerationRequest {
    serde_json::from_value(json).unwrap()
}

/// The emulator for account `key`, quick renders, and a data folder whose process has
/// that key and points Live at the emulator (what SEEDANCE_API_KEY and SEEDANCE_BASE_URL
/// give the app), with its own keychain service `keychain`.
async fn live_on_emulator(key: &str, keychain: &str) -> (Sandbox, tempfile::TempDir, Environment) {
    let service = Sandbox::start(Config {
        keys: vec![key.into()],
        render_time: RenderTime::between_ms(300, 600),
        ..Config::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let env = Environment {
        api_key: Some(studio::desk::ApiKey::new(key).unwrap()),
        base_url: Some(service.base_url()),
        keychain_service: keychain.into(),
        ..Environment::in_folder(data.path())
    };
    (service, data, env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_checked_guarded_submitted_and_followed() {
    let (service, _data, env) = live_on_emulator(KEY, "io.seedancestudio.test.drafts").await;
    let events: Arc<Mutex<Vec<JobEvent>>> = Arc::default();
    let sink = events.clone();
    let studio = Desk::open(env, Some(Arc::new(move |e| sink.lock().unwrap().push(e))))
        .await
        .unwrap();
    studio.start().await;
    assert_eq!(
        studio.connection().await.map(|c| c.mode),
        Some(ConnectionMode::Live),
        "a key in the environment: Live"
    );

    // Every problem, by field; prompt advice; an estimate.
    let bad = draft(serde_json::json!({
        "prompt": "hi", "mode": "image-to-video", "resolution": "4k", "duration": "9"
    }));
    let check = studio.check(&bad, None).await.unwrap();
    let fields: Vec<&str> = check.problems.iter().map(|p| p.field.as_str()).collect();
    assert!(
        fields.contains(&"prompt")
            && fields.contains(&"image_url")
            && fields.contains(&"resolution"),
        "{fields:?}"
    );
    assert_eq!(check.estimate.basis, Basis::Rates { observed: false });
    assert_eq!(check.spend_guard, Some(300));
    let err = studio
        .submit(
            &bad,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert_eq!(err.problems.len(), check.problems.len());
    assert!(
        studio.recent(10).await.unwrap().is_empty(),
        "nothing stored"
    );

    // Above the spend guard: refused until confirmed.
    let big = draft(serde_json::json!({
        "prompt": "a slow aerial pull-back over a glacier at dawn",
        "quality_tier": "pro", "resolution": "4k", "duration": "15"
    }));
    let err = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: false,
                extends: None,
                submission_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::OverLimit);
    assert_eq!(err.over_limit.map(|o| o.rule), Some(MoneyRule::SpendGuard));
    assert!(
        err.message.contains("960") && err.message.contains("300"),
        "{}",
        err.message
    );
    assert!(service.ledger().requests.is_empty(), "nothing was sent");
    let job = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: Some("composer-1"),
            },
        )
        .await
        .unwrap();
    // The same submission again (a page reloaded mid-submit, a second click): the same
    // job, and one charge.
    let again = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: Some("composer-1"),
            },
        )
        .await
        .unwrap();
    assert_eq!(again.id, job.id);
    let refused = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: Some("../etc"),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.field.as_deref(),
        Some("submission_id"),
        "{refused:?}"
    );

    // The job runs to the end, and its events reach the sink.
    for _ in 0..200 {
        if events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.job_id() == job.id && e.job_state() == Some(studio::JobState::Ready))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.job_id() == job.id)
        .filter_map(|e| e.job_state())
        .map(|s| s.as_str().to_string())
        .collect();
    assert_eq!(seen.first().map(String::as_str), Some("queued"));
    assert_eq!(seen.last().map(String::as_str), Some("ready"), "{seen:?}");
    let recent = studio.recent(10).await.unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(
        service.ledger().charges.values().sum::<u32>(),
        1,
        "one submission, one charge"
    );
    assert_eq!(recent[0].id, job.id);
    assert_eq!(recent[0].credits_used, Some(960));
    assert!(recent[0].seed.is_some());

    // The next estimate for the same settings comes from that render.
    let again = studio.check(&big, None).await.unwrap();
    assert_eq!(again.estimate.credits, 960);
    assert!(matches!(again.estimate.basis, Basis::History { .. }));

    // Extend takes the output URL while the service serves it...
    match studio
        .render_source(&job.id, ExtendFrom::Clip)
        .await
        .unwrap()
    {
        RenderSource::Url(url) => {
            assert!(url.contains("/outputs/"), "{url}");
            extend_from(&studio, &job.id, &url).await;
        }
        RenderSource::Local(_) => panic!("the output URL still works"),
    }
    // ...and the local copy (to upload) once it is gone.
    service.stop().await;
    match studio
        .render_source(&job.id, ExtendFrom::Frame)
        .await
        .unwrap()
    {
        RenderSource::Local(bytes) => assert!(bytes.starts_with(b"\xFF\xD8\xFF")),
        RenderSource::Url(url) => panic!("{url} no longer answers"),
    }
}

/// An extension of `source` from its clip at `url`: checked and sent with the phrase the
/// service needs, listed with the person's prompt, and linked both ways in the details.
async fn extend_from(studio: &Desk, source: &str, url: &str) {
    use studio::extend::Extension;
    let next = draft(serde_json::json!({
        "prompt": "The train pulls into a station at dawn.",
        "mode": "media-to-video", "media_urls": [url],
    }));
    let plain = studio.check(&next, None).await.unwrap();
    assert!(
        plain
            .lint
            .iter()
            .any(|w| w.kind == studio::desk::LintKind::MediaRole),
        "{:?}",
        plain.lint
    );
    let extension = Extension {
        job_id: source.into(),
        from: ExtendFrom::Clip,
    };
    let checked = studio.check(&next, Some(&extension)).await.unwrap();
    assert!(
        checked.problems.is_empty() && checked.lint.is_empty(),
        "{checked:?}"
    );
    let job = studio
        .submit(
            &next,
            SubmitOptions {
                confirmed_spend: true,
                extends: Some(&extension),
                submission_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(job.prompt, "The train pulls into a station at dawn.");
    let detail = studio.detail(&job.id).await.unwrap();
    assert_eq!(detail.extends.as_ref().map(|l| l.id.as_str()), Some(source));
    assert_eq!(detail.extends_from.as_deref(), Some("clip"));
    assert!(
        detail
            .request
            .unwrap()
            .prompt
            .starts_with("Continue from the supplied previous clip."),
        "the phrase goes to the service"
    );
    let back = studio.detail(source).await.unwrap();
    assert_eq!(
        back.extended_by
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>(),
        [job.id.as_str()]
    );
}

/// A real (tiny) PNG signature with `marker`, so each file is distinct content.
fn png(marker: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(marker.as_bytes());
    bytes
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn recorded(desk: &Desk, job: &str) -> Vec<String> {
    let store = desk.history(ConnectionMode::Live).await.unwrap();
    sqlx::query_scalar("SELECT key FROM job_uploads WHERE job_id = ?")
        .bind(job)
        .fetch_all(store.pool())
        .await
        .unwrap()
}

/// Uploads `marker` through the desk and submits a render that starts from it.
async fn render_from_upload(desk: &Desk, marker: &str) -> (String, String) {
    let uploaded = desk.upload_local(png(marker), |_, _| {}).await.unwrap();
    let mut draft = GenerationRequest::text(format!("{marker}: the camera drifts forward"));
    draft.mode = studio::desk::Mode::ImageToVideo;
    draft.image_url = Some(uploaded.url.clone());
    let job = desk.submit(&draft, SubmitOptions::default()).await.unwrap();
    // In the same transaction as the job: a crash after the submit leaks nothing.
    assert_eq!(
        recorded(desk, &job.id).await,
        std::slice::from_ref(&uploaded.key)
    );
    (job.id, uploaded.key)
}

/// Sets `weed` up as the desk's upload storage, and waits until it answers.
async fn use_storage(desk: &Desk, weed: &support::weed::Weed) -> (StorageSettings, Storage) {
    let storage_settings = StorageSettings {
        endpoint: format!("http://127.0.0.1:{}", weed.s3_port),
        bucket: BUCKET.into(),
        access_key_id: ACCESS_KEY.into(),
        ..StorageSettings::default()
    };
    let mut settings = desk.settings().await.unwrap();
    settings.storage = Some(storage_settings.clone());
    desk.save_settings(settings, None).await.unwrap();
    desk.save_storage_secret(SECRET).await.unwrap();
    let storage = Storage::new(&storage_settings, SECRET).unwrap();
    wait_until("the storage to answer", async || {
        storage.check().await.is_ok()
    })
    .await;
    (storage_settings, storage)
}

async fn finished(desk: &Desk, job: &str) -> bool {
    let engine = desk.engine().await.unwrap();
    engine
        .job(job)
        .await
        .unwrap()
        .is_some_and(|j| j.state() == JobState::Ready)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_released_when_the_render_has_finished() {
    let weed = start_weed();
    let (service, _data, env) =
        live_on_emulator(UPLOADS_KEY, "io.seedancestudio.test.desk-uploads").await;
    let desk = Desk::open(env, None).await.unwrap();
    let (storage_settings, storage) = use_storage(&desk, &weed).await;
    let mut settings = desk.settings().await.unwrap();

    // A desk that keeps running (the window): released once the render is ready.
    desk.connect(ConnectionMode::Live).await.unwrap();
    let (job, key) = render_from_upload(&desk, "kept running").await;
    wait_until("the render", async || finished(&desk, &job).await).await;
    wait_until("the release", async || !storage.exists(&key).await.unwrap()).await;
    assert!(recorded(&desk, &job).await.is_empty());

    // A desk that stops as soon as the render is ready (a `seedance ... --wait`): its
    // close releases what the finished job held.
    let (job, key) = render_from_upload(&desk, "stopped at once").await;
    let mut events = desk.engine().await.unwrap().subscribe();
    while !finished(&desk, &job).await {
        let _ = tokio::time::timeout(Duration::from_secs(1), events.recv()).await;
    }
    desk.close().await;
    assert!(!storage.exists(&key).await.unwrap(), "released on close");

    // A job that finished while no desk ran (a crash before the release): released when
    // the next connection starts.
    desk.connect(ConnectionMode::Live).await.unwrap();
    let (job, key) = render_from_upload(&desk, "left behind").await;
    wait_until("the render", async || finished(&desk, &job).await).await;
    // Put the record back as if the release never ran, and the object with it.
    let again = desk
        .upload_local(png("left behind"), |_, _| {})
        .await
        .unwrap();
    assert_eq!(again.key, key);
    desk.close().await;
    let store = desk.history(ConnectionMode::Live).await.unwrap();
    sqlx::query("INSERT INTO job_uploads (job_id, key) VALUES (?, ?)")
        .bind(&job)
        .bind(&key)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(storage.exists(&key).await.unwrap());
    desk.connect(ConnectionMode::Live).await.unwrap();
    wait_until("the release at start", async || {
        !storage.exists(&key).await.unwrap()
    })
    .await;

    // "Keep uploads": nothing is deleted.
    settings.storage = Some(StorageSettings {
        keep_uploads: true,
        ..storage_settings
    });
    desk.save_settings(settings, None).await.unwrap();
    let (job, key) = render_from_upload(&desk, "kept").await;
    wait_until("the render", async || finished(&desk, &job).await).await;
    desk.close().await;
    assert!(storage.exists(&key).await.unwrap(), "kept as Settings ask");
    assert_eq!(
        service.ledger().charges.values().sum::<u32>(),
        4,
        "one charge per render"
    );
}

const CHAIN_KEY: &str = "sk_live_desk_chain_0123456789";

/// A two-shot project whose second shot starts from the first's last frame.
const BRIDGE: &str = "# Bridge

## Shot 1: Approach
A glass train crosses a snowy mountain bridge at dawn, slow dolly-in.

## Shot 2: Inside
chain: last-frame
Passengers look out at the falling snow, warm light, stable faces.
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shot_chained_from_an_expired_take_says_it_needs_storage_then_goes_through_it() {
    use studio::desk::{NeedCode, ShotStatus};
    use studio::project::records::RenderAsk;

    let weed = start_weed();
    let service = Sandbox::start(Config {
        keys: vec![CHAIN_KEY.into()],
        render_time: RenderTime::between_ms(300, 600),
        // The service's output URLs stop working soon after each render.
        output_ttl: Some(Duration::from_secs(8)),
        ..Config::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let desk = Desk::open(
        Environment {
            api_key: Some(studio::desk::ApiKey::new(CHAIN_KEY).unwrap()),
            base_url: Some(service.base_url()),
            keychain_service: "io.seedancestudio.test.desk-chain".into(),
            ..Environment::in_folder(data.path())
        },
        None,
    )
    .await
    .unwrap();
    desk.connect(ConnectionMode::Live).await.unwrap();
    let board = data.path().join("bridge.md");
    std::fs::write(&board, BRIDGE).unwrap();
    desk.project_import_in(ConnectionMode::Live, &board, None)
        .await
        .unwrap();
    let ask = |canary| RenderAsk {
        takes: 1,
        canary,
        max_attempts: 2,
        concurrency: None,
    };
    let charges = || service.ledger().charges.values().sum::<u32>();

    // The canary renders and is downloaded; then its output URLs expire.
    desk.project_render("Bridge", ask(true), true)
        .await
        .unwrap();
    wait_until("the canary", async || {
        desk.project_show("Bridge").await.unwrap().shots[0].status == ShotStatus::Ready
    })
    .await;
    let first = desk.project_show("Bridge").await.unwrap().shots[0].takes[0]
        .job_id
        .clone();
    let frame = desk.detail(&first).await.unwrap().last_frame_url.unwrap();
    wait_until("the frame's URL to expire", async || {
        reqwest::get(&frame).await.unwrap().status() == 404
    })
    .await;

    // With no storage, shot 2 cannot be sent: it says what it needs, and nothing is sent.
    let started = desk
        .project_render("Bridge", ask(false), true)
        .await
        .unwrap();
    assert_eq!(started.sent, 0);
    let need = started.project.shots[1]
        .needs
        .clone()
        .expect("shot 2 says what it needs");
    assert_eq!(need.code, NeedCode::Storage);
    assert_eq!(need.source_job, first);
    assert!(need.message.contains("storage"), "{}", need.message);
    assert_eq!(charges(), 1);
    assert!(
        !started.project.rendering,
        "nothing more can happen without a person"
    );

    // With storage set up, the local copy of the frame goes through it.
    let (storage_settings, _) = use_storage(&desk, &weed).await;
    let started = desk
        .project_render("Bridge", ask(false), true)
        .await
        .unwrap();
    assert_eq!(started.sent, 1);
    assert_eq!(started.project.shots[1].needs, None);
    let second = started.project.shots[1].takes[0].job_id.clone();
    let sent = desk.detail(&second).await.unwrap().request.unwrap();
    let image = sent.image_url.unwrap();
    assert!(
        image.starts_with(&storage_settings.endpoint),
        "the frame went through the storage: {image}"
    );
    wait_until("shot 2", async || {
        desk.project_show("Bridge").await.unwrap().shots[1].status == ShotStatus::Ready
    })
    .await;
    assert_eq!(charges(), 2);
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_sandbox_mode_a_local_file_is_held_by_the_emulator_without_a_storage() {
    let data = tempfile::tempdir().unwrap();
    let desk = Desk::open(
        Environment {
            keychain_service: "io.seedancestudio.test.desk-sandbox-files".into(),
            ..Environment::in_folder(data.path())
        },
        None,
    )
    .await
    .unwrap();
    desk.connect(ConnectionMode::Sandbox).await.unwrap();
    let file = png("held by the emulator");
    let seen = Arc::new(Mutex::new(None));
    let progress = seen.clone();
    let held = desk
        .upload_local(file.clone(), move |done, total| {
            *progress.lock().unwrap() = Some((done, total))
        })
        .await
        .unwrap();
    assert!(held.url.contains("/__sandbox/files/"), "{}", held.url);
    assert!(held.key.is_empty(), "nothing in a storage to release");
    assert_eq!(
        *seen.lock().unwrap(),
        Some((file.len() as u64, file.len() as u64))
    );
    let served = reqwest::get(&held.url).await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), file.as_slice());
    // What is not an image or a video is refused before anything is posted.
    let refused = desk
        .upload_local(b"<html>".to_vec(), |_, _| {})
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("not an image"),
        "{}",
        refused.message
    );
    desk.close().await;
}
