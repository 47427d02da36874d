//! The app's settings, kept in the history database (one row per setting, JSON values) so
//! the app and the `seedance` command see the same ones. Never the API key: that lives in
//! the OS keychain only.

use seedance_api::{AspectRatio, Channel, ClipDuration, Mode, QualityTier, Resolution};
use serde::{Deserialize, Serialize};

use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// The OS language (Japanese for `ja`, else English).
    #[default]
    System,
    En,
    Ja,
}

/// What a new composition starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ComposerDefaults {
    pub mode: Mode,
    pub quality_tier: QualityTier,
    pub channel: Channel,
    pub aspect_ratio: AspectRatio,
    pub duration_secs: u8,
    pub resolution: Resolution,
    pub generate_audio: bool,
    pub fixed_lens: bool,
}

impl Default for ComposerDefaults {
    fn default() -> Self {
        Self {
            mode: Mode::DEFAULT,
            quality_tier: QualityTier::DEFAULT,
            channel: Channel::DEFAULT,
            aspect_ratio: AspectRatio::DEFAULT,
            duration_secs: ClipDuration::DEFAULT.seconds(),
            resolution: Resolution::DEFAULT,
            generate_audio: true,
            fixed_lens: false,
        }
    }
}

/// Every setting, with its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    /// The Live service's base URL.
    pub base_url: String,
    pub composer: ComposerDefaults,
    /// Requests per window the engine keeps back from the account's limit.
    pub budget_margin: u32,
    /// Ask before a submission (or batch) above this many credits; `None` never asks.
    pub spend_guard_credits: Option<u32>,
    pub language: Language,
    pub theme: Theme,
    pub notify_when_ready: bool,
    /// Where local reference files are uploaded; None until set up.
    pub storage: Option<crate::uploads::StorageSettings>,
    /// A Live host other than the service's own that the person confirmed, entering the
    /// key for it ([`Settings::key_may_go_to_base`]). Set only by that confirmation.
    pub confirmed_base_host: Option<String>,
}

/// The service's own hosts: the key is saved for these.
pub const SERVICE_HOSTS: [&str; 2] = ["seedance2ai.io", "www.seedance2ai.io"];

