//! A real file drop from outside the window: a small GTK drag source (another X client)
//! and the mouse driven by xdotool under Xvfb, as a person drags from a file manager.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::Locator;

use crate::harness::Session;

#[path = "../../crates/studio/tests/support/weed.rs"]
pub mod weed;
use weed::{ACCESS_KEY, BUCKET, SECRET, start_weed};

/// A 1×1 PNG: what matters is that it is a real PNG file on disk.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn xdotool(display: &str, args: &[&str]) {
    let status = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .status()
        .expect("xdotool is installed by scripts/test");
    assert!(status.success(), "xdotool {args:?}");
}

/// Drags `file` from another X client (a GTK drag source) onto the element `testid`.
async fn drag_file_onto(s: &Session, testid: &str, file: &std::path::Path) {
    let display = s
        .env
        .var("DISPLAY")
        .expect("the session has a display")
        .to_string();
    let uri = format!("file://{}", file.display()).replace(' ', "%20");
    // The drop target, in view, and where it is on the screen.
    let zone = s.wait_for(testid).await;
    s.client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![serde_json::to_value(&zone).unwrap()],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (zx, zy, zw, zh) = zone.rectangle().await.unwrap();
    let (wx, wy, _, _) = s.client.get_window_rect().await.unwrap();
    let target_x = (wx as f64 + zx + zw / 2.0) as i64;
    let target_y = (wy as f64 + zy + zh / 2.0) as i64;

    let mut source = Command::new("/usr/bin/python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/e2e/drag_source.py"
        ))
        .arg(&uri)
        .env("DISPLAY", &display)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "python3 with GTK (Debian python3-gi, gir1.2-gtk-3.0) is installed by scripts/test",
        );
    let mut line = String::new();
    BufReader::new(source.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Press on the source, move past the drag threshold, travel to the zone, release.
    xdotool(&display, &["mousemove", "80", "80", "mousedown", "1"]);
    for (x, y) in [(90, 90), (110, 110), (200, 200)] {
        xdotool(&display, &["mousemove", &x.to_string(), &y.to_string()]);
        std::thread::sleep(Duration::from_millis(100));
    }
    for offset in [0, 4, 8] {
        xdotool(
            &display,
            &[
                "mousemove",
                &(target_x + offset).to_string(),
                &(target_y + offset).to_string(),
            ],
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    xdotool(&display, &["mouseup", "1"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = source.kill();
    let _ = source.wait();
    // WebKitGTK hands the file over by path only, as a web page could: the zone asks
    // before anything is read, naming the file, and the person says yes.
    let confirm = s
        .css(&format!(
            "[data-testid='{testid}'] [data-testid='local-confirm']"
        ))
        .await;
    let named = confirm.text().await.unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(named.contains(&name), "{named}");
    s.css(&format!(
        "[data-testid='{testid}'] [data-testid='local-confirm-yes']"
    ))
    .await
    .click()
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_url_planted_by_a_page_is_not_read_until_confirmed() {
    let s = Session::start().await;
    // What a web page can put in a drag: a file:// URL and no file.
    s.client
        .execute(
            "const zone = document.querySelector(\"[data-testid='reference-start']\"); \
             const data = new DataTransfer(); \
             data.setData('text/uri-list', 'file:///etc/passwd'); \
             zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));",
            vec![],
        )
        .await
        .unwrap();
    let confirm = s
        .css("[data-testid='reference-start'] [data-testid='local-confirm']")
        .await;
    assert!(confirm.text().await.unwrap().contains("/etc/passwd"));
    // Escape: nothing is read, nothing is added, nothing is said about the file.
    s.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&fantoccini::key::Key::Escape.to_string())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let left = s
        .client
        .execute(
            "const zone = document.querySelector(\"[data-testid='reference-start']\"); \
             return [zone.dataset.count, !!zone.querySelector(\"[data-testid='local-confirm']\"), \
                     !!zone.querySelector(\"[data-testid='field-problem']\")];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(left, serde_json::json!(["0", false, false]));
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_dragged_from_outside_reaches_the_reference_zone() {
    let s = Session::start().await;
    let file = s.env.data_dir.path().join("still frame.png");
    std::fs::write(&file, PNG).unwrap();
    drag_file_onto(&s, "reference-start", &file).await;

    // The file reached the core; in Sandbox mode, with no storage set up, the emulator
    // holds it and the slot has the URL it serves it under, checked like any reference.
    let item = s
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("[data-testid='reference-start'] .ref-item"))
        .await
        .expect("the drop was answered");
    let url = item.attr("data-url").await.unwrap().unwrap_or_default();
    assert!(
        url.contains("/__sandbox/files/") && url.ends_with(".png"),
        "{url}"
    );
    let fetched = crate::harness::fetch_local(&url).await;
    assert_eq!(
        fetched.as_slice(),
        PNG,
        "the emulator serves the file as dropped"
    );
    s.css("[data-testid='reference-start'] .ref-thumb img")
        .await;
    s.screenshot("compose-file-drop").await;
    s.end().await;
}

/// Sets up `weed` as the upload storage in Settings, as a person does, and waits until its
/// test passes.
pub async fn set_up_storage(s: &Session, weed: &weed::Weed) {
    s.wait_for("nav-settings").await.click().await.unwrap();
    s.wait_for("storage-enabled").await.click().await.unwrap();
    for (testid, value) in [
        (
            "storage-endpoint",
            format!("http://127.0.0.1:{}", weed.s3_port),
        ),
        ("storage-bucket", BUCKET.to_string()),
        ("storage-access-key", ACCESS_KEY.to_string()),
        ("storage-secret", SECRET.to_string()),
    ] {
        s.wait_for(testid).await.send_keys(&value).await.unwrap();
    }
    s.wait_for("storage-secret-save")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for_text("storage-message", |t| t.contains("keychain"))
        .await;
    // A fresh SeaweedFS can take a moment before its bucket answers.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        s.wait_for("storage-test").await.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let text = s.wait_for("storage-message").await.text().await.unwrap();
        if text.contains("The storage works") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the storage test kept failing: {text}"
        );
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_file_is_uploaded_to_the_storage_set_up_in_settings() {
    let weed = start_weed();
    let s = Session::start().await;
    set_up_storage(&s, &weed).await;
    s.screenshot("settings-storage").await;

    s.wait_for("nav-compose").await.click().await.unwrap();
    let file = s.env.data_dir.path().join("start.png");
    std::fs::write(&file, PNG).unwrap();
    drag_file_onto(&s, "reference-start", &file).await;
    // Uploaded, referenced by a presigned URL on the storage, previewed, and the mode follows.
    let item = s.css("[data-testid='reference-start'] .ref-item").await;
    let url = item.attr("data-url").await.unwrap().unwrap();
    assert!(
        url.starts_with(&format!(
            "http://127.0.0.1:{}/{BUCKET}/seedance/",
            weed.s3_port
        )),
        "{url}"
    );
    assert!(url.contains("X-Amz-Signature="), "{url}");
    s.css("[data-testid='reference-start'] .ref-thumb img")
        .await;
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("image-to-video")
    );
    // The provider's documented limits come back as a warning, not a refusal.
    let warning = s
        .css("[data-testid='reference-start'] [data-testid='field-problem']")
        .await
        .text()
        .await
        .unwrap();
    assert!(warning.contains("300 to 6000 px"), "{warning}");
    s.screenshot("compose-uploaded").await;

    // Rendered, then the upload is deleted from the storage (uploads are not kept).
    s.wait_for("composer-prompt")
        .await
        .send_keys("The woman from the start frame turns towards the light")
        .await
        .unwrap();
    s.wait_for("composer-submit").await.click().await.unwrap();
    s.wait_for_text("composer-submitted", |t| t.contains("Queued"))
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let status = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", &url])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&status.stdout) == "404" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the upload was not deleted after its render"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    s.end().await;
}
