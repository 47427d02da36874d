//! Where a render's files live, built in one place so that no path the app writes, serves,
//! cleans up or deletes can leave `renders/`.
//!
//! A render's files are `renders/<render id>/<name>`. Render ids are made locally
//! ([`crate::job::new_job_id`]), but an imported export file carries ids and paths of its
//! own, so ids are checked here, never trusted. File names are fixed ([`VIDEO`],
//! [`LAST_FRAME`] plus the extension of the detected type); nothing a server sends (URL
//! paths, headers) ever becomes part of a path.

use std::path::{Component, Path, PathBuf};

use crate::download::Kind;

/// The stem of a render's video file.
pub const VIDEO: &str = "video";
/// The stem of a render's last frame.
pub const LAST_FRAME: &str = "last-frame";

/// The longest render id accepted.
const MAX_ID_LEN: usize = 64;

/// A render id that cannot name a folder of its own under `renders/`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a render id: 1–{MAX_ID_LEN} ASCII letters, digits, - and _, starting with a letter or digit"
)]
pub struct NotARenderId(pub String);

/// Whether `id` is usable as a render's folder name: `[A-Za-z0-9][A-Za-z0-9_-]{0,63}`.
/// That rules out `.`, `..`, separators, NUL and anything a file system might reinterpret.
pub fn is_render_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= MAX_ID_LEN
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The folder that holds every render's files.
pub fn renders_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("renders")
}

/// The folder of render `id`: always a direct child of [`renders_dir`].
pub fn render_dir(data_dir: &Path, id: &str) -> Result<PathBuf, NotARenderId> {
    if is_render_id(id) {
        Ok(renders_dir(data_dir).join(id))
    } else {
        Err(NotARenderId(id.to_string()))
    }
}

/// The file names this app writes in a render's folder.
pub fn file_names() -> impl Iterator<Item = String> {
    [
        (VIDEO, Kind::Mp4),
        (LAST_FRAME, Kind::Jpeg),
        (LAST_FRAME, Kind::Png),
    ]
    .into_iter()
    .map(|(stem, kind)| format!("{stem}.{}", kind.extension()))
}

/// Where a file named in an export belongs in this data folder: an exported
/// `…/<id>/<name>` becomes `renders/<id>/<name>` when `<id>` is the render's own id and
/// `<name>` a name this app writes. Anything else (other folders, `..`, other names) gives
/// `None`: the render is imported without that file.
pub fn rebase(data_dir: &Path, id: &str, exported: &str) -> Option<PathBuf> {
    let dir = render_dir(data_dir, id).ok()?;
    let mut parts = Path::new(exported).components().rev();
    let name = match parts.next()? {
        Component::Normal(name) => name.to_str()?,
        _ => return None,
    };
    let folder = match parts.next()? {
        Component::Normal(folder) => folder.to_str()?,
        _ => return None,
    };
    (folder == id && file_names().any(|n| n == name)).then(|| dir.join(name))
}

/// The size and SHA-256 (lower-case hex) of the file at `path`, read in one pass.
pub fn sha256_of(path: &Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        digest.update(&buffer[..n]);
    }
    Ok((total, crate::random::hex(digest.finish().as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Strings built from the pieces path attacks are made of.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("..".to_string()),
            Just(".".to_string()),
            Just("/".to_string()),
            Just("\\".to_string()),
            Just("\0".to_string()),
            Just("%2e%2e%2f".to_string()),
            Just("~".to_string()),
            Just("renders".to_string()),
            Just("video.mp4".to_string()),
            Just("ｊ".to_string()),
            "[a-z0-9_-]{1,8}",
            any::<String>(),
        ];
        prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
    }

    /// `path` is `root` plus exactly `depth` plain components.
    fn directly_under(path: &Path, root: &Path, depth: usize) -> bool {
        path.strip_prefix(root).is_ok_and(|rest| {
            rest.components().count() == depth
                && rest.components().all(|c| matches!(c, Component::Normal(_)))
        })
    }

    proptest! {
        #[test]
        fn a_render_folder_is_always_a_direct_child_of_renders(id in prop_oneof![hostile(), any::<String>()]) {
            let data = Path::new("/data");
            match render_dir(data, &id) {
                Ok(dir) => {
                    prop_assert!(is_render_id(&id));
                    prop_assert!(directly_under(&dir, &renders_dir(data), 1), "{dir:?}");
                    prop_assert_eq!(dir.file_name().and_then(|n| n.to_str()), Some(id.as_str()));
                }
                Err(NotARenderId(refused)) => {
                    prop_assert!(!is_render_id(&id));
                    prop_assert_eq!(refused, id);
                }
            }
        }

        #[test]
        fn exported_paths_land_in_the_render_folder_or_nowhere(
            id in prop_oneof![hostile(), "[a-z0-9]{1,12}"],
            exported in prop_oneof![
                hostile(),
                (hostile(), "[a-z0-9]{1,12}").prop_map(|(a, b)| format!("{a}/{b}/video.mp4")),
            ],
        ) {
            let data = Path::new("/data");
            if let Some(path) = rebase(data, &id, &exported) {
                let dir = render_dir(data, &id).expect("only a valid id gives a path");
                prop_assert!(directly_under(&path, &dir, 1), "{path:?}");
                let name = path.file_name().unwrap().to_str().unwrap().to_string();
                prop_assert!(file_names().any(|n| n == name), "{name}");
            }
        }

        #[test]
        fn every_new_job_id_is_a_render_id(now in 0i64..(1i64 << 44)) {
            prop_assert!(is_render_id(&crate::job::new_job_id(now)));
        }
    }

    #[test]
    fn ids_that_name_other_places_are_refused() {
        for id in [
            "", ".", "..", "../x", "a/b", "/etc", "a\\b", "a\0b", "-rf", "_x", ".hidden", "ｊ1",
            "a b", "x.mp4",
        ] {
            assert!(render_dir(Path::new("/data"), id).is_err(), "{id:?}");
        }
        assert!(render_dir(Path::new("/data"), &"a".repeat(65)).is_err());
        assert_eq!(
            render_dir(Path::new("/data"), "j0191a2b3c4d5e6f7a8").unwrap(),
            Path::new("/data/renders/j0191a2b3c4d5e6f7a8")
        );
    }

    #[test]
    fn exported_paths_are_moved_into_this_data_folder() {
        let data = Path::new("/home/me/data");
        assert_eq!(
            rebase(data, "j1", "/other/machine/renders/j1/video.mp4"),
            Some(PathBuf::from("/home/me/data/renders/j1/video.mp4"))
        );
        assert_eq!(
            rebase(data, "j1", "C:/x/renders/j1/last-frame.png"),
            Some(PathBuf::from("/home/me/data/renders/j1/last-frame.png"))
        );
        for hostile in [
            "/other/renders/j2/video.mp4",
            "/other/renders/j1/../j1/video.mp4/..",
            "/other/renders/j1/evil.sh",
            "/other/renders/j1/",
            "video.mp4",
            "../../j1/..",
            "",
        ] {
            assert_eq!(rebase(data, "j1", hostile), None, "{hostile:?}");
        }
        assert_eq!(rebase(data, "..", "/x/../video.mp4"), None);
    }
}
