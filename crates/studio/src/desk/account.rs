//! The account's verbs: the API key (saved, tested, cleared, never read back), the
//! settings (with the confirmation a foreign Live host needs), the upload storage, the
//! composer's draft, and the diagnostics report.

use seedance_api::ApiKey;

use crate::connection::{self, ConnectionMode, LiveKey};
use crate::keychain::KeySource;
use crate::outbound::Outbound;
use crate::settings::Settings;
use crate::uploads::Storage;

use super::{Desk, DeskError, KeyCheck, KeyStatus};

impl Desk {
    pub async fn key_status(&self) -> KeyStatus {
        let env = self.env.api_key.is_some();
        let from_env = |otherwise| {
            if env {
                KeySource::Environment
            } else {
                otherwise
            }
        };
        match self.keychain.is_stored().await {
            Ok(stored) => KeyStatus {
                source: from_env(if stored {
                    KeySource::Keychain
                } else {
                    KeySource::None
                }),
                stored,
                keychain_problem: None,
            },
            Err(e) => KeyStatus {
                source: from_env(KeySource::None),
                stored: false,
                keychain_problem: Some(e.to_string()),
            },
        }
    }

    /// Stores `key` in the keychain (replacing any), then reconnects Live if it is running
    /// so the new key takes effect.
    pub async fn save_key(&self, key: &str) -> Result<KeyStatus, DeskError> {
        let key = ApiKey::new(key.trim()).map_err(|e| DeskError::invalid("key", e))?;
        crate::logging::redact(key.expose());
        self.keychain.set(&key).await?;
        tracing::info!("API key stored in the keychain");
        if self.mode().await == Some(ConnectionMode::Live) {
            self.switch(ConnectionMode::Live).await?;
        }
        Ok(self.key_status().await)
    }

    /// Removes the key from the keychain. Live mode without a key left falls back to
    /// Sandbox (Live stays the remembered choice).
    pub async fn clear_key(&self) -> Result<KeyStatus, DeskError> {
        self.keychain.clear().await?;
        tracing::info!("API key removed from the keychain");
        let status = self.key_status().await;
        if self.mode().await == Some(ConnectionMode::Live) && status.source == KeySource::None {
            self.connect(ConnectionMode::Sandbox).await?;
            self.set_notice(Some(
                "The key was removed, so the app switched to Sandbox mode.".into(),
            ));
        }
        Ok(status)
    }

    /// Checks the Live key without spending credits (a lookup of a task that cannot
    /// exist), through the account's shared request budget.
    pub async fn test_key(&self) -> Result<KeyCheck, DeskError> {
        let live = LiveKey::resolve(&self.keychain, &self.env).await;
        let Some(key) = live.key else {
            return Err(match live.keychain_problem {
                Some(problem) => DeskError::needs_key(problem),
                None => DeskError::needs_key("No API key is stored: add one first."),
            });
        };
        let settings = self.settings().await?;
        let (valid, base_url) =
            connection::test_live_key(&self.env, &self.profile, &settings, key).await?;
        Ok(KeyCheck {
            valid,
            base_url: base_url.clone(),
            message: if valid {
                format!("The key works with {base_url}.")
            } else {
                format!("{base_url} did not accept this key (401). Check it and save it again.")
            },
        })
    }

    pub async fn settings(&self) -> Result<Settings, DeskError> {
        Ok(Settings::load(&self.profile).await?)
    }

    /// Saves the settings. Pointing Live at a host other than the service's own needs the
    /// key for that host (`host_key`): it replaces the stored one, so the key saved for the
    /// service never goes anywhere else. Without it, a confirmation is asked for and nothing
    /// is saved. A change that affects the connection (the Live base URL, the request
    /// budget margin) restarts the running mode.
    pub async fn save_settings(
        &self,
        mut settings: Settings,
        host_key: Option<&str>,
    ) -> Result<Settings, DeskError> {
        let before = self.settings().await?;
        // Only the confirmation below sets it, never the caller.
        settings.confirmed_base_host = before.confirmed_base_host.clone();
        settings.validate()?;
        match settings.foreign_host() {
            None => settings.confirmed_base_host = None,
            Some(host) if !settings.key_may_go_to_base() => {
                let Some(key) = host_key.filter(|k| !k.trim().is_empty()) else {
                    return Err(DeskError {
                        field: Some("base_url".into()),
                        ..DeskError::needs_confirmation(format!(
                            "{host} is not the Seedance service. Live would send your API key there. Confirm the host, and enter the key to use with it (it replaces the stored key)."
                        ))
                    });
                };
                let key = ApiKey::new(key.trim()).map_err(|e| DeskError::invalid("key", e))?;
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

    /// Keeps the storage's secret access key in the keychain.
    pub async fn save_storage_secret(&self, secret: &str) -> Result<(), DeskError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(DeskError::invalid(
                "storage.secret",
                "the secret access key is empty",
            ));
        }
        Ok(self.keychain.set_storage_secret(secret).await?)
    }

    /// The upload storage from `settings`, with its secret from the keychain, or what is
    /// still needed.
    pub(super) async fn storage_of(&self, settings: &Settings) -> Result<Storage, DeskError> {
        let Some(config) = &settings.storage else {
            return Err(DeskError::needs_storage(
                "Uploading local files needs a storage bucket: set one up in Settings → Upload storage.",
            ));
        };
        let Some(secret) = self.keychain.storage_secret().await? else {
            return Err(DeskError::needs_storage(
                "The upload storage has no secret access key yet: add it in Settings → Upload storage.",
            ));
        };
        Ok(Storage::new(config, &secret)?)
    }

    /// Signs a request to the storage and checks the answer (Settings' "Check").
    pub async fn check_storage(&self) -> Result<(), DeskError> {
        let storage = self.storage_of(&self.settings().await?).await?;
        Ok(storage.check().await?)
    }

    /// What outside URLs this desk may fetch: https to public hosts, the running API base
    /// when it is on loopback, and the upload storage's endpoint.
    pub(super) async fn outbound(&self, settings: &Settings) -> Result<Outbound, DeskError> {
        let base = self.engine().await?.client().base_url();
        Ok(Outbound::new(
            &base,
            settings.storage.as_ref().map(|s| s.endpoint.as_str()),
        ))
    }

    /// The composer's draft as the window left it.
    pub async fn draft_load(&self) -> Result<Option<serde_json::Value>, DeskError> {
        Ok(crate::composer_draft::load(&self.profile, COMPOSER_SLOT).await?)
    }

    pub async fn draft_save(&self, draft: &serde_json::Value) -> Result<(), DeskError> {
        Ok(crate::composer_draft::save(&self.profile, COMPOSER_SLOT, draft).await?)
    }

    /// Writes a diagnostics report into the data folder and returns its path.
    pub async fn export_diagnostics(&self, program: &str) -> Result<String, DeskError> {
        let connection = self.connection().await;
        let key = self.key_status().await;
        let facts = [
            ("program", program.to_string()),
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
        let path = crate::diagnostics::export(self.data_dir(), &self.profile, &facts)
            .await
            .map_err(|e| {
                DeskError::internal(format!("The diagnostics report could not be written: {e}"))
            })?;
        Ok(path.display().to_string())
    }
}

/// The profile's slot for the window's composer draft.
const COMPOSER_SLOT: &str = "composer";
