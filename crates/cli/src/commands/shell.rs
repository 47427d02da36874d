//! `seedance completions SHELL` and `seedance manual DIR`: what shells complete and `man`
//! shows, made from the command line's own definition, so they never drift from it. The
//! packages run both when they are built (`scripts/package`); people who build from source
//! run them themselves.

use std::path::Path;

use clap::CommandFactory;
use serde_json::json;

use crate::args::Cli;
use crate::exit::{CliError, Exit};
use crate::output::print_json;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit, CliError> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "seedance", &mut std::io::stdout());
    Ok(Exit::Success)
}

/// Writes `seedance.1` and one page per subcommand into `dir` (made if missing).
pub fn manual(dir: &Path, json: bool) -> Result<Exit, CliError> {
    let failed = |e: std::io::Error| {
        CliError::local(format!(
            "The manual pages could not be written to {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(failed)?;
    let mut pages: Vec<String> = std::fs::read_dir(dir)
        .map_err(failed)?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.starts_with("seedance") && name.ends_with(".1"))
        .collect();
    pages.sort();
    if json {
        print_json(&json!({ "dir": dir, "pages": pages }));
    } else {
        println!("{} manual pages in {}", pages.len(), dir.display());
    }
    Ok(Exit::Success)
}
