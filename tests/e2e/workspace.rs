//! The workspace at the smallest supported window (1024×640): a render submitted from the
//! composer appears in the feed beside it, plays on the stage, and the prompt, the
//! settings, Generate and the clip are on screen at once, none over another; a frame of it
//! is a start frame (held by the emulator, as there is no storage); dragged onto a slot it is the last frame or the
//! clip while the service serves them; Reuse asks before replacing work the person did
//! since, and an untouched draft is replaced without asking.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::fixes::resize;
use crate::harness::Session;

/// The rectangles of the controls that must be in view together, and the viewport.
const RECTS: &str = r#"
const pick = (sel) => { const r = document.querySelector(sel)?.getBoundingClientRect();
  return r ? [r.left, r.top, r.right, r.bottom] : null; };
return {
  view: [0, 0, window.innerWidth, document.querySelector('.statusbar').getBoundingClientRect().top],
  prompt: pick("[data-testid='composer-prompt']"),
  chips: pick(".setting-chips"),
  scroll: pick(".composer-scroll"),
  generate: pick("[data-testid='composer-submit']"),
  clip: pick("[data-testid='workspace-player'] video"),
};
"#;

fn rect(v: &Value) -> [f64; 4] {
    let a = v
        .as_array()
        .unwrap_or_else(|| panic!("not on the page: {v}"));
    [0, 1, 2, 3].map(|i| a[i].as_f64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_plays_beside_the_composer_and_everything_fits_at_1024_by_640() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    resize(&s, 1024, 640).await;
    let prompt = s.wait_for("composer-prompt").await;
    prompt
        .send_keys("A paper lantern drifts over a night river, slow dolly-in")
        .await
        .unwrap();
    let generate = s.wait_for("composer-submit").await;
    s.wait_for_text("composer-submit", |t| t.contains("credits"))
        .await;
    generate.click().await.unwrap();

    // In the feed at once, then on the stage, playing.
    s.wait_count("[data-testid='feed-item']", 1).await;
    s.wait_attr("[data-testid='feed-item']", "data-state", "ready")
        .await;
    let id = s
        .css("[data-testid='feed-item']")
        .await
        .attr("data-id")
        .await
        .unwrap()
        .unwrap();
    s.wait_attr("[data-testid='workspace-player']", "data-id", &id)
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let playing = s
            .client
            .execute(
                "const v = document.querySelector(\"[data-testid='workspace-player'] video\"); \
                 return !!v && v.readyState >= 2 && v.currentTime > 0 && !v.error;",
                vec![],
            )
            .await
            .unwrap();
        if playing == json!(true) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the clip never played on the stage"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The prompt, the settings, Generate and the clip: all in view, none over another.
    let r = s.client.execute(RECTS, vec![]).await.unwrap();
    let view = rect(&r["view"]);
    let parts = ["prompt", "chips", "generate", "clip"].map(|k| (k, rect(&r[k])));
    for (name, [l, t, rr, b]) in parts {
        assert!(
            l >= view[0] - 0.5 && t >= view[1] - 0.5 && rr <= view[2] + 0.5 && b <= view[3] + 0.5,
            "{name} {:?} is not inside the window {view:?}",
            [l, t, rr, b]
        );
    }
    // The prompt and every chip are in the composer's own view, not scrolled under it.
    let scroll = rect(&r["scroll"]);
    for (name, [l, t, rr, b]) in &parts[..2] {
        assert!(
            *l >= scroll[0] - 0.5
                && *t >= scroll[1] - 0.5
                && *rr <= scroll[2] + 0.5
                && *b <= scroll[3] + 0.5,
            "{name} {:?} is scrolled out of the composer {scroll:?}",
            [l, t, rr, b]
        );
    }
    for (i, (a, ra)) in parts.iter().enumerate() {
        for (b, rb) in &parts[i + 1..] {
            let apart = ra[2] <= rb[0] || rb[2] <= ra[0] || ra[3] <= rb[1] || rb[3] <= ra[1];
            assert!(apart, "{a} {ra:?} overlaps {b} {rb:?}");
        }
    }
    s.screenshot("workspace").await;

    // A frame of it for the draft: in Sandbox mode, with no upload storage, the emulator
    // holds the JPEG, and the start frame is its URL.
    s.click("[data-testid='use-as-start']").await;
    let held = s
        .css("[data-testid='reference-start'] .ref-item")
        .await
        .attr("data-url")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        held.contains("/__sandbox/files/") && held.ends_with(".jpg"),
        "{held}"
    );
    let jpeg = crate::harness::fetch_local(&held).await;
    assert!(jpeg.starts_with(b"\xFF\xD8\xFF"), "the frame is a JPEG");
    assert_eq!(
        s.count("[data-testid='feed-note']:not(:empty)").await,
        0,
        "nothing to say"
    );

    // Dragged from the feed onto a slot: onto the start frame, its last frame (the output
    // the service still serves, so no storage is needed); onto the media references, its
    // clip, which replaces the frame (a request has one or the other).
    let detail = s.invoke("job_detail", json!({ "id": id })).await;
    let frame_url = detail["ok"]["last_frame_url"].as_str().unwrap().to_string();
    let clip_url = detail["ok"]["video_url"].as_str().unwrap().to_string();
    for (slot, url) in [
        ("reference-start", &frame_url),
        ("reference-media", &clip_url),
    ] {
        s.drag_start(
            &s.css(&format!(
                "[data-testid='feed-item'][data-id='{id}'] .feed-pick"
            ))
            .await,
        )
        .await;
        s.drop_on(&s.wait_for(slot).await).await;
        s.wait_attr(&format!("[data-testid='{slot}']"), "data-count", "1")
            .await;
        s.wait_attr(
            &format!("[data-testid='{slot}'] .ref-item"),
            "data-url",
            url.as_str(),
        )
        .await;
    }
    assert_eq!(
        s.count("[data-testid='reference-start'] .ref-item").await,
        0,
        "the clip replaced the frame"
    );

    // The draft was sent and is untouched: Reuse replaces it without asking.
    prompt.clear().await.unwrap();
    prompt.send_keys("A different idea").await.unwrap();
    s.click("[data-testid='feed-reuse']").await;
    s.click("[data-testid='feed-replace-yes']").await;
    s.wait_count("[data-testid='feed-replace']", 0).await;
    assert_eq!(
        s.prop("composer-prompt", "value").await.as_deref(),
        Some("A paper lantern drifts over a night river, slow dolly-in")
    );
    // Reused and untouched since: Extend replaces it without asking.
    s.click("[data-testid='feed-extend']").await;
    s.wait_for("composer-extends").await;
    assert_eq!(s.count("[data-testid='feed-replace']").await, 0);
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("media-to-video")
    );
    s.end().await;
}
