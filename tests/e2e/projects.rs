//! Projects in the window: a storyboard imported through the desktop's file dialog, its
//! estimate against the budget, the canary (the first shot alone, two takes), then every
//! shot (the chained one from the canary's last frame), every shot ready, and another take
//! of the first shot picked, which leaves the shot chained from it stale.
//! A project planned shot by shot, and a shot edited in the composer (director fields,
//! settings, chain) while the person's own draft waits.

use std::time::Duration;

use crate::dialogs::{answer_file_dialog, display};
use crate::harness::Session;

const STORYBOARD: &str = "# Glass Train
budget: 400

## Shot 1: Approach
A glass train crosses a snowy mountain bridge at dawn, slow dolly-in.

## Shot 2: Inside
chain: last-frame
Passengers look out at the falling snow, warm light, stable faces.

## Shot 3: Harbour
A lighthouse on a cliff in fog, slow pan.
";

async fn shot_status(s: &Session, index: u32) -> String {
    s.css(&format!("[data-testid='shot-card'][data-index='{index}']"))
        .await
        .attr("data-status")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn wait_status(s: &Session, index: u32, want: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let now = shot_status(s, index).await;
        if now == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "shot {index} is {now}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn set_number(s: &Session, testid: &str, value: &str) {
    s.client
        .execute(
            &format!(
                "const i = document.querySelector(\"[data-testid='{testid}']\"); i.value = '{value}'; \
                 i.dispatchEvent(new Event('input', {{ bubbles: true }})); \
                 i.dispatchEvent(new Event('change', {{ bubbles: true }}));"
            ),
            vec![],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storyboard_is_imported_estimated_canaried_rendered_and_a_take_picked() {
    let s = Session::start().await;
    s.wait_for_text("connection-mode", |t| t.starts_with("Sandbox"))
        .await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("glass-train.md");
    std::fs::write(&file, STORYBOARD).unwrap();

    s.wait_for("nav-projects").await.click().await.unwrap();
    let answer = {
        let (d, file) = (display(&s), file.clone());
        std::thread::spawn(move || {
            answer_file_dialog(&d, "Import a storyboard", Some(&file), false)
        })
    };
    s.wait_for("project-import").await.click().await.unwrap();
    answer.join().unwrap();
    s.wait_count("[data-testid='shot-card']", 3).await;
    let chain = s.wait_for("shot-chain").await;
    assert_eq!(
        chain.attr("data-index").await.unwrap().as_deref(),
        Some("2")
    );
    assert_eq!(
        chain.attr("data-chain").await.unwrap().as_deref(),
        Some("last-frame")
    );
    for index in 1..=3 {
        assert_eq!(shot_status(&s, index).await, "draft");
    }

    // The estimate against the budget: three standard 5 s takes, then two a shot.
    let estimated = |s: &Session| {
        let s = s.client.clone();
        async move {
            s.find(fantoccini::Locator::Css("[data-testid='project-estimate']"))
                .await
                .unwrap()
                .attr("data-estimated")
                .await
                .unwrap()
                .unwrap()
        }
    };
    s.wait_for("project-estimate").await;
    assert_eq!(estimated(&s).await, "90");
    set_number(&s, "project-takes", "2").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while estimated(&s).await != "180" {
        assert!(
            std::time::Instant::now() < deadline,
            "the estimate did not follow the takes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let budget = s.wait_for("project-budget").await;
    assert_eq!(budget.prop("value").await.unwrap().as_deref(), Some("400"));
    s.screenshot("projects-imported").await;

    // The canary: the first shot alone, two takes.
    s.wait_for("project-canary").await.click().await.unwrap();
    wait_status(&s, 1, "ready").await;
    s.wait_count(
        "[data-testid='shot-card'][data-index='1'] [data-testid='shot-take']",
        2,
    )
    .await;
    assert_eq!(shot_status(&s, 2).await, "draft");
    assert_eq!(shot_status(&s, 3).await, "draft");

    // The canary's takes culled with the keys alone, from the takes strip.
    let strip = "[data-testid='shot-card'][data-index='1'] [data-testid='shot-takes']";
    let take = |n: usize| format!("{strip} [data-testid='shot-take']:nth-child({n})");
    s.focus(&s.css(strip).await).await;
    s.press("?").await;
    s.wait_for("takes-shortcuts").await;
    s.press("?").await;
    s.wait_count("[data-testid='takes-shortcuts']", 0).await;
    s.wait_attr(&take(1), "data-focused", "true").await;
    s.press(&fantoccini::key::Key::Right.to_string()).await;
    s.wait_attr(&take(2), "data-focused", "true").await;
    s.wait_attr(&take(1), "data-focused", "false").await;
    s.press("3").await;
    let rate = format!("{} [data-testid='take-rate']", take(2));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.css(&rate).await.prop("value").await.unwrap().as_deref() != Some("3") {
        assert!(
            std::time::Instant::now() < deadline,
            "3 did not rate the take"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reject = format!("{} [data-testid='take-reject']", take(2));
    s.press("x").await;
    s.wait_attr(&reject, "aria-pressed", "true").await;
    s.press("x").await;
    s.wait_attr(&reject, "aria-pressed", "false").await;
    s.press("p").await;
    s.wait_attr(&take(2), "data-selected", "true").await;
    s.wait_attr(&take(1), "data-selected", "false").await;
    // Space compares the shot's takes; Escape comes back to the strip.
    s.press(" ").await;
    s.wait_count("[data-testid='compare-video']", 2).await;
    s.press(&fantoccini::key::Key::Escape.to_string()).await;
    s.wait_count("[data-testid='compare-view']", 0).await;
    let judged = s
        .invoke(
            "project_get",
            serde_json::json!({ "project": "Glass Train" }),
        )
        .await;
    let second_take = &judged["ok"]["shots"][0]["takes"][1];
    assert_eq!(
        (
            &second_take["rating"],
            &second_take["rejected"],
            &second_take["selected"]
        ),
        (&3.into(), &false.into(), &true.into())
    );

    // Approved: one take a shot for the rest; the chained shot follows the canary.
    set_number(&s, "project-takes", "1").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.wait_for("project-render").await.click().await.unwrap();
    wait_status(&s, 3, "ready").await;
    wait_status(&s, 2, "ready").await;
    let shots = s
        .invoke(
            "project_get",
            serde_json::json!({ "project": "Glass Train" }),
        )
        .await;
    let shots = &shots["ok"]["shots"];
    let used = |i: usize| -> String {
        shots[i]["takes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["selected"] == true)
            .unwrap()["job_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = s
        .invoke("job_detail", serde_json::json!({ "id": used(0) }))
        .await;
    let second = s
        .invoke("job_detail", serde_json::json!({ "id": used(1) }))
        .await;
    assert_eq!(
        second["ok"]["request"]["image_url"], first["ok"]["last_frame_url"],
        "shot 2 starts from the canary's last frame"
    );
    s.screenshot("projects-rendered").await;

    // Another take of the first shot picked: in use, and the chained shot is stale.
    let other = s
        .css("[data-testid='shot-card'][data-index='1'] [data-testid='shot-take'][data-selected='false'] [data-testid='take-select']")
        .await;
    other.click().await.unwrap();
    wait_status(&s, 2, "stale").await;
    let picked = s
        .css("[data-testid='shot-card'][data-index='1'] [data-testid='shot-take'][data-selected='true']")
        .await
        .attr("data-job")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(picked, used(0));
    assert_eq!(shot_status(&s, 3).await, "ready");

    // Shot 3's take rated and rejected: a rejected take is not the one used.
    let take = "[data-testid='shot-card'][data-index='3'] [data-testid='shot-take']";
    s.css(&format!("{take} [data-testid='take-rate']"))
        .await
        .select_by_value("4")
        .await
        .unwrap();
    s.css(&format!("{take} [data-testid='take-reject']"))
        .await
        .click()
        .await
        .unwrap();
    wait_status(&s, 3, "failed").await;
    let judged = s
        .invoke(
            "project_get",
            serde_json::json!({ "project": "Glass Train" }),
        )
        .await;
    let third = &judged["ok"]["shots"][2]["takes"][0];
    // In the Library, beside a render of its own, the project's four takes are found by it.
    s.submit(&["a red kite over golden dunes at noon"], false)
        .await;
    s.wait_jobs_in("ready", 5).await;
    s.wait_for("nav-library").await.click().await.unwrap();
    s.wait_count("[data-testid='library-item']", 5).await;
    let id = judged["ok"]["id"].as_str().unwrap().to_string();
    s.wait_for("library-filter-project")
        .await
        .select_by_value(&id)
        .await
        .unwrap();
    s.wait_count("[data-testid='library-item']", 4).await;
    assert_eq!(
        (&third["rating"], &third["rejected"], &third["selected"]),
        (&4.into(), &true.into(), &false.into())
    );
    s.end().await;
}

async fn type_into(s: &Session, testid: &str, text: &str) {
    let field = s.wait_for(testid).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn titles(s: &Session) -> Vec<String> {
    let cards = s
        .client
        .find_all(fantoccini::Locator::Css("[data-testid='shot-card'] strong"))
        .await
        .unwrap();
    let mut out = Vec::new();
    for card in cards {
        out.push(card.text().await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_is_planned_shot_by_shot_in_the_window() {
    let s = Session::start().await;
    s.wait_for("nav-projects").await.click().await.unwrap();
    type_into(&s, "project-new-name", "Harbour").await;
    s.wait_for("project-new").await.click().await.unwrap();
    s.wait_for_text("project-estimate", |t| !t.is_empty()).await;
    assert_eq!(s.count("[data-testid='shot-card']").await, 0);

    // A shot with a prompt too short is refused with its problem, and nothing is added.
    s.wait_for("shot-add").await.click().await.unwrap();
    type_into(&s, "shot-title", "Dawn").await;
    type_into(&s, "shot-prompt", "hi").await;
    s.wait_for("shot-save").await.click().await.unwrap();
    let problems = s.wait_for_text("shot-problems", |t| !t.is_empty()).await;
    assert!(problems.contains("3–10000 characters"), "{problems}");
    assert_eq!(s.count("[data-testid='shot-card']").await, 0);
    type_into(
        &s,
        "shot-prompt",
        "Fishing boats leave a misty harbour at dawn.",
    )
    .await;
    s.wait_for("shot-save").await.click().await.unwrap();
    s.wait_count("[data-testid='shot-card']", 1).await;

    // A second shot chained from the first's last frame.
    s.wait_for("shot-add").await.click().await.unwrap();
    type_into(&s, "shot-title", "Gulls").await;
    type_into(
        &s,
        "shot-prompt",
        "Gulls circle above the boats, the sun breaking through.",
    )
    .await;
    s.wait_for("shot-chain-select")
        .await
        .select_by_value("last-frame")
        .await
        .unwrap();
    s.wait_for("shot-save").await.click().await.unwrap();
    s.wait_count("[data-testid='shot-card']", 2).await;
    let chain = s.wait_for("shot-chain").await;
    assert_eq!(
        chain.attr("data-index").await.unwrap().as_deref(),
        Some("2")
    );

    // Duplicated, moved up with the keyboard's button, edited, deleted.
    s.css("[data-testid='shot-card'][data-index='1'] [data-testid='shot-duplicate']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_count("[data-testid='shot-card']", 3).await;
    s.css("[data-testid='shot-card'][data-index='3'] [data-testid='shot-up']")
        .await
        .click()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = titles(&s).await;
        if now.len() == 3 && now[1].ends_with("Gulls") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not moved: {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.css("[data-testid='shot-card'][data-index='3'] [data-testid='shot-edit']")
        .await
        .click()
        .await
        .unwrap();
    type_into(&s, "shot-title", "Dawn again").await;
    s.wait_for("shot-save").await.click().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !titles(&s).await[2].ends_with("Dawn again") {
        assert!(std::time::Instant::now() < deadline, "not edited");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.css("[data-testid='shot-card'][data-index='1'] [data-testid='shot-delete']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_count("[data-testid='shot-card']", 2).await;
    // Gulls is now first: nothing before it to chain from, so it stands alone.
    let project = s
        .invoke("project_get", serde_json::json!({ "project": "Harbour" }))
        .await;
    let shots = project["ok"]["shots"].as_array().unwrap();
    let plan: Vec<(&str, &str)> = shots
        .iter()
        .map(|s| (s["title"].as_str().unwrap(), s["chain"].as_str().unwrap()))
        .collect();
    assert_eq!(plan, [("Gulls", "none"), ("Dawn again", "none")]);

    // The person's own draft in the composer...
    s.wait_for("nav-compose").await.click().await.unwrap();
    type_into(
        &s,
        "composer-prompt",
        "My own draft: a red kite over dunes.",
    )
    .await;
    // ...is kept aside while shot 2 is edited there.
    s.wait_for("nav-projects").await.click().await.unwrap();
    s.css("[data-testid='shot-card'][data-index='2'] [data-testid='shot-compose']")
        .await
        .click()
        .await
        .unwrap();
    let editing = s.wait_for("composer-shot").await;
    assert_eq!(
        editing.attr("data-index").await.unwrap().as_deref(),
        Some("2")
    );
    let prompt = s.wait_for("composer-prompt").await;
    assert_eq!(
        prompt.prop("value").await.unwrap().as_deref(),
        Some("Fishing boats leave a misty harbour at dawn.")
    );
    // A prompt too short: its problem, and nothing stored.
    type_into(&s, "composer-prompt", "hi").await;
    s.wait_for("composer-shot-save")
        .await
        .click()
        .await
        .unwrap();
    let problems = s
        .wait_for_text("composer-error", |t| t.contains("3–10000 characters"))
        .await;
    assert!(problems.contains("prompt"), "{problems}");
    let stored = s
        .invoke("project_get", serde_json::json!({ "project": "Harbour" }))
        .await;
    assert_eq!(
        stored["ok"]["shots"][1]["prompt"],
        "Fishing boats leave a misty harbour at dawn."
    );
    // Directed, retitled, chained and at 1080p: saved, and back on the storyboard.
    type_into(&s, "composer-shot-title", "Dawn, directed").await;
    s.wait_for("composer-director").await.click().await.unwrap();
    type_into(&s, "director-subject", "Fishing boats").await;
    type_into(&s, "director-action", "leave a misty harbour at dawn").await;
    type_into(&s, "director-camera", "slow dolly-in").await;
    s.wait_for("composer-shot-chain")
        .await
        .select_by_value("last-frame")
        .await
        .unwrap();
    s.choose("composer-resolution", "1080p").await;
    s.wait_for("composer-shot-save")
        .await
        .click()
        .await
        .unwrap();
    s.wait_count("[data-testid='shot-card']", 2).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !titles(&s).await[1].ends_with("Dawn, directed") {
        assert!(
            std::time::Instant::now() < deadline,
            "not saved from the composer"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let project = s
        .invoke("project_get", serde_json::json!({ "project": "Harbour" }))
        .await;
    let edited = &project["ok"]["shots"][1];
    assert_eq!(edited["chain"], "last-frame");
    assert_eq!(
        edited["settings"],
        serde_json::json!({ "resolution": "1080p" })
    );
    assert_eq!(edited["direction"]["subject"], "Fishing boats");
    assert_eq!(edited["direction"]["camera"], "slow dolly-in");
    let prompt = edited["prompt"].as_str().unwrap();
    assert!(
        prompt.starts_with("Fishing boats leave a misty harbour at dawn. Camera: slow dolly-in."),
        "{prompt}"
    );
    // The composer has the person's own draft again.
    s.wait_for("nav-compose").await.click().await.unwrap();
    let prompt = s.wait_for("composer-prompt").await;
    assert_eq!(
        prompt.prop("value").await.unwrap().as_deref(),
        Some("My own draft: a red kite over dunes.")
    );
    assert_eq!(s.count("[data-testid='composer-shot']").await, 0);
    s.end().await;
}
