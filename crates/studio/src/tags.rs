//! Tags on renders: a person's own words for sorting a library ("hero", "client-b",
//! "night"), added and removed in the detail view and with `seedance tag` / `seedance
//! untag`, shown on tiles, found with `#tag` in the search box and by the `tag` filter.
//!
//! Kept in their own table (`tags`, one row per render and tag, indexed by tag) so a
//! filter by tag is an index lookup however large the library is; a render's tags go with
//! it when it is deleted. Tags compare without regard to case ("Night" is "night") and
//! keep the spelling they were first given.

use std::collections::HashMap;

use crate::job::Job;
use crate::store::Store;

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// The most tags one render may carry.
pub const MAX_TAGS: usize = 32;

/// A tag that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    #[error("a tag cannot be empty")]
    Empty,
    #[error("the tag {0:?} is longer than {MAX_TAG_CHARS} characters")]
    TooLong(String),
    #[error(
        "the tag {0:?} has a control character, comma or '#'; use letters, digits, spaces, '-' or '_'"
    )]
    Forbidden(String),
    #[error("a render can carry at most {MAX_TAGS} tags")]
    TooMany,
    #[error("No render {0}")]
    NoSuchJob(String),
    #[error("The history database failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// `raw` as a tag: trimmed, inner runs of white space made one space, checked.
pub fn normalise(raw: &str) -> Result<String, TagError> {
    let tag = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if tag.is_empty() {
        return Err(TagError::Empty);
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(TagError::TooLong(tag));
    }
    if tag.chars().any(|c| c.is_control() || c == ',' || c == '#') {
        return Err(TagError::Forbidden(tag));
    }
    Ok(tag)
}

/// Every tag checked first: one bad tag and none is added.
fn normalise_all(raw: &[String]) -> Result<Vec<String>, TagError> {
    raw.iter().map(|t| normalise(t)).collect()
}

/// Adds `tags` to render `job_id` (those it has are left as they are); returns its tags.
pub async fn add(store: &Store, job_id: &str, tags: &[String]) -> Result<Vec<String>, TagError> {
    let tags = normalise_all(tags)?;
    let mut tx = store.write().await?;
    require_job(&mut tx, job_id).await?;
    for tag in &tags {
        sqlx::query("INSERT OR IGNORE INTO tags (job_id, tag) VALUES (?, ?)")
            .bind(job_id)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tags WHERE job_id = ?")
        .bind(job_id)
        .fetch_one(&mut *tx)
        .await?;
    if count as usize > MAX_TAGS {
        // Dropping the transaction takes the new ones back.
        return Err(TagError::TooMany);
    }
    tx.commit().await?;
    of(store, job_id).await
}

/// Removes `tags` from render `job_id` (those it lacks are ignored); returns its tags.
pub async fn remove(store: &Store, job_id: &str, tags: &[String]) -> Result<Vec<String>, TagError> {
    let tags = normalise_all(tags)?;
    let mut tx = store.write().await?;
    require_job(&mut tx, job_id).await?;
    for tag in &tags {
        sqlx::query("DELETE FROM tags WHERE job_id = ? AND tag = ?")
            .bind(job_id)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    of(store, job_id).await
}

async fn require_job(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    job_id: &str,
) -> Result<(), TagError> {
    let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM jobs WHERE id = ?")
        .bind(job_id)
        .fetch_optional(&mut **tx)
        .await?;
    exists
        .map(drop)
        .ok_or_else(|| TagError::NoSuchJob(job_id.to_string()))
}

/// Render `job_id`'s tags, in alphabetical order.
pub async fn of(store: &Store, job_id: &str) -> Result<Vec<String>, TagError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT tag FROM tags WHERE job_id = ? ORDER BY tag")
        .bind(job_id)
        .fetch_all(store.pool())
        .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// Every tag in the history with how many renders carry it, most used first.
pub async fn all(store: &Store) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT tag, COUNT(*) AS n FROM tags GROUP BY tag ORDER BY n DESC, tag")
        .fetch_all(store.pool())
        .await
}

/// The tags of each of `ids`, in one query.
pub async fn of_many(
    store: &Store,
    ids: &[&str],
) -> Result<HashMap<String, Vec<String>>, sqlx::Error> {
    let mut by_job: HashMap<String, Vec<String>> = HashMap::new();
    // SQLite binds at most 32766 values; pages are far smaller, exports go in chunks.
    for chunk in ids.chunks(500) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT job_id, tag FROM tags WHERE job_id IN (",
        );
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        q.push(") ORDER BY job_id, tag");
        let rows: Vec<(String, String)> = q.build_query_as().fetch_all(store.pool()).await?;
        for (job, tag) in rows {
            by_job.entry(job).or_default().push(tag);
        }
    }
    Ok(by_job)
}

/// Fills in the tags of `jobs` (read from `jobs` rows, which do not carry them).
pub async fn fill(store: &Store, jobs: &mut [Job]) -> Result<(), sqlx::Error> {
    if jobs.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    let mut by_job = of_many(store, &ids).await?;
    for job in jobs {
        job.tags = by_job.remove(&job.id).unwrap_or_default();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_checked() {
        assert_eq!(normalise("  night   shoot ").unwrap(), "night shoot");
        assert!(matches!(normalise(" "), Err(TagError::Empty)));
        assert!(matches!(
            normalise(&"x".repeat(41)),
            Err(TagError::TooLong(_))
        ));
        assert_eq!(normalise(&"夜".repeat(40)).unwrap().chars().count(), 40);
        for bad in ["a,b", "#hero", "tab\u{7}"] {
            assert!(
                matches!(normalise(bad), Err(TagError::Forbidden(_))),
                "{bad:?}"
            );
        }
    }
}
