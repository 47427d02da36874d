//! Compose end to end, in Sandbox mode: write, pick, see a combination refused with its
//! reason, add a URL reference (mode follows, preview shown), see problems at their fields,
//! submit with the button and with Ctrl+Enter, and watch the jobs in the Queue; then the
//! same view in dark and in Japanese.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::harness::Session;

async fn select(s: &Session, testid: &str, value: &str) {
    s.wait_for(testid)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{testid} = {value}: {e}"));
}

/// How the element at `selector` is drawn: its outline, ring and fill.
async fn look(s: &Session, selector: &str) -> String {
    let css = serde_json::to_string(selector).unwrap();
    s.client
        .execute(
            &format!(
                "const c = getComputedStyle(document.querySelector({css})); \
                 return [c.outlineStyle, c.boxShadow, c.backgroundColor, c.borderColor].join(' | ');"
            ),
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

async fn attr(s: &Session, testid: &str, name: &str) -> String {
    s.wait_for(testid)
        .await
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn wait_attr(s: &Session, testid: &str, name: &str, want: &str) {
    for _ in 0..100 {
        if attr(s, testid, name).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{testid} never had {name}={want:?}");
}

/// One raw HTTP/1.1 exchange with the emulator on `port`; the whole answer.
async fn exchange(port: u16, request: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// An image the app may fetch: the last frame of a render made directly on the app's own
/// Sandbox emulator (the one origin on loopback the app fetches from), once it is served.
async fn image_url(data: &std::path::Path) -> String {
    let port_file = data.join("sandbox/emulator.port");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let port: u16 = loop {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|p| p.trim().parse().ok())
        {
            break port;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the emulator has no port"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let body = r#"{"prompt":"a reference still"}"#;
    let answer = exchange(
        port,
        format!(
            "POST /api/v1/video/seedance2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            seedance_sandbox::DEFAULT_KEY,
            body.len()
        ),
    )
    .await;
    let json_start = answer.find('{').unwrap();
    let task: Value = serde_json::from_str(&answer[json_start..]).unwrap();
    let path = format!("/outputs/{}/last-frame.jpg", task["id"].as_str().unwrap());
    loop {
        let head = exchange(
            port,
            format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
        .await;
        if head.starts_with("HTTP/1.1 200") {
            return format!("http://127.0.0.1:{port}{path}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the still was never served: {head}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_pick_reference_submit_and_see_it_in_the_queue() {
    let s = Session::start().await;
    let still = image_url(&s.env.data_path()).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;

    let prompt = s.wait_for("composer-prompt").await;
    prompt
        .send_keys("A paper boat drifts across a rain puddle, slow dolly-in, soft light")
        .await
        .unwrap();

    // The settings are chips; each opens its whole choice. 4K is offered only with the pro
    // tier, and says so.
    s.open_setting("composer-resolution").await;
    let four_k = s
        .css("[data-testid='composer-resolution'] [data-value='4k']")
        .await;
    assert_eq!(
        four_k.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    let reason = s.css("[data-testid='composer-resolution'] .reason").await;
    assert!(
        reason
            .text()
            .await
            .unwrap()
            .contains("4K needs the pro tier")
    );
    // Escape closes it, and the focus is back on its chip.
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("#composer-resolution-popup", 0).await;
    assert_eq!(
        s.focused_attr("data-testid").await.as_deref(),
        Some("composer-resolution-chip")
    );
    // The tier by keyboard: Enter on its chip opens it with the focus on the chosen choice,
    // one Tab stop, the arrows move the choice, each with its price and a description.
    s.focus(&s.wait_for("composer-tier-chip").await).await;
    s.press(&Key::Enter.to_string()).await;
    s.css("#composer-tier-popup").await;
    let chosen = s
        .css("[data-testid='composer-tier'] [aria-checked='true']")
        .await;
    assert_eq!(
        chosen.attr("data-value").await.unwrap().as_deref(),
        Some("standard")
    );
    assert_eq!(
        s.focused_attr("data-value").await.as_deref(),
        Some("standard"),
        "the pop-up opens on the chosen choice"
    );
    let stops = s
        .client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='composer-tier'] [role='radio']\")].map(b => b.tabIndex);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stops, serde_json::json!([-1, 0, -1]));
    let prices = s
        .client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='composer-tier'] .choice-price\")].map(p => parseInt(p.textContent, 10));",
            vec![],
        )
        .await
        .unwrap();
    let prices: Vec<u64> = serde_json::from_value(prices).unwrap();
    assert!(
        prices.len() == 3 && prices[0] < prices[1] && prices[1] < prices[2],
        "{prices:?}"
    );
    let chosen_selector = "[data-testid='composer-tier'] [aria-checked='true']";
    let focused_look = look(&s, chosen_selector).await;
    s.focus(&s.css("#composer-tier-popup").await).await;
    let unfocused_look = look(&s, chosen_selector).await;
    assert_ne!(
        focused_look, unfocused_look,
        "focused and chosen look the same"
    );
    s.focus(&chosen).await;
    s.press(&Key::Right.to_string()).await;
    wait_attr(&s, "composer-tier", "data-value", "pro").await;
    assert_eq!(s.focused_attr("data-value").await.as_deref(), Some("pro"));
    s.wait_for_text("composer-tier-about", |t| t.contains("highest quality"))
        .await;
    s.wait_for_text("composer-tier-chip", |t| t.contains("Pro"))
        .await;
    // A click elsewhere closes it: on a field (which takes the focus), and on plain text.
    s.wait_for("composer-prompt").await.click().await.unwrap();
    s.wait_count("#composer-tier-popup", 0).await;
    s.open_setting("composer-tier").await;
    s.click("[data-testid='cost-hint']").await;
    s.wait_count("#composer-tier-popup", 0).await;
    s.choose("composer-resolution", "4k").await;
    // A choice clicked closes its pop-up, with the focus back on its chip.
    s.wait_count("#composer-resolution-popup", 0).await;
    assert_eq!(
        s.focused_attr("data-testid").await.as_deref(),
        Some("composer-resolution-chip")
    );
    // Back to standard: the resolution steps down, and the composer says so.
    s.choose("composer-tier", "standard").await;
    wait_attr(&s, "composer-resolution", "data-value", "1080p").await;
    let notices = s.wait_for_text("composer-notices", |t| !t.is_empty()).await;
    assert!(notices.contains("4k to 1080p"), "{notices}");
    // The arrows skip what does not go with the tier: from 1080p past 1080p-plus and 4k.
    s.open_setting("composer-resolution").await;
    let full_hd = s
        .css("[data-testid='composer-resolution'] [data-value='1080p']")
        .await;
    s.focus(&full_hd).await;
    s.press(&Key::Right.to_string()).await;
    wait_attr(&s, "composer-resolution", "data-value", "720p").await;
    s.press(&Key::Escape.to_string()).await;

    // A seed cannot be fixed on the real channel: the field is off and says why.
    s.choose("composer-channel", "real").await;
    s.open_setting("composer-seed-setting").await;
    let seed = s.wait_for("composer-seed").await;
    assert_eq!(
        seed.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    s.wait_for_text("composer-seed-reason", |t| t.contains("real channel"))
        .await;
    s.choose("composer-channel", "standard").await;

    s.choose("composer-aspect", "9:16").await;

    // Media-to-video without media: the problem shows at its field, nothing is sent.
    select(&s, "composer-mode", "media-to-video").await;
    s.wait_for("composer-submit").await.click().await.unwrap();
    let problems = s
        .wait_for_text("composer-error", |t| t.contains("media_urls"))
        .await;
    assert!(problems.contains("media-to-video"), "{problems}");
    s.css("[data-testid='reference-media'] [data-testid='field-problem']")
        .await;
    select(&s, "composer-mode", "text-to-video").await;

    // A start frame by URL: the mode follows (and says so) and a preview appears.
    let url_input = s.css("#reference-start-url").await;
    url_input.send_keys(&still).await.unwrap();
    url_input.send_keys(&Key::Enter.to_string()).await.unwrap();
    s.css("[data-testid='reference-start'] .ref-thumb img")
        .await;
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("image-to-video")
    );
    s.wait_for_text("composer-notices", |t| t.contains("Image to video"))
        .await;
    let cost = s.wait_for_text("cost-hint", |t| !t.trim().is_empty()).await;
    assert!(cost.contains("credits"), "{cost}");
    s.screenshot("compose-filled").await;

    s.wait_for("composer-submit").await.click().await.unwrap();
    let done = s
        .wait_for_text("composer-submitted", |t| t.contains("Queued as"))
        .await;
    assert!(done.contains('j'), "{done}");
    // The draft stays for the next variation; Ctrl+Enter sends it again.
    let prompt = s.wait_for("composer-prompt").await;
    assert!(
        prompt
            .prop("value")
            .await
            .unwrap()
            .unwrap()
            .contains("paper boat")
    );
    prompt
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .unwrap();

    // The status bar's button opens the Queue tray over Compose.
    s.click("[data-testid='queue-tray']").await;
    s.wait_attr("[data-testid='queue-tray']", "aria-expanded", "true")
        .await;
    s.css("main[data-area='compose']").await;
    // Read the states in one go: the Queue moves items between its sections as they finish.
    let states = || async {
        s.client
            .execute(
                "return [...document.querySelectorAll(\"[data-testid='queue-item']\")].map(e => e.dataset.state)",
                vec![],
            )
            .await
            .unwrap()
    };
    for _ in 0..300 {
        if states().await == json!(["ready", "ready"]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        states().await,
        json!(["ready", "ready"]),
        "two renders, both finished"
    );
    // Both done: the status bar says nothing renders.
    s.wait_for_text("queue-tray", |t| t.contains("Nothing rendering"))
        .await;
    s.wait_attr("[data-testid='queue-tray']", "data-rendering", "0")
        .await;
    s.screenshot("queue").await;
    // Escape closes the tray, and the keyboard is back on its button.
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("[data-testid='queue-panel']", 0).await;
    assert_eq!(
        s.focused_attr("data-testid").await.as_deref(),
        Some("queue-tray")
    );

    // The same desk in dark and in Japanese.
    for (theme, language, name) in [
        ("light", "en", "compose-light-en"),
        ("dark", "en", "compose-dark-en"),
        ("light", "ja", "compose-light-ja"),
        ("dark", "ja", "compose-dark-ja"),
    ] {
        s.set_look(theme, language).await;
        let nav = s
            .wait_for_text("nav-compose", |t| {
                t == if language == "ja" {
                    "作成"
                } else {
                    "Compose"
                }
            })
            .await;
        assert!(!nav.is_empty());
        // The language can read as chosen before the settings arrive (English is the
        // default too): the theme is waited for, not read once.
        s.wait_attr("html", "data-theme", theme).await;
        s.screenshot(name).await;
    }
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_references_reorder_by_dragging_and_can_be_removed() {
    let s = Session::start().await;
    let first = image_url(&s.env.data_path()).await;
    let second = image_url(&s.env.data_path()).await;
    for url in [&first, &second] {
        let input = s.css("#reference-media-url").await;
        input.send_keys(url).await.unwrap();
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
    }
    wait_attr(&s, "reference-media", "data-count", "2").await;
    // Adding media switched the mode, and said so.
    assert_eq!(
        s.prop("composer-mode", "value").await.as_deref(),
        Some("media-to-video")
    );
    let order = || async {
        let mut urls = Vec::new();
        for item in s
            .client
            .find_all(Locator::Css("[data-testid='reference-media'] .ref-item"))
            .await
            .unwrap()
        {
            urls.push(item.attr("data-url").await.unwrap().unwrap());
        }
        urls
    };
    assert_eq!(order().await, [first.clone(), second.clone()]);
    // Drag the second onto the first (synthetic events: WebDriver has no HTML5 drag).
    let items = s
        .client
        .find_all(Locator::Css("[data-testid='reference-media'] .ref-item"))
        .await
        .unwrap();
    s.drag_start(&items[1]).await;
    s.drop_on(&items[0]).await;
    for _ in 0..50 {
        if order().await == [second.clone(), first.clone()] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(order().await, [second.clone(), first.clone()]);
    // Each has its preview; removing one leaves the other.
    for _ in 0..100 {
        let previews = s
            .client
            .find_all(Locator::Css(
                "[data-testid='reference-media'] .ref-thumb img",
            ))
            .await
            .unwrap();
        if previews.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.css("[data-testid='reference-media'] .ref-item button")
        .await
        .click()
        .await
        .unwrap();
    wait_attr(&s, "reference-media", "data-count", "1").await;
    assert_eq!(order().await, [first]);
    s.end().await;
}
