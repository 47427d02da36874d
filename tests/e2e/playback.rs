//! Playback on a machine with no sound device (as CI's machines are): several sessions in
//! a row each render a clip, open it in the Library (where it plays in the detail) and hover
//! the tiles (hover previews), and none loses its window. The web view's content process is
//! the same one at the end as at the start, the log never says it ended, and with no audio
//! output it never loaded an audio output plugin (the null sink was chosen first).

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{AppEnv, Session, web_process_of};

const SESSIONS: usize = 4;

async fn playing(s: &Session) -> bool {
    s.client
        .execute(
            "const v = document.querySelector(\"[data-testid='library-video']\"); \
             return !!v && !v.paused && v.readyState >= 2 && v.currentTime > 0.3 && !v.error;",
            vec![],
        )
        .await
        .unwrap()
        == json!(true)
}

/// Whether the detail's clip is still playing: not paused, no error, and its time moving
/// (it loops, so a moment after the wrap its time is small again).
async fn still_playing(s: &Session) -> bool {
    let time = |s: &Session| {
        let client = s.client.clone();
        async move {
            client
                .execute(
                    "const v = document.querySelector(\"[data-testid='library-video']\"); \
                     return v && !v.paused && !v.error && v.readyState >= 2 ? v.currentTime : -1;",
                    vec![],
                )
                .await
                .unwrap()
                .as_f64()
                .unwrap_or(-1.0)
        }
    };
    let before = time(s).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after = time(s).await;
    before >= 0.0 && after >= 0.0 && after != before
}

async fn one_session(round: usize) {
    let mut env = AppEnv::new();
    // No sound server for this app either, whatever the machine running the tests has.
    let runtime = env.data_dir.path().join("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    env.set("XDG_RUNTIME_DIR", runtime.display().to_string());
    env.set("PULSE_SERVER", "");
    let data = env.data_path();
    let s = Session::start_with(env).await;
    let started = web_process_of(&data).expect("the window's WebKitWebProcess");

    s.submit(
        &[
            "a red kite over golden dunes",
            "a paper boat on a rain puddle",
        ],
        false,
    )
    .await;
    s.wait_jobs_in("ready", 2).await;
    s.wait_for("nav-library").await.click().await.unwrap();
    let tiles = s
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("[data-testid='library-item']"))
        .await
        .unwrap();
    drop(tiles);
    let tiles = s
        .client
        .find_all(Locator::Css("[data-testid='library-item']"))
        .await
        .unwrap();
    // Hover previews: each tile plays on hover, then the detail plays the clip.
    for tile in &tiles {
        s.client
            .execute(
                "arguments[0].dispatchEvent(new MouseEvent('mouseenter'));",
                vec![serde_json::to_value(tile).unwrap()],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        s.client
            .execute(
                "arguments[0].dispatchEvent(new MouseEvent('mouseleave'));",
                vec![serde_json::to_value(tile).unwrap()],
            )
            .await
            .unwrap();
    }
    for tile in &tiles {
        tile.click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        while !playing(&s).await {
            assert!(
                Instant::now() < deadline,
                "round {round}: the clip never played"
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(still_playing(&s).await, "round {round}: playback stopped");
        s.wait_for("detail-close").await.click().await.unwrap();
    }

    // The same content process, alive, and still answering this session.
    assert_eq!(
        web_process_of(&data),
        Some(started),
        "round {round}: the content process changed"
    );
    assert_eq!(s.client.title().await.unwrap(), "Seedance Studio");
    let maps = std::fs::read_to_string(format!("/proc/{started}/maps")).unwrap_or_default();
    let env_of = std::fs::read(format!("/proc/{started}/environ")).unwrap_or_default();
    let ranks = String::from_utf8_lossy(&env_of)
        .split('\0')
        .find_map(|v| {
            v.strip_prefix("GST_PLUGIN_FEATURE_RANK=")
                .map(str::to_string)
        })
        .unwrap_or_default();
    let machine =
        seedance_studio::audio::detect(None, Some(&runtime_dir(&data)), Path::new("/dev/snd"));
    if machine == seedance_studio::audio::AudioOutput::Missing {
        assert!(
            ranks.contains("fakeaudiosink:MAX"),
            "round {round}: {ranks:?}"
        );
        for plugin in [
            "libgstopenal",
            "libgstpulseaudio",
            "libgstjack",
            "libgstoss",
        ] {
            assert!(
                !maps.contains(plugin),
                "round {round}: the content process loaded {plugin} with no audio output"
            );
        }
        assert!(
            maps.contains("libgstdebugutilsbad"),
            "round {round}: the null sink was not used"
        );
    }
    assert!(
        ranks.contains("openalsink:NONE"),
        "round {round}: {ranks:?}"
    );
    let env = s.end().await;
    let log: String = std::fs::read_dir(data.join("logs"))
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    assert!(
        !log.contains("content process ended"),
        "round {round}: the content process ended"
    );
    drop(env);
}

fn runtime_dir(data: &Path) -> std::path::PathBuf {
    data.parent().unwrap().join("runtime")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playback_without_a_sound_device_never_loses_the_window_several_sessions_in_a_row() {
    for round in 1..=SESSIONS {
        one_session(round).await;
    }
}
