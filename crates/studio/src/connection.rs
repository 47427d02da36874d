//! Which API a process talks to, and with which history: Live (the real service, spending
//! credits) or Sandbox (the built-in emulator, sample clips, no credits).
//!
//! The two never mix: Live keeps its history in the data folder itself, Sandbox in its
//! `sandbox/` subfolder, next to the emulator's state. Settings (and the chosen mode) are
//! the Live database's, shared by both. The app and the `seedance` command connect the
//! same way, so they agree on the key, the base URL and the history.

use std::path::{Path, PathBuf};

use seedance_api::ApiKey;
use serde::{Deserialize, Serialize};

use crate::engine::EngineConfig;
use crate::environment::Environment;
use crate::keychain::{KeySource, Keychain, KeychainError};
use crate::local_sandbox::{LocalSandbox, SANDBOX_KEY};
use crate::settings::Settings;
use crate::store::Store;

/// The subfolder of the data folder that holds everything of Sandbox mode.
pub const SANDBOX_DIR: &str = "sandbox";
const MODE_ROW: &str = "connection_mode";

/// Whether renders are real and paid, or sample clips from the emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionMode {
    /// The real service: renders spend credits.
    #[default]
    Live,
    /// The built-in emulator: sample clips, no credits.
    Sandbox,
}

impl ConnectionMode {
    /// Where this mode's history (database and renders) lives.
    pub fn history_dir(self, data_dir: &Path) -> PathBuf {
        match self {
            Self::Live => data_dir.to_path_buf(),
            Self::Sandbox => data_dir.join(SANDBOX_DIR),
        }
    }
}

impl std::fmt::Display for ConnectionMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Live => "Live",
            Self::Sandbox => "Sandbox",
        })
    }
}

/// The Live base URL: the process's (`SEEDANCE_BASE_URL`) when set, else the stored
/// setting. The flag says whether the environment chose it.
pub fn live_base_url(env: &Environment, settings: &Settings) -> (String, bool) {
    match &env.base_url {
        Some(base) => (base.clone(), true),
        None => (settings.base_url.clone(), false),
    }
}

/// The mode chosen last time, if any.
pub async fn stored_mode(profile: &Store) -> Result<Option<ConnectionMode>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
        .bind(MODE_ROW)
        .fetch_optional(profile.pool())
        .await?;
    Ok(row.and_then(|(json,)| serde_json::from_str(&json).ok()))
}

/// Remembers the mode for the next start.
pub async fn store_mode(profile: &Store, mode: ConnectionMode) -> Result<(), sqlx::Error> {
    let mut tx = profile.write().await?;
    sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(MODE_ROW)
        .bind(serde_json::to_string(&mode).expect("a mode serialises"))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The Live key this process would use, and where it comes from. A keychain that cannot
/// be reached is reported, not fatal: the process can still run in Sandbox mode.
#[derive(Debug)]
pub struct LiveKey {
    pub key: Option<ApiKey>,
    pub source: KeySource,
    /// Why the keychain could not be read, in words for the user.
    pub keychain_problem: Option<String>,
}

impl LiveKey {
    pub async fn resolve(keychain: &Keychain, env: &Environment) -> Self {
        match keychain.resolve(env.api_key.as_ref()).await {
            Ok((key, source)) => Self {
                key,
                source,
                keychain_problem: None,
            },
            Err(e) => Self {
                key: None,
                source: KeySource::None,
                keychain_problem: Some(e.to_string()),
            },
        }
    }
}

/// The mode to start in: the one chosen last time, but Sandbox when Live has no key, so a
/// new user can try the whole flow at once.
pub fn starting_mode(stored: Option<ConnectionMode>, has_live_key: bool) -> ConnectionMode {
    match stored.unwrap_or_default() {
        ConnectionMode::Live if has_live_key => ConnectionMode::Live,
        ConnectionMode::Live => ConnectionMode::Sandbox,
        ConnectionMode::Sandbox => ConnectionMode::Sandbox,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "Live mode needs an API key: add one in Settings or with `seedance key set` (it is kept in the OS keychain), or set SEEDANCE_API_KEY. Sandbox mode (`--sandbox`) works without one."
    )]
    NeedsKey,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error("The sandbox emulator could not start: {0}")]
    Sandbox(std::io::Error),
    #[error("SEEDANCE_RATE: {0}")]
    Rate(String),
    #[error(
        "Live points at {0}, which is not the Seedance service, and your key was not saved for it. Confirm that host in Settings and enter the key for it, or set the base URL back to https://seedance2ai.io."
    )]
    UnconfirmedHost(String),
}

/// Refuses a Live base URL the key was not saved for (`SEEDANCE_BASE_URL`, chosen for one
/// run, is the developer's own choice).
fn key_may_go(settings: &Settings, from_env: bool) -> Result<(), ConnectError> {
    match settings.foreign_host() {
        Some(host) if !from_env && !settings.key_may_go_to_base() => {
            Err(ConnectError::UnconfirmedHost(host))
        }
        _ => Ok(()),
    }
}

