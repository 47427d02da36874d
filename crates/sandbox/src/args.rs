//! The emulator's command line, on clap: each flag parsed and checked by clap (a bad value
//! names its flag and what is allowed), then turned into a [`Config`].

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::clips::WrongDelivery;
use crate::config::{Config, ConfigError, HostileOutputs, RenderTime};
use crate::faults::{FaultPlan, Odds};

/// An emulator of the Seedance 2 video API on 127.0.0.1. The first line on stdout is
/// `listening on http://127.0.0.1:PORT`.
#[derive(Debug, Parser)]
#[command(name = "seedance-sandbox", version, about, long_about = None)]
struct Args {
    /// Port to listen on (default: a free one).
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    port: u16,
    /// An accepted API key, one account per key (repeatable; default: sk_sandbox_local).
    #[arg(long = "key", value_name = "KEY", value_parser = key)]
    keys: Vec<String>,
    /// Starting balance of each account.
    #[arg(long, value_name = "N")]
    credits: Option<u64>,
    /// Render time range in milliseconds (default 5000:15000).
    #[arg(long, value_name = "MIN:MAX", value_parser = render_ms)]
    render_ms: Option<(u64, u64)>,
    /// Render time within that range set by tier, resolution and duration (±10 % jitter)
    /// instead of a uniform draw.
    #[arg(long)]
    render_by_settings: bool,
    /// At most N submissions+polls per account in any SECS (default 30/60).
    #[arg(long, value_name = "N/SECS", value_parser = rate)]
    rate: Option<(u32, Duration)>,
    /// Share of renders that fail and are refunded, 0..1.
    #[arg(long, value_name = "P", value_parser = probability)]
    fail_rate: Option<f64>,
    /// Charge FACTOR times the real per-second rates (e.g. 1.5, as accounts without an
    /// annual plan are said to pay; default 1).
    #[arg(long, value_name = "FACTOR", value_parser = price_factor)]
    price_factor: Option<u32>,
    /// Pad output videos to N bytes (a valid MP4 with a `free` box).
    #[arg(long, value_name = "N")]
    video_bytes: Option<u64>,
    /// Cache the clips of each delivered shape in DIR (default: a folder in the temp
    /// directory that every sandbox on the machine shares).
    #[arg(long, value_name = "DIR")]
    clips_dir: Option<PathBuf>,
    /// Deliver every clip wrong in these settings, on purpose: any of resolution,
    /// aspect_ratio, duration, generate_audio, comma-separated.
    #[arg(long, value_name = "FIELDS", value_parser = WrongDelivery::parse)]
    wrong_delivery: Option<WrongDelivery>,
    /// Keep accounts, tasks and idempotency records in DIR.
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// Output URLs die MS after the render finished (default: never).
    #[arg(long, value_name = "MS")]
    output_ttl_ms: Option<u64>,
    /// Make random choices repeatable.
    #[arg(long, value_name = "N")]
    rng_seed: Option<u64>,
    /// Answer requests for 127.0.0.1 with a 307 to localhost.
    #[arg(long)]
    redirect_bare_host: bool,
    /// Answer every output request with a 302 to URL.
    #[arg(long, value_name = "URL", value_parser = absolute_url, help_heading = "Hostile file hosting")]
    outputs_redirect_to: Option<String>,
    /// endless-html | endless-mp4 (chunked bodies that never end), always-500, or
    /// throttle=BYTES_PER_SEC.
    #[arg(long, value_name = "MODE", value_parser = hostile, help_heading = "Hostile file hosting")]
    hostile_outputs: Option<HostileOutputs>,
    /// Submissions and polls answered 503, with probability P.
    #[arg(long = "fault-503", value_name = "P", value_parser = probability, help_heading = "Faults")]
    fault_503: Option<f64>,
    /// Submissions and polls answered 500.
    #[arg(long = "fault-500", value_name = "P", value_parser = probability, help_heading = "Faults")]
    fault_500: Option<f64>,
    /// Connections closed before handling.
    #[arg(long, value_name = "P", value_parser = probability, help_heading = "Faults")]
    fault_drop: Option<f64>,
    /// Handled and charged, then the answer is lost.
    #[arg(long, value_name = "P", value_parser = probability, help_heading = "Faults")]
    fault_lost: Option<f64>,
    /// Handled, then a truncated JSON body.
    #[arg(long, value_name = "P", value_parser = probability, help_heading = "Faults")]
    fault_malformed: Option<f64>,
    /// Answers delayed by MS, with probability P.
    #[arg(long, value_name = "P:MS", value_parser = slow, help_heading = "Faults")]
    fault_slow: Option<(f64, Duration)>,
    /// Downloads cut after BYTES of the body, with probability P.
    #[arg(long, value_name = "P:BYTES", value_parser = cut, help_heading = "Faults")]
    fault_cut: Option<(f64, u64)>,
    /// Scripted faults, used in order, one per matching request: ROUTE:FAULT,... (ROUTE is
    /// post, poll or download; FAULT is 503, 500, drop, lost, malformed, slow=MS or
    /// cut=BYTES), e.g. post:lost,post:503,poll:malformed,download:cut=4096.
    #[arg(long, value_name = "ROUTE:FAULT,...", help_heading = "Faults")]
    script: Vec<String>,
}

