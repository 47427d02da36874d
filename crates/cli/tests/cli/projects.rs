//! `seedance project …`: storyboards imported (and refused) as the contract says, listed,
//! shown, estimated, budgeted, exported and deleted; and estimates proved against what the
//! emulator, pricing as real accounts are charged, actually takes.

use serde_json::Value;

use super::{Env, KEY};
use seedance_sandbox::{Config, RenderTime};

const GLASS_TRAIN: &str = "# Glass Train
budget: 400
aspect: 16:9

## Shot 1: Approach
A glass train crosses a snowy mountain bridge at dawn, slow dolly-in.
duration: 5

## Shot 2: Inside
chain: last-frame
tier: pro
resolution: 1080p
duration: 10
Passengers look out at the falling snow, warm light, stable faces.
";

fn file(env: &Env, name: &str, text: &str) -> String {
    let path = env.data.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storyboard_becomes_a_project_with_its_shots_once() {
    let env = Env::new((100, 200)).await;
    let md = file(&env, "glass.md", GLASS_TRAIN);
    let (code, project) = env.json(&["project", "import", &md, "--json"]).await;
    assert_eq!(code, 0, "{project}");
    assert!(project["id"].as_str().unwrap().starts_with('p'));
    assert_eq!(project["name"], "Glass Train");
    assert_eq!(project["budget"], 400);
    let shots = project["shots"].as_array().unwrap();
    let summary: Vec<(u64, &str, &str, &str)> = shots
        .iter()
        .map(|s| {
            (
                s["index"].as_u64().unwrap(),
                s["title"].as_str().unwrap(),
                s["chain"].as_str().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "Approach", "none", "draft"),
            (2, "Inside", "last-frame", "draft")
        ]
    );
    assert!(shots.iter().all(|s| s["takes"] == Value::Array(vec![])));

    // The same name again is refused; --name imports it under another.
    let (code, refused) = env.json(&["project", "import", &md, "--json"]).await;
    assert_eq!(code, 2);
    assert_eq!(refused["error"]["field"], "name");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--name")
    );
    let (code, second) = env
        .json(&[
            "project",
            "import",
            &md,
            "--name",
            "Glass Train (night)",
            "--json",
        ])
        .await;
    assert_eq!(
        (code, &second["name"]),
        (0, &Value::from("Glass Train (night)"))
    );

    // By id or exact name; a list of both, newest first.
    let id = project["id"].as_str().unwrap();
    let (_, by_id) = env.json(&["project", "show", id, "--json"]).await;
    let (_, by_name) = env
        .json(&["project", "show", "Glass Train", "--json"])
        .await;
    assert_eq!(by_id, by_name);
    let (_, list) = env.json(&["project", "list", "--json"]).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Glass Train (night)", "Glass Train"]);
    let (code, missing) = env.json(&["project", "show", "Glass", "--json"]).await;
    assert_eq!(
        (code, &missing["error"]["field"]),
        (2, &Value::from("project"))
    );
    // Nothing was sent for any of it.
    assert_eq!(env.sandbox.ledger().requests.len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_problem_is_listed_and_nothing_is_created() {
    let env = Env::new((100, 200)).await;
    let md = file(
        &env,
        "broken.md",
        "# Broken\nbudget: lots\n\n## Shot 1\nchain: clip\nA cat at a window.\n\n## Shot 2\nduration: 30\nHi\n",
    );
    let (code, out) = env.json(&["project", "import", &md, "--json"]).await;
    assert_eq!(code, 2, "{out}");
    let problems: Vec<(&str, &str)> = out["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
    assert_eq!(
        fields,
        [
            "budget",
            "shots[2].duration",
            "shots[1].chain",
            "shots[2].prompt"
        ],
        "{problems:?}"
    );
    assert!(problems[1].1.starts_with("line 9: "), "{problems:?}");
    let (_, list) = env.json(&["project", "list", "--json"]).await;
    assert_eq!(list, Value::Array(vec![]));
    // A file that is no storyboard says which forms are.
    let txt = file(&env, "plan.txt", GLASS_TRAIN);
    let (code, out) = env.json(&["project", "import", &txt, "--json"]).await;
    assert_eq!(code, 2);
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains(".md, .csv or .json")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn estimate_budget_export_and_delete() {
    let env = Env::new((100, 200)).await;
    let md = file(&env, "glass.md", GLASS_TRAIN);
    env.json(&["project", "import", &md, "--json"]).await;
    // Standard 5 s 720p is 30 a take; pro 1080p 10 s is 240 (24 a second).
    let (code, estimate) = env
        .json(&[
            "project",
            "estimate",
            "Glass Train",
            "--takes",
            "2",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{estimate}");
    assert_eq!(estimate["budget"], 400);
    assert_eq!(estimate["spent"], 0);
    assert_eq!(estimate["remaining"], 400);
    assert_eq!(estimate["estimated_credits"], 2 * 30 + 2 * 240);
    let per_shot: Vec<(u64, u64)> = estimate["shots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["index"].as_u64().unwrap(),
                s["estimated_credits"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per_shot, [(1, 60), (2, 480)]);

    let (code, raised) = env
        .json(&["project", "budget", "Glass Train", "1000", "--json"])
        .await;
    assert_eq!((code, &raised["budget"]), (0, &Value::from(1000)));
    let (_, none) = env
        .json(&["project", "budget", "Glass Train", "none", "--json"])
        .await;
    assert!(none["budget"].is_null());
    let out = env.run(&["project", "budget", "Glass Train", "lots"]).await;
    assert_eq!(out.status.code(), Some(2));

    // What export writes, import reads back: the same shots, in every form.
    let (_, original) = env
        .json(&["project", "show", "Glass Train", "--json"])
        .await;
    for ext in ["md", "json", "csv"] {
        let out = env.data.path().join(format!("export.{ext}"));
        let (code, _) = env
            .json(&[
                "project",
                "export",
                "Glass Train",
                out.to_str().unwrap(),
                "--json",
            ])
            .await;
        assert_eq!(code, 0);
        let name = format!("Again {ext}");
        let (code, again) = env
            .json(&[
                "project",
                "import",
                out.to_str().unwrap(),
                "--name",
                &name,
                "--json",
            ])
            .await;
        assert_eq!(code, 0, "{ext}: {again}");
        let prompts = |p: &Value| -> Vec<(String, String)> {
            p["shots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["prompt"].to_string(), s["chain"].to_string()))
                .collect()
        };
        assert_eq!(prompts(&again), prompts(&original), "{ext}");
    }

    let (code, deleted) = env
        .json(&["project", "delete", "Glass Train", "--json"])
        .await;
    assert_eq!((code, &deleted["name"]), (0, &Value::from("Glass Train")));
    let (code, _) = env
        .json(&["project", "show", "Glass Train", "--json"])
        .await;
    assert_eq!(code, 2);
}

/// Renders `settings` with `seedance generate`, after asking for its estimate: returns
/// (estimated, charged).
async fn estimate_then_charge(env: &Env, settings: &[&str]) -> (u64, u64) {
    let mut args = vec![
        "generate",
        "--prompt",
        "a lighthouse on a cliff in fog, slow pan",
        "--json",
    ];
    args.extend_from_slice(settings);
    let mut dry = args.clone();
    dry.push("--dry-run");
    let (code, estimate) = env.json(&dry).await;
    assert_eq!(code, 0, "{estimate}");
    args.extend(["--wait", "--yes"]);
    let (code, job) = env.json(&args).await;
    assert_eq!(code, 0, "{job}");
    (
        estimate["estimate"]["credits"].as_u64().unwrap(),
        job["credits_used"].as_u64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn estimates_are_what_the_emulator_charges_and_learn_the_account() {
    // An account charged 1.5 times the rates, as accounts without an annual plan are.
    let env = Env::with(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(100, 200),
        price_permille: 1500,
        ..Config::default()
    })
    .await;
    // Before any charge the estimate is the rates (30); the account pays 45.
    assert_eq!(estimate_then_charge(&env, &[]).await, (30, 45));
    // From then on, other settings are estimated at the account's factor: right first time.
    for settings in [
        &["--tier", "pro", "--resolution", "1080p", "--duration", "10"][..],
        &["--tier", "mini", "--duration", "10"][..],
        &["--resolution", "1080p", "--duration", "4"][..],
    ] {
        let (estimated, charged) = estimate_then_charge(&env, settings).await;
        assert_eq!(estimated, charged, "{settings:?}");
    }
    assert_eq!(env.charges(), 4);
}
