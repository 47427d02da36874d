//! A project's edit decisions and the cut they make: per shot, the in and out points within
//! its selected take (seconds, rounded to the take's frames, out exclusive; the whole take
//! when unset) and the transition into the next shot (a cut, or a crossfade of a length).
//! `Cut` is the sequence those decisions make of the selected takes, which the media engine
//! assembles and `interchange` hands to other editors.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use seedance_api::{AspectRatio, Resolution};

use super::Settings;
use crate::media::Canvas;

/// A time in seconds within a take: finite and never negative, so it compares exactly.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EditTime(f64);

impl<'de> Deserialize<'de> for EditTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::try_from(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Eq for EditTime {}

impl EditTime {
    pub fn seconds(self) -> f64 {
        self.0
    }

    /// `seconds` rounded to the nearest frame at `fps`.
    pub fn on_frames(seconds: f64, fps: f64) -> Result<Self, String> {
        Self::try_from((seconds * fps).round() / fps)
    }
}

impl TryFrom<f64> for EditTime {
    type Error = String;
    fn try_from(seconds: f64) -> Result<Self, String> {
        if seconds.is_finite() && seconds >= 0.0 {
            // Rounded to the microsecond, so a value read back is the value written.
            Ok(Self((seconds * 1e6).round() / 1e6))
        } else {
            Err(format!("{seconds} is not a time in seconds (0 or more)"))
        }
    }
}

/// How a shot passes into the next one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    #[default]
    Cut,
    Crossfade,
}

impl TransitionKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "cut" => Some(Self::Cut),
            "crossfade" | "dissolve" => Some(Self::Crossfade),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cut => "cut",
            Self::Crossfade => "crossfade",
        }
    }
}

/// The length of a crossfade when none is given.
pub const DEFAULT_CROSSFADE_S: f64 = 1.0;

/// One shot's edit decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ShotEdit"))]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// Where the shot starts within its take (unset: the take's start).
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub trim_in: Option<EditTime>,
    /// Where it ends, exclusive (unset: the take's end).
    #[serde(rename = "out", default, skip_serializing_if = "Option::is_none")]
    pub trim_out: Option<EditTime>,
    /// Into the next shot.
    #[serde(default)]
    pub transition: TransitionKind,
    /// A crossfade's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<EditTime>,
}

impl Edit {
    pub fn is_default(&self) -> bool {
        *self == Edit::default()
    }

    /// Seconds of crossfade into the next shot (0 for a cut).
    pub fn crossfade_s(&self) -> f64 {
        match self.transition {
            TransitionKind::Cut => 0.0,
            TransitionKind::Crossfade => self
                .seconds
                .map(EditTime::seconds)
                .unwrap_or(DEFAULT_CROSSFADE_S),
        }
    }
}

/// The canvas a project's cut is made on: its resolution's short side (720, 1080 or 2160)
/// at its aspect, at the service's 24 frames a second. `adaptive` takes the aspect of the
/// first piece (`first`: its width and height).
pub fn canvas_of(defaults: &Settings, first: Option<(u32, u32)>) -> Canvas {
    let short: u32 = match defaults.resolution.unwrap_or_default() {
        Resolution::P720 => 720,
        Resolution::P1080 | Resolution::P1080Plus => 1080,
        Resolution::K4 => 2160,
    };
    let (w, h) = match defaults.aspect.unwrap_or_default() {
        AspectRatio::Square => (1, 1),
        AspectRatio::Cinema21x9 => (21, 9),
        AspectRatio::Classic4x3 => (4, 3),
        AspectRatio::Portrait3x4 => (3, 4),
        AspectRatio::Landscape16x9 => (16, 9),
        AspectRatio::Portrait9x16 => (9, 16),
        AspectRatio::Adaptive => first.filter(|(w, h)| *w > 0 && *h > 0).unwrap_or((16, 9)),
    };
    // The long side in proportion, kept even (H.264's 4:2:0 halves both sides).
    let long =
        |a: u32, b: u32| (((u64::from(short) * u64::from(a)) / u64::from(b)) as u32 + 1) & !1;
    let (width, height) = if w >= h {
        (long(w, h), short)
    } else {
        (short, long(h, w))
    };
    Canvas {
        width,
        height,
        fps: 24,
    }
}

