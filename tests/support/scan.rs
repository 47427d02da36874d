//! Searching a folder for a secret, byte for byte, in every file under it.

use std::path::Path;

/// Every file under `dir` (recursively) that contains `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}
