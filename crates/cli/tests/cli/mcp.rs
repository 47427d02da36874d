//! `seedance mcp` through a real MCP client (the official Python SDK) over stdio, against
//! the emulator: the tools and their schemas, an estimate, an invalid request and one over
//! the allowance refused by field with nothing sent (the emulator's ledger says so), a
//! generate that a repeated call does not send twice, waits to ready with progress, search,
//! resources that hold the render and nothing else, the `director` prompt, and the job
//! seen by the app's engine on the same folder. Then a project: imported, estimated,
//! refused above the allowance, rendered (chained), a take picked and the cut assembled.
//! And retries of failed renders, counted against the allowance until it is spent.

use serde_json::Value;
use studio::media;

use super::{BIN, Env};

/// Runs the client's `scenario` (with `rest` after it) against `seedance mcp
/// --max-credits max_credits` on `env`'s folder and emulator: its transcript.
async fn transcript(env: &Env, max_credits: &str, scenario: &[&str]) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/mcp_client.py");
    let mut client = tokio::process::Command::new("python3");
    client.args([script, BIN, max_credits]).args(scenario);
    for (k, v) in env.command(&[]).as_std().get_envs() {
        if let Some(v) = v {
            client.env(k, v);
        }
    }
    let output = client.output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the client failed:\n{stderr}");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no transcript ({e}):\n{stderr}"))
}

