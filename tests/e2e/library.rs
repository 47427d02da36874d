//! The Queue and the Library end to end, in Sandbox mode: three renders watched to the end,
//! a desktop notification seen on the bus, one found by its prompt and played, favourited,
//! remixed and extended into the composer, one deleted, the credits panel, and closing with
//! a render in flight.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

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
