//! The cut assembled: pieces (a file, its in and out points, the transition into the next)
//! become one MP4 on a canvas. When every piece shares its codec parameters, every piece is
//! whole and every transition is a cut, the pieces are joined as they are (`copy`): exact,
//! lossless and fast. Otherwise the timeline is rendered anew (`encode`), normalised to the
//! canvas: its size (each piece fit and padded), its frame rate, 48 kHz stereo audio (silence
//! where a piece has none). Either way the file is written beside the output as `.part` and
//! renamed once whole, carries the given title and comment (the provenance), and can be
//! cancelled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::{MediaError, Probe};

/// How one piece passes into the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transition {
    Cut,
    /// A crossfade of this many seconds (the pieces overlap by it).
    Crossfade(f64),
}

/// One piece of the cut: `in_s` to `out_s` (exclusive) of `path`, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub path: PathBuf,
    pub in_s: f64,
    /// `None`: to the end of the file.
    pub out_s: Option<f64>,
    /// Into the next piece (ignored on the last).
    pub transition: Transition,
}

/// The frame every piece is fit to when the cut is re-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

/// What an assembly is at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AssemblyProgress"))]
pub struct Progress {
    pub done_s: f64,
    pub total_s: f64,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assembled {
    pub output: PathBuf,
    pub duration_s: f64,
    pub stream_copy: bool,
    pub width: u32,
    pub height: u32,
}

/// A piece with what its file holds, its in and out points on its own frames.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub path: PathBuf,
    pub probe: Probe,
    /// Nanoseconds within the file.
    pub in_ns: u64,
    pub out_ns: u64,
    /// How long its picture lasts.
    pub end_ns: u64,
    /// Where its picture ends on the file's own timeline.
    pub stop_ns: u64,
    /// Nanoseconds of overlap with the next piece.
    pub overlap_ns: u64,
}

impl Placed {
    pub fn length_ns(&self) -> u64 {
        self.out_ns - self.in_ns
    }

    fn whole(&self) -> bool {
        self.in_ns == 0 && self.out_ns == self.end_ns
    }
}

/// `seconds` rounded to the nearest frame at `fps`, in nanoseconds.
pub fn frame_ns(seconds: f64, fps_num: u32, fps_den: u32) -> u64 {
    let frames = (seconds * f64::from(fps_num) / f64::from(fps_den.max(1))).round();
    frames_ns(frames.max(0.0) as u64, fps_num, fps_den)
}

/// `frames` at `fps` in nanoseconds.
pub fn frames_ns(frames: u64, fps_num: u32, fps_den: u32) -> u64 {
    (u128::from(frames) * 1_000_000_000 * u128::from(fps_den) / u128::from(fps_num.max(1))) as u64
}

/// Probes every piece and places its in and out points on its frames; the first problem
/// found is the error, naming the piece (1 for the first).
pub(crate) fn place(pieces: &[Piece]) -> Result<Vec<Placed>, (usize, MediaError)> {
    let mut placed = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        let number = i + 1;
        // One demuxing pass per piece: its caps and where its picture is.
        let streams = super::streams::streams(&piece.path).map_err(|e| (number, e))?;
        let (probe, span) = (streams.probe(), streams.span);
        let end_ns = span.length_ns();
        let in_ns = frame_ns(piece.in_s, probe.fps_num, probe.fps_den);
        let out_ns = piece
            .out_s
            .map(|o| frame_ns(o, probe.fps_num, probe.fps_den).min(end_ns))
            .unwrap_or(end_ns);
        if out_ns <= in_ns {
            return Err((
                number,
                MediaError::Invalid(format!(
                    "its in point ({:.3} s) is not before its out point ({:.3} s) within its {:.3} s",
                    piece.in_s,
                    out_ns as f64 / 1e9,
                    probe.duration_s
                )),
            ));
        }
        placed.push(Placed {
            path: piece.path.clone(),
            probe,
            in_ns,
            out_ns,
            end_ns,
            stop_ns: span.end_ns,
            overlap_ns: 0,
        });
    }
    for i in 0..placed.len().saturating_sub(1) {
        if let Transition::Crossfade(seconds) = pieces[i].transition {
            let wanted = (seconds.max(0.0) * 1e9) as u64;
            // Never longer than either piece it joins.
            let longest = placed[i].length_ns().min(placed[i + 1].length_ns());
            placed[i].overlap_ns = wanted.min(longest.saturating_sub(1));
        }
    }
    Ok(placed)
}

