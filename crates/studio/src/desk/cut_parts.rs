//! The parts of the cut's verbs that touch files: each shot's selected take gathered with
//! its edit decisions, the edit list placed from what the takes' files hold, the
//! interchange files written whole, the provenance an assembled cut carries, and the
//! assembled file kept with the renders (its second name, last frame and checksum). The
//! media engine blocks, so it runs on tokio's blocking pool.

use std::path::{Path, PathBuf};

use crate::job::find_job;
use crate::media::{self, MediaError};
use crate::project::cut::{CutShot, EditTime, canvas_of};
use crate::project::interchange::{EditClip, EditList};
use crate::project::records::{self, Project};
use crate::store::Store;

use super::DeskError;
use super::cut::{EditExport, EditTargets};
use super::projects::{ProjectView, view};

pub(super) fn media_error(shots: &[CutShot], at: Option<usize>, e: MediaError) -> DeskError {
    let shot = at.and_then(|n| shots.get(n - 1));
    match (shot, e) {
        (_, MediaError::Cancelled) => {
            DeskError::internal("the assembly was cancelled; nothing was written")
        }
        (Some(s), MediaError::Missing(path)) => DeskError::invalid(
            &format!("shots[{}]", s.index),
            format!(
                "shot {}'s take {} has no file at {} (restore it, or pick another take)",
                s.index,
                s.job_id,
                path.display()
            ),
        ),
        (Some(s), e) => DeskError::invalid(
            &format!("shots[{}]", s.index),
            format!("shot {}: {e}", s.index),
        ),
        (None, e @ (MediaError::Init(_) | MediaError::MissingElement { .. })) => {
            DeskError::setup(e)
        }
        (None, e) => DeskError::internal(e),
    }
}

pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DeskError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DeskError::internal(format!("the media engine stopped: {e}")))
}

/// The selected, ready take of every shot, with its edit decisions; a shot without one
/// is the error.
pub(super) async fn cut_of(store: &Store, project: &Project) -> Result<Vec<CutShot>, DeskError> {
    let v = view(store, project).await?;
    let shots = records::shots(store, &project.id).await?;
    if v.shots.is_empty() {
        return Err(DeskError::invalid(
            "project",
            format!("{} has no shots to assemble", v.name),
        ));
    }
    let mut out = Vec::new();
    for (shot, row) in v.shots.iter().zip(&shots) {
        let field = format!("shots[{}]", shot.index);
        let take = shot
            .takes
            .iter()
            .find(|t| t.selected && t.status == Some(crate::JobState::Ready))
            .ok_or_else(|| {
                DeskError::invalid(
                    &field,
                    format!(
                        "shot {} has no ready take to use: render it, or pick one",
                        shot.index
                    ),
                )
            })?;
        let path = take.video_path.clone().ok_or_else(|| {
            DeskError::invalid(
                &field,
                format!(
                    "shot {}'s take {} has no downloaded video",
                    shot.index, take.job_id
                ),
            )
        })?;
        let job = find_job(store, &take.job_id).await?;
        let edit = row.edit.0;
        out.push(CutShot {
            index: shot.index,
            title: shot.title.clone(),
            prompt: shot.prompt.clone(),
            job_id: take.job_id.clone(),
            task_id: job.as_ref().and_then(|j| j.task_id.clone()),
            seed: job.as_ref().and_then(|j| j.seed),
            path: PathBuf::from(path),
            in_s: edit.trim_in.map_or(0.0, EditTime::seconds),
            out_s: edit.trim_out.map(EditTime::seconds),
            transition: edit.transition,
            crossfade_s: edit.crossfade_s(),
        });
    }
    Ok(out)
}

/// The edit list of `shots` on the project's canvas, from what their files hold.
pub(super) fn edit_list(
    name: &str,
    defaults: &crate::project::Settings,
    shots: &[CutShot],
) -> Result<EditList, DeskError> {
    let mut clips = Vec::new();
    let mut canvas = None;
    for (i, s) in shots.iter().enumerate() {
        let streams = media::streams(&s.path).map_err(|e| media_error(shots, Some(i + 1), e))?;
        let (probe, span) = (streams.probe(), streams.span);
        let canvas =
            *canvas.get_or_insert_with(|| canvas_of(defaults, Some((probe.width, probe.height))));
        let frames = |seconds: f64| (seconds * f64::from(canvas.fps)).round() as u64;
        let take_frames = frames(span.seconds());
        let in_frame = frames(s.in_s).min(take_frames.saturating_sub(1));
        let out_frame = s
            .out_s
            .map_or(take_frames, frames)
            .clamp(in_frame + 1, take_frames.max(in_frame + 1));
        clips.push(EditClip {
            index: s.index,
            name: if s.title.is_empty() {
                format!("Shot {}", s.index)
            } else {
                format!("Shot {}: {}", s.index, s.title)
            },
            path: std::path::absolute(&s.path).unwrap_or_else(|_| s.path.clone()),
            take_frames,
            in_frame,
            out_frame,
            overlap: frames(s.crossfade_s),
            has_audio: probe.has_audio(),
            width: probe.width,
            height: probe.height,
            fps_num: probe.fps_num,
            fps_den: probe.fps_den,
        });
    }
    // A crossfade is never as long as either shot it joins.
    for i in 0..clips.len().saturating_sub(1) {
        let longest = (clips[i].out_frame - clips[i].in_frame)
            .min(clips[i + 1].out_frame - clips[i + 1].in_frame);
        clips[i].overlap = clips[i].overlap.min(longest.saturating_sub(1));
    }
    let canvas = canvas.unwrap_or_else(|| canvas_of(defaults, None));
    Ok(EditList {
        name: name.to_string(),
        fps: canvas.fps,
        width: canvas.width,
        height: canvas.height,
        clips,
    })
}

