//! Upload bookkeeping through the desk, against a real S3-compatible server (SeaweedFS)
//! and the emulator over HTTP, with the storage secret in the real keychain: a reference
//! uploaded for a render is recorded with its job in the same transaction, and deleted
//! once the render has finished, by whichever front end's desk is running then: one that
//! keeps running (the window), or one that stops right after (a `seedance` command).
//! With "keep uploads" set, nothing is deleted.

use std::time::{Duration, Instant};

use seedance_sandbox::{Config, RenderTime, Sandbox};
use studio::desk::{GenerationRequest, SubmitOptions};
use studio::uploads::{Storage, StorageSettings};
use studio::{ConnectionMode, Desk, JobState};

mod support {
    pub mod weed;
}
use support::weed::{ACCESS_KEY, BUCKET, SECRET, start_weed};

const KEY: &str = "sk_live_desk_uploads_0123456789";

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
    let service = Sandbox::start(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(300, 600),
        ..Config::default()
    })
    .await
    .unwrap();
    // SAFETY: the only test in this binary, before the desk starts.
    unsafe {
        std::env::set_var("SEEDANCE_API_KEY", KEY);
        std::env::set_var("SEEDANCE_BASE_URL", service.base_url());
        std::env::set_var(
            "SEEDANCE_KEYCHAIN_SERVICE",
            "io.seedancestudio.test.desk-uploads",
        );
    }
    let data = tempfile::tempdir().unwrap();
    let desk = Desk::open(data.path().to_path_buf(), None).await.unwrap();
    let storage_settings = StorageSettings {
        endpoint: format!("http://127.0.0.1:{}", weed.s3_port),
        bucket: BUCKET.into(),
        access_key_id: ACCESS_KEY.into(),
        ..StorageSettings::default()
    };
    let mut settings = desk.settings().await.unwrap();
    settings.storage = Some(storage_settings.clone());
    desk.save_settings(settings.clone(), None).await.unwrap();
    desk.save_storage_secret(SECRET).await.unwrap();
    let storage = Storage::new(&storage_settings, SECRET).unwrap();
    wait_until("the storage to answer", async || {
        storage.check().await.is_ok()
    })
    .await;

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
