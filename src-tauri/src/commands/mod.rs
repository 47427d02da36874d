//! IPC commands: one-line adapters from the webview to plain functions that tests call
//! directly.

pub mod app;
pub mod names;

pub use names::APP_COMMANDS;
