//! Files and folders are chosen in the desktop's own dialogs (tauri-plugin-dialog), opened
//! from the core: the page asks for an export or an import, never names a path itself. Every
//! view that reads or writes a file the person picks goes through here.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

use crate::error::IpcError;

/// What a dialog is for: its title, and the kind of file it offers (a name and extensions).
pub struct Ask<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub extensions: &'a [&'a str],
}

fn builder(app: &AppHandle, ask: &Ask<'_>) -> FileDialogBuilder<tauri::Wry> {
    app.dialog()
        .file()
        .set_title(ask.title)
        .add_filter(ask.kind, ask.extensions)
}

/// Where to write a new file (suggesting `file_name`); `None` when the person cancels.
pub async fn save(
    app: &AppHandle,
    ask: Ask<'_>,
    file_name: &str,
) -> Result<Option<PathBuf>, IpcError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    builder(app, &ask)
        .set_file_name(file_name)
        .save_file(move |picked| {
            let _ = tx.send(picked);
        });
    local(rx.await.ok().flatten())
}

/// Which existing file to read; `None` when the person cancels.
pub async fn open(app: &AppHandle, ask: Ask<'_>) -> Result<Option<PathBuf>, IpcError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    builder(app, &ask).pick_file(move |picked| {
        let _ = tx.send(picked);
    });
    local(rx.await.ok().flatten())
}

/// A dialog's answer as a local path (a desktop may offer URLs; only files are taken).
fn local(picked: Option<FilePath>) -> Result<Option<PathBuf>, IpcError> {
    picked
        .map(|p| {
            p.into_path()
                .map_err(|_| IpcError::invalid("file", "choose a file on this computer"))
        })
        .transpose()
}
