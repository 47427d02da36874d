//! Clips of a given shape made from GStreamer's test sources: a moving pattern at a size,
//! frame rate and length, H.264 in MP4, with a tone as AAC audio or none. The tests assemble
//! these (the service's own clips are all alike), and the benchmark times them.

use std::path::Path;

use gst::prelude::*;
use gstreamer as gst;

use super::{MediaError, first_element, run_to_end};

/// The shape of a clip to make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClipShape {
    pub width: u32,
    pub height: u32,
    /// Whole frames per second.
    pub fps: u32,
    pub frames: u32,
    pub audio: bool,
    /// Which test pattern (GStreamer's `videotestsrc` numbering) so clips look apart.
    pub pattern: u32,
}

/// Writes a clip of `shape` to `path` (an MP4, H.264 and AAC).
pub fn make_clip(path: &Path, shape: ClipShape) -> Result<(), MediaError> {
    if shape.fps == 0 || shape.frames == 0 || shape.width < 2 || shape.height < 2 {
        return Err(MediaError::Invalid(format!(
            "no clip can have the shape {shape:?}"
        )));
    }
    let video_encoder = first_element(
        &["x264enc", "openh264enc"],
        "H.264 encoding",
        "gstreamer1.0-plugins-ugly",
    )?;
    let encoder = match video_encoder {
        // A key frame every second, as services deliver.
        "x264enc" => format!(
            "x264enc speed-preset=ultrafast key-int-max={} bframes=0",
            shape.fps
        ),
        other => other.to_string(),
    };
    let mut description = format!(
        "videotestsrc pattern={pattern} num-buffers={frames} ! \
         video/x-raw,format=I420,width={w},height={h},framerate={fps}/1,pixel-aspect-ratio=1/1 ! \
         {encoder} ! h264parse ! mp4mux name=mux faststart=true ! filesink name=sink",
        pattern = shape.pattern,
        frames = shape.frames,
        w = shape.width,
        h = shape.height,
        fps = shape.fps,
    );
    if shape.audio {
        let audio_encoder = first_element(
            &["avenc_aac", "voaacenc", "fdkaacenc"],
            "AAC encoding",
            "gstreamer1.0-libav",
        )?;
        // One audio buffer per video frame, so both streams are as long.
        let rate = 48_000;
        if rate % shape.fps != 0 {
            return Err(MediaError::Invalid(format!(
                "{} fps does not divide 48 kHz",
                shape.fps
            )));
        }
        description.push_str(&format!(
            " audiotestsrc wave=sine freq=440 volume=0.2 samplesperbuffer={spb} num-buffers={frames} ! \
             audio/x-raw,rate={rate},channels=2 ! audioconvert ! {audio_encoder} ! aacparse ! mux.",
            spb = rate / shape.fps,
            frames = shape.frames,
        ));
    }
    let pipeline = gst::parse_launch(&description)
        .map_err(|e| MediaError::Pipeline(e.to_string()))?
        .downcast::<gst::Pipeline>()
        .map_err(|_| MediaError::Pipeline("not a pipeline".into()))?;
    let sink = pipeline
        .by_name("sink")
        .expect("the description names its sink");
    sink.set_property("location", path);
    run_to_end(&pipeline, |_| true)
}
