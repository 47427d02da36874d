//! Extend: a new render that continues a past one, from its clip (given to the service as a
//! media reference) or from its last frame (given as the start frame). The person writes what
//! happens next; the words the service needs to read the reference that way are added here,
//! once, for every front end, and only to the request that is sent. The history keeps the
//! person's own prompt and which render it extends.

use seedance_api::GenerationRequest;
use serde::{Deserialize, Serialize};

/// What of the earlier render the new one continues from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ExtendFrom {
    /// The clip itself, as a media reference.
    Clip,
    /// Its last frame, as the start frame.
    Frame,
}

impl ExtendFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clip => "clip",
            Self::Frame => "frame",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "clip" => Some(Self::Clip),
            "frame" => Some(Self::Frame),
            _ => None,
        }
    }

    /// The sentence the vendor's guide asks for, put before the person's prompt.
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Clip => "Continue from the supplied previous clip.",
            Self::Frame => {
                "The clip opens on the supplied start frame, the last frame of the previous clip."
            }
        }
    }
}

/// A submission that continues render `job_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Extension {
    pub job_id: String,
    pub from: ExtendFrom,
}

/// The prompt as sent: the phrase, then what the person wrote (once, even when they wrote
/// the phrase themselves).
pub fn sent_prompt(from: ExtendFrom, person_prompt: &str) -> String {
    let person = person_prompt.trim();
    let phrase = from.phrase();
    match person.strip_prefix(phrase) {
        Some(rest) => format!("{phrase} {}", rest.trim_start())
            .trim_end()
            .to_string(),
        None if person.is_empty() => phrase.to_string(),
        None => format!("{phrase} {person}"),
    }
}

/// `request` as it goes out when it extends another render from `from`.
pub fn request_to_send(request: &GenerationRequest, from: ExtendFrom) -> GenerationRequest {
    GenerationRequest {
        prompt: sent_prompt(from, &request.prompt),
        ..request.clone()
    }
}

/// What the person wrote, from a prompt as sent (the phrase taken off again).
pub fn person_prompt(from: ExtendFrom, sent: &str) -> String {
    sent.strip_prefix(from.phrase())
        .map_or(sent, str::trim_start)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phrase_goes_first_once_and_comes_off_again() {
        for from in [ExtendFrom::Clip, ExtendFrom::Frame] {
            let sent = sent_prompt(from, "  The train reaches the station.");
            assert_eq!(
                sent,
                format!("{} The train reaches the station.", from.phrase())
            );
            assert_eq!(sent_prompt(from, &sent), sent, "never twice");
            assert_eq!(person_prompt(from, &sent), "The train reaches the station.");
            assert_eq!(sent_prompt(from, ""), from.phrase());
            assert_eq!(ExtendFrom::parse(from.as_str()), Some(from));
        }
        assert_eq!(ExtendFrom::parse("video"), None);
        let request = request_to_send(&GenerationRequest::text("雪が降る"), ExtendFrom::Clip);
        assert_eq!(
            request.prompt,
            "Continue from the supplied previous clip. 雪が降る"
        );
    }
}
