//! Settings end to end: the API key into the real keychain (checked from outside with
//! `secret-tool`), tested against an emulator standing in for Live, Live and Sandbox
//! switched, a refused setting shown at its field, diagnostics written, the key removed;
//! then the data folder, the logs and every IPC reply are searched for the key.

use fantoccini::Locator;
use seedance_sandbox::{Config, Sandbox};
use seedance_studio::commands::APP_COMMANDS;
use serde_json::{Value, json};

use crate::harness::{AppEnv, Session};

use crate::scan::files_containing;
use crate::secret_tool;

/// A key no real account has; it must never show up anywhere but the keychain.
const SENTINEL: &str = "sk_live_SENTINEL_7f3a9c2e_never_leak";
/// The same for the upload storage's secret access key.
const STORAGE_SENTINEL: &str = "storage-SENTINEL-5b1e_never_leak";

async fn click(s: &Session, testid: &str) {
    s.wait_for(testid).await.click().await.unwrap();
}

async fn type_key(s: &Session, key: &str) {
    let input = s.wait_for("settings-key-input").await;
    input.clear().await.unwrap();
    input.send_keys(key).await.unwrap();
    click(s, "settings-key-save").await;
    s.wait_for_text("settings-key-message", |t| t.contains("Saved"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_goes_into_the_keychain_and_nowhere_else() {
    // An emulator that accepts only the sentinel key stands in for the Live service.
    let live = Sandbox::start(Config {
        keys: vec![SENTINEL.to_string()],
        ..Config::default()
    })
    .await
    .unwrap();
    let mut env = AppEnv::new();
    env.set("SEEDANCE_BASE_URL", live.base_url());
    let service = env.var("SEEDANCE_KEYCHAIN_SERVICE").unwrap().to_string();
    let data = env.data_path();
    let s = Session::start_with(env).await;
    click(&s, "nav-settings").await;

    // No key yet: Sandbox, and Live is refused with a reason.
    s.wait_for_text("settings-key-status", |t| t.contains("No key is stored"))
        .await;
    click(&s, "settings-mode-live").await;
    let refused = s
        .wait_for_text("settings-mode-error", |t| !t.is_empty())
        .await;
    assert!(refused.contains("API key"), "{refused}");

    // A wrong key is stored, then tested: refused by the service.
    type_key(&s, "sk_live_wrong_key_000000").await;
    click(&s, "settings-key-test").await;
    s.wait_for_text("settings-key-message", |t| t.contains("did not accept"))
        .await;

    // The right key replaces it; the keychain holds it, seen from outside the app.
    type_key(&s, SENTINEL).await;
    assert_eq!(
        secret_tool::lookup_api_key(&service).as_deref(),
        Some(SENTINEL)
    );
    let status = s.wait_for("settings-key-status").await;
    assert_eq!(
        status.attr("data-stored").await.unwrap().as_deref(),
        Some("true")
    );
    click(&s, "settings-key-test").await;
    s.wait_for_text("settings-key-message", |t| t.contains("The key works"))
        .await;

    // Live, then Sandbox again: the status bar follows.
    click(&s, "settings-mode-live").await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Live"))
        .await;
    assert!(
        s.client
            .find(Locator::Css("[data-testid='sandbox-banner']"))
            .await
            .is_err()
    );
    click(&s, "settings-mode-sandbox").await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.wait_for("sandbox-banner").await;

    // A refused setting is shown at its field and nothing is stored.
    let base = s.wait_for("settings-base-url").await;
    base.clear().await.unwrap();
    base.send_keys("http://seedance2ai.io").await.unwrap();
    click(&s, "settings-save").await;
    let field = s
        .wait_for_text("field-error", |t| t.contains("https"))
        .await;
    assert!(field.contains("must be an https URL"), "{field}");
    let stored = s.invoke("settings_get", json!({})).await;
    assert_eq!(stored["ok"]["base_url"], "https://seedance2ai.io");

    // Diagnostics are written into the data folder.
    click(&s, "settings-diagnostics").await;
    let written = s
        .wait_for_text("settings-diagnostics-path", |t| t.contains(".txt"))
        .await;
    assert!(written.contains(&data.display().to_string()), "{written}");
    s.screenshot("settings").await;

    // Every command's reply, called the way the views call them (with the key in the
    // keychain and Live having run), holds no trace of the key.
    let still = data.join("still.png");
    std::fs::write(&still, b"\x89PNG\r\n\x1a\n not really more").unwrap();
    let draft = json!({ "prompt": "a lantern drifting over a dark lake, slow pan" });
    let mut replies = Vec::new();
    for command in APP_COMMANDS {
        // The arguments each takes, and whether it should succeed here.
        let (args, ok) = match *command {
            "connection_set" => (json!({ "mode": "live" }), true),
            "key_save" => (json!({ "key": SENTINEL }), true),
            "settings_save" => (json!({ "settings": stored["ok"] }), true),
            "draft_check" => (json!({ "draft": draft }), true),
            // A real submission to the service with the key.
            "job_submit" => (json!({ "draft": draft, "confirmedSpend": true }), true),
            "jobs_recent" => (json!({ "limit": 10 }), true),
            "tags_list" => (json!({}), true),
            // No such render: refused, and the sentinel is nowhere in the reply.
            "job_judge" => (
                json!({ "id": "j-none", "rating": 3, "rejected": false }),
                false,
            ),
            "job_tag" | "job_untag" => (json!({ "id": "j-none", "tags": ["night"] }), false),
            "draft_save" => (json!({ "draft": { "prompt": draft["prompt"] } }), true),
            "page_notice" => (json!({ "area": "settings" }), true),
            // Local files need a storage; a missing output is unreachable; raw bytes are
            // not JSON. Their errors are replies too.
            "reference_local" => (
                json!({ "url": format!("file://{}", still.display()) }),
                false,
            ),
            "reference_probe" => (
                json!({ "url": format!("{}/outputs/none/video.mp4", live.base_url()) }),
                false,
            ),
            "reference_file" => (json!({}), false),
            "library_page" => (json!({ "filter": {}, "after": null, "limit": 10 }), true),
            // They ask where through the desktop's file dialog: cancelled here.
            "library_export" | "library_import" | "project_import" => {
                let display = s.env.var("DISPLAY").unwrap().to_string();
                let title = match *command {
                    "library_export" => "Export the library",
                    "library_import" => "Import a library export",
                    _ => "Import a storyboard",
                };
                // Cancelled when it shows. A dialog asked for right after another closed
                // sometimes does not show here (the call answers as cancelled at once):
                // the reply is what is checked.
                let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
                let answer = {
                    let done = done.clone();
                    std::thread::spawn(move || {
                        crate::dialogs::dismiss_file_dialog(&display, title, &done)
                    })
                };
                let reply = s.invoke(command, json!({})).await;
                done.store(true, std::sync::atomic::Ordering::SeqCst);
                answer.join().unwrap();
                assert_eq!(reply, json!({ "ok": null }), "{command}");
                replies.push((command, reply));
                continue;
            }
            // No such render, or not in a state for it: refusals are replies too.
            "job_detail" | "job_favourite" | "job_evidence" | "job_download" | "reveal_render" => {
                (json!({ "id": "j-none", "favourite": true }), false)
            }
            // No such project: refusals are replies too.
            "project_get"
            | "project_stop"
            | "project_cut"
            | "project_assemble"
            | "project_export_edit" => (json!({ "project": "none" }), false),
            "project_assemble_cancel" => (json!({}), true),
            "project_trim" => (json!({ "project": "none", "index": 1, "inS": 0.5 }), false),
            "project_transition" => (
                json!({ "project": "none", "index": 1, "kind": "crossfade" }),
                false,
            ),
            "project_estimate" => (json!({ "project": "none", "takes": 1 }), false),
            "project_budget" => (json!({ "project": "none", "credits": 10 }), false),
            "project_render" => (
                json!({ "project": "none", "takes": 1, "canary": true, "confirmedSpend": false }),
                false,
            ),
            "project_select" => (
                json!({ "project": "none", "shot": 1, "job": "j-none" }),
                false,
            ),
            "project_new" => (json!({ "name": "" }), false),
            "shot_add" | "shot_update" | "shot_check" => (
                json!({ "project": "none", "index": 1, "plan": { "prompt": "a quiet harbour at dawn" } }),
                false,
            ),
            "shot_duplicate" | "shot_delete" => (json!({ "project": "none", "index": 1 }), false),
            "shot_move" => (json!({ "project": "none", "index": 1, "to": 2 }), false),
            "take_judge" => (
                json!({ "project": "none", "job": "j-none", "rating": 3, "rejected": false }),
                false,
            ),
            "job_act" => (
                json!({ "id": "j-none", "action": "resend", "confirmed": false }),
                false,
            ),
            "job_delete" => (json!({ "id": "j-none", "confirmed": true }), false),
            // Plain http is never opened (and nothing reaches a browser here).
            "open_url" => (json!({ "url": "http://example.com/" }), false),
            "render_reference" => (json!({ "id": "j-none", "which": "clip" }), false),
            "frame_reference" => (json!({ "id": "j-none", "atS": 1.0 }), false),
            "storage_secret_save" => (json!({ "secret": STORAGE_SENTINEL }), true),
            // No storage is set up here.
            "storage_check" => (json!({}), false),
            // It replies nothing: it ends the app. The window's quit dialog calls it.
            "app_quit" => continue,
            _ => (json!({}), true),
        };
        let reply = s.invoke(command, args).await;
        assert_eq!(reply.get("ok").is_some(), ok, "{command}: {reply}");
        replies.push((command, reply));
    }
    assert_eq!(
        live.ledger().charges.values().sum::<u32>(),
        1,
        "the submission reached the service with the key"
    );
    // Errors too: Live refused after the key is removed.
    let cleared = s.invoke("key_clear", json!({})).await;
    assert_eq!(cleared["ok"]["stored"], false, "{cleared}");
    let refused = s.invoke("connection_set", json!({ "mode": "live" })).await;
    assert_eq!(refused["err"]["code"], "needs_key", "{refused}");
    replies.push((&"key_clear", cleared));
    replies.push((&"connection_set", refused));
    for (command, reply) in &replies {
        assert!(
            !reply.to_string().contains(SENTINEL) && !reply.to_string().contains(STORAGE_SENTINEL),
            "the reply of {command} holds a secret"
        );
    }
    assert_eq!(
        secret_tool::lookup_api_key(&service),
        None,
        "the key was removed"
    );

    // Without a key the app is back in Sandbox mode.
    s.client.refresh().await.unwrap();
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    let env = s.end().await;

    let logs = data.join("logs");
    assert!(
        std::fs::read_dir(&logs).unwrap().next().is_some(),
        "the app logs into {}",
        logs.display()
    );
    let mut hits = files_containing(&data, SENTINEL.as_bytes());
    hits.extend(files_containing(&data, STORAGE_SENTINEL.as_bytes()));
    assert!(hits.is_empty(), "the key was written to {hits:?}");
    live.stop().await;
    drop(env);
}

/// The app and `seedance` on one data folder at once: a job the command submits (and then
/// leaves) is finished and downloaded by the running app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_app_finishes_a_job_the_command_started() {
    let cli = std::path::Path::new(crate::harness::APP_BIN).with_file_name("seedance");
    assert!(
        cli.exists(),
        "{} is missing: `cargo test --workspace` builds it (or `cargo build -p seedance-cli`)",
        cli.display()
    );
    let live = Sandbox::start(Config {
        keys: vec![SENTINEL.to_string()],
        render_time: seedance_sandbox::RenderTime::between_ms(800, 1200),
        rate_limit: 30,
        rate_window: std::time::Duration::from_secs(3),
        ..Config::default()
    })
    .await
    .unwrap();
    let mut env = AppEnv::new();
    env.set("SEEDANCE_BASE_URL", live.base_url());
    env.set("SEEDANCE_API_KEY", SENTINEL);
    env.set("SEEDANCE_RATE", "30/3");
    let vars = env.vars.clone();
    let s = Session::start_with(env).await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Live"))
        .await;

    let seedance = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new(&cli);
        cmd.args(args).envs(vars.iter().map(|(k, v)| (k, v)));
        cmd
    };
    let out = seedance(&[
        "generate",
        "--prompt",
        "a kettle steaming on a stove",
        "--json",
    ])
    .output()
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(job["status"], "processing", "the command left it rendering");
    let id = job["job_id"].as_str().unwrap().to_string();

    // Only the app runs now: it polls, downloads and finishes the command's job.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let done = loop {
        let out = seedance(&["status", &id, "--json"]).output().await.unwrap();
        let now: Value = serde_json::from_slice(&out.stdout).unwrap();
        if now["status"] == "ready" {
            break now;
        }
        assert!(std::time::Instant::now() < deadline, "still {now}");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };
    assert!(std::path::Path::new(done["video_path"].as_str().unwrap()).exists());
    assert_eq!(live.ledger().charges.values().sum::<u32>(), 1);
    s.end().await;
    live.stop().await;
}

