//! Every rule of the request table, checked before anything leaves the machine, with every
//! problem reported at once: which field, and what is allowed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::types::{Channel, GenerationRequest, Mode, QualityTier};

pub const PROMPT_MIN_CHARS: usize = 3;
pub const PROMPT_MAX_CHARS: usize = 10_000;
pub const MAX_MEDIA_URLS: usize = 12;
pub const SEED_MIN: i64 = -1;
pub const SEED_MAX: i64 = 4_294_967_295;

/// Which rule of the request table a problem breaks, so a front end can say it in its
/// own language (with the problem's `params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// `min`, `max`, `chars`
    PromptLength,
    /// `resolution`, `tier`
    ResolutionNeedsPro,
    /// `min`, `max`, `seed`
    SeedRange,
    SeedNotOnReal,
    SeedNotOnMini,
    StartFrameRequired,
    MediaRequired,
    /// `max`, `count`
    TooManyMedia,
    AssetUrl,
    /// `value`
    NotAUrl,
    NoHost,
    HttpOnlyLoopback,
    /// `scheme`
    NotHttps,
}

impl ProblemCode {
    /// Every code, for front ends that must translate each one.
    pub const ALL: &'static [Self] = &[
        Self::PromptLength,
        Self::ResolutionNeedsPro,
        Self::SeedRange,
        Self::SeedNotOnReal,
        Self::SeedNotOnMini,
        Self::StartFrameRequired,
        Self::MediaRequired,
        Self::TooManyMedia,
        Self::AssetUrl,
        Self::NotAUrl,
        Self::NoHost,
        Self::HttpOnlyLoopback,
        Self::NotHttps,
    ];
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// The request field, e.g. `prompt` or `media_urls[3]`.
    pub field: String,
    /// What is wrong and what is allowed, for a person (in English).
    pub message: String,
    /// The rule, for a front end that says it in another language; none for problems
    /// found outside the request table (a batch file's line, an id).
    pub code: Option<ProblemCode>,
    /// The values the message names, by name (see [`ProblemCode`]).
    pub params: BTreeMap<String, String>,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            code: None,
            params: BTreeMap::new(),
        }
    }

    /// A problem with its rule's code and the values its message names.
    pub fn coded(
        field: impl Into<String>,
        code: ProblemCode,
        params: &[(&str, String)],
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: Some(code),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ..Self::new(field, message)
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A request that passed validation, with the exact bytes to send (and to resend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub request: GenerationRequest,
    pub body: Vec<u8>,
}

/// Checks `req` against every rule. `http://` references are allowed only when
/// `base_is_loopback` (the sandbox, with local storage).
pub fn validate(
    req: &GenerationRequest,
    base_is_loopback: bool,
) -> Result<PreparedRequest, Vec<Problem>> {
    let mut problems = Vec::new();

    let chars = req.prompt.chars().count();
    if !(PROMPT_MIN_CHARS..=PROMPT_MAX_CHARS).contains(&chars) {
        problems.push(Problem::coded(
            "prompt",
            ProblemCode::PromptLength,
            &[
                ("min", PROMPT_MIN_CHARS.to_string()),
                ("max", PROMPT_MAX_CHARS.to_string()),
                ("chars", chars.to_string()),
            ],
            format!("must be {PROMPT_MIN_CHARS}–{PROMPT_MAX_CHARS} characters; it has {chars}"),
        ));
    }
    if req.resolution.needs_pro() && req.quality_tier != QualityTier::Pro {
        problems.push(Problem::coded(
            "resolution",
            ProblemCode::ResolutionNeedsPro,
            &[
                ("resolution", req.resolution.to_string()),
                ("tier", req.quality_tier.to_string()),
            ],
            format!(
                "{} needs the pro quality tier (the request uses {}); choose pro, or 720p/1080p",
                req.resolution, req.quality_tier
            ),
        ));
    }
    if let Some(seed) = req.seed {
        if !(SEED_MIN..=SEED_MAX).contains(&seed) {
            problems.push(Problem::coded(
                "seed",
                ProblemCode::SeedRange,
                &[
                    ("min", SEED_MIN.to_string()),
                    ("max", SEED_MAX.to_string()),
                    ("seed", seed.to_string()),
                ],
                format!("must be from {SEED_MIN} to {SEED_MAX}; got {seed}"),
            ));
        }
        if req.channel == Channel::Real {
            problems.push(Problem::coded(
                "seed",
                ProblemCode::SeedNotOnReal,
                &[],
                "is not supported on the real channel; remove the seed or pick another channel",
            ));
        }
        if req.quality_tier == QualityTier::Mini {
            problems.push(Problem::coded(
                "seed",
                ProblemCode::SeedNotOnMini,
                &[],
                "is not supported on the mini tier; remove the seed or pick standard or pro",
            ));
        }
    }
    match (req.mode, &req.image_url) {
        (Mode::ImageToVideo, None) => problems.push(Problem::coded(
            "image_url",
            ProblemCode::StartFrameRequired,
            &[],
            "is required for image-to-video: the start frame, as a public https URL",
        )),
        (_, Some(url)) => check_url("image_url", url, base_is_loopback, &mut problems),
        _ => {}
    }
    if let Some(url) = &req.end_image_url {
        check_url("end_image_url", url, base_is_loopback, &mut problems);
    }
    if req.mode == Mode::MediaToVideo && req.media_urls.is_empty() {
        problems.push(Problem::coded(
            "media_urls",
            ProblemCode::MediaRequired,
            &[],
            "is required for media-to-video: 1 to 12 public https image or video URLs",
        ));
    }
    if req.media_urls.len() > MAX_MEDIA_URLS {
        problems.push(Problem::coded(
            "media_urls",
            ProblemCode::TooManyMedia,
            &[
                ("max", MAX_MEDIA_URLS.to_string()),
                ("count", req.media_urls.len().to_string()),
            ],
            format!(
                "takes at most {MAX_MEDIA_URLS} URLs; it has {}",
                req.media_urls.len()
            ),
        ));
    }
    for (i, url) in req.media_urls.iter().enumerate() {
        check_url(
            &format!("media_urls[{i}]"),
            url,
            base_is_loopback,
            &mut problems,
        );
    }

    if problems.is_empty() {
        let body = serde_json::to_vec(req).expect("a request always serialises");
        Ok(PreparedRequest {
            request: req.clone(),
            body,
        })
    } else {
        Err(problems)
    }
}

fn check_url(field: &str, raw: &str, base_is_loopback: bool, problems: &mut Vec<Problem>) {
    if raw.trim().to_ascii_lowercase().starts_with("asset://") {
        problems.push(Problem::coded(
            field,
            ProblemCode::AssetUrl,
            &[],
            "asset:// URLs are not accepted; use a public https URL",
        ));
        return;
    }
    let Ok(url) = url::Url::parse(raw) else {
        problems.push(Problem::coded(
            field,
            ProblemCode::NotAUrl,
            &[("value", raw.to_string())],
            format!("is not a URL: {raw:?}; use a public https URL"),
        ));
        return;
    };
    let Some(host) = url.host() else {
        problems.push(Problem::coded(
            field,
            ProblemCode::NoHost,
            &[],
            "has no host; use a public https URL",
        ));
        return;
    };
    match url.scheme() {
        "https" => {}
        "http" if base_is_loopback && is_loopback(&host) => {}
        "http" => problems.push(Problem::coded(
            field,
            ProblemCode::HttpOnlyLoopback,
            &[],
            "must use https (http:// is only accepted for loopback references in Sandbox mode)",
        )),
        other => problems.push(Problem::coded(
            field,
            ProblemCode::NotHttps,
            &[("scheme", other.to_string())],
            format!("must be an https URL, not {other}://"),
        )),
    }
}

/// Whether a host is this machine.
pub fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests;
