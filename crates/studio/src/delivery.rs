//! The delivery check: what a downloaded video holds, read by the media engine in one
//! demuxing pass (size, frame rate, the picture's length, codecs, audio; milliseconds, no
//! decoding), compared with what its request paid for. People have been sent 720p for
//! 1080p and found out by probing files one by one; here every render says so itself.
//!
//! The rules: the picture's short side is the resolution's (720p: 720, 1080p and
//! 1080p-plus: 1080, 4k: 2160); its proportions are the aspect ratio's within 2 % (any, for
//! `adaptive`); its length is the duration's within 0.5 s; audio is there when
//! `generate_audio` was on. The result is stored with the render (`jobs.delivery`, and
//! `jobs.delivery_mismatches` for the Library's filter; NULL until probed). Renders saved
//! before the check existed are probed once, in the background ([`backfill`]).

use std::path::Path;

use seedance_api::{AspectRatio, GenerationRequest, Resolution};
use serde::{Deserialize, Serialize};

use crate::clock::now_ms;
use crate::media;
use crate::store::Store;

/// The aspect ratio may differ by this share before it is a mismatch.
pub const ASPECT_TOLERANCE: f64 = 0.02;
/// The duration may differ by this many seconds before it is a mismatch.
pub const DURATION_TOLERANCE_S: f64 = 0.5;

/// What a render's video holds, and where it differs from what was asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Delivery {
    pub width: u32,
    pub height: u32,
    /// Frames per second.
    pub fps: f64,
    /// How long the picture lasts.
    pub duration_s: f64,
    /// Short codec names: `h264`, `hevc`, `aac`, …
    pub video_codec: String,
    pub audio_codec: Option<String>,
    pub has_audio: bool,
    pub mismatches: Vec<Mismatch>,
    /// Why the file could not be read as video (then the figures above are zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// When it was probed, ms since the epoch.
    pub probed_at: i64,
}

impl Delivery {
    /// A file that could not be read as video, and why.
    fn unreadable(why: String) -> Self {
        Self {
            width: 0,
            height: 0,
            fps: 0.0,
            duration_s: 0.0,
            video_codec: String::new(),
            audio_codec: None,
            has_audio: false,
            mismatches: Vec::new(),
            unreadable: Some(why),
            probed_at: now_ms(),
        }
    }

    /// Mismatches, an unreadable file counting as one: what the Library's filter finds.
    pub fn problems(&self) -> usize {
        self.mismatches.len() + usize::from(self.unreadable.is_some())
    }
}

/// One setting delivered otherwise than asked, in words a person reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mismatch {
    pub field: DeliveryField,
    /// `1080p`, `9:16`, `6s`, `audio`.
    pub asked: String,
    /// `720x1280`, `4.0s`, `no audio`.
    pub got: String,
}

/// The request settings a delivery is checked against, by their API names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryField {
    Resolution,
    AspectRatio,
    Duration,
    GenerateAudio,
}

/// The short side of the picture `resolution` pays for.
pub fn short_side(resolution: Resolution) -> u32 {
    match resolution {
        Resolution::P720 => 720,
        Resolution::P1080 | Resolution::P1080Plus => 1080,
        Resolution::K4 => 2160,
    }
}

/// Width over height of `aspect`; `None` for `adaptive`.
pub fn proportions(aspect: AspectRatio) -> Option<f64> {
    let (w, h) = match aspect {
        AspectRatio::Square => (1.0, 1.0),
        AspectRatio::Cinema21x9 => (21.0, 9.0),
        AspectRatio::Classic4x3 => (4.0, 3.0),
        AspectRatio::Portrait3x4 => (3.0, 4.0),
        AspectRatio::Landscape16x9 => (16.0, 9.0),
        AspectRatio::Portrait9x16 => (9.0, 16.0),
        AspectRatio::Adaptive => return None,
    };
    Some(w / h)
}

/// Compares what `probe` found with `request`.
pub fn compare(request: &GenerationRequest, probe: &media::Probe) -> Vec<Mismatch> {
    let size = format!("{}x{}", probe.width, probe.height);
    let mut mismatches = Vec::new();
    if probe.width.min(probe.height) != short_side(request.resolution) {
        mismatches.push(Mismatch {
            field: DeliveryField::Resolution,
            asked: request.resolution.as_str().to_string(),
            got: size.clone(),
        });
    }
    if let Some(asked) = proportions(request.aspect_ratio) {
        let got = f64::from(probe.width) / f64::from(probe.height.max(1));
        if (got / asked - 1.0).abs() > ASPECT_TOLERANCE {
            mismatches.push(Mismatch {
                field: DeliveryField::AspectRatio,
                asked: request.aspect_ratio.as_str().to_string(),
                got: size,
            });
        }
    }
    let seconds = f64::from(request.duration.seconds());
    if (probe.duration_s - seconds).abs() > DURATION_TOLERANCE_S {
        mismatches.push(Mismatch {
            field: DeliveryField::Duration,
            asked: format!("{seconds}s"),
            got: format!("{:.1}s", probe.duration_s),
        });
    }
    if request.generate_audio && !probe.has_audio() {
        mismatches.push(Mismatch {
            field: DeliveryField::GenerateAudio,
            asked: "audio".into(),
            got: "no audio".into(),
        });
    }
    mismatches
}

/// Probes the video at `path` and checks it against `request`. Blocking (call it off the
/// async threads); a file that cannot be read is a delivery of its own kind, not an error.
pub fn check_file(path: &Path, request: &GenerationRequest) -> Delivery {
    let probed_at = now_ms();
    match media::streams(path).map(|s| s.probe()) {
        Ok(probe) => Delivery {
            width: probe.width,
            height: probe.height,
            fps: (probe.fps() * 1000.0).round() / 1000.0,
            duration_s: (probe.duration_s * 1000.0).round() / 1000.0,
            mismatches: compare(request, &probe),
            has_audio: probe.has_audio(),
            video_codec: probe.video_codec,
            audio_codec: probe.audio_codec,
            unreadable: None,
            probed_at,
        },
        Err(e) => Delivery::unreadable(e.to_string()),
    }
}

