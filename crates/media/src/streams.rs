//! What the cut needs to know of a file, read in one demuxing pass without decoding: its
//! streams' exact caps (the codec data decides whether pieces can be joined as they are)
//! and where its picture starts and ends. Containers report their longest stream, audio
//! usually runs a little past the picture, and encoders that reorder frames may start it a
//! few frames in: only the demuxed frames say where the picture is.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gst::prelude::*;
use gstreamer as gst;

use super::probe::{Probe, codec_name};
use super::{MediaError, init};

/// Where a file's picture starts and ends on its own timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoSpan {
    pub start_ns: u64,
    pub end_ns: u64,
}

impl VideoSpan {
    /// How long the picture lasts.
    pub fn length_ns(&self) -> u64 {
        self.end_ns - self.start_ns
    }

    pub fn seconds(&self) -> f64 {
        self.length_ns() as f64 / 1e9
    }
}

/// A file's first video and audio streams and its picture's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Streams {
    pub video_caps: gst::Caps,
    pub audio_caps: Option<gst::Caps>,
    pub span: VideoSpan,
}

impl Streams {
    /// What the caps say, as a probe would (no tags: those need the discoverer).
    pub fn probe(&self) -> Probe {
        let s = self.video_caps.structure(0);
        let int = |name: &str| s.and_then(|s| s.get::<i32>(name).ok()).unwrap_or(0).max(0) as u32;
        let (fps_num, fps_den) = s
            .and_then(|s| s.get::<gst::Fraction>("framerate").ok())
            .filter(|f| f.numer() > 0 && f.denom() > 0)
            .map_or((24, 1), |f| (f.numer() as u32, f.denom() as u32));
        Probe {
            width: int("width"),
            height: int("height"),
            fps_num,
            fps_den,
            duration_s: self.span.seconds(),
            video_codec: codec_name(&self.video_caps),
            audio_codec: self.audio_caps.as_ref().map(codec_name),
            video_caps: self.video_caps.to_string(),
            audio_caps: self.audio_caps.as_ref().map(|c| c.to_string()),
            comment: None,
            title: None,
        }
    }
}

/// Whether `path` starts like an ISO base media file (MP4, QuickTime): a box of a known type.
fn is_mp4(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| {
            matches!(
                &head[4..8],
                b"ftyp" | b"moov" | b"mdat" | b"free" | b"wide" | b"skip"
            )
        })
}

/// The picture's span of the video at `path`.
pub fn video_span(path: &Path) -> Result<VideoSpan, MediaError> {
    streams(path).map(|s| s.span)
}

/// Reads `path`'s streams and its picture's span by demuxing and parsing it.
pub fn streams(path: &Path) -> Result<Streams, MediaError> {
    init()?;
    if !path.is_file() {
        return Err(MediaError::Missing(path.to_path_buf()));
    }
    let failed = |e: &dyn std::fmt::Display| MediaError::Pipeline(e.to_string());
    let pipeline = gst::Pipeline::new();
    let source = gst::ElementFactory::make("filesrc")
        .property("location", path.to_string_lossy().as_ref())
        .build()
        .map_err(|e| failed(&e))?;
    // MP4 and QuickTime (what the service delivers and the cut writes) are only demuxed;
    // anything else goes through parsebin, which finds its demuxer and parsers.
    let parse = gst::ElementFactory::make(if is_mp4(path) { "qtdemux" } else { "parsebin" })
        .build()
        .map_err(|e| failed(&e))?;
    pipeline
        .add_many([&source, &parse])
        .map_err(|e| failed(&e))?;
    source.link(&parse).map_err(|e| failed(&e))?;
    let end = Arc::new(AtomicU64::new(0));
    let start = Arc::new(AtomicU64::new(u64::MAX));
    let caps: Arc<Mutex<(Option<gst::Caps>, Option<gst::Caps>)>> = Arc::default();
    let (seen, first, found) = (end.clone(), start.clone(), caps.clone());
    let bin = pipeline.downgrade();
    parse.connect_pad_added(move |_, pad| {
        let Some(pipeline) = bin.upgrade() else {
            return;
        };
        // Not waiting to preroll: one demuxer thread feeds every stream, so a sink that
        // held its first buffer would starve the others.
        let Ok(sink) = gst::ElementFactory::make("fakesink")
            .property("sync", false)
            .property("async", false)
            .build()
        else {
            return;
        };
        let pad_caps = pad.current_caps();
        let kind = pad_caps
            .as_ref()
            .and_then(|c| c.structure(0).map(|s| s.name().to_string()))
            .unwrap_or_default();
        let mut slots = found.lock().expect("never poisoned");
        if kind.starts_with("video/") && slots.0.is_none() {
            slots.0 = pad_caps;
            let (seen, first) = (seen.clone(), first.clone());
            pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
                if let Some(buffer) = info.buffer()
                    && let Some(pts) = buffer.pts()
                {
                    let end = pts + buffer.duration().unwrap_or(gst::ClockTime::ZERO);
                    seen.fetch_max(end.nseconds(), Ordering::Relaxed);
                    first.fetch_min(pts.nseconds(), Ordering::Relaxed);
                }
                gst::PadProbeReturn::Ok
            });
        } else if kind.starts_with("audio/") && slots.1.is_none() {
            slots.1 = pad_caps;
        }
        drop(slots);
        if pipeline.add(&sink).is_ok() {
            let _ = sink.sync_state_with_parent();
            let _ = pad.link(&sink.static_pad("sink").expect("a fakesink has a sink"));
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    super::run_to_end(&pipeline, |_| std::time::Instant::now() < deadline).map_err(|e| {
        MediaError::Unreadable {
            path: path.to_path_buf(),
            message: match e {
                MediaError::Cancelled => "reading it took over a minute".to_string(),
                e => e.to_string(),
            },
        }
    })?;
    let (video_caps, audio_caps) = caps.lock().expect("never poisoned").clone();
    match (
        video_caps,
        start.load(Ordering::Relaxed),
        end.load(Ordering::Relaxed),
    ) {
        (Some(video_caps), start, end) if end > start => Ok(Streams {
            video_caps,
            audio_caps,
            span: VideoSpan {
                start_ns: start,
                end_ns: end,
            },
        }),
        _ => Err(MediaError::NoVideo(path.to_path_buf())),
    }
}
