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

/// `text` written to `name` and imported as a project.
async fn import(env: &Env, name: &str, text: &str) {
    let (code, out) = env
        .json(&["project", "import", &file(env, name, text), "--json"])
        .await;
    assert_eq!(code, 0, "{out}");
}

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
    import(&env, "glass.md", GLASS_TRAIN).await;
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

const CHAINED: &str = "# Chained
budget: 200

## Shot 1: Approach
A glass train crosses a snowy mountain bridge at dawn.

## Shot 2: Inside
chain: last-frame
Passengers look out at the falling snow, warm light.

## Shot 3: Harbour
A lighthouse on a cliff in fog, slow pan.
";

/// The POSTs the emulator answered, as (time ms, status), in order.
fn posts(env: &Env) -> Vec<(u64, u16)> {
    env.sandbox
        .ledger()
        .requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| (r.at_ms, r.status))
        .collect()
}

fn take_of(project: &Value, index: usize) -> Vec<String> {
    project["shots"][index - 1]["takes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["job_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_chains_in_order_within_the_budget_and_never_pays_twice() {
    let env = Env::new((300, 600)).await;
    import(&env, "chained.md", CHAINED).await;
    let (code, project) = env
        .json(&["project", "render", "Chained", "--wait", "--json"])
        .await;
    assert_eq!(code, 0, "{project}");
    let statuses: Vec<&str> = project["shots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["ready", "ready", "ready"]);
    assert_eq!(env.charges(), 3);
    assert_eq!(project["spent"], 90);
    // Shot 2 starts from shot 1's last frame, and went out only after shot 1 was done;
    // shots 1 and 3 went out at once.
    let first = take_of(&project, 1).remove(0);
    let (_, first_job) = env.json(&["show", &first, "--json"]).await;
    let (_, second_job) = env
        .json(&["show", &take_of(&project, 2)[0], "--json"])
        .await;
    assert_eq!(
        second_job["request"]["image_url"], first_job["last_frame_url"],
        "{second_job}"
    );
    assert_eq!(second_job["request"]["mode"], "image-to-video");
    let task = first_job["task_id"].as_str().unwrap();
    let done_at = env.sandbox.task_done_at(task).unwrap() as i64;
    assert!(
        second_job["created_at"].as_i64().unwrap() >= done_at,
        "shot 2 was made before shot 1 was rendered"
    );
    let times = posts(&env);
    assert_eq!(times.len(), 3);
    assert!(
        times[1].0 - times[0].0 < 250,
        "shots 1 and 3 together: {times:?}"
    );
    // Again: every take is there, nothing is sent.
    let (code, _) = env
        .json(&["project", "render", "Chained", "--wait", "--json"])
        .await;
    assert_eq!((code, env.charges()), (0, 3));
    // Three takes a shot would pass the budget: refused with the figures, nothing sent.
    let (code, refused) = env
        .json(&[
            "project", "render", "Chained", "--takes", "3", "--yes", "--json",
        ])
        .await;
    assert_eq!(code, 6, "{refused}");
    assert_eq!(refused["error"]["rule"], "project_budget");
    assert_eq!(refused["error"]["limit"], 200);
    assert_eq!(refused["error"]["estimated_credits"], 90 + 180);
    assert_eq!(env.charges(), 3);
    // With room in the budget, two takes a shot: three more, once however often asked.
    env.json(&["project", "budget", "Chained", "400", "--json"])
        .await;
    let (code, two) = env
        .json(&[
            "project", "render", "Chained", "--takes", "2", "--wait", "--json",
        ])
        .await;
    assert_eq!(code, 0, "{two}");
    assert_eq!(env.charges(), 6);
    let (code, _) = env
        .json(&[
            "project", "render", "Chained", "--takes", "2", "--wait", "--json",
        ])
        .await;
    assert_eq!((code, env.charges()), (0, 6));
    // The renders are in the Library too, found by their project.
    env.json(&["generate", "--prompt", "a red kite over dunes", "--json"])
        .await;
    let (_, list) = env.json(&["list", "--json"]).await;
    assert_eq!(list.as_array().unwrap().len(), 7);
    let (_, takes) = env.json(&["list", "--project", "Chained", "--json"]).await;
    assert_eq!(takes.as_array().unwrap().len(), 6);
    let (_, none) = env.json(&["list", "--project", "Nothing", "--json"]).await;
    assert_eq!(none, Value::Array(vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canary_goes_alone_then_the_rest_and_another_take_makes_the_chain_stale() {
    let env = Env::new((200, 400)).await;
    import(&env, "chained.md", CHAINED).await;
    let (code, canary) = env
        .json(&[
            "project", "render", "Chained", "--canary", "--takes", "2", "--wait", "--json",
        ])
        .await;
    assert_eq!(code, 0, "{canary}");
    assert_eq!(env.charges(), 2);
    assert_eq!(take_of(&canary, 1).len(), 2);
    assert!(take_of(&canary, 2).is_empty() && take_of(&canary, 3).is_empty());
    let (code, all) = env
        .json(&["project", "render", "Chained", "--wait", "--json"])
        .await;
    assert_eq!(code, 0, "{all}");
    // Shot 1 keeps its two takes (one was asked for: they count), shots 2 and 3 get one.
    assert_eq!(env.charges(), 4);
    let selected = |p: &Value, index: usize| -> String {
        p["shots"][index - 1]["takes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["selected"] == true)
            .map(|t| t["job_id"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (_, inside) = env.json(&["show", &selected(&all, 2), "--json"]).await;
    let (_, first) = env.json(&["show", &selected(&all, 1), "--json"]).await;
    assert_eq!(inside["request"]["image_url"], first["last_frame_url"]);
    // Picking shot 1's other take makes shot 2 stale (its take kept); rendering again
    // makes a fresh one from the picked take.
    let other = take_of(&all, 1)
        .into_iter()
        .find(|j| *j != selected(&all, 1))
        .unwrap();
    let (code, picked) = env
        .json(&["project", "select", "Chained", "1", &other, "--json"])
        .await;
    assert_eq!(code, 0, "{picked}");
    assert_eq!(picked["shots"][1]["status"], "stale");
    assert_eq!(picked["shots"][1]["takes"][0]["stale"], true);
    let (code, fresh) = env
        .json(&["project", "render", "Chained", "--wait", "--json"])
        .await;
    assert_eq!(code, 0, "{fresh}");
    assert_eq!(env.charges(), 5);
    assert_eq!(take_of(&fresh, 2).len(), 2);
    let (_, remade) = env.json(&["show", &selected(&fresh, 2), "--json"]).await;
    let (_, picked_job) = env.json(&["show", &other, "--json"]).await;
    assert_eq!(remade["request"]["image_url"], picked_job["last_frame_url"]);
    // A take that is not ready, or of another shot, cannot be picked.
    let (code, wrong) = env
        .json(&["project", "select", "Chained", "3", &other, "--json"])
        .await;
    assert_eq!((code, &wrong["error"]["field"]), (2, &Value::from("job")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_takes_are_tried_as_often_as_allowed_and_stop_nothing_else() {
    let env = Env::with(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(100, 200),
        fail_rate: 1.0,
        ..Config::default()
    })
    .await;
    import(&env, "chained.md", CHAINED).await;
    let (code, project) = env
        .json(&[
            "project",
            "render",
            "Chained",
            "--max-attempts",
            "3",
            "--wait",
            "--json",
        ])
        .await;
    // Shots 1 and 3 fail three times each; shot 2 never goes out (nothing to chain from).
    assert_eq!(code, 4, "{project}");
    assert_eq!(posts(&env).len(), 6);
    assert_eq!(project["shots"][0]["status"], "failed");
    assert_eq!(project["shots"][2]["status"], "failed");
    assert!(take_of(&project, 2).is_empty());
    // Failed renders are refunded: nothing was spent.
    assert_eq!(project["spent"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_sends_nothing_more_and_two_processes_or_a_crash_never_pay_twice() {
    let env = Env::new((800, 1200)).await;
    import(&env, "chained.md", CHAINED).await;
    // One take in flight at a time; stopped after the first was sent.
    let (code, _) = env
        .json(&[
            "project",
            "render",
            "Chained",
            "--concurrency",
            "1",
            "--json",
        ])
        .await;
    assert_eq!(code, 0);
    let (code, stopped) = env.json(&["project", "stop", "Chained", "--json"]).await;
    assert_eq!((code, &stopped["rendering"]), (0, &Value::from(false)));
    let (code, _) = env.json(&["resume", "--wait", "--json"]).await;
    assert_eq!(code, 0);
    assert_eq!(posts(&env).len(), 1, "nothing more after the stop");

    // Rendered again by a process killed mid-way, then by two processes at once.
    let mut killed = env
        .command(&["project", "render", "Chained", "--wait", "--json"])
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while posts(&env).len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no take was sent");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    killed.start_kill().unwrap();
    killed.wait().await.unwrap();
    let both = ["project", "render", "Chained", "--wait", "--json"];
    let (a, b) = tokio::join!(env.json(&both), env.json(&both));
    assert_eq!((a.0, b.0), (0, 0), "{a:?} {b:?}");
    let statuses: Vec<&str> = a.1["shots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["ready", "ready", "ready"]);
    assert_eq!(env.charges(), 3, "each take charged once");
    assert!(env.sandbox.ledger().charges.values().all(|n| *n == 1));
}
