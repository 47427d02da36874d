//! The delivery check through the real binary: a render the emulator delivers as asked and
//! one it delivers wrong on purpose (too small, too short, silent), probed by the media
//! engine after download; `show --json`'s `delivery`, its words in `show`, `list
//! --mismatched`, and a render saved before the check probed once in the background.

use std::time::Duration;

use seedance_sandbox::{Config, RenderTime, Sandbox, WrongDelivery};
use serde_json::{Value, json};
use studio::{Engine, EngineConfig, Store};

use super::{Env, KEY};

fn emulator(wrong: &str) -> Config {
    Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(200, 400),
        rate_limit: 30,
        rate_window: Duration::from_secs(3),
        wrong_delivery: WrongDelivery::parse(wrong).unwrap(),
        ..Config::default()
    }
}

async fn render(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["generate", "--wait", "--json"];
    all.extend_from_slice(args);
    let (code, job) = env.json(&all).await;
    assert_eq!(code, 0, "{job}");
    assert_eq!(job["status"], "ready", "{job}");
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_delivered_is_checked_against_what_was_asked() {
    let mut env = Env::with(emulator("")).await;
    let faithful = render(
        &env,
        &["--prompt", "a lighthouse at dusk", "--duration", "4"],
    )
    .await;
    let delivery = &faithful["delivery"];
    assert_eq!(
        (&delivery["width"], &delivery["height"]),
        (&json!(1280), &json!(720))
    );
    assert_eq!(delivery["fps"], 24.0);
    assert!((delivery["duration_s"].as_f64().unwrap() - 4.0).abs() < 0.1);
    assert_eq!(delivery["video_codec"], "h264");
    assert_eq!(delivery["audio_codec"], "aac");
    assert_eq!(delivery["has_audio"], true);
    assert_eq!(delivery["mismatches"], json!([]));

    // The same history, now with an emulator that gets three settings wrong.
    env.sandbox = Sandbox::start(emulator("resolution,duration,generate_audio"))
        .await
        .unwrap();
    let wrong = render(
        &env,
        &[
            "--prompt",
            "a lighthouse at dusk, vertical",
            "--resolution",
            "1080p",
            "--aspect",
            "9:16",
            "--duration",
            "6",
        ],
    )
    .await;
    let wrong_id = wrong["job_id"].as_str().unwrap().to_string();
    assert_eq!(
        wrong["delivery"]["mismatches"],
        json!([
            {"field": "resolution", "asked": "1080p", "got": "720x1280"},
            {"field": "duration", "asked": "6s", "got": "4.0s"},
            {"field": "generate_audio", "asked": "audio", "got": "no audio"},
        ])
    );
    assert_eq!(wrong["delivery"]["has_audio"], false);
    assert_eq!(wrong["delivery"]["audio_codec"], Value::Null);

    let (code, shown) = env.json(&["show", &wrong_id, "--json"]).await;
    assert_eq!(code, 0);
    assert_eq!(shown["delivery"], wrong["delivery"]);
    let said = env.run(&["show", &wrong_id]).await;
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(
        said.contains("asked 1080p, got 720x1280"),
        "show says what differs:\n{said}"
    );

    let (code, mismatched) = env.json(&["list", "--mismatched", "--json"]).await;
    assert_eq!(code, 0);
    let ids: Vec<_> = mismatched
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [wrong_id.as_str()]);

    // A render saved before the check existed is probed once, when an engine starts.
    let store = Store::open(env.data.path()).await.unwrap();
    sqlx::query("UPDATE jobs SET delivery = NULL, delivery_mismatches = NULL")
        .execute(store.pool())
        .await
        .unwrap();
    let (_, none) = env.json(&["list", "--mismatched", "--json"]).await;
    assert_eq!(none, json!([]), "unprobed renders are not mismatched");
    let engine = Engine::start(EngineConfig::new(
        env.data.path().to_path_buf(),
        env.sandbox.base_url(),
        seedance_api::ApiKey::new(KEY).unwrap(),
    ))
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE delivery IS NULL")
            .fetch_one(store.pool())
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{left} renders were never probed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    engine.stop().await;
    let (_, again) = env.json(&["show", &wrong_id, "--json"]).await;
    assert_eq!(
        again["delivery"]["mismatches"],
        wrong["delivery"]["mismatches"]
    );
    assert_eq!(env.submissions(), 1, "probing sends nothing");
}
