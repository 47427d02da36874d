//! The project verbs of the cut: trim a shot (in and out points within its selected take,
//! rounded to the take's frames), set the transition into the next shot, the timeline as
//! the window shows it, export the edit for other editors (OTIO, FCPXML, EDL), and
//! assemble the selected takes into one MP4 on the project's canvas, with progress and
//! cancellation. What touches files is in `cut_parts`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::connection::ConnectionMode;
use crate::media::{self, MediaError, Piece, Progress, Transition};
use crate::project::cut::{EditTime, TransitionKind, canvas_of};
use crate::project::records;

use super::cut_parts::{
    blocking, cut_of, edit_list, keep, media_error, provenance, shot_of, write_edits,
};
use super::projects::{ProjectView, find, view};
use super::{Desk, DeskError};

/// Where to write the interchange files (each optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditTargets {
    pub otio: Option<PathBuf>,
    pub fcpxml: Option<PathBuf>,
    pub edl: Option<PathBuf>,
}

/// The interchange files written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EditExport {
    pub otio: Option<String>,
    pub fcpxml: Option<String>,
    pub edl: Option<String>,
}

/// An assembled cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Assembly {
    /// The cut as a render in the Library (kind `cut`).
    pub job_id: String,
    pub output: String,
    pub duration_s: f64,
    /// Joined without re-encoding.
    pub stream_copy: bool,
    pub width: u32,
    pub height: u32,
    pub otio: Option<String>,
    pub fcpxml: Option<String>,
    pub edl: Option<String>,
}

/// One shot in the window's timeline of the cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CutShotView {
    pub index: u32,
    pub title: String,
    /// Its selected, ready take (`None`: nothing to show yet).
    pub job_id: Option<String>,
    /// How long that take's picture lasts.
    pub take_s: Option<f64>,
    /// The part of it the cut shows, in seconds within the take (out exclusive).
    pub in_s: f64,
    pub out_s: f64,
    pub transition: TransitionKind,
    /// Seconds of crossfade into the next shot (0 for a cut).
    pub crossfade_s: f64,
    /// Where it starts in the cut.
    pub at_s: f64,
}

/// A project's cut as the window shows it: each shot's part of its take and where it falls.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CutView {
    /// Every shot has a ready take to use: the cut can be assembled.
    pub complete: bool,
    pub duration_s: f64,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub shots: Vec<CutShotView>,
}

