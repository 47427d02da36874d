//! The window's content process can die on its own (WebKitGTK runs the page in a separate
//! `WebKitWebProcess`; a media backend, a driver or the out-of-memory killer can take it
//! down). When it does, the app notices, logs it, reloads the page into the same area (the
//! area is in the page's URL fragment, which a reload keeps) and tells the person once. The
//! engine and every job run in the main process and go on untouched; the composer's draft
//! is in the profile database ([`studio::composer_draft`]), so the reloaded page has it.

use std::sync::Mutex;

/// What the reloaded page is told, once.
static NOTICE: Mutex<Option<String>> = Mutex::new(None);

/// The message for the page after a reload, taken at most once.
pub fn take_notice() -> Option<String> {
    NOTICE.lock().ok().and_then(|mut n| n.take())
}

fn record(reason: &str) {
    tracing::warn!(
        reason,
        "the window's content process ended; reloading the page (jobs and the draft are unaffected)"
    );
    if let Ok(mut n) = NOTICE.lock() {
        *n = Some(format!(
            "The window's content stopped unexpectedly ({reason}) and was reloaded. Your draft and every render are safe."
        ));
    }
}

/// Watches the main window's web view and reloads it when its content process ends.
#[cfg(target_os = "linux")]
pub fn watch(window: &tauri::WebviewWindow) {
    use webkit2gtk::{WebProcessTerminationReason, WebViewExt};
    let watched = window.with_webview(|platform| {
        platform
            .inner()
            .connect_web_process_terminated(|view, reason| {
                let reason = match reason {
                    WebProcessTerminationReason::Crashed => "it crashed",
                    WebProcessTerminationReason::ExceededMemoryLimit => "it ran out of memory",
                    WebProcessTerminationReason::TerminatedByApi => "it was ended",
                    _ => "for an unknown reason",
                };
                record(reason);
                view.reload();
            });
    });
    if let Err(e) = watched {
        tracing::error!("the window's content process cannot be watched: {e}");
    }
}

/// Elsewhere the web view runs in-process or restarts itself.
#[cfg(not(target_os = "linux"))]
pub fn watch(_window: &tauri::WebviewWindow) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_is_given_once() {
        record("it crashed");
        let notice = take_notice().unwrap();
        assert!(
            notice.contains("it crashed") && notice.contains("draft"),
            "{notice}"
        );
        assert_eq!(take_notice(), None);
    }
}
