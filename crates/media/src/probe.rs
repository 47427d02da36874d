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
pub(crate) fn codec_name(caps: &gst::Caps) -> String {
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
