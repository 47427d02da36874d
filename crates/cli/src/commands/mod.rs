//! One module per group of commands; each returns the exit code or a [`crate::exit::CliError`].

pub mod cut;
pub mod generate;
pub mod jobs;
pub mod key;
pub mod library;
pub mod project;
pub mod sandbox;
pub mod shell;
