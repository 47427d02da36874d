//! Local reference files on the user's own S3-compatible storage (AWS S3, Cloudflare R2,
//! Backblaze B2, MinIO, SeaweedFS…): the service only fetches public URLs, so a file from
//! this computer is uploaded and referenced by a presigned GET URL that lives as long as the
//! render needs. Keys are content-addressed (SHA-256), so the same file is uploaded once.
//! Requests are presigned with `rusty-s3` and sent with the reqwest client already in use.
//!
//! The secret access key lives in the OS keychain, like the API key.
//!
//! One file past 500 lines: the storage's settings, its signed requests and their tests
//! against a real S3-compatible server belong to one client; about half the file is tests.

use std::time::Duration;

use ring::digest::{SHA256, digest};
use rusty_s3::actions::{DeleteObject, GetObject, HeadObject, PutObject};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde::{Deserialize, Serialize};

use crate::random::hex;

/// How long a signed request to the storage itself stays valid.
const REQUEST_TTL: Duration = Duration::from_secs(300);
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

/// A connection to the storage.
pub struct Storage {
    bucket: Bucket,
    credentials: Credentials,
    prefix: String,
    lifetime: Duration,
    client: reqwest::Client,
}

/// A file in the storage, and the URL the service can fetch it from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Uploaded {
    pub key: String,
    pub url: String,
    /// When `url` stops working, in ms since the epoch.
    pub expires_at: i64,
    /// The same content was there already: nothing was sent.
    pub reused: bool,
    pub bytes: u64,
}

/// The content type and extension of a file the service takes, from its first bytes.
pub fn kind_of(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        if &bytes[8..10] == b"qt" {
            Some(("video/quicktime", "mov"))
        } else {
            Some(("video/mp4", "mp4"))
        }
    } else {
        None
    }
}

impl Storage {
    pub fn new(settings: &StorageSettings, secret: &str) -> Result<Self, UploadError> {
        settings.validate()?;
        let endpoint = url::Url::parse(&settings.endpoint).expect("validated");
        let bucket = Bucket::new(
            endpoint,
            UrlStyle::Path,
            settings.bucket.clone(),
            settings.region.clone(),
        )
        .map_err(|e| UploadError::Invalid {
            field: "endpoint",
            message: e.to_string(),
        })?;
        crate::logging::redact(secret);
        Ok(Self {
            bucket,
            credentials: Credentials::new(settings.access_key_id.trim(), secret),
            prefix: settings.prefix.trim_start_matches('/').to_string(),
            lifetime: Duration::from_secs(u64::from(settings.url_hours) * 3600)
                .min(MAX_URL_LIFETIME),
            // The person chose the storage's origin; anything it redirects to elsewhere is
            // held to the outside-fetch rules.
            client: crate::outbound::Outbound::new("", Some(&settings.endpoint)).client(),
        })
    }

    /// The key a file's content is stored under.
    pub fn key_for(&self, bytes: &[u8], extension: &str) -> String {
        format!(
            "{}{}.{extension}",
            self.prefix,
            hex(digest(&SHA256, bytes).as_ref())
        )
    }

    /// A presigned GET URL for `key` valid for `lifetime` (capped at 7 days).
    pub fn url_valid_for(&self, key: &str, lifetime: Duration) -> String {
        GetObject::new(&self.bucket, Some(&self.credentials), key)
            .sign(lifetime.min(MAX_URL_LIFETIME))
            .to_string()
    }

    /// A presigned GET URL for `key`, valid for the configured lifetime.
    pub fn url_for(&self, key: &str) -> Uploaded {
        let url = GetObject::new(&self.bucket, Some(&self.credentials), key).sign(self.lifetime);
        Uploaded {
            key: key.to_string(),
            url: url.to_string(),
            expires_at: crate::clock::now_ms() + self.lifetime.as_millis() as i64,
            reused: true,
            bytes: 0,
        }
    }

