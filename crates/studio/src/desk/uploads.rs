//! What follows a connection's events: each goes to the front end's sink, and once a job
//! reaches a final state the storage objects it uploaded are deleted (unless Settings keeps
//! uploads), wherever that happens: in the window, in a `seedance` command, or in another
//! process (its events reach this one too). When a connection stops, the uploads of every
//! finished job still on record are released, so an exit right after a render, or a crash
//! before the release, leaves nothing behind for long.

use std::time::Duration;

use tokio::sync::mpsc;

use crate::keychain::Keychain;
use crate::settings::Settings;
use crate::uploads::Storage;
use crate::{Engine, JobState, Store};

use super::{Desk, DeskError, Running};

/// How long a stopping connection gives the storage to finish its deletions.
const RELEASE_WAIT: Duration = Duration::from_secs(10);

/// What a release needs: the settings and secret of the storage, and the history.
#[derive(Clone)]
struct Releaser {
    profile: Store,
    keychain: Keychain,
    history: Store,
}

impl Releaser {
    /// The storage uploads are released from, or none when Settings keeps them (or has
    /// no storage).
    async fn storage(&self) -> Option<Storage> {
        let settings = Settings::load(&self.profile).await.ok()?;
        let config = settings.storage.filter(|s| !s.keep_uploads)?;
        let secret = self.keychain.storage_secret().await.ok().flatten()?;
        Storage::new(&config, &secret).ok()
    }

    async fn release(&self, storage: &Storage, job_id: &str) {
        match crate::uploads::release(&self.history, storage, job_id).await {
            Ok(keys) if !keys.is_empty() => {
                tracing::info!(job = %job_id, deleted = keys.len(), "uploads released")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(job = %job_id, "uploads not released: {}", DeskError::from(e)),
        }
    }

    /// Releases the uploads of every finished job still on record.
    async fn sweep(&self) {
        let Some(storage) = self.storage().await else {
            return;
        };
        match crate::uploads::finished_with_uploads(&self.history).await {
            Ok(jobs) => {
                for job in jobs {
                    self.release(&storage, &job).await;
                }
            }
            Err(e) => tracing::warn!("uploads not released: {}", DeskError::from(e)),
        }
    }
}

/// Starts the forwarder (events to the sink; finished jobs to the releaser) and the
/// releaser of `engine`.
pub(super) fn follow(
    desk: &Desk,
    engine: &Engine,
) -> (tokio::task::JoinHandle<()>, tokio::task::JoinHandle<()>) {
    let releaser = Releaser {
        profile: desk.profile.clone(),
        keychain: desk.keychain.clone(),
        history: engine.store().clone(),
    };
    let (finished, mut to_release) = mpsc::unbounded_channel::<String>();
    let mut events = engine.subscribe();
    let sink = desk.sink.clone();
    let forwarder = tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if event.job_state().is_some_and(JobState::is_final) {
                        let _ = finished.send(event.job_id().to_string());
                    }
                    if let Some(sink) = &sink {
                        sink(event);
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    let releaser = tokio::spawn(async move {
        // Whatever finished while no connection ran (an exit, a crash) goes first.
        releaser.sweep().await;
        while let Some(job_id) = to_release.recv().await {
            if let Some(storage) = releaser.storage().await {
                releaser.release(&storage, &job_id).await;
            }
        }
    });
    (forwarder, releaser)
}

/// Lets the releaser of `running` finish (its forwarder has stopped), then releases what
/// finished jobs still hold, within [`RELEASE_WAIT`].
pub(super) async fn finish(desk: &Desk, running: &Running) {
    let releaser = Releaser {
        profile: desk.profile.clone(),
        keychain: desk.keychain.clone(),
        history: running.store().clone(),
    };
    let drained = tokio::time::timeout(RELEASE_WAIT, async {
        while !running.releaser.is_finished() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        releaser.sweep().await;
    })
    .await;
    if drained.is_err() {
        running.releaser.abort();
        tracing::warn!(
            "the storage did not answer in time; uploads are released on the next start"
        );
    }
}