/// Writes the interchange files `targets` asks for, each whole or not at all.
pub(super) fn write_edits(list: &EditList, targets: &EditTargets) -> Result<EditExport, DeskError> {
    let write = |target: &Option<PathBuf>,
                 field: &str,
                 text: &dyn Fn() -> String|
     -> Result<Option<String>, DeskError> {
        let Some(path) = target else { return Ok(None) };
        let part = media::assemble::part_path(path);
        std::fs::write(&part, text())
            .and_then(|()| std::fs::rename(&part, path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&part);
                DeskError::invalid(field, format!("{}: {e}", path.display()))
            })?;
        Ok(Some(path.display().to_string()))
    };
    Ok(EditExport {
        otio: write(&targets.otio, "otio", &|| list.otio())?,
        fcpxml: write(&targets.fcpxml, "fcpxml", &|| list.fcpxml())?,
        edl: write(&targets.edl, "edl", &|| list.edl())?,
    })
}

/// What an assembled cut carries in its metadata: the project, and each shot's prompt,
/// seed, take and task.
pub(super) fn provenance(project: &Project, shots: &[CutShot]) -> media::assemble::Provenance {
    let comment = serde_json::json!({
        "made_with": format!("Seedance Studio {}", env!("CARGO_PKG_VERSION")),
        "project": {"id": project.id, "name": project.name},
        "shots": shots.iter().map(|s| serde_json::json!({
            "index": s.index,
            "title": s.title,
            "prompt": s.prompt,
            "seed": s.seed,
            "job_id": s.job_id,
            "task_id": s.task_id,
            "in_s": s.in_s,
            "out_s": s.out_s,
            "transition": s.transition.as_str(),
            "crossfade_s": s.crossfade_s,
        })).collect::<Vec<_>>(),
    });
    media::assemble::Provenance {
        title: project.name.clone(),
        comment: comment.to_string(),
    }
}

/// Gives the assembled cut at `kept` its second name `output` (a hard link, else a copy),
/// its last frame beside it, and returns that frame, its size and its SHA-256.
pub(super) fn keep(
    kept: &Path,
    output: &Path,
    duration_s: f64,
) -> Result<(Option<PathBuf>, u64, String), DeskError> {
    let failed =
        |e: std::io::Error| DeskError::invalid("out", format!("{}: {e}", output.display()));
    if std::path::absolute(output).ok() != std::path::absolute(kept).ok() {
        let _ = std::fs::remove_file(output);
        if std::fs::hard_link(kept, output).is_err() {
            let part = media::assemble::part_path(output);
            std::fs::copy(kept, &part)
                .and_then(|_| std::fs::rename(&part, output))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&part);
                    failed(e)
                })?;
        }
    }
    let frame = kept.with_file_name(format!("{}.jpg", crate::render_files::LAST_FRAME));
    let last = media::frame_at(kept, (duration_s - 0.05).max(0.0))
        .ok()
        .and_then(|image| {
            image
                .save_with_format(&frame, image::ImageFormat::Jpeg)
                .ok()
        })
        .map(|()| frame);
    let (bytes, sha256) = crate::render_files::sha256_of(kept)
        .map_err(|e| DeskError::internal(format!("{}: {e}", kept.display())))?;
    Ok((last, bytes, sha256))
}

/// Shot `index` of `project` (1 for the first), with the project's view.
pub(super) async fn shot_of(
    store: &Store,
    project: &Project,
    index: u32,
) -> Result<(records::Shot, ProjectView), DeskError> {
    let shots = records::shots(store, &project.id).await?;
    let shot = shots
        .into_iter()
        .find(|s| s.position == i64::from(index))
        .ok_or_else(|| {
            DeskError::invalid("shot", format!("{} has no shot {index}", project.name))
        })?;
    Ok((shot, view(store, project).await?))
}
