//! Replays the fuzzers' corpora (`fuzz/corpus/<target>/`) and any inputs kept from past
//! findings (`fuzz/regressions/<target>/`) through the same checks the fuzz targets run,
//! as ordinary tests on stable Rust.

#[path = "../../../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut inputs = 0;
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let data = std::fs::read(entry.path()).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(
                outcome.is_ok(),
                "{target}: {} breaks a check",
                entry.path().display()
            );
            inputs += 1;
        }
    }
    // The seeds are committed: an empty or missing corpus means the replay tests nothing.
    assert!(inputs >= 8, "{target}: only {inputs} inputs in fuzz/corpus");
}

#[test]
fn task_bodies() {
    replay("task_body", checks::task_body);
}

#[test]
fn error_answers() {
    replay("error_body", checks::error_body);
}

#[test]
fn requests() {
    replay("request", checks::request);
}
