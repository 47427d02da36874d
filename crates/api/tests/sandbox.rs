//! The client against the sandbox over real HTTP, asserting what the sandbox's ledger saw.

use std::sync::Arc;
use std::time::Duration;

use seedance_api::retry::RetryPolicy;
use seedance_api::{
    ApiError, ApiKey, Client, ClientConfig, GenerationRequest, LocalBudget, Mode, QualityTier,
    Rate, RequestBudget, Resolution, TaskStatus,
};
use seedance_sandbox::{Config, Fault, RenderTime, Route, Sandbox};

const KEY: &str = "sk_test_client";

fn sandbox_config() -> Config {
    Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(100, 200),
        ..Config::default()
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 6,
        max_wait_attempts: 10,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
    }
}

fn client_with(sb: &Sandbox, key: &str, budget: Arc<dyn RequestBudget>) -> Client {
    let mut config = ClientConfig::new(sb.base_url(), ApiKey::new(key).unwrap(), budget);
    config.retry = fast_retries();
    Client::new(config).unwrap()
}

fn client(sb: &Sandbox) -> Client {
    client_with(
        sb,
        KEY,
        Arc::new(LocalBudget::new(Rate {
            requests: 1000,
            window: Duration::from_secs(1),
        })),
    )
}

fn request() -> GenerationRequest {
    GenerationRequest::text("A cinematic shot of a glass train crossing a snowy mountain bridge")
}

#[tokio::test]
async fn submit_then_poll_to_completion() {
    let sb = Sandbox::start(sandbox_config()).await.unwrap();
    let c = client(&sb);
    let prepared = c.prepare(&request()).unwrap();
    let task = c.submit(&prepared, "happy-1").await.unwrap();
    assert_eq!(task.status, TaskStatus::Processing);
    assert_eq!(task.credits_used, Some(30));
    let done = loop {
        let t = c.get_task(&task.id).await.unwrap();
        if t.status.is_final() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done.status, TaskStatus::Completed);
    assert!(
        done.output
            .unwrap()
            .video_url
            .unwrap()
            .starts_with(&sb.base_url())
    );
    let ua = sb.ledger().requests.len();
    assert!(ua >= 2);
}

#[tokio::test]
async fn invalid_requests_are_refused_with_every_problem_and_never_sent() {
    let sb = Sandbox::start(sandbox_config()).await.unwrap();
    let c = client(&sb);
    let bad = GenerationRequest {
        mode: Mode::ImageToVideo,
        quality_tier: QualityTier::Mini,
        resolution: Resolution::K4,
        seed: Some(3),
        ..GenerationRequest::text("no")
    };
    let Err(ApiError::Invalid { problems }) = c.prepare(&bad) else {
        panic!("accepted")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["prompt", "resolution", "seed", "image_url"]);
    assert!(
        ApiError::Invalid { problems }
            .to_string()
            .contains("image_url: is required for image-to-video")
    );
    assert!(
        sb.ledger().requests.is_empty(),
        "nothing reached the service"
    );
}

#[tokio::test]
async fn one_charge_under_dropped_lost_malformed_and_failing_answers() {
    let sb = Sandbox::start(sandbox_config()).await.unwrap();
    sb.faults().push(
        Route::Submit,
        [
            Fault::Drop,
            Fault::LoseAnswer,
            Fault::Malformed,
            Fault::Busy,
            Fault::Internal,
        ],
    );
    let c = client(&sb);
    let task = c
        .submit(&c.prepare(&request()).unwrap(), "trap-1")
        .await
        .unwrap();
    assert!(task.id.starts_with("sd2_"));
    let ledger = sb.ledger();
    assert_eq!(ledger.charges_for("trap-1"), 1, "{ledger:?}");
    let statuses: Vec<u16> = ledger.requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [0, 0, 202, 503, 500, 202]);
    assert!(
        ledger
            .requests
            .iter()
            .all(|r| r.idempotency_key.as_deref() == Some("trap-1"))
    );
    assert_eq!(sb.balance(KEY), Some(10_000 - 30));
}

#[tokio::test]
async fn errors_another_attempt_cannot_fix_are_sent_once() {
    let sb = Sandbox::start(Config {
        credits: 0,
        ..sandbox_config()
    })
    .await
    .unwrap();
    let c = client(&sb);
    let prepared = c.prepare(&request()).unwrap();
    assert!(matches!(
        c.submit(&prepared, "poor").await,
        Err(ApiError::InsufficientCredits { .. })
    ));
    assert!(matches!(
        c.get_task("sd2_nothing").await,
        Err(ApiError::NotFound { .. })
    ));
    assert!(matches!(
        c.submit_body(br#"{"prompt":"abc","extra":1}"#, "bad").await,
        Err(ApiError::InvalidRequest { .. })
    ));
    let stranger = client_with(&sb, "sk_wrong", Arc::new(LocalBudget::new(Rate::ACCOUNT)));
    let err = stranger.get_task("sd2_nothing").await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }));
    assert!(
        !err.to_string().contains("sk_wrong"),
        "the key is not in messages"
    );
    assert_eq!(sb.ledger().requests.len(), 4, "one request each");
}