/// One shot of the cut: its selected take's file and the part of it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutShot {
    /// 1 for the first.
    pub index: u32,
    pub title: String,
    pub prompt: String,
    pub job_id: String,
    pub task_id: Option<String>,
    pub seed: Option<i64>,
    pub path: PathBuf,
    /// Seconds within the take.
    pub in_s: f64,
    /// `None`: to the take's end.
    pub out_s: Option<f64>,
    pub transition: TransitionKind,
    /// Seconds of crossfade into the next shot (0 for a cut).
    pub crossfade_s: f64,
}

/// An assembled cut, for the Library: a render of its project that was never sent.
#[derive(Debug, Clone, PartialEq)]
pub struct CutRender {
    pub job_id: String,
    pub project_id: String,
    /// What the Library shows and searches: the project's name and its shots.
    pub prompt: String,
    /// The provenance (JSON), kept as the render's body.
    pub provenance: String,
    pub defaults: Settings,
    pub duration_s: f64,
    pub video: PathBuf,
    pub video_bytes: u64,
    pub video_sha256: String,
    pub frame: Option<PathBuf>,
}

/// Records `cut` as a ready render of kind `cut`, with the event that tells every window.
pub async fn record(store: &crate::store::Store, cut: &CutRender) -> Result<(), sqlx::Error> {
    let now = crate::clock::now_ms();
    let s = &cut.defaults;
    let mut tx = store.write().await?;
    sqlx::query(
        "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
         quality_tier, channel, aspect_ratio, resolution, duration, completed_at, video_path, video_bytes, \
         video_sha256, frame_path, kind, project_id) \
         VALUES (?, ?, ?, 'ready', ?, ?, ?, 'text-to-video', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'cut', ?)",
    )
    .bind(&cut.job_id)
    .bind(now)
    .bind(now)
    .bind(&cut.provenance)
    .bind(format!("cut-{}", cut.job_id))
    .bind(&cut.prompt)
    .bind(s.tier.unwrap_or_default().as_str())
    .bind(s.channel.unwrap_or_default().as_str())
    .bind(s.aspect.unwrap_or_default().as_str())
    .bind(s.resolution.unwrap_or_default().as_str())
    .bind(cut.duration_s.round() as i64)
    .bind(now)
    .bind(cut.video.to_string_lossy())
    .bind(cut.video_bytes as i64)
    .bind(&cut.video_sha256)
    .bind(cut.frame.as_ref().map(|f| f.to_string_lossy().into_owned()))
    .bind(&cut.project_id)
    .execute(&mut *tx)
    .await?;
    crate::events::record(
        &mut tx,
        "cut",
        now,
        &cut.job_id,
        crate::JobState::Ready,
        Some("assembled"),
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canvases_follow_the_short_side_and_the_aspect() {
        let at = |resolution, aspect| {
            let c = canvas_of(
                &Settings {
                    resolution: Some(resolution),
                    aspect: Some(aspect),
                    ..Settings::default()
                },
                Some((496, 864)),
            );
            (c.width, c.height)
        };
        assert_eq!(
            at(Resolution::P720, AspectRatio::Landscape16x9),
            (1280, 720)
        );
        assert_eq!(
            at(Resolution::P1080, AspectRatio::Portrait9x16),
            (1080, 1920)
        );
        assert_eq!(at(Resolution::P720, AspectRatio::Classic4x3), (960, 720));
        assert_eq!(at(Resolution::P1080, AspectRatio::Cinema21x9), (2520, 1080));
        assert_eq!(at(Resolution::K4, AspectRatio::Square), (2160, 2160));
        // 496:864 at 720p: 720 wide, the long side kept even.
        assert_eq!(at(Resolution::P720, AspectRatio::Adaptive), (720, 1254));
    }

    #[test]
    fn edit_times_are_frames_and_never_negative() {
        assert_eq!(EditTime::on_frames(0.51, 24.0).unwrap().seconds(), 0.5);
        assert_eq!(EditTime::on_frames(1.02, 30.0).unwrap().seconds(), 1.033333);
        assert!(EditTime::try_from(-0.1).is_err());
        assert!(EditTime::try_from(f64::NAN).is_err());
        let e: Edit =
            serde_json::from_str(r#"{"in":0.5,"out":4,"transition":"crossfade","seconds":1.5}"#)
                .unwrap();
        assert_eq!(e.crossfade_s(), 1.5);
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"in":0.5,"out":4.0,"transition":"crossfade","seconds":1.5}"#
        );
        assert!(serde_json::from_str::<Edit>(r#"{"in":-1}"#).is_err());
        assert_eq!(Edit::default().crossfade_s(), 0.0);
    }
}
