//! Projects: a film planned as an ordered storyboard of shots, each rendered as takes
//! (jobs of the history), chained from the previous shot's selected take, within a credit
//! budget. This module holds the plan's types and how a shot becomes a request;
//! `storyboard` reads and writes the files people and other tools write (Markdown, CSV,
//! JSON), `records` keeps projects, shots and takes in the history's database.

pub mod cut;
pub mod edits;
pub mod interchange;
pub mod plan;
pub mod records;
pub mod storyboard;

use seedance_api::{
    AspectRatio, Channel, ClipDuration, GenerationRequest, Mode, QualityTier, Resolution,
};
use serde::{Deserialize, Deserializer, Serialize};

pub use cut::Edit;

/// The phrase a shot chained by `clip` gets at the end of its prompt, as the prompt guide
/// asks for an extension.
pub const CONTINUE_PHRASE: &str = "Continue from the supplied previous clip.";

/// How a shot follows the one before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[sqlx(rename_all = "kebab-case")]
pub enum Chain {
    /// It stands alone.
    #[default]
    None,
    /// Its start frame is the last frame of the previous shot's selected take.
    LastFrame,
    /// The previous shot's selected take is its media reference, and its prompt says to
    /// continue from it.
    Clip,
}

impl Chain {
    pub const ALL: [Self; 3] = [Self::None, Self::LastFrame, Self::Clip];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::LastFrame => "last-frame",
            Self::Clip => "clip",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "none" => Some(Self::None),
            "last-frame" => Some(Self::LastFrame),
            "clip" => Some(Self::Clip),
            _ => None,
        }
    }

    fn is_none(&self) -> bool {
        *self == Self::None
    }
}

/// Render settings a project sets for every shot, or a shot for itself (where it differs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ShotSettings"))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<QualityTier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<AspectRatio>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Seconds, 4 to 15 (a number, or a string as the API takes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Seconds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<bool>,
    /// Keep the camera still (the API's `fixed_lens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_lens: Option<bool>,
}

impl Settings {
    /// These settings where they are set, else `base`'s.
    pub fn over(&self, base: &Settings) -> Settings {
        Settings {
            tier: self.tier.or(base.tier),
            channel: self.channel.or(base.channel),
            aspect: self.aspect.or(base.aspect),
            resolution: self.resolution.or(base.resolution),
            duration: self.duration.or(base.duration),
            audio: self.audio.or(base.audio),
            fixed_lens: self.fixed_lens.or(base.fixed_lens),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Settings::default()
    }
}

/// A clip's length in seconds (4 to 15), read from a number or a string as the API takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Seconds(pub u8);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(u8),
            Text(String),
        }
        match Written::deserialize(d)? {
            Written::Number(n) => Ok(Self(n)),
            Written::Text(t) => t.trim().parse().map(Self).map_err(|_| {
                serde::de::Error::custom(format!("duration {t:?} is not a whole number of seconds"))
            }),
        }
    }
}

/// A whole project as a storyboard file says it: what import reads and export writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storyboard {
    pub name: String,
    #[serde(default)]
    pub notes: String,
    /// The credit ceiling for every render of the project.
    #[serde(default)]
    pub budget: Option<u64>,
    #[serde(default)]
    pub defaults: Settings,
    pub shots: Vec<ShotPlan>,
}

/// One shot as planned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ShotPlan {
    #[serde(default)]
    pub title: String,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Chain::is_none")]
    pub chain: Chain,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    #[serde(default, skip_serializing_if = "Settings::is_empty")]
    pub settings: Settings,
    /// A start frame (public https URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_image: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<String>,
    /// The director's fields the prompt was built from, when it was directed in the
    /// composer (the prompt is what is sent; these are kept to direct it again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Its edit decisions in the project's cut (in and out points, the transition into the
    /// next shot).
    #[serde(default, skip_serializing_if = "Edit::is_default")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub edit: Edit,
}

/// A prompt as the composer's director mode builds it: the parts the vendor's prompt guide
/// asks for, ordered shots within the clip, and the constraint package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ShotDirection"))]
#[serde(default, deny_unknown_fields)]
pub struct Direction {
    pub subject: String,
    pub action: String,
    pub scene: String,
    pub camera: String,
    pub style: String,
    /// Beats within the clip, in order.
    pub shots: Vec<String>,
    pub constraints: Vec<String>,
    pub extra: String,
}