fn key(v: &str) -> Result<String, String> {
    if v.trim().is_empty() || v.chars().any(char::is_whitespace) {
        return Err(format!("a key without spaces, got {v:?}"));
    }
    Ok(v.to_string())
}

fn number<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("a whole number, got {v:?}"))
}

/// A price factor from 0.1 to 10, kept in thousandths.
fn price_factor(v: &str) -> Result<u32, String> {
    match v.parse::<f64>() {
        Ok(f) if (0.1..=10.0).contains(&f) => Ok((f * 1000.0).round() as u32),
        _ => Err(format!(
            "must be a number from 0.1 to 10, like 1.5; got {v:?}"
        )),
    }
}

fn probability(v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("a probability between 0 and 1, got {v:?}")),
    }
}

fn pair<'a>(v: &'a str, sep: char, shape: &str) -> Result<(&'a str, &'a str), String> {
    v.split_once(sep)
        .ok_or_else(|| format!("{shape}, got {v:?}"))
}

fn render_ms(v: &str) -> Result<(u64, u64), String> {
    let (min, max) = pair(v, ':', "MIN:MAX in milliseconds")?;
    let (min, max): (u64, u64) = (number(min)?, number(max)?);
    if min > max {
        return Err(format!("MIN ({min}) is above MAX ({max})"));
    }
    Ok((min, max))
}

fn rate(v: &str) -> Result<(u32, Duration), String> {
    let (n, secs) = pair(v, '/', "N/SECS, e.g. 30/60")?;
    let n: u32 = number(n)?;
    let secs: f64 = secs
        .trim()
        .parse()
        .map_err(|_| format!("SECS must be a number, got {secs:?}"))?;
    if n == 0 || !(secs > 0.0 && secs.is_finite()) {
        return Err(format!("N and SECS must be above zero, got {v:?}"));
    }
    Ok((n, Duration::from_secs_f64(secs)))
}

fn slow(v: &str) -> Result<(f64, Duration), String> {
    let (p, ms) = pair(v, ':', "P:MS")?;
    Ok((probability(p)?, Duration::from_millis(number(ms)?)))
}

fn cut(v: &str) -> Result<(f64, u64), String> {
    let (p, bytes) = pair(v, ':', "P:BYTES")?;
    Ok((probability(p)?, number(bytes)?))
}

fn hostile(v: &str) -> Result<HostileOutputs, String> {
    HostileOutputs::parse(v).ok_or_else(|| {
        format!("endless-html, endless-mp4, always-500 or throttle=BYTES_PER_SEC, got {v:?}")
    })
}

fn absolute_url(v: &str) -> Result<String, String> {
    let absolute = v
        .parse::<hyper::Uri>()
        .is_ok_and(|u| u.scheme().is_some() && u.host().is_some());
    if !absolute || hyper::header::HeaderValue::from_str(v).is_err() {
        return Err(format!("a URL, got {v:?}"));
    }
    Ok(v.to_string())
}

/// Submission and poll faults share their odds.
fn set_api_odds(plan: &mut FaultPlan, mut set: impl FnMut(&mut Odds)) {
    set(&mut plan.submit);
    set(&mut plan.poll);
}

