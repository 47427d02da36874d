//! The Queue and the Library end to end, in Sandbox mode: three renders watched to the end,
//! a desktop notification seen on the bus, one found by its prompt and played, favourited,
//! remixed and extended into the composer, one deleted, the credits panel, and closing with
//! a render in flight.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::dialogs::{answer_file_dialog, display};
use crate::harness::Session;

async fn open(s: &Session, prompt_word: &str) {
    let search = s.wait_for("library-search").await;
    search.clear().await.unwrap();
    search.send_keys(prompt_word).await.unwrap();
    s.wait_count("[data-testid='library-item']", 1).await;
    s.css("[data-testid='library-item']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("detail").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_find_play_favourite_remix_extend_and_delete() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    // Notifications are method calls on the session bus; watch for them.
    let bus = s.env.var("DBUS_SESSION_BUS_ADDRESS").unwrap().to_string();
    let mut monitor = Command::new("dbus-monitor")
        .args([
            "--address",
            &bus,
            "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor (Debian dbus) is installed");
    tokio::time::sleep(Duration::from_millis(300)).await;

    for prompt in [
        "a red kite over golden dunes",
        "a lighthouse beam sweeping through fog",
        "a paper boat on a rain puddle",
    ] {
        let job = s
            .invoke(
                "job_submit",
                json!({ "draft": { "prompt": prompt }, "confirmedSpend": false }),
            )
            .await;
        assert!(job.get("ok").is_some(), "{job}");
    }
    s.click("[data-testid='queue-tray']").await;
    s.wait_count("[data-testid='queue-item'][data-state='ready']", 3)
        .await;
    s.wait_for_text("queue-budget", |t| t.contains("Requests"))
        .await;
    s.screenshot("queue-finished").await;

    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_count("[data-testid='library-item']", 3).await;
    let credits = s.wait_for("credits-total").await;
    let used: u64 = credits
        .attr("data-used")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(used, 90, "three standard 5 s 720p renders");
    s.screenshot("library").await;

    // Found by its prompt, opened, played from the loopback media server.
    open(&s, "lighthouse").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let playing = s
            .client
            .execute(
                "const v = document.querySelector(\"[data-testid='library-video']\"); \
                 return !!v && !v.paused && v.readyState >= 2 && v.currentTime > 0 && !v.error;",
                vec![],
            )
            .await
            .unwrap();
        if playing == json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "the video never played");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    s.screenshot("library-detail").await;

    // Favourite, then only favourites.
    s.wait_for("detail-favourite").await.click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while s
        .wait_for("detail-favourite")
        .await
        .attr("aria-pressed")
        .await
        .unwrap()
        .as_deref()
        != Some("true")
    {
        assert!(Instant::now() < deadline, "not favourited");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Downloaded where the person says: the very file that played, byte for byte.
    let id = s
        .wait_for("detail")
        .await
        .attr("data-id")
        .await
        .unwrap()
        .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("lighthouse.mp4");
    let answer = {
        let (d, file) = (display(&s), file.clone());
        std::thread::spawn(move || answer_file_dialog(&d, "Save the video", Some(&file), true))
    };
    s.click("[data-testid='detail-download']").await;
    answer.join().unwrap();
    s.wait_for_text("detail-note", |t| t.contains("lighthouse.mp4"))
        .await;
    let detail = s.invoke("job_detail", json!({ "id": id })).await;
    let stored = detail["ok"]["video_path"].as_str().unwrap().to_string();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&stored).unwrap(),
        "the saved file is the render's video"
    );
    assert_eq!(
        std::fs::read_dir(folder.path()).unwrap().count(),
        1,
        "no partial file is left beside it"
    );

    // The task id and the command line are folded away under "Technical".
    let folded = "const c = document.querySelector(\"[data-testid='detail-command']\"); \
                  const d = c.closest(\"[data-testid='detail-technical']\"); \
                  return [d.tagName, d.open];";
    assert_eq!(
        s.client.execute(folded, vec![]).await.unwrap(),
        json!(["DETAILS", false])
    );
    s.click("[data-testid='detail-technical'] > summary").await;
    assert_eq!(
        s.client.execute(folded, vec![]).await.unwrap(),
        json!(["DETAILS", true])
    );
    let command = s.wait_for("detail-command").await.text().await.unwrap();
    assert!(
        command.starts_with("seedance --sandbox generate --prompt 'a lighthouse beam"),
        "{command}"
    );

    // Remix: the composer gets the request (it was empty, so nothing to ask).
    s.wait_for("detail-remix").await.click().await.unwrap();
    s.css("main[data-area='compose']").await;
    let prompt = s.wait_for("composer-prompt").await;
    assert_eq!(
        prompt.prop("value").await.unwrap().as_deref(),
        Some("a lighthouse beam sweeping through fog")
    );

    // Extend: the remixed draft is untouched, so it is replaced without asking.
    let favourite = async || {
        s.click("[data-testid='nav-library']").await;
        s.click("[data-testid='library-filter-favourites']").await;
        s.wait_count("[data-testid='library-item']", 1).await;
        s.click("[data-testid='library-item']").await;
    };
    favourite().await;
    s.click("[data-testid='detail-extend']").await;
    s.css("main[data-area='compose']").await;
    let prompt = s.wait_for("composer-prompt").await;
    // The person's prompt; the engine adds what the service needs to continue a clip.
    let text = prompt.prop("value").await.unwrap().unwrap();
    assert_eq!(text, "a lighthouse beam sweeping through fog");
    assert_eq!(
        s.wait_for("composer-extends")
            .await
            .attr("data-from")
            .await
            .unwrap()
            .as_deref(),
        Some("clip")
    );
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("media-to-video")
    );
    assert_eq!(
        s.wait_for("reference-media")
            .await
            .attr("data-count")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );

    // Once the person has worked on it, Remix asks before replacing it.
    prompt.send_keys(", then the storm clears").await.unwrap();
    favourite().await;
    s.click("[data-testid='detail-remix']").await;
    s.click("[data-testid='detail-replace-yes']").await;
    s.css("main[data-area='compose']").await;
    assert_eq!(
        s.prop("composer-prompt", "value").await.as_deref(),
        Some("a lighthouse beam sweeping through fog")
    );
    assert_eq!(s.count("[data-testid='composer-extends']").await, 0);

    // Delete one, confirmed (the Library opens afresh: no filter).
    s.wait_for("nav-library").await.click().await.unwrap();
    open(&s, "paper boat").await;
    s.wait_for("detail-delete").await.click().await.unwrap();
    s.wait_for("detail-delete-yes").await.click().await.unwrap();
    // The drawer closes, and the Library behind it takes input again.
    s.wait_count("[data-testid='detail']", 0).await;
    let search = s.wait_for("library-search").await;
    search.clear().await.unwrap();
    search.send_keys(" ").await.unwrap();
    s.wait_count("[data-testid='library-item']", 2).await;

    // A notification for each finished render went out on the bus.
    let _ = monitor.kill();
    let mut seen = String::new();
    monitor
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut seen)
        .unwrap();
    let _ = monitor.wait();
    assert!(
        seen.matches("Render ready").count() >= 3,
        "notifications seen on the bus:\n{seen}"
    );

    // Closing with a render in flight says it will resume, and offers to stay.
    let job = s
        .invoke(
            "job_submit",
            json!({ "draft": { "prompt": "steam over a teacup" }, "confirmedSpend": false }),
        )
        .await;
    assert!(job.get("ok").is_some(), "{job}");
    let display = s.env.var("DISPLAY").unwrap().to_string();
    let found = Command::new("xdotool")
        .args(["search", "--name", "^Seedance Studio$"])
        .env("DISPLAY", &display)
        .output()
        .expect("xdotool is installed by scripts/test");
    let ids = String::from_utf8(found.stdout).unwrap();
    for id in ids.split_whitespace() {
        let status = Command::new("/usr/bin/python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/e2e/close_window.py"
            ))
            .arg(id)
            .env("DISPLAY", &display)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let dialog = s
        .wait_for_text("quit-dialog", |t| t.contains("in flight"))
        .await;
    assert!(dialog.contains("next time"), "{dialog}");
    s.screenshot("quit-dialog").await;
    s.end().await;
}

