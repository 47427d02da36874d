//! Comparing renders in the window: two Sandbox renders chosen with Ctrl+click in the
//! Library, side by side on one transport. Playing, their current times stay within 50 ms
//! of each other; pausing, stepping a frame and scrubbing move both; the settings table
//! marks where they differ; the keys work (the shortcut sheet, moving between them, J/K/L,
//! P to pick, which keeps the one in focus as a favourite); Escape closes. Then the
//! Library is culled with the keys alone: the sheet, moving, playing, rating, rejecting,
//! picking and opening.

use std::time::Duration;

use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::harness::Session;

/// Every compared video's current time, read at once.
async fn times(s: &Session) -> Vec<f64> {
    let value = s
        .client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='compare-video']\")].map(v => v.currentTime)",
            vec![],
        )
        .await
        .unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn spread(times: &[f64]) -> f64 {
    let max = times.iter().cloned().fold(f64::MIN, f64::max);
    let min = times.iter().cloned().fold(f64::MAX, f64::min);
    max - min
}

async fn key(s: &Session, keys: &str) {
    s.wait_for("compare-view")
        .await
        .send_keys(keys)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_renders_play_in_sync_and_one_is_picked() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.submit(
        &[
            "a red kite over golden dunes",
            "a paper boat on a rain puddle",
        ],
        false,
    )
    .await;
    let jobs = s.wait_jobs_in("ready", 2).await;
    let ids: Vec<String> = jobs
        .iter()
        .take(2)
        .map(|j| j["id"].as_str().unwrap().to_string())
        .collect();

    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_count("[data-testid='library-item']", 2).await;
    for id in &ids {
        s.client
            .execute(
                "document.querySelector(`[data-testid='library-item'][data-id='${arguments[0]}']`)\
                 .dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: true }))",
                vec![json!(id)],
            )
            .await
            .unwrap();
    }
    s.wait_count("[data-testid='library-item'][data-compared='true']", 2)
        .await;
    assert_eq!(
        s.count("[data-testid='detail']").await,
        0,
        "Ctrl+click opens nothing"
    );
    s.wait_for("library-compare").await.click().await.unwrap();
    s.wait_for("compare-view").await;
    s.wait_count("[data-testid='compare-video']", 2).await;
    // Both loaded far enough to play.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ready = s
            .client
            .execute(
                "return [...document.querySelectorAll(\"[data-testid='compare-video']\")].every(v => v.readyState >= 3)",
                vec![],
            )
            .await
            .unwrap();
        if ready == Value::Bool(true) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the videos never loaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The settings table marks the seeds apart, the settings alike.
    s.css("[data-testid='compare-row'][data-field='seed'][data-differs='true']")
        .await;
    s.css("[data-testid='compare-row'][data-field='resolution'][data-differs='false']")
        .await;

    // Playing: one clock.
    s.wait_for("compare-play").await.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mut last = 0.0;
    for _ in 0..10 {
        let now = times(&s).await;
        assert!(spread(&now) <= 0.05, "out of sync while playing: {now:?}");
        last = now[0];
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(last > 0.5, "the videos played ({last} s)");
    s.screenshot("compare").await;

    // Paused, a frame on, and scrubbed: both move together.
    s.wait_for("compare-play").await.click().await.unwrap();
    let paused = times(&s).await;
    assert!(spread(&paused) <= 0.05, "{paused:?}");
    s.wait_for("compare-step").await.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stepped = times(&s).await;
    assert!(spread(&stepped) <= 0.05, "{stepped:?}");
    let gained = stepped[0] - paused[0];
    assert!(
        gained > 0.0 && gained < 0.1,
        "one frame on: {paused:?} → {stepped:?}"
    );
    s.client
        .execute(
            "const r = document.querySelector(\"[data-testid='compare-scrubber']\"); \
             r.value = '2'; r.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let scrubbed = times(&s).await;
    assert!(
        scrubbed.iter().all(|t| (t - 2.0).abs() <= 0.05),
        "{scrubbed:?}"
    );

    // The keys: the sheet, L plays and K pauses, J goes a second back, → and P pick the second.
    key(&s, "?").await;
    s.wait_for("compare-shortcuts").await;
    key(&s, "l").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    key(&s, "k").await;
    let after_play = times(&s).await;
    assert!(after_play[0] > 2.2, "L played: {after_play:?}");
    key(&s, "j").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let back = times(&s).await;
    assert!(
        (after_play[0] - back[0] - 1.0).abs() < 0.1,
        "{after_play:?} → {back:?}"
    );
    assert!(spread(&back) <= 0.05, "{back:?}");
    key(&s, &Key::Right.to_string()).await;
    s.css(&format!(
        "[data-testid='compare-column'][data-id='{}'][data-focused='true']",
        ids[1]
    ))
    .await;
    key(&s, "p").await;
    s.wait_for_text("compare-note", |t| t == "Picked.").await;
    let detail = s.invoke("job_detail", json!({ "id": ids[1] })).await;
    assert_eq!(detail["ok"]["summary"]["favourite"], true, "{detail}");
    let other = s.invoke("job_detail", json!({ "id": ids[0] })).await;
    assert_eq!(other["ok"]["summary"]["favourite"], false);

    // Escape closes the sheet, then the view.
    key(&s, &Key::Escape.to_string()).await;
    s.wait_count("[data-testid='compare-shortcuts']", 0).await;
    key(&s, &Key::Escape.to_string()).await;
    s.wait_count("[data-testid='compare-view']", 0).await;

    // Culling the Library with the keys alone, from the tile that has the focus.
    let tile = |id: &str| format!("[data-testid='library-item'][data-id='{id}']");
    let first = s.css(&tile(&ids[0])).await;
    s.focus(&first).await;
    let grid = s.wait_for("library-grid").await;
    assert_eq!(
        grid.attr("data-focused").await.unwrap().as_deref(),
        Some(ids[0].as_str())
    );
    s.press("?").await;
    s.wait_for("library-shortcuts").await;
    s.press(&Key::Right.to_string()).await;
    s.css(&format!("{}.focused", tile(&ids[1]))).await;
    let focused: Value = s
        .client
        .execute("return document.activeElement.dataset.id ?? null", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!(ids[1]), "the moved-to tile has the focus");
    s.press("3").await;
    s.css(&format!("{}[data-rating='3']", tile(&ids[1]))).await;
    s.press("x").await;
    s.css(&format!("{}[data-rejected='true']", tile(&ids[1])))
        .await;
    s.press("p").await;
    let judged = s.invoke("job_detail", json!({ "id": ids[1] })).await;
    let summary = &judged["ok"]["summary"];
    assert_eq!(
        (&summary["rating"], &summary["rejected"]),
        (&json!(3), &json!(true)),
        "{judged}"
    );
    // P toggles the favourite the compare view set.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.invoke("job_detail", json!({ "id": ids[1] })).await["ok"]["summary"]["favourite"]
        != json!(false)
    {
        assert!(std::time::Instant::now() < deadline, "P did not pick");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The tile with the focus previews; Space stops it and plays it again.
    let playing = format!("{} .hover-play", tile(&ids[1]));
    s.css(&playing).await;
    s.press(" ").await;
    s.wait_count(&playing, 0).await;
    s.press(" ").await;
    s.css(&playing).await;
    s.press(&Key::Enter.to_string()).await;
    let detail = s.wait_for("detail").await;
    assert_eq!(
        detail.attr("data-id").await.unwrap().as_deref(),
        Some(ids[1].as_str())
    );
    s.screenshot("library-culled").await;
}
