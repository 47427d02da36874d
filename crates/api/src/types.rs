//! The request and task types of the API, shaped exactly like its JSON.
//!
//! Defaults are omitted from the request body: the service applies them, and a body that
//! only says what differs is also the canonical form the engine stores and resends.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, default $default:ident, { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
        pub enum $name {
            $(
                #[serde(rename = $wire)]
                #[cfg_attr(feature = "sqlx", sqlx(rename = $wire))]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order the API lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// What the service uses when the field is omitted.
            pub const DEFAULT: Self = Self::$default;

            /// The value as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire),+
                }
            }

            /// Parses the wire form.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }

            fn is_default(&self) -> bool {
                *self == Self::$default
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::$default
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// Generation mode.
    Mode, default TextToVideo, {
        TextToVideo => "text-to-video",
        ImageToVideo => "image-to-video",
        MediaToVideo => "media-to-video",
    }
);

wire_enum!(
    /// Quality tier.
    QualityTier, default Standard, {
        Mini => "mini",
        Standard => "standard",
        Pro => "pro",
    }
);

wire_enum!(
    /// Rendering channel.
    Channel, default Standard, {
        Standard => "standard",
        Real => "real",
        Wild => "wild",
    }
);

wire_enum!(
    /// Aspect ratio of the clip.
    AspectRatio, default Landscape16x9, {
        Square => "1:1",
        Cinema21x9 => "21:9",
        Classic4x3 => "4:3",
        Portrait3x4 => "3:4",
        Landscape16x9 => "16:9",
        Portrait9x16 => "9:16",
        Adaptive => "adaptive",
    }
);

wire_enum!(
    /// Output resolution; `1080p-plus` and `4k` need the pro tier.
    Resolution, default P720, {
        P720 => "720p",
        P1080 => "1080p",
        P1080Plus => "1080p-plus",
        K4 => "4k",
    }
);

impl Resolution {
    /// Whether this resolution is only offered on the pro tier.
    pub fn needs_pro(self) -> bool {
        matches!(self, Self::P1080Plus | Self::K4)
    }
}

/// A clip length from 4 to 15 seconds; sent as a string (`"5"`), as the API expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClipDuration(u8);

impl ClipDuration {
    pub const MIN: u8 = 4;
    pub const MAX: u8 = 15;
    pub const DEFAULT: Self = Self(5);

    /// `None` outside 4–15.
    pub fn new(seconds: u8) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&seconds)
            .then_some(Self(seconds))
    }

    pub fn seconds(self) -> u8 {
        self.0
    }
}

impl Default for ClipDuration {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Serialize for ClipDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for ClipDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<u8>()
            .ok()
            .filter(|n| n.to_string() == s)
            .and_then(Self::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("duration must be \"4\" to \"15\", got {s:?}"))
            })
    }
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A request to render a clip. Build one, then [`crate::validate`] it before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GenerationRequest {
    #[serde(default, skip_serializing_if = "Mode::is_default")]
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "QualityTier::is_default")]
    pub quality_tier: QualityTier,
    #[serde(default, skip_serializing_if = "Channel::is_default")]
    pub channel: Channel,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "AspectRatio::is_default")]
    pub aspect_ratio: AspectRatio,
    /// Seconds as a string, `"4"` to `"15"`, as on the wire.
    #[serde(default, skip_serializing_if = "is_default_duration")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub duration: ClipDuration,
    #[serde(default, skip_serializing_if = "Resolution::is_default")]
    pub resolution: Resolution,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_urls: Vec<String>,
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub generate_audio: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub fixed_lens: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
}

fn default_true() -> bool {
    true
}

fn is_default_duration(d: &ClipDuration) -> bool {
    *d == ClipDuration::DEFAULT
}