impl Default for Settings {
    fn default() -> Self {
        Self {
            base_url: seedance_api::DEFAULT_BASE_URL.into(),
            composer: ComposerDefaults::default(),
            budget_margin: 1,
            spend_guard_credits: Some(300),
            language: Language::System,
            theme: Theme::System,
            notify_when_ready: true,
            storage: None,
            confirmed_base_host: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("The settings could not be read or saved: {0}")]
    Database(#[from] sqlx::Error),
}

const ROW: &str = "settings";

impl Settings {
    /// The Live base URL's host when it is not the service's own.
    pub fn foreign_host(&self) -> Option<String> {
        let host = url::Url::parse(&self.base_url)
            .ok()?
            .host_str()?
            .to_ascii_lowercase();
        (!SERVICE_HOSTS.contains(&host.as_str())).then_some(host)
    }

    /// Whether the stored key may be sent to the Live base URL: it is the service's own,
    /// or the host the person confirmed (entering a key for it).
    pub fn key_may_go_to_base(&self) -> bool {
        match self.foreign_host() {
            None => true,
            Some(host) => self.confirmed_base_host.as_deref() == Some(host.as_str()),
        }
    }

    /// Checks every setting; the error names the field and what is allowed.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |field, message: String| Err(SettingsError::Invalid { field, message });
        match url::Url::parse(&self.base_url) {
            Ok(u) if u.scheme() == "https" && u.host().is_some() => {}
            _ => {
                return invalid(
                    "base_url",
                    format!(
                        "must be an https URL, like {}; got {:?}",
                        seedance_api::DEFAULT_BASE_URL,
                        self.base_url
                    ),
                );
            }
        }
        if ClipDuration::new(self.composer.duration_secs).is_none() {
            return invalid(
                "composer.duration_secs",
                format!(
                    "must be 4 to 15 seconds; got {}",
                    self.composer.duration_secs
                ),
            );
        }
        if self.composer.resolution.needs_pro() && self.composer.quality_tier != QualityTier::Pro {
            return invalid(
                "composer.resolution",
                format!("{} needs the pro tier", self.composer.resolution),
            );
        }
        if let Some(storage) = &self.storage {
            storage.validate().map_err(|e| match e {
                crate::uploads::UploadError::Invalid { field, message } => SettingsError::Invalid {
                    field: match field {
                        "endpoint" => "storage.endpoint",
                        "region" => "storage.region",
                        "bucket" => "storage.bucket",
                        "access_key_id" => "storage.access_key_id",
                        "url_hours" => "storage.url_hours",
                        _ => "storage",
                    },
                    message,
                },
                other => SettingsError::Invalid {
                    field: "storage",
                    message: other.to_string(),
                },
            })?;
        }
        if self.budget_margin > 10 {
            return invalid(
                "budget_margin",
                format!("must be 0 to 10 requests; got {}", self.budget_margin),
            );
        }
        Ok(())
    }

    /// The stored settings, with defaults for anything not stored (or stored by an older
    /// version under another shape).
    pub async fn load(store: &Store) -> Result<Self, SettingsError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(ROW)
            .fetch_optional(store.pool())
            .await?;
        Ok(row
            .and_then(|(json,)| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    /// Validates and stores the settings; nothing is stored when any is invalid.
    pub async fn save(&self, store: &Store) -> Result<(), SettingsError> {
        self.validate()?;
        let json = serde_json::to_string(self).expect("settings serialise");
        let mut tx = store.write().await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(ROW)
            .bind(json)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn defaults_until_saved_then_what_was_saved() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(Settings::load(&store).await.unwrap(), Settings::default());
        let s = Settings {
            theme: Theme::Dark,
            language: Language::Ja,
            spend_guard_credits: None,
            composer: ComposerDefaults {
                quality_tier: QualityTier::Pro,
                resolution: Resolution::K4,
                ..ComposerDefaults::default()
            },
            ..Settings::default()
        };
        s.save(&store).await.unwrap();
        store.close().await;
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(Settings::load(&store).await.unwrap(), s);
    }

    #[tokio::test]
    async fn invalid_settings_name_the_field_and_store_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        for (bad, field) in [
            (
                Settings {
                    base_url: "http://seedance2ai.io".into(),
                    ..Settings::default()
                },
                "base_url",
            ),
            (
                Settings {
                    budget_margin: 29,
                    ..Settings::default()
                },
                "budget_margin",
            ),
            (
                Settings {
                    composer: ComposerDefaults {
                        duration_secs: 3,
                        ..ComposerDefaults::default()
                    },
                    ..Settings::default()
                },
                "composer.duration_secs",
            ),
            (
                Settings {
                    composer: ComposerDefaults {
                        resolution: Resolution::K4,
                        ..ComposerDefaults::default()
                    },
                    ..Settings::default()
                },
                "composer.resolution",
            ),
        ] {
            let err = bad.save(&store).await.unwrap_err();
            assert!(err.to_string().starts_with(field), "{err}");
        }
        assert_eq!(Settings::load(&store).await.unwrap(), Settings::default());
    }

    #[tokio::test]
    async fn settings_missing_from_an_older_shape_take_their_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('settings', '{\"theme\":\"light\"}')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let s = Settings::load(&store).await.unwrap();
        assert_eq!(s.theme, Theme::Light);
        assert_eq!(s.base_url, seedance_api::DEFAULT_BASE_URL);
    }

    #[test]
    fn the_key_goes_to_the_service_or_to_a_host_that_was_confirmed() {
        let mut s = Settings::default();
        assert_eq!(s.foreign_host(), None);
        assert!(s.key_may_go_to_base());
        s.base_url = "https://www.seedance2ai.io".into();
        assert!(s.key_may_go_to_base());
        s.base_url = "https://evil.test/api".into();
        assert_eq!(s.foreign_host().as_deref(), Some("evil.test"));
        assert!(!s.key_may_go_to_base());
        s.confirmed_base_host = Some("other.test".into());
        assert!(!s.key_may_go_to_base(), "confirmed for another host");
        s.confirmed_base_host = Some("evil.test".into());
        assert!(s.key_may_go_to_base());
    }
}
