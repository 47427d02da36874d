//! What a new user ran into, checked on screen: every area stays above the status bar at a
//! small and a large window with the Sandbox banner showing; the Library's drawer takes
//! focus, keeps Tab inside, and closes on Escape (an inner confirmation first) with focus
//! back on its tile; a failed render's Queue row is one column and listed as finished, with
//! its Retry; "Reuse last" follows a render that finishes while Compose is open, and
//! "Queued as …" after Ctrl+Enter is brought into view; an extension lists the person's prompt
//! and links to its clip both ways, and a disabled "Open output URL" says why; with no
//! keychain, Settings says so once, in plain words.

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use seedance_sandbox::{Config, RenderTime, Sandbox};
use serde_json::{Value, json};

use crate::harness::{AppEnv, Session};

const AREAS: [&str; 4] = ["compose", "library", "projects", "settings"];

/// The number at `pointer` (e.g. `/error/0`) in a measurement.
fn at(m: &Value, pointer: &str) -> f64 {
    m.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no {pointer} in {m}"))
}

/// Sets the window to `width`×`height` at the top left of the screen and waits until the
/// page has that size.
pub(crate) async fn resize(s: &Session, width: u32, height: u32) {
    s.client
        .set_window_rect(0, 0, width, height)
        .await
        .unwrap_or_else(|e| panic!("the window could not be set to {width}×{height}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let size = s
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .unwrap();
        let (w, h) = (size[0].as_i64().unwrap_or(0), size[1].as_i64().unwrap_or(0));
        // A window frame, where there is one, takes a little of the size.
        if (w - i64::from(width)).abs() <= 40 && (h - i64::from(height)).abs() <= 80 {
            // The Library's grid measures itself after a resize.
            tokio::time::sleep(Duration::from_millis(300)).await;
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the page is {w}×{h}, not about {width}×{height}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens `area` and waits for its heading.
async fn open_area(s: &Session, area: &str) {
    s.wait_for(&format!("nav-{area}"))
        .await
        .click()
        .await
        .unwrap();
    s.css(&format!("main[data-area='{area}'] h1")).await;
}

/// Where the visible parts of the area end, against the status bar's top: every element in
/// `main.content`, clipped by each scrolling or clipping box around it, and the Library's
/// Export button. Measured with the area scrolled to its start, as it opens.
const LAYOUT: &str = r#"
const bar = document.querySelector('.statusbar').getBoundingClientRect().top;
const content = document.querySelector('main.content');
content.scrollTop = 0;
const box = content.getBoundingClientRect();
const offenders = [];
for (const el of content.querySelectorAll('*')) {
  const style = getComputedStyle(el);
  if (style.position === 'fixed' || style.display === 'none' || style.visibility === 'hidden') continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  let top = r.top, bottom = r.bottom;
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (getComputedStyle(a).overflowY !== 'visible') {
      const ar = a.getBoundingClientRect();
      top = Math.max(top, ar.top);
      bottom = Math.min(bottom, ar.bottom);
    }
    if (a === content) break;
  }
  // Scrolled out of its scroll container: not on screen.
  if (bottom - top <= 0) continue;
  if (bottom > bar + 0.5) {
    offenders.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} [${el.dataset.testid ?? ''}] ends at ${bottom}`);
  }
}
const exportButton = document.querySelector("[data-testid='library-export']");
return {
  bar,
  contentBottom: box.bottom,
  exportBottom: exportButton ? exportButton.getBoundingClientRect().bottom : null,
  offenders: offenders.slice(0, 10),
  viewport: [window.innerWidth, window.innerHeight],
};
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_area_runs_under_the_status_bar_at_small_or_large_sizes() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.wait_for("sandbox-banner").await;
    // A Library with renders in it: the credits panel has its days, the grid its tiles.
    s.submit(
        &[
            "a red kite over golden dunes",
            "a lighthouse beam sweeping through fog",
            "a paper boat on a rain puddle",
        ],
        false,
    )
    .await;
    s.wait_jobs_in("ready", 3).await;

    for (width, height) in [(1024, 640), (1920, 1080)] {
        resize(&s, width, height).await;
        for area in AREAS {
            open_area(&s, area).await;
            s.wait_for("sandbox-banner").await;
            if area == "library" {
                s.wait_for_text("credits-total", |t| !t.is_empty()).await;
                s.wait_count("[data-testid='library-item']", 3).await;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            let m = s.client.execute(LAYOUT, vec![]).await.unwrap();
            let bar = at(&m, "/bar");
            let context = format!("{area} at {width}×{height}: {m}");
            assert!(
                at(&m, "/contentBottom") <= bar + 0.5,
                "the area runs under the status bar, {context}"
            );
            assert_eq!(
                m["offenders"],
                json!([]),
                "visible under the status bar, {context}"
            );
            if area == "library" {
                let export = at(&m, "/exportBottom");
                assert!(
                    export <= bar + 0.5 && export <= at(&m, "/contentBottom") + 0.5,
                    "the Export button is cut off, {context}"
                );
            }
            s.screenshot(&format!("fixes-{area}-{width}x{height}"))
                .await;
        }
    }
    s.end().await;
}

/// The element that has focus: its test id, the `data-id` of a tile, and whether it is in
/// the drawer.
pub(crate) async fn focused(s: &Session) -> Value {
    s.client
        .execute(
            "const a = document.activeElement; \
             return { testid: a?.dataset?.testid ?? null, id: a?.dataset?.id ?? null, \
                      inDetail: !!a?.closest?.(\"[data-testid='detail']\"), \
                      tile: !!a?.closest?.(\"[data-testid='library-item']\"), \
                      tag: a?.tagName ?? null };",
            vec![],
        )
        .await
        .unwrap()
}

pub(crate) async fn wait_focus(s: &Session, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let f = focused(s).await;
        if ok(&f) {
            return f;
        }
        assert!(Instant::now() < deadline, "focus is not {what}: {f}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drawer_keeps_focus_and_escape_closes_it_back_to_its_tile() {
    let s = Session::start().await;
    s.submit(
        &[
            "a heron lifting off a misty lake",
            "a tram climbing a rainy street",
        ],
        false,
    )
    .await;
    s.wait_jobs_in("ready", 2).await;
    open_area(&s, "library").await;
    s.wait_count("[data-testid='library-item']", 2).await;

    // Opened from the keyboard: the tile has focus, Enter.
    let tile = s.css("[data-testid='library-item']").await;
    let id = tile.attr("data-id").await.unwrap().unwrap();
    s.focus(&tile).await;
    wait_focus(&s, "on the tile", |f| f["id"] == json!(id)).await;
    tile.send_keys(&Key::Enter.to_string()).await.unwrap();
    s.wait_for("detail").await;
    s.wait_for("detail-remix").await;
    // Focus moved into the drawer, on its Close button.
    wait_focus(&s, "on Close", |f| f["testid"] == "detail-close").await;

    // Tab and Shift+Tab go round the drawer's controls, never to the tiles under it.
    // More presses than the drawer has controls, so the round is seen at least twice.
    let mut reached = Vec::new();
    for _ in 0..40 {
        s.press(&Key::Tab.to_string()).await;
        let f = focused(&s).await;
        assert!(
            f["inDetail"] == json!(true) && f["tile"] == json!(false),
            "Tab left the drawer: {f}"
        );
        reached.push(f["testid"].clone());
    }
    assert!(
        reached
            .iter()
            .filter(|t| **t == json!("detail-close"))
            .count()
            >= 2,
        "Tab does not wrap round the drawer: {reached:?}"
    );
    for _ in 0..5 {
        s.press(&format!("{}{}", Key::Shift, Key::Tab)).await;
        let f = focused(&s).await;
        assert!(
            f["inDetail"] == json!(true) && f["tile"] == json!(false),
            "Shift+Tab left the drawer: {f}"
        );
    }

    // Escape in the delete confirmation closes only that, and focus goes back to Delete.
    s.wait_for("detail-delete").await.click().await.unwrap();
    s.wait_for("detail-delete-confirm").await;
    wait_focus(&s, "on the confirmation's Delete", |f| {
        f["testid"] == "detail-delete-yes"
    })
    .await;
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("[data-testid='detail-delete-confirm']", 0)
        .await;
    assert_eq!(
        s.count("[data-testid='detail']").await,
        1,
        "Escape in the confirmation closed the drawer too"
    );
    wait_focus(&s, "back on Delete", |f| f["testid"] == "detail-delete").await;

    // Escape closes the drawer, and focus is back on the tile that opened it.
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("[data-testid='detail']", 0).await;
    wait_focus(&s, "back on the tile", |f| {
        f["testid"] == "library-item" && f["id"] == json!(id)
    })
    .await;
    assert_eq!(
        s.count("[data-testid='library-item']").await,
        2,
        "nothing was deleted"
    );
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_render_is_one_column_and_listed_as_finished_with_its_retry() {
    // An emulator where every render fails stands in for Live.
    let service = Sandbox::start(Config {
        fail_rate: 1.0,
        render_time: RenderTime::between_ms(200, 400),
        ..Config::default()
    })
    .await
    .unwrap();
    let mut env = AppEnv::new();
    env.set("SEEDANCE_BASE_URL", service.base_url());
    env.set("SEEDANCE_API_KEY", seedance_sandbox::DEFAULT_KEY);
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Live"))
        .await;
    s.submit(&["a glass of water tipping over in slow motion"], true)
        .await;
    s.click("[data-testid='queue-tray']").await;
    s.wait_count("[data-testid='queue-item'][data-state='failed']", 1)
        .await;
    s.wait_for("queue-error").await;

    let row = r#"
const row = document.querySelector("[data-testid='queue-item'][data-state='failed']");
const rect = (sel) => { const e = row.querySelector(sel); return e ? e.getBoundingClientRect() : null; };
const body = rect('.queue-body');
const promptLine = rect('.queue-prompt');
const error = rect("[data-testid='queue-error']");
const retry = rect("[data-testid='queue-retry']");
const confirm = rect("[data-testid='queue-retry-confirm']");
return {
  section: row.closest("[data-testid='queue-finished']") ? 'finished'
    : row.closest("[data-testid='queue-in-flight']") ? 'in-flight' : null,
  body: body && [body.left, body.width],
  prompt: promptLine && promptLine.left,
  error: error && [error.left, error.top],
  errorText: row.querySelector("[data-testid='queue-error']")?.textContent ?? null,
  retry: retry && [retry.left, retry.top],
  confirm: confirm && [confirm.left, confirm.width],
};
"#;
    let m = s.client.execute(row, vec![]).await.unwrap();
    assert_eq!(m["section"], "finished", "{m}");
    assert!(
        !m["errorText"].as_str().unwrap_or("").trim().is_empty(),
        "{m}"
    );
    let prompt_left = at(&m, "/prompt");
    let (error_left, error_top) = (at(&m, "/error/0"), at(&m, "/error/1"));
    let (retry_left, retry_top) = (at(&m, "/retry/0"), at(&m, "/retry/1"));
    assert!(
        (error_left - prompt_left).abs() < 1.0 && (retry_left - prompt_left).abs() < 1.0,
        "the error line and Retry are not under the prompt line: {m}"
    );
    assert!(retry_top > error_top, "Retry is not below the error: {m}");

    // Retry asks first: the confirmation has the row's full width and takes focus; Escape
    // closes it and gives focus back to Retry.
    s.wait_for("queue-retry").await.click().await.unwrap();
    s.wait_for("queue-retry-confirm").await;
    let m = s.client.execute(row, vec![]).await.unwrap();
    let (body_left, body_width) = (at(&m, "/body/0"), at(&m, "/body/1"));
    let (confirm_left, confirm_width) = (at(&m, "/confirm/0"), at(&m, "/confirm/1"));
    assert!(
        (confirm_left - body_left).abs() < 1.0 && (confirm_width - body_width).abs() < 1.0,
        "the confirmation is squeezed: {m}"
    );
    wait_focus(&s, "on Retry for new credits", |f| {
        f["testid"] == "queue-retry-yes"
    })
    .await;
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("[data-testid='queue-retry-confirm']", 0).await;
    wait_focus(&s, "back on Retry", |f| f["testid"] == "queue-retry").await;
    assert_eq!(
        service.ledger().charges.values().sum::<u32>(),
        1,
        "nothing was retried"
    );
    s.end().await;
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reuse_last_follows_a_render_that_finishes_while_compose_is_open() {
    let s = Session::start().await;
    resize(&s, 1024, 640).await;
    s.open_setting("composer-seed-setting").await;
    let reuse = s.wait_for("composer-seed-reuse").await;
    assert_eq!(
        reuse.attr("disabled").await.unwrap().as_deref(),
        Some("true"),
        "nothing has rendered yet"
    );
    s.press(&Key::Escape.to_string()).await;

    // Ctrl+Enter in the prompt, at the top of the area: "Queued as …" is brought into view.
    let prompt = s.wait_for("composer-prompt").await;
    prompt
        .send_keys("A kite surfer cuts across turquoise water, low tracking shot, bright sun")
        .await
        .unwrap();
    prompt
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .unwrap();
    s.wait_for_text("composer-submitted", |t| t.contains("Queued as"))
        .await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let seen = s
            .client
            .execute(
                "const r = document.querySelector(\"[data-testid='composer-submitted']\").getBoundingClientRect(); \
                 const box = document.querySelector('main.content').getBoundingClientRect(); \
                 return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;",
                vec![],
            )
            .await
            .unwrap();
        if seen == json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "\"Queued as …\" is out of view");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The render finishes while Compose stays open: its seed can be reused.
    s.open_setting("composer-seed-setting").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while s
        .wait_for("composer-seed-reuse")
        .await
        .attr("disabled")
        .await
        .unwrap()
        .is_some()
    {
        assert!(
            Instant::now() < deadline,
            "\"Reuse last\" is still disabled after the render finished"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let jobs = s.invoke("jobs_recent", json!({ "limit": 5 })).await;
    let seed = jobs["ok"][0]["seed"]
        .as_u64()
        .expect("the render has a seed");
    s.wait_for("composer-seed-reuse")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        s.prop("composer-seed", "value").await.as_deref(),
        Some(seed.to_string().as_str())
    );
    // The draft changed: the "Queued as …" of the last one goes.
    s.wait_count("[data-testid='composer-submitted']", 0).await;
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_keeps_the_persons_prompt_and_links_to_its_clip_both_ways() {
    let s = Session::start().await;
    s.submit(&["a glass train crossing a snowy bridge"], false)
        .await;
    s.wait_jobs_in("ready", 1).await;
    open_area(&s, "library").await;
    s.wait_count("[data-testid='library-item']", 1).await;
    let source = s.css("[data-testid='library-item']").await;
    let source_id = source.attr("data-id").await.unwrap().unwrap();
    source.click().await.unwrap();

    // The Sandbox's outputs are on plain http: the browser action says why it is off.
    s.click("[data-testid='detail-technical'] > summary").await;
    let open = s.wait_for("detail-open").await;
    assert_eq!(
        open.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    let why = s.wait_for("detail-open-reason").await.text().await.unwrap();
    assert!(why.contains("not https"), "{why}");

    // Extend, then render the continuation from the composer as written.
    s.wait_for("detail-extend").await.click().await.unwrap();
    s.css("main[data-area='compose']").await;
    s.wait_for("composer-extends").await;
    let prompt = s.wait_for("composer-prompt").await;
    assert_eq!(
        prompt.prop("value").await.unwrap().as_deref(),
        Some("a glass train crossing a snowy bridge")
    );
    prompt.clear().await.unwrap();
    prompt
        .send_keys("The train reaches a station lit by lanterns")
        .await
        .unwrap();
    s.wait_for("composer-submit").await.click().await.unwrap();
    s.wait_for_text("composer-submitted", |t| t.contains("Queued as"))
        .await;
    s.wait_jobs_in("ready", 2).await;

    // The Queue and the Library list what the person wrote.
    s.click("[data-testid='queue-tray']").await;
    s.wait_count("[data-testid='queue-item']", 2).await;
    let listed = s
        .client
        .execute(
            "return [...document.querySelectorAll('.queue-prompt')].map(e => e.textContent);",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !listed.to_string().contains("Continue from"),
        "the Queue shows the added words: {listed}"
    );
    open_area(&s, "library").await;
    s.wait_count("[data-testid='library-item']", 2).await;
    let tiles = s
        .client
        .execute(
            "return [...document.querySelectorAll('.tile-prompt')].map(e => e.textContent);",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        tiles.to_string().contains("The train reaches a station"),
        "{tiles}"
    );
    assert!(!tiles.to_string().contains("Continue from"), "{tiles}");

    // The continuation links to its clip, and the clip back to it.
    s.css(&format!(
        "[data-testid='library-item']:not([data-id='{source_id}'])"
    ))
    .await
    .click()
    .await
    .unwrap();
    let link = s.css("[data-testid='detail-extends'] button.link").await;
    assert_eq!(
        link.attr("data-id").await.unwrap().as_deref(),
        Some(source_id.as_str())
    );
    link.click().await.unwrap();
    s.css(&format!("[data-testid='detail'][data-id='{source_id}']"))
        .await;
    let back = s
        .wait_for_text("detail-extended-by", |t| t.contains("The train reaches"))
        .await;
    assert!(back.contains("lanterns"), "{back}");
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_settings_says_so_once_in_plain_words() {
    let mut env = AppEnv::new();
    // A session bus of its own, with no Secret Service on it (nor any to start).
    let (bus, _daemon) = crate::desktop::start_bare_session_bus();
    env.set("DBUS_SESSION_BUS_ADDRESS", bus);
    let s = Session::start_with(env).await;
    open_area(&s, "settings").await;
    let problem = s.wait_for("settings-keychain-problem").await;
    let shown = problem.text().await.unwrap();
    assert!(shown.contains("GNOME Keyring"), "{shown}");
    assert!(shown.contains("SEEDANCE_API_KEY"), "{shown}");
    // Once: the visible text of the whole window names the missing keychain in one place,
    // and the developer's detail stays folded away.
    let page = s
        .client
        .execute(
            "return document.querySelector('main.content').innerText;",
            vec![],
        )
        .await
        .unwrap();
    let page = page.as_str().unwrap().to_string();
    assert_eq!(
        page.matches("no keychain the app can use").count(),
        1,
        "{page}"
    );
    assert!(!page.contains("No keychain is available"), "{page}");
    assert!(
        !page.contains("org.freedesktop"),
        "the raw error is on show: {page}"
    );
    let folded = s
        .client
        .execute(
            "return document.querySelector(\"[data-testid='settings-keychain-problem'] details\").open;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(folded, json!(false));
    s.screenshot("settings-no-keychain").await;
    s.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_enter_above_the_spend_guard_brings_the_confirmation_into_view_with_focus() {
    // Live (an emulator standing in), where the spend guard applies.
    let service = Sandbox::start(Config::default()).await.unwrap();
    let mut env = AppEnv::new();
    env.set("SEEDANCE_BASE_URL", service.base_url());
    env.set("SEEDANCE_API_KEY", seedance_sandbox::DEFAULT_KEY);
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Live"))
        .await;
    resize(&s, 1024, 640).await;
    // A pro 4K render of 15 s: far above the default guard of 300 credits.
    s.choose("composer-tier", "pro").await;
    s.choose("composer-resolution", "4k").await;
    s.open_setting("composer-duration-setting").await;
    s.client
        .execute(
            "const r = document.querySelector(\"[data-testid='composer-duration']\"); \
             r.value = '15'; r.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    let prompt = s.wait_for("composer-prompt").await;
    prompt
        .send_keys("A glass train crossing a snowy bridge at dawn, slow dolly-in")
        .await
        .unwrap();
    // The check of the draft (with its estimate) arrives a moment after the last change.
    tokio::time::sleep(Duration::from_millis(800)).await;
    prompt
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .unwrap();
    s.wait_for("spend-confirm").await;
    let f = wait_focus(&s, "the confirmation's Yes", |f| {
        f["testid"] == "spend-confirm-yes"
    })
    .await;
    assert_eq!(f["testid"], "spend-confirm-yes");
    let seen = s
        .client
        .execute(
            "const r = document.querySelector(\"[data-testid='spend-confirm']\").getBoundingClientRect(); \
             const box = document.querySelector('main.content').getBoundingClientRect(); \
             return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(seen, json!(true), "the confirmation is out of view");
    // Escape closes it, and nothing was sent.
    s.press(&Key::Escape.to_string()).await;
    s.wait_count("[data-testid='spend-confirm']", 0).await;
    assert!(
        !service.ledger().requests.iter().any(|r| r.method == "POST"),
        "nothing is sent before the confirmation"
    );
    s.end().await;
    service.stop().await;
}
