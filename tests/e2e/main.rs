//! End-to-end tests of the real window, driven through tauri-driver under Xvfb.

mod a11y;
mod compare;
mod compose;
mod cut;
mod desktop;
mod dialogs;
mod drop;
mod first_run;
mod fixes;
mod frames;
mod harness;
mod keyboard;
mod layout;
mod library;
mod playback;
mod privacy;
mod projects;
mod recovery;
mod review;
#[path = "../support/scan.rs"]
mod scan;
#[path = "../../crates/studio/tests/support/secret_tool.rs"]
mod secret_tool;
mod settings;
mod workspace;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use harness::{AppEnv, Session};

const AREAS: [(&str, &str); 4] = [
    ("compose", "Compose"),
    ("library", "Library"),
    ("projects", "Projects"),
    ("settings", "Settings"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_opens_and_every_area_is_reachable() {
    let s = Session::start().await;
    assert_eq!(s.client.title().await.unwrap(), "Seedance Studio");
    // Screenshots show the status bar filled in.
    s.wait_for_text("app-version", |t| !t.is_empty()).await;
    for (area, heading) in AREAS {
        s.wait_for(&format!("nav-{area}"))
            .await
            .click()
            .await
            .unwrap();
        let main = s
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("main[data-area='{area}']")))
            .await
            .unwrap_or_else(|e| panic!("{area} did not open: {e}"));
        let h1 = main.find(Locator::Css("h1")).await.unwrap();
        assert_eq!(h1.text().await.unwrap(), heading);
        let current = s
            .wait_for(&format!("nav-{area}"))
            .await
            .attr("aria-current")
            .await
            .unwrap();
        assert_eq!(current.as_deref(), Some("page"));
        s.screenshot(area).await;
    }
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_bar_shows_the_cargo_version_and_the_api() {
    let s = Session::start().await;
    let expected = format!("v{}", env!("CARGO_PKG_VERSION"));
    s.wait_for_text("app-version", |t| t == expected).await;
    // No key anywhere: the app starts in Sandbox mode, labelled as such, and says how to
    // add a key.
    s.wait_for_text("connection-mode", |t| {
        t.starts_with("Sandbox") && t.contains("no credits")
    })
    .await;
    let banner = s.wait_for("sandbox-banner").await.text().await.unwrap();
    assert!(banner.contains("sample clips"), "{banner}");
    assert!(banner.contains("Add an API key"), "{banner}");
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_uses_the_data_folder_it_was_given() {
    let env = AppEnv::new();
    let data = env.data_path().display().to_string();
    let s = Session::start_with(env).await;
    s.wait_for("nav-settings").await.click().await.unwrap();
    let shown = s
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&format!("//dd/code[text()='{data}']")))
        .await;
    assert!(
        shown.is_ok(),
        "Settings does not show the data folder {data}"
    );
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_counts_unicode_characters_as_typed() {
    let s = Session::start().await;
    let count = || async {
        s.client
            .find(Locator::Css(".prompt-meta .count"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let prompt = s.wait_for("composer-prompt").await;
    prompt
        .send_keys("雪山の橋を渡るガラスの列車")
        .await
        .unwrap();
    assert_eq!(count().await, "13 / 10,000");
    // Characters outside the BMP (two UTF-16 units each) still count once. WebDriver
    // cannot type them, so they are pasted the way an input method inserts text.
    s.client
        .execute(
            "const el = arguments[0]; el.value += '🚆🎬'; el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&prompt).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(count().await, "15 / 10,000");
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_hands_over_to_the_first_and_exits() {
    let s = Session::start().await;
    let mut second = s
        .env
        .app_command()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second instance kept running instead of handing over");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "second instance exited with {status}");
    // The first instance is still there and answering.
    assert_eq!(s.client.title().await.unwrap(), "Seedance Studio");
    s.wait_for("composer-prompt").await;
    s.end().await;
}
