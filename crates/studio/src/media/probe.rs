//! What a video file holds, read by GStreamer's discoverer: its size, frame rate, duration,
//! codecs (and their exact parameters, which decide whether pieces can be joined without
//! re-encoding) and tags. A probe reads the container's headers and a few frames: it takes
//! milliseconds.

use std::path::Path;

use gstreamer as gst;
use gstreamer_pbutils as pbutils;
use pbutils::prelude::*;
use serde::Serialize;

use super::{MediaError, file_uri, init};

/// How long the discoverer may take over one file before giving up.
const PROBE_TIMEOUT: gst::ClockTime = gst::ClockTime::from_seconds(15);

/// What a video file holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    pub width: u32,
    pub height: u32,
    /// Frames per second as a fraction (24/1, 30000/1001).
    pub fps_num: u32,
    pub fps_den: u32,
    pub duration_s: f64,
    /// Short codec names: `h264`, `hevc`, `vp9`, `av1`, `aac`, `opus`, …
    pub video_codec: String,
    pub audio_codec: Option<String>,
    /// The video and audio streams' caps in full (codec data included): two pieces can be
    /// joined without re-encoding only when these are equal.
    #[serde(skip)]
    pub video_caps: String,
    #[serde(skip)]
    pub audio_caps: Option<String>,
    /// The container's comment tag (where an assembled cut keeps its provenance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Probe {
    pub fn has_audio(&self) -> bool {
        self.audio_codec.is_some()
    }

    pub fn fps(&self) -> f64 {
        f64::from(self.fps_num) / f64::from(self.fps_den.max(1))
    }

    /// How many whole frames it holds.
    pub fn frames(&self) -> u64 {
        (self.duration_s * self.fps()).round() as u64
    }
}

/// Probes the video file at `path`.
pub fn probe(path: &Path) -> Result<Probe, MediaError> {
    init()?;
    if !path.is_file() {
        return Err(MediaError::Missing(path.to_path_buf()));
    }
    let unreadable = |message: String| MediaError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let discoverer =
        pbutils::Discoverer::new(PROBE_TIMEOUT).map_err(|e| unreadable(e.to_string()))?;
    let info = discoverer
        .discover_uri(&file_uri(path)?)
        .map_err(|e| unreadable(e.to_string()))?;
    let video = info
        .video_streams()
        .into_iter()
        .find(|v| !v.is_image())
        .ok_or_else(|| MediaError::NoVideo(path.to_path_buf()))?;
    let audio = info.audio_streams().into_iter().next();
    let video_caps = video
        .caps()
        .ok_or_else(|| unreadable("its video has no caps".into()))?;
    let audio_caps = audio.as_ref().and_then(|a| a.caps());
    let framerate = video.framerate();
    let (fps_num, fps_den) = match (framerate.numer(), framerate.denom()) {
        (n, d) if n > 0 && d > 0 => (n as u32, d as u32),
        // A variable frame rate: say 24, the service's rate.
        _ => (24, 1),
    };
    let tags = info.tags();
    let tag_string =
        |get: fn(&gst::TagListRef) -> Option<String>| tags.as_ref().and_then(|t| get(t));
    Ok(Probe {
        width: video.width(),
        height: video.height(),
        fps_num,
        fps_den,
        duration_s: info
            .duration()
            .map(|d| d.nseconds() as f64 / 1e9)
            .unwrap_or(0.0),
        video_codec: codec_name(&video_caps),
        audio_codec: audio_caps.as_ref().map(codec_name),
        video_caps: video_caps.to_string(),
        audio_caps: audio_caps.map(|c| c.to_string()),
        comment: tag_string(|t| t.get::<gst::tags::Comment>().map(|v| v.get().to_string())),
        title: tag_string(|t| t.get::<gst::tags::Title>().map(|v| v.get().to_string())),
    })
}

/// A codec's short name from its caps.
fn codec_name(caps: &gst::Caps) -> String {
    let Some(s) = caps.structure(0) else {
        return "unknown".into();
    };
    match s.name().as_str() {
        "video/x-h264" => "h264".into(),
        "video/x-h265" => "hevc".into(),
        "video/x-vp8" => "vp8".into(),
        "video/x-vp9" => "vp9".into(),
        "video/x-av1" => "av1".into(),
        "audio/mpeg" => match s.get::<i32>("mpegversion") {
            Ok(2 | 4) => "aac".into(),
            _ => "mp3".into(),
        },
        "audio/x-opus" => "opus".into(),
        "audio/x-vorbis" => "vorbis".into(),
        "audio/x-raw" => "pcm".into(),
        other => other
            .rsplit('/')
            .next()
            .unwrap_or(other)
            .trim_start_matches("x-")
            .to_string(),
    }
}

/// When the video stream of `path` starts and ends (its first frame's start, its last
/// frame's end, in nanoseconds on the file's own timeline). Containers report their longest
/// stream, audio usually runs a little past the picture, and encoders that reorder frames
/// may start it a few frames in. Read by demuxing without decoding (milliseconds).
pub fn video_span(path: &Path) -> Result<VideoSpan, MediaError> {
    use gst::prelude::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    init()?;
    let pipeline = gst::Pipeline::new();
    let source = gst::ElementFactory::make("filesrc")
        .property("location", path.to_string_lossy().as_ref())
        .build()
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    let parse = gst::ElementFactory::make("parsebin")
        .build()
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    pipeline
        .add_many([&source, &parse])
        .and_then(|()| source.link(&parse).map_err(|e| glib_bool(e.to_string())))
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    let end = Arc::new(AtomicU64::new(0));
    let start = Arc::new(AtomicU64::new(u64::MAX));
    let (seen, first) = (end.clone(), start.clone());
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
        let video = pad
            .current_caps()
            .and_then(|c| c.structure(0).map(|s| s.name().starts_with("video/")))
            .unwrap_or(false);
        if video {
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
        }
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
    match (start.load(Ordering::Relaxed), end.load(Ordering::Relaxed)) {
        (start, end) if end > start => Ok(VideoSpan {
            start_ns: start,
            end_ns: end,
        }),
        _ => Err(MediaError::NoVideo(path.to_path_buf())),
    }
}

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

fn glib_bool(message: String) -> gst::glib::BoolError {
    gst::glib::bool_error!("{}", message)
}
