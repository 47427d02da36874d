//! Every view checked by axe-core (injected through WebDriver into the real window), in both
//! languages and both themes, with renders and a project in it: the violations counted by
//! impact, failing on any serious or critical one, which is named with where it is. Then
//! the same views at 1024×640 and 1920×1080 with nothing outside the window or overlapping,
//! and at 1440×900 the screenshots of the documentation.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::fixes::resize;
use crate::harness::Session;
use crate::layout::{docs_screenshot, layout_problems};

/// axe-core's script, from the UI's npm packages.
fn axe_source() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/ui/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (npm --prefix ui ci installs axe-core)"))
}

/// axe-core's violations on the page as it is now: `{id, impact, nodes, help, target}`.
async fn violations(s: &Session, axe: &str) -> Vec<Value> {
    let loaded = s
        .client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap();
    if loaded != json!(true) {
        s.client.execute(axe, vec![]).await.unwrap();
    }
    let found = s
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, { resultTypes: ['violations'] }).then( \
               r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, \
                 nodes: v.nodes.length, target: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))), \
               e => done([{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: 0, target: [] }]));",
            vec![],
        )
        .await
        .unwrap();
    found.as_array().unwrap().clone()
}

/// Each view as a person reaches it (its name, what is clicked, whether it is a drawer
/// closed with Escape before the next).
const VIEWS: [(&str, &str, bool); 7] = [
    ("compose", "[data-testid='nav-compose']", false),
    ("queue tray", "[data-testid='queue-tray']", true),
    ("library", "[data-testid='nav-library']", false),
    ("detail", "[data-testid='library-item']", true),
    ("projects", "[data-testid='nav-projects']", false),
    ("project", "[data-testid='project-item']", false),
    ("settings", "[data-testid='nav-settings']", false),
];

/// Counts `found` by impact into `counts`, and lists the serious and critical ones, each
/// said with `place`, in `serious`.
fn tally(
    place: &str,
    found: &[Value],
    counts: &mut BTreeMap<String, usize>,
    serious: &mut Vec<String>,
) {
    for v in found {
        let impact = v["impact"].as_str().unwrap_or("none").to_string();
        *counts.entry(impact.clone()).or_default() += 1;
        if impact == "serious" || impact == "critical" {
            serious.push(format!(
                "{place}: {} [{impact}] {} at {}",
                v["id"].as_str().unwrap_or(""),
                v["help"].as_str().unwrap_or(""),
                v["target"]
            ));
        }
    }
}

/// How long a view is given to load and draw after a click (a lazy view, a drawer).
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_passes_axe_in_both_languages_and_both_themes() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    s.submit(
        &["a red kite over golden dunes", "a lighthouse beam in fog"],
        false,
    )
    .await;
    s.wait_jobs_in("ready", 2).await;
    assert!(s.invoke("project_new", json!({ "name": "Harbour" })).await["ok"].is_object());
    let added = s
        .invoke(
            "shot_add",
            json!({ "project": "Harbour", "index": 1, "plan": { "prompt": "A boat leaves a foggy harbour at dawn.", "title": "Out" } }),
        )
        .await;
    assert!(added["ok"].is_object(), "{added}");
    let axe = axe_source();

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut serious = Vec::new();
    for (theme, language) in [
        ("light", "en"),
        ("dark", "en"),
        ("light", "ja"),
        ("dark", "ja"),
    ] {
        s.set_look(theme, language).await;
        for (view, selector, drawer) in VIEWS {
            s.click(selector).await;
            tokio::time::sleep(SETTLE).await;
            let found = violations(&s, &axe).await;
            tally(
                &format!("{view} ({theme}, {language})"),
                &found,
                &mut counts,
                &mut serious,
            );
            if drawer {
                s.press(&fantoccini::key::Key::Escape.to_string()).await;
                tokio::time::sleep(SETTLE).await;
            }
        }
        // A setting chip's pop-up, open over the composer.
        s.click("[data-testid='nav-compose']").await;
        s.open_setting("composer-resolution").await;
        let found = violations(&s, &axe).await;
        tally(
            &format!("setting pop-up ({theme}, {language})"),
            &found,
            &mut counts,
            &mut serious,
        );
        s.press(&fantoccini::key::Key::Escape.to_string()).await;
    }
    eprintln!("axe-core violations by impact, over every view: {counts:?}");
    assert!(
        serious.is_empty(),
        "serious or critical violations:\n{}",
        serious.join("\n")
    );

    // The layout at a small and a large window, then the documentation's screenshots.
    s.set_look("dark", "en").await;
    let mut wrong = Vec::new();
    for (width, height) in [(1024, 640), (1920, 1080), (1440, 900)] {
        resize(&s, width, height).await;
        for (view, selector, drawer) in VIEWS {
            s.click(selector).await;
            tokio::time::sleep(SETTLE).await;
            // The project view is the Projects area with its first project open.
            if width == 1440 && view != "projects" {
                let file = view.replace(' ', "-").replace("project", "projects");
                let readme = (view == "compose").then_some("docs/screenshot.png");
                docs_screenshot(&s, &file, readme).await;
            } else {
                for problem in layout_problems(&s).await {
                    wrong.push(format!("{view} at {width}×{height}: {problem}"));
                }
            }
            if drawer {
                s.press(&fantoccini::key::Key::Escape.to_string()).await;
                tokio::time::sleep(SETTLE).await;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