    async fn send(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, UploadError> {
        let res = request
            .send()
            .await
            .map_err(|e| UploadError::Unreachable(e.to_string()))?;
        if res.status().is_success() {
            return Ok(res);
        }
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        let detail = body
            .split("<Message>")
            .nth(1)
            .and_then(|m| m.split("</Message>").next())
            .or_else(|| {
                body.split("<Code>")
                    .nth(1)
                    .and_then(|m| m.split("</Code>").next())
            })
            .unwrap_or("no detail")
            .to_string();
        Err(UploadError::Refused {
            status,
            what: what.to_string(),
            detail,
        })
    }

    /// Whether `key` is stored already.
    pub async fn exists(&self, key: &str) -> Result<bool, UploadError> {
        let url = HeadObject::new(&self.bucket, Some(&self.credentials), key).sign(REQUEST_TTL);
        let res = self
            .client
            .head(url)
            .send()
            .await
            .map_err(|e| UploadError::Unreachable(e.to_string()))?;
        match res.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            status => Err(UploadError::Refused {
                status,
                what: format!("checking {key}"),
                detail: "the credentials or the bucket may be wrong".into(),
            }),
        }
    }

    /// Uploads `bytes` (unless the same content is there already) and returns a URL the
    /// service can fetch for the configured lifetime. `progress` hears bytes sent.
    pub async fn upload(
        &self,
        bytes: Vec<u8>,
        mut progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<Uploaded, UploadError> {
        let (content_type, extension) = kind_of(&bytes).ok_or(UploadError::Invalid {
            field: "file",
            message: "is not an image (JPEG, PNG, WebP) or a video (MP4, MOV)".into(),
        })?;
        let key = self.key_for(&bytes, extension);
        let total = bytes.len() as u64;
        if self.exists(&key).await? {
            progress(total, total);
            return Ok(Uploaded {
                bytes: total,
                ..self.url_for(&key)
            });
        }
        let url = PutObject::new(&self.bucket, Some(&self.credentials), &key).sign(REQUEST_TTL);
        let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = bytes
            .chunks(256 * 1024)
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect();
        let mut sent = 0u64;
        let stream = futures_util::stream::iter(chunks).map(move |chunk| {
            if let Ok(c) = &chunk {
                sent += c.len() as u64;
                progress(sent, total);
            }
            chunk
        });
        self.send(
            &format!("uploading {key}"),
            self.client
                .put(url)
                .header("Content-Type", content_type)
                .header("Content-Length", total)
                .body(reqwest::Body::wrap_stream(stream)),
        )
        .await?;
        tracing::info!(%key, bytes = total, "reference uploaded");
        Ok(Uploaded {
            reused: false,
            bytes: total,
            ..self.url_for(&key)
        })
    }

    pub async fn delete(&self, key: &str) -> Result<(), UploadError> {
        let url = DeleteObject::new(&self.bucket, Some(&self.credentials), key).sign(REQUEST_TTL);
        self.send(&format!("deleting {key}"), self.client.delete(url))
            .await
            .map(|_| ())
    }

    /// The "test storage" button: uploads a probe object, fetches it through its presigned
    /// URL as the service would, and deletes it.
    pub async fn check(&self) -> Result<(), UploadError> {
        let probe = format!(
            "\u{89}PNG seedance storage probe {}",
            crate::clock::now_ms()
        );
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(probe.as_bytes());
        let uploaded = self.upload(bytes.clone(), |_, _| {}).await?;
        let fetched = self
            .client
            .get(&uploaded.url)
            .send()
            .await
            .map_err(|e| UploadError::Unreachable(e.to_string()))?;
        let status = fetched.status().as_u16();
        let body = fetched
            .bytes()
            .await
            .map_err(|e| UploadError::Unreachable(e.to_string()))?;
        self.delete(&uploaded.key).await?;
        if status != 200 || body.as_ref() != bytes.as_slice() {
            return Err(UploadError::Refused {
                status,
                what: "fetching the probe through its presigned URL".into(),
                detail: "the URL did not return the uploaded file".into(),
            });
        }
        Ok(())
    }
}

impl Storage {
    /// The key of an object of this storage that `url` presigns, and when the URL expires
    /// (ms since the epoch); None for any other URL.
    pub fn key_in(&self, url: &str) -> Option<(String, i64)> {
        let url = url::Url::parse(url).ok()?;
        let base = self.bucket.object_url("").ok()?;
        if url.origin() != base.origin() || !url.path().starts_with(base.path()) {
            return None;
        }
        let key = url.path()[base.path().len()..].to_string();
        if key.is_empty() || !key.starts_with(&self.prefix) {
            return None;
        }
        let query: std::collections::HashMap<_, _> = url.query_pairs().collect();
        let expires: i64 = query.get("X-Amz-Expires")?.parse().ok()?;
        let date = query.get("X-Amz-Date")?;
        Some((key, amz_date_ms(date)? + expires * 1000))
    }