/// The width over height of every tile's picture, by render id.
async fn tile_shapes(s: &Session) -> serde_json::Value {
    s.client
        .execute(
            "const out = {}; \
             for (const t of document.querySelectorAll(\"[data-testid='library-item']\")) { \
               const r = t.querySelector('.tile-media').getBoundingClientRect(); \
               out[t.dataset.id] = { ratio: r.width / r.height, width: t.getBoundingClientRect().width }; \
             } return out;",
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiles_keep_their_clips_shape_grow_with_the_slider_and_take_a_star() {
    let s = Session::start().await;
    for (prompt, aspect) in [("a tall waterfall", "9:16"), ("a wide desert road", "21:9")] {
        let job = s
            .invoke(
                "job_submit",
                json!({ "draft": { "prompt": prompt, "aspect_ratio": aspect }, "confirmedSpend": false }),
            )
            .await;
        assert!(job.get("ok").is_some(), "{job}");
    }
    s.wait_jobs_in("ready", 2).await;
    s.click("[data-testid='nav-library']").await;
    s.wait_count("[data-testid='library-item'] img", 2).await;
    let ids = s.tile_ids().await;
    let (wide, tall) = (&ids[0], &ids[1]);

    // Each picture in its clip's own shape.
    let shapes = tile_shapes(&s).await;
    let ratio = |id: &str| shapes[id]["ratio"].as_f64().unwrap();
    assert!((ratio(tall) - 9.0 / 16.0).abs() < 0.03, "{shapes}");
    assert!((ratio(wide) - 21.0 / 9.0).abs() < 0.05, "{shapes}");

    // The slider makes the tiles larger, and the size is kept.
    let before = shapes[tall]["width"].as_f64().unwrap();
    s.client
        .execute(
            "const r = document.querySelector(\"[data-testid='library-size']\"); \
             r.value = r.max; r.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let grown = tile_shapes(&s).await;
    assert!(
        grown[tall.as_str()]["width"].as_f64().unwrap() > before * 1.4,
        "{shapes} then {grown}"
    );
    let kept = s
        .client
        .execute("return localStorage.getItem('library.tileSize');", vec![])
        .await
        .unwrap();
    assert_eq!(kept, json!("360"));

    // The star on a tile favourites the render, and the favourites filter finds it.
    s.click(&format!(
        "[data-testid='library-item'][data-id='{tall}'] + [data-testid='tile-favourite']"
    ))
    .await;
    s.wait_attr(
        &format!("[data-testid='library-item'][data-id='{tall}'] + [data-testid='tile-favourite']"),
        "aria-pressed",
        "true",
    )
    .await;
    let stored = s.invoke("job_detail", json!({ "id": tall })).await;
    assert_eq!(
        stored["ok"]["summary"]["favourite"],
        json!(true),
        "{stored}"
    );
    s.click("[data-testid='library-filter-favourites']").await;
    s.wait_count("[data-testid='library-item']", 1).await;
    s.click("[data-testid='library-filter-favourites']").await;

    // One filter row: "today" keeps both, and the credits open as a small meter.
    s.client
        .execute(
            "const w = document.querySelector(\"[data-testid='library-filter-when']\"); \
             w.value = 'today'; w.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    s.wait_count("[data-testid='library-item']", 2).await;
    s.click("[data-testid='credits-total']").await;
    s.wait_attr("[data-testid='credits-total']", "aria-expanded", "true")
        .await;
    s.css("#credits-days .days li").await;
    s.screenshot("library-tiles").await;

    // A tile dragged out of the grid brings up the draft's slots; dropped on the start
    // frame, the render's last frame is in the composer's draft.
    let tile = s
        .css(&format!("[data-testid='library-item'][data-id='{wide}']"))
        .await;
    assert_eq!(
        tile.attr("draggable").await.unwrap().as_deref(),
        Some("true")
    );
    s.drag_start(&tile).await;
    s.drop_on(&s.wait_for("dock-start").await).await;
    let note = s.wait_for_text("dock-note", |t| !t.is_empty()).await;
    assert!(note.contains("start frame"), "{note}");
    s.click("[data-testid='dock-compose']").await;
    let detail = s.invoke("job_detail", json!({ "id": wide })).await;
    let frame_url = detail["ok"]["last_frame_url"].as_str().unwrap();
    s.wait_attr(
        "[data-testid='reference-start'] .ref-item",
        "data-url",
        frame_url,
    )
    .await;
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("image-to-video")
    );
    s.end().await;
}
