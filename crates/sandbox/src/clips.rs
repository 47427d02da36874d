//! The videos the sandbox delivers: a clip of the shape each request asked for (its
//! resolution's short side, its aspect ratio, its duration, with audio or without), made
//! once per shape with the media engine and kept in a cache folder every sandbox on the
//! machine shares, so a client's delivery check meets real files of the right shape.
//! [`WrongDelivery`] makes it deliver another shape on purpose, as services have.
//!
//! A clip is made when its task is created, off the async threads and one at a time (two
//! cores make one clip faster than two), so it is usually ready before the render is. A
//! download waits for it. Where the media engine cannot make one (no H.264 encoder, say),
//! the committed sample of the aspect ratio stands in, and the log says so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::{OnceCell, Semaphore};

use crate::rules::Generation;

/// Frames per second of every delivered clip (what the service delivers).
const FPS: u32 = 24;

/// Which of a request's settings the sandbox gets wrong on purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WrongDelivery {
    /// A smaller picture: 720 short side for 1080p and up, 480 for 720p.
    pub resolution: bool,
    /// The other orientation (16:9 delivered as 9:16), 4:3 for a square.
    pub aspect_ratio: bool,
    /// Two seconds short.
    pub duration: bool,
    /// Silent when audio was asked for, with audio when it was not.
    pub generate_audio: bool,
}

impl WrongDelivery {
    /// The fields a flag may name, as the API names them.
    pub const FIELDS: &[&str] = &["resolution", "aspect_ratio", "duration", "generate_audio"];

    /// Reads a comma-separated list of [`Self::FIELDS`].
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut wrong = Self::default();
        for field in list.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            match field {
                "resolution" => wrong.resolution = true,
                "aspect_ratio" => wrong.aspect_ratio = true,
                "duration" => wrong.duration = true,
                "generate_audio" => wrong.generate_audio = true,
                other => {
                    return Err(format!(
                        "{other:?} is not a setting the sandbox can deliver wrongly; use any of {}",
                        Self::FIELDS.join(", ")
                    ));
                }
            }
        }
        Ok(wrong)
    }

    pub fn any(&self) -> bool {
        self.resolution || self.aspect_ratio || self.duration || self.generate_audio
    }
}

/// The shape of a delivered clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    pub width: u32,
    pub height: u32,
    pub seconds: u32,
    pub audio: bool,
}

impl Shape {
    /// What the sandbox delivers for `generation`, wrong where `wrong` says.
    pub fn of(generation: &Generation, wrong: WrongDelivery) -> Self {
        let mut short = match generation.resolution.as_str() {
            "4k" => 2160,
            "1080p" | "1080p-plus" => 1080,
            _ => 720,
        };
        if wrong.resolution {
            short = if short > 720 { 720 } else { 480 };
        }
        let (mut across, mut down) = match generation.aspect_ratio.as_str() {
            "1:1" => (1, 1),
            "21:9" => (21, 9),
            "4:3" => (4, 3),
            "3:4" => (3, 4),
            "9:16" => (9, 16),
            _ => (16, 9),
        };
        if wrong.aspect_ratio {
            (across, down) = if across == down {
                (4, 3)
            } else {
                (down, across)
            };
        }
        let long = |short: u32, ratio: f64| ((f64::from(short) * ratio / 2.0).round() as u32) * 2;
        let (width, height) = if across >= down {
            (long(short, f64::from(across) / f64::from(down)), short)
        } else {
            (short, long(short, f64::from(down) / f64::from(across)))
        };
        let seconds = if wrong.duration {
            generation.duration.saturating_sub(2).max(1)
        } else {
            generation.duration
        };
        Self {
            width,
            height,
            seconds,
            audio: generation.generate_audio != wrong.generate_audio,
        }
    }

    fn file_stem(&self) -> String {
        let audio = if self.audio { "audio" } else { "silent" };
        format!(
            "{}x{}-{}s-{FPS}fps-{audio}",
            self.width, self.height, self.seconds
        )
    }
}

/// A delivered video and the JPEG of its last frame.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub video: Bytes,
    pub last_frame: Bytes,
}

/// The clips made so far, by shape, and the folder they are cached in.
pub struct Clips {
    dir: PathBuf,
    made: Mutex<HashMap<Shape, Arc<OnceCell<Option<Delivery>>>>>,
    one_at_a_time: Semaphore,
}

