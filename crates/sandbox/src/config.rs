//! How a sandbox is set up: keys, credits, render times, the request window, outputs,
//! persistence and faults; and the command line that sets them.

use std::path::PathBuf;
use std::time::Duration;

use crate::clips::WrongDelivery;
use crate::faults::FaultPlan;

/// How long renders take: a uniform draw between the two bounds, or, with
/// `by_settings`, a time set by what is rendered (longer for higher tiers, resolutions and
/// durations, as on the real service) with ±10 % jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderTime {
    pub min: Duration,
    pub max: Duration,
    pub by_settings: bool,
}

impl RenderTime {
    /// A uniform draw between `min_ms` and `max_ms` milliseconds.
    pub fn between_ms(min_ms: u64, max_ms: u64) -> Self {
        Self {
            min: Duration::from_millis(min_ms),
            max: Duration::from_millis(max_ms),
            by_settings: false,
        }
    }
}

/// Everything a sandbox needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// 0 picks a free port.
    pub port: u16,
    /// Accepted API keys; each key is its own account.
    pub keys: Vec<String>,
    /// Starting balance of every account.
    pub credits: u64,
    pub render_time: RenderTime,
    /// At most this many counted requests (submissions and polls) per account...
    pub rate_limit: u32,
    /// ...in any window of this length.
    pub rate_window: Duration,
    /// Share of renders that fail (and are refunded).
    pub fail_rate: f64,
    /// Every price at this many thousandths of the real rates (1000: the rates; accounts
    /// without an annual plan are said to pay 1500).
    pub price_permille: u32,
    /// Pad every output video to this many bytes (a valid MP4 with a `free` box).
    pub video_bytes: Option<u64>,
    /// Where clips of each delivered shape are cached (default: one folder in the temp
    /// directory, shared by every sandbox on the machine).
    pub clips_dir: Option<PathBuf>,
    /// Settings every delivered clip gets wrong on purpose.
    pub wrong_delivery: WrongDelivery,
    /// Keep accounts, tasks and idempotency records here, across restarts.
    pub state_dir: Option<PathBuf>,
    /// Output URLs stop working this long after the render finished.
    pub output_ttl: Option<Duration>,
    /// Requests addressed to `127.0.0.1` are redirected (307) to `localhost` on the same
    /// port, as the real bare host redirects to `www.`.
    pub redirect_bare_host: bool,
    /// A hostile file host: every output request is answered `302 Found` to this URL.
    pub outputs_redirect_to: Option<String>,
    /// A hostile file host of another kind (see [`HostileOutputs`]).
    pub hostile_outputs: Option<HostileOutputs>,
    /// Seed for the sandbox's random choices (render times, failures, faults, seeds).
    pub rng_seed: Option<u64>,
    pub faults: FaultPlan,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            keys: vec![crate::DEFAULT_KEY.to_string()],
            credits: 10_000,
            render_time: RenderTime {
                min: Duration::from_secs(5),
                max: Duration::from_secs(15),
                by_settings: false,
            },
            rate_limit: 30,
            rate_window: Duration::from_secs(60),
            fail_rate: 0.0,
            price_permille: 1000,
            video_bytes: None,
            clips_dir: None,
            wrong_delivery: WrongDelivery::default(),
            state_dir: None,
            output_ttl: None,
            redirect_bare_host: false,
            outputs_redirect_to: None,
            hostile_outputs: None,
            rng_seed: None,
            faults: FaultPlan::default(),
        }
    }
}

/// How outputs are served when the file host misbehaves on purpose, for the client's drills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostileOutputs {
    /// A body that never ends and starts like a web page (`<!DOCTYPE html>`), chunked.
    EndlessHtml,
    /// A body that never ends and starts like an MP4 (an `ftyp` box), chunked.
    EndlessMp4,
    /// Every output request answers 500.
    Always500,
    /// The real file, at this many bytes per second.
    Throttle(u64),
}

impl HostileOutputs {
    pub fn parse(v: &str) -> Option<Self> {
        match v {
            "endless-html" => Some(Self::EndlessHtml),
            "endless-mp4" => Some(Self::EndlessMp4),
            "always-500" => Some(Self::Always500),
            _ => v
                .strip_prefix("throttle=")
                .and_then(|n| n.parse().ok())
                .filter(|n| *n > 0)
                .map(Self::Throttle),
        }
    }
}

/// A command line the sandbox cannot run with.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ConfigError(pub String);
