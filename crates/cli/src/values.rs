//! The values with a fixed set (mode, tier, channel, aspect, resolution, job state), read
//! against the API's own lists: a typo is refused (exit 2) with what is allowed, and help
//! and shell completions list the values.

use studio::JobState;
use studio::desk::{AspectRatio, Channel, Mode, QualityTier, Resolution};

/// A value parser that names its values, so help lists them and shell completions offer
/// them; `parse` does the parsing (and says what is allowed when a value is wrong).
#[derive(Clone)]
pub(crate) struct Listed<T> {
    parse: fn(&str) -> Result<T, String>,
    names: Vec<&'static str>,
}

fn listed<T: Copy>(
    parse: fn(&str) -> Result<T, String>,
    all: &[T],
    show: fn(T) -> &'static str,
) -> Listed<T> {
    Listed {
        parse,
        names: all.iter().map(|v| show(*v)).collect(),
    }
}

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Listed<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.names
                .iter()
                .map(|name| clap::builder::PossibleValue::new(*name)),
        ))
    }
}

fn one_of<T: Copy>(
    what: &str,
    value: &str,
    all: &[T],
    parse: impl Fn(&str) -> Option<T>,
    show: impl Fn(T) -> &'static str,
) -> Result<T, String> {
    parse(value).ok_or_else(|| {
        let allowed: Vec<_> = all.iter().map(|v| show(*v)).collect();
        format!(
            "{value:?} is not a {what}; use one of {}",
            allowed.join(", ")
        )
    })
}

fn parse_mode(v: &str) -> Result<Mode, String> {
    one_of("mode", v, Mode::ALL, Mode::parse, Mode::as_str)
}
fn parse_tier(v: &str) -> Result<QualityTier, String> {
    one_of(
        "quality tier",
        v,
        QualityTier::ALL,
        QualityTier::parse,
        QualityTier::as_str,
    )
}
fn parse_channel(v: &str) -> Result<Channel, String> {
    one_of("channel", v, Channel::ALL, Channel::parse, Channel::as_str)
}
fn parse_aspect(v: &str) -> Result<AspectRatio, String> {
    one_of(
        "aspect ratio",
        v,
        AspectRatio::ALL,
        AspectRatio::parse,
        AspectRatio::as_str,
    )
}
fn parse_resolution(v: &str) -> Result<Resolution, String> {
    one_of(
        "resolution",
        v,
        Resolution::ALL,
        Resolution::parse,
        Resolution::as_str,
    )
}
fn parse_state(v: &str) -> Result<JobState, String> {
    one_of(
        "job state",
        v,
        &JobState::ALL,
        JobState::parse,
        JobState::as_str,
    )
}

/// The value parser of each set, for `#[arg(value_parser = …)]`.
pub(crate) fn modes() -> Listed<Mode> {
    listed(parse_mode, Mode::ALL, Mode::as_str)
}
pub(crate) fn tiers() -> Listed<QualityTier> {
    listed(parse_tier, QualityTier::ALL, QualityTier::as_str)
}
pub(crate) fn channels() -> Listed<Channel> {
    listed(parse_channel, Channel::ALL, Channel::as_str)
}
pub(crate) fn aspects() -> Listed<AspectRatio> {
    listed(parse_aspect, AspectRatio::ALL, AspectRatio::as_str)
}
pub(crate) fn resolutions() -> Listed<Resolution> {
    listed(parse_resolution, Resolution::ALL, Resolution::as_str)
}
pub(crate) fn states() -> Listed<JobState> {
    listed(parse_state, &JobState::ALL, JobState::as_str)
}
