//! The Seedance Studio engine: everything the desktop app and the `seedance` command share.
//!
//! It has no Tauri dependency, so the command line and the tests drive it directly and the
//! desktop shell stays a thin adapter. The history lives in SQLite in the data folder; paid
//! requests go through an outbox (intent committed before the first byte is sent); polling
//! is planned within the account's request budget, which every process on the folder shares.

pub mod attention;
pub mod budget;
mod clock;
pub mod composer_draft;
pub mod connection;
pub mod content;
pub mod crash;
pub mod delivery;
pub mod desk;
pub mod diagnostics;
pub mod download;
pub mod engine;
pub mod environment;
pub mod estimate;
pub mod events;
pub mod evidence;
pub mod extend;
pub mod holders;
pub mod identity;
pub mod job;
pub mod keychain;
pub mod library;
pub mod local_sandbox;
pub mod logging;
pub use seedance_media as media;
pub mod outbound;
pub mod preview;
pub mod private;
pub mod project;
pub mod random;
pub mod references;
pub mod render_files;
pub mod schedule;
pub mod settings;
pub mod store;
pub mod tags;
pub mod uploads;

pub use connection::{Connected, ConnectionMode};
pub use desk::{Desk, DeskError, ErrorKind};
pub use engine::{Engine, EngineConfig, EngineError, Submission};
pub use environment::Environment;
pub use events::{ByteProgress, JobEvent, StateChange};
pub use identity::{APP_IDENTIFIER, DataDirError, data_dir};
pub use job::{Job, JobState, find_job};
pub use store::{Store, StoreError};
