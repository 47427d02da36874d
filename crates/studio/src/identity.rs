//! Who the app is, and where it keeps its things.
//!
//! The app identifier names the data folder and (later) the keychain service, and it must
//! equal the one in `tauri.conf.json`, or the app and the `seedance` command would disagree
//! about where the history lives. It is defined once, here.

use std::path::{Path, PathBuf};

/// The reverse-DNS identifier of the app, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "io.seedancestudio.desktop";

/// Environment variable that points the app and the CLI at another data folder.
pub const DATA_DIR_ENV: &str = "SEEDANCE_DATA_DIR";

/// Why no data folder could be chosen.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DataDirError {
    #[error(
        "no data folder could be found: set SEEDANCE_DATA_DIR, or HOME (or XDG_DATA_HOME) so the platform data folder can be used"
    )]
    NoHome,
    #[error("SEEDANCE_DATA_DIR must be an absolute path, not {0:?}")]
    NotAbsolute(PathBuf),
}

/// The data folder shared by the app and the CLI, resolved from the process environment:
/// `$SEEDANCE_DATA_DIR`, else the platform data folder joined with [`APP_IDENTIFIER`]
/// (on Linux `$XDG_DATA_HOME` or `~/.local/share`, what Tauri's `app_data_dir` gives).
pub fn data_dir() -> Result<PathBuf, DataDirError> {
    data_dir_from(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
}

/// [`data_dir`] over any environment, so the rules are testable without touching the
/// process environment.
pub fn data_dir_from(
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<PathBuf, DataDirError> {
    if let Some(dir) = env(DATA_DIR_ENV) {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() {
            Ok(dir)
        } else {
            Err(DataDirError::NotAbsolute(dir))
        };
    }
    platform_data_home(&env)
        .map(|base| base.join(APP_IDENTIFIER))
        .ok_or(DataDirError::NoHome)
}

#[cfg(target_os = "macos")]
fn platform_data_home(env: &impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    env("HOME").map(|home| Path::new(&home).join("Library/Application Support"))
}

#[cfg(windows)]
fn platform_data_home(env: &impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    env("APPDATA").map(PathBuf::from)
}

#[cfg(not(any(target_os = "macos", windows)))]
fn platform_data_home(env: &impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    env("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".local/share")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn identifier_matches_tauri_conf() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], APP_IDENTIFIER);
    }

    #[test]
    fn explicit_data_dir_wins() {
        let dir = data_dir_from(env(&[
            ("SEEDANCE_DATA_DIR", "/tmp/studio-data"),
            ("HOME", "/home/ada"),
        ]));
        assert_eq!(dir, Ok(PathBuf::from("/tmp/studio-data")));
    }

    #[test]
    fn relative_data_dir_is_refused_with_the_variable_named() {
        let err = data_dir_from(env(&[("SEEDANCE_DATA_DIR", "data")])).unwrap_err();
        assert_eq!(err, DataDirError::NotAbsolute(PathBuf::from("data")));
        assert!(err.to_string().contains("SEEDANCE_DATA_DIR"));
    }

    #[cfg(not(any(target_os = "macos", windows)))]
    #[test]
    fn linux_uses_xdg_data_home_then_home() {
        assert_eq!(
            data_dir_from(env(&[("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/ada")])),
            Ok(PathBuf::from("/x/data/io.seedancestudio.desktop"))
        );
        assert_eq!(
            data_dir_from(env(&[("XDG_DATA_HOME", "relative"), ("HOME", "/home/ada")])),
            Ok(PathBuf::from(
                "/home/ada/.local/share/io.seedancestudio.desktop"
            ))
        );
        assert_eq!(data_dir_from(env(&[])), Err(DataDirError::NoHome));
    }
}