/// The fields of a tool error's problems.
fn problem_fields(result: &Value) -> Vec<&str> {
    assert!(result["is_error"].as_bool().unwrap(), "{result}");
    result["structured"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_estimates_generates_waits_and_finds_its_render_within_its_allowance() {
    let env = Env::new((1500, 2500)).await;
    let t = transcript(&env, "50", &["render"]).await;

    // Every tool, each with a schema that teaches its parameters.
    let tools = t["tools"].as_object().unwrap();
    for name in [
        "estimate",
        "generate",
        "status",
        "wait",
        "search",
        "show",
        "retry",
        "project_import",
        "project_show",
        "project_render",
        "project_select",
        "project_assemble",
    ] {
        assert!(tools.contains_key(name), "no tool {name}");
    }
    let generate = &tools["generate"];
    assert_eq!(generate["required"], serde_json::json!(["prompt"]));
    assert_eq!(generate["properties"]["duration"]["enum"][0], "4");
    assert!(
        generate["properties"]["quality_tier"]["description"]
            .as_str()
            .unwrap()
            .contains("pro")
    );
    for filter in [
        "query",
        "mode",
        "tier",
        "status",
        "favourite",
        "tag",
        "project",
        "since",
        "until",
        "limit",
    ] {
        assert!(
            tools["search"]["properties"].get(filter).is_some(),
            "search has no {filter}"
        );
    }

    // The estimate: credits, the allowance, nothing sent.
    let estimate = &t["estimate"]["structured"];
    assert!(!t["estimate"]["is_error"].as_bool().unwrap());
    assert_eq!(estimate["estimate"]["credits"], 24, "{estimate}");
    assert_eq!(estimate["allowance"]["limit"], 50);
    assert_eq!(estimate["within_allowance"], true);
    assert_eq!(estimate["body"]["duration"], "4");

    // Every problem of an invalid request, by field.
    let invalid = &t["invalid"];
    assert_eq!(invalid["structured"]["code"], "invalid");
    let fields = problem_fields(invalid);
    for field in ["tier", "mode", "duration", "prompt"] {
        assert!(fields.contains(&field), "{field} not in {fields:?}");
    }

    // Over the allowance: refused with the figures.
    let dear = &t["too_dear"]["structured"];
    assert!(t["too_dear"]["is_error"].as_bool().unwrap());
    assert_eq!(dear["code"], "over_limit");
    assert_eq!(dear["rule"], "allowance");
    assert_eq!(dear["limit"], 50);
    assert!(dear["estimated_credits"].as_u64().unwrap() > 50, "{dear}");

    // The render, sent once though asked twice with one submission id.
    let job = &t["generate"]["structured"];
    assert!(
        !t["generate"]["is_error"].as_bool().unwrap(),
        "{}",
        t["generate"]
    );
    let id = job["job_id"].as_str().unwrap();
    assert_eq!(t["generate_again"]["structured"]["job_id"], id);
    assert_eq!(job["request"]["aspect_ratio"], "9:16");
    assert_ne!(t["cancelled_wait"], "answered");

    let last = t["waits"].as_array().unwrap().last().unwrap();
    assert_eq!(last["structured"]["status"], "ready", "{last}");
    assert!(!t["progress"].as_array().unwrap().is_empty());
    assert_eq!(t["status"]["structured"]["status"], "ready");
    let shown = &t["show"]["structured"];
    assert!(shown["video_path"].as_str().unwrap().ends_with(".mp4"));
    assert!(shown["seed"].is_i64());
    assert_eq!(t["show"]["links"].as_array().unwrap().len(), 2);
    let found = &t["search"]["structured"];
    assert_eq!(found["count"], 1);
    assert_eq!(found["jobs"][0]["job_id"], id);
    assert_eq!(problem_fields(&t["search_bad"]), ["limit", "since"]);

    // Resources: the video and last frame, read; nothing else on the machine.
    let mimes: Vec<&str> = t["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["mime"].as_str().unwrap())
        .collect();
    assert_eq!(mimes.len(), 2, "{mimes:?}");
    assert!(mimes.contains(&"video/mp4"));
    assert!(t["video_bytes"].as_u64().unwrap() > 1000);
    assert!(
        t["outside"].as_str().unwrap().contains("not the video"),
        "{}",
        t["outside"]
    );
    assert!(t["director"].as_str().unwrap().contains("a fox at dawn"));

    // Nothing but the one render was sent, and charged once.
    assert_eq!(env.submissions(), 1);
    assert_eq!(env.charges(), 1);
    assert_eq!(shown["credits_used"], 24);

    // The app's engine on the same folder sees the agent's job.
    let (code, seen) = env.json(&["show", id, "--json"]).await;
    assert_eq!(code, 0);
    assert_eq!(seen["status"], "ready");
    let desk = studio::Desk::open(studio::Environment::in_folder(env.data.path()), None)
        .await
        .unwrap();
    let job = desk
        .find_in(studio::ConnectionMode::Live, id)
        .await
        .unwrap();
    assert_eq!(job.state(), studio::JobState::Ready);
}

const PIER: &str = "# Pier
budget: 100
aspect: 16:9
resolution: 720p
duration: 4

## Shot 1: Harbour
A fishing boat leaves a foggy harbour at dawn, slow pan.

## Shot 2: Deck
chain: last-frame
The fisherman coils a rope on the deck, gulls overhead, stable faces.
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_renders_a_project_within_its_allowance_and_assembles_the_cut() {
    let env = Env::new((300, 600)).await;
    let board = env.data.path().join("pier.md");
    std::fs::write(&board, PIER).unwrap();
    let dir = env.data.path().to_str().unwrap();
    let t = transcript(&env, "60", &["project", board.to_str().unwrap(), dir]).await;

    let imported = &t["import"]["structured"];
    assert!(
        !t["import"]["is_error"].as_bool().unwrap(),
        "{}",
        t["import"]
    );
    assert_eq!(imported["name"], "Pier");
    assert_eq!(imported["shots"][1]["chain"], "last-frame");
    assert_eq!(problem_fields(&t["import_again"]), Vec::<&str>::new());
    assert_eq!(t["import_again"]["structured"]["field"], "name");

    // Two takes of two shots: 96 credits, inside the budget but not the allowance.
    let estimate = &t["estimate"]["structured"];
    assert_eq!(estimate["estimated_credits"], 96, "{estimate}");
    assert_eq!(estimate["allowance"]["remaining"], 60);
    assert_eq!(problem_fields(&t["estimate_both"]), ["takes", "project"]);
    let dear = &t["too_dear"]["structured"];
    assert_eq!(
        (&dear["rule"], &dear["limit"]),
        (&"allowance".into(), &60.into())
    );
    assert_eq!(dear["estimated_credits"], 96);

    // One take each: the first shot at once, the chained one from its last frame.
    let render = &t["render"]["structured"];
    assert!(
        !t["render"]["is_error"].as_bool().unwrap(),
        "{}",
        t["render"]
    );
    assert_eq!(render["sent"], 1, "{render}");
    assert_eq!(render["allowance"]["committed"], 48);
    let shots = t["shown"]["structured"]["shots"].as_array().unwrap();
    for shot in shots {
        assert_eq!(shot["status"], "ready", "{shot}");
    }
    assert_eq!(
        shots[1]["takes"][0]["status"], "ready",
        "the chained shot rendered"
    );
    assert_eq!(
        t["select"]["structured"]["shots"][0]["takes"][0]["selected"],
        true
    );
    assert_eq!(problem_fields(&t["select_bad"]), Vec::<&str>::new());

    // The cut: both takes in one file, the edit read back by OpenTimelineIO.
    let made = &t["assemble"]["structured"];
    assert!(
        !t["assemble"]["is_error"].as_bool().unwrap(),
        "{}",
        t["assemble"]
    );
    let cut = env.data.path().join("pier.mp4");
    let probe = media::probe(&cut).unwrap();
    assert!((probe.duration_s - 8.0).abs() < 0.2, "{probe:?}");
    assert!(
        (made["duration_s"].as_f64().unwrap() - 8.0).abs() < 0.2,
        "{made}"
    );
    assert!(!t["assemble_progress"].as_array().unwrap().is_empty());
    let otio: Value =
        serde_json::from_str(&std::fs::read_to_string(env.data.path().join("pier.otio")).unwrap())
            .unwrap();
    assert_eq!(otio["name"], "Pier");
    // The library has both takes and the cut under the project.
    assert_eq!(t["search"]["structured"]["count"], 3, "{}", t["search"]);

    // Two renders sent, each once.
    assert_eq!(env.submissions(), 2);
    assert_eq!(env.charges(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_count_against_the_allowance_and_refunds_do_not_give_it_back() {
    let env = Env::failing().await;
    let t = transcript(&env, "50", &["retry"]).await;

    let failed = &t["failed"]["structured"];
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["credits_refunded"], failed["credits_used"]);
    assert!(t["retry_ready_job"]["is_error"].as_bool().unwrap());
    let retried = &t["retried"]["structured"];
    assert!(
        !t["retried"]["is_error"].as_bool().unwrap(),
        "{}",
        t["retried"]
    );
    assert_ne!(retried["job_id"], failed["job_id"]);
    assert_eq!(retried["retry_of"], failed["job_id"]);
    assert_eq!(t["retried_final"]["structured"]["status"], "failed");
    // 24 + 24 of 50 were counted though both were refunded: the third is refused.
    let again = &t["retry_again"]["structured"];
    assert_eq!(
        (&again["rule"], &again["limit"]),
        (&"allowance".into(), &2.into()),
        "{again}"
    );
    assert_eq!(again["estimated_credits"], 24);
    let allowance = &t["estimate"]["structured"]["allowance"];
    assert_eq!(
        (&allowance["committed"], &allowance["remaining"]),
        (&48.into(), &2.into())
    );
    assert_eq!(t["estimate"]["structured"]["within_allowance"], false);
    assert_eq!(env.submissions(), 2);
}
