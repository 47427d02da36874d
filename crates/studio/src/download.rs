//! Fetching a finished render's outputs into `renders/<job id>/`, before their temporary
//! URLs die: streamed to a `.part` file (memory stays flat), resumed with `Range` after a
//! cut, checked to be the type it claims, hashed, fsynced, then renamed into place. File
//! names come from the job id and the detected type, never from the server. The API key is
//! never sent to output hosts: the client ([`crate::outbound::Outbound::client`]) has no
//! credentials at all, and checks every hop.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use crate::random::hex;

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
    #[error(
        "not enough free space in {}: the file needs {needed} bytes and {free} are free. Free some space; the download resumes where it stopped",
        dir.display()
    )]
    NoSpace {
        needed: u64,
        free: u64,
        dir: PathBuf,
    },
    #[error("could not write {}: {source}", path.display())]
    Disk {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the file is larger than the {cap} bytes a {what} may be ({env} raises it)")]
    TooLarge {
        cap: u64,
        what: &'static str,
        env: &'static str,
    },
    #[error("the download took longer than {} s and was stopped; it resumes on the next attempt", .0.as_secs())]
    TooSlow(std::time::Duration),
}

/// How big an output may be, by kind: defaults 2 GiB for a video and 50 MiB for a frame,
/// `SEEDANCE_MAX_VIDEO_BYTES` / `SEEDANCE_MAX_IMAGE_BYTES` to change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub video: u64,
    pub image: u64,
}

/// The variables that raise the caps (read by [`crate::environment`], named in refusals).
pub const VIDEO_CAP_ENV: &str = "SEEDANCE_MAX_VIDEO_BYTES";
pub const IMAGE_CAP_ENV: &str = "SEEDANCE_MAX_IMAGE_BYTES";

impl Default for Caps {
    fn default() -> Self {
        Self {
            video: 2 * 1024 * 1024 * 1024,
            image: 50 * 1024 * 1024,
        }
    }
}

impl Caps {
    /// The cap for a download that accepts `allowed`, and how to say it.
    fn for_kinds(&self, allowed: &[Kind]) -> (u64, &'static str, &'static str) {
        if allowed.contains(&Kind::Mp4) {
            (self.video, "video", VIDEO_CAP_ENV)
        } else {
            (self.image, "frame", IMAGE_CAP_ENV)
        }
    }
}

/// Free space kept while a download of unknown size streams: below this, it stops.
const FREE_SPACE_FLOOR: u64 = 64 * 1024 * 1024;
/// How often (in bytes written) free space is looked at again when the size is unknown.
const FREE_SPACE_EVERY: u64 = 16 * 1024 * 1024;

pub use crate::content::Kind;

/// A saved output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    pub size: u64,
    /// Lower-case hex SHA-256 of the whole file.
    pub sha256: String,
    pub kind: Kind,
}

/// Free bytes on the file system that holds `dir`, if it can be told.
pub fn free_space(dir: &Path) -> Option<u64> {
    fs4::available_space(dir).ok()
}

/// How a download is bounded: the size caps, and how long one attempt may take.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub caps: Caps,
    pub attempt: std::time::Duration,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            caps: Caps::default(),
            attempt: std::time::Duration::from_secs(20 * 60),
        }
    }
}

/// [`fetch_bounded`] with the default bounds.
pub async fn fetch(
    http: &reqwest::Client,
    url: &str,
    dir: &Path,
    stem: &str,
    allowed: &[Kind],
    on_progress: impl FnMut(u64, Option<u64>),
) -> Result<Saved, DownloadError> {
    fetch_bounded(
        http,
        url,
        dir,
        stem,
        allowed,
        Bounds::default(),
        on_progress,
    )
    .await
}

/// Downloads `url` into `dir/<stem>.<ext>`, accepting only the `allowed` kinds, within
/// `bounds`: a body larger than the cap (announced or streamed) is refused, one whose first
/// bytes are not an allowed kind (an HTML page, say) is abandoned at once, free space is
/// looked at again while a body of unknown size streams, and the attempt stops after
/// `bounds.attempt`.
///
/// A `dir/<stem>.part` left by an earlier attempt is resumed with a `Range` request; only a
/// 206 that starts exactly where it was asked is appended to, anything else starts over.
/// `on_progress` gets (bytes so far, total if known).
pub async fn fetch_bounded(
    http: &reqwest::Client,
    url: &str,
    dir: &Path,
    stem: &str,
    allowed: &[Kind],
    bounds: Bounds,
    on_progress: impl FnMut(u64, Option<u64>),
) -> Result<Saved, DownloadError> {
    // What was written before the time ran out stays: the next attempt resumes it.
    tokio::time::timeout(
        bounds.attempt,
        fetch_once(http, url, dir, stem, allowed, bounds.caps, on_progress),
    )
    .await
    .unwrap_or(Err(DownloadError::TooSlow(bounds.attempt)))
}

