//! The composer's verbs on a real desk in Live mode (the emulator standing in for the
//! service): problems by field with nothing stored, the spend guard, submission, the job's
//! events reaching the webview's sink, and the Queue's list.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use seedance_sandbox::{Config, RenderTime, Sandbox};
use seedance_studio::error::{ErrorCode, IpcError};
use studio::Desk;
use studio::desk::{ErrorKind, GenerationRequest, MoneyRule, RenderSource, SubmitOptions};
use studio::estimate::Basis;
use studio::extend::ExtendFrom;
use studio::{ConnectionMode, JobEvent};

const KEY: &str = "sk_live_drafts_test_0123456789";

fn draft(json: serde_json::Value) -> GenerationRequest {
    serde_json::from_value(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_checked_guarded_submitted_and_followed() {
    let service = Sandbox::start(Config {
        keys: vec![KEY.into()],
        render_time: RenderTime::between_ms(300, 600),
        ..Config::default()
    })
    .await
    .unwrap();
    // SAFETY: the only test in this binary, before the studio starts.
    unsafe {
        std::env::set_var("SEEDANCE_API_KEY", KEY);
        std::env::set_var("SEEDANCE_BASE_URL", service.base_url());
        std::env::set_var("SEEDANCE_KEYCHAIN_SERVICE", "io.seedancestudio.test.drafts");
    }
    let data = tempfile::tempdir().unwrap();
    let events: Arc<Mutex<Vec<JobEvent>>> = Arc::default();
    let sink = events.clone();
    let studio = Desk::open(
        data.path().to_path_buf(),
        Some(Arc::new(move |e| sink.lock().unwrap().push(e))),
    )
    .await
    .unwrap();
    studio.start().await;
    assert_eq!(
        studio.connection().await.map(|c| c.mode),
        Some(ConnectionMode::Live),
        "a key in the environment: Live"
    );

    // Every problem, by field; prompt advice; an estimate.
    let bad = draft(serde_json::json!({
        "prompt": "hi", "mode": "image-to-video", "resolution": "4k", "duration": "9"
    }));
    let check = studio.check(&bad, None).await.unwrap();
    let fields: Vec<&str> = check.problems.iter().map(|p| p.field.as_str()).collect();
    assert!(
        fields.contains(&"prompt")
            && fields.contains(&"image_url")
            && fields.contains(&"resolution"),
        "{fields:?}"
    );
    assert_eq!(check.estimate.basis, Basis::Scaled);
    assert_eq!(check.spend_guard, Some(300));
    let err = studio
        .submit(
            &bad,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert_eq!(IpcError::from(err.clone()).code, ErrorCode::InvalidInput);
    assert_eq!(err.problems.len(), check.problems.len());
    assert!(
        studio.recent(10).await.unwrap().is_empty(),
        "nothing stored"
    );

    // Above the spend guard: refused until confirmed.
    let big = draft(serde_json::json!({
        "prompt": "a slow aerial pull-back over a glacier at dawn",
        "quality_tier": "pro", "resolution": "4k", "duration": "15"
    }));
    let err = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: false,
                extends: None,
                submission_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::OverLimit);
    assert_eq!(err.over_limit.map(|o| o.rule), Some(MoneyRule::SpendGuard));
    assert_eq!(
        IpcError::from(err.clone()).code,
        ErrorCode::NeedsConfirmation,
        "the window asks"
    );
    assert!(
        err.message.contains("720") && err.message.contains("300"),
        "{}",
        err.message
    );
    assert!(service.ledger().requests.is_empty(), "nothing was sent");
    let job = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: Some("composer-1"),
            },
        )
        .await
        .unwrap();
    // The same submission again (a page reloaded mid-submit, a second click): the same
    // job, and one charge.
    let again = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: Some("composer-1"),
            },
        )
        .await
        .unwrap();
    assert_eq!(again.id, job.id);
    let refused = studio
        .submit(
            &big,
            SubmitOptions {
                confirmed_spend: true,
                extends: None,
                submission_id: Some("../etc"),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.field.as_deref(),
        Some("submission_id"),
        "{refused:?}"
    );

    // The job runs to the end, and its events reach the sink.
    for _ in 0..200 {
        if events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.job_id() == job.id && e.job_state() == Some(studio::JobState::Ready))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.job_id() == job.id)
        .filter_map(|e| e.job_state())
        .map(|s| s.as_str().to_string())
        .collect();
    assert_eq!(seen.first().map(String::as_str), Some("queued"));
    assert_eq!(seen.last().map(String::as_str), Some("ready"), "{seen:?}");
    let recent = studio.recent(10).await.unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(
        service.ledger().charges.values().sum::<u32>(),
        1,
        "one submission, one charge"
    );
    assert_eq!(recent[0].id, job.id);
    assert_eq!(recent[0].credits_used, Some(720));
    assert!(recent[0].seed.is_some());

    // The next estimate for the same settings comes from that render.
    let again = studio.check(&big, None).await.unwrap();
    assert_eq!(again.estimate.credits, 720);
    assert!(matches!(again.estimate.basis, Basis::History { .. }));

    // Extend takes the output URL while the service serves it...
    match studio
        .render_source(&job.id, ExtendFrom::Clip)
        .await
        .unwrap()
    {
        RenderSource::Url(url) => {
            assert!(url.contains("/outputs/"), "{url}");
            extend_from(&studio, &job.id, &url).await;
        }
        RenderSource::Local(_) => panic!("the output URL still works"),
    }
    // ...and the local copy (to upload) once it is gone.
    service.stop().await;
    match studio
        .render_source(&job.id, ExtendFrom::Frame)
        .await
        .unwrap()
    {
        RenderSource::Local(bytes) => assert!(bytes.starts_with(b"\xFF\xD8\xFF")),
        RenderSource::Url(url) => panic!("{url} no longer answers"),
    }
}

/// An extension of `source` from its clip at `url`: checked and sent with the phrase the
/// service needs, listed with the person's prompt, and linked both ways in the details.
async fn extend_from(studio: &Desk, source: &str, url: &str) {
    use studio::extend::Extension;
    let next = draft(serde_json::json!({
        "prompt": "The train pulls into a station at dawn.",
        "mode": "media-to-video", "media_urls": [url],
    }));
    let plain = studio.check(&next, None).await.unwrap();
    assert!(
        plain
            .lint
            .iter()
            .any(|w| w.kind == studio::desk::LintKind::MediaRole),
        "{:?}",
        plain.lint
    );
    let extension = Extension {
        job_id: source.into(),
        from: ExtendFrom::Clip,
    };
    let checked = studio.check(&next, Some(&extension)).await.unwrap();
    assert!(
        checked.problems.is_empty() && checked.lint.is_empty(),
        "{checked:?}"
    );
    let job = studio
        .submit(
            &next,
            SubmitOptions {
                confirmed_spend: true,
                extends: Some(&extension),
                submission_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(job.prompt, "The train pulls into a station at dawn.");
    let detail = studio.detail(&job.id).await.unwrap();
    assert_eq!(detail.extends.as_ref().map(|l| l.id.as_str()), Some(source));
    assert_eq!(detail.extends_from.as_deref(), Some("clip"));
    assert!(
        detail
            .request
            .unwrap()
            .prompt
            .starts_with("Continue from the supplied previous clip."),
        "the phrase goes to the service"
    );
    let back = studio.detail(source).await.unwrap();
    assert_eq!(
        back.extended_by
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>(),
        [job.id.as_str()]
    );
}
