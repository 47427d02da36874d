//! Configuration read once, at a process's entry point: the app's `main`, the `seedance`
//! command, a drill. Nothing below reads the process environment; the desk, the
//! connection and the engine are handed this value, so a test builds one instead of
//! changing its process (no `set_var`, and several scenarios share one test binary).
//!
//! | variable | field |
//! |---|---|
//! | `SEEDANCE_DATA_DIR` | `data_dir` (else the platform data folder) |
//! | `SEEDANCE_API_KEY` | `api_key` (taken out of the environment at start) |
//! | `SEEDANCE_BASE_URL` | `base_url` (Live's base URL for this process) |
//! | `SEEDANCE_KEYCHAIN_SERVICE` | `keychain_service` |
//! | `SEEDANCE_RATE` | `rate` (`N/SECS`) |
//! | `SEEDANCE_LEASE_MS` | `lease` |
//! | `SEEDANCE_MAX_VIDEO_BYTES`, `SEEDANCE_MAX_IMAGE_BYTES` | `download_caps` |
//! | `SEEDANCE_SANDBOX_RENDER_MS` | `sandbox.render` (`MIN:MAX`) |
//! | `SEEDANCE_SANDBOX_WRONG_DELIVERY` | `sandbox.wrong_delivery` (settings, comma-separated) |

use std::path::PathBuf;
use std::time::Duration;

use seedance_api::{ApiKey, Rate};
use seedance_sandbox::{RenderTime, WrongDelivery};

use crate::download::{Caps, IMAGE_CAP_ENV, VIDEO_CAP_ENV};
use crate::identity::{APP_IDENTIFIER, DataDirError};
use crate::local_sandbox::Emulation;

pub const BASE_URL_ENV: &str = "SEEDANCE_BASE_URL";
pub const KEYCHAIN_SERVICE_ENV: &str = "SEEDANCE_KEYCHAIN_SERVICE";
pub const RATE_ENV: &str = "SEEDANCE_RATE";
pub const LEASE_ENV: &str = "SEEDANCE_LEASE_MS";
pub const RENDER_MS_ENV: &str = "SEEDANCE_SANDBOX_RENDER_MS";
pub const WRONG_DELIVERY_ENV: &str = "SEEDANCE_SANDBOX_WRONG_DELIVERY";

/// How long a lease lasts unless `SEEDANCE_LEASE_MS` says otherwise. It is renewed while
/// work runs, and a holder that died is recognised at once, so it bounds only how long a
/// hung (not dead) process keeps a job.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15);

/// What a process runs with.
#[derive(Debug, Clone)]
pub struct Environment {
    pub data_dir: PathBuf,
    /// The keychain service the keys are kept under (the app identifier).
    pub keychain_service: String,
    /// A key for this process that overrides the keychain's (its `Debug` is redacted).
    pub api_key: Option<ApiKey>,
    /// Live's base URL for this process, over the stored setting.
    pub base_url: Option<String>,
    /// The account's request budget; a malformed value is reported when a connection
    /// starts (the app still opens and says why).
    pub rate: Result<Rate, String>,
    pub lease: Duration,
    pub download_caps: Caps,
    /// How the emulator renders and delivers; a malformed value is reported when Sandbox
    /// starts.
    pub sandbox: Result<Emulation, String>,
}

impl Environment {
    /// Defaults for a data folder: what a test or an embedding starts from.
    pub fn in_folder(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            keychain_service: APP_IDENTIFIER.to_string(),
            api_key: None,
            base_url: None,
            rate: Ok(Rate::ACCOUNT),
            lease: DEFAULT_LEASE,
            download_caps: Caps::default(),
            sandbox: Ok(Emulation::default()),
        }
    }

    /// This process's environment (call it once, in `main`, after
    /// [`crate::private::start_process`]).
    pub fn from_process() -> Result<Self, DataDirError> {
        let data_dir = crate::identity::data_dir()?;
        let mut env = Self::from_vars(data_dir, |name| std::env::var(name).ok());
        env.api_key = crate::private::env_key().and_then(|k| ApiKey::new(k).ok());
        Ok(env)
    }

    /// The environment `get` describes (a variable that is empty counts as unset).
    pub fn from_vars(data_dir: PathBuf, get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let number = |name: &str| get(name).and_then(|v| v.trim().parse::<u64>().ok());
        let defaults = Caps::default();
        Self {
            keychain_service: get(KEYCHAIN_SERVICE_ENV)
                .unwrap_or_else(|| APP_IDENTIFIER.to_string()),
            api_key: None,
            base_url: get(BASE_URL_ENV).map(|v| v.trim().trim_end_matches('/').to_string()),
            rate: get(RATE_ENV).map_or(Ok(Rate::ACCOUNT), |v| Rate::parse(&v)),
            lease: number(LEASE_ENV)
                .filter(|ms| *ms >= 100)
                .map_or(DEFAULT_LEASE, Duration::from_millis),
            download_caps: Caps {
                video: number(VIDEO_CAP_ENV)
                    .filter(|n| *n > 0)
                    .unwrap_or(defaults.video),
                image: number(IMAGE_CAP_ENV)
                    .filter(|n| *n > 0)
                    .unwrap_or(defaults.image),
            },
            sandbox: emulation(&get),
            data_dir,
        }
    }
}

