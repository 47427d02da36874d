//! Which processes on a data folder are alive. Each engine holds an OS lock on
//! `holders/<origin>.lock` for as long as it runs; the kernel lets go of it the moment the
//! process dies, however it dies (SIGKILL included). A lease held by a process whose lock
//! can be taken is held by nobody: its jobs are taken over at once instead of when the lease
//! runs out.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// This process's hold on its lock file; dropping it lets go.
#[derive(Debug)]
pub struct Holding {
    _file: File,
    path: PathBuf,
}

impl Drop for Holding {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lock_path(history_dir: &Path, origin: &str) -> PathBuf {
    history_dir.join("holders").join(format!("{origin}.lock"))
}

/// Takes this process's lock, for the life of the returned [`Holding`].
pub fn hold(history_dir: &Path, origin: &str) -> std::io::Result<Holding> {
    let path = lock_path(history_dir, origin);
    crate::private::private_dir(path.parent().expect("a folder"))?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    file.lock()?;
    Ok(Holding { _file: file, path })
}

/// What is known about the holder of a lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Alive,
    /// Its lock could be taken: it is gone.
    Gone,
    /// No lock file (a process from before locks were kept): only its lease tells.
    Unknown,
}

/// Whether the process `origin` on this folder is still running.
pub fn holder(history_dir: &Path, origin: &str) -> Holder {
    let path = lock_path(history_dir, origin);
    let Ok(file) = OpenOptions::new().write(true).open(&path) else {
        return Holder::Unknown;
    };
    match file.try_lock() {
        Ok(()) => {
            drop(file);
            let _ = std::fs::remove_file(&path);
            Holder::Gone
        }
        Err(TryLockError::WouldBlock) => Holder::Alive,
        Err(TryLockError::Error(_)) => Holder::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_alive_and_a_released_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let held = hold(dir.path(), "p1-aaaa").unwrap();
        assert_eq!(holder(dir.path(), "p1-aaaa"), Holder::Alive);
        assert_eq!(holder(dir.path(), "p2-bbbb"), Holder::Unknown);
        drop(held);
        // A process that died leaves its file; the lock on it is free.
        let _left = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path(dir.path(), "p3-cccc"))
            .unwrap();
        assert_eq!(holder(dir.path(), "p3-cccc"), Holder::Gone);
    }
}
