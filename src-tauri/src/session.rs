//! The app's running state: the data folder, the profile database (settings and the chosen
//! mode), the keychain entry, and the current connection with its engine.
//!
//! It starts in the background as the window opens (a locked keychain can take seconds to
//! answer); IPC commands wait for it. Switching modes stops one engine and starts the
//! other, so each mode works on its own history.

use std::path::PathBuf;
use std::sync::Arc;

use seedance_api::ApiKey;
use serde::Serialize;
use studio::connection::{self, ConnectError, Connected, ConnectionMode, LiveKey};
use studio::keychain::{KeySource, Keychain};
use studio::settings::Settings;
use studio::{Engine, JobEvent, Store};
use tokio::sync::{Mutex, OnceCell};
use ts_rs::TS;

use crate::error::IpcError;

/// The API the app talks to right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionInfo {
    pub mode: ConnectionMode,
    pub base_url: String,
    /// True when `SEEDANCE_BASE_URL` chose the base URL for this process.
    pub base_url_from_env: bool,
}

/// What the app knows about the API key, never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeyStatus {
    /// Where the Live key comes from: `environment` overrides the keychain.
    pub source: KeySource,
    /// Whether the keychain holds a key (false when it could not be asked).
    pub stored: bool,
    /// Why the keychain could not be used, and what to do.
    pub keychain_problem: Option<String>,
}

/// The result of testing the Live key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeyCheck {
    pub valid: bool,
    pub message: String,
}

struct Current {
    connected: Connected,
    engine: Engine,
    forwarder: tokio::task::JoinHandle<()>,
}

impl Current {
    async fn stop(self) {
        self.forwarder.abort();
        self.engine.stop().await;
        self.connected.close().await;
    }
}

/// Where job events go (the webview, in the app).
pub type EventSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// Everything behind the IPC commands.
pub struct Studio {
    pub data_dir: PathBuf,
    pub profile: Store,
    pub keychain: Keychain,
    current: Mutex<Option<Current>>,
    notice: std::sync::Mutex<Option<String>>,
    sink: EventSink,
}

impl Studio {
    /// Opens the data folder and connects in the mode chosen last time (Sandbox when there
    /// is no Live key). A mode that cannot start is reported, not fatal.
    pub async fn start(data_dir: PathBuf, sink: EventSink) -> Result<Self, IpcError> {
        let profile = Store::open(&data_dir).await?;
        let studio = Self {
            data_dir,
            profile,
            keychain: Keychain::from_env(),
            current: Mutex::new(None),
            notice: std::sync::Mutex::new(None),
            sink,
        };
        let live = LiveKey::resolve(&studio.keychain).await;
        let stored = connection::stored_mode(&studio.profile)
            .await
            .ok()
            .flatten();
        let mode = connection::starting_mode(stored, live.key.is_some());
        if mode == ConnectionMode::Sandbox && stored != Some(ConnectionMode::Sandbox) {
            studio.set_notice(Some(match &live.keychain_problem {
                Some(problem) => format!("Started in Sandbox mode: {problem}"),
                None => "Started in Sandbox mode because no API key is stored: sample clips, no credits. Add your key in Settings to switch to Live.".into(),
            }));
        }
        let mut current = studio.current.lock().await;
        match studio.connect(mode, live).await {
            Ok(c) => *current = Some(c),
            Err(e) => studio.set_notice(Some(e.message)),
        }
        drop(current);
        Ok(studio)
    }

    fn set_notice(&self, notice: Option<String>) {
        if let Some(n) = &notice {
            tracing::warn!("{n}");
        }
        *self.notice.lock().unwrap() = notice;
    }

    async fn connect(&self, mode: ConnectionMode, live: LiveKey) -> Result<Current, IpcError> {
        let settings = Settings::load(&self.profile).await?;
        let connected =
            Connected::open(&self.data_dir, mode, &settings, live.key, live.source).await?;
        let engine = Engine::start(connected.engine.clone()).await?;
        // Every event of this engine (its own and other processes') goes to the sink.
        let mut events = engine.subscribe();
        let sink = self.sink.clone();
        let forwarder = tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => sink(event),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Ok(Current {
            connected,
            engine,
            forwarder,
        })
    }

    /// The connection as the status bar and Settings show it.
    pub async fn connection(&self) -> Option<ConnectionInfo> {
        let current = self.current.lock().await;
        let c = current.as_ref()?;
        Some(ConnectionInfo {
            mode: c.connected.mode,
            base_url: c.connected.base_url.clone(),
            base_url_from_env: c.connected.base_url_from_env,
        })
    }

    /// Why the app is not in the mode chosen last time, or why no mode could start.
    pub fn notice(&self) -> Option<String> {
        self.notice.lock().unwrap().clone()
    }

