//! The history database: one SQLite file in the data folder, shared by the app and every
//! `seedance` command.
//!
//! WAL so readers never block the writer, `synchronous=FULL` so a committed intent survives
//! a power cut, a busy timeout so processes wait for each other, and writes that start
//! with `BEGIN IMMEDIATE` (a deferred transaction that later upgrades to a write fails with
//! SQLITE_BUSY at once, whatever the timeout). Before migrations run on an existing
//! database, a copy is taken; a database from a newer build is refused, not damaged.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The database file inside the data folder.
pub const DB_FILE: &str = "studio.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "The history in {path} was written by a newer version of Seedance Studio (schema {found}; this version knows up to {known}). Update Seedance Studio and the seedance command to open it; nothing was changed."
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("Could not use the data folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The history database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("The history database could not be upgraded: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// An open history database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

/// The newest schema version this build knows.
pub fn known_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Store {
    /// Opens (creating or upgrading) `studio.db` in `data_dir`.
    pub async fn open(data_dir: &Path) -> Result<Self, StoreError> {
        // The folder is the person's alone (0700); the database files are 0600.
        crate::private::private_dir(data_dir).map_err(|source| StoreError::Folder {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        for file in [DB_FILE, "studio.db-wal", "studio.db-shm"] {
            let _ = crate::private::private_file(&data_dir.join(file));
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(15))
            .foreign_keys(true);
        // Several processes may open the folder at once, and the first connection may
        // turn an old rollback-journal file into WAL, which two connections asking at
        // once would refuse each other at once, whatever the busy timeout. An OS lock on
        // `studio.db.migrate.lock`, held from the first connection through the
        // check-backup-migrate, lets one do it while the others wait, then find nothing
        // left to do (sqlx's own SQLite migration lock does nothing).
        let lock = Self::open_lock(&path).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let store = Self { pool, path };
        let migrated = store.migrate_locked().await;
        drop(lock);
        migrated?;
        Ok(store)
    }

    /// Takes the OS lock beside the database that openers share, waiting for it off the
    /// async threads.
    async fn open_lock(path: &Path) -> Result<std::fs::File, StoreError> {
        let lock_path = path.with_file_name(format!("{DB_FILE}.migrate.lock"));
        let folder = |source| StoreError::Folder {
            path: lock_path.clone(),
            source,
        };
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(folder)?;
        tokio::task::spawn_blocking(move || lock.lock().map(|()| lock))
            .await
            .map_err(|e| folder(std::io::Error::other(e)))?
            .map_err(folder)
    }

    async fn migrate_locked(&self) -> Result<(), StoreError> {
        let has_table: Option<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.pool)
        .await?;
        let applied: Vec<(i64,)> = if has_table.is_some() {
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.pool)
                .await?
        } else {
            Vec::new()
        };
        let known = known_schema_version();
        if let Some(found) = applied.iter().map(|(v,)| *v).max().filter(|v| *v > known) {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                known,
            });
        }
        let pending = MIGRATOR
            .iter()
            .any(|m| !applied.iter().any(|(v,)| *v == m.version));
        if pending && !applied.is_empty() {
            let from = applied.iter().map(|(v,)| *v).max().unwrap_or(0);
            let backup = self
                .path
                .with_file_name(format!("{DB_FILE}.before-{known}.from-{from}.bak"));
            // Written aside and renamed: a copy under the real name is always whole.
            let partial = backup.with_extension("bak.part");
            let _ = std::fs::remove_file(&partial);
            sqlx::query("VACUUM INTO ?")
                .bind(partial.display().to_string())
                .execute(&self.pool)
                .await?;
            std::fs::rename(&partial, &backup).map_err(|source| StoreError::Folder {
                path: backup.clone(),
                source,
            })?;
        }
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction, begun with `BEGIN IMMEDIATE`. Dropping it rolls back.
    pub async fn write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_with_wal_full_sync_and_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(sync, 2, "FULL");
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n as usize, MIGRATOR.iter().count());
        // A second open is a no-op and takes no copy.
        store.close().await;
        Store::open(dir.path()).await.unwrap();
        assert!(
            !std::fs::read_dir(dir.path()).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".bak"))
        );
    }

    #[tokio::test]
    async fn a_database_from_a_newer_build_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (99990101000000, 'future', 1, x'00', 0)")
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
        let err = Store::open(dir.path()).await.unwrap_err();
        assert!(matches!(
            err,
            StoreError::TooNew {
                found: 99990101000000,
                ..
            }
        ));
        assert!(err.to_string().contains("newer version of Seedance Studio"));
    }

    /// A database as the first released schema left it, in `dir`; returns that version.
    async fn first_schema(dir: &Path) -> i64 {
        let first = MIGRATOR.iter().map(|m| m.version).min().unwrap();
        let old_build = Migrator {
            migrations: std::borrow::Cow::Owned(
                MIGRATOR
                    .iter()
                    .filter(|m| m.version == first)
                    .cloned()
                    .collect(),
            ),
            ..Migrator::DEFAULT
        };
        let pool = SqlitePoolOptions::new()
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(dir.join(DB_FILE))
                    .create_if_missing(true),
            )
            .await
            .unwrap();
        old_build.run(&pool).await.unwrap();
        pool.close().await;
        first
    }

    fn backups(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".bak"))
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn several_processes_opening_an_old_database_at_once_all_succeed_with_one_copy() {
        let dir = tempfile::tempdir().unwrap();
        let first = first_schema(dir.path()).await;
        // Separate pools on the same file, as separate processes have.
        let opened = futures_util::future::join_all((0..4).map(|_| {
            let path = dir.path().to_path_buf();
            tokio::spawn(async move { Store::open(&path).await })
        }))
        .await;
        for store in opened {
            let store = store.unwrap().unwrap();
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
                .fetch_one(store.pool())
                .await
                .unwrap();
            assert_eq!(n as usize, MIGRATOR.iter().count());
        }
        let newest = known_schema_version();
        assert_eq!(
            backups(dir.path()),
            [format!("studio.db.before-{newest}.from-{first}.bak")]
        );
    }

    #[tokio::test]
    async fn an_upgrade_takes_a_copy_first_then_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let first = first_schema(dir.path()).await;

        let store = Store::open(dir.path()).await.unwrap();
        let newest = known_schema_version();
        let copies = backups(dir.path());
        assert_eq!(
            copies,
            [format!("studio.db.before-{newest}.from-{first}.bak")]
        );
        // The copy is the old schema; the database is the new one.
        let has_favourites = |pool: SqlitePool| async move {
            sqlx::query_as::<_, (i64,)>(
                "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'favourite'",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
            .0
        };
        assert_eq!(has_favourites(store.pool().clone()).await, 1);
        let old = SqlitePoolOptions::new()
            .connect_with(SqliteConnectOptions::new().filename(dir.path().join(&copies[0])))
            .await
            .unwrap();
        assert_eq!(has_favourites(old).await, 0);
    }
}
