//! What the desk's verbs answer with: the shapes the window renders (and the tests read),
//! built from the history's rows in one place.

use serde::Serialize;

use crate::connection::ConnectionMode;
use crate::keychain::KeySource;
use crate::library::{Cursor, DayCredits, RenderLink};
use crate::{Job, JobState};
use seedance_api::{AspectRatio, Channel, GenerationRequest, Mode, QualityTier, Resolution};

/// The API the app talks to right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionInfo {
    pub mode: ConnectionMode,
    pub base_url: String,
    /// True when `SEEDANCE_BASE_URL` chose the base URL for this process.
    pub base_url_from_env: bool,
}

/// What the app knows about the API key, never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyStatus {
    /// Where the Live key comes from: `environment` overrides the keychain.
    pub source: KeySource,
    /// Whether the keychain holds a key (false when it could not be asked).
    pub stored: bool,
    /// Why the keychain could not be used, and what to do.
    pub keychain_problem: Option<String>,
}

/// The result of testing the Live key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyCheck {
    pub valid: bool,
    /// The Live base URL that was asked.
    pub base_url: String,
    pub message: String,
}

/// A job as the Queue and the Library list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobSummary {
    pub id: String,
    /// A generation, or a project's assembled cut.
    pub kind: crate::job::RenderKind,
    pub state: JobState,
    pub prompt: String,
    pub task_id: Option<String>,
    pub mode: Mode,
    pub quality_tier: QualityTier,
    pub channel: Channel,
    pub resolution: Resolution,
    pub aspect_ratio: AspectRatio,
    pub duration: i64,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub updated_at: i64,
    /// When the service accepted it, and how long renders like it took (for progress).
    pub submitted_at: Option<i64>,
    pub expected_ms: Option<i64>,
    pub favourite: bool,
    /// Whether the video and the last frame are saved locally.
    pub has_video: bool,
    pub has_frame: bool,
    pub credits_used: Option<i64>,
    pub credits_refunded: Option<i64>,
    /// The seed the service used (for "reuse seed").
    pub seed: Option<i64>,
    pub error_message: Option<String>,
    /// Why it waits for a person, in English (also for records made before codes)…
    pub attention_reason: Option<String>,
    /// …and as a code with its values, for the front end to say in its language.
    pub attention: Option<crate::attention::Attention>,
    /// What the downloaded video holds against what was asked (`None` until probed).
    pub delivery: Option<crate::delivery::Delivery>,
    /// A person's tags, alphabetical.
    pub tags: Vec<String>,
    /// A person's judgement: 1 to 5 stars, and rejected or not.
    pub rating: Option<i64>,
    pub rejected: bool,
}

impl From<&Job> for JobSummary {
    fn from(j: &Job) -> Self {
        Self {
            id: j.id.clone(),
            kind: j.kind,
            state: j.state(),
            prompt: j.prompt.clone(),
            task_id: j.task_id.clone(),
            mode: j.mode,
            quality_tier: j.quality_tier,
            channel: j.channel,
            resolution: j.resolution,
            aspect_ratio: j.aspect_ratio,
            duration: j.duration,
            created_at: j.created_at,
            updated_at: j.updated_at,
            submitted_at: j.submitted_at,
            expected_ms: j.expected_ms,
            favourite: j.favourite,
            has_video: j.video_path.is_some(),
            has_frame: j.frame_path.is_some(),
            credits_used: j.credits_used,
            credits_refunded: j.credits_refunded,
            seed: j.seed,
            error_message: j.error_message.clone(),
            attention_reason: j.attention_reason.clone(),
            attention: j.attention.as_ref().map(|a| a.0.clone()),
            delivery: j.delivery.as_ref().map(|d| d.0.clone()),
            tags: j.tags.clone(),
            rating: j.rating,
            rejected: j.rejected,
        }
    }
}

/// One page of the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LibraryPage {
    pub items: Vec<JobSummary>,
    pub next: Option<Cursor>,
}

