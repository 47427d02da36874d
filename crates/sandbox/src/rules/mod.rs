//! The request table of `POST /api/v1/video/seedance2`, checked the way the service does:
//! types, enums, defaults, lengths in Unicode characters, and the combinations. The first
//! broken rule is answered with a 400 whose message names the field.
//!
//! Deliberately independent of the client crate's validation: the two are separate
//! readings of one contract.

use serde_json::{Map, Value};

pub const MODES: &[&str] = &["text-to-video", "image-to-video", "media-to-video"];
pub const TIERS: &[&str] = &["mini", "standard", "pro"];
pub const CHANNELS: &[&str] = &["standard", "real", "wild"];
pub const ASPECT_RATIOS: &[&str] = &["1:1", "21:9", "4:3", "3:4", "16:9", "9:16", "adaptive"];
pub const RESOLUTIONS: &[&str] = &["720p", "1080p", "1080p-plus", "4k"];
pub const FIELDS: &[&str] = &[
    "mode",
    "quality_tier",
    "channel",
    "prompt",
    "aspect_ratio",
    "duration",
    "resolution",
    "image_url",
    "end_image_url",
    "media_urls",
    "generate_audio",
    "fixed_lens",
    "seed",
];
pub const MAX_MEDIA_URLS: usize = 12;
pub const SEED_MIN: i64 = -1;
pub const SEED_MAX: i64 = 4_294_967_295;

/// A request that passed every rule, with the defaults filled in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Generation {
    pub mode: String,
    pub quality_tier: String,
    pub channel: String,
    pub prompt: String,
    pub aspect_ratio: String,
    pub duration: u32,
    pub resolution: String,
    pub image_url: Option<String>,
    pub end_image_url: Option<String>,
    pub media_urls: Vec<String>,
    pub generate_audio: bool,
    pub fixed_lens: bool,
    pub seed: Option<i64>,
}

/// Checks a request body against the table; `Err` is the message of the 400.
pub fn check(body: &[u8]) -> Result<Generation, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("Invalid request body: not valid JSON ({e})"))?;
    let Value::Object(obj) = value else {
        return Err("Invalid request body: expected a JSON object".into());
    };
    if let Some(unknown) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!("Unsupported field: {unknown}"));
    }

    let mode = one_of(&obj, "mode", MODES, "text-to-video")?;
    let quality_tier = one_of(&obj, "quality_tier", TIERS, "standard")?;
    let channel = one_of(&obj, "channel", CHANNELS, "standard")?;
    let aspect_ratio = one_of(&obj, "aspect_ratio", ASPECT_RATIOS, "16:9")?;
    let resolution = one_of(&obj, "resolution", RESOLUTIONS, "720p")?;

    let prompt = match obj.get("prompt") {
        None => return Err("prompt is required".into()),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("prompt must be a string".into()),
    };
    let chars = prompt.chars().count();
    if !(3..=10_000).contains(&chars) {
        return Err(format!("prompt must be 3–10000 characters (got {chars})"));
    }

    let duration = match obj.get("duration") {
        None => 5,
        Some(Value::String(s)) => match s.parse::<u32>() {
            Ok(d) if (4..=15).contains(&d) && d.to_string() == *s => d,
            _ => {
                return Err(format!(
                    "duration must be one of \"4\" … \"15\" (seconds, as a string), got {s:?}"
                ));
            }
        },
        Some(other) => {
            return Err(format!(
                "duration must be a string \"4\" … \"15\", got {}",
                kind(other)
            ));
        }
    };

    if matches!(resolution.as_str(), "1080p-plus" | "4k") && quality_tier != "pro" {
        return Err(format!(
            "resolution {resolution} is only available with quality_tier pro (got {quality_tier})"
        ));
    }

    let generate_audio = boolean(&obj, "generate_audio", true)?;
    let fixed_lens = boolean(&obj, "fixed_lens", false)?;

    let seed = match obj.get("seed") {
        None => None,
        Some(Value::Number(n)) => match n.as_i64() {
            Some(s) if (SEED_MIN..=SEED_MAX).contains(&s) => Some(s),
            _ => {
                return Err(format!(
                    "seed must be an integer from -1 to 4294967295, got {n}"
                ));
            }
        },
        Some(other) => return Err(format!("seed must be an integer, got {}", kind(other))),
    };
    if seed.is_some() && channel == "real" {
        return Err("seed is not supported on the real channel".into());
    }
    if seed.is_some() && quality_tier == "mini" {
        return Err("seed is not supported on the mini quality tier".into());
    }

    let image_url = url_field(&obj, "image_url")?;
    let end_image_url = url_field(&obj, "end_image_url")?;
    let media_urls = match obj.get("media_urls") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            if items.len() > MAX_MEDIA_URLS {
                return Err(format!(
                    "media_urls takes at most {MAX_MEDIA_URLS} URLs, got {}",
                    items.len()
                ));
            }
            let mut urls = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let field = format!("media_urls[{i}]");
                match item {
                    Value::String(s) => urls.push(public_url(&field, s)?),
                    other => {
                        return Err(format!("{field} must be a URL string, got {}", kind(other)));
                    }
                }
            }
            urls
        }
        Some(other) => {
            return Err(format!(
                "media_urls must be an array of URLs, got {}",
                kind(other)
            ));
        }
    };

    if mode == "image-to-video" && image_url.is_none() {
        return Err("image_url is required for image-to-video".into());
    }
    if mode == "media-to-video" && media_urls.is_empty() {
        return Err("media_urls is required for media-to-video (1 to 12 URLs)".into());
    }

    Ok(Generation {
        mode,
        quality_tier,
        channel,
        prompt,
        aspect_ratio,
        duration,
        resolution,
        image_url,
        end_image_url,
        media_urls,
        generate_audio,
        fixed_lens,
        seed,
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn one_of(
    obj: &Map<String, Value>,
    field: &str,
    allowed: &[&str],
    default: &str,
) -> Result<String, String> {
    match obj.get(field) {
        None => Ok(default.to_string()),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(s.clone()),
        Some(Value::String(s)) => Err(format!(
            "{field} must be one of {}, got {s:?}",
            allowed.join(", ")
        )),
        Some(other) => Err(format!(
            "{field} must be a string ({}), got {}",
            allowed.join(", "),
            kind(other)
        )),
    }
}

fn boolean(obj: &Map<String, Value>, field: &str, default: bool) -> Result<bool, String> {
    match obj.get(field) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "{field} must be true or false, got {}",
            kind(other)
        )),
    }
}

fn url_field(obj: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => public_url(field, s).map(Some),
        Some(other) => Err(format!("{field} must be a URL string, got {}", kind(other))),
    }
}

/// A reference URL: public https; `http://` only to loopback (local storage in tests);
/// `asset://` never.
fn public_url(field: &str, url: &str) -> Result<String, String> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("asset://") {
        return Err(format!(
            "{field}: asset:// URLs are not supported; pass a public https URL"
        ));
    }
    let (scheme, rest) = lower
        .split_once("://")
        .ok_or_else(|| format!("{field} must be a public https URL, got {url:?}"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(format!("{field} must be a public https URL, got {url:?}"));
    }
    match scheme {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(host) => Ok(url.to_string()),
        _ => Err(format!("{field} must be a public https URL, got {url:?}")),
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
