//! The first run: no key and no renders. The stage offers one action, which renders a
//! sample clip in the Sandbox that plays there within seconds; under it, the one step to
//! Live: a key the service refuses is said so, not kept, and Live stays off; the right one goes into
//! the keychain (seen from outside with `secret-tool`, and nowhere in the page or the data
//! folder) and Live is on.

use std::time::{Duration, Instant};

use seedance_sandbox::{Config, Sandbox};
use serde_json::json;

use crate::harness::{AppEnv, Session};

use crate::scan::files_containing;
use crate::secret_tool;

/// A key no real account has.
const KEY: &str = "sk_live_FIRSTRUN_41c9_test_only";

async fn type_key(s: &Session, key: &str) {
    let input = s.wait_for("first-run-key").await;
    input.clear().await.unwrap();
    input.send_keys(key).await.unwrap();
    s.click("[data-testid='first-run-key-save']").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sample_clip_plays_within_seconds_and_live_is_one_step_away() {
    // An emulator that accepts only KEY stands in for the Live service.
    let service = Sandbox::start(Config {
        keys: vec![KEY.to_string()],
        ..Config::default()
    })
    .await
    .unwrap();
    let mut env = AppEnv::new();
    env.set("SEEDANCE_BASE_URL", service.base_url());
    let keychain = env.var("SEEDANCE_KEYCHAIN_SERVICE").unwrap().to_string();
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;

    // One action, and the clip plays on the stage.
    s.wait_for("first-run-sample").await;
    s.screenshot("first-run").await;
    let pressed = Instant::now();
    s.click("[data-testid='first-run-sample']").await;
    let deadline = pressed + Duration::from_secs(20);
    loop {
        let playing = s
            .client
            .execute(
                "const v = document.querySelector(\"[data-testid='workspace-player'] video\"); \
                 return !!v && !v.paused && v.readyState >= 2 && v.currentTime > 0;",
                vec![],
            )
            .await
            .unwrap();
        if playing == json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "the sample never played");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("the sample played {:?} after the press", pressed.elapsed());
    assert_eq!(s.count("[data-testid='first-run-sample']").await, 0);
    s.screenshot("first-run-sample").await;
    let jobs = s.wait_jobs_in("ready", 1).await;
    assert_eq!(jobs.len(), 1, "one sample render: {jobs:?}");

    // A key the service refuses: said so, and the app stays in the Sandbox.
    type_key(&s, "sk_live_not_this_one_0000").await;
    let said = s
        .wait_for_text("first-run-problem", |t| !t.is_empty())
        .await;
    assert!(said.contains("did not accept"), "{said}");
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    // Nor is it kept: the next start would otherwise try it again.
    assert_eq!(secret_tool::lookup_api_key(&keychain), None);

    // The right key, in the same place: kept in the keychain, and Live is on.
    type_key(&s, KEY).await;
    s.wait_for("first-run-done").await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Live"))
        .await;
    assert_eq!(secret_tool::lookup_api_key(&keychain).as_deref(), Some(KEY));

    // The page never shows it again, and the data folder never holds it.
    let shown = s
        .client
        .execute("return document.documentElement.outerHTML.includes(arguments[0]) || [...document.querySelectorAll('input')].some(i => i.value.includes(arguments[0]));", vec![json!(KEY)])
        .await
        .unwrap();
    assert_eq!(shown, json!(false), "the key is still in the page");
    let env = s.end().await;
    let hits = files_containing(&env.data_path(), KEY.as_bytes());
    assert!(hits.is_empty(), "the key was written to {hits:?}");
}
