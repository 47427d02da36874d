//! Any frame of a render as a reference: a Sandbox render scrubbed to 2 s in its detail
//! view, that frame used as the start frame of the draft (uploaded to the storage set up in
//! Settings, as a dropped file is), and the request sent with it; a frame outside the
//! render refused; and a frame made the start frame of a project's shot.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::drop::set_up_storage;
use crate::drop::weed::{BUCKET, start_weed};
use crate::harness::Session;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_of_a_render_becomes_the_start_frame_of_the_request() {
    let weed = start_weed();
    let s = Session::start().await;
    set_up_storage(&s, &weed).await;
    s.submit(&["a lighthouse beam sweeping through fog"], false)
        .await;
    let jobs = s.wait_jobs_in("ready", 1).await;
    let source = jobs[0]["id"].as_str().unwrap().to_string();

    // A frame before the start or past the end of the render is refused by field, and
    // nothing reaches the storage.
    for (at_s, says) in [(-1.0, "0 s or later"), (99.0, "past the end")] {
        let refused = s
            .client
            .execute_async(
                "const [id, atS, done] = arguments; const i = window.__TAURI_INTERNALS__; \
                 const progress = `__CHANNEL__:${i.transformCallback(() => {})}`; \
                 i.invoke('frame_reference', { id, atS, progress }) \
                   .then(ok => done({ ok }), err => done({ err }));",
                vec![json!(source), json!(at_s)],
            )
            .await
            .unwrap();
        assert_eq!(refused["err"]["code"], "invalid_input", "{refused}");
        assert_eq!(refused["err"]["field"], "at_s", "{refused}");
        let message = refused["err"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message}");
    }
    assert_eq!(stored(&weed), 0, "nothing uploaded for a refused frame");

    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_count("[data-testid='library-item']", 1).await;
    s.css("[data-testid='library-item']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("library-video").await;
    // Scrubbed to 2 s, as a person drags the player's bar.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let at = s
            .client
            .execute(
                "const v = document.querySelector(\"[data-testid='library-video']\"); \
                 if (v.readyState >= 2) { v.pause(); v.currentTime = 2; } return v.currentTime;",
                vec![],
            )
            .await
            .unwrap();
        if at.as_f64().is_some_and(|t| (t - 2.0).abs() < 0.01) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the player never reached 2 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.wait_for("detail-frame-start")
        .await
        .click()
        .await
        .unwrap();

    // The composer has it as its start frame, on the storage, and the mode follows.
    let item = s.css("[data-testid='reference-start'] .ref-item").await;
    let url = item.attr("data-url").await.unwrap().unwrap();
    assert!(
        url.starts_with(&format!(
            "http://127.0.0.1:{}/{BUCKET}/seedance/",
            weed.s3_port
        )) && url.contains("X-Amz-Signature="),
        "{url}"
    );
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("image-to-video")
    );
    // The uploaded frame is a JPEG of the render's size.
    let frame = Command::new("curl").args(["-sf", &url]).output().unwrap();
    assert!(frame.status.success(), "the frame is on the storage");
    let jpeg = frame.stdout;
    assert!(jpeg.starts_with(b"\xFF\xD8\xFF"), "a JPEG");
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    let (h, w) = (
        u16::from_be_bytes([jpeg[sof + 5], jpeg[sof + 6]]),
        u16::from_be_bytes([jpeg[sof + 7], jpeg[sof + 8]]),
    );
    assert_eq!((w, h), (1280, 720));
    assert_eq!(stored(&weed), 1, "the frame is the one object stored");

    // Sent: the request carries it.
    s.wait_for("composer-prompt")
        .await
        .send_keys("The lighthouse from the start frame, its beam turning towards us")
        .await
        .unwrap();
    s.wait_for("composer-submit").await.click().await.unwrap();
    s.wait_for_text("composer-submitted", |t| t.contains("Queued"))
        .await;
    let recent = s.invoke("jobs_recent", json!({ "limit": 5 })).await;
    let sent = recent["ok"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] != source.as_str())
        .expect("the new render")
        .clone();
    let detail = s.invoke("job_detail", json!({ "id": sent["id"] })).await;
    assert_eq!(detail["ok"]["request"]["image_url"], url, "{detail}");
    assert_eq!(detail["ok"]["request"]["mode"], "image-to-video");

    // A frame for a shot: while the shot is edited in the composer, a frame taken in the
    // Library becomes its start frame, and is saved with the shot.
    let made = s.invoke("project_new", json!({ "name": "Beacon" })).await;
    assert!(made["ok"].is_object(), "{made}");
    let added = s
        .invoke(
            "shot_add",
            json!({ "project": "Beacon", "index": 1, "plan": { "prompt": "The beam finds a small boat in the fog." } }),
        )
        .await;
    assert!(added["ok"].is_object(), "{added}");
    s.wait_for("nav-projects").await.click().await.unwrap();
    s.css("[data-testid='shot-card'][data-index='1'] [data-testid='shot-compose']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("composer-shot").await;
    s.wait_for("nav-library").await.click().await.unwrap();
    s.css(&format!("[data-testid='library-item'][data-id='{source}']"))
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("library-video").await;
    s.wait_for("detail-frame-start")
        .await
        .click()
        .await
        .unwrap();
    // Still editing that shot of that project.
    let editing = s.wait_for("composer-shot").await;
    assert_eq!(
        (
            editing.attr("data-project").await.unwrap(),
            editing.attr("data-index").await.unwrap()
        ),
        (
            made["ok"]["id"].as_str().map(String::from),
            Some("1".into())
        )
    );
    let shot_frame = s
        .css("[data-testid='reference-start'] .ref-item")
        .await
        .attr("data-url")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(shot_frame, url, "a frame of its own");
    s.wait_for("composer-shot-save")
        .await
        .click()
        .await
        .unwrap();
    s.wait_count("[data-testid='composer-shot']", 0).await;
    let project = s
        .invoke("project_get", json!({ "project": "Beacon" }))
        .await;
    assert_eq!(project["ok"]["shots"][0]["image"], shot_frame, "{project}");
    assert_eq!(
        stored(&weed),
        2,
        "the shot's frame is stored beside the first"
    );
    s.end().await;
}

/// How many entries the storage holds under the app's folder, as its filer lists them.
fn stored(weed: &crate::drop::weed::Weed) -> usize {
    let listing = Command::new("curl")
        .args([
            "-s",
            "-H",
            "Accept: application/json",
            &format!(
                "http://127.0.0.1:{}/buckets/{BUCKET}/seedance/",
                weed.s3_port - 1
            ),
        ])
        .output()
        .unwrap();
    let listing: serde_json::Value = serde_json::from_slice(&listing.stdout).unwrap_or_default();
    listing["Entries"].as_array().map_or(0, Vec::len)
}
