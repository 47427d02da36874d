//! `seedance export` / `seedance import`: the library as a JSON file, in the format the app
//! uses too; importing skips renders that are already there.

use std::path::Path;

use serde_json::json;
use studio::{ConnectionMode, Desk};

use crate::exit::{CliError, Exit};
use crate::output::print_json;

pub async fn export(
    desk: &Desk,
    mode: ConnectionMode,
    file: &Path,
    json: bool,
) -> Result<Exit, CliError> {
    let count = desk.export_in(mode, file).await?;
    if json {
        print_json(&json!({ "exported": count, "file": file }));
    } else {
        println!("Exported {count} renders to {}", file.display());
    }
    Ok(Exit::Success)
}

pub async fn import(
    desk: &Desk,
    mode: ConnectionMode,
    file: &Path,
    json: bool,
) -> Result<Exit, CliError> {
    let (added, skipped) = desk.import_in(mode, file).await?;
    if json {
        print_json(&json!({ "imported": added, "skipped": skipped, "file": file }));
    } else {
        println!(
            "Imported {added} renders from {} ({skipped} were already in the library)",
            file.display()
        );
    }
    Ok(Exit::Success)
}