impl Clips {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            made: Mutex::new(HashMap::new()),
            one_at_a_time: Semaphore::new(1),
        }
    }

    /// The folder every sandbox on this machine shares unless told otherwise.
    pub fn default_dir() -> PathBuf {
        std::env::temp_dir().join("seedance-sandbox-clips-v1")
    }

    /// The clip of `shape`: from memory, from the cache folder, or made now. `None` when
    /// the media engine cannot make it.
    pub async fn get(&self, shape: Shape) -> Option<Delivery> {
        let cell = self.made.lock().unwrap().entry(shape).or_default().clone();
        cell.get_or_init(|| async {
            let _turn = self.one_at_a_time.acquire().await.ok()?;
            let dir = self.dir.clone();
            match tokio::task::spawn_blocking(move || cached_or_made(&dir, shape)).await {
                Ok(Ok(delivery)) => Some(delivery),
                Ok(Err(e)) => {
                    eprintln!(
                        "seedance-sandbox: no {shape:?} clip ({e}); delivering the sample instead"
                    );
                    None
                }
                Err(e) => {
                    eprintln!("seedance-sandbox: making a {shape:?} clip failed: {e}");
                    None
                }
            }
        })
        .await
        .clone()
    }
}

/// Reads the cached clip of `shape` in `dir`, making it first when it is not there. Files
/// are written aside and renamed, so a second process never reads half a clip.
fn cached_or_made(dir: &Path, shape: Shape) -> Result<Delivery, String> {
    let stem = shape.file_stem();
    let video = dir.join(format!("{stem}.mp4"));
    let frame = dir.join(format!("{stem}.jpg"));
    if let (Ok(video), Ok(frame)) = (std::fs::read(&video), std::fs::read(&frame)) {
        return Ok(Delivery {
            video: video.into(),
            last_frame: frame.into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let aside = |path: &Path| {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".part-{}", std::process::id()));
        path.with_file_name(name)
    };
    let (video_part, frame_part) = (aside(&video), aside(&frame));
    let made = (|| {
        seedance_media::synth::make_clip(
            &video_part,
            seedance_media::synth::ClipShape {
                width: shape.width,
                height: shape.height,
                fps: FPS,
                frames: shape.seconds * FPS,
                audio: shape.audio,
                // A pattern with motion, so players and thumbnails show it moving.
                pattern: 18,
            },
        )
        .map_err(|e| e.to_string())?;
        let last = seedance_media::frame_at(&video_part, f64::from(shape.seconds) - 0.05)
            .map_err(|e| e.to_string())?;
        last.save_with_format(&frame_part, image::ImageFormat::Jpeg)
            .map_err(|e| e.to_string())?;
        // The picture goes last: a cached video always has its frame beside it.
        std::fs::rename(&frame_part, &frame).map_err(|e| e.to_string())?;
        std::fs::rename(&video_part, &video).map_err(|e| e.to_string())
    })();
    if let Err(e) = made {
        let _ = std::fs::remove_file(&video_part);
        let _ = std::fs::remove_file(&frame_part);
        return Err(e);
    }
    Ok(Delivery {
        video: std::fs::read(&video).map_err(|e| e.to_string())?.into(),
        last_frame: std::fs::read(&frame).map_err(|e| e.to_string())?.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(resolution: &str, aspect_ratio: &str, duration: u32, audio: bool) -> Generation {
        let body = serde_json::json!({
            "prompt": "a lighthouse at dusk",
            "quality_tier": "pro",
            "resolution": resolution,
            "aspect_ratio": aspect_ratio,
            "duration": duration.to_string(),
            "generate_audio": audio,
        });
        crate::rules::check(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn shapes_follow_the_request() {
        let shape = |r, a, d, audio| Shape::of(&asked(r, a, d, audio), WrongDelivery::default());
        assert_eq!(
            shape("1080p", "9:16", 5, true),
            Shape {
                width: 1080,
                height: 1920,
                seconds: 5,
                audio: true
            }
        );
        assert_eq!(shape("720p", "16:9", 4, false).width, 1280);
        assert_eq!(shape("720p", "21:9", 4, false).width, 1680);
        assert_eq!(shape("4k", "1:1", 4, false).height, 2160);
        assert_eq!(shape("1080p-plus", "4:3", 4, false).width, 1440);
        assert_eq!(shape("720p", "adaptive", 4, false).width, 1280);
    }

    #[test]
    fn wrong_deliveries_get_each_setting_wrong() {
        let g = asked("1080p", "9:16", 6, true);
        let wrong = |list| Shape::of(&g, WrongDelivery::parse(list).unwrap());
        assert_eq!(
            (wrong("resolution").width, wrong("resolution").height),
            (720, 1280)
        );
        assert_eq!(
            (wrong("aspect_ratio").width, wrong("aspect_ratio").height),
            (1920, 1080)
        );
        assert_eq!(wrong("duration").seconds, 4);
        assert!(!wrong("generate_audio").audio);
        let all = wrong("resolution,aspect_ratio,duration,generate_audio");
        assert_eq!(
            (all.width, all.height, all.seconds, all.audio),
            (1280, 720, 4, false)
        );
        assert!(
            WrongDelivery::parse("size")
                .unwrap_err()
                .contains("resolution")
        );
    }
}
