//! The composer's draft, kept in the profile database as it changes rather than only in
//! the web view's memory: a view that is reloaded (its content process died, or the app was
//! quit and started again) gets the draft back as it was. The body is the composer's own
//! JSON object, bounded in size; the engine does not interpret it.

use serde_json::Value;

use crate::clock::now_ms;
use crate::store::Store;

/// The largest draft kept (a prompt is at most a few thousand characters; references are
/// URLs): anything bigger is not a draft.
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("A draft must be a JSON object, not {0}")]
    NotAnObject(&'static str),
    #[error("The draft is {bytes} bytes; at most {MAX_DRAFT_BYTES} are kept")]
    TooLarge { bytes: usize },
    #[error("The history database failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// What kind of JSON value `value` is, in words for an error message ("a number").
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Keeps `draft` in `slot`, replacing what was there.
pub async fn save(store: &Store, slot: &str, draft: &Value) -> Result<(), DraftError> {
    if !draft.is_object() {
        return Err(DraftError::NotAnObject(json_kind(draft)));
    }
    let body = draft.to_string();
    if body.len() > MAX_DRAFT_BYTES {
        return Err(DraftError::TooLarge { bytes: body.len() });
    }
    let mut tx = store.write().await?;
    sqlx::query(
        "INSERT INTO composer_drafts (slot, body, updated_at) VALUES (?, ?, ?) \
         ON CONFLICT (slot) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(slot)
    .bind(body)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The draft kept in `slot`, if any (a row that no longer parses counts as none).
pub async fn load(store: &Store, slot: &str) -> Result<Option<Value>, DraftError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT body FROM composer_drafts WHERE slot = ?")
        .bind(slot)
        .fetch_optional(store.pool())
        .await?;
    Ok(row
        .and_then(|(body,)| serde_json::from_str::<Value>(&body).ok())
        .filter(Value::is_object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_draft_is_kept_across_a_reopen_and_replaced_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(load(&store, "composer").await.unwrap(), None);
        let first = serde_json::json!({"prompt": "雪の橋を渡る列車", "settings": {"duration": 8}});
        save(&store, "composer", &first).await.unwrap();
        drop(store);
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(load(&store, "composer").await.unwrap(), Some(first));
        let second = serde_json::json!({"prompt": "a paper boat"});
        save(&store, "composer", &second).await.unwrap();
        assert_eq!(load(&store, "composer").await.unwrap(), Some(second));
        assert_eq!(load(&store, "other").await.unwrap(), None);
    }

    #[tokio::test]
    async fn what_is_not_a_draft_is_refused_and_the_kept_one_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let kept = serde_json::json!({"prompt": "kept"});
        save(&store, "composer", &kept).await.unwrap();
        let err = save(&store, "composer", &serde_json::json!(["x"]))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "A draft must be a JSON object, not an array"
        );
        let huge = serde_json::json!({"prompt": "x".repeat(MAX_DRAFT_BYTES)});
        assert!(matches!(
            save(&store, "composer", &huge).await,
            Err(DraftError::TooLarge { .. })
        ));
        assert_eq!(load(&store, "composer").await.unwrap(), Some(kept));
    }
}
