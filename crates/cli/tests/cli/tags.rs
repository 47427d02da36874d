//! `seedance tag` / `untag` and `list --tag` through the real binary: tags added without
//! regard to case, found by the filter and by `#tag` in a search, refused whole when one is
//! not a tag, shown by `show`, and carried through an export into another history.

use serde_json::{Value, json};

use super::Env;

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_are_added_found_removed_and_exported() {
    let env = Env::new((100, 200)).await;
    let mut jobs = Vec::new();
    for prompt in [
        "a red kite over golden dunes",
        "a paper boat on a rain puddle",
    ] {
        let (code, job) = env.json(&["generate", "--prompt", prompt, "--json"]).await;
        assert_eq!(code, 0, "{job}");
        jobs.push(job["job_id"].as_str().unwrap().to_string());
    }
    let (kite, boat) = (&jobs[0], &jobs[1]);

    let (code, tagged) = env
        .json(&["tag", kite, "Hero", "  night   shoot ", "--json"])
        .await;
    assert_eq!(code, 0, "{tagged}");
    assert_eq!(
        tagged,
        json!({"job_id": kite, "tags": ["Hero", "night shoot"]})
    );
    // The same tag in another case is the same tag.
    let (_, again) = env.json(&["tag", kite, "hero", "--json"]).await;
    assert_eq!(again["tags"], json!(["Hero", "night shoot"]));

    // One bad tag and none is added; the message names the field and what is allowed.
    let (code, refused) = env.json(&["tag", boat, "fine", "a,b", "--json"]).await;
    assert_eq!(code, 2, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("comma"), "{message}");
    let (_, shown) = env.json(&["show", boat, "--json"]).await;
    assert_eq!(shown["tags"], json!([]));

    let (_, by_tag) = env.json(&["list", "--tag", "HERO", "--json"]).await;
    assert_eq!(ids(&by_tag), [kite.as_str()]);
    let (_, by_search) = env
        .json(&["list", "--search", "#night shoot", "--json"])
        .await;
    assert_eq!(ids(&by_search), [kite.as_str()]);
    let said = env.run(&["show", kite]).await;
    assert!(String::from_utf8_lossy(&said.stdout).contains("tags        Hero, night shoot"));

    // Carried through an export into another history.
    let file = env.data.path().join("library.json");
    let (code, _) = env
        .json(&["export", file.to_str().unwrap(), "--json"])
        .await;
    assert_eq!(code, 0);
    let other = tempfile::tempdir().unwrap();
    let out = env
        .command(&["import", file.to_str().unwrap(), "--json"])
        .env("SEEDANCE_DATA_DIR", other.path())
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let out = env
        .command(&["list", "--tag", "night shoot", "--json"])
        .env("SEEDANCE_DATA_DIR", other.path())
        .output()
        .await
        .unwrap();
    let there: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(&there), [kite.as_str()]);

    let (code, untagged) = env.json(&["untag", kite, "HERO", "--json"]).await;
    assert_eq!(code, 0);
    assert_eq!(untagged["tags"], json!(["night shoot"]));
    let (_, by_tag) = env.json(&["list", "--tag", "hero", "--json"]).await;
    assert_eq!(by_tag, json!([]));
    let (code, missing) = env.json(&["tag", "j_nothing_here", "x", "--json"]).await;
    assert_eq!(code, 2, "{missing}");
}
