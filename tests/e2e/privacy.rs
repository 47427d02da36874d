//! What the app writes is the person's alone, and the key from `SEEDANCE_API_KEY` reaches no
//! child process: with the key given that way (Live against an emulator), a render is made,
//! and then the data folder and every folder in it are 0700, every file 0600, and the web
//! view's content process (a child of the app) has no `SEEDANCE_API_KEY` in its environment.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use seedance_sandbox::{Config, RenderTime, Sandbox};

use crate::harness::{AppEnv, Session, web_process_of};

const KEY: &str = "sk_live_env_only_7f3a9c21e5b84d06";

/// Every path under `dir` whose mode is wider than 0700 (folders) or 0600 (files).
fn too_open(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let meta = entry.metadata().unwrap();
        let mode = meta.permissions().mode() & 0o777;
        let allowed = if meta.is_dir() { 0o700 } else { 0o600 };
        if mode & !allowed != 0 {
            out.push(format!("{} {mode:o}", entry.path().display()));
        }
        if meta.is_dir() {
            too_open(&entry.path(), out);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_private_and_the_environment_key_reaches_no_child() {
    let service = Sandbox::start(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(200, 400),
        ..Config::default()
    })
    .await
    .unwrap();
    let mut env = AppEnv::new();
    env.set("SEEDANCE_BASE_URL", service.base_url());
    env.set("SEEDANCE_API_KEY", KEY);
    let data = env.data_path();
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Live"))
        .await;
    s.submit(&["a paper boat drifting on a rain puddle"], true)
        .await;
    let jobs = s.wait_jobs_in("ready", 1).await;
    assert!(
        service.ledger().charges.values().sum::<u32>() == 1,
        "{jobs:?}"
    );

    let child = web_process_of(&data).expect("the window's WebKitWebProcess");
    let environ = std::fs::read(format!("/proc/{child}/environ")).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    assert!(
        !environ.contains("SEEDANCE_API_KEY") && !environ.contains(KEY),
        "the content process inherited the key"
    );
    s.wait_for("nav-settings").await.click().await.unwrap();
    s.wait_for("settings-diagnostics")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for_text("settings-diagnostics-path", |t| t.contains(".txt"))
        .await;
    let env = s.end().await;

    let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the data folder");
    let mut open = Vec::new();
    too_open(&data, &mut open);
    assert!(open.is_empty(), "readable by others: {open:#?}");
    for written in ["studio.db", "logs", "renders", "diagnostics"] {
        assert!(data.join(written).exists(), "{written} was written");
    }
    service.stop().await;
    drop(env);
}