    /// `url` signed again with the full lifetime when it is one of this storage's and
    /// expires within `margin`; None when it needs nothing.
    pub fn refreshed(&self, url: &str, margin: Duration) -> Option<String> {
        let (key, expires_at) = self.key_in(url)?;
        (expires_at - crate::clock::now_ms() < margin.as_millis() as i64)
            .then(|| self.url_for(&key).url)
    }
}

/// `20261125T183000Z` as ms since the epoch.
fn amz_date_ms(s: &str) -> Option<i64> {
    if s.len() != 16 || !s.ends_with('Z') || &s[8..9] != "T" {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
    let (hh, mm, ss) = (n(9..11)?, n(11..13)?, n(13..15)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000)
}

/// Records that `job_id` references the storage objects `keys`.
pub async fn record(
    store: &crate::Store,
    job_id: &str,
    keys: &[String],
) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    for key in keys {
        sqlx::query("INSERT OR IGNORE INTO job_uploads (job_id, key) VALUES (?, ?)")
            .bind(job_id)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// The finished jobs whose uploads are still on record (to be released).
pub async fn finished_with_uploads(store: &crate::Store) -> Result<Vec<String>, UploadError> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT DISTINCT u.job_id FROM job_uploads u JOIN jobs j ON j.id = u.job_id \
         WHERE j.state IN ({})",
        crate::JobState::sql_list(&crate::JobState::FINAL)
    ))
    .fetch_all(store.pool())
    .await
    .map_err(|e| UploadError::History(e.to_string()))?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// After `job_id` has finished: deletes the objects it uploaded that no unfinished job
/// still needs. Returns the keys deleted.
pub async fn release(
    store: &crate::Store,
    storage: &Storage,
    job_id: &str,
) -> Result<Vec<String>, UploadError> {
    let db = |e: sqlx::Error| UploadError::History(e.to_string());
    let keys: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT u.key FROM job_uploads u WHERE u.job_id = ? AND NOT EXISTS ( \
           SELECT 1 FROM job_uploads o JOIN jobs j ON j.id = o.job_id \
           WHERE o.key = u.key AND o.job_id != u.job_id \
           AND j.state IN ({}))",
        crate::JobState::sql_list(&crate::JobState::MAY_SEND)
    ))
    .bind(job_id)
    .fetch_all(store.pool())
    .await
    .map_err(db)?;
    let mut deleted = Vec::new();
    for (key,) in keys {
        storage.delete(&key).await?;
        deleted.push(key);
    }
    sqlx::query("DELETE FROM job_uploads WHERE job_id = ?")
        .bind(job_id)
        .execute(store.pool())
        .await
        .map_err(db)?;
    Ok(deleted)
}

