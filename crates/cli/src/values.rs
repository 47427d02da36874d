//! The values with a fixed set (mode, tier, channel, aspect, resolution, job state), read
//! against the API's own lists: a typo is refused (exit 2) with what is allowed, and help
//! and shell completions list the values.

use studio::JobState;
use studio::desk::{AspectRatio, Channel, Mode, QualityTier, Resolution};

/// A value parser that names its values, so help lists them and shell completions offer
/// them, and says what is allowed when a value is wrong.
#[derive(Clone)]
pub(crate) struct Listed<T: 'static> {
    /// What the set is called in the error: "quality tier".
    what: &'static str,
    all: &'static [T],
    parse: fn(&str) -> Option<T>,
    show: fn(T) -> &'static str,
}

impl<T: Copy + Send + Sync + 'static> clap::builder::TypedValueParser for Listed<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let Self {
            what,
            all,
            parse,
            show,
        } = self.clone();
        let one_of = move |value: &str| {
            parse(value).ok_or_else(|| {
                let allowed: Vec<_> = all.iter().map(|v| show(*v)).collect();
                format!(
                    "{value:?} is not a {what}; use one of {}",
                    allowed.join(", ")
                )
            })
        };
        one_of.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.all
                .iter()
                .map(|v| clap::builder::PossibleValue::new((self.show)(*v))),
        ))
    }
}

/// The value parser of each set, for `#[arg(value_parser = …)]`.
pub(crate) fn modes() -> Listed<Mode> {
    Listed {
        what: "mode",
        all: Mode::ALL,
        parse: Mode::parse,
        show: Mode::as_str,
    }
}
pub(crate) fn tiers() -> Listed<QualityTier> {
    Listed {
        what: "quality tier",
        all: QualityTier::ALL,
        parse: QualityTier::parse,
        show: QualityTier::as_str,
    }
}
pub(crate) fn channels() -> Listed<Channel> {
    Listed {
        what: "channel",
        all: Channel::ALL,
        parse: Channel::parse,
        show: Channel::as_str,
    }
}
pub(crate) fn aspects() -> Listed<AspectRatio> {
    Listed {
        what: "aspect ratio",
        all: AspectRatio::ALL,
        parse: AspectRatio::parse,
        show: AspectRatio::as_str,
    }
}
pub(crate) fn resolutions() -> Listed<Resolution> {
    Listed {
        what: "resolution",
        all: Resolution::ALL,
        parse: Resolution::parse,
        show: Resolution::as_str,
    }
}
pub(crate) fn states() -> Listed<JobState> {
    Listed {
        what: "job state",
        all: &JobState::ALL,
        parse: JobState::parse,
        show: JobState::as_str,
    }
}
