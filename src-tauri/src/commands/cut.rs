//! The cut in the window: the timeline as it stands, a shot trimmed or its transition set,
//! the cut assembled (progress as `cut-progress` events, cancellable) into the Library, and
//! the edit exported for other editors to files named in the desktop's save dialog.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use studio::desk::{Assembly, CutView, EditExport, EditTargets, ProjectView};
use studio::media::Progress;
use studio::project::cut::TransitionKind;
use tauri::{AppHandle, Emitter, State};

use crate::error::IpcError;
use crate::file_dialog::{self, Ask};
use crate::session::AppState;

/// The assembly in progress, which `project_assemble_cancel` stops.
#[derive(Default)]
pub struct Assembling(std::sync::Mutex<Option<Arc<AtomicBool>>>);

#[tauri::command]
pub async fn project_cut(state: State<'_, AppState>, project: String) -> Result<CutView, IpcError> {
    let desk = state.desk().await?;
    Ok(desk
        .project_cut_in(desk.running_mode().await?, &project)
        .await?)
}

/// Sets where shot `index` starts and ends within its take (`None`: as it is).
#[tauri::command]
pub async fn project_trim(
    state: State<'_, AppState>,
    project: String,
    index: u32,
    in_s: Option<f64>,
    out_s: Option<f64>,
) -> Result<ProjectView, IpcError> {
    let desk = state.desk().await?;
    let mode = desk.running_mode().await?;
    Ok(desk
        .project_trim_in(mode, &project, index, in_s, out_s)
        .await?)
}

#[tauri::command]
pub async fn project_transition(
    state: State<'_, AppState>,
    project: String,
    index: u32,
    kind: TransitionKind,
    seconds: Option<f64>,
) -> Result<ProjectView, IpcError> {
    let desk = state.desk().await?;
    let mode = desk.running_mode().await?;
    Ok(desk
        .project_transition_in(mode, &project, index, kind, seconds)
        .await?)
}

/// Assembles the cut into the Library, telling the page how far it is (`cut-progress`).
#[tauri::command]
pub async fn project_assemble(
    app: AppHandle,
    state: State<'_, AppState>,
    assembling: State<'_, Assembling>,
    project: String,
) -> Result<Assembly, IpcError> {
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut slot = assembling.0.lock().expect("never poisoned");
        if slot.is_some() {
            return Err(IpcError::invalid(
                "project",
                "a cut is being assembled already",
            ));
        }
        *slot = Some(cancel.clone());
    }
    let desk = state.desk().await;
    let made = match desk {
        Ok(desk) => match desk.running_mode().await {
            Ok(mode) => desk
                .project_assemble_in(
                    mode,
                    &project,
                    None,
                    EditTargets::default(),
                    move |p: Progress| {
                        let _ = app.emit("cut-progress", p);
                    },
                    cancel,
                )
                .await
                .map_err(IpcError::from),
            Err(e) => Err(e.into()),
        },
        Err(e) => Err(e),
    };
    *assembling.0.lock().expect("never poisoned") = None;
    made
}

/// Stops the assembly in progress, if any: nothing is kept.
#[tauri::command]
pub async fn project_assemble_cancel(assembling: State<'_, Assembling>) -> Result<(), IpcError> {
    if let Some(cancel) = assembling.0.lock().expect("never poisoned").as_ref() {
        cancel.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Asks where to write the edit (a native dialog), and writes it there as OTIO, FCPXML and
/// EDL, named as chosen; `None` when cancelled.
#[tauri::command]
pub async fn project_export_edit(
    app: AppHandle,
    state: State<'_, AppState>,
    project: String,
) -> Result<Option<EditExport>, IpcError> {
    let ask = Ask {
        title: "Export the edit",
        kind: "Edit (OpenTimelineIO, FCPXML and EDL)",
        extensions: &["otio", "fcpxml", "edl"],
    };
    let desk = state.desk().await?;
    let mode = desk.running_mode().await?;
    let name = desk.project_show_in(mode, &project).await?.name;
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let Some(path) = file_dialog::save(&app, ask, &format!("{stem}.otio")).await? else {
        return Ok(None);
    };
    let targets = EditTargets {
        otio: Some(path.with_extension("otio")),
        fcpxml: Some(path.with_extension("fcpxml")),
        edl: Some(path.with_extension("edl")),
    };
    Ok(Some(
        desk.project_export_edit_in(mode, &project, targets).await?,
    ))
}
