//! What the app and `seedance` write is the person's alone: the data folder is 0700 and
//! every file created in it 0600 (the history, logs, exports, renders, diagnostics), and the
//! API key given in `SEEDANCE_API_KEY` is taken out of the environment before anything
//! starts, so no child process (xdg-open, a browser, the web view) inherits it.
//!
//! [`start_process`] is called first thing in each binary's `main`, while the process has
//! one thread.

use std::path::Path;
use std::sync::OnceLock;

use crate::keychain::KEY_ENV;

/// `SEEDANCE_API_KEY` as it was when the process started (taken by [`start_process`]).
static ENV_KEY: OnceLock<Option<String>> = OnceLock::new();

/// Makes new files private (umask 077) and takes `SEEDANCE_API_KEY` out of the environment.
///
/// # Safety
/// Changes the process environment: call it before any other thread exists (first thing in
/// `main`), as nothing may read the environment concurrently.
pub unsafe fn start_process() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file mode mask.
    unsafe {
        libc::umask(0o077);
    }
    let key = std::env::var(KEY_ENV).ok();
    let _ = ENV_KEY.set(key);
    // SAFETY: the caller guarantees there is one thread.
    unsafe { std::env::remove_var(KEY_ENV) };
}

/// The key from `SEEDANCE_API_KEY`: the one taken at start, or (in a process that did not
/// call [`start_process`], such as a test) the environment's.
pub fn env_key() -> Option<String> {
    ENV_KEY
        .get()
        .cloned()
        .unwrap_or_else(|| std::env::var(KEY_ENV).ok())
        .filter(|k| !k.trim().is_empty())
}

/// Creates `dir` (and its parents) if needed and makes it 0700, whatever it was.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes an existing file 0600 (one written before files were private).
pub fn private_file(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.exists() {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let _ = file;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn folders_and_files_are_made_private_whatever_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&data).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        let db = data.join("studio.db");
        std::fs::write(&db, b"x").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        private_dir(&data.join("a/b")).unwrap();
        assert_eq!(mode(&data.join("a/b")), 0o700);
    }
}
