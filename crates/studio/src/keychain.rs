//! The API key in the OS keychain, and nowhere else: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows (the stores are named explicitly; without them the
//! keyring crate would quietly keep keys in memory). The key is never logged, never written
//! to SQLite or a file, and never read back into the webview.
//!
//! Keychain calls can block (a locked keyring may prompt), so they run off the async
//! runtime with a timeout. When there is no keychain at all, the error says what to do.

use std::time::Duration;

use seedance_api::ApiKey;

/// A key in the environment overrides the keychain for this process (CI and scripts).
pub const KEY_ENV: &str = "SEEDANCE_API_KEY";
/// The entry's user name under the service.
pub const ACCOUNT: &str = "api-key";
/// The entry's user name for the upload storage's secret access key.
pub const STORAGE_ACCOUNT: &str = "storage-secret-access-key";
/// How long a keychain call may take before the user is told it did not answer.
pub const TIMEOUT: Duration = Duration::from_secs(4);

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    #[error(
        "No keychain is available ({detail}). Install and unlock a keyring that offers the Secret Service (GNOME Keyring or KWallet on Linux), or set SEEDANCE_API_KEY for this session. Nothing was stored."
    )]
    Unavailable { detail: String },
    #[error(
        "The keychain did not answer within {} seconds: it may be locked and waiting for a password. Unlock it, or set SEEDANCE_API_KEY for this session. Nothing was stored.",
        TIMEOUT.as_secs()
    )]
    TimedOut,
    #[error("The keychain refused the request: {0}")]
    Refused(String),
    #[error("The keychain holds an entry that is not a usable API key; set the key again")]
    Unreadable,
}

impl From<keyring::Error> for KeychainError {
    fn from(e: keyring::Error) -> Self {
        // keyring's messages describe the platform failure; they never contain the secret.
        match e {
            keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
                Self::Unavailable {
                    detail: inner.to_string(),
                }
            }
            keyring::Error::BadEncoding(_) => Self::Unreadable,
            other => Self::Refused(other.to_string()),
        }
    }
}

/// Where this process's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// `SEEDANCE_API_KEY` overrides the keychain for this process.
    Environment,
    Keychain,
    /// No key anywhere.
    None,
}

/// The API key's entry in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// The entry under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    async fn run<T: Send + 'static>(
        &self,
        op: impl FnOnce(keyring::Entry) -> Result<T, keyring::Error> + Send + 'static,
    ) -> Result<T, KeychainError> {
        self.run_for(ACCOUNT, op).await
    }

    async fn run_for<T: Send + 'static>(
        &self,
        account: &'static str,
        op: impl FnOnce(keyring::Entry) -> Result<T, keyring::Error> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let service = self.service.clone();
        // A plain thread, outside the runtime: the Secret Service client blocks on its own
        // executor, which must not run inside tokio's.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let _ = tx.send(keyring::Entry::new(&service, account).and_then(op));
        });
        match tokio::time::timeout(TIMEOUT, rx).await {
            Err(_) => Err(KeychainError::TimedOut),
            Ok(Err(_)) => Err(KeychainError::Refused(
                "the keychain call stopped unexpectedly".into(),
            )),
            Ok(Ok(result)) => result.map_err(KeychainError::from),
        }
    }

    /// Stores `key`, replacing any key stored before.
    pub async fn set(&self, key: &ApiKey) -> Result<(), KeychainError> {
        let secret = key.expose().to_string();
        crate::logging::redact(&secret);
        self.run(move |entry| entry.set_password(&secret)).await
    }

    /// The secret stored for `account`, if any (registered with the log scrubber).
    async fn read(&self, account: &'static str) -> Result<Option<String>, KeychainError> {
        let found = self
            .run_for(account, |entry| match entry.get_password() {
                Ok(secret) => Ok(Some(secret)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            })
            .await?;
        if let Some(secret) = &found {
            crate::logging::redact(secret);
        }
        Ok(found)
    }

    /// The stored key, if there is one.
    pub async fn get(&self) -> Result<Option<ApiKey>, KeychainError> {
        self.read(ACCOUNT)
            .await?
            .map(|secret| ApiKey::new(secret).map_err(|_| KeychainError::Unreadable))
            .transpose()
    }

    /// Whether a key is stored (without handing it to the caller).
    pub async fn is_stored(&self) -> Result<bool, KeychainError> {
        Ok(self.get().await?.is_some())
    }

    /// Removes the stored key; false when there was none.
    pub async fn clear(&self) -> Result<bool, KeychainError> {
        self.run(|entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e),
        })
        .await
    }

    /// Stores the upload storage's secret access key, replacing any stored before.
    pub async fn set_storage_secret(&self, secret: &str) -> Result<(), KeychainError> {
        let secret = secret.to_string();
        crate::logging::redact(&secret);
        self.run_for(STORAGE_ACCOUNT, move |entry| entry.set_password(&secret))
            .await
    }

    /// The upload storage's secret access key, if one is stored.
    pub async fn storage_secret(&self) -> Result<Option<String>, KeychainError> {
        self.read(STORAGE_ACCOUNT).await
    }

    /// The key this process uses: `from_env` (its `SEEDANCE_API_KEY`) if set, else the
    /// keychain's.
    pub async fn resolve(
        &self,
        from_env: Option<&ApiKey>,
    ) -> Result<(Option<ApiKey>, KeySource), KeychainError> {
        if let Some(key) = from_env {
            crate::logging::redact(key.expose());
            return Ok((Some(key.clone()), KeySource::Environment));
        }
        Ok(match self.get().await? {
            Some(key) => (Some(key), KeySource::Keychain),
            None => (None, KeySource::None),
        })
    }
}
