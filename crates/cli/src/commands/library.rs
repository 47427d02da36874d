//! `seedance export` / `seedance import`: the library as a JSON file, in the format the app
//! uses too; importing skips renders that are already there.

use std::path::Path;

use serde_json::json;
use studio::library::Library;

use crate::context::Context;
use crate::exit::{CliError, Exit};
use crate::output::print_json;

async fn library(ctx: &Context) -> Result<Library, CliError> {
    Ok(Library::new(ctx.history().await?, ctx.history_dir()))
}

pub async fn export(ctx: &Context, file: &Path, json: bool) -> Result<Exit, CliError> {
    let count = library(ctx).await?.export(file).await?;
    if json {
        print_json(&json!({ "exported": count, "file": file }));
    } else {
        println!("Exported {count} renders to {}", file.display());
    }
    Ok(Exit::Success)
}

pub async fn import(ctx: &Context, file: &Path, json: bool) -> Result<Exit, CliError> {
    let (added, skipped) = library(ctx).await?.import(file).await?;
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
