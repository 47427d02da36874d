//! The sandbox over real HTTP: every row of the error table, idempotency, the request
//! window, the task lifecycle and outputs, faults, persistence, and the binary.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use seedance_sandbox::{Config, Fault, RenderTime, Route, Sandbox};
use serde_json::{Value, json};

const KEY: &str = "sk_test_alpha";
const OTHER_KEY: &str = "sk_test_beta";

fn config() -> Config {
    Config {
        keys: vec![KEY.into(), OTHER_KEY.into()],
        render_time: RenderTime::between_ms(150, 250),
        rng_seed: Some(42),
        ..Config::default()
    }
}

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn body() -> Value {
    json!({"prompt": "A cinematic shot of a glass train crossing a snowy mountain bridge"})
}

async fn post(
    sb: &Sandbox,
    key: Option<&str>,
    idem: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = client()
        .post(format!("{}/api/v1/video/seedance2", sb.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    if let Some(idem) = idem {
        req = req.header("Idempotency-Key", idem);
    }
    req.send().await.unwrap()
}

async fn get_task(sb: &Sandbox, key: &str, id: &str) -> reqwest::Response {
    client()
        .get(format!("{}/api/v1/tasks/{id}", sb.base_url()))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

/// Asserts the documented error shape and returns the message.
async fn error_of(res: reqwest::Response, status: StatusCode, code: &str) -> String {
    assert_eq!(res.status(), status);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], code, "{v}");
    v["error"]["message"].as_str().unwrap().to_string()
}

async fn wait_done(sb: &Sandbox, key: &str, id: &str) -> Value {
    for _ in 0..100 {
        let v: Value = get_task(sb, key, id).await.json().await.unwrap();
        if v["status"] != "processing" {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("task {id} never finished");
}

#[tokio::test]
async fn accepted_202_has_the_documented_shape_and_charges_30() {
    let sb = Sandbox::start(config()).await.unwrap();
    let res = post(&sb, Some(KEY), Some("k1"), &body()).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let v: Value = res.json().await.unwrap();
    assert!(v["id"].as_str().unwrap().starts_with("sd2_"));
    assert_eq!(v["status"], "processing");
    assert_eq!(v["model"], "seedance2");
    assert_eq!(v["quality_tier"], "standard");
    assert_eq!(v["channel"], "standard");
    assert_eq!(v["credits_used"], 30);
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
}

#[tokio::test]
async fn unauthorized_401_for_missing_and_unknown_keys() {
    let sb = Sandbox::start(config()).await.unwrap();
    let msg = error_of(
        post(&sb, None, None, &body()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert!(msg.contains("Authorization"));
    error_of(
        post(&sb, Some("sk_live_nope"), None, &body()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    error_of(
        get_task(&sb, "sk_live_nope", "sd2_x").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert!(sb.ledger().charges.is_empty());
}

#[tokio::test]
async fn invalid_request_400_names_the_field_and_charges_nothing() {
    let sb = Sandbox::start(config()).await.unwrap();
    for (bad, field) in [
        (json!({"prompt": "hi"}), "prompt"),
        (json!({"prompt": "abc", "duration": 5}), "duration"),
        (json!({"prompt": "abc", "resolution": "4k"}), "resolution"),
        (
            json!({"prompt": "abc", "seed": 1, "channel": "real"}),
            "seed",
        ),
        (
            json!({"prompt": "abc", "mode": "image-to-video"}),
            "image_url",
        ),
        (json!({"prompt": "abc", "extra": true}), "extra"),
    ] {
        let msg = error_of(
            post(&sb, Some(KEY), None, &bad).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
        assert!(msg.contains(field), "{bad}: {msg}");
    }
    let raw = client()
        .post(format!("{}/api/v1/video/seedance2", sb.base_url()))
        .bearer_auth(KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    error_of(raw, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(sb.ledger().charges.is_empty());
    assert_eq!(sb.balance(KEY), Some(10_000));
}

#[tokio::test]
async fn insufficient_credits_402_when_the_balance_is_short() {
    let sb = Sandbox::start(Config {
        credits: 40,
        ..config()
    })
    .await
    .unwrap();
    assert_eq!(
        post(&sb, Some(KEY), Some("a"), &body()).await.status(),
        StatusCode::ACCEPTED
    );
    let msg = error_of(
        post(&sb, Some(KEY), Some("b"), &body()).await,
        StatusCode::PAYMENT_REQUIRED,
        "insufficient_credits",
    )
    .await;
    assert!(msg.contains("30") && msg.contains("10"), "{msg}");
    // Top up, and the same key now goes through: refusals are not remembered.
    sb.set_balance(KEY, 100);
    assert_eq!(
        post(&sb, Some(KEY), Some("b"), &body()).await.status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn rate_limited_429_with_retry_after_in_whole_seconds() {
    let sb = Sandbox::start(Config {
        rate_limit: 3,
        rate_window: Duration::from_secs(2),
        ..config()
    })
    .await
    .unwrap();
    for _ in 0..3 {
        assert_eq!(
            get_task(&sb, KEY, "sd2_missing").await.status(),
            StatusCode::NOT_FOUND
        );
    }
    let res = post(&sb, Some(KEY), Some("r"), &body()).await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    error_of(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another account has its own window.
    assert_eq!(
        get_task(&sb, OTHER_KEY, "sd2_missing").await.status(),
        StatusCode::NOT_FOUND
    );
    tokio::time::sleep(Duration::from_secs(retry)).await;
    assert_eq!(
        post(&sb, Some(KEY), Some("r"), &body()).await.status(),
        StatusCode::ACCEPTED
    );
    let ledger = sb.ledger();
    assert_eq!(ledger.rate_limited, 1);
    assert_eq!(ledger.busiest_window, 3);
}

#[tokio::test]
async fn idempotency_replays_the_original_202_without_a_new_charge() {
    let sb = Sandbox::start(config()).await.unwrap();
    let first: Value = post(&sb, Some(KEY), Some("same"), &body())
        .await
        .json()
        .await
        .unwrap();
    let again = post(&sb, Some(KEY), Some("same"), &body()).await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(sb.ledger().charges_for("same"), 1);
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
    // Replays keep working after the render finished.
    wait_done(&sb, KEY, first["id"].as_str().unwrap()).await;
    let late: Value = post(&sb, Some(KEY), Some("same"), &body())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(late["id"], first["id"]);
}

#[tokio::test]
async fn idempotency_conflict_409_for_a_different_body_or_a_request_still_running() {
    let sb = Sandbox::start(config()).await.unwrap();
    post(&sb, Some(KEY), Some("k"), &body()).await;
    let msg = error_of(
        post(
            &sb,
            Some(KEY),
            Some("k"),
            &json!({"prompt": "something else entirely"}),
        )
        .await,
        StatusCode::CONFLICT,
        "idempotency_conflict",
    )
    .await;
    assert!(msg.contains("different request body"));

    sb.faults()
        .push(Route::Submit, [Fault::Slow(Duration::from_millis(600))]);
    let slow = {
        let url = sb.base_url();
        tokio::spawn(async move {
            client()
                .post(format!("{url}/api/v1/video/seedance2"))
                .bearer_auth(KEY)
                .header("Idempotency-Key", "slow")
                .body(body().to_string())
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let msg = error_of(
        post(&sb, Some(KEY), Some("slow"), &body()).await,
        StatusCode::CONFLICT,
        "idempotency_conflict",
    )
    .await;
    assert!(msg.contains("still being processed"));
    assert_eq!(slow.await.unwrap(), StatusCode::ACCEPTED);
    assert_eq!(sb.ledger().charges_for("slow"), 1);
}

#[tokio::test]
async fn not_found_404_for_other_accounts_tasks_unknown_tasks_and_routes() {
    let sb = Sandbox::start(config()).await.unwrap();
    let v: Value = post(&sb, Some(KEY), None, &body())
        .await
        .json()
        .await
        .unwrap();
    let id = v["id"].as_str().unwrap();
    assert_eq!(get_task(&sb, KEY, id).await.status(), StatusCode::OK);
    error_of(
        get_task(&sb, OTHER_KEY, id).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error_of(
        get_task(&sb, KEY, "sd2_nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let res = client()
        .get(format!("{}/api/v2/whatever", sb.base_url()))
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = client()
        .get(format!("{}/api/v1/video/seedance2", sb.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::NOT_FOUND, "not_found").await;
    // Unknown routes are in the ledger, answered before auth and never counted.
    let ledger = sb.ledger();
    let last: Vec<_> = ledger.requests.iter().rev().take(2).collect();
    assert!(
        last.iter()
            .all(|r| r.status == 404 && !r.counted && !r.authorized)
    );
    assert_eq!(last[1].path, "/api/v2/whatever");
    // The sandbox's own routes are not.
    let res = client()
        .get(format!("{}/__sandbox/nope", sb.base_url()))
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(sb.ledger().requests.len(), ledger.requests.len());
}

#[tokio::test]
async fn service_busy_503_and_internal_error_500_do_no_work() {
    let sb = Sandbox::start(config()).await.unwrap();
    sb.faults()
        .push(Route::Submit, [Fault::Busy, Fault::Internal]);
    error_of(
        post(&sb, Some(KEY), Some("f"), &body()).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "service_busy",
    )
    .await;
    error_of(
        post(&sb, Some(KEY), Some("f"), &body()).await,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
    )
    .await;
    assert_eq!(sb.ledger().charges_for("f"), 0);
    assert_eq!(
        post(&sb, Some(KEY), Some("f"), &body()).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(sb.ledger().charges_for("f"), 1);
}

#[tokio::test]
async fn a_lost_answer_charges_once_and_the_retry_with_the_same_key_gets_the_task() {
    let sb = Sandbox::start(config()).await.unwrap();
    sb.faults().push(
        Route::Submit,
        [Fault::Drop, Fault::LoseAnswer, Fault::Malformed],
    );
    let send = || {
        client()
            .post(format!("{}/api/v1/video/seedance2", sb.base_url()))
            .bearer_auth(KEY)
            .header("Idempotency-Key", "trap")
            .body(body().to_string())
            .send()
    };
    assert!(send().await.is_err(), "dropped before handling");
    assert_eq!(sb.ledger().charges_for("trap"), 0);
    assert!(send().await.is_err(), "answer lost after the charge");
    assert_eq!(sb.ledger().charges_for("trap"), 1);
    let malformed = send().await.unwrap();
    assert_eq!(malformed.status(), StatusCode::ACCEPTED);
    assert!(
        malformed.json::<Value>().await.is_err(),
        "malformed body parses"
    );
    let replay: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(replay["status"], "processing");
    assert_eq!(sb.ledger().charges_for("trap"), 1);
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
    let statuses: Vec<u16> = sb
        .ledger()
        .requests_to("/api/v1/video")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [0, 0, 202, 202]);
}

#[tokio::test]
async fn lifecycle_processing_then_completed_with_playable_outputs() {
    let sb = Sandbox::start(config()).await.unwrap();
    let req = json!({"prompt": "縦長の映像", "aspect_ratio": "9:16", "seed": 123, "quality_tier": "pro", "resolution": "1080p"});
    let accepted: Value = post(&sb, Some(KEY), None, &req).await.json().await.unwrap();
    let id = accepted["id"].as_str().unwrap();
    let early: Value = get_task(&sb, KEY, id).await.json().await.unwrap();
    assert_eq!(early["status"], "processing");
    assert!(early["output"].is_null() && early["error"].is_null());
    assert_eq!(early["created_at"], early["updated_at"]);

    let done = wait_done(&sb, KEY, id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["credits_refunded"], 0);
    assert_eq!(done["output"]["seed"], 123);
    let created = done["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 24, "{created}");
    assert!(done["updated_at"].as_str().unwrap() > created);

    let video_url = done["output"]["video_url"].as_str().unwrap();
    assert!(video_url.starts_with(&sb.base_url()));
    let video = client().get(video_url).send().await.unwrap();
    assert_eq!(video.headers()["content-type"], "video/mp4");
    let bytes = video.bytes().await.unwrap();
    assert_eq!(&bytes[4..8], b"ftyp");
    let frame = client()
        .get(done["output"]["last_frame_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&frame[..3], b"\xFF\xD8\xFF");
    // Portrait: the JPEG's SOF0 frame is taller than wide.
    let sof = frame.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let h = u16::from_be_bytes([frame[sof + 5], frame[sof + 6]]);
    let w = u16::from_be_bytes([frame[sof + 7], frame[sof + 8]]);
    assert!(h > w, "{w}x{h}");

    let part = client()
        .get(video_url)
        .header("Range", "bytes=4-7")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 4-7/{}", bytes.len())
    );
    assert_eq!(&part.bytes().await.unwrap()[..], b"ftyp");
}

#[tokio::test]
async fn failed_renders_are_refunded() {
    let sb = Sandbox::start(Config {
        fail_rate: 1.0,
        ..config()
    })
    .await
    .unwrap();
    let v: Value = post(&sb, Some(KEY), None, &body())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
    let done = wait_done(&sb, KEY, v["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["credits_used"], 30);
    assert_eq!(done["credits_refunded"], 30);
    assert!(done["output"].is_null());
    assert!(done["error"]["message"].is_string());
    assert_eq!(sb.balance(KEY), Some(10_000));
}

#[tokio::test]
async fn padded_videos_stay_valid_and_downloads_can_be_cut_and_resumed() {
    let sb = Sandbox::start(Config {
        video_bytes: Some(3_000_000),
        ..config()
    })
    .await
    .unwrap();
    let v: Value = post(&sb, Some(KEY), None, &body())
        .await
        .json()
        .await
        .unwrap();
    let done = wait_done(&sb, KEY, v["id"].as_str().unwrap()).await;
    let url = done["output"]["video_url"].as_str().unwrap().to_string();
    let head = client().head(&url).send().await.unwrap();
    assert_eq!(head.headers()["content-length"], "3000000");
    assert_eq!(head.headers()["accept-ranges"], "bytes");

    sb.faults()
        .push(Route::Download, [Fault::CutAfter(100_000)]);
    let cut = client().get(&url).send().await.unwrap();
    assert!(cut.bytes().await.is_err(), "the cut body reads as an error");
    let rest = client()
        .get(&url)
        .header("Range", "bytes=100000-")
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(rest.bytes().await.unwrap().len(), 2_900_000);
    let whole = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(whole.len(), 3_000_000);
    // The last top-level box is a `free` box reaching exactly to the end.
    let mut pos = 0usize;
    let mut last = [0u8; 4];
    while pos < whole.len() {
        let size = u32::from_be_bytes(whole[pos..pos + 4].try_into().unwrap()) as usize;
        last.copy_from_slice(&whole[pos + 4..pos + 8]);
        assert!(size >= 8, "box at {pos}");
        pos += size;
    }
    assert_eq!(pos, whole.len());
    assert_eq!(&last, b"free");
}

#[tokio::test]
async fn expired_output_urls_stop_working() {
    let sb = Sandbox::start(Config {
        output_ttl: Some(Duration::from_millis(100)),
        ..config()
    })
    .await
    .unwrap();
    let v: Value = post(&sb, Some(KEY), None, &body())
        .await
        .json()
        .await
        .unwrap();
    let done = wait_done(&sb, KEY, v["id"].as_str().unwrap()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let res = client()
        .get(done["output"]["video_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let msg = error_of(res, StatusCode::NOT_FOUND, "not_found").await;
    assert!(msg.contains("expired"));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("sandbox-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = || Config {
        state_dir: Some(dir.clone()),
        ..config()
    };
    let sb = Sandbox::start(cfg()).await.unwrap();
    let v: Value = post(&sb, Some(KEY), Some("persist"), &body())
        .await
        .json()
        .await
        .unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    sb.stop().await;

    let sb = Sandbox::start(cfg()).await.unwrap();
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
    let done = wait_done(&sb, KEY, &id).await;
    assert_eq!(done["status"], "completed");
    let video = client()
        .get(done["output"]["video_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(video.status(), StatusCode::OK);
    // The idempotency record came back too: a replay, not a second charge.
    let replay: Value = post(&sb, Some(KEY), Some("persist"), &body())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(replay["id"], id);
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
    sb.stop().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_bare_host_redirects_and_the_ledger_says_whether_the_key_arrived() {
    let sb = Sandbox::start(Config {
        redirect_bare_host: true,
        ..config()
    })
    .await
    .unwrap();
    let res = post(&sb, Some(KEY), Some("redir"), &body()).await;
    assert_eq!(res.status(), StatusCode::TEMPORARY_REDIRECT);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("http://localhost:{}/api/v1/video/seedance2", sb.port())
    );
    // A client that follows by hand, re-applying the key, is served on the other host.
    let res = client()
        .post(&location)
        .bearer_auth(KEY)
        .header("Idempotency-Key", "redir")
        .body(body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // One that loses the key on the way is refused.
    let res = client()
        .post(&location)
        .body(body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let authorized: Vec<bool> = sb.ledger().requests.iter().map(|r| r.authorized).collect();
    assert_eq!(authorized, [true, true, false]);
}

#[tokio::test]
async fn the_ledger_is_served_on_loopback() {
    let sb = Sandbox::start(config()).await.unwrap();
    post(&sb, Some(KEY), Some("l1"), &body()).await;
    get_task(&sb, KEY, "sd2_unknown").await;
    let v: Value = client()
        .get(format!("{}/__sandbox/ledger", sb.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["charges"]["l1"], 1);
    assert_eq!(v["requests"].as_array().unwrap().len(), 2);
    assert_eq!(v["requests"][0]["status"], 202);
    assert_eq!(v["requests"][1]["status"], 404);
    assert_eq!(v["busiest_window"], 2);
    assert_eq!(v["rate_limited"], 0);
}

#[tokio::test]
async fn the_binary_prints_its_address_first_and_serves() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_seedance-sandbox"))
        .args([
            "--key",
            KEY,
            "--credits",
            "50",
            "--rate",
            "30/3",
            "--render-ms",
            "10:20",
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let base = first.strip_prefix("listening on ").expect(&first);
    assert!(base.starts_with("http://127.0.0.1:"));
    let res = client()
        .post(format!("{base}/api/v1/video/seedance2"))
        .bearer_auth(KEY)
        .body(body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = client()
        .post(format!("{base}/api/v1/video/seedance2"))
        .bearer_auth(KEY)
        .body(body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYMENT_REQUIRED);
    child.kill().await.unwrap();

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_seedance-sandbox"))
        .args(["--rate", "lots"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--rate"));
}

#[tokio::test]
async fn render_time_by_settings_grows_with_what_is_rendered() {
    let sb = Sandbox::start(Config {
        render_time: RenderTime {
            by_settings: true,
            ..RenderTime::between_ms(100, 1000)
        },
        ..config()
    })
    .await
    .unwrap();
    let small: Value = post(
        &sb,
        Some(KEY),
        None,
        &json!({"prompt": "abc", "quality_tier": "mini", "duration": "4"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let big: Value = post(
        &sb,
        Some(KEY),
        None,
        &json!({"prompt": "abc", "quality_tier": "pro", "resolution": "4k", "duration": "15"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let took = |v: &Value| sb.task_done_at(v["id"].as_str().unwrap()).unwrap();
    let (small_done, big_done) = (took(&small), took(&big));
    assert!(
        big_done > small_done + 600,
        "small {small_done}, big {big_done}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_posted_for_references_are_served_back_with_ranges_and_odd_ones_refused() {
    let sb = Sandbox::start(config()).await.unwrap();
    let files = format!("{}/__sandbox/files", sb.base_url());
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 300]].concat();
    let res = client()
        .post(&files)
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let url = res.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with(&files) && url.ends_with(".png"), "{url}");

    let whole = client().get(&url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "image/png");
    assert_eq!(whole.bytes().await.unwrap().as_ref(), png.as_slice());
    let part = client()
        .get(&url)
        .header("range", "bytes=8-11")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 8-11/308");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &[7u8; 4]);
    let past = client()
        .get(&url)
        .header("range", "bytes=400-")
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Another name, a type that is not a reference, an empty body: refused, nothing kept.
    let unknown = client()
        .get(format!("{files}/000001-0.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let html = client()
        .post(&files)
        .header("content-type", "text/html")
        .body("<html>")
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let empty = client()
        .post(&files)
        .header("content-type", "image/jpeg")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(sb.ledger().charges.is_empty());
}

#[tokio::test]
async fn a_page_rebound_to_loopback_reaches_none_of_the_sandbox_own_routes() {
    // DNS rebinding: a web page's own name now resolves to 127.0.0.1, so its requests come
    // from this machine, but they still carry its name in Host.
    let sb = Sandbox::start(config()).await.unwrap();
    let port = sb.base_url().rsplit(':').next().unwrap().to_string();
    let rebound = format!("pages.example:{port}");
    let posted = client()
        .post(format!("{}/__sandbox/files", sb.base_url()))
        .header("host", &rebound)
        .header("content-type", "image/png")
        .body(b"\x89PNG\r\n\x1a\nrest".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::MISDIRECTED_REQUEST);
    let said = posted.json::<Value>().await.unwrap();
    assert!(
        said["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("pages.example")),
        "{said}"
    );
    // The ledger, asked under each name: refused under the page's, answered under each of
    // this machine's.
    let ledger_as = |host: String| {
        let url = format!("{}/__sandbox/ledger", sb.base_url());
        async move {
            let status = client()
                .get(url)
                .header("host", &host)
                .send()
                .await
                .unwrap()
                .status();
            (host, status)
        }
    };
    let (_, status) = ledger_as(rebound).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    for name in ["localhost", "[::1]", "127.0.0.1"] {
        let (host, status) = ledger_as(format!("{name}:{port}")).await;
        assert_eq!(status, StatusCode::OK, "{host}");
    }
}