impl Args {
    fn into_config(self) -> Result<Config, ConfigError> {
        let mut config = Config {
            port: self.port,
            ..Config::default()
        };
        if !self.keys.is_empty() {
            config.keys = self.keys;
        }
        if let Some(credits) = self.credits {
            config.credits = credits;
        }
        if let Some((min, max)) = self.render_ms {
            config.render_time = RenderTime::between_ms(min, max);
        }
        config.render_time.by_settings = self.render_by_settings;
        if let Some((n, window)) = self.rate {
            config.rate_limit = n;
            config.rate_window = window;
        }
        if let Some(p) = self.fail_rate {
            config.fail_rate = p;
        }
        if let Some(permille) = self.price_factor {
            config.price_permille = permille;
        }
        config.video_bytes = self.video_bytes;
        config.clips_dir = self.clips_dir;
        config.wrong_delivery = self.wrong_delivery.unwrap_or_default();
        config.state_dir = self.state;
        config.output_ttl = self.output_ttl_ms.map(Duration::from_millis);
        config.rng_seed = self.rng_seed;
        config.redirect_bare_host = self.redirect_bare_host;
        config.outputs_redirect_to = self.outputs_redirect_to;
        config.hostile_outputs = self.hostile_outputs;
        let faults = &mut config.faults;
        if let Some(p) = self.fault_503 {
            set_api_odds(faults, |o| o.busy = p);
        }
        if let Some(p) = self.fault_500 {
            set_api_odds(faults, |o| o.internal = p);
        }
        if let Some(p) = self.fault_drop {
            set_api_odds(faults, |o| o.drop = p);
        }
        if let Some(p) = self.fault_lost {
            set_api_odds(faults, |o| o.lose_answer = p);
        }
        if let Some(p) = self.fault_malformed {
            set_api_odds(faults, |o| o.malformed = p);
        }
        if let Some(slow) = self.fault_slow {
            set_api_odds(faults, |o| o.slow = slow);
        }
        if let Some(cut) = self.fault_cut {
            faults.download.cut = cut;
        }
        for script in &self.script {
            faults
                .push_script(script)
                .map_err(|e| ConfigError(format!("--script: {e}")))?;
        }
        Ok(config)
    }
}

/// What a command line asks for.
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Config>),
    /// Help or the version was asked: print this and exit 0.
    Info(String),
}

/// Parses the command line (without the program name).
pub fn parse<I, S>(args: I) -> Result<Parsed, ConfigError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let argv =
        std::iter::once("seedance-sandbox".to_string()).chain(args.into_iter().map(Into::into));
    match Args::try_parse_from(argv) {
        Ok(args) => args.into_config().map(|c| Parsed::Run(Box::new(c))),
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            Ok(Parsed::Info(e.to_string()))
        }
        Err(e) => Err(ConfigError(e.to_string().trim_end().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{Fault, Route};
    use std::path::PathBuf;

    fn config(args: &[&str]) -> Result<Config, ConfigError> {
        match parse(args.iter().copied())? {
            Parsed::Run(config) => Ok(*config),
            Parsed::Info(text) => panic!("not help: {text}"),
        }
    }

    #[test]
    fn every_documented_flag_is_understood() {
        let c = config(&[
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
            "--price-factor",
            "1.5",
            "--wrong-delivery",
            "duration,generate_audio",
            "--clips-dir",
            "/tmp/c",
        ])
        .unwrap();
        assert_eq!(
            c.wrong_delivery,
            WrongDelivery {
                duration: true,
                generate_audio: true,
                ..WrongDelivery::default()
            }
        );
        assert_eq!(c.clips_dir, Some(PathBuf::from("/tmp/c")));
        assert_eq!(c.port, 8123);
        assert_eq!(c.price_permille, 1500);
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
        let c = config(&[]).unwrap();
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
            (&["--price-factor", "0"][..], "from 0.1 to 10"),
            (&["--render-ms", "9:1"][..], "above MAX"),
            (&["--fault-slow", "0.5"][..], "P:MS"),
            (&["--bogus", "1"][..], "--bogus"),
            (&["--credits"][..], "--credits"),
            (&["--key", "a b"][..], "--key"),
            (
                &["--hostile-outputs", "sometimes"][..],
                "throttle=BYTES_PER_SEC",
            ),
            (&["--outputs-redirect-to", "nowhere"][..], "a URL"),
            (&["--script", "post:explode"][..], "--script"),
            (&["--wrong-delivery", "size"][..], "aspect_ratio"),
        ] {
            let err = config(args).unwrap_err().0;
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_is_not_an_error_and_lists_every_flag() {
        let Parsed::Info(help) = parse(["--help"]).unwrap() else {
            panic!("help was asked");
        };
        for flag in [
            "--port",
            "--render-by-settings",
            "--hostile-outputs",
            "--fault-cut",
            "--script",
        ] {
            assert!(help.contains(flag), "{flag} missing from the help");
        }
    }
}