use futures_util::StreamExt as _;

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> StorageSettings {
        StorageSettings {
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "renders".into(),
            access_key_id: "key".into(),
            ..StorageSettings::default()
        }
    }

    #[test]
    fn every_field_is_checked_by_name() {
        assert!(settings().validate().is_ok());
        for (bad, field) in [
            (
                StorageSettings {
                    endpoint: "ftp://x".into(),
                    ..settings()
                },
                "endpoint",
            ),
            (
                StorageSettings {
                    bucket: "No_Caps".into(),
                    ..settings()
                },
                "bucket",
            ),
            (
                StorageSettings {
                    region: " ".into(),
                    ..settings()
                },
                "region",
            ),
            (
                StorageSettings {
                    access_key_id: "".into(),
                    ..settings()
                },
                "access_key_id",
            ),
            (
                StorageSettings {
                    url_hours: 200,
                    ..settings()
                },
                "url_hours",
            ),
        ] {
            match bad.validate() {
                Err(UploadError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn keys_are_the_content_hash() {
        let storage = Storage::new(&settings(), "secret").unwrap();
        let key = storage.key_for(b"abc", "png");
        assert_eq!(
            key,
            "seedance/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.png"
        );
        let url = storage.url_for(&key);
        assert!(url.url.contains("X-Amz-Signature="), "{}", url.url);
        assert!(url.url.contains("X-Amz-Expires=86400"), "{}", url.url);
        assert!(!url.url.contains("secret"));
    }

    #[test]
    fn presigned_urls_are_recognised_and_refreshed_near_expiry() {
        let storage = Storage::new(&settings(), "secret").unwrap();
        let fresh = storage.url_for("seedance/abc.png").url;
        let (key, expires) = storage.key_in(&fresh).unwrap();
        assert_eq!(key, "seedance/abc.png");
        let in_a_day = crate::clock::now_ms() + 86_400_000;
        assert!(
            (expires - in_a_day).abs() < 5_000,
            "{expires} vs {in_a_day}"
        );
        assert_eq!(storage.refreshed(&fresh, Duration::from_secs(3600)), None);
        let renewed = storage
            .refreshed(&fresh, Duration::from_secs(2 * 86_400))
            .unwrap();
        assert_eq!(storage.key_in(&renewed).unwrap().0, key);
        assert_eq!(storage.key_in("https://example.com/seedance/abc.png"), None);
        let other_prefix = storage.url_valid_for("elsewhere/abc.png", Duration::from_secs(60));
        assert_eq!(storage.key_in(&other_prefix), None);
        assert_eq!(amz_date_ms("19700101T000001Z"), Some(1000));
        assert_eq!(amz_date_ms("20000301T000000Z"), Some(951_868_800_000));
    }

    #[test]
    fn kinds_by_content() {
        assert_eq!(kind_of(b"\xFF\xD8\xFF\xE0"), Some(("image/jpeg", "jpg")));
        assert_eq!(
            kind_of(b"\0\0\0\x14ftypqt  "),
            Some(("video/quicktime", "mov"))
        );
        assert_eq!(kind_of(b"\0\0\0\x18ftypmp42"), Some(("video/mp4", "mp4")));
        assert_eq!(kind_of(b"%PDF"), None);
    }
}

/// What the upstream provider documents for this model family (images JPEG/PNG/WebP,
/// 300–6000 px a side, aspect 0.4–2.5, under 30 MB; videos MP4/MOV under 50 MB). The
/// vendor's page does not state them, so they are warnings, not refusals.
pub fn limit_warnings(bytes: &[u8]) -> Vec<String> {
    let mut warnings = Vec::new();
    let mb = bytes.len() as f64 / (1024.0 * 1024.0);
    match kind_of(bytes) {
        Some((kind, _)) if kind.starts_with("video/") && mb >= 50.0 => {
            warnings.push(format!(
                "The video is {mb:.1} MB; the provider documents up to 50 MB."
            ));
        }
        Some((kind, _)) if kind.starts_with("video/") => {}
        Some(_) => {
            if mb >= 30.0 {
                warnings.push(format!(
                    "The image is {mb:.1} MB; the provider documents up to 30 MB."
                ));
            }
            if let Ok(size) = image::ImageReader::new(std::io::Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|_| ())
                .and_then(|r| r.into_dimensions().map_err(|_| ()))
            {
                let (w, h) = size;
                if w.min(h) < 300 || w.max(h) > 6000 {
                    warnings.push(format!(
                        "The image is {w}×{h} px; the provider documents 300 to 6000 px a side."
                    ));
                }
                let ratio = f64::from(w) / f64::from(h.max(1));
                if !(0.4..=2.5).contains(&ratio) {
                    warnings.push(format!(
                        "The image's aspect ratio is {ratio:.2}; the provider documents 0.4 to 2.5."
                    ));
                }
            }
        }
        None => {}
    }
    warnings
}

#[cfg(test)]
mod limit_tests {
    use super::limit_warnings;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::new(w, h);
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn documented_limits_are_warnings() {
        assert!(limit_warnings(&png(640, 480)).is_empty());
        let small = limit_warnings(&png(100, 100));
        assert_eq!(small.len(), 1, "{small:?}");
        assert!(small[0].contains("100×100"));
        let wide = limit_warnings(&png(1500, 300));
        assert!(
            wide.iter().any(|w| w.contains("aspect ratio is 5.00")),
            "{wide:?}"
        );
    }
}
