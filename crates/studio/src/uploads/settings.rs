//! Where uploads go (everything but the secret), each field checked by name.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The longest a presigned URL may live (SigV4's limit).
pub const MAX_URL_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where uploads go: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct StorageSettings {
    /// e.g. `https://s3.eu-west-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    /// Prepended to every key, e.g. `seedance/`.
    pub prefix: String,
    pub access_key_id: String,
    /// How long the presigned GET URL handed to the service lives, in hours.
    pub url_hours: u32,
    /// Keep uploaded files after the render that used them has finished.
    pub keep_uploads: bool,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            region: "us-east-1".into(),
            bucket: String::new(),
            prefix: "seedance/".into(),
            access_key_id: String::new(),
            url_hours: 24,
            keep_uploads: false,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    #[error("storage.{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("The storage refused the request (HTTP {status}) for {what}: {detail}")]
    Refused {
        status: u16,
        what: String,
        detail: String,
    },
    #[error("The storage could not be reached: {0}")]
    Unreachable(String),
    /// The history's record of uploads could not be read or written.
    #[error("The history database failed: {0}")]
    History(String),
}

impl StorageSettings {
    /// Checks every field; the error names the field and what is allowed.
    pub fn validate(&self) -> Result<(), UploadError> {
        let invalid = |field, message: &str| {
            Err(UploadError::Invalid {
                field,
                message: message.into(),
            })
        };
        match url::Url::parse(&self.endpoint) {
            Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some() => {}
            _ => {
                return invalid(
                    "endpoint",
                    "must be the storage's URL, like https://s3.eu-west-1.amazonaws.com",
                );
            }
        }
        if self.region.trim().is_empty() {
            return invalid(
                "region",
                "must be set (us-east-1 when the storage does not care)",
            );
        }
        let bucket_ok = (3..=63).contains(&self.bucket.len())
            && self
                .bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !bucket_ok {
            return invalid(
                "bucket",
                "must be 3–63 lower-case letters, digits, dots or hyphens",
            );
        }
        if self.access_key_id.trim().is_empty() {
            return invalid("access_key_id", "must be set");
        }
        if !(1..=168).contains(&self.url_hours) {
            return invalid(
                "url_hours",
                "must be 1 to 168 hours (presigned URLs live at most 7 days)",
            );
        }
        Ok(())
    }
}
