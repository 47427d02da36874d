//! The window's content process is killed (SIGKILL) while a render is in flight. Checked
//! from outside the WebDriver session, which dies with it: the app's log says it noticed and
//! that the page came back in the area it was in, the composer's draft is intact in the
//! store, the window under Xvfb shows a page again (not a blank view), and the render still
//! finishes. Quitting and starting the app again brings the draft back as well.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{AppEnv, Session, web_process_of};

/// Every line the app logged so far.
fn log_text(data_dir: &Path) -> String {
    std::fs::read_dir(data_dir.join("logs"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn wait_for_log(data_dir: &Path, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = log_text(data_dir);
        if let Some(line) = text.lines().find(|l| ok(l)) {
            return line.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "the log never said {what}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A PNG of the whole X display, taken through GDK (python3-gi, installed for the drop
/// tests), and how many distinct colours it has.
fn screenshot_colours(display: &str, png: &Path) -> usize {
    let script = r#"
import sys, gi
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk
root = Gdk.get_default_root_window()
pixbuf = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
pixbuf.savev(sys.argv[1], "png", [], [])
data, n, stride = pixbuf.get_pixels(), pixbuf.get_n_channels(), pixbuf.get_rowstride()
colours = set()
for y in range(0, pixbuf.get_height(), 4):
    row = y * stride
    for x in range(0, pixbuf.get_width(), 4):
        i = row + x * n
        colours.add(bytes(data[i:i + 3]))
print(len(colours))
"#;
    // Debian's python3, which has GTK (python3-gi), not whichever is first on PATH.
    let out = Command::new("/usr/bin/python3")
        .args(["-c", script, &png.display().to_string()])
        .env("DISPLAY", display)
        .output()
        .expect("python3-gi is installed by scripts/test");
    assert!(out.status.success(), "screenshot: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

async fn job_state(data_dir: &Path, id: &str) -> Option<studio::JobState> {
    let store = studio::Store::open(&data_dir.join("sandbox")).await.ok()?;
    studio::find_job(&store, id).await.ok()?.map(|j| j.state())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_web_process_comes_back_in_its_area_with_the_draft_and_the_render_finishes() {
    let mut env = AppEnv::new();
    // Long enough to still be rendering when the page dies.
    env.set("SEEDANCE_SANDBOX_RENDER_MS", "8000:9000");
    let data: PathBuf = env.data_path();
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;

    // A draft typed into the composer, and a render in flight.
    let prompt = "紙の灯籠が夜の川を流れていく, slow dolly along the bank";
    s.wait_for("composer-prompt")
        .await
        .send_keys(prompt)
        .await
        .unwrap();
    let job = s
        .invoke(
            "job_submit",
            json!({ "draft": { "prompt": "a kite over dunes at noon" }, "confirmedSpend": false }),
        )
        .await;
    let id = job["ok"]["id"].as_str().expect("submitted").to_string();
    s.click("[data-testid='nav-library']").await;
    s.css("main[data-area='library']").await;
    // The draft reaches the store a moment after the last key.
    let profile = studio::Store::open(&data).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let kept = studio::composer_draft::load(&profile, "composer")
            .await
            .unwrap();
        if kept.as_ref().and_then(|d| d["prompt"].as_str()) == Some(prompt) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the draft was not saved: {kept:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !job_state(&data, &id).await.unwrap().is_final(),
        "the render must still be in flight"
    );

    let victim = web_process_of(&data).expect("the window's WebKitWebProcess");
    let killed = Command::new("kill")
        .args(["-KILL", &victim.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let noticed = wait_for_log(&data, "that the content process ended", |l| {
        l.contains("content process ended; reloading")
    });
    assert!(
        noticed.contains("it crashed") || noticed.contains("it was ended"),
        "{noticed}"
    );
    let back = wait_for_log(&data, "that the page came back", |l| {
        l.contains("page came back")
    });
    assert!(
        back.contains("area=library"),
        "not back in the Library: {back}"
    );
    let again = web_process_of(&data).expect("a new WebKitWebProcess");
    assert_ne!(again, victim);

    // The draft is as it was; the window shows a page, not an empty view.
    let kept = studio::composer_draft::load(&profile, "composer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept["prompt"], prompt);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e/recovered.png");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    let colours = screenshot_colours(s.env.var("DISPLAY").unwrap(), &png);
    assert!(
        colours > 20,
        "the window looks blank ({colours} colours): {}",
        png.display()
    );

    // The engine never noticed: the render finishes and is saved.
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        match job_state(&data, &id).await {
            Some(studio::JobState::Ready) => break,
            state => assert!(Instant::now() < deadline, "the render is {state:?}"),
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let log = log_text(&data);
    assert_eq!(
        log.matches("content process ended; reloading").count(),
        1,
        "noticed once"
    );
    drop(profile);

    // Quitting and starting again keeps the draft too.
    let env = s.end().await;
    let s = Session::start_with(env).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let shown = s.prop("composer-prompt", "value").await.unwrap_or_default();
        if shown == prompt {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the restarted composer shows {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    s.end().await;
}
