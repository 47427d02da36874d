//! A generated history of finished renders, shared by the benchmarks that need a big
//! library: English and Japanese prompts, and real JPEG previews made the way the engine
//! makes them. Included with `#[path]` by `library_bench` and the app's `startup_bench`.

use std::path::Path;

use studio::{Store, preview};

const WORDS_EN: &[&str] = &[
    "glass",
    "train",
    "snowy",
    "mountain",
    "bridge",
    "dawn",
    "lighthouse",
    "storm",
    "dancer",
    "neon",
    "alley",
    "rain",
    "forest",
    "drone",
    "orbit",
    "close-up",
    "slow",
    "dolly",
    "cinematic",
    "paper",
    "boat",
    "river",
];
const WORDS_JA: &[&str] = &[
    "雪山",
    "の",
    "橋",
    "を",
    "渡る",
    "ガラス",
    "列車",
    "夕暮れ",
    "海辺",
    "走る",
    "犬",
    "桜",
    "雨",
    "夜",
    "街",
    "灯台",
    "嵐",
    "踊る",
    "少女",
    "森",
    "紙",
    "舟",
];

fn prompt(rng: &mut fastrand::Rng) -> String {
    if rng.bool() {
        (0..rng.usize(8..20))
            .map(|_| WORDS_EN[rng.usize(..WORDS_EN.len())])
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        (0..rng.usize(8..20))
            .map(|_| WORDS_JA[rng.usize(..WORDS_JA.len())])
            .collect()
    }
}

/// Adds `renders` finished renders to `store`, one a minute, with their (absent) files
/// under `files/renders/`.
pub async fn seed(store: &Store, files: &Path, renders: u64) {
    let mut rng = fastrand::Rng::with_seed(11);
    // A few real previews, made the way the engine makes them.
    let thumbs: Vec<preview::Thumbnail> = (0..8)
        .map(|i| {
            let img = image::RgbImage::from_fn(1280, 720, |x, y| {
                image::Rgb([
                    ((x + i * 40) % 256) as u8,
                    (y % 256) as u8,
                    ((x ^ y) % 256) as u8,
                ])
            });
            let mut png = Vec::new();
            img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            preview::thumbnail_of(&png).unwrap()
        })
        .collect();
    let t0 = 1_700_000_000_000i64;
    // Each render's delivery check, already done and as asked, as in a library that has
    // been in use (a fresh one would spend its first starts probing them).
    let delivered = serde_json::json!({
        "width": 1920, "height": 1080, "fps": 24.0, "duration_s": 8.0,
        "video_codec": "h264", "audio_codec": "aac", "has_audio": true,
        "mismatches": [], "probed_at": t0,
    })
    .to_string();
    for chunk in 0..renders.div_ceil(1000) {
        let mut tx = store.write().await.unwrap();
        for n in (chunk * 1000)..((chunk + 1) * 1000).min(renders) {
            let id = format!("j{n:011}");
            let p = prompt(&mut rng);
            let body = serde_json::json!({"prompt": p, "quality_tier": "pro", "duration": "8"})
                .to_string();
            sqlx::query(
                "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, quality_tier, \
                 channel, aspect_ratio, resolution, duration, task_id, credits_used, seed, video_path, frame_path, video_bytes, \
                 video_sha256, frame_sha256, submitted_at, completed_at, delivery, delivery_mismatches) \
                 VALUES (?, ?, ?, 'ready', ?, ?, ?, 'text-to-video', 'pro', 'standard', '16:9', '1080p', 8, ?, 144, ?, ?, ?, 48000000, ?, ?, ?, ?, ?, 0)",
            )
            .bind(&id)
            .bind(t0 + n as i64 * 60_000)
            .bind(t0 + n as i64 * 60_000)
            .bind(&body)
            .bind(format!("ss-{:032x}", rng.u128(..)))
            .bind(&p)
            .bind(format!("sd2_{:012x}", rng.u64(..)))
            .bind(rng.u32(..) as i64)
            .bind(format!("{}/renders/{id}/video.mp4", files.display()))
            .bind(format!("{}/renders/{id}/last-frame.jpg", files.display()))
            .bind(format!("{:064x}", rng.u128(..)))
            .bind(format!("{:064x}", rng.u128(..)))
            .bind(t0 + n as i64 * 60_000)
            .bind(t0 + n as i64 * 60_000 + 90_000)
            .bind(&delivered)
            .execute(&mut *tx)
            .await
            .unwrap();
            let t = &thumbs[n as usize % thumbs.len()];
            sqlx::query("INSERT INTO thumbnails (job_id, width, height, jpeg) VALUES (?, ?, ?, ?)")
                .bind(&id)
                .bind(t.width as i64)
                .bind(t.height as i64)
                .bind(&t.jpeg)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
}