#[tokio::test]
async fn the_budget_keeps_every_window_under_the_limit() {
    let sb = Sandbox::start(Config {
        rate_limit: 5,
        rate_window: Duration::from_secs(1),
        ..sandbox_config()
    })
    .await
    .unwrap();
    let c = Arc::new(client_with(
        &sb,
        KEY,
        Arc::new(LocalBudget::new(Rate {
            requests: 5,
            window: Duration::from_secs(1),
        })),
    ));
    let task = c
        .submit(&c.prepare(&request()).unwrap(), "budget")
        .await
        .unwrap();
    let polls: Vec<_> = (0..11)
        .map(|_| {
            let (c, id) = (c.clone(), task.id.clone());
            tokio::spawn(async move { c.get_task(&id).await.unwrap() })
        })
        .collect();
    for p in polls {
        p.await.unwrap();
    }
    let ledger = sb.ledger();
    assert_eq!(ledger.rate_limited, 0);
    assert!(
        ledger.busiest_window <= 5,
        "busiest window {}",
        ledger.busiest_window
    );
    assert_eq!(ledger.requests.len(), 12);
}

#[tokio::test]
async fn a_429_is_waited_out_and_pauses_every_request() {
    let sb = Sandbox::start(Config {
        rate_limit: 2,
        rate_window: Duration::from_secs(1),
        ..sandbox_config()
    })
    .await
    .unwrap();
    // A budget far above what the service allows: the service's 429s must be honoured.
    let c = client(&sb);
    let task = c
        .submit(&c.prepare(&request()).unwrap(), "limited")
        .await
        .unwrap();
    for _ in 0..4 {
        c.get_task(&task.id).await.unwrap();
    }
    let ledger = sb.ledger();
    assert!(ledger.rate_limited >= 1);
    let answered: Vec<_> = ledger.requests.iter().filter(|r| r.status == 200).collect();
    assert_eq!(answered.len(), 4);
    // After each 429, nothing was sent again before its Retry-After (1 s) had passed.
    for (i, r) in ledger
        .requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == 429)
    {
        if let Some(next) = ledger.requests.get(i + 1) {
            assert!(
                next.at_ms - r.at_ms >= 1000,
                "{} ms after a 429",
                next.at_ms - r.at_ms
            );
        }
    }
}

#[tokio::test]
async fn a_same_site_redirect_is_followed_with_the_key_kept() {
    let sb = Sandbox::start(Config {
        redirect_bare_host: true,
        ..sandbox_config()
    })
    .await
    .unwrap();
    let c = client(&sb);
    let task = c
        .submit(&c.prepare(&request()).unwrap(), "redirect-1")
        .await
        .unwrap();
    let ledger = sb.ledger();
    let seen: Vec<(u16, bool)> = ledger
        .requests
        .iter()
        .map(|r| (r.status, r.authorized))
        .collect();
    assert_eq!(seen, [(307, true), (202, true)]);
    assert_eq!(ledger.charges_for("redirect-1"), 1);
    // Later requests go straight to the host that answered.
    assert_eq!(c.base_url(), format!("http://localhost:{}", sb.port()));
    c.get_task(&task.id).await.unwrap();
    assert_eq!(sb.ledger().requests.last().unwrap().status, 200);
    assert_eq!(sb.ledger().requests.len(), 3);
}

#[tokio::test]
async fn a_request_still_running_is_waited_for_with_the_same_key() {
    let sb = Sandbox::start(sandbox_config()).await.unwrap();
    sb.faults()
        .push(Route::Submit, [Fault::Slow(Duration::from_millis(500))]);
    let c = Arc::new(client(&sb));
    let prepared = c.prepare(&request()).unwrap();
    let first = {
        let (c, p) = (c.clone(), prepared.clone());
        tokio::spawn(async move { c.submit(&p, "twice").await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let second = c.submit(&prepared, "twice").await.unwrap();
    assert_eq!(first.await.unwrap().id, second.id);
    let ledger = sb.ledger();
    assert_eq!(ledger.charges_for("twice"), 1);
    assert!(ledger.requests.iter().any(|r| r.status == 409));
}

#[tokio::test]
async fn the_key_check_spends_nothing() {
    let sb = Sandbox::start(sandbox_config()).await.unwrap();
    assert!(client(&sb).check_key().await.unwrap());
    let stranger = client_with(&sb, "sk_nope", Arc::new(LocalBudget::new(Rate::ACCOUNT)));
    assert!(!stranger.check_key().await.unwrap());
    assert!(sb.ledger().charges.is_empty());
    assert_eq!(sb.balance(KEY), Some(10_000));
}

#[tokio::test]
async fn an_unreachable_service_is_a_clear_transport_error_after_a_few_tries() {
    let sb = Sandbox::start(sandbox_config()).await.unwrap();
    let url = sb.base_url();
    sb.stop().await;
    let mut config = ClientConfig::new(
        url,
        ApiKey::new(KEY).unwrap(),
        Arc::new(LocalBudget::new(Rate::ACCOUNT)),
    );
    config.retry = fast_retries();
    let err = Client::new(config)
        .unwrap()
        .get_task("sd2_x")
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
    assert!(err.to_string().starts_with("Could not reach the service"));
}
