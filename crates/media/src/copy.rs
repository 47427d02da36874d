//! Pieces joined without decoding: each file's H.264 and AAC streams, demuxed, follow one
//! another through `concat` (which keeps the running time going) into one MP4. Only used
//! when `assemble::can_copy` says every piece shares its codec parameters and is whole.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use gst::prelude::*;
use gstreamer as gst;

use super::assemble::{Placed, Progress, Provenance};
use super::{MediaError, run_to_end};

/// Joins `placed` into `part`; returns how long the result's picture lasts.
pub(crate) fn join(
    placed: &[Placed],
    provenance: &Provenance,
    part: &Path,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<u64, MediaError> {
    let pipeline = gst::Pipeline::new();
    let video = element("concat")?;
    let audio = element("concat")?;
    let video_parse = element("h264parse")?;
    let audio_parse = element("aacparse")?;
    let mux = element("mp4mux")?;
    mux.set_property("faststart", true);
    tag(&mux, provenance);
    let sink = element("filesink")?;
    sink.set_property("location", part.to_string_lossy().as_ref());
    pipeline
        .add_many([&video, &audio, &video_parse, &audio_parse, &mux, &sink])
        .map_err(pipeline_error)?;
    gst::Element::link_many([&video, &video_parse, &mux, &sink]).map_err(pipeline_error)?;
    gst::Element::link_many([&audio, &audio_parse, &mux]).map_err(pipeline_error)?;

    for piece in placed {
        let source = element("filesrc")?;
        source.set_property("location", piece.path.to_string_lossy().as_ref());
        let demux = element("qtdemux")?;
        let video_queue = element("queue")?;
        let audio_queue = element("queue")?;
        pipeline
            .add_many([&source, &demux, &video_queue, &audio_queue])
            .map_err(pipeline_error)?;
        source.link(&demux).map_err(pipeline_error)?;
        // Requested now, in order: concat plays its sink pads in the order they were made.
        video_queue.link(&video).map_err(pipeline_error)?;
        audio_queue.link(&audio).map_err(pipeline_error)?;
        let (video_in, audio_in) = (
            video_queue.static_pad("sink").expect("a queue has a sink"),
            audio_queue.static_pad("sink").expect("a queue has a sink"),
        );
        let end = gst::ClockTime::from_nseconds(piece.stop_ns);
        demux.connect_pad_added(move |_, pad| {
            end_streams_at(pad, end);
            let name = pad.name();
            let target = if name.starts_with("video_") && !video_in.is_linked() {
                &video_in
            } else if name.starts_with("audio_") && !audio_in.is_linked() {
                &audio_in
            } else {
                return;
            };
            if let Err(e) = pad.link(target) {
                tracing::warn!(pad = %name, "could not link a demuxed stream: {e:?}");
            }
        });
    }

    let total_ns: u64 = placed.iter().map(Placed::length_ns).sum();
    let done = watch_running_time(&video.static_pad("src").expect("concat has a source"));
    run_to_end(&pipeline, |_| {
        on_progress(Progress {
            done_s: done.load(Ordering::Relaxed).min(total_ns) as f64 / 1e9,
            total_s: total_ns as f64 / 1e9,
        });
        !cancel.load(Ordering::SeqCst)
    })?;
    Ok(total_ns)
}

/// Makes a demuxed stream end where the piece's picture ends: its segment stops there (so
/// `concat` starts the next piece's audio and video at the same instant) and audio frames
/// that begin after it are left out (so no two pieces' sound overlaps).
fn end_streams_at(pad: &gst::Pad, end: gst::ClockTime) {
    pad.add_probe(
        gst::PadProbeType::BUFFER | gst::PadProbeType::EVENT_DOWNSTREAM,
        move |_, info| {
            match &mut info.data {
                Some(gst::PadProbeData::Buffer(buffer))
                    if buffer.pts().is_some_and(|pts| pts >= end) =>
                {
                    return gst::PadProbeReturn::Drop;
                }
                Some(gst::PadProbeData::Event(event)) => {
                    if let gst::EventView::Segment(s) = event.view()
                        && let Some(segment) = s.segment().downcast_ref::<gst::ClockTime>()
                    {
                        let mut segment = segment.clone();
                        segment.set_stop(end);
                        *event = gst::event::Segment::builder(&segment)
                            .seqnum(event.seqnum())
                            .build();
                    }
                }
                _ => {}
            }
            gst::PadProbeReturn::Ok
        },
    );
}

/// An element from this machine's GStreamer, or an error naming it.
pub(crate) fn element(factory: &str) -> Result<gst::Element, MediaError> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|_| MediaError::MissingElement {
            element: factory.to_string(),
            purpose: "assembling",
            package: "gstreamer1.0-plugins-good and gstreamer1.0-plugins-bad",
        })
}

/// Sets the title and comment tags on a muxer.
pub(crate) fn tag(mux: &gst::Element, provenance: &Provenance) {
    let Some(setter) = mux.dynamic_cast_ref::<gst::TagSetter>() else {
        return;
    };
    let mut tags = gst::TagList::new();
    {
        let tags = tags.get_mut().expect("a new tag list is writable");
        if !provenance.title.is_empty() {
            tags.add::<gst::tags::Title>(&provenance.title.as_str(), gst::TagMergeMode::Replace);
        }
        if !provenance.comment.is_empty() {
            tags.add::<gst::tags::Comment>(
                &provenance.comment.as_str(),
                gst::TagMergeMode::Replace,
            );
        }
    }
    setter.merge_tags(&tags, gst::TagMergeMode::Replace);
}

/// The running time of the last buffer through `pad`, kept up to date as they pass.
pub(crate) fn watch_running_time(pad: &gst::Pad) -> Arc<AtomicU64> {
    let done = Arc::new(AtomicU64::new(0));
    let seen = done.clone();
    pad.add_probe(gst::PadProbeType::BUFFER, move |pad, info| {
        if let Some(buffer) = info.buffer()
            && let Some(pts) = buffer.pts()
            && let Some(event) = pad.sticky_event::<gst::event::Segment>(0)
            && let Some(segment) = event.segment().downcast_ref::<gst::ClockTime>()
            && let Some(running) = segment.to_running_time(pts)
        {
            seen.fetch_max(running.nseconds(), Ordering::Relaxed);
        }
        gst::PadProbeReturn::Ok
    });
    done
}

fn pipeline_error(e: impl std::fmt::Display) -> MediaError {
    MediaError::Pipeline(e.to_string())
}