/// Pointing Live at a host that is not the service's asks first, and for the key to use
/// there: the key saved for the service is replaced, never sent to the new host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_host_other_than_the_service_needs_confirming_with_its_own_key() {
    let env = AppEnv::new();
    let service = env.var("SEEDANCE_KEYCHAIN_SERVICE").unwrap().to_string();
    let s = Session::start_with(env).await;
    click(&s, "nav-settings").await;
    type_key(&s, SENTINEL).await;

    let base = s.wait_for("settings-base-url").await;
    base.clear().await.unwrap();
    base.send_keys("https://api.elsewhere.test").await.unwrap();
    click(&s, "settings-save").await;
    let asked = s
        .wait_for_text("settings-host-confirm", |t| {
            t.contains("api.elsewhere.test")
        })
        .await;
    assert!(asked.contains("not the Seedance service"), "{asked}");
    let stored = s.invoke("settings_get", json!({})).await;
    assert_eq!(
        stored["ok"]["base_url"], "https://seedance2ai.io",
        "nothing saved yet"
    );
    // The page cannot confirm it by itself: a made-up confirmation is ignored.
    let mut forged = stored["ok"].clone();
    forged["base_url"] = json!("https://api.elsewhere.test");
    forged["confirmed_base_host"] = json!("api.elsewhere.test");
    let refused = s
        .invoke("settings_save", json!({ "settings": forged }))
        .await;
    assert_eq!(refused["err"]["code"], "needs_confirmation", "{refused}");
    assert_eq!(
        secret_tool::lookup_api_key(&service).as_deref(),
        Some(SENTINEL)
    );

    // Confirmed with the key for that host: saved, and that key replaces the other.
    let other = "sk_other_host_4d2b8e61";
    s.wait_for("settings-host-key")
        .await
        .send_keys(other)
        .await
        .unwrap();
    click(&s, "settings-host-yes").await;
    s.wait_for("settings-saved").await;
    let stored = s.invoke("settings_get", json!({})).await;
    assert_eq!(stored["ok"]["base_url"], "https://api.elsewhere.test");
    assert_eq!(stored["ok"]["confirmed_base_host"], "api.elsewhere.test");
    assert_eq!(
        secret_tool::lookup_api_key(&service).as_deref(),
        Some(other)
    );
    s.end().await;
}
