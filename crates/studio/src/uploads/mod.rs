//! Local reference files on the user's own S3-compatible storage (AWS S3, Cloudflare R2,
//! Backblaze B2, MinIO, SeaweedFS…): the service only fetches public URLs, so a file from
//! this computer is uploaded and referenced by a presigned GET URL that lives as long as the
//! render needs. Keys are content-addressed (SHA-256), so the same file is uploaded once.
//! Requests are presigned with `rusty-s3` and sent with the reqwest client already in use.
//!
//! The secret access key lives in the OS keychain, like the API key. The rooms: the
//! storage's settings, its client (signed requests), the history's record of which job
//! uses which object, and the provider's documented limits.

mod client;
mod limits;
mod records;
mod settings;

pub use client::{Storage, Uploaded};
pub use limits::limit_warnings;
pub use records::{finished_with_uploads, record, release};
pub use settings::{MAX_URL_LIFETIME, StorageSettings, UploadError};
