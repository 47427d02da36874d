//! IPC commands: one-line adapters from the webview to the [`studio::Desk`], which the
//! tests and the `seedance` command call directly.

#[macro_use]
pub mod names;

pub mod app;
pub mod compose;
pub mod cut;
pub mod key;
pub mod library;
pub mod projects;
pub mod settings;

#[cfg(test)]
pub use names::APP_COMMAND_PATHS;
pub use names::APP_COMMANDS;
