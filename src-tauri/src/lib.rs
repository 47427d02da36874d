//! The Seedance Studio desktop shell: a Tauri window over the `studio` engine.
//!
//! Everything here adapts: IPC commands call plain functions, and the engine does the work.

pub mod bindings;
pub mod commands;
pub mod error;
mod security;

use tauri::Manager;

/// Starts the app: a single instance (a second launch focuses the first), one window.
pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main_window(app);
        }))
        .invoke_handler(tauri::generate_handler![commands::app::app_info])
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
