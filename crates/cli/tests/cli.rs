//! The real `seedance` binary against the emulator over HTTP: output, exit codes, batches,
//! interruption and resumption, the keychain, and the app's engine on the same folder.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use seedance_api::Rate;
use seedance_sandbox::{Config, RenderTime, Sandbox};
use serde_json::Value;
use studio::{Engine, EngineConfig, JobState};
use tokio::process::Command;

#[path = "../../studio/tests/support/secret_tool.rs"]
mod secret_tool;

#[path = "../../studio/tests/support/clips.rs"]
mod clips;

const KEY: &str = "sk_live_cli_tests_0123456789";
const BIN: &str = env!("CARGO_BIN_EXE_seedance");

/// The emulator enforcing 30 requests per 3 s, and a data folder of its own.
struct Env {
    sandbox: Sandbox,
    data: tempfile::TempDir,
}

impl Env {
    async fn new(render_ms: (u64, u64)) -> Self {
        Self::with(Config {
            keys: vec![KEY.into()],
            render_time: RenderTime::between_ms(render_ms.0, render_ms.1),
            rate_limit: 30,
            rate_window: Duration::from_secs(3),
            ..Config::default()
        })
        .await
    }

    /// An emulator on which every render fails (and is refunded).
    async fn failing() -> Self {
        Self::with(Config {
            keys: vec![KEY.into()],
            render_time: RenderTime::between_ms(200, 400),
            rate_limit: 30,
            rate_window: Duration::from_secs(3),
            fail_rate: 1.0,
            ..Config::default()
        })
        .await
    }

    async fn with(config: Config) -> Self {
        Self {
            sandbox: Sandbox::start(config).await.unwrap(),
            data: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("SEEDANCE_API_KEY", KEY)
            .env("SEEDANCE_BASE_URL", self.sandbox.base_url())
            .env("SEEDANCE_DATA_DIR", self.data.path())
            .env("SEEDANCE_RATE", "30/3")
            .env(
                "SEEDANCE_KEYCHAIN_SERVICE",
                "io.seedancestudio.test.cli.unused",
            )
            .kill_on_drop(true);
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.unwrap()
    }

    async fn json(&self, args: &[&str]) -> (i32, Value) {
        let out = self.run(args).await;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?} did not print one JSON document ({e}):\n{stdout}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), value)
    }

    fn charges(&self) -> u32 {
        self.sandbox.ledger().charges.values().sum()
    }

    fn submissions(&self) -> usize {
        self.sandbox
            .ledger()
            .requests
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }
}