/// Everything about one render.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobDetail {
    pub summary: JobSummary,
    /// Every parameter it was sent with (defaults filled in).
    pub request: Option<GenerationRequest>,
    pub video_url: Option<String>,
    pub last_frame_url: Option<String>,
    pub video_path: Option<String>,
    pub frame_path: Option<String>,
    pub video_bytes: Option<i64>,
    pub completed_at: Option<i64>,
    pub retry_of: Option<String>,
    /// The `seedance` command that renders it again.
    pub command: String,
    /// The render this one continues (while it is in the history), from its `clip` or last
    /// `frame`; and the renders that continue this one.
    pub extends: Option<RenderLink>,
    pub extends_from: Option<String>,
    pub extended_by: Vec<RenderLink>,
}

/// A tag of the history and how many renders carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagCount {
    pub tag: String,
    pub renders: i64,
}

/// Credits per day and in total, and the disk the renders take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CreditsSummary {
    pub days: Vec<DayCredits>,
    pub used: i64,
    pub refunded: i64,
    pub disk_bytes: u64,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportResult {
    pub added: u32,
    pub skipped: u32,
}

/// Quotes `s` for a POSIX shell.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `seedance generate` command for `r`, with every parameter spelled out.
pub fn seedance_command(r: &GenerationRequest, sandbox: bool) -> String {
    let mut cmd = String::from("seedance");
    if sandbox {
        cmd.push_str(" --sandbox");
    }
    cmd.push_str(&format!(
        " generate --prompt {} --mode {} --tier {} --channel {} --aspect {} --duration {} --resolution {}",
        quoted(&r.prompt),
        r.mode.as_str(),
        r.quality_tier.as_str(),
        r.channel.as_str(),
        r.aspect_ratio.as_str(),
        r.duration.seconds(),
        r.resolution.as_str()
    ));
    if let Some(u) = &r.image_url {
        cmd.push_str(&format!(" --image {}", quoted(u)));
    }
    if let Some(u) = &r.end_image_url {
        cmd.push_str(&format!(" --end-image {}", quoted(u)));
    }
    for u in &r.media_urls {
        cmd.push_str(&format!(" --media {}", quoted(u)));
    }
    if !r.generate_audio {
        cmd.push_str(" --no-audio");
    }
    if r.fixed_lens {
        cmd.push_str(" --fixed-lens");
    }
    if let Some(seed) = r.seed {
        cmd.push_str(&format!(" --seed {seed}"));
    }
    cmd.push_str(" --wait");
    cmd
}

/// The name offered for a new export: `seedance-library-YYYY-MM-DD.json` (UTC).
/// The command that assembles again the cut whose provenance is `provenance` (JSON).
pub fn assemble_command(provenance: &str, sandbox: bool) -> String {
    let name = serde_json::from_str::<serde_json::Value>(provenance)
        .ok()
        .and_then(|p| p["project"]["name"].as_str().map(str::to_string))
        .unwrap_or_default();
    let sandbox = if sandbox { " --sandbox" } else { "" };
    format!(
        "seedance{sandbox} project assemble {} --out cut.mp4",
        quoted(&name)
    )
}

pub fn export_file_name() -> String {
    export_file_name_on(time::OffsetDateTime::now_utc().date())
}

fn export_file_name_on(day: time::Date) -> String {
    format!(
        "seedance-library-{:04}-{:02}-{:02}.json",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_files_are_named_by_their_date() {
        let day = time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
        assert_eq!(export_file_name_on(day), "seedance-library-2026-12-01.json");
        let name = export_file_name();
        assert!(
            name.starts_with("seedance-library-20") && name.ends_with(".json"),
            "{name}"
        );
    }

    #[test]
    fn the_command_renders_the_same_request_again() {
        let r: GenerationRequest = serde_json::from_value(serde_json::json!({
            "prompt": "it's a kite", "quality_tier": "pro", "resolution": "4k",
            "media_urls": ["https://example.com/a.png"], "generate_audio": false, "seed": 42
        }))
        .unwrap();
        assert_eq!(
            seedance_command(&r, false),
            "seedance generate --prompt 'it'\\''s a kite' --mode text-to-video --tier pro --channel standard --aspect 16:9 --duration 5 --resolution 4k --media 'https://example.com/a.png' --no-audio --seed 42 --wait"
        );
        assert!(seedance_command(&r, true).starts_with("seedance --sandbox generate"));
    }
}