    /// Switches to `mode` (or restarts the current one, e.g. after a settings change) and
    /// remembers the choice. On failure the previous mode keeps running.
    pub async fn switch(&self, mode: ConnectionMode) -> Result<ConnectionInfo, IpcError> {
        let live = LiveKey::resolve(&self.keychain).await;
        if mode == ConnectionMode::Live && live.key.is_none() {
            return Err(match live.keychain_problem {
                Some(problem) => IpcError::needs_key(problem),
                None => ConnectError::NeedsKey.into(),
            });
        }
        let mut current = self.current.lock().await;
        if let Some(old) = current.take() {
            old.stop().await;
        }
        let next = self.connect(mode, live).await;
        let result = match next {
            Ok(c) => {
                *current = Some(c);
                self.set_notice(None);
                connection::store_mode(&self.profile, mode).await?;
                Ok(())
            }
            Err(e) => Err(e),
        };
        drop(current);
        result?;
        self.connection()
            .await
            .ok_or_else(|| IpcError::internal("the connection did not start"))
    }

    /// Runs `work` on the running engine, or says that no mode runs.
    pub async fn with_engine<T>(
        &self,
        work: impl AsyncFnOnce(&Engine) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let current = self.current.lock().await;
        match current.as_ref() {
            Some(c) => work(&c.engine).await,
            None => Err(IpcError::setup(self.notice().unwrap_or_else(|| {
                "No connection is running: choose Live or Sandbox in Settings.".into()
            }))),
        }
    }

    /// The mode running now.
    pub async fn mode(&self) -> Option<ConnectionMode> {
        self.current.lock().await.as_ref().map(|c| c.connected.mode)
    }

    pub async fn key_status(&self) -> KeyStatus {
        let env = studio::private::env_key().is_some();
        match self.keychain.is_stored().await {
            Ok(stored) => KeyStatus {
                source: if env {
                    KeySource::Environment
                } else if stored {
                    KeySource::Keychain
                } else {
                    KeySource::None
                },
                stored,
                keychain_problem: None,
            },
            Err(e) => KeyStatus {
                source: if env {
                    KeySource::Environment
                } else {
                    KeySource::None
                },
                stored: false,
                keychain_problem: Some(e.to_string()),
            },
        }
    }

    /// Stores `key` in the keychain (replacing any), then reconnects Live if it is running
    /// so the new key takes effect.
    pub async fn save_key(&self, key: String) -> Result<KeyStatus, IpcError> {
        let key = ApiKey::new(key.trim()).map_err(|e| IpcError::invalid("key", e.to_string()))?;
        studio::logging::redact(key.expose());
        self.keychain.set(&key).await?;
        tracing::info!("API key stored in the keychain");
        if self.mode().await == Some(ConnectionMode::Live) {
            self.switch(ConnectionMode::Live).await?;
        }
        Ok(self.key_status().await)
    }

    /// Removes the key from the keychain. Live mode without a key left falls back to
    /// Sandbox.
    pub async fn clear_key(&self) -> Result<KeyStatus, IpcError> {
        self.keychain.clear().await?;
        tracing::info!("API key removed from the keychain");
        let status = self.key_status().await;
        if self.mode().await == Some(ConnectionMode::Live) && status.source == KeySource::None {
            self.switch(ConnectionMode::Sandbox).await?;
            connection::store_mode(&self.profile, ConnectionMode::Live).await?;
            self.set_notice(Some(
                "The key was removed, so the app switched to Sandbox mode.".into(),
            ));
        }
        Ok(status)
    }

    /// Checks the Live key without spending credits (a lookup of a task that cannot
    /// exist), through the account's shared request budget.
    pub async fn test_key(&self) -> Result<KeyCheck, IpcError> {
        let live = LiveKey::resolve(&self.keychain).await;
        let Some(key) = live.key else {
            return Err(match live.keychain_problem {
                Some(problem) => IpcError::needs_key(problem),
                None => IpcError::needs_key("No API key is stored: add one first."),
            });
        };
        let settings = Settings::load(&self.profile).await?;
        let (valid, base_url) = connection::test_live_key(&self.profile, &settings, key).await?;
        Ok(KeyCheck {
            valid,
            message: if valid {
                format!("The key works with {base_url}.")
            } else {
                format!("{base_url} did not accept this key (401). Check it and save it again.")
            },
        })
    }

    /// The upload storage from Settings, with its secret from the keychain.
    /// What outside URLs this studio may fetch: https to public hosts, the running API
    /// base when it is on loopback, and the upload storage's endpoint.
    pub async fn outbound(&self) -> Result<studio::outbound::Outbound, IpcError> {
        let settings = Settings::load(&self.profile).await?;
        let base = self
            .with_engine(async |engine| Ok(engine.client().base_url()))
            .await?;
        Ok(studio::outbound::Outbound::new(
            &base,
            settings.storage.as_ref().map(|s| s.endpoint.as_str()),
        ))
    }