impl Desk {
    /// Sets shot `index`'s in and out points (seconds within its selected take; `None`
    /// leaves that side as it is), rounded to the take's frames.
    pub async fn project_trim_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        index: u32,
        in_s: Option<f64>,
        out_s: Option<f64>,
    ) -> Result<ProjectView, DeskError> {
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let (shot, v) = shot_of(&store, &project, index).await?;
        let sv = &v.shots[index as usize - 1];
        // The take's own frames and length, when it has one to trim; else the length the
        // shot asks for, at the service's 24 frames a second.
        let file = sv
            .takes
            .iter()
            .find(|t| t.selected && t.status == Some(crate::JobState::Ready))
            .and_then(|t| t.video_path.clone());
        let (fps, length) = match file {
            Some(path) => blocking(move || {
                let path = Path::new(&path);
                let streams = media::streams(path)?;
                Ok::<_, MediaError>((streams.probe().fps(), streams.span.seconds()))
            })
            .await?
            .map_err(|e| DeskError::invalid("shot", format!("shot {index}'s take: {e}")))?,
            None => {
                let seconds = shot
                    .settings
                    .0
                    .over(&project.defaults.0)
                    .duration
                    .map_or(5, |d| d.0);
                (24.0, f64::from(seconds))
            }
        };
        let time = |field: &str, s: f64| {
            EditTime::on_frames(s, fps)
                .map_err(|e| DeskError::invalid(field, format!("{field}: {e}")))
        };
        let mut edit = shot.edit.0;
        if let Some(s) = in_s {
            edit.trim_in = Some(time("in", s)?).filter(|t| t.seconds() > 0.0);
        }
        if let Some(s) = out_s {
            edit.trim_out = Some(time("out", s)?);
        }
        let (start, end) = (
            edit.trim_in.map_or(0.0, EditTime::seconds),
            edit.trim_out.map_or(length, EditTime::seconds),
        );
        if end > length + 0.5 / fps {
            return Err(DeskError::invalid(
                "out",
                format!(
                    "the out point ({end:.3} s) is past the end of shot {index}'s take ({length:.3} s)"
                ),
            ));
        }
        if end <= start {
            return Err(DeskError::invalid(
                if out_s.is_some() { "out" } else { "in" },
                format!(
                    "the in point ({start:.3} s) must come before the out point ({end:.3} s): at least one frame"
                ),
            ));
        }
        if edit
            .trim_out
            .is_some_and(|t| (t.seconds() - length).abs() < 0.5 / fps)
        {
            edit.trim_out = None;
        }
        crate::project::edits::set_edit(&store, &shot, &edit).await?;
        view(&store, &find(&store, &project.id).await?).await
    }

    /// Sets how shot `index` passes into the next: a cut, or a crossfade of `seconds`
    /// (one second when not given).
    pub async fn project_transition_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        index: u32,
        kind: TransitionKind,
        seconds: Option<f64>,
    ) -> Result<ProjectView, DeskError> {
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let (shot, v) = shot_of(&store, &project, index).await?;
        if index as usize == v.shots.len() {
            return Err(DeskError::invalid(
                "shot",
                format!("shot {index} is the last: a transition leads into the next shot"),
            ));
        }
        let mut edit = shot.edit.0;
        edit.transition = kind;
        edit.seconds = match (kind, seconds) {
            (TransitionKind::Cut, Some(_)) => {
                return Err(DeskError::invalid(
                    "seconds",
                    "a cut has no length: --seconds goes with crossfade",
                ));
            }
            (TransitionKind::Cut, None) => None,
            (TransitionKind::Crossfade, None) => None,
            (TransitionKind::Crossfade, Some(s)) if s > 0.0 && s <= 10.0 => {
                Some(EditTime::on_frames(s, 24.0).map_err(|e| DeskError::invalid("seconds", e))?)
            }
            (TransitionKind::Crossfade, Some(s)) => {
                return Err(DeskError::invalid(
                    "seconds",
                    format!("a crossfade lasts more than 0 and at most 10 seconds, not {s}"),
                ));
            }
        };
        crate::project::edits::set_edit(&store, &shot, &edit).await?;
        view(&store, &find(&store, &project.id).await?).await
    }

    /// The project's cut as it stands: each shot's take, trims and transitions, placed.
    pub async fn project_cut_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
    ) -> Result<CutView, DeskError> {
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let v = view(&store, &project).await?;
        let rows = records::shots(&store, &project.id).await?;
        let files: Vec<Option<(String, String)>> = v
            .shots
            .iter()
            .map(|s| {
                s.takes
                    .iter()
                    .find(|t| t.selected && t.status == Some(crate::JobState::Ready))
                    .and_then(|t| Some((t.job_id.clone(), t.video_path.clone()?)))
            })
            .collect();
        let defaults = project.defaults.0.clone();
        blocking(move || {
            let mut shots = Vec::new();
            let mut first = None;
            let mut at = 0.0;
            for ((shot, row), file) in v.shots.iter().zip(&rows).zip(files) {
                let edit = row.edit.0;
                let take = file.and_then(|(job, path)| {
                    let path = Path::new(&path);
                    let streams = media::streams(path).ok()?;
                    let probe = streams.probe();
                    first.get_or_insert((probe.width, probe.height));
                    Some((job, streams.span.seconds()))
                });
                let take_s = take.as_ref().map(|t| t.1);
                let in_s = edit.trim_in.map_or(0.0, EditTime::seconds);
                let out_s = edit
                    .trim_out
                    .map(EditTime::seconds)
                    .or(take_s)
                    .map_or(in_s, |o| o.min(take_s.unwrap_or(o)));
                let crossfade_s = edit.crossfade_s();
                shots.push(CutShotView {
                    index: shot.index,
                    title: shot.title.clone(),
                    job_id: take.map(|t| t.0),
                    take_s,
                    in_s,
                    out_s,
                    transition: edit.transition,
                    crossfade_s,
                    at_s: at,
                });
                at += (out_s - in_s).max(0.0);
                if (shot.index as usize) < v.shots.len() {
                    at -= crossfade_s.min((out_s - in_s).max(0.0));
                }
            }
            let canvas = canvas_of(&defaults, first);
            CutView {
                complete: !shots.is_empty() && shots.iter().all(|s| s.job_id.is_some()),
                duration_s: at.max(0.0),
                width: canvas.width,
                height: canvas.height,
                fps: canvas.fps,
                shots,
            }
        })
        .await
    }

    /// Writes the project's edit as interchange files, pointing at the selected takes.
    pub async fn project_export_edit_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        targets: EditTargets,
    ) -> Result<EditExport, DeskError> {
        if targets == EditTargets::default() {
            return Err(DeskError::invalid(
                "otio",
                "name at least one file to write: --otio, --fcpxml or --edl",
            ));
        }
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let shots = cut_of(&store, &project).await?;
        blocking(move || {
            let list = edit_list(&project.name, &project.defaults.0, &shots)?;
            write_edits(&list, &targets)
        })
        .await?
    }

    /// Assembles the project's selected takes into one MP4 kept with the renders (and
    /// named `output` too, when given), calling `progress` as it goes; `cancel` set stops
    /// it with nothing written. The interchange files `targets` names are written too.
    pub async fn project_assemble_in(
        &self,
        mode: ConnectionMode,
        reference: &str,
        output: Option<&Path>,
        targets: EditTargets,
        progress: impl FnMut(Progress) + Send + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<Assembly, DeskError> {
        if let Some(output) = output
            && output
                .extension()
                .is_none_or(|e| !e.eq_ignore_ascii_case("mp4"))
        {
            return Err(DeskError::invalid(
                "out",
                format!("{}: the cut is written as an .mp4 file", output.display()),
            ));
        }
        let store = self.history(mode).await?;
        let project = find(&store, reference).await?;
        let shots = cut_of(&store, &project).await?;
        // The cut lives with the renders (so the window plays it and the Library keeps it);
        // `output` is a second name for the same file.
        let job_id = crate::job::new_job_id(crate::clock::now_ms());
        let folder = crate::render_files::render_dir(&mode.history_dir(self.data_dir()), &job_id)
            .map_err(DeskError::internal)?;
        std::fs::create_dir_all(&folder)
            .map_err(|e| DeskError::setup(format!("{}: {e}", folder.display())))?;
        let kept = folder.join(format!("{}.mp4", crate::render_files::VIDEO));
        let output = output.map_or_else(|| kept.clone(), Path::to_path_buf);
        let (project_id, defaults) = (project.id.clone(), project.defaults.0.clone());
        // Tagged on the file and kept as the render's body: made once.
        let tags = provenance(&project, &shots);
        let made = blocking({
            let (kept, output, shots, tags) =
                (kept.clone(), output.clone(), shots.clone(), tags.clone());
            let (name, defaults) = (project.name.clone(), project.defaults.0.clone());
            move || {
                let mut progress = progress;
                let list = edit_list(&name, &defaults, &shots)?;
                let canvas = media::Canvas {
                    width: list.width,
                    height: list.height,
                    fps: list.fps,
                };
                let pieces: Vec<Piece> = shots
                    .iter()
                    .map(|s| Piece {
                        path: s.path.clone(),
                        in_s: s.in_s,
                        out_s: s.out_s,
                        transition: match s.transition {
                            TransitionKind::Cut => Transition::Cut,
                            TransitionKind::Crossfade => Transition::Crossfade(s.crossfade_s),
                        },
                    })
                    .collect();
                let made = media::assemble(&pieces, canvas, &tags, &kept, &mut progress, &cancel)
                    .map_err(|(at, e)| media_error(&shots, at, e))?;
                let edits = write_edits(&list, &targets)?;
                let kept_files = keep(&kept, &output, made.duration_s)?;
                Ok((made, edits, kept_files))
            }
        })
        .await?;
        let (made, edits, (frame_path, bytes, sha256)) = match made {
            Ok(made) => made,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&folder);
                return Err(e);
            }
        };
        let titles: Vec<String> = shots
            .iter()
            .map(|s| {
                if s.title.is_empty() {
                    format!("{}.", s.index)
                } else {
                    format!("{}. {}", s.index, s.title)
                }
            })
            .collect();
        crate::project::cut::record(
            &store,
            &crate::project::cut::CutRender {
                job_id: job_id.clone(),
                project_id,
                prompt: format!("The cut of {}: {}", project.name, titles.join(" · ")),
                provenance: tags.comment,
                defaults,
                duration_s: made.duration_s,
                video: kept,
                video_bytes: bytes,
                video_sha256: sha256,
                frame: frame_path.clone(),
            },
        )
        .await?;
        // Its preview in the Library, from its last frame.
        if let Some(thumb) = frame_path
            .as_deref()
            .and_then(|f| crate::preview::thumbnail(f).ok())
        {
            crate::preview::store(&store, &job_id, &thumb).await?;
        }
        Ok(Assembly {
            job_id,
            output: output.display().to_string(),
            duration_s: made.duration_s,
            stream_copy: made.stream_copy,
            width: made.width,
            height: made.height,
            otio: edits.otio,
            fcpxml: edits.fcpxml,
            edl: edits.edl,
        })
    }
}
