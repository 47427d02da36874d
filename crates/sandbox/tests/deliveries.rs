//! What the sandbox delivers, probed by the media engine as a client would: clips of the
//! shape asked for, the same bytes from the shared cache, and each setting delivered wrong
//! when asked to.

use std::path::Path;
use std::time::Duration;

use seedance_sandbox::{Config, RenderTime, Sandbox, WrongDelivery};
use serde_json::{Value, json};

const KEY: &str = "sk_test_deliveries";

fn config(clips: &Path, wrong: WrongDelivery) -> Config {
    Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(50, 80),
        clips_dir: Some(clips.to_path_buf()),
        wrong_delivery: wrong,
        ..Config::default()
    }
}

/// Submits `request`, waits for it and downloads its video and last frame into `into`.
async fn render(sb: &Sandbox, request: Value, into: &Path) -> (Vec<u8>, Vec<u8>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let accepted: Value = client
        .post(format!("{}/api/v1/video/seedance2", sb.base_url()))
        .bearer_auth(KEY)
        .json(&request)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = accepted["id"].as_str().expect("accepted").to_string();
    let done = loop {
        let task: Value = client
            .get(format!("{}/api/v1/tasks/{id}", sb.base_url()))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if task["status"] == "completed" {
            break task;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let get = |url: &str| {
        let request = client.get(url);
        async move {
            request
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .to_vec()
        }
    };
    let video = get(done["output"]["video_url"].as_str().unwrap()).await;
    let frame = get(done["output"]["last_frame_url"].as_str().unwrap()).await;
    std::fs::write(into, &video).unwrap();
    (video, frame)
}

fn probe(path: &Path) -> seedance_media::Probe {
    seedance_media::probe(path).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clips_have_the_asked_shape_and_are_made_once() {
    let clips = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let asked = json!({"prompt": "a lighthouse at dusk", "quality_tier": "pro",
        "resolution": "1080p", "aspect_ratio": "9:16", "duration": "4"});
    let sb = Sandbox::start(config(clips.path(), WrongDelivery::default()))
        .await
        .unwrap();
    let first = out.path().join("first.mp4");
    let (video, frame) = render(&sb, asked.clone(), &first).await;
    let got = probe(&first);
    assert_eq!((got.width, got.height), (1080, 1920));
    assert!((got.duration_s - 4.0).abs() < 0.1, "{}", got.duration_s);
    assert_eq!(got.video_codec, "h264");
    assert_eq!(got.audio_codec.as_deref(), Some("aac"));
    let picture = image::load_from_memory(&frame).unwrap();
    assert_eq!((picture.width(), picture.height()), (1080, 1920));

    // Another sandbox on the same cache delivers the same bytes without making them again.
    let cached: Vec<_> = std::fs::read_dir(clips.path()).unwrap().collect();
    assert_eq!(cached.len(), 2, "one video and its frame");
    let made_at = std::fs::metadata(clips.path().join("1080x1920-4s-24fps-audio.mp4"))
        .unwrap()
        .modified()
        .unwrap();
    drop(sb);
    let again = Sandbox::start(config(clips.path(), WrongDelivery::default()))
        .await
        .unwrap();
    let (same, _) = render(&again, asked, &out.path().join("again.mp4")).await;
    assert_eq!(same, video);
    let still = std::fs::metadata(clips.path().join("1080x1920-4s-24fps-audio.mp4"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(still, made_at);

    // Without audio asked, none is delivered.
    let silent = out.path().join("silent.mp4");
    render(
        &again,
        json!({"prompt": "a quiet field", "aspect_ratio": "21:9", "duration": "5",
            "generate_audio": false}),
        &silent,
    )
    .await;
    let got = probe(&silent);
    assert_eq!((got.width, got.height, got.audio_codec), (1680, 720, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_setting_can_be_delivered_wrong_on_purpose() {
    let clips = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let wrong = WrongDelivery::parse("resolution,duration,generate_audio").unwrap();
    let sb = Sandbox::start(config(clips.path(), wrong)).await.unwrap();
    let file = out.path().join("wrong.mp4");
    render(
        &sb,
        json!({"prompt": "a lighthouse at dusk", "resolution": "1080p",
            "aspect_ratio": "9:16", "duration": "6"}),
        &file,
    )
    .await;
    let got = probe(&file);
    assert_eq!((got.width, got.height), (720, 1280));
    assert!((got.duration_s - 4.0).abs() < 0.1, "{}", got.duration_s);
    assert!(!got.has_audio());

    let sb = Sandbox::start(config(
        clips.path(),
        WrongDelivery::parse("aspect_ratio").unwrap(),
    ))
    .await
    .unwrap();
    let file = out.path().join("sideways.mp4");
    render(
        &sb,
        json!({"prompt": "a lighthouse at dusk", "duration": "4"}),
        &file,
    )
    .await;
    let got = probe(&file);
    assert_eq!(
        (got.width, got.height),
        (720, 1280),
        "16:9 delivered as 9:16"
    );
}