    pub async fn storage(&self) -> Result<studio::uploads::Storage, IpcError> {
        let settings = Settings::load(&self.profile).await?;
        let Some(config) = settings.storage else {
            return Err(IpcError::new(
                crate::error::ErrorCode::NeedsStorage,
                "Uploading local files needs a storage bucket: set one up in Settings → Upload storage.",
            ));
        };
        let Some(secret) = self.keychain.storage_secret().await? else {
            return Err(IpcError::new(
                crate::error::ErrorCode::NeedsStorage,
                "The upload storage has no secret access key yet: add it in Settings → Upload storage.",
            ));
        };
        studio::uploads::Storage::new(&config, &secret).map_err(upload_error)
    }

    pub async fn settings(&self) -> Result<Settings, IpcError> {
        Ok(Settings::load(&self.profile).await?)
    }

    /// Validates and stores the settings. A change that affects the connection (the Live
    /// base URL, the request budget margin) restarts the running mode.
    /// Saves the settings. Pointing Live at a host other than the service's own needs the
    /// key for that host (`host_key`): it replaces the stored one, so the key saved for the
    /// service never goes anywhere else. Without it, `needs_confirmation` says so and
    /// nothing is saved.
    pub async fn save_settings(
        &self,
        settings: Settings,
        host_key: Option<String>,
    ) -> Result<Settings, IpcError> {
        let before = Settings::load(&self.profile).await?;
        let mut settings = settings;
        // Only the confirmation below sets it, never the caller.
        settings.confirmed_base_host = before.confirmed_base_host.clone();
        settings.validate()?;
        match settings.foreign_host() {
            None => settings.confirmed_base_host = None,
            Some(host) if !settings.key_may_go_to_base() => {
                let Some(key) = host_key.filter(|k| !k.trim().is_empty()) else {
                    return Err(IpcError {
                        field: Some("base_url".into()),
                        ..IpcError::new(
                            crate::error::ErrorCode::NeedsConfirmation,
                            format!(
                                "{host} is not the Seedance service. Live would send your API key there. Confirm the host, and enter the key to use with it (it replaces the stored key)."
                            ),
                        )
                    });
                };
                let key = ApiKey::new(key.trim()).map_err(|e| IpcError::invalid("key", e))?;
                self.keychain.set(&key).await?;
                settings.confirmed_base_host = Some(host);
            }
            Some(_) => {}
        }
        settings.save(&self.profile).await?;
        let reconnect =
            before.base_url != settings.base_url || before.budget_margin != settings.budget_margin;
        if reconnect && let Some(mode) = self.mode().await {
            self.switch(mode).await?;
        }
        Ok(settings)
    }

    /// Writes a diagnostics report into the data folder and returns its path.
    pub async fn export_diagnostics(&self) -> Result<String, IpcError> {
        let connection = self.connection().await;
        let key = self.key_status().await;
        let facts = [
            (
                "program",
                format!("Seedance Studio {}", env!("CARGO_PKG_VERSION")),
            ),
            (
                "seedance-api user agent",
                seedance_api::client::user_agent(),
            ),
            (
                "mode",
                connection
                    .as_ref()
                    .map_or("none".into(), |c| format!("{} ({})", c.mode, c.base_url)),
            ),
            ("key source", format!("{:?}", key.source)),
            ("key stored in the keychain", key.stored.to_string()),
            (
                "keychain problem",
                key.keychain_problem.unwrap_or_else(|| "none".into()),
            ),
            ("notice", self.notice().unwrap_or_else(|| "none".into())),
        ];
        let path = studio::diagnostics::export(&self.data_dir, &self.profile, &facts)
            .await
            .map_err(|e| {
                IpcError::internal(format!("The diagnostics report could not be written: {e}"))
            })?;
        Ok(path.display().to_string())
    }
}

/// An upload failure as the webview sees it.
pub fn upload_error(e: studio::uploads::UploadError) -> IpcError {
    use studio::uploads::UploadError as E;
    match &e {
        E::Invalid { field, .. } => IpcError::invalid(&format!("storage.{field}"), &e),
        E::Refused { .. } => IpcError::new(crate::error::ErrorCode::Refused, &e),
        E::Unreachable(_) => IpcError::new(crate::error::ErrorCode::Offline, &e),
    }
}

/// The app's state as Tauri manages it: the [`Studio`] once it has started.
pub struct AppState {
    studio: OnceCell<Result<Arc<Studio>, IpcError>>,
    sink: EventSink,
}

impl AppState {
    /// `sink` receives every job event once the studio runs.
    pub fn new(sink: EventSink) -> Self {
        Self {
            studio: OnceCell::new(),
            sink,
        }
    }

    /// The running studio, starting it on first use; every caller waits for the same start.
    pub async fn studio(&self) -> Result<Arc<Studio>, IpcError> {
        self.studio
            .get_or_init(|| async {
                let data_dir = studio::data_dir()?;
                Studio::start(data_dir, self.sink.clone())
                    .await
                    .map(Arc::new)
            })
            .await
            .clone()
    }
}