/// [`check_file`] on the blocking pool; `None` when the request cannot be read back.
pub async fn check_saved(path: &Path, request_body: &str) -> Option<Delivery> {
    let request: GenerationRequest = serde_json::from_str(request_body).ok()?;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || check_file(&path, &request))
        .await
        .ok()
}

/// Stores `delivery` with its job, unless another process already did.
pub async fn record(store: &Store, job_id: &str, delivery: &Delivery) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET delivery = ?, delivery_mismatches = ? WHERE id = ? AND delivery IS NULL",
    )
    .bind(sqlx::types::Json(delivery))
    .bind(delivery.problems() as i64)
    .bind(job_id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The next renders without a delivery check, through their own index: the planner would
/// otherwise walk every finished render by state, at every start, to find none.
const TO_PROBE: &str = "SELECT id, request_body, video_path FROM jobs INDEXED BY jobs_to_probe \
     WHERE delivery IS NULL AND kind = 'generation' AND state = 'ready' \
     AND video_path IS NOT NULL ORDER BY created_at DESC LIMIT 16";

/// Probes every saved render that has no delivery check yet (those downloaded before it
/// existed), a few at a time, newest first; returns how many were checked. Each is probed
/// once: a file that is gone or unreadable is recorded as such.
pub async fn backfill(store: &Store) -> Result<usize, sqlx::Error> {
    let mut checked = 0;
    loop {
        let batch: Vec<(String, String, String)> =
            sqlx::query_as(TO_PROBE).fetch_all(store.pool()).await?;
        if batch.is_empty() {
            return Ok(checked);
        }
        for (id, request_body, video_path) in batch {
            let delivery = check_saved(Path::new(&video_path), &request_body)
                .await
                // A request that cannot be read back has nothing to compare with.
                .unwrap_or_else(|| {
                    Delivery::unreadable("the request of this render could not be read".into())
                });
            record(store, &id, &delivery).await?;
            checked += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn finding_the_renders_to_probe_reads_only_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {TO_PROBE}"))
                .fetch_all(store.pool())
                .await
                .unwrap();
        let steps: Vec<&str> = plan.iter().map(|row| row.3.as_str()).collect();
        assert_eq!(steps, ["SCAN jobs USING INDEX jobs_to_probe"], "{steps:?}");
        assert_eq!(backfill(&store).await.unwrap(), 0);
    }

    fn probe(width: u32, height: u32, duration_s: f64, audio: bool) -> media::Probe {
        media::Probe {
            width,
            height,
            fps_num: 24,
            fps_den: 1,
            duration_s,
            video_codec: "h264".into(),
            audio_codec: audio.then(|| "aac".into()),
            video_caps: String::new(),
            audio_caps: None,
            comment: None,
            title: None,
        }
    }

    fn asked(resolution: Resolution, aspect: AspectRatio, seconds: u8) -> GenerationRequest {
        let mut r = GenerationRequest::text("a lighthouse at dusk");
        r.resolution = resolution;
        r.aspect_ratio = aspect;
        r.duration = seedance_api::ClipDuration::new(seconds).unwrap();
        r
    }

    #[test]
    fn a_faithful_delivery_has_no_mismatches() {
        let r = asked(Resolution::P1080, AspectRatio::Portrait9x16, 6);
        assert_eq!(compare(&r, &probe(1080, 1920, 6.04, true)), []);
        // Within the tolerances: 2 % of proportions, half a second.
        assert_eq!(compare(&r, &probe(1080, 1940, 5.6, true)), []);
    }

    #[test]
    fn the_reported_cases_are_named_by_field() {
        let r = asked(Resolution::P1080, AspectRatio::Portrait9x16, 6);
        assert_eq!(
            compare(&r, &probe(720, 1280, 6.0, true)),
            [Mismatch {
                field: DeliveryField::Resolution,
                asked: "1080p".into(),
                got: "720x1280".into()
            }]
        );
        // 496x864 for a 720p 9:16: too small, and 3 % too wide.
        let r = asked(Resolution::P720, AspectRatio::Portrait9x16, 5);
        let fields: Vec<_> = compare(&r, &probe(496, 864, 5.0, true))
            .into_iter()
            .map(|m| m.field)
            .collect();
        assert_eq!(
            fields,
            [DeliveryField::Resolution, DeliveryField::AspectRatio]
        );
    }

    #[test]
    fn duration_audio_and_adaptive() {
        let mut r = asked(Resolution::P720, AspectRatio::Adaptive, 8);
        let got = compare(&r, &probe(960, 720, 6.0, false));
        assert_eq!(
            got,
            [
                Mismatch {
                    field: DeliveryField::Duration,
                    asked: "8s".into(),
                    got: "6.0s".into()
                },
                Mismatch {
                    field: DeliveryField::GenerateAudio,
                    asked: "audio".into(),
                    got: "no audio".into()
                }
            ]
        );
        r.generate_audio = false;
        assert_eq!(compare(&r, &probe(720, 960, 8.2, false)), []);
    }

    #[test]
    fn a_missing_file_is_unreadable_and_counts_as_a_problem() {
        let d = check_file(
            Path::new("/nonexistent/video.mp4"),
            &GenerationRequest::text("..."),
        );
        assert!(d.unreadable.is_some());
        assert_eq!(d.problems(), 1);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["has_audio"], false);
    }
}
