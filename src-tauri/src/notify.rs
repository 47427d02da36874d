//! A desktop notification when a render is ready, if Settings asks for it. A desktop
//! without a notification service is not an error: the render is ready all the same.

use studio::settings::Settings;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::session::AppState;

/// Once `job_id` has finished: deletes the objects it uploaded to the storage that no
/// unfinished job needs, unless Settings keeps uploads (in the background).
pub fn release_uploads(app: AppHandle, job_id: String) {
    tauri::async_runtime::spawn(async move {
        let Ok(studio) = app.state::<AppState>().studio().await else {
            return;
        };
        let keep = Settings::load(&studio.profile)
            .await
            .ok()
            .and_then(|s| s.storage)
            .is_none_or(|s| s.keep_uploads);
        if keep {
            return;
        }
        let Ok(storage) = studio.storage().await else {
            return;
        };
        let result = studio
            .with_engine(async |engine| {
                studio::uploads::release(engine.store(), &storage, &job_id)
                    .await
                    .map_err(crate::session::upload_error)
            })
            .await;
        match result {
            Ok(keys) if !keys.is_empty() => {
                tracing::info!(job = %job_id, deleted = keys.len(), "uploads released")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(job = %job_id, "uploads not released: {}", e.message),
        }
    });
}

/// Notifies that `job_id` is ready (in the background; never fails the caller).
pub fn render_ready(app: AppHandle, job_id: String) {
    tauri::async_runtime::spawn(async move {
        let Ok(studio) = app.state::<AppState>().studio().await else {
            return;
        };
        let wanted = Settings::load(&studio.profile)
            .await
            .map(|s| s.notify_when_ready)
            .unwrap_or(true);
        if !wanted {
            return;
        }
        let prompt = crate::library::detail(&studio, &job_id)
            .await
            .map(|d| d.summary.prompt)
            .unwrap_or_default();
        let body: String = prompt.chars().take(120).collect();
        if let Err(e) = app
            .notification()
            .builder()
            .title("Render ready")
            .body(if body.is_empty() {
                job_id.clone()
            } else {
                body
            })
            .show()
        {
            tracing::info!("no notification shown for {job_id}: {e}");
        }
    });
}
