//! The tools' arguments: their names and types are the contract agents are written against
//! (a request in the API's own field names, `job_id`, the library's filters as
//! `seedance list` has them), and their doc comments are the descriptions agents read.

use schemars::JsonSchema;
use serde::Deserialize;
use studio::JobState;
use studio::desk::{
    AspectRatio, Channel, ClipDuration, GenerationRequest, Mode, QualityTier, Resolution,
};

use super::wire::{Field, Problems};
use crate::args::LibraryQuery;
use crate::commands::generate::mode_for;

/// One render, in the API's field names and types.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct RequestArgs {
    /// What to film, written as a director's instruction (3 to 10000 characters):
    /// subject, action, scene, camera motion, visual style, then constraints (stable faces,
    /// natural motion, no deformation, no watermark, no logo, no subtitles unless wanted).
    /// For complex scenes use ordered shots. Describe each reference's role in words ("the
    /// woman in the start frame"): never raw asset ids, asset:// URLs or labels like @image1.
    /// For an edit say "strictly edit the supplied source video"; to extend a clip, "continue
    /// from the supplied previous clip". The `director` prompt turns an idea into one.
    pub prompt: Option<Field<String>>,
    /// text-to-video (no references), image-to-video (needs image_url; end_image_url is
    /// optional) or media-to-video (needs media_urls). Without it: media-to-video when
    /// media_urls are given, image-to-video when image_url is, else text-to-video.
    pub mode: Option<Field<Mode>>,
    /// mini (cheapest, about 2.2 credits a second at 720p; no seed), standard (the default,
    /// about 6 a second at 720p and 14.5 at 1080p) or pro (about 11 a second at 720p and 24
    /// at 1080p; the only tier for 1080p-plus and 4k). `estimate` gives the figure.
    pub quality_tier: Option<Field<QualityTier>>,
    /// The rendering channel: standard (the default), real (no seed) or wild.
    pub channel: Option<Field<Channel>>,
    /// 16:9 (the default), 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive.
    pub aspect_ratio: Option<Field<AspectRatio>>,
    /// Seconds, as a string as the API has it: "4" to "15" (default "5").
    pub duration: Option<Field<ClipDuration>>,
    /// 720p (the default), 1080p, or with quality_tier pro also 1080p-plus and 4k.
    pub resolution: Option<Field<Resolution>>,
    /// The opening frame: a public https URL of an image (required for image-to-video).
    pub image_url: Option<Field<String>>,
    /// The closing frame: a public https URL of an image (image-to-video only).
    pub end_image_url: Option<Field<String>>,
    /// Up to 12 public https URLs of images or videos: character, motion, style,
    /// source-video or extension references (required for media-to-video). Video URLs must
    /// answer HTTP Range requests.
    pub media_urls: Option<Field<Vec<String>>>,
    /// Render a soundtrack with the video (default true).
    pub generate_audio: Option<Field<bool>>,
    /// Lock the camera lens (default false).
    pub fixed_lens: Option<Field<bool>>,
    /// -1 to 4294967295, to make a render again the same way (`show` gives a render's
    /// seed). Not on the real channel or the mini tier.
    pub seed: Option<Field<i64>>,
}

impl RequestArgs {
    /// Whether no request field was given (an estimate of a project instead).
    pub fn is_empty(&self) -> bool {
        self.prompt.is_none()
            && self.mode.is_none()
            && self.quality_tier.is_none()
            && self.channel.is_none()
            && self.aspect_ratio.is_none()
            && self.duration.is_none()
            && self.resolution.is_none()
            && self.image_url.is_none()
            && self.end_image_url.is_none()
            && self.media_urls.is_none()
            && self.generate_audio.is_none()
            && self.fixed_lens.is_none()
            && self.seed.is_none()
    }

