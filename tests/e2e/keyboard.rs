//! What a person does most, with the keyboard alone (every key goes to the element that has
//! the focus, as from a keyboard; nothing is clicked): reach the prompt with Tab, write it
//! and generate with Ctrl+Enter, hear that it is ready, open the render in the Library, play
//! its preview, walk to the next render and back, favourite it, and close back to its tile.

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use serde_json::json;

use crate::fixes::{focused, wait_focus};
use crate::harness::Session;

/// Presses Tab until the focus is on an element matching `selector`; fails after `most`.
async fn tab_to(s: &Session, selector: &str, most: usize) {
    let mut trail = Vec::new();
    for _ in 0..most {
        let there = s
            .client
            .execute(
                "return !!document.activeElement?.matches?.(arguments[0]);",
                vec![json!(selector)],
            )
            .await
            .unwrap();
        if there == json!(true) {
            return;
        }
        let f = focused(s).await;
        trail.push(format!("{}:{}", f["tag"], f["testid"]));
        s.press(&Key::Tab.to_string()).await;
    }
    panic!("{selector} is not reached with {most} presses of Tab: {trail:?}");
}

/// Writes `prompt` into the focused prompt (replacing what was there) and generates.
async fn generate(s: &Session, prompt: &str) {
    s.press(&format!("{}a", Key::Control)).await;
    s.press(&Key::Backspace.to_string()).await;
    s.press(prompt).await;
    // The check of the draft (with its estimate) arrives a moment after the last change.
    tokio::time::sleep(Duration::from_millis(800)).await;
    s.press(&format!("{}{}", Key::Control, Key::Enter)).await;
}

async fn wait_true(s: &Session, what: &str, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.client.execute(script, vec![]).await.unwrap() != json!(true) {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_open_play_walk_and_favourite_without_a_pointer() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.press(&format!("{}1", Key::Control)).await;
    s.css("main[data-area='compose']").await;

    // Tab reaches the prompt; Ctrl+Enter generates; a screen reader hears it is ready.
    tab_to(&s, "[data-testid='composer-prompt']", 40).await;
    generate(&s, "a paper boat drifting down a gutter stream").await;
    s.wait_for_text("announce-polite", |t| {
        t == "Ready: a paper boat drifting down a gutter stream"
    })
    .await;
    generate(&s, "a paper lantern rising over a dark lake").await;
    s.wait_for_text("announce-polite", |t| {
        t.starts_with("Ready: a paper lantern")
    })
    .await;
    assert_eq!(
        s.count("[data-testid='feed-item'][data-state='ready']")
            .await,
        2
    );

    // The Library, with Ctrl+2; Tab reaches the grid's one tile, the newest.
    s.press(&format!("{}2", Key::Control)).await;
    s.wait_count("[data-testid='library-item']", 2).await;
    tab_to(&s, "[data-testid='library-item']", 40).await;
    let ids = s.tile_ids().await;
    let (lantern, boat) = (ids[0].clone(), ids[1].clone());
    assert_eq!(focused(&s).await["id"], json!(lantern));

    // The focused tile's preview plays; Space stops it and plays it again.
    let preview_plays = "const v = document.querySelector('.tile.focused .hover-play'); \
         return !!v && !v.paused && v.currentTime > 0;";
    wait_true(&s, "the focused tile's preview never played", preview_plays).await;
    s.press(" ").await;
    s.wait_count(".tile.focused .hover-play", 0).await;
    s.press(" ").await;
    wait_true(&s, "Space did not play the preview again", preview_plays).await;

    // Enter opens it, and its clip plays in the drawer.
    s.press(&Key::Enter.to_string()).await;
    s.wait_attr("[data-testid='detail']", "data-id", &lantern)
        .await;
    wait_focus(&s, "in the drawer", |f| f["inDetail"] == json!(true)).await;
    wait_true(
        &s,
        "the drawer's clip never played",
        "const v = document.querySelector(\"[data-testid='library-video']\"); \
         return !!v && !v.paused && v.readyState >= 2 && v.currentTime > 0;",
    )
    .await;

    // → walks to the next render in the grid's order, ← back.
    s.press(&Key::Right.to_string()).await;
    s.wait_attr("[data-testid='detail']", "data-id", &boat)
        .await;
    s.wait_attr("[data-testid='detail-next']", "disabled", "true")
        .await;
    s.press(&Key::Left.to_string()).await;
    s.wait_attr("[data-testid='detail']", "data-id", &lantern)
        .await;

    // Tab to Favourite, Space presses it.
    tab_to(&s, "[data-testid='detail-favourite']", 30).await;
    s.press(" ").await;
    s.wait_attr("[data-testid='detail-favourite']", "aria-pressed", "true")
        .await;
    let stored = s.invoke("job_detail", json!({ "id": lantern })).await;
    assert_eq!(
        stored["ok"]["summary"]["favourite"],
        json!(true),
        "{stored}"
    );

    // Escape closes the drawer back to the render's tile.
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("[data-testid='detail']", 0).await;
    let f = wait_focus(&s, "the tile", |f| f["tile"] == json!(true)).await;
    assert_eq!(f["id"], json!(lantern));
    s.end().await;
}
