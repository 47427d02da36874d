//! `seedance evidence JOB --out FILE.zip` through the real binary: every file of the pack
//! read back from the zip and checked against what the history and the emulator know, the
//! presigned reference's signature gone, the key nowhere in it, and a pack that cannot be
//! written refused with nothing left behind.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{Env, KEY};

/// Every file of the zip at `path`, by name.
fn unzip(path: &Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().to_string(), text)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evidence_pack_holds_what_support_needs_and_no_secret() {
    let env = Env::new((300, 500)).await;
    let signed = "https://bucket.s3.example.com/refs/start.png?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                  &X-Amz-Credential=AKIASENTINELCRED%2F20261203&X-Amz-Signature=5e171e15e9a7ab1e";
    let (code, job) = env
        .json(&[
            "generate",
            "--prompt",
            "the lighthouse from the start frame, waves rising",
            "--mode",
            "image-to-video",
            "--image",
            signed,
            "--wait",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{job}");
    let id = job["job_id"].as_str().unwrap();
    let out = env.data.path().join("pack.zip");
    let (code, pack) = env
        .json(&["evidence", id, "--out", out.to_str().unwrap(), "--json"])
        .await;
    assert_eq!(code, 0, "{pack}");
    assert_eq!(pack["path"], out.display().to_string());

    let bytes = std::fs::read(&out).unwrap();
    let files = unzip(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "README.txt",
            "request.json",
            "idempotency-key.txt",
            "task-answers.jsonl",
            "probe.json",
            "checksums.txt",
            "credits.json"
        ]
    );
    let file = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let everything: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for secret in [KEY, "5e171e15e9a7ab1e", "AKIASENTINELCRED"] {
        assert!(!everything.contains(secret), "{secret} is in the pack");
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the zip's bytes"
        );
    }

    let request: Value = serde_json::from_str(&file("request.json")).unwrap();
    let image = request["image_url"].as_str().unwrap();
    assert!(
        image.starts_with("https://bucket.s3.example.com/refs/start.png?")
            && image.contains("X-Amz-Signature=removed"),
        "{image}"
    );
    assert_eq!(request["prompt"], job["request"]["prompt"]);
    let key = file("idempotency-key.txt");
    assert!(
        key.trim().starts_with("ss-") && key.trim().len() > 20,
        "{key}"
    );

    let answers: Vec<Value> = file("task-answers.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(answers.len() >= 2, "the 202 and at least one poll");
    assert_eq!(answers[0]["route"], "submit");
    assert_eq!(answers[0]["answer"]["status"], "processing");
    let last = answers.last().unwrap();
    assert_eq!(
        (&last["route"], &last["answer"]["status"]),
        (&"poll".into(), &"completed".into())
    );
    assert_eq!(last["answer"]["id"], job["task_id"]);

    let probe: Value = serde_json::from_str(&file("probe.json")).unwrap();
    assert_eq!(
        (
            probe["width"].as_u64(),
            probe["mismatches"].as_array().map(Vec::len)
        ),
        (Some(1280), Some(0))
    );

    // The checksum is the video's, as a decoder-independent tool computes it.
    let sum = std::process::Command::new("sha256sum")
        .arg(job["video_path"].as_str().unwrap())
        .output()
        .unwrap();
    let sum = String::from_utf8_lossy(&sum.stdout);
    let sum = sum.split_whitespace().next().unwrap();
    assert!(
        file("checksums.txt").contains(&format!("{sum}  video.mp4")),
        "{}",
        file("checksums.txt")
    );

    let credits: Value = serde_json::from_str(&file("credits.json")).unwrap();
    assert_eq!(credits["credits_used"], job["credits_used"]);
    assert_eq!(credits["ledger"]["used"], job["credits_used"]);
    assert_eq!(credits["ledger"]["task_id"], job["task_id"]);
    assert!(file("README.txt").contains("task-answers.jsonl"));

    // Somewhere it cannot be written: refused by name, nothing left behind.
    let nowhere = env.data.path().join("missing-folder").join("pack.zip");
    let (code, refused) = env
        .json(&["evidence", id, "--out", nowhere.to_str().unwrap(), "--json"])
        .await;
    assert_eq!(code, 2, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("pack.zip")
    );
    assert!(!nowhere.parent().unwrap().exists());
}