/// A mode made ready: where to send requests, with which key, into which history.
pub struct Connected {
    pub mode: ConnectionMode,
    pub base_url: String,
    /// True when `SEEDANCE_BASE_URL` chose the base URL.
    pub base_url_from_env: bool,
    pub key_source: KeySource,
    pub history_dir: PathBuf,
    pub engine: EngineConfig,
    sandbox: Option<LocalSandbox>,
}

impl Connected {
    /// Prepares `mode`: for Live, the key (`live_key`, or an error saying how to add one);
    /// for Sandbox, the emulator (started here or shared with another process).
    pub async fn open(
        env: &Environment,
        mode: ConnectionMode,
        settings: &Settings,
        live_key: Option<ApiKey>,
        key_source: KeySource,
    ) -> Result<Self, ConnectError> {
        let rate = env.rate.clone().map_err(ConnectError::Rate)?;
        let history_dir = mode.history_dir(&env.data_dir);
        let (base_url, base_url_from_env, key, key_source, sandbox) = match mode {
            ConnectionMode::Live => {
                let key = live_key.ok_or(ConnectError::NeedsKey)?;
                let (base, from_env) = live_base_url(env, settings);
                key_may_go(settings, from_env)?;
                (base, from_env, key, key_source, None)
            }
            ConnectionMode::Sandbox => {
                let emulation = env.sandbox.clone().map_err(|e| {
                    ConnectError::Sandbox(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
                })?;
                let sandbox = LocalSandbox::start(&history_dir, rate, emulation)
                    .await
                    .map_err(ConnectError::Sandbox)?;
                let key = ApiKey::new(SANDBOX_KEY).expect("the sandbox key is well formed");
                (
                    sandbox.base_url(),
                    false,
                    key,
                    KeySource::None,
                    Some(sandbox),
                )
            }
        };
        let mut engine = EngineConfig::new(history_dir.clone(), base_url.clone(), key);
        engine.rate = rate;
        engine.budget_margin = settings.budget_margin;
        engine.lease = env.lease;
        engine.download.caps = env.download_caps;
        tracing::info!(%mode, %base_url, "connection ready");
        Ok(Self {
            mode,
            base_url,
            base_url_from_env,
            key_source,
            history_dir,
            engine,
            sandbox,
        })
    }

    /// True when this process serves the emulator (Sandbox mode only).
    pub fn serves_sandbox(&self) -> bool {
        self.sandbox.as_ref().is_some_and(LocalSandbox::serves)
    }

    /// Ends the mode: stops the emulator if this process runs it. Stop the engine first.
    pub async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.stop().await;
        }
    }
}

/// Checks `key` with the Live service without spending credits (a lookup of a task that
/// cannot exist: 404 means the key is good, 401 that it is not), through the account's
/// request budget kept in `profile`. Returns whether it is good, and the base URL asked.
pub async fn test_live_key(
    env: &Environment,
    profile: &Store,
    settings: &Settings,
    key: ApiKey,
) -> Result<(bool, String), seedance_api::ApiError> {
    use seedance_api::{Client, ClientConfig, RequestBudget};
    let (base_url, from_env) = live_base_url(env, settings);
    key_may_go(settings, from_env).map_err(|e| seedance_api::ApiError::Setup {
        message: e.to_string(),
    })?;
    let rate = env
        .rate
        .clone()
        .map_err(|message| seedance_api::ApiError::Setup { message })?;
    let budget: std::sync::Arc<dyn RequestBudget> = std::sync::Arc::new(
        crate::budget::DbBudget::new(profile.clone(), rate, settings.budget_margin),
    );
    let client = Client::new(ClientConfig::new(base_url.clone(), key, budget))?;
    let valid = client.check_key().await?;
    tracing::info!(valid, %base_url, "API key tested");
    Ok((valid, base_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_when_live_has_no_key() {
        use ConnectionMode::*;
        assert_eq!(starting_mode(None, false), Sandbox);
        assert_eq!(starting_mode(None, true), Live);
        assert_eq!(starting_mode(Some(Live), false), Sandbox);
        assert_eq!(starting_mode(Some(Live), true), Live);
        assert_eq!(starting_mode(Some(Sandbox), true), Sandbox);
    }

    #[test]
    fn histories_are_kept_apart() {
        let data = Path::new("/data");
        assert_eq!(ConnectionMode::Live.history_dir(data), data);
        assert_eq!(
            ConnectionMode::Sandbox.history_dir(data),
            data.join("sandbox")
        );
    }

    #[tokio::test]
    async fn the_chosen_mode_is_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(stored_mode(&store).await.unwrap(), None);
        store_mode(&store, ConnectionMode::Sandbox).await.unwrap();
        store_mode(&store, ConnectionMode::Live).await.unwrap();
        assert_eq!(
            stored_mode(&store).await.unwrap(),
            Some(ConnectionMode::Live)
        );
        // Settings stay as they were.
        assert_eq!(Settings::load(&store).await.unwrap(), Settings::default());
    }
}
