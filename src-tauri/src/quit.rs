//! Closing the window while renders are in flight: the window stays open and is told how
//! many are in flight (event `quit-requested`), so it can say they resume on the next start
//! and offer to quit (`app_quit`) or stay. With nothing in flight it just closes.

use tauri::{Emitter, Manager, Window};

use crate::session::AppState;

pub fn on_close_requested(window: &Window, api: &tauri::CloseRequestApi) {
    let app = window.app_handle().clone();
    let in_flight = tauri::async_runtime::block_on(async {
        match app.state::<AppState>().desk().await {
            Ok(desk) => desk.in_flight().await,
            Err(_) => 0,
        }
    });
    if in_flight > 0 {
        api.prevent_close();
        let _ = window.emit("quit-requested", in_flight);
    }
}
