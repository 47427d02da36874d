//! How a sandbox is set up: keys, credits, render times, the request window, outputs,
//! persistence and faults; and the command line that sets them.

use std::path::PathBuf;
use std::time::Duration;

use crate::faults::{FaultPlan, Odds};

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
    /// Pad every output video to this many bytes (a valid MP4 with a `free` box).
    pub video_bytes: Option<u64>,
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
            video_bytes: None,
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

pub const USAGE: &str = "\
usage: seedance-sandbox [--port N] [--key KEY]... [--credits N] [--render-ms MIN:MAX]
                        [--render-by-settings]
                        [--rate N/SECS] [--fail-rate P] [--video-bytes N] [--state DIR]
                        [--output-ttl-ms MS] [--rng-seed N] [--redirect-bare-host]
                        [--outputs-redirect-to URL] [--hostile-outputs MODE]
                        [--fault-503 P] [--fault-500 P] [--fault-drop P] [--fault-lost P]
                        [--fault-malformed P] [--fault-slow P:MS] [--fault-cut P:BYTES]
                        [--script ROUTE:FAULT,...]

An emulator of the Seedance 2 video API on 127.0.0.1. The first line on stdout is
`listening on http://127.0.0.1:PORT`.

  --port N              port to listen on (default: a free one)
  --key KEY             an accepted API key, one account per key (repeatable;
                        default: sk_sandbox_local)
  --credits N           starting balance of each account (default 10000)
  --render-ms MIN:MAX   render time range in milliseconds (default 5000:15000)
  --render-by-settings  render time within that range set by tier, resolution and
                        duration (±10 % jitter) instead of a uniform draw
  --rate N/SECS         at most N submissions+polls per account in any SECS (default 30/60)
  --fail-rate P         share of renders that fail and are refunded, 0..1 (default 0)
  --video-bytes N       pad output videos to N bytes (a valid MP4 with a `free` box)
  --state DIR           keep accounts, tasks and idempotency records in DIR
  --output-ttl-ms MS    output URLs die MS after the render finished (default: never)
  --rng-seed N          make random choices repeatable
  --redirect-bare-host  answer requests for 127.0.0.1 with a 307 to localhost
Hostile file hosting (for the client's drills):
  --outputs-redirect-to URL  answer every output request with a 302 to URL
  --hostile-outputs MODE     endless-html | endless-mp4 (chunked bodies that never end),
                             always-500, or throttle=BYTES_PER_SEC
Faults on submissions and polls, by probability 0..1:
  --fault-503 P  --fault-500 P  --fault-drop P (closed before handling)
  --fault-lost P (handled and charged, then the answer is lost)
  --fault-malformed P (handled, then a truncated JSON body)  --fault-slow P:MS
Faults on downloads:
  --fault-cut P:BYTES   cut the connection after BYTES of the body
Scripted faults, used in order, one per matching request (ROUTE is post, poll or download;
FAULT is 503, 500, drop, lost, malformed, slow=MS or cut=BYTES):
  --script post:lost,post:503,poll:malformed,download:cut=4096
";

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, ConfigError> {
    value
        .parse()
        .map_err(|_| ConfigError(format!("{flag} expects a whole number, got {value:?}")))
}

fn probability(flag: &str, value: &str) -> Result<f64, ConfigError> {
    match value.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(ConfigError(format!(
            "{flag} expects a probability between 0 and 1, got {value:?}"
        ))),
    }
}

fn pair<'a>(
    flag: &str,
    value: &'a str,
    sep: char,
    shape: &str,
) -> Result<(&'a str, &'a str), ConfigError> {
    value
        .split_once(sep)
        .ok_or_else(|| ConfigError(format!("{flag} expects {shape}, got {value:?}")))
}

