//! The desktop's own file dialogs, answered the way a person does: the window found by its
//! title under Xvfb, a path typed with xdotool, Return (or Escape to cancel). The Library is
//! exported to a file chosen so, a render is deleted (what it cost stays in the credits,
//! which are a ledger), and the export is imported back (the deleted render returns, the
//! others are skipped, nothing is counted twice).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::Session;

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool is installed by scripts/test");
    assert!(out.status.success(), "xdotool {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits for the file dialog titled `title`, then types `path` into it and presses Return,
/// or presses Escape when `path` is `None`. `save` dialogs take the path in their name
/// field; open dialogs in their location field (Ctrl+L).
pub fn answer_file_dialog(display: &str, title: &str, path: Option<&Path>, save: bool) {
    // Found by its title once it is mapped and can take the keyboard (a window that is
    // still being mapped refuses the focus: try again).
    let deadline = Instant::now() + Duration::from_secs(20);
    let window = 'found: loop {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .env("DISPLAY", display)
            .output()
            .expect("xdotool");
        for id in String::from_utf8_lossy(&found.stdout).lines() {
            let focused = Command::new("xdotool")
                .args(["windowfocus", "--sync", id])
                .env("DISPLAY", display)
                .output()
                .expect("xdotool");
            if focused.status.success() {
                break 'found id.to_string();
            }
        }
        assert!(
            Instant::now() < deadline,
            "no dialog titled {title:?} took the focus"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    // The dialog draws its widgets after it maps: give it a moment before typing.
    std::thread::sleep(Duration::from_millis(500));
    match path {
        None => {
            xdotool(display, &["key", "--window", &window, "Escape"]);
        }
        Some(path) => {
            let text = path.display().to_string();
            if save {
                xdotool(display, &["key", "ctrl+a"]);
            } else {
                xdotool(display, &["key", "ctrl+l"]);
                std::thread::sleep(Duration::from_millis(300));
            }
            xdotool(display, &["type", "--delay", "15", &text]);
            std::thread::sleep(Duration::from_millis(300));
            xdotool(display, &["key", "Return"]);
        }
    }
}

/// Presses Escape in the file dialog titled `title` once it shows, until `done` is set
/// (the call that would open it returned without one). Says whether it found one.
pub fn dismiss_file_dialog(
    display: &str,
    title: &str,
    done: &std::sync::atomic::AtomicBool,
) -> bool {
    use std::sync::atomic::Ordering;
    while !done.load(Ordering::SeqCst) {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .env("DISPLAY", display)
            .output()
            .expect("xdotool");
        if let Some(id) = String::from_utf8_lossy(&found.stdout).lines().next() {
            let focused = Command::new("xdotool")
                .args(["windowfocus", "--sync", id])
                .env("DISPLAY", display)
                .output()
                .expect("xdotool");
            if focused.status.success() {
                std::thread::sleep(Duration::from_millis(500));
                xdotool(display, &["key", "--window", id, "Escape"]);
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

pub fn display(s: &Session) -> String {
    s.env
        .var("DISPLAY")
        .expect("the session has a display")
        .to_string()
}

async fn credits_used(s: &Session) -> String {
    s.wait_for("credits-total")
        .await
        .attr("data-used")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_goes_out_and_comes_back_through_the_desktops_file_dialogs() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.submit(
        &[
            "a red kite over golden dunes at noon",
            "a lighthouse beam sweeping through fog",
        ],
        false,
    )
    .await;
    let ids: Vec<String> = s
        .wait_jobs_in("ready", 2)
        .await
        .iter()
        .map(|j| j["id"].as_str().unwrap().to_string())
        .collect();
    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_for_text("credits-total", |t| !t.is_empty()).await;
    let spent = credits_used(&s).await;
    assert_ne!(spent, "0");

    // Export: the save dialog, a path typed into it.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("my-library.json");
    let d = display(&s);
    let answer = {
        let (d, file) = (d.clone(), file.clone());
        std::thread::spawn(move || answer_file_dialog(&d, "Export the library", Some(&file), true))
    };
    s.wait_for("library-export").await.click().await.unwrap();
    answer.join().unwrap();
    let written = s
        .wait_for_text("library-exported", |t| t.contains("my-library.json"))
        .await;
    assert!(written.contains(&file.display().to_string()), "{written}");
    let export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("the export was written")).unwrap();
    assert_eq!(export["format"], "seedance-studio-library/1");
    assert_eq!(export["renders"].as_array().unwrap().len(), 2);

    // Deleting a render keeps what it cost on the record.
    let deleted = s
        .invoke("job_delete", json!({ "id": ids[0], "confirmed": true }))
        .await;
    assert!(deleted.get("ok").is_some(), "{deleted}");
    s.click("[data-testid='queue-tray']").await;
    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_for_text("credits-total", |t| !t.is_empty()).await;
    assert_eq!(
        credits_used(&s).await,
        spent,
        "a delete rewrote the spending"
    );

    // Import: the open dialog, the same file. The deleted render comes back, the other is
    // skipped, and no task is counted twice.
    let answer = {
        let (d, file) = (d.clone(), file.clone());
        std::thread::spawn(move || {
            answer_file_dialog(&d, "Import a library export", Some(&file), false)
        })
    };
    s.wait_for("library-import").await.click().await.unwrap();
    answer.join().unwrap();
    let imported = s
        .wait_for_text("library-imported", |t| t.contains("added"))
        .await;
    assert!(
        imported.starts_with("1 added, 1 already there"),
        "{imported}"
    );
    s.wait_for_text("credits-total", |t| !t.is_empty()).await;
    assert_eq!(
        credits_used(&s).await,
        spent,
        "an import counted a task twice"
    );

    // A device picked by mistake is refused at once, saying what it is.
    let answer = {
        let d = d.clone();
        std::thread::spawn(move || {
            answer_file_dialog(
                &d,
                "Import a library export",
                Some(Path::new("/dev/zero")),
                false,
            )
        })
    };
    s.wait_for("library-import").await.click().await.unwrap();
    answer.join().unwrap();
    let refused = s
        .wait_for_text("library-imported", |t| t.contains("cannot be imported"))
        .await;
    assert!(refused.contains("a device"), "{refused}");

    // Cancelling writes nothing and says nothing was imported.
    let answer = {
        let d = d.clone();
        std::thread::spawn(move || answer_file_dialog(&d, "Import a library export", None, false))
    };
    s.wait_for("library-import").await.click().await.unwrap();
    answer.join().unwrap();
    s.wait_for_text("library-imported", |t| t == "Nothing was imported.")
        .await;
    s.screenshot("library-dialogs").await;
    s.end().await;
}