impl GenerationRequest {
    /// A text-to-video request with every other field at the service's default.
    pub fn text(prompt: impl Into<String>) -> Self {
        Self {
            mode: Mode::DEFAULT,
            quality_tier: QualityTier::DEFAULT,
            channel: Channel::DEFAULT,
            prompt: prompt.into(),
            aspect_ratio: AspectRatio::DEFAULT,
            duration: ClipDuration::DEFAULT,
            resolution: Resolution::DEFAULT,
            image_url: None,
            end_image_url: None,
            media_urls: Vec::new(),
            generate_audio: true,
            fixed_lens: false,
            seed: None,
        }
    }
}

/// Where a task stands. Values the client does not know are kept, not treated as errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStatus {
    Processing,
    Completed,
    Failed,
    Unknown(String),
}

impl TaskStatus {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Unknown(s) => s,
        }
    }

    /// Completed or failed: nothing more will happen to it.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(d)?.as_str() {
            "processing" => Self::Processing,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            other => Self::Unknown(other.to_string()),
        })
    }
}

/// What a finished render produced. The URLs are temporary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOutput {
    pub video_url: Option<String>,
    pub last_frame_url: Option<String>,
    pub seed: Option<i64>,
}

/// Why a render failed, as the task reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskError {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// A task, from the 202 of a submission or from `GET /api/v1/tasks/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub status: TaskStatus,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub quality_tier: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub credits_used: Option<u64>,
    #[serde(default)]
    pub credits_refunded: Option<u64>,
    #[serde(default)]
    pub output: Option<TaskOutput>,
    #[serde(default)]
    pub error: Option<TaskError>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The answer exactly as the service sent it (every field, known or not), for the
    /// record a person can show support.
    #[serde(skip)]
    pub answer: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_omitted_and_duration_is_a_string() {
        let req = GenerationRequest::text("A glass train");
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"prompt": "A glass train"})
        );
        let req = GenerationRequest {
            quality_tier: QualityTier::Pro,
            resolution: Resolution::K4,
            duration: ClipDuration::new(10).unwrap(),
            aspect_ratio: AspectRatio::Portrait9x16,
            generate_audio: false,
            fixed_lens: true,
            seed: Some(7),
            ..GenerationRequest::text("abc")
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"quality_tier": "pro", "prompt": "abc", "aspect_ratio": "9:16", "duration": "10",
                   "resolution": "4k", "generate_audio": false, "fixed_lens": true, "seed": 7})
        );
        let back: GenerationRequest =
            serde_json::from_value(serde_json::to_value(&req).unwrap()).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn duration_holds_only_4_to_15() {
        assert!(ClipDuration::new(3).is_none() && ClipDuration::new(16).is_none());
        assert_eq!(ClipDuration::new(15).unwrap().seconds(), 15);
        assert!(serde_json::from_value::<ClipDuration>(json!("05")).is_err());
        assert!(serde_json::from_value::<ClipDuration>(json!(5)).is_err());
    }

    #[test]
    fn tasks_parse_as_documented_and_keep_unknown_statuses() {
        let t: Task = serde_json::from_value(json!({
            "id":"sd2_xxxxx","status":"completed","model":"seedance2","quality_tier":"standard",
            "channel":"standard","credits_used":30,"credits_refunded":0,
            "output":{"video_url":"https://v","last_frame_url":"https://f","seed":123},
            "error":null,"created_at":"2026-06-03T10:00:00.000Z","updated_at":"2026-06-03T10:03:12.000Z"
        }))
        .unwrap();
        assert_eq!(t.status, TaskStatus::Completed);
        assert_eq!(t.output.unwrap().seed, Some(123));
        let t: Task = serde_json::from_value(json!({"id":"a","status":"queued"})).unwrap();
        assert_eq!(t.status, TaskStatus::Unknown("queued".into()));
        assert!(!t.status.is_final());
    }

    #[test]
    fn wire_names_round_trip() {
        for r in Resolution::ALL {
            assert_eq!(Resolution::parse(r.as_str()), Some(*r));
        }
        assert_eq!(AspectRatio::ALL.len(), 7);
        assert!(Resolution::K4.needs_pro() && !Resolution::P1080.needs_pro());
    }
}
