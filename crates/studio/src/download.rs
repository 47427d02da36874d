//! Fetching a finished render's outputs into `renders/<job id>/`, before their temporary
//! URLs die: streamed to a `.part` file (memory stays flat), fsynced, then renamed into
//! place. File names come from the job id and the detected type, never from the server.
//! The API key is never sent to output hosts: this client has no credentials at all.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

/// Why a download did not finish.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The URL is dead (401/403/404/410): the output is gone for good.
    #[error("the output URL no longer works (HTTP {0}); the file can no longer be fetched")]
    Expired(u16),
    #[error("the download failed: {0}")]
    Network(String),
    #[error("the download was refused: HTTP {0}")]
    Status(u16),
    #[error("the file is not a {expected}: it starts with {found:02x?}")]
    WrongType {
        expected: &'static str,
        found: Vec<u8>,
    },
    #[error("could not write {path}: {source}")]
    Disk {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The one HTTP client for output hosts: no auth, timeouts, the app's User-Agent.
pub fn output_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(seedance_api::client::user_agent())
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(60))
        .build()
        .expect("a client without custom TLS always builds")
}

/// What a downloaded file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mp4,
    Jpeg,
    Png,
}

impl Kind {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mp4 => "mp4",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// Recognises a file by its first bytes.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.len() >= 8 && &head[4..8] == b"ftyp" {
            Some(Self::Mp4)
        } else if head.starts_with(b"\xFF\xD8\xFF") {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }
}

/// Downloads `url` into `dir/<stem>.<ext>`, accepting only the `allowed` kinds. Returns the
/// final path and its size.
pub async fn fetch(
    http: &reqwest::Client,
    url: &str,
    dir: &Path,
    stem: &str,
    allowed: &[Kind],
    mut on_chunk: impl FnMut(u64),
) -> Result<(PathBuf, u64), DownloadError> {
    let disk = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DownloadError::Disk { path, source }
    };
    tokio::fs::create_dir_all(dir).await.map_err(disk(dir))?;
    let res = http
        .get(url)
        .send()
        .await
        .map_err(|e| DownloadError::Network(e.to_string()))?;
    let status = res.status().as_u16();
    if matches!(status, 401 | 403 | 404 | 410) {
        return Err(DownloadError::Expired(status));
    }
    if !res.status().is_success() {
        return Err(DownloadError::Status(status));
    }
    let part = dir.join(format!("{stem}.part"));
    let mut file = tokio::fs::File::create(&part).await.map_err(disk(&part))?;
    let mut stream = res.bytes_stream();
    let mut head = Vec::with_capacity(16);
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| DownloadError::Network(e.to_string()))?;
        if head.len() < 16 {
            head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
        }
        file.write_all(&chunk).await.map_err(disk(&part))?;
        size += chunk.len() as u64;
        on_chunk(size);
    }
    let kind = Kind::sniff(&head)
        .filter(|k| allowed.contains(k))
        .ok_or_else(|| DownloadError::WrongType {
            expected: allowed.first().map_or("file", |k| k.extension()),
            found: head.clone(),
        })?;
    file.sync_all().await.map_err(disk(&part))?;
    drop(file);
    let path = dir.join(format!("{stem}.{}", kind.extension()));
    tokio::fs::rename(&part, &path).await.map_err(disk(&path))?;
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
    Ok((path, size))
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn files_are_named_by_what_they_are() {
        assert_eq!(Kind::sniff(b"\0\0\0\x20ftypisom"), Some(Kind::Mp4));
        assert_eq!(Kind::sniff(b"\xFF\xD8\xFF\xE0"), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n"), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"<html>"), None);
    }
}
