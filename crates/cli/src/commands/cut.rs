//! `seedance project trim | transition | assemble | export-edit`: the cut through the desk.
//! Assembling shows a bar on a terminal and stops cleanly on Ctrl+C (exit 5, nothing
//! written); `--json` prints `{output, duration_s, stream_copy, otio, fcpxml, edl}`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use studio::desk::{DeskError, EditTargets, ProjectView};
use studio::{ConnectionMode, Desk};

use crate::args::EditFiles;
use crate::exit::{CliError, Exit};
use crate::output::{Progress, print_json};

fn targets(edits: EditFiles) -> EditTargets {
    EditTargets {
        otio: edits.otio,
        fcpxml: edits.fcpxml,
        edl: edits.edl,
    }
}

pub async fn trim(
    desk: &Desk,
    mode: ConnectionMode,
    project: &str,
    shot: u32,
    in_s: Option<f64>,
    out_s: Option<f64>,
) -> Result<ProjectView, CliError> {
    if in_s.is_none() && out_s.is_none() {
        return Err(DeskError::invalid("in", "give --in SECS, --out SECS or both").into());
    }
    Ok(desk
        .project_trim_in(mode, project, shot, in_s, out_s)
        .await?)
}

pub async fn export_edit(
    desk: &Desk,
    mode: ConnectionMode,
    project: &str,
    edits: EditFiles,
    json: bool,
) -> Result<(), CliError> {
    let written = desk
        .project_export_edit_in(mode, project, targets(edits))
        .await?;
    if json {
        print_json(&written);
    } else {
        for file in [&written.otio, &written.fcpxml, &written.edl]
            .into_iter()
            .flatten()
        {
            println!("Wrote {file}");
        }
    }
    Ok(())
}

pub async fn assemble(
    desk: &Desk,
    mode: ConnectionMode,
    project: &str,
    out: &Path,
    edits: EditFiles,
    json: bool,
) -> Result<Exit, CliError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let mut bar = Progress::new();
    let assembling = desk.project_assemble_in(
        mode,
        project,
        Some(out),
        targets(edits),
        move |p| {
            let done = (p.done_s * 10.0) as usize;
            let total = (p.total_s * 10.0).max(1.0) as usize;
            bar.bar(
                done.min(total),
                total,
                &format!("{:.1} of {:.1} s", p.done_s, p.total_s),
            );
        },
        cancel.clone(),
    );
    tokio::pin!(assembling);
    let made = tokio::select! {
        made = &mut assembling => made,
        _ = tokio::signal::ctrl_c() => {
            cancel.store(true, Ordering::SeqCst);
            let _ = assembling.await;
            eprintln!("\nCancelled: nothing was written.");
            return Ok(Exit::Interrupted);
        }
    }?;
    if json {
        print_json(&json!({
            "job_id": made.job_id,
            "output": made.output,
            "duration_s": made.duration_s,
            "stream_copy": made.stream_copy,
            "otio": made.otio,
            "fcpxml": made.fcpxml,
            "edl": made.edl,
        }));
    } else {
        eprintln!();
        println!(
            "Wrote {} ({:.2} s, {}×{}, {})",
            made.output,
            made.duration_s,
            made.width,
            made.height,
            if made.stream_copy {
                "joined without re-encoding"
            } else {
                "re-encoded"
            }
        );
        for file in [&made.otio, &made.fcpxml, &made.edl].into_iter().flatten() {
            println!("Wrote {file}");
        }
    }
    Ok(Exit::Success)
}
