//! `seedance mcp` through a real MCP client (the official Python SDK) over stdio, against
//! the emulator: the tools and their schemas, an estimate, an invalid request and one over
//! the allowance refused by field with nothing sent (the emulator's ledger says so), a
//! generate that a repeated call does not send twice, waits to ready with progress, search,
//! resources that hold the render and nothing else, the `director` prompt, and the job
//! seen by the app's engine on the same folder.

use serde_json::Value;

use super::{BIN, Env};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_estimates_generates_waits_and_finds_its_render_within_its_allowance() {
    let env = Env::new((1500, 2500)).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/mcp_client.py");
    let mut client = tokio::process::Command::new("python3");
    client.args([script, BIN, "50"]);
    for (k, v) in env.command(&[]).as_std().get_envs() {
        if let Some(v) = v {
            client.env(k, v);
        }
    }
    let output = client.output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the client failed:\n{stderr}");
    let t: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no transcript ({e}):\n{stderr}"));

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
    assert!(invalid["is_error"].as_bool().unwrap());
    assert_eq!(invalid["structured"]["code"], "invalid");
    let fields: Vec<&str> = invalid["structured"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
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
    let bad: Vec<&str> = t["search_bad"]["structured"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(bad, ["limit", "since"]);

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
