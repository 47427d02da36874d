//! Pieces rendered anew through GStreamer Editing Services: one layer of clips (each its in
//! point and length), overlapping where a crossfade joins two (the layer's automatic
//! transitions fade picture and sound), on tracks restricted to the canvas: its size (GES
//! fits each clip inside, keeping its aspect, and pads the rest), its frame rate, 48 kHz
//! stereo; where a clip has no audio the track's gap is silence. Encoded as H.264 and AAC in
//! MP4 by `encodebin`, which picks this machine's best encoders (x264, else openh264).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ges::prelude::*;
use gstreamer as gst;
use gstreamer_editing_services as ges;
use gstreamer_pbutils as pbutils;

use super::assemble::{Canvas, Placed, Progress, Provenance, frames_ns};
use super::copy::{tag, watch_running_time};
use super::{MediaError, file_uri, first_element, run_to_end};

/// x264's constant-quality setting (its scale: lower is better; 23 is ffmpeg's default).
const QUALITY: u32 = 23;

/// Renders `placed` on `canvas` into `part`; returns how long the timeline lasts.
pub(crate) fn render(
    placed: &[Placed],
    canvas: Canvas,
    provenance: &Provenance,
    part: &Path,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<u64, MediaError> {
    first_element(
        &["x264enc", "openh264enc"],
        "H.264 encoding",
        "gstreamer1.0-plugins-ugly",
    )?;
    first_element(
        &["avenc_aac", "voaacenc", "fdkaacenc"],
        "AAC encoding",
        "gstreamer1.0-libav",
    )?;
    first_element(&["mp4mux"], "MP4 muxing", "gstreamer1.0-plugins-good")?;
    let timeline = ges::Timeline::new_audio_video();
    for track in timeline.tracks() {
        let caps = if track.track_type().contains(ges::TrackType::VIDEO) {
            gst::Caps::builder("video/x-raw")
                .field("width", canvas.width as i32)
                .field("height", canvas.height as i32)
                .field("framerate", gst::Fraction::new(canvas.fps as i32, 1))
                .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
                .build()
        } else {
            gst::Caps::builder("audio/x-raw")
                .field("rate", 48_000i32)
                .field("channels", 2i32)
                .build()
        };
        track.set_restriction_caps(&caps);
    }
    timeline.set_auto_transition(true);
    let layer = timeline.append_layer();
    let on_canvas = |ns: u64| {
        let frames = (ns as f64 * f64::from(canvas.fps) / 1e9).round() as u64;
        frames_ns(frames, canvas.fps, 1)
    };
    let mut start = 0u64;
    for piece in placed {
        let asset = ges::UriClipAsset::request_sync(&file_uri(&piece.path)?).map_err(|e| {
            MediaError::Unreadable {
                path: piece.path.clone(),
                message: e.to_string(),
            }
        })?;
        let length = on_canvas(piece.length_ns());
        layer
            .add_asset(
                &asset,
                gst::ClockTime::from_nseconds(start),
                gst::ClockTime::from_nseconds(piece.in_ns),
                gst::ClockTime::from_nseconds(length),
                ges::TrackType::UNKNOWN,
            )
            .map_err(|e| MediaError::Pipeline(format!("{}: {e}", piece.path.display())))?;
        start += length - on_canvas(piece.overlap_ns).min(length);
    }
    if !timeline.commit_sync() {
        tracing::debug!("the cut's timeline had nothing to commit");
    }
    let total_ns = timeline.duration().nseconds();

    let pipeline = ges::Pipeline::new();
    pipeline
        .set_timeline(&timeline)
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    // Watched before the render settings are set: they add the encoder and the muxer.
    let done: Arc<Mutex<Option<Arc<AtomicU64>>>> = Arc::default();
    let provenance = provenance.clone();
    let seen = done.clone();
    pipeline.connect_deep_element_added(move |_, _, element| {
        let Some(factory) = element.factory() else {
            return;
        };
        match factory.name().as_str() {
            "x264enc" => {
                element.set_property_from_str("pass", "qual");
                element.set_property("quantizer", QUALITY);
                element.set_property_from_str("speed-preset", "medium");
                watch(element, &seen);
            }
            "openh264enc" => watch(element, &seen),
            "mp4mux" | "qtmux" => {
                element.set_property("faststart", true);
                // The muxer forgets its tags when the pipeline readies it: set them once it
                // writes (the tags go out at the end, in the file's index).
                let provenance = provenance.clone();
                let mux = element.downgrade();
                if let Some(src) = element.static_pad("src") {
                    src.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
                        if let Some(mux) = mux.upgrade() {
                            tag(&mux, &provenance);
                        }
                        gst::PadProbeReturn::Remove
                    });
                }
            }
            _ => {}
        }
    });
    pipeline
        .set_render_settings(&file_uri(part)?, &profile())
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    pipeline
        .set_mode(ges::PipelineFlags::RENDER)
        .map_err(|e| MediaError::Pipeline(e.to_string()))?;
    run_to_end(pipeline.upcast_ref(), |_| {
        let at = done
            .lock()
            .expect("the progress slot is never poisoned")
            .as_ref()
            .map(|d| d.load(Ordering::Relaxed))
            .unwrap_or(0);
        on_progress(Progress {
            done_s: at.min(total_ns) as f64 / 1e9,
            total_s: total_ns as f64 / 1e9,
        });
        !cancel.load(Ordering::SeqCst)
    })?;
    Ok(total_ns)
}

/// Follows the frames going into the video encoder.
fn watch(encoder: &gst::Element, slot: &Mutex<Option<Arc<AtomicU64>>>) {
    if let Some(pad) = encoder.static_pad("sink") {
        *slot.lock().expect("the progress slot is never poisoned") = Some(watch_running_time(&pad));
    }
}

/// MP4 with H.264 and AAC.
fn profile() -> pbutils::EncodingContainerProfile {
    let video = pbutils::EncodingVideoProfile::builder(&gst::Caps::builder("video/x-h264").build())
        .presence(0)
        .build();
    let audio = pbutils::EncodingAudioProfile::builder(
        &gst::Caps::builder("audio/mpeg")
            .field("mpegversion", 4i32)
            .build(),
    )
    .presence(0)
    .build();
    pbutils::EncodingContainerProfile::builder(
        &gst::Caps::builder("video/quicktime")
            .field("variant", "iso")
            .build(),
    )
    .add_profile(video)
    .add_profile(audio)
    .build()
}
