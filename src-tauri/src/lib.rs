//! The Seedance Studio desktop shell: a Tauri window over the `studio` engine.
//!
//! Everything here adapts: IPC commands call the [`studio::Desk`], which every front end
//! shares, and the engine below it does the work.

pub mod audio;
#[cfg(test)]
mod bindings;
#[macro_use]
pub mod commands;
pub mod error;
mod file_dialog;
pub mod media_server;
mod notify;
pub mod painting;
mod quit;
mod recovery;
mod security;
pub mod session;

use tauri::{Emitter, Manager};

/// The handler of every command in `commands/names.rs`.
macro_rules! app_handler {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$name),*]
    };
}

/// The loopback media server of this launch, once it runs.
pub static MEDIA: std::sync::OnceLock<media_server::MediaServer> = std::sync::OnceLock::new();

/// Starts the app: a single instance (a second launch focuses the first), one window, and
/// the studio starting in the background while the window opens.
pub fn run(audio: (audio::AudioOutput, String), painting: painting::Painting) {
    // The environment is read here, once. Logs go to the data folder; without one, the
    // window still opens and says why.
    let env = studio::Environment::from_process();
    let _logs = env
        .as_ref()
        .ok()
        .and_then(|env| studio::logging::init(&env.data_dir, "seedance-studio").ok());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "Seedance Studio starting"
    );
    tracing::info!(output = ?audio.0, GST_PLUGIN_FEATURE_RANK = %audio.1, "media audio sinks");
    tracing::info!(
        ?painting,
        value = std::env::var(painting::CPU_PAINTING).ok(),
        "web view painting"
    );
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main_window(app);
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let handle = app.handle().clone();
            if let Some(window) = app.get_webview_window("main") {
                recovery::watch(&window);
            }
            // Job events reach the webview as `job-event`.
            let emitter = handle.clone();
            app.manage(session::AppState::new(
                env,
                std::sync::Arc::new(move |event| {
                    if event.job_state() == Some(studio::JobState::Ready) {
                        notify::render_ready(emitter.clone(), event.job_id().to_string());
                    }
                    let _ = emitter.emit("job-event", event);
                }),
            ));
            app.manage(commands::cut::Assembling::default());
            // Listening before the window asks where media is (binding takes no time).
            match tauri::async_runtime::block_on(media_server::start(handle.clone())) {
                Ok(server) => {
                    let _ = MEDIA.set(server);
                }
                Err(e) => tracing::error!("the media server could not start: {e}"),
            }
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<session::AppState>();
                if let Err(e) = state.desk().await {
                    tracing::error!("the studio could not start: {}", e.message);
                }
            });
            Ok(())
        })
        .invoke_handler(with_app_commands!(app_handler))
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                quit::on_close_requested(window, api);
            }
        })
        .run(tauri::generate_context!())
        .expect("the Seedance Studio window could not be started");
}

/// Brings the main window to the front, e.g. when the app is launched a second time.
fn focus_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