impl ShotPlan {
    /// The request this shot sends with the project's `defaults`, given what it is chained
    /// from (`previous`: the previous take's last frame for `last-frame`, its video for
    /// `clip`; ignored for `none`).
    pub fn request(&self, defaults: &Settings, previous: Option<&str>) -> GenerationRequest {
        let s = self.settings.over(defaults);
        let mut prompt = self.prompt.clone();
        let mut image_url = self.image.clone();
        let mut media_urls = self.media.clone();
        match (self.chain, previous) {
            (Chain::LastFrame, Some(frame)) => image_url = Some(frame.to_string()),
            (Chain::Clip, Some(clip)) => {
                media_urls.insert(0, clip.to_string());
                if !prompt
                    .to_lowercase()
                    .contains("continue from the supplied previous clip")
                {
                    prompt = format!("{}\n\n{CONTINUE_PHRASE}", prompt.trim_end());
                }
            }
            _ => {}
        }
        let mode = if image_url.is_some() {
            Mode::ImageToVideo
        } else if !media_urls.is_empty() {
            Mode::MediaToVideo
        } else {
            Mode::TextToVideo
        };
        GenerationRequest {
            mode,
            quality_tier: s.tier.unwrap_or_default(),
            channel: s.channel.unwrap_or_default(),
            aspect_ratio: s.aspect.unwrap_or_default(),
            resolution: s.resolution.unwrap_or_default(),
            duration: s
                .duration
                .and_then(|d| ClipDuration::new(d.0))
                .unwrap_or(ClipDuration::DEFAULT),
            generate_audio: s.audio.unwrap_or(true),
            fixed_lens: s.fixed_lens.unwrap_or(false),
            seed: self.seed,
            end_image_url: self.end_image.clone(),
            image_url,
            media_urls,
            prompt,
        }
    }

    /// The request this shot would send, before the take it is chained from exists: a
    /// stand-in URL where the chain puts it, so that it can be checked and estimated.
    pub fn request_as_planned(&self, defaults: &Settings) -> GenerationRequest {
        let stand_in = match self.chain {
            Chain::None => None,
            Chain::LastFrame => Some("https://chained.invalid/last-frame.jpg"),
            Chain::Clip => Some("https://chained.invalid/video.mp4"),
        };
        self.request(defaults, stand_in)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shot_takes_the_project_s_settings_where_it_sets_none() {
        let defaults = Settings {
            aspect: Some(AspectRatio::Portrait9x16),
            duration: Some(Seconds(8)),
            ..Settings::default()
        };
        let shot = ShotPlan {
            prompt: "a lighthouse in fog".into(),
            settings: Settings {
                duration: Some(Seconds(5)),
                audio: Some(false),
                ..Settings::default()
            },
            ..ShotPlan::default()
        };
        let r = shot.request(&defaults, None);
        assert_eq!(r.aspect_ratio, AspectRatio::Portrait9x16);
        assert_eq!(r.duration.seconds(), 5);
        assert!(!r.generate_audio);
        assert_eq!(r.mode, Mode::TextToVideo);
    }

    #[test]
    fn chains_set_the_start_frame_or_the_clip_and_its_phrase() {
        let mut shot = ShotPlan {
            prompt: "passengers look out at the snow".into(),
            chain: Chain::LastFrame,
            ..ShotPlan::default()
        };
        let r = shot.request(&Settings::default(), Some("https://x.test/f.jpg"));
        assert_eq!(r.mode, Mode::ImageToVideo);
        assert_eq!(r.image_url.as_deref(), Some("https://x.test/f.jpg"));
        shot.chain = Chain::Clip;
        shot.media = vec!["https://x.test/style.png".into()];
        let r = shot.request(&Settings::default(), Some("https://x.test/v.mp4"));
        assert_eq!(r.mode, Mode::MediaToVideo);
        assert_eq!(
            r.media_urls,
            ["https://x.test/v.mp4", "https://x.test/style.png"]
        );
        assert!(r.prompt.ends_with(CONTINUE_PHRASE));
    }
}