impl Config {
    /// Parses the command line (without the program name). `Ok(None)` means help was asked.
    pub fn from_args<I, S>(args: I) -> Result<Option<Self>, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut config = Self::default();
        let mut keys = Vec::new();
        let mut args = args.into_iter().map(Into::into);
        while let Some(flag) = args.next() {
            if flag == "--help" || flag == "-h" {
                return Ok(None);
            }
            if flag == "--redirect-bare-host" {
                config.redirect_bare_host = true;
                continue;
            }
            if flag == "--render-by-settings" {
                config.render_time.by_settings = true;
                continue;
            }
            let (flag, value) = match flag.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), v.to_string()),
                _ => {
                    let value = args
                        .next()
                        .ok_or_else(|| ConfigError(format!("{flag} needs a value\n\n{USAGE}")))?;
                    (flag, value)
                }
            };
            let f = flag.as_str();
            let v = value.as_str();
            match f {
                "--port" => config.port = number(f, v)?,
                "--key" => {
                    if v.trim().is_empty() || v.chars().any(char::is_whitespace) {
                        return Err(ConfigError(format!(
                            "--key must be a key without spaces, got {v:?}"
                        )));
                    }
                    keys.push(value.clone());
                }
                "--credits" => config.credits = number(f, v)?,
                "--render-ms" => {
                    let (min, max) = pair(f, v, ':', "MIN:MAX in milliseconds")?;
                    let (min, max): (u64, u64) = (number(f, min)?, number(f, max)?);
                    if min > max {
                        return Err(ConfigError(format!(
                            "--render-ms: MIN ({min}) is above MAX ({max})"
                        )));
                    }
                    config.render_time = RenderTime {
                        min: Duration::from_millis(min),
                        max: Duration::from_millis(max),
                        by_settings: config.render_time.by_settings,
                    };
                }
                "--rate" => {
                    let (n, secs) = pair(f, v, '/', "N/SECS, e.g. 30/60")?;
                    let (n, secs): (u32, f64) = (
                        number(f, n)?,
                        secs.parse().map_err(|_| {
                            ConfigError(format!("--rate: SECS must be a number, got {secs:?}"))
                        })?,
                    );
                    if n == 0 || !(secs > 0.0 && secs.is_finite()) {
                        return Err(ConfigError(format!(
                            "--rate: N and SECS must be above zero, got {v:?}"
                        )));
                    }
                    config.rate_limit = n;
                    config.rate_window = Duration::from_secs_f64(secs);
                }
                "--fail-rate" => config.fail_rate = probability(f, v)?,
                "--video-bytes" => config.video_bytes = Some(number(f, v)?),
                "--state" => config.state_dir = Some(PathBuf::from(v)),
                "--output-ttl-ms" => config.output_ttl = Some(Duration::from_millis(number(f, v)?)),
                "--rng-seed" => config.rng_seed = Some(number(f, v)?),
                "--hostile-outputs" => {
                    config.hostile_outputs = Some(HostileOutputs::parse(v).ok_or_else(|| {
                        ConfigError(format!(
                            "--hostile-outputs expects endless-html, endless-mp4, always-500 or throttle=BYTES_PER_SEC, got {v:?}"
                        ))
                    })?);
                }
                "--outputs-redirect-to" => {
                    let absolute = v
                        .parse::<hyper::Uri>()
                        .is_ok_and(|u| u.scheme().is_some() && u.host().is_some());
                    if !absolute || hyper::header::HeaderValue::from_str(v).is_err() {
                        return Err(ConfigError(format!(
                            "--outputs-redirect-to expects a URL, got {v:?}"
                        )));
                    }
                    config.outputs_redirect_to = Some(value.clone());
                }
                "--fault-503" => {
                    let p = probability(f, v)?;
                    set_api_odds(&mut config.faults, |o| o.busy = p);
                }
                "--fault-500" => {
                    let p = probability(f, v)?;
                    set_api_odds(&mut config.faults, |o| o.internal = p);
                }
                "--fault-drop" => {
                    let p = probability(f, v)?;
                    set_api_odds(&mut config.faults, |o| o.drop = p);
                }
                "--fault-lost" => {
                    let p = probability(f, v)?;
                    set_api_odds(&mut config.faults, |o| o.lose_answer = p);
                }
                "--fault-malformed" => {
                    let p = probability(f, v)?;
                    set_api_odds(&mut config.faults, |o| o.malformed = p);
                }
                "--fault-slow" => {
                    let (p, ms) = pair(f, v, ':', "P:MS")?;
                    let slow = (probability(f, p)?, Duration::from_millis(number(f, ms)?));
                    set_api_odds(&mut config.faults, |o| o.slow = slow);
                }
                "--fault-cut" => {
                    let (p, bytes) = pair(f, v, ':', "P:BYTES")?;
                    config.faults.download.cut = (probability(f, p)?, number(f, bytes)?);
                }
                "--script" => config
                    .faults
                    .push_script(v)
                    .map_err(|e| ConfigError(format!("--script: {e}")))?,
                other => return Err(ConfigError(format!("unknown option {other}\n\n{USAGE}"))),
            }
        }
        if !keys.is_empty() {
            config.keys = keys;
        }
        Ok(Some(config))
    }
}

