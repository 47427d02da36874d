//! A desktop notification when a render is ready, if Settings asks for it. A desktop
//! without a notification service is not an error: the render is ready all the same.

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::session::AppState;

/// Notifies that `job_id` is ready (in the background; never fails the caller).
pub fn render_ready(app: AppHandle, job_id: String) {
    tauri::async_runtime::spawn(async move {
        let Ok(desk) = app.state::<AppState>().desk().await else {
            return;
        };
        let wanted = desk.settings().await.map_or(true, |s| s.notify_when_ready);
        if !wanted {
            return;
        }
        let prompt = desk
            .detail(&job_id)
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