    /// The request, with the API's defaults for what is not given; the problems of the
    /// fields themselves go to `problems` (the rules between fields are checked later).
    pub fn request(self, problems: &mut Problems) -> GenerationRequest {
        let prompt = problems.require("prompt", self.prompt).unwrap_or_default();
        let mut r = GenerationRequest::text(prompt);
        r.image_url = problems.take("image_url", self.image_url);
        r.end_image_url = problems.take("end_image_url", self.end_image_url);
        r.media_urls = problems
            .take("media_urls", self.media_urls)
            .unwrap_or_default();
        r.mode = problems
            .take("mode", self.mode)
            .unwrap_or_else(|| mode_for(r.image_url.is_some(), !r.media_urls.is_empty()));
        if let Some(v) = problems.take("quality_tier", self.quality_tier) {
            r.quality_tier = v;
        }
        if let Some(v) = problems.take("channel", self.channel) {
            r.channel = v;
        }
        if let Some(v) = problems.take("aspect_ratio", self.aspect_ratio) {
            r.aspect_ratio = v;
        }
        if let Some(v) = problems.take("duration", self.duration) {
            r.duration = v;
        }
        if let Some(v) = problems.take("resolution", self.resolution) {
            r.resolution = v;
        }
        if let Some(v) = problems.take("generate_audio", self.generate_audio) {
            r.generate_audio = v;
        }
        if let Some(v) = problems.take("fixed_lens", self.fixed_lens) {
            r.fixed_lens = v;
        }
        r.seed = problems.take("seed", self.seed);
        r
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GenerateArgs {
    #[serde(flatten)]
    pub request: RequestArgs,
    /// Your own id for this act of submitting (1 to 64 letters, digits, '-' or '_'). A call
    /// that is tried again with the same id returns the job the first one made, never a
    /// second render or charge: set it whenever a call may be repeated.
    pub submission_id: Option<Field<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EstimateArgs {
    #[serde(flatten)]
    pub request: RequestArgs,
    /// A project's id or exact name, to estimate rendering its shots instead of one request.
    pub project: Option<Field<String>>,
    /// With project: takes per shot to have in the end, 1 to 10 (default 1; those there count).
    pub takes: Option<Field<u32>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct JobArgs {
    /// A job id (j…, as generate and search return) or the API's task id (sd2_…).
    pub job_id: Option<Field<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WaitArgs {
    /// A job id (j…) or task id (sd2_…).
    pub job_id: Option<Field<String>>,
    /// How long to wait at most, 1 to 25 seconds (default 25). The answer comes when the
    /// job has finished or the time is up, whichever is first; call wait again while its
    /// status is queued, submitting, processing or downloading. Renders take 1 to 5 minutes.
    pub timeout_s: Option<Field<u32>>,
}

/// The library's filters, as `seedance list` has them.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchArgs {
    /// Words from the prompt (`#tag` finds a tag).
    pub query: Option<Field<String>>,
    pub mode: Option<Field<Mode>>,
    /// Only renders of this quality tier.
    pub tier: Option<Field<QualityTier>>,
    /// Only jobs in this state.
    pub status: Option<Field<JobState>>,
    /// Only the person's favourites.
    pub favourite: Option<Field<bool>>,
    /// Only renders with this tag (any case).
    pub tag: Option<Field<String>>,
    /// Only the takes and cuts of this project (its id or exact name).
    pub project: Option<Field<String>>,
    /// Made on or after this day (2026-12-05, UTC) or instant (RFC 3339).
    pub since: Option<Field<String>>,
    /// Made before the end of this day (UTC), or before this instant (RFC 3339).
    pub until: Option<Field<String>>,
    /// Only renders whose video is not what was asked (the delivery check).
    pub mismatched: Option<Field<bool>>,
    /// At most this many, newest first: 1 to 100 (default 20).
    pub limit: Option<Field<u32>>,
}

impl SearchArgs {
    pub fn query(self, problems: &mut Problems) -> (LibraryQuery, u32) {
        let limit = problems.take("limit", self.limit).unwrap_or(20);
        if !(1..=100).contains(&limit) {
            problems.push("limit", format!("must be 1 to 100, not {limit}"));
        }
        let query = LibraryQuery {
            query: problems.take("query", self.query),
            mode: problems.take("mode", self.mode),
            tier: problems.take("tier", self.tier),
            status: problems.take("status", self.status),
            favourite: problems.take("favourite", self.favourite).unwrap_or(false),
            tag: problems.take("tag", self.tag),
            project: problems.take("project", self.project),
            since: problems.take("since", self.since),
            until: problems.take("until", self.until),
            mismatched: problems
                .take("mismatched", self.mismatched)
                .unwrap_or(false),
        };
        (query, limit)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProjectImportArgs {
    /// A storyboard file on this machine: .md (a `# Name` and one `## shot` section per
    /// shot), .csv (a header row, one shot per row) or .json. Every problem is listed and
    /// nothing is made when there is one.
    pub file: Option<Field<String>>,
    /// The project's name (instead of the file's `# Name`, or a CSV's file name).
    pub name: Option<Field<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProjectArgs {
    /// A project's id or exact name.
    pub project: Option<Field<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProjectRenderArgs {
    /// A project's id or exact name.
    pub project: Option<Field<String>>,
    /// Takes per shot to have in the end, 1 to 10 (default 1; those there count: never
    /// paid twice).
    pub takes: Option<Field<u32>>,
    /// Render the first shot alone, to check the look before paying for the rest.
    pub canary: Option<Field<bool>>,
    /// Paid attempts per take before the shot needs a person, 1 to 10 (default 2).
    pub max_attempts: Option<Field<u32>>,
    /// At most this many takes in flight at once, 1 to 100 (default: what the request
    /// budget allows).
    pub concurrency: Option<Field<u32>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProjectSelectArgs {
    /// A project's id or exact name.
    pub project: Option<Field<String>>,
    /// The shot's index, 1 for the first.
    pub shot: Option<Field<u32>>,
    /// The ready take to use (a job id from project_show).
    pub job_id: Option<Field<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProjectAssembleArgs {
    /// A project's id or exact name.
    pub project: Option<Field<String>>,
    /// The MP4 file to write (H.264 + AAC, on the project's canvas).
    pub out: Option<Field<String>>,
    /// Also write the edit as OpenTimelineIO to this .otio file.
    pub otio: Option<Field<String>>,
    /// Also write the edit as Final Cut Pro XML (FCPXML 1.9) to this file.
    pub fcpxml: Option<Field<String>>,
    /// Also write the edit as a CMX 3600 EDL to this .edl file.
    pub edl: Option<Field<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DirectorArgs {
    /// The idea, in a sentence or a paragraph, in any language.
    pub idea: String,
    /// What the person has to start from, if anything: a start or end frame, character or
    /// style images, a clip to extend or edit.
    pub references: Option<String>,
}

/// A count within `range`, or a problem.
pub fn count_in(
    problems: &mut Problems,
    field: &str,
    value: Option<Field<u32>>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> u32 {
    let n = problems.take(field, value).unwrap_or(default);
    if !range.contains(&n) {
        problems.push(
            field,
            format!("must be {} to {}, not {n}", range.start(), range.end()),
        );
    }
    n
}
