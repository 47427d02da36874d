//! What must hold for any bytes fed to the wire parsers and the request validator. The
//! fuzz targets call these, and `crates/api/tests/fuzz_corpus.rs` replays every input in
//! `fuzz/corpus/` and `fuzz/regressions/` through them as ordinary tests.

use seedance_api::client::parse_task;
use seedance_api::retry::{Decision, MAX_RETRY_AFTER, RetryPolicy, parse_retry_after};
use seedance_api::{ApiError, GenerationRequest, lint_prompt, validate};

/// An error message quotes at most this much of a body, whatever it holds.
const MAX_MESSAGE: usize = 2_000;

/// A success answer's body: either a task that survives a round trip unchanged (and keeps
/// the answer as it came), or a malformed-body error (retryable) with a bounded message.
pub fn task_body(data: &[u8]) {
    match parse_task(200, data) {
        Ok(task) => {
            assert!(task.answer.is_some(), "the answer as received is kept");
            let again = serde_json::to_vec(&task).expect("a parsed task serialises");
            let back = parse_task(200, &again).expect("a serialised task parses");
            // What was read survives; the kept answer is each parse's own input.
            let read = |t: &seedance_api::Task| seedance_api::Task {
                answer: None,
                ..t.clone()
            };
            assert_eq!(read(&back), read(&task));
            let _ = task.status.is_final();
        }
        Err(e) => {
            assert!(
                matches!(e, ApiError::MalformedBody { status: 200, .. }),
                "{e:?}"
            );
            assert!(e.to_string().len() <= MAX_MESSAGE, "unbounded message");
            assert!(matches!(
                RetryPolicy::default().decide(&e, 1),
                Decision::RetryAfter(_)
            ));
        }
    }
}

/// An error answer: the first two bytes pick the status, the next line is the
/// `Retry-After` header, the rest is the body. The error is built without panicking, its
/// message is bounded, a honoured `Retry-After` is within the cap, and no retry decision
/// waits longer than the cap.
pub fn error_body(data: &[u8]) {
    let status = match data {
        [a, b, ..] => 100 + u16::from_be_bytes([*a, *b]) % 500,
        _ => 500,
    };
    let rest = data.get(2..).unwrap_or_default();
    let (header, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let header = String::from_utf8_lossy(header);
    let retry_after = parse_retry_after(Some(&header));
    if let Some(d) = retry_after {
        assert!(d <= MAX_RETRY_AFTER);
    }
    let e = ApiError::from_response(status, retry_after, body);
    assert!(e.to_string().len() <= MAX_MESSAGE, "unbounded message");
    let _ = e.code();
    for attempt in 1..10 {
        if let Decision::RetryAfter(d) = RetryPolicy::default().decide(&e, attempt) {
            assert!(d <= MAX_RETRY_AFTER, "waits {d:?}");
        }
    }
}

/// A request: the first byte says whether the base URL is loopback, the rest is the JSON
/// a caller might hand over. A valid request's body reads back as the same request and
/// validates again; an invalid one names each problem's field and says what is allowed.
pub fn request(data: &[u8]) {
    let Some((&flag, json)) = data.split_first() else {
        return;
    };
    let loopback = flag & 1 == 1;
    let Ok(req) = serde_json::from_slice::<GenerationRequest>(json) else {
        return;
    };
    let _ = lint_prompt(&req);
    match validate(&req, loopback) {
        Ok(prepared) => {
            assert_eq!(prepared.request, req);
            let back: GenerationRequest =
                serde_json::from_slice(&prepared.body).expect("a prepared body parses");
            assert_eq!(back, req);
            assert!(validate(&back, loopback).is_ok(), "valid once, valid again");
            if loopback {
                return;
            }
            assert!(
                validate(&back, true).is_ok(),
                "what is valid for the service is valid for the sandbox"
            );
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            for p in problems {
                assert!(!p.field.is_empty() && !p.message.is_empty(), "{p:?}");
            }
        }
    }
}
