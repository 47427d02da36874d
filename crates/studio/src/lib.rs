//! The Seedance Studio engine: everything the desktop app and the `seedance` command share.
//!
//! It has no Tauri dependency, so the command line and the tests drive it directly and the
//! desktop shell stays a thin adapter.

pub mod identity;

pub use identity::{APP_IDENTIFIER, DataDirError, data_dir};
