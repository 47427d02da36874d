//! Which job uses which storage object: recorded with the job, and released (deleted from
//! the storage) once no job that may still send its request needs it.

use super::{Storage, UploadError};

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
