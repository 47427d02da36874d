//! Review in the window, in Sandbox mode with an emulator that delivers too small on
//! purpose: the render says so in the Queue, on its Library tile and in its detail view,
//! and the Library's filter finds it; tags are added and removed in the detail view, shown
//! on the tile and filtered by; the evidence pack is saved through the desktop's dialog and
//! holds no key.

use std::io::Read;
use std::time::{Duration, Instant};

use fantoccini::key::Key;

use crate::dialogs::{answer_file_dialog, display};
use crate::harness::{AppEnv, Session};

const SAID: &str = "asked 720p 16:9, got 854×480";

/// Waits until the text inside a Library tile (a button, whose descendants' rendered text
/// WebDriver does not report) is `want`.
async fn tile_text(s: &Session, testid: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = s.prop(testid, "textContent").await.unwrap_or_default();
        if text.trim() == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{testid} reads {text:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_delivery_is_shown_tags_are_kept_and_evidence_saved() {
    let mut env = AppEnv::new();
    env.set("SEEDANCE_SANDBOX_WRONG_DELIVERY", "resolution");
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.submit(&["a lighthouse beam sweeping through fog"], false)
        .await;

    s.click("[data-testid='queue-tray']").await;
    s.wait_count("[data-testid='queue-item'][data-state='ready']", 1)
        .await;
    let queued = s
        .wait_for_text("queue-mismatch", |t| t.contains(SAID))
        .await;
    assert!(queued.contains("Not as asked"), "{queued}");

    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_count("[data-testid='library-item']", 1).await;
    tile_text(&s, "delivery-mismatch", SAID).await;
    s.wait_for("library-filter-mismatched")
        .await
        .click()
        .await
        .unwrap();
    s.wait_count("[data-testid='library-item']", 1).await;
    s.screenshot("library-not-as-asked").await;

    // The detail view lists what the video holds, and what differs.
    s.css("[data-testid='library-item']")
        .await
        .click()
        .await
        .unwrap();
    let facts = s
        .wait_for_text("detail-delivery", |t| t.contains("854×480"))
        .await;
    assert!(
        facts.contains("24 fps") && facts.contains("h264"),
        "{facts}"
    );
    s.wait_for_text("detail-mismatch", |t| t.contains(SAID))
        .await;

    // Tags: two added at once, one refused with its reason, one removed.
    let input = s.wait_for("detail-tag-input").await;
    input
        .send_keys(&format!("hero, night shoot{}", Key::Enter))
        .await
        .unwrap();
    s.wait_count("[data-testid='detail-tag']", 2).await;
    input
        .send_keys(&format!("bad#tag{}", Key::Enter))
        .await
        .unwrap();
    s.wait_for_text("detail-tag-error", |t| t.contains("'#'"))
        .await;
    s.wait_count("[data-testid='detail-tag']", 2).await;
    tile_text(&s, "tile-tags", "#hero #night shoot").await;
    s.css("[data-testid='detail-tag'][data-tag='hero'] [data-testid='detail-tag-remove']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_count("[data-testid='detail-tag']", 1).await;
    tile_text(&s, "tile-tags", "#night shoot").await;
    s.screenshot("detail-review").await;

    // The evidence pack, saved where the person says.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("for-support.zip");
    let answer = {
        let (d, file) = (display(&s), file.clone());
        std::thread::spawn(move || {
            answer_file_dialog(&d, "Save the evidence pack", Some(&file), true)
        })
    };
    s.click("[data-testid='detail-technical'] > summary").await;
    s.wait_for("detail-evidence").await.click().await.unwrap();
    answer.join().unwrap();
    s.wait_for_text("detail-note", |t| t.contains("for-support.zip"))
        .await;
    let mut zip = std::fs::File::open(&file).unwrap();
    let mut bytes = Vec::new();
    zip.read_to_end(&mut bytes).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip");
    for name in [
        "request.json",
        "task-answers.jsonl",
        "probe.json",
        "README.txt",
    ] {
        assert!(
            bytes.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} is in the pack"
        );
    }

    // Filtered by its tag in the Library.
    s.wait_for("detail-close").await.click().await.unwrap();
    let search = s.wait_for("library-search").await;
    search.send_keys("#night shoot").await.unwrap();
    s.wait_count("[data-testid='library-item']", 1).await;
    search.clear().await.unwrap();
    search.send_keys("#hero").await.unwrap();
    s.wait_count("[data-testid='library-item']", 0).await;
}
