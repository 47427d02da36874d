//! Previews for the library: a small JPEG (at most 320 px wide, a few KB) made from a
//! render's last frame and kept in SQLite in its own table, so the grid shows previews
//! without touching the video files and without bloating history rows.

use std::io::Cursor;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;

use crate::store::Store;

pub const MAX_WIDTH: u32 = 320;
const QUALITY: u8 = 70;

/// A preview ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("could not read the last frame: {0}")]
    Read(#[from] std::io::Error),
    #[error("the last frame is not an image this app reads: {0}")]
    Image(#[from] image::ImageError),
}

/// Makes a preview of the image at `path`, no wider than [`MAX_WIDTH`].
pub fn thumbnail(path: &Path) -> Result<Thumbnail, PreviewError> {
    let bytes = std::fs::read(path)?;
    thumbnail_of(&bytes)
}

/// The largest image decoded for a preview: a side longer than this, or a decode needing
/// more memory, is refused before any pixel is allocated (a hostile file can claim any size
/// in a few bytes). The service's largest output is 4K; reference frames are at most
/// 6000 px a side.
pub const MAX_SIDE: u32 = 8192;
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Makes a preview of an encoded image, within [`MAX_SIDE`] and [`MAX_DECODE_BYTES`]. It
/// decodes and scales: call it on a blocking thread.
pub fn thumbnail_of(bytes: &[u8]) -> Result<Thumbnail, PreviewError> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = image::ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    reader.limits(limits);
    let img = reader.decode()?;
    let img = if img.width() > MAX_WIDTH {
        let height =
            (u64::from(img.height()) * u64::from(MAX_WIDTH) / u64::from(img.width())).max(1) as u32;
        img.thumbnail_exact(MAX_WIDTH, height)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), QUALITY).encode_image(&rgb)?;
    Ok(Thumbnail {
        width: rgb.width(),
        height: rgb.height(),
        jpeg,
    })
}

/// Stores (or replaces) the preview of a job.
pub async fn store(store: &Store, job_id: &str, thumb: &Thumbnail) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR REPLACE INTO thumbnails (job_id, width, height, jpeg) VALUES (?, ?, ?, ?)",
    )
    .bind(job_id)
    .bind(i64::from(thumb.width))
    .bind(i64::from(thumb.height))
    .bind(&thumb.jpeg)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The preview of a job, if it has one.
pub async fn load(store: &Store, job_id: &str) -> Result<Option<Thumbnail>, sqlx::Error> {
    let row: Option<(i64, i64, Vec<u8>)> =
        sqlx::query_as("SELECT width, height, jpeg FROM thumbnails WHERE job_id = ?")
            .bind(job_id)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|(w, h, jpeg)| Thumbnail {
        width: w as u32,
        height: h as u32,
        jpeg,
    }))
}

/// The previews of several jobs in one query (a library page), keyed by job id.
pub async fn load_many(
    store: &Store,
    job_ids: &[String],
) -> Result<std::collections::HashMap<String, Thumbnail>, sqlx::Error> {
    if job_ids.is_empty() {
        return Ok(Default::default());
    }
    let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "SELECT job_id, width, height, jpeg FROM thumbnails WHERE job_id IN (",
    );
    let mut list = q.separated(", ");
    for id in job_ids {
        list.push_bind(id.clone());
    }
    q.push(")");
    let rows: Vec<(String, i64, i64, Vec<u8>)> = q.build_query_as().fetch_all(store.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, w, h, jpeg)| {
            (
                id,
                Thumbnail {
                    width: w as u32,
                    height: h as u32,
                    jpeg,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn wide_frames_shrink_to_320_keeping_their_shape() {
        let t = thumbnail_of(&png(1920, 1080)).unwrap();
        assert_eq!((t.width, t.height), (320, 180));
        assert!(t.jpeg.starts_with(b"\xFF\xD8\xFF"));
        assert!(t.jpeg.len() < 20_000, "{} bytes", t.jpeg.len());
    }

    #[test]
    fn small_and_portrait_frames() {
        let t = thumbnail_of(&png(200, 100)).unwrap();
        assert_eq!((t.width, t.height), (200, 100));
        let t = thumbnail_of(&png(1080, 1920)).unwrap();
        assert_eq!((t.width, t.height), (320, 568));
    }

    #[test]
    fn an_image_wider_than_the_limit_is_refused_before_it_is_decoded() {
        let err = thumbnail_of(&png(MAX_SIDE + 1, 2)).unwrap_err();
        assert!(
            matches!(&err, PreviewError::Image(image::ImageError::Limits(_))),
            "{err}"
        );
        assert!(thumbnail_of(&png(MAX_SIDE, 2)).is_ok());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(
            thumbnail_of(b"not an image"),
            Err(PreviewError::Image(_))
        ));
    }
}
