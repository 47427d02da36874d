//! The media engine: GStreamer, in process. WebKitGTK already plays video through it on
//! every Linux machine that runs the app, and its Rust bindings are kept by GStreamer's own
//! developers. `probe` reads what a file holds, `synth` makes clips of a given shape (the
//! tests' material), `assemble` turns a list of trimmed pieces into one MP4: `copy` joins
//! them without decoding when they share their codec parameters, `encode` renders a GES
//! timeline normalised to a canvas otherwise.
//!
//! Every call blocks the thread it runs on (the desk runs them on tokio's blocking pool) and
//! drives its own pipeline's bus: no GLib main loop is needed.

pub mod assemble;
mod copy;
mod encode;
pub mod frame;
pub mod probe;
pub mod streams;
pub mod synth;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use assemble::{Assembled, Canvas, Piece, Progress, Transition, assemble};
pub use frame::frame_at;
pub use probe::{Probe, probe};
pub use streams::{Streams, VideoSpan, streams, video_span};

use gstreamer as gst;

/// What the media engine could not do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaError {
    #[error("the media engine could not start: {0}")]
    Init(String),
    #[error(
        "the media engine lacks the GStreamer element {element:?} ({purpose}); install {package}"
    )]
    MissingElement {
        element: String,
        purpose: &'static str,
        package: &'static str,
    },
    #[error("{} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("{} could not be read as video: {message}", path.display())]
    Unreadable { path: PathBuf, message: String },
    #[error("{} has no video stream", .0.display())]
    NoVideo(PathBuf),
    #[error("the assembly was cancelled")]
    Cancelled,
    #[error("{0}")]
    Invalid(String),
    #[error("the media engine failed: {0}")]
    Pipeline(String),
}

/// Starts GStreamer (once per process) and its Editing Services.
pub fn init() -> Result<(), MediaError> {
    static STARTED: OnceLock<Result<(), MediaError>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            gst::init().map_err(|e| MediaError::Init(e.to_string()))?;
            gstreamer_editing_services::init().map_err(|e| MediaError::Init(e.to_string()))
        })
        .clone()
}

/// The first of `names` this machine's GStreamer has, or an error naming the package that
/// brings the first.
pub(crate) fn first_element(
    names: &[&'static str],
    purpose: &'static str,
    package: &'static str,
) -> Result<&'static str, MediaError> {
    init()?;
    names
        .iter()
        .copied()
        .find(|name| gst::ElementFactory::find(name).is_some())
        .ok_or_else(|| MediaError::MissingElement {
            element: names[0].to_string(),
            purpose,
            package,
        })
}

/// The `file://` URI of `path` (made absolute), as GStreamer's URI sources take it.
pub(crate) fn file_uri(path: &Path) -> Result<String, MediaError> {
    let absolute = std::path::absolute(path).map_err(|e| MediaError::Unreadable {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    url::Url::from_file_path(&absolute)
        .map(|u| u.to_string())
        .map_err(|()| MediaError::Invalid(format!("{} is not a file path", path.display())))
}

/// Waits for `pipeline` to finish (end of stream) or fail, calling `tick` about every 100
/// ms; `tick` returning false stops it (the caller then cleans up).
pub(crate) fn run_to_end(
    pipeline: &gst::Pipeline,
    mut tick: impl FnMut(&gst::Pipeline) -> bool,
) -> Result<(), MediaError> {
    use gst::prelude::*;
    pipeline
        .set_state(gst::State::Playing)
        .map_err(|_| first_error(pipeline).unwrap_or_else(|| pipeline_error("would not start")))?;
    let bus = pipeline.bus().expect("a pipeline has a bus");
    let outcome = loop {
        let message = bus.timed_pop_filtered(
            gst::ClockTime::from_mseconds(100),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        );
        match message.as_ref().map(|m| m.view()) {
            Some(gst::MessageView::Eos(_)) => break Ok(()),
            Some(gst::MessageView::Error(e)) => break Err(error_of(e)),
            _ => {}
        }
        if !tick(pipeline) {
            break Err(MediaError::Cancelled);
        }
    };
    let _ = pipeline.set_state(gst::State::Null);
    outcome
}

fn first_error(pipeline: &gst::Pipeline) -> Option<MediaError> {
    use gst::prelude::*;
    let bus = pipeline.bus()?;
    let message = bus.pop_filtered(&[gst::MessageType::Error])?;
    match message.view() {
        gst::MessageView::Error(e) => Some(error_of(e)),
        _ => None,
    }
}

fn error_of(e: &gst::message::Error) -> MediaError {
    use gst::prelude::*;
    let source = e
        .src()
        .map(|s| s.path_string().to_string())
        .unwrap_or_default();
    let details = e.debug().map(|d| d.to_string()).unwrap_or_default();
    tracing::warn!(source, details, "media pipeline error");
    MediaError::Pipeline(format!("{} ({source})", e.error()))
}

fn pipeline_error(what: &str) -> MediaError {
    MediaError::Pipeline(what.to_string())
}
