//! The cut in the window: a rendered project's takes play back to back under the
//! storyboard (the shot on screen highlighted, a scrubber over the whole cut), a shot is
//! trimmed with its handles and crossfaded into the next, the cut is assembled with a
//! progress bar into the Library (a render of kind cut), and the edit is exported through
//! the desktop's save dialog.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::dialogs::{answer_file_dialog, display};
use crate::harness::Session;

/// Sets a control's value as a person dragging or typing would, then lets go.
async fn set_value(s: &Session, selector: &str, value: &str) {
    s.client
        .execute(
            &format!(
                "const i = document.querySelector(\"{selector}\"); i.value = '{value}'; \
                 i.dispatchEvent(new Event('input', {{ bubbles: true }})); \
                 i.dispatchEvent(new Event('change', {{ bubbles: true }}));"
            ),
            vec![],
        )
        .await
        .unwrap();
}

async fn attr(s: &Session, selector: &str, name: &str) -> String {
    s.css(selector)
        .await
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn wait_attr(s: &Session, selector: &str, name: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = attr(s, selector, name).await;
        if ok(&now) {
            return now;
        }
        assert!(Instant::now() < deadline, "{selector} has {name}={now:?}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rendered_project_plays_trims_assembles_into_the_library_and_exports_its_edit() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    // A project of three shots, rendered in the Sandbox.
    assert!(
        s.invoke("project_new", json!({ "name": "Lighthouse" }))
            .await["ok"]
            .is_object()
    );
    for (i, prompt) in [
        "A lighthouse on a cliff in fog, slow pan.",
        "Waves break on black rocks below it, low angle.",
        "Its lamp turns on at dusk, wide shot.",
    ]
    .iter()
    .enumerate()
    {
        let added = s
            .invoke(
                "shot_add",
                json!({ "project": "Lighthouse", "index": i + 1, "plan": { "prompt": prompt, "title": format!("Part {}", i + 1) } }),
            )
            .await;
        assert!(added["ok"].is_object(), "{added}");
    }
    let started = s
        .invoke(
            "project_render",
            json!({ "project": "Lighthouse", "takes": 1, "canary": false, "confirmedSpend": true }),
        )
        .await;
    assert!(started["ok"].is_object(), "{started}");

    s.wait_for("nav-projects").await.click().await.unwrap();
    s.wait_for("project-item").await.click().await.unwrap();
    for index in 1..=3 {
        wait_attr(
            &s,
            &format!("[data-testid='shot-card'][data-index='{index}']"),
            "data-status",
            |v| v == "ready",
        )
        .await;
    }
    s.wait_count("[data-testid='cut-segment']", 3).await;
    let assemble = s.wait_for("cut-assemble").await;
    wait_attr(&s, "[data-testid='cut-assemble']", "disabled", |v| {
        v.is_empty()
    })
    .await;

    // Played back to back: from just before shot 1 ends, the player moves on to shot 2,
    // highlighted on the storyboard.
    let total: f64 = attr(&s, "[data-testid='cut-timeline']", "data-duration")
        .await
        .parse()
        .unwrap();
    set_value(
        &s,
        "[data-testid='cut-scrubber']",
        &format!("{}", total / 3.0 - 0.6),
    )
    .await;
    wait_attr(&s, "[data-testid='cut-player']", "data-shot", |v| v == "1").await;
    s.wait_for("cut-play").await.click().await.unwrap();
    wait_attr(&s, "[data-testid='cut-player']", "data-shot", |v| v == "2").await;
    wait_attr(
        &s,
        "[data-testid='shot-card'][data-index='2']",
        "data-playing",
        |v| v == "true",
    )
    .await;
    // The scrubber reaches any point of the cut: near its end is shot 3.
    set_value(
        &s,
        "[data-testid='cut-scrubber']",
        &format!("{}", total - 0.5),
    )
    .await;
    wait_attr(&s, "[data-testid='cut-player']", "data-shot", |v| v == "3").await;
    s.wait_for("cut-play").await.click().await.unwrap();

    // A handle past the take's end is refused with its field; a real trim is kept.
    set_value(&s, "[data-testid='cut-trim-in'][data-index='1']", "0.5").await;
    wait_attr(
        &s,
        "[data-testid='cut-segment'][data-index='1']",
        "data-in",
        |v| v == "0.5",
    )
    .await;
    // Each take is as long as its shot asked (the three are alike): half a second off its end.
    let out_s = ((total / 3.0 - 0.5) * 10.0).round() / 10.0;
    let out = format!("{out_s}");
    set_value(&s, "[data-testid='cut-trim-out'][data-index='2']", &out).await;
    wait_attr(
        &s,
        "[data-testid='cut-segment'][data-index='2']",
        "data-out",
        |v| v == out,
    )
    .await;
    let shortened: f64 = wait_attr(&s, "[data-testid='cut-timeline']", "data-duration", |v| {
        v.parse::<f64>().is_ok_and(|d| d < total - 0.9)
    })
    .await
    .parse()
    .unwrap();
    assert!(
        (shortened - (total - 1.0)).abs() < 0.05,
        "{shortened} of {total}"
    );
    // Crossfading 1 into 2.
    set_value(
        &s,
        "[data-testid='cut-transition'][data-index='1']",
        "crossfade",
    )
    .await;
    s.wait_for("cut-transition-seconds").await;
    let project = s
        .invoke("project_get", json!({ "project": "Lighthouse" }))
        .await;
    assert_eq!(
        project["ok"]["shots"][0]["edit"],
        json!({ "in": 0.5, "transition": "crossfade", "seconds": 1 })
    );
    assert_eq!(
        project["ok"]["shots"][1]["edit"],
        json!({ "out": out_s, "transition": "cut" })
    );
    s.screenshot("cut-timeline").await;

    // Assembled (trimmed and crossfaded: re-encoded) with a progress bar, into the Library.
    assemble.click().await.unwrap();
    let result = s.wait_for("cut-result").await;
    assert_eq!(
        result.attr("data-copy").await.unwrap().as_deref(),
        Some("false")
    );
    let job = result.attr("data-job").await.unwrap().unwrap();
    let detail = s.invoke("job_detail", json!({ "id": job })).await;
    assert_eq!(detail["ok"]["summary"]["kind"], "cut", "{detail}");
    assert_eq!(detail["ok"]["summary"]["state"], "ready", "{detail}");
    assert!(
        detail["ok"]["command"]
            .as_str()
            .unwrap()
            .contains("project assemble 'Lighthouse'"),
        "{detail}"
    );
    s.wait_for("nav-library").await.click().await.unwrap();
    let tile = s.wait_for("library-kind").await;
    assert_eq!(
        tile.attr("data-kind").await.unwrap().as_deref(),
        Some("cut")
    );
    s.screenshot("cut-in-library").await;

    // The edit, exported where the save dialog says.
    s.wait_for("nav-projects").await.click().await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("lighthouse.otio");
    let answer = {
        let (d, file) = (display(&s), file.clone());
        std::thread::spawn(move || answer_file_dialog(&d, "Export the edit", Some(&file), true))
    };
    s.wait_for("cut-export").await.click().await.unwrap();
    answer.join().unwrap();
    s.wait_for("cut-exported").await;
    for ext in ["otio", "fcpxml", "edl"] {
        let written = std::fs::read_to_string(file.with_extension(ext)).unwrap();
        assert!(written.contains("Part 2"), "{ext}: {written}");
    }
    s.end().await;
}
