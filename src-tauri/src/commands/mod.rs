//! IPC commands: one-line adapters from the webview to the [`crate::session::Studio`],
//! which tests call directly.

pub mod app;
pub mod compose;
pub mod key;
pub mod library;
pub mod names;
pub mod settings;

pub use names::APP_COMMANDS;