/// Whether `placed` can be joined without re-encoding: H.264 and AAC with equal parameters
/// throughout, every piece whole, every transition a cut.
pub(crate) fn can_copy(placed: &[Placed]) -> bool {
    let Some(first) = placed.first() else {
        return false;
    };
    first.probe.video_codec == "h264"
        && first.probe.audio_codec.as_deref() == Some("aac")
        && placed.iter().all(|p| {
            p.whole()
                && p.overlap_ns == 0
                && p.probe.video_caps == first.probe.video_caps
                && p.probe.audio_caps == first.probe.audio_caps
        })
}

/// Metadata the output carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    pub title: String,
    /// The project's provenance as JSON.
    pub comment: String,
}

/// Assembles `pieces` into `output` (an MP4), calling `on_progress` as it goes; `cancel`
/// set stops it and leaves nothing behind.
pub fn assemble(
    pieces: &[Piece],
    canvas: Canvas,
    provenance: &Provenance,
    output: &Path,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Assembled, (Option<usize>, MediaError)> {
    run(
        pieces,
        canvas,
        provenance,
        output,
        on_progress,
        cancel,
        true,
    )
}

/// As [`assemble`], always re-encoding on the canvas (the benchmark's other path, and a
/// way to normalise takes that could be joined as they are).
pub fn assemble_re_encoded(
    pieces: &[Piece],
    canvas: Canvas,
    provenance: &Provenance,
    output: &Path,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Assembled, (Option<usize>, MediaError)> {
    run(
        pieces,
        canvas,
        provenance,
        output,
        on_progress,
        cancel,
        false,
    )
}

fn run(
    pieces: &[Piece],
    canvas: Canvas,
    provenance: &Provenance,
    output: &Path,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    may_copy: bool,
) -> Result<Assembled, (Option<usize>, MediaError)> {
    if pieces.is_empty() {
        return Err((
            None,
            MediaError::Invalid("there is nothing to assemble".into()),
        ));
    }
    let placed = place(pieces).map_err(|(n, e)| (Some(n), e))?;
    let part = part_path(output);
    let _ = std::fs::remove_file(&part);
    let copy = may_copy && can_copy(&placed);
    let written = if copy {
        super::copy::join(&placed, provenance, &part, on_progress, cancel)
    } else {
        super::encode::render(&placed, canvas, provenance, &part, on_progress, cancel)
    };
    let written = match written {
        Ok(ns) => Some(ns),
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err((None, e));
        }
    };
    if cancel.load(Ordering::SeqCst) {
        let _ = std::fs::remove_file(&part);
        return Err((None, MediaError::Cancelled));
    }
    std::fs::rename(&part, output).map_err(|e| {
        let _ = std::fs::remove_file(&part);
        (
            None,
            MediaError::Pipeline(format!("{} could not be written: {e}", output.display())),
        )
    })?;
    // The last report says it is all done: a join quicker than one tick reports nothing else.
    let total_s = written.unwrap_or_default() as f64 / 1e9;
    on_progress(Progress {
        done_s: total_s,
        total_s,
    });
    // What was written, as the pipelines made it (probing the file again costs a decode).
    let (width, height) = if copy {
        (placed[0].probe.width, placed[0].probe.height)
    } else {
        (canvas.width, canvas.height)
    };
    Ok(Assembled {
        output: output.to_path_buf(),
        duration_s: total_s,
        stream_copy: copy,
        width,
        height,
    })
}

/// Where `output` is written until it is whole.
pub fn part_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    output.with_file_name(name)
}