async fn fetch_once(
    http: &reqwest::Client,
    url: &str,
    dir: &Path,
    stem: &str,
    allowed: &[Kind],
    caps: Caps,
    mut on_progress: impl FnMut(u64, Option<u64>),
) -> Result<Saved, DownloadError> {
    let (cap, what, env) = caps.for_kinds(allowed);
    let too_large = || DownloadError::TooLarge { cap, what, env };
    let disk = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DownloadError::Disk { path, source }
    };
    tokio::fs::create_dir_all(dir).await.map_err(disk(dir))?;
    let part = dir.join(format!("{stem}.part"));
    let have = tokio::fs::metadata(&part)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let mut req = http.get(url);
    if have > 0 {
        req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let res = req
        .send()
        .await
        .map_err(|e| DownloadError::Network(crate::outbound::describe(&e)))?;
    let status = res.status().as_u16();
    if matches!(status, 401 | 403 | 404 | 410) {
        return Err(DownloadError::Expired(status));
    }
    if status == 416 {
        // The part is no use against this file: start over next time.
        let _ = tokio::fs::remove_file(&part).await;
        return Err(DownloadError::Status(status));
    }
    if !res.status().is_success() {
        return Err(DownloadError::Status(status));
    }
    let resumes = status == 206
        && res
            .headers()
            .get(reqwest::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(&format!("bytes {have}-")));
    let start = if resumes { have } else { 0 };
    let total = res.content_length().map(|n| n + start);
    if total.is_some_and(|t| t > cap) {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(too_large());
    }
    if let (Some(total), Some(free)) = (total, free_space(dir)) {
        let needed = total - start;
        if needed > free {
            return Err(DownloadError::NoSpace {
                needed,
                free,
                dir: dir.to_path_buf(),
            });
        }
    }

    // Disk writes and hashing run on one blocking thread behind a small bounded queue, so
    // the network is never waiting on the file system and memory stays flat.
    let (tx, rx) = tokio::sync::mpsc::channel::<bytes::Bytes>(8);
    let writer_part = part.clone();
    let writer = tokio::task::spawn_blocking(move || write_and_hash(&writer_part, resumes, rx));
    let mut size = start;
    let mut stream = res.bytes_stream();
    let mut failed = None;
    // A fresh body is judged by its first bytes, before it is written out at length.
    let mut head: Vec<u8> = Vec::new();
    let mut judged = start > 0;
    let mut next_space_check = FREE_SPACE_EVERY;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                failed = Some(DownloadError::Network(crate::outbound::describe(&e)));
                break;
            }
        };
        size += chunk.len() as u64;
        if size > cap {
            failed = Some(too_large());
            break;
        }
        if !judged {
            head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len().min(16))]);
            if head.len() >= 12 {
                judged = true;
                if !Kind::sniff(&head).is_some_and(|k| allowed.contains(&k.saved_as())) {
                    failed = Some(DownloadError::WrongType {
                        expected: allowed.first().map_or("file", |k| k.extension()),
                        found: head.clone(),
                    });
                    break;
                }
            }
        }
        if total.is_none() && size - start >= next_space_check {
            next_space_check += FREE_SPACE_EVERY;
            if let Some(free) = free_space(dir).filter(|f| *f < FREE_SPACE_FLOOR) {
                failed = Some(DownloadError::NoSpace {
                    needed: FREE_SPACE_FLOOR,
                    free,
                    dir: dir.to_path_buf(),
                });
                break;
            }
        }
        if tx.send(chunk).await.is_err() {
            break; // the writer failed; its error is reported below
        }
        on_progress(size, total);
    }
    drop(tx);
    let (head, sha256) = writer
        .await
        .map_err(|e| DownloadError::Network(crate::outbound::describe(&e)))??;
    if let Some(e) = failed {
        // What is not the file, or too much of it, is of no use to a later attempt.
        if matches!(
            e,
            DownloadError::WrongType { .. } | DownloadError::TooLarge { .. }
        ) {
            let _ = tokio::fs::remove_file(&part).await;
        }
        return Err(e);
    }
    if let Some(total) = total
        && size != total
    {
        return Err(DownloadError::Network(format!(
            "the body ended after {size} of {total} bytes"
        )));
    }
    let Some(kind) = Kind::sniff(&head)
        .map(Kind::saved_as)
        .filter(|k| allowed.contains(k))
    else {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(DownloadError::WrongType {
            expected: allowed.first().map_or("file", |k| k.extension()),
            found: head,
        });
    };
    let path = dir.join(format!("{stem}.{}", kind.extension()));
    tokio::fs::rename(&part, &path).await.map_err(disk(&path))?;
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
    Ok(Saved {
        path,
        size,
        sha256,
        kind,
    })
}

/// Appends the queued chunks to `part` (after hashing what it already holds, when
/// resuming), fsyncs it, and returns its first bytes and its SHA-256.
fn write_and_hash(
    part: &Path,
    resumes: bool,
    mut chunks: tokio::sync::mpsc::Receiver<bytes::Bytes>,
) -> Result<(Vec<u8>, String), DownloadError> {
    use std::io::{Read, Write};
    let disk = |source| DownloadError::Disk {
        path: part.to_path_buf(),
        source,
    };
    // ring's SHA-256 (already built for TLS) uses the CPU's SHA instructions.
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    let mut head = Vec::with_capacity(16);
    // One writer per `.part`, whatever process: the lock is taken before anything is
    // truncated or appended, and held until the file is synced.
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(part)
        .map_err(disk)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(DownloadError::Network(
                "another process is writing this download; it is left to it".into(),
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(disk(e)),
    }
    if resumes {
        let mut existing = std::fs::File::open(part).map_err(disk)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = existing.read(&mut buf).map_err(disk)?;
            if n == 0 {
                break;
            }
            if head.len() < 16 {
                head.extend_from_slice(&buf[..n.min(16 - head.len())]);
            }
            hasher.update(&buf[..n]);
        }
    } else {
        file.set_len(0).map_err(disk)?;
    }
    let mut file = file;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(disk)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    while let Some(chunk) = chunks.blocking_recv() {
        if head.len() < 16 {
            head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
        }
        hasher.update(&chunk);
        out.write_all(&chunk).map_err(disk)?;
    }
    let file = out.into_inner().map_err(|e| disk(e.into_error()))?;
    file.sync_all().map_err(disk)?;
    Ok((head, hex(hasher.finish().as_ref())))
}