/// Submission and poll faults share their odds.
fn set_api_odds(plan: &mut FaultPlan, mut set: impl FnMut(&mut Odds)) {
    set(&mut plan.submit);
    set(&mut plan.poll);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{Fault, Route};

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        Config::from_args(args.iter().copied()).map(|c| c.expect("not help"))
    }

    #[test]
    fn every_documented_flag_is_understood() {
        let c = parse(&[
            "--port",
            "8123",
            "--key",
            "sk_a",
            "--key=sk_b",
            "--credits",
            "90",
            "--render-ms",
            "100:200",
            "--rate",
            "30/3",
            "--fail-rate",
            "0.25",
            "--video-bytes",
            "1000000",
            "--state",
            "/tmp/s",
            "--output-ttl-ms",
            "500",
            "--rng-seed",
            "7",
            "--redirect-bare-host",
            "--render-by-settings",
            "--fault-503",
            "0.1",
            "--fault-500",
            "0.2",
            "--fault-drop",
            "0.3",
            "--fault-lost",
            "0.4",
            "--fault-malformed",
            "0.5",
            "--fault-slow",
            "0.6:250",
            "--fault-cut",
            "0.7:4096",
            "--script",
            "post:lost",
        ])
        .unwrap();
        assert_eq!(c.port, 8123);
        assert_eq!(c.keys, ["sk_a", "sk_b"]);
        assert_eq!(c.credits, 90);
        assert_eq!(c.render_time.min, Duration::from_millis(100));
        assert_eq!(c.render_time.max, Duration::from_millis(200));
        assert!(c.render_time.by_settings);
        assert_eq!((c.rate_limit, c.rate_window), (30, Duration::from_secs(3)));
        assert_eq!(c.fail_rate, 0.25);
        assert_eq!(c.video_bytes, Some(1_000_000));
        assert_eq!(c.state_dir, Some(PathBuf::from("/tmp/s")));
        assert_eq!(c.output_ttl, Some(Duration::from_millis(500)));
        assert_eq!(c.rng_seed, Some(7));
        assert!(c.redirect_bare_host);
        for odds in [&c.faults.submit, &c.faults.poll] {
            assert_eq!(odds.busy, 0.1);
            assert_eq!(odds.internal, 0.2);
            assert_eq!(odds.drop, 0.3);
            assert_eq!(odds.lose_answer, 0.4);
            assert_eq!(odds.malformed, 0.5);
            assert_eq!(odds.slow, (0.6, Duration::from_millis(250)));
        }
        assert_eq!(c.faults.download.cut, (0.7, 4096));
        assert_eq!(
            c.faults.draw(Route::Submit, &mut fastrand::Rng::new()),
            Some(Fault::LoseAnswer)
        );
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = parse(&[]).unwrap();
        assert_eq!((c.rate_limit, c.rate_window), (30, Duration::from_secs(60)));
        assert_eq!(c.keys, [crate::DEFAULT_KEY]);
        assert_eq!(c.port, 0);
    }

    #[test]
    fn bad_values_name_the_flag() {
        for (args, needle) in [
            (&["--port", "x"][..], "--port"),
            (&["--rate", "30"][..], "N/SECS"),
            (&["--rate", "0/60"][..], "above zero"),
            (&["--fail-rate", "2"][..], "between 0 and 1"),
            (&["--render-ms", "9:1"][..], "above MAX"),
            (&["--fault-slow", "0.5"][..], "P:MS"),
            (&["--bogus", "1"][..], "unknown option --bogus"),
            (&["--credits"][..], "needs a value"),
            (&["--key", "a b"][..], "--key"),
        ] {
            let err = parse(args).unwrap_err().0;
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_is_not_an_error() {
        assert_eq!(Config::from_args(["--help"]).unwrap(), None);
    }
}
