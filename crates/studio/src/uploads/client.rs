//! The storage's client: requests presigned with `rusty-s3` (SigV4) and sent with reqwest;
//! uploads with byte progress, existence checks, deletion, the settings check, and URLs
//! signed again before they expire.

use std::time::Duration;

use futures_util::StreamExt as _;
use ring::digest::{SHA256, digest};
use rusty_s3::actions::{DeleteObject, GetObject, HeadObject, PutObject};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde::Serialize;

use super::{MAX_URL_LIFETIME, StorageSettings, UploadError};
use crate::content::Kind;
use crate::random::hex;

/// How long a signed request to the storage itself stays valid.
const REQUEST_TTL: Duration = Duration::from_secs(300);

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
        let kind = Kind::sniff(&bytes).ok_or(UploadError::Invalid {
            field: "file",
            message: "is not an image (JPEG, PNG, WebP) or a video (MP4, MOV)".into(),
        })?;
        let (content_type, extension) = (kind.content_type(), kind.extension());
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

/// `20261125T183000Z` (SigV4's date) as ms since the epoch; None unless it is a real date.
fn amz_date_ms(s: &str) -> Option<i64> {
    if s.len() != 16 || !s.is_ascii() || !s.ends_with('Z') || &s[8..9] != "T" {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u16>().ok();
    let month = time::Month::try_from(u8::try_from(n(4..6)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::from(n(0..4)?), month, n(6..8)? as u8).ok()?;
    let at = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, at)
            .assume_utc()
            .unix_timestamp()
            * 1000,
    )
}

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
        assert_eq!(amz_date_ms("20261301T000000Z"), None, "no 13th month");
        assert_eq!(amz_date_ms("20260230T000000Z"), None, "no 30 February");
    }
}
