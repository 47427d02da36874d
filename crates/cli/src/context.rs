//! What every command starts from: the data folder the app uses, its settings, the keychain
//! entry, and (for commands that send or follow jobs) the engine on the chosen history.

use std::path::PathBuf;

use seedance_api::ApiKey;
use studio::connection::{self, Connected, ConnectionMode, LiveKey};
use studio::keychain::Keychain;
use studio::settings::Settings;
use studio::{Engine, Store};

use crate::exit::CliError;

pub struct Context {
    pub data_dir: PathBuf,
    pub profile: Store,
    pub settings: Settings,
    pub keychain: Keychain,
    pub mode: ConnectionMode,
}

/// A connection with its engine running.
struct Running {
    connected: Connected,
    engine: Engine,
}

impl Running {
    /// Stops the engine (every job stays safe to resume) and the emulator if it runs here.
    async fn stop(self) {
        self.engine.stop().await;
        self.connected.close().await;
    }
}

impl Context {
    pub async fn open(sandbox: bool) -> Result<Self, CliError> {
        let data_dir = studio::data_dir()?;
        let profile = Store::open(&data_dir).await?;
        let settings = Settings::load(&profile).await.map_err(CliError::local)?;
        Ok(Self {
            data_dir,
            profile,
            settings,
            keychain: Keychain::from_env(),
            mode: if sandbox {
                ConnectionMode::Sandbox
            } else {
                ConnectionMode::Live
            },
        })
    }

    /// The Live key: `SEEDANCE_API_KEY`, else the keychain's; an error says how to add one.
    pub async fn live_key(&self) -> Result<ApiKey, CliError> {
        let live = LiveKey::resolve(&self.keychain).await;
        match (live.key, live.keychain_problem) {
            (Some(key), _) => Ok(key),
            (None, Some(problem)) => Err(CliError::local(problem)),
            (None, None) => Err(CliError::local(
                "No API key: store one with `seedance key set` (it reads the key from stdin), set SEEDANCE_API_KEY, or use --sandbox.",
            )),
        }
    }

    /// The base URL requests go to, without connecting (for validation and dry runs).
    pub fn base_is_loopback(&self) -> bool {
        match self.mode {
            ConnectionMode::Sandbox => true,
            ConnectionMode::Live => {
                let (base, _) = connection::live_base_url(&self.settings);
                url_is_loopback(&base)
            }
        }
    }

    /// Runs `work` with the engine of the chosen mode, then stops it whatever happened
    /// (every job stays safe to resume).
    pub async fn with_engine<T>(
        &self,
        work: impl AsyncFnOnce(&Engine) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        let running = self.start().await?;
        let result = work(&running.engine).await;
        running.stop().await;
        result
    }

    /// Connects the chosen mode and starts the engine, which also resumes every unfinished
    /// job of that history.
    async fn start(&self) -> Result<Running, CliError> {
        let (key, source) = match self.mode {
            ConnectionMode::Live => (
                Some(self.live_key().await?),
                studio::keychain::KeySource::Keychain,
            ),
            ConnectionMode::Sandbox => (None, studio::keychain::KeySource::None),
        };
        let connected =
            Connected::open(&self.data_dir, self.mode, &self.settings, key, source).await?;
        let engine = Engine::start(connected.engine.clone()).await?;
        Ok(Running { connected, engine })
    }

    /// The history of the chosen mode, read without starting an engine.
    pub async fn history(&self) -> Result<Store, CliError> {
        match self.mode {
            ConnectionMode::Live => Ok(self.profile.clone()),
            ConnectionMode::Sandbox => {
                Ok(Store::open(&self.mode.history_dir(&self.data_dir)).await?)
            }
        }
    }

    pub fn history_dir(&self) -> PathBuf {
        self.mode.history_dir(&self.data_dir)
    }
}

fn url_is_loopback(base: &str) -> bool {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host().map(|h| seedance_api::validate::is_loopback(&h)))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::url_is_loopback;

    #[test]
    fn loopback_hosts() {
        assert!(url_is_loopback("http://127.0.0.1:8080"));
        assert!(url_is_loopback("http://localhost/x"));
        assert!(url_is_loopback("http://[::1]:9/"));
        assert!(!url_is_loopback("https://seedance2ai.io"));
        assert!(!url_is_loopback("not a url"));
    }
}
