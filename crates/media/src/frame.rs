//! One frame of a video as an image: the file decoded up to the nearest frame at a time
//! (an accurate seek) and converted to RGB. Previews of assembled cuts are made from it,
//! and the tests look at pixels with it (where a piece was padded, what a crossfade mixed).

use std::path::Path;

use gst::prelude::*;
use gstreamer as gst;

use super::{MediaError, file_uri, init};

/// The frame of `path` shown at `at_s` seconds.
pub fn frame_at(path: &Path, at_s: f64) -> Result<image::RgbImage, MediaError> {
    init()?;
    if !path.is_file() {
        return Err(MediaError::Missing(path.to_path_buf()));
    }
    let pipeline_error = |e: &dyn std::fmt::Display| MediaError::Pipeline(e.to_string());
    let playbin = gst::ElementFactory::make("playbin")
        .property("uri", file_uri(path)?)
        .build()
        .map_err(|e| pipeline_error(&e))?;
    playbin.set_property_from_str("flags", "video");
    let grab = gst::parse_bin_from_description(
        "videoconvert ! videoscale ! appsink name=grab sync=false \
         caps=video/x-raw,format=RGB,pixel-aspect-ratio=1/1",
        true,
    )
    .map_err(|e| pipeline_error(&e))?;
    let sink = grab
        .by_name("grab")
        .expect("the description names its sink");
    playbin.set_property("video-sink", &grab);
    let pipeline = playbin
        .downcast::<gst::Pipeline>()
        .map_err(|_| MediaError::Pipeline("playbin is not a pipeline".into()))?;
    let outcome = (|| {
        pipeline
            .set_state(gst::State::Paused)
            .map_err(|e| pipeline_error(&e))?;
        settle(&pipeline)?;
        let at = gst::ClockTime::from_nseconds((at_s.max(0.0) * 1e9) as u64);
        pipeline
            .seek_simple(gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE, at)
            .map_err(|e| pipeline_error(&e))?;
        settle(&pipeline)?;
        let sample = sink
            .emit_by_name::<Option<gst::Sample>>("pull-preroll", &[])
            .ok_or_else(|| MediaError::Pipeline("no frame at that time".into()))?;
        rgb_of(&sample)
    })();
    let _ = pipeline.set_state(gst::State::Null);
    outcome.map_err(|e| match e {
        MediaError::Pipeline(message) => MediaError::Unreadable {
            path: path.to_path_buf(),
            message,
        },
        other => other,
    })
}

/// Waits for the pipeline to preroll (or fail).
fn settle(pipeline: &gst::Pipeline) -> Result<(), MediaError> {
    let bus = pipeline.bus().expect("a pipeline has a bus");
    let message = bus
        .timed_pop_filtered(
            gst::ClockTime::from_seconds(15),
            &[gst::MessageType::AsyncDone, gst::MessageType::Error],
        )
        .ok_or_else(|| MediaError::Pipeline("decoding a frame took over 15 s".into()))?;
    match message.view() {
        gst::MessageView::Error(e) => Err(MediaError::Pipeline(e.error().to_string())),
        _ => Ok(()),
    }
}

fn rgb_of(sample: &gst::Sample) -> Result<image::RgbImage, MediaError> {
    let caps = sample
        .caps()
        .and_then(|c| c.structure(0).map(|s| s.to_owned()))
        .ok_or_else(|| MediaError::Pipeline("a frame without caps".into()))?;
    let (width, height) = (
        caps.get::<i32>("width").unwrap_or(0) as u32,
        caps.get::<i32>("height").unwrap_or(0) as u32,
    );
    let buffer = sample
        .buffer()
        .ok_or_else(|| MediaError::Pipeline("a frame without data".into()))?;
    let map = buffer
        .map_readable()
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    // GStreamer pads RGB rows to four bytes.
    let stride = ((width * 3 + 3) & !3) as usize;
    let row = (width * 3) as usize;
    if map.len() < stride * height as usize || width == 0 {
        return Err(MediaError::Pipeline("a frame shorter than its size".into()));
    }
    let mut pixels = Vec::with_capacity(row * height as usize);
    for line in map.chunks(stride).take(height as usize) {
        pixels.extend_from_slice(&line[..row]);
    }
    image::RgbImage::from_raw(width, height, pixels)
        .ok_or_else(|| MediaError::Pipeline("a frame shorter than its size".into()))
}