/// The emulator's settings from their variables.
fn emulation(get: &impl Fn(&str) -> Option<String>) -> Result<Emulation, String> {
    let render = get(RENDER_MS_ENV).map_or(Ok(None), |v| {
        parse_render_ms(&v).map(Some).ok_or_else(|| {
            format!("{RENDER_MS_ENV} must look like MIN:MAX in milliseconds, got {v:?}")
        })
    })?;
    let wrong_delivery = get(WRONG_DELIVERY_ENV).map_or(Ok(WrongDelivery::default()), |v| {
        WrongDelivery::parse(&v).map_err(|e| format!("{WRONG_DELIVERY_ENV}: {e}"))
    })?;
    Ok(Emulation {
        render,
        wrong_delivery,
    })
}

/// `MIN:MAX` in milliseconds.
fn parse_render_ms(v: &str) -> Option<RenderTime> {
    let (min, max) = v.trim().split_once(':')?;
    let (min, max): (u64, u64) = (min.trim().parse().ok()?, max.trim().parse().ok()?);
    (min <= max).then(|| RenderTime::between_ms(min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::from_vars("/data".into(), move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn unset_or_empty_variables_take_the_defaults() {
        for e in [env(&[]), env(&[(RATE_ENV, " "), (BASE_URL_ENV, "")])] {
            assert_eq!(e.keychain_service, APP_IDENTIFIER);
            assert_eq!(e.base_url, None);
            assert_eq!(e.rate, Ok(Rate::ACCOUNT));
            assert_eq!(e.lease, DEFAULT_LEASE);
            assert_eq!(e.download_caps, Caps::default());
            assert_eq!(e.sandbox, Ok(Emulation::default()));
        }
    }

    #[test]
    fn every_variable_is_read_into_its_field() {
        let e = env(&[
            (BASE_URL_ENV, "http://127.0.0.1:9/ "),
            (KEYCHAIN_SERVICE_ENV, "io.example.test"),
            (RATE_ENV, "30/3"),
            (LEASE_ENV, "500"),
            (VIDEO_CAP_ENV, "1000"),
            (IMAGE_CAP_ENV, "10"),
            (RENDER_MS_ENV, "300:600"),
            (WRONG_DELIVERY_ENV, "duration, resolution"),
        ]);
        assert_eq!(e.base_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(e.keychain_service, "io.example.test");
        assert_eq!(e.rate.unwrap().requests, 30);
        assert_eq!(e.lease, Duration::from_millis(500));
        assert_eq!((e.download_caps.video, e.download_caps.image), (1000, 10));
        let sandbox = e.sandbox.unwrap();
        assert_eq!(sandbox.render, Some(RenderTime::between_ms(300, 600)));
        assert!(sandbox.wrong_delivery.duration && sandbox.wrong_delivery.resolution);
        assert!(!sandbox.wrong_delivery.generate_audio);
    }

    #[test]
    fn malformed_values_are_reported_or_ignored_never_guessed() {
        let e = env(&[
            (RATE_ENV, "thirty"),
            (LEASE_ENV, "5"),
            (VIDEO_CAP_ENV, "lots"),
            (RENDER_MS_ENV, "600:300"),
        ]);
        assert!(e.rate.unwrap_err().contains(RATE_ENV));
        assert_eq!(e.lease, DEFAULT_LEASE, "a lease under 100 ms is ignored");
        assert_eq!(e.download_caps.video, Caps::default().video);
        assert!(e.sandbox.unwrap_err().contains("MIN:MAX"));
        let e = env(&[(WRONG_DELIVERY_ENV, "colour")]);
        assert!(e.sandbox.unwrap_err().contains(WRONG_DELIVERY_ENV));
    }
}