fn batch_file(dir: &Path, lines: &[&str]) -> PathBuf {
    let path = dir.join("batch.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_wait_prints_the_finished_job_with_every_field() {
    let env = Env::new((300, 600)).await;
    let (code, job) = env
        .json(&[
            "generate",
            "--prompt",
            "a paper boat on a rain puddle, slow dolly-in",
            "--tier",
            "pro",
            "--aspect",
            "9:16",
            "--duration",
            "6",
            "--resolution",
            "1080p",
            "--no-audio",
            "--fixed-lens",
            "--seed",
            "77",
            "--wait",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{job}");
    assert_eq!(job["status"], "ready");
    assert!(job["job_id"].as_str().unwrap().starts_with('j'));
    assert!(job["task_id"].as_str().unwrap().starts_with("sd2_"));
    let r = &job["request"];
    assert_eq!(r["prompt"], "a paper boat on a rain puddle, slow dolly-in");
    assert_eq!(
        (
            r["mode"].as_str(),
            r["quality_tier"].as_str(),
            r["channel"].as_str()
        ),
        (Some("text-to-video"), Some("pro"), Some("standard"))
    );
    assert_eq!(
        (r["aspect_ratio"].as_str(), r["duration"].as_u64()),
        (Some("9:16"), Some(6))
    );
    assert_eq!(r["resolution"], "1080p");
    assert_eq!(
        (r["generate_audio"].as_bool(), r["fixed_lens"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(r["seed"], 77);
    assert!(job["credits_used"].as_i64().unwrap() > 0);
    assert_eq!(job["credits_refunded"], 0);
    assert!(job["seed"].is_i64());
    assert!(
        job["video_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1")
    );
    for field in ["video_path", "last_frame_path"] {
        let path = job[field].as_str().unwrap();
        assert!(
            Path::new(path).starts_with(env.data.path().join("renders")),
            "{path}"
        );
        assert!(std::fs::metadata(path).unwrap().len() > 0);
    }
    assert!(job["error"].is_null());
    assert_eq!(env.charges(), 1);

    // Found again by task id and by job id, in status, show and list.
    let task = job["task_id"].as_str().unwrap();
    let (code, by_task) = env.json(&["status", task, "--json"]).await;
    assert_eq!((code, &by_task["job_id"]), (0, &job["job_id"]));
    let out = env.run(&["show", job["job_id"].as_str().unwrap()]).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1080p") && text.contains("video"), "{text}");
    let (_, list) = env
        .json(&["list", "--search", "paper boat", "--json"])
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, none) = env.json(&["list", "--status", "failed", "--json"]).await;
    assert_eq!(none.as_array().unwrap().len(), 0);
    // The library's whole vocabulary, each filter able to keep or drop this render.
    let created_s = job["created_at"].as_i64().unwrap() / 1000;
    let day = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{created_s}"), "+%F"])
        .output()
        .unwrap();
    let day = String::from_utf8(day.stdout).unwrap();
    let today = day.trim();
    for (filter, found) in [
        (&["--query", "paper boat"][..], 1),
        (&["--tier", "pro"][..], 1),
        (&["--tier", "mini"][..], 0),
        (&["--mode", "text-to-video"][..], 1),
        (&["--mode", "image-to-video"][..], 0),
        (&["--status", "ready"][..], 1),
        (&["--since", today][..], 1),
        (&["--since", today, "--until", today][..], 1),
        (&["--until", "2020-01-01"][..], 0),
        (&["--since", "2999-01-01T00:00:00Z"][..], 0),
        (&["--favourite"][..], 0),
    ] {
        let (code, list) = env.json(&[&["list", "--json"][..], filter].concat()).await;
        assert_eq!(code, 0, "{filter:?}: {list}");
        assert_eq!(list.as_array().unwrap().len(), found, "{filter:?}");
    }
    let (code, bad) = env
        .json(&[
            "list",
            "--since",
            "yesterday",
            "--until",
            "2026-13-01",
            "--json",
        ])
        .await;
    assert_eq!(code, 2, "{bad}");
    let fields: Vec<&str> = bad["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["since", "until"], "{bad}");
    let (code, missing) = env.json(&["status", "sd2_nope", "--json"]).await;
    assert_eq!(code, 2);
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .contains("No job")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_lists_every_problem_and_sends_nothing() {
    let env = Env::new((300, 600)).await;
    let (code, out) = env
        .json(&[
            "generate",
            "--prompt",
            "hi",
            "--duration",
            "20",
            "--resolution",
            "4k",
            "--image",
            "ftp://example.com/a.png",
            "--json",
        ])
        .await;
    assert_eq!(code, 2);
    let fields: Vec<&str> = out["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for field in ["duration", "prompt", "resolution", "image_url"] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    // A value outside a fixed list is refused by the parser, also with exit 2.
    let out = env
        .run(&["generate", "--prompt", "a red kite", "--channel", "tv"])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard, real, wild"));

    // --dry-run prints the body and an estimate, and sends nothing either.
    let (code, dry) = env
        .json(&[
            "generate",
            "--prompt",
            "a red kite over dunes",
            "--duration",
            "10",
            "--dry-run",
            "--json",
        ])
        .await;
    assert_eq!(code, 0);
    assert_eq!(
        dry["body"],
        serde_json::json!({"prompt": "a red kite over dunes", "duration": "10"})
    );
    assert_eq!(dry["estimate"]["credits"], 60);
    assert_eq!(dry["estimate"]["basis"]["kind"], "rates");
    // Without --mode, the mode follows the references.
    let (_, dry) = env
        .json(&[
            "generate",
            "--prompt",
            "the woman from the start frame turns to the camera",
            "--image",
            "https://example.com/start.png",
            "--dry-run",
            "--json",
        ])
        .await;
    assert_eq!(dry["request"]["mode"], "image-to-video", "{dry}");
    assert_eq!(env.submissions(), 0);
    assert!(
        env.sandbox.ledger().requests.is_empty(),
        "nothing reached the service"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_by_the_service_exit_3() {
    let env = Env::new((300, 600)).await;
    let out = env
        .command(&["generate", "--prompt", "a lantern festival at night"])
        .env("SEEDANCE_API_KEY", "sk_live_not_a_real_key_000")
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .to_lowercase()
            .contains("key")
    );

    env.sandbox.set_balance(KEY, 10);
    let (code, job) = env
        .json(&[
            "generate",
            "--prompt",
            "a lantern festival at night",
            "--json",
        ])
        .await;
    assert_eq!(code, 3, "{job}");
    // Nothing was charged; the job waits for a top-up and a resend.
    assert_eq!(job["status"], "needs_attention");
    assert!(job["task_id"].is_null());
    assert_eq!(job["error"]["code"], "insufficient_credits", "{job}");
    assert!(
        job["attention"].as_str().unwrap().contains("Top up"),
        "{job}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_checked_whole_then_runs_every_job_to_its_end() {
    let env = Env::new((300, 700)).await;
    // One bad line: exit 2, nothing sent, and the line named.
    let bad = batch_file(
        env.data.path(),
        &[
            r#"{"prompt":"a heron takes off from a misty lake"}"#,
            r#"{"prompt":"a fox","tier":"pro"}"#,
        ],
    );
    let (code, out) = env.json(&["batch", bad.to_str().unwrap(), "--json"]).await;
    assert_eq!(code, 2);
    assert_eq!(out["error"]["problems"][0]["field"], "line 2");
    assert_eq!(env.submissions(), 0);

    let lines = [
        r#"{"prompt":"a heron takes off from a misty lake"}"#,
        r#"{"prompt":"rain on a neon street, slow pan","aspect_ratio":"21:9"}"#,
        "",
        "# a comment",
        r#"{"prompt":"a potter's hands shaping clay","resolution":"720p"}"#,
    ];
    let good = batch_file(env.data.path(), &lines);
    let (code, out) = env
        .json(&[
            "batch",
            good.to_str().unwrap(),
            "--max-credits",
            "50",
            "--json",
        ])
        .await;
    assert_eq!(code, 6, "over the limit: {out}");
    assert_eq!(
        (
            out["error"]["code"].as_str(),
            out["error"]["rule"].as_str(),
            out["error"]["estimated_credits"].as_u64(),
            out["error"]["limit"].as_u64()
        ),
        (Some("over_limit"), Some("max_credits"), Some(90), Some(50)),
        "{out}"
    );
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--max-credits 50")
    );
    // --yes passes the spend guard only, never a limit the command was given.
    let (code, out) = env
        .json(&[
            "batch",
            good.to_str().unwrap(),
            "--max-credits",
            "50",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(code, 6, "{out}");
    assert_eq!(env.submissions(), 0);

    // 30 credits each; the account has 70, so one is refused (402) while the others
    // finish.
    env.sandbox.set_balance(KEY, 70);
    let (code, summary) = env
        .json(&["batch", good.to_str().unwrap(), "--wait", "--json"])
        .await;
    assert_eq!(code, 4, "a failed job fails the batch: {summary}");
    assert_eq!(
        (summary["total"].as_u64(), summary["ready"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["credits_used"], 60);
    let mut states: Vec<&str> = summary["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["status"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(states, ["needs_attention", "ready", "ready"]);
    assert_eq!(env.charges(), 2);
}

/// The spend guard kept in the profile, as Settings in the app would keep it.
async fn set_spend_guard(data: &Path, credits: Option<u32>) {
    let profile = studio::Store::open(data).await.unwrap();
    let mut settings = studio::settings::Settings::load(&profile).await.unwrap();
    settings.spend_guard_credits = credits;
    settings.save(&profile).await.unwrap();
    profile.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn above_the_spend_guard_nothing_is_sent_unless_yes() {
    let env = Env::new((300, 600)).await;
    // The default guard (300 credits) against a 15 s 4K pro render (about 720).
    let big = [
        "generate",
        "--prompt",
        "a slow aerial pull-back over a glacier at dawn",
        "--tier",
        "pro",
        "--resolution",
        "4k",
        "--duration",
        "15",
        "--json",
    ];
    let (code, out) = env.json(&big).await;
    assert_eq!(code, 6, "{out}");
    let error = &out["error"];
    assert_eq!(error["exit_code"], 6);
    assert_eq!(error["code"], "over_limit");
    assert_eq!(error["rule"], "spend_guard");
    assert_eq!(error["limit"], 300);
    let estimated = error["estimated_credits"].as_u64().unwrap();
    assert!(estimated > 300, "{out}");
    assert!(
        error["message"].as_str().unwrap().contains("spend guard"),
        "{out}"
    );
    assert_eq!(env.submissions(), 0, "nothing was sent");
    // A dry run sends nothing, so the guard does not stand in its way.
    let mut dry = big.to_vec();
    dry.push("--dry-run");
    assert_eq!(env.json(&dry).await.0, 0);

    let mut yes = big.to_vec();
    yes.push("--yes");
    let (code, job) = env.json(&yes).await;
    assert_eq!(code, 0, "{job}");
    assert!(job["task_id"].as_str().unwrap().starts_with("sd2_"));
    assert_eq!(env.submissions(), 1);

    // A batch is one act of spending: its total meets the guard.
    set_spend_guard(env.data.path(), Some(50)).await;
    let lines = [
        r#"{"prompt":"a heron takes off from a misty lake"}"#,
        r#"{"prompt":"rain on a neon street, slow pan"}"#,
    ];
    let file = batch_file(env.data.path(), &lines);
    let (code, out) = env.json(&["batch", file.to_str().unwrap(), "--json"]).await;
    assert_eq!(code, 6, "{out}");
    assert_eq!(
        (
            out["error"]["rule"].as_str(),
            out["error"]["limit"].as_u64()
        ),
        (Some("spend_guard"), Some(50)),
        "{out}"
    );
    assert_eq!(env.submissions(), 1, "nothing more was sent");
    let (code, out) = env
        .json(&["batch", file.to_str().unwrap(), "--yes", "--json"])
        .await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["total"], 2);
    assert_eq!(env.submissions(), 3);

    // Without a guard, nothing asks.
    set_spend_guard(env.data.path(), None).await;
    let mut plain = big.to_vec();
    plain[2] = "an owl lands on a fence post at dusk";
    assert_eq!(env.json(&plain).await.0, 0);
    assert_eq!(env.submissions(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_waiting_leaves_the_job_to_resume() {
    let env = Env::new((2500, 3000)).await;
    let child = env
        .command(&[
            "generate",
            "--prompt",
            "a slow sunrise over terraced fields",
            "--wait",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once it is rendering (submitted), interrupt it.
    for _ in 0..100 {
        if env.charges() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(env.charges(), 1);
    interrupt(child.id().unwrap()).await;
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("seedance resume"));

    let (code, jobs) = env.json(&["resume", "--wait", "--json"]).await;
    assert_eq!(code, 0, "{jobs}");
    let jobs = if jobs.is_array() {
        jobs
    } else {
        Value::Array(vec![jobs])
    };
    assert_eq!(jobs[0]["status"], "ready");
    assert_eq!(env.charges(), 1, "resuming never pays twice");

    // A short --timeout gives up the same way.
    let out = env
        .run(&[
            "generate",
            "--prompt",
            "clouds rolling over a ridge",
            "--wait",
            "--timeout",
            "1",
        ])
        .await;
    assert_eq!(out.status.code(), Some(5));
}

/// Ctrl-C, as a terminal sends it.
async fn interrupt(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .await
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_export_and_import() {
    let env = Env::failing().await;
    let (code, failed) = env
        .json(&[
            "generate",
            "--prompt",
            "a glass of water on a windowsill",
            "--wait",
            "--json",
        ])
        .await;
    assert_eq!(code, 4, "{failed}");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["credits_refunded"], failed["credits_used"]);
    // Had its first send's outcome been unknown when it was given up, a retry needs its
    // own flag (it may charge twice), and nothing is sent without it.
    let store = studio::Store::open(env.data.path()).await.unwrap();
    sqlx::query("UPDATE jobs SET error_code = 'outcome_unknown' WHERE id = ?")
        .bind(failed["job_id"].as_str().unwrap())
        .execute(store.pool())
        .await
        .unwrap();
    let (code, refused) = env
        .json(&["retry", failed["task_id"].as_str().unwrap(), "--json"])
        .await;
    assert_eq!(code, 2, "{refused}");
    assert!(refused.to_string().contains("charge"), "{refused}");
    assert_eq!(env.charges(), 1, "nothing was sent");
    let (code, retried) = env
        .json(&[
            "retry",
            failed["task_id"].as_str().unwrap(),
            "--accept-double-charge",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "submitted: {retried}");
    assert_eq!(retried["retry_of"], failed["job_id"]);
    assert_eq!(env.charges(), 2);

    let file = env.data.path().join("library.json");
    let (code, out) = env
        .json(&["export", file.to_str().unwrap(), "--json"])
        .await;
    assert_eq!((code, out["exported"].as_u64()), (0, Some(2)));
    let other = tempfile::tempdir().unwrap();
    let out = env
        .command(&["import", file.to_str().unwrap(), "--json"])
        .env("SEEDANCE_DATA_DIR", other.path())
        .output()
        .await
        .unwrap();
    let imported: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(imported["imported"], 2);
}

/// `seedance resume JOB`: a job that needs a decision (here, a download that gave up) is
/// tried again and followed to the end, with no new charge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_of_one_job_tries_it_again_without_a_new_charge() {
    let env = Env::new((200, 400)).await;
    let (code, done) = env
        .json(&[
            "generate",
            "--prompt",
            "a kite over dunes at noon",
            "--wait",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{done}");
    let id = done["job_id"].as_str().unwrap().to_string();
    let store = studio::Store::open(env.data.path()).await.unwrap();
    sqlx::query(
        "UPDATE jobs SET state = 'needs_attention', attention_reason = 'download stopped', \
         video_path = NULL, download_failures = 8 WHERE id = ?",
    )
    .bind(&id)
    .execute(store.pool())
    .await
    .unwrap();
    let (code, resumed) = env.json(&["resume", &id, "--wait", "--json"]).await;
    assert_eq!(code, 0, "{resumed}");
    let job = if resumed.is_array() {
        resumed[0].clone()
    } else {
        resumed
    };
    assert_eq!(job["status"], "ready", "{job}");
    assert!(job["video_path"].as_str().is_some_and(|p| !p.is_empty()));
    assert_eq!(env.charges(), 1, "no new charge");
}

/// `seedance import` of what is not an export file: a device that never ends, a FIFO with no
/// writer, a folder. Each is refused within a second, with exit 2 and what it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_refuses_devices_pipes_and_folders_at_once() {
    let env = Env::new((400, 800)).await;
    let fifo = env.data.path().join("export.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let folder = env.data.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    for (path, says) in [
        (std::path::PathBuf::from("/dev/zero"), "a device"),
        (fifo, "a pipe"),
        (folder, "a folder"),
    ] {
        let started = std::time::Instant::now();
        let out = tokio::time::timeout(
            Duration::from_secs(5),
            env.command(&["import", path.to_str().unwrap()]).output(),
        )
        .await
        .unwrap_or_else(|_| panic!("import of {} hung", path.display()))
        .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{} took {:?}",
            path.display(),
            started.elapsed()
        );
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && err.contains("cannot be imported"),
            "{err}"
        );
    }
}

/// The app's engine and `seedance` on one data folder at the same time: each sees the
/// other's jobs, and every job is charged once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_engine_and_the_command_share_one_history() {
    let env = Env::new((400, 800)).await;
    let mut config = EngineConfig::new(
        env.data.path().to_path_buf(),
        env.sandbox.base_url(),
        seedance_api::ApiKey::new(KEY).unwrap(),
    );
    config.rate = Rate {
        requests: 30,
        window: Duration::from_secs(3),
    };
    let app = Engine::start(config).await.unwrap();
    let mut events = app.subscribe();

    // A job the app started, finished by the command.
    let from_app = app
        .submit(&seedance_api::GenerationRequest::text(
            "a lighthouse beam sweeping through fog",
        ))
        .await
        .unwrap();
    // A job the command started while the app runs.
    let (code, from_cli) = env
        .json(&[
            "generate",
            "--prompt",
            "waves breaking on black sand",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{from_cli}");
    let cli_id = from_cli["job_id"].as_str().unwrap().to_string();

    let (code, waited) = env.json(&["wait", &from_app.id, &cli_id, "--json"]).await;
    assert_eq!(code, 0, "{waited}");
    assert!(
        waited
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["status"] == "ready")
    );

    // The app saw the command's job come and finish.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut seen_ready = false;
    while !seen_ready {
        let e = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the app hears of the command's job")
            .unwrap();
        seen_ready = e.job_id() == cli_id && e.job_state() == Some(JobState::Ready);
    }
    assert_eq!(
        app.job(&cli_id).await.unwrap().unwrap().state(),
        JobState::Ready
    );
    app.stop().await;
    assert_eq!(env.charges(), 2, "one charge per job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_emulator_serves_sandbox_commands() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("SEEDANCE_DATA_DIR", data.path())
            .env("SEEDANCE_SANDBOX_RENDER_MS", "200:400")
            .env_remove("SEEDANCE_API_KEY")
            .env(
                "SEEDANCE_KEYCHAIN_SERVICE",
                "io.seedancestudio.test.cli.unused",
            )
            .kill_on_drop(true);
        cmd
    };
    let mut server = run(&["sandbox"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        use tokio::io::AsyncBufReadExt;
        let mut lines = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
        first.push_str(&lines.next_line().await.unwrap().unwrap());
    }
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );

    // No key needed, and the render lands in the Sandbox history of the folder.
    let out = run(&[
        "--sandbox",
        "generate",
        "--prompt",
        "a snow globe being shaken",
        "--wait",
        "--json",
    ])
    .output()
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        Path::new(job["video_path"].as_str().unwrap()).starts_with(data.path().join("sandbox"))
    );
    // The Live history has nothing of it.
    let (_, live) = {
        let out = run(&["list", "--json"]).output().await.unwrap();
        (
            out.status,
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        )
    };
    assert_eq!(live.as_array().unwrap().len(), 0);
    interrupt(server.id().unwrap()).await;
    assert!(server.wait().await.unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_goes_in_from_stdin_and_lives_in_the_keychain() {
    use tokio::io::AsyncWriteExt;
    let env = Env::new((300, 600)).await;
    let service = format!("io.seedancestudio.test.cli.{}", std::process::id());
    let key_command = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.env_remove("SEEDANCE_API_KEY")
            .env("SEEDANCE_KEYCHAIN_SERVICE", &service);
        cmd
    };
    let mut set = key_command(&["key", "set"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    set.stdin
        .take()
        .unwrap()
        .write_all(format!("{KEY}\n").as_bytes())
        .await
        .unwrap();
    let out = set.wait_with_output().await.unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut printed = [out.stdout, out.stderr].concat();
    assert_eq!(secret_tool::lookup_api_key(&service).as_deref(), Some(KEY));

    let out = key_command(&["key", "status", "--json"])
        .output()
        .await
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (status["source"].as_str(), status["stored"].as_bool()),
        (Some("keychain"), Some(true))
    );
    printed.extend(out.stdout);

    let out = key_command(&["key", "test", "--json"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let test: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(test["valid"], true);
    printed.extend(out.stdout);

    // The environment overrides the keychain, and says so.
    let out = key_command(&["key", "status", "--json"])
        .env("SEEDANCE_API_KEY", "sk_live_from_the_environment_1")
        .output()
        .await
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["source"], "environment");

    let out = key_command(&["key", "clear", "--json"])
        .output()
        .await
        .unwrap();
    let cleared: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cleared["removed"], true);
    assert_eq!(secret_tool::lookup_api_key(&service), None);
    printed.extend(out.stdout);
    let text = String::from_utf8_lossy(&printed);
    assert!(!text.contains(KEY), "the key was printed: {text}");

    // An empty stdin stores nothing.
    let out = key_command(&["key", "set"])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(secret_tool::lookup_api_key(&service), None);
}

#[path = "cli/cut.rs"]
mod cut;
#[path = "cli/delivery.rs"]
mod delivery;
#[path = "cli/evidence.rs"]
mod evidence;
#[path = "cli/mcp.rs"]
mod mcp;
#[path = "cli/projects.rs"]
mod projects;
#[path = "cli/shell.rs"]
mod shell;
#[path = "cli/tags.rs"]
mod tags;
