//! Sandbox mode for real: the built-in emulator started in-process with its state in the
//! data folder, renders that finish across a restart, one emulator shared by every process
//! on the folder, and a history kept apart from Live's.

use std::path::Path;
use std::time::Duration;

use seedance_api::{GenerationRequest, Rate};
use studio::connection::{ConnectError, Connected, ConnectionMode};
use studio::keychain::KeySource;
use studio::local_sandbox::LocalSandbox;
use studio::settings::Settings;
use studio::{Engine, Environment, JobState, Store};

/// A data folder whose emulator renders in 300 to 600 ms.
fn quick(data: &Path) -> Environment {
    Environment {
        sandbox: Ok(studio::local_sandbox::Emulation {
            render: Some(seedance_sandbox::RenderTime::between_ms(300, 600)),
            ..Default::default()
        }),
        ..Environment::in_folder(data)
    }
}

async fn sandbox(data: &Path) -> Connected {
    Connected::open(
        &quick(data),
        ConnectionMode::Sandbox,
        &Settings::default(),
        None,
        KeySource::None,
    )
    .await
    .unwrap()
}

fn request(prompt: &str) -> GenerationRequest {
    serde_json::from_value(serde_json::json!({ "prompt": prompt })).unwrap()
}

async fn wait_ready(engine: &Engine, id: &str) -> studio::Job {
    for _ in 0..300 {
        let job = engine.job(id).await.unwrap().unwrap();
        if job.state() == JobState::Ready {
            return job;
        }
        assert!(!job.state().is_final(), "job ended {:?}", job.state());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not become ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sandbox_render_needs_no_key_and_stays_out_of_the_live_history() {
    let data = tempfile::tempdir().unwrap();
    let conn = sandbox(data.path()).await;
    assert_eq!(conn.mode, ConnectionMode::Sandbox);
    assert!(conn.serves_sandbox());
    assert!(conn.base_url.starts_with("http://127.0.0.1:"));
    assert_eq!(conn.history_dir, data.path().join("sandbox"));

    let engine = Engine::start(conn.engine.clone()).await.unwrap();
    let job = engine
        .submit(&request("a paper boat on a rain puddle"))
        .await
        .unwrap();
    let job = wait_ready(&engine, &job.id).await;
    let video = job.video_path.clone().expect("a downloaded sample clip");
    assert!(Path::new(&video).starts_with(data.path().join("sandbox/renders")));
    engine.stop().await;
    conn.close().await;

    // The emulator's state and the Sandbox history are in the data folder...
    assert!(
        data.path()
            .join("sandbox/emulator/sandbox-state.json")
            .exists()
    );
    assert!(data.path().join("sandbox/studio.db").exists());
    // ...and the Live history knows nothing of the render.
    let live = Store::open(data.path()).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs")
        .fetch_one(live.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sandbox_render_finishes_after_a_restart_on_the_same_port() {
    let data = tempfile::tempdir().unwrap();
    let conn = sandbox(data.path()).await;
    let first_url = conn.base_url.clone();
    let engine = Engine::start(conn.engine.clone()).await.unwrap();
    let job = engine
        .submit(&request("steam rising from a teacup"))
        .await
        .unwrap();
    // Quit at once: the job is submitted (or about to be) but not rendered yet.
    engine.stop().await;
    conn.close().await;

    let conn = sandbox(data.path()).await;
    assert_eq!(conn.base_url, first_url, "the emulator keeps its port");
    let engine = Engine::start(conn.engine.clone()).await.unwrap();
    let done = wait_ready(&engine, &job.id).await;
    assert!(done.task_id.is_some());
    engine.stop().await;
    conn.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_on_one_folder_share_one_emulator_and_take_it_over() {
    let dir = tempfile::tempdir().unwrap();
    let first = LocalSandbox::start(dir.path(), Rate::ACCOUNT, Default::default())
        .await
        .unwrap();
    let second = LocalSandbox::start(dir.path(), Rate::ACCOUNT, Default::default())
        .await
        .unwrap();
    assert!(first.serves());
    assert!(!second.serves(), "the second joins the first");
    assert_eq!(first.base_url(), second.base_url());

    first.stop().await;
    for _ in 0..40 {
        if second.serves() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(second.serves(), "the second takes over when the first goes");
    let url = format!("{}/api/v1/tasks/sd2_nothing", second.base_url());
    let status = reqwest_status(&url).await;
    assert_eq!(status, 401, "the emulator answers (without a key: 401)");
    second.stop().await;
}

async fn reqwest_status(url: &str) -> u16 {
    // A bare HTTP/1.1 GET over TCP: enough to see the emulator answer.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let u = url::Url::parse(url).unwrap();
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", u.port().unwrap()))
        .await
        .unwrap();
    s.write_all(
        format!(
            "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            u.path()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn live_without_a_key_says_how_to_add_one() {
    let data = tempfile::tempdir().unwrap();
    let err = Connected::open(
        &Environment::in_folder(data.path()),
        ConnectionMode::Live,
        &Settings::default(),
        None,
        KeySource::None,
    )
    .await
    .err()
    .expect("Live needs a key");
    assert!(matches!(err, ConnectError::NeedsKey));
    let message = err.to_string();
    assert!(
        message.contains("Settings") && message.contains("SEEDANCE_API_KEY"),
        "{message}"
    );
}
