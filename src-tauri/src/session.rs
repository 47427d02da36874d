//! The desk as Tauri manages it: started in the background as the window opens (a locked
//! keychain can take seconds to answer), with the project renders that are on driven
//! while the app is open; IPC commands wait for the same start.

use std::sync::Arc;

use studio::desk::EventSink;
use studio::{DataDirError, Desk, Environment};
use tokio::sync::OnceCell;

use crate::error::IpcError;

/// The app's state: the [`Desk`] once it has started.
pub struct AppState {
    desk: OnceCell<Result<Arc<Desk>, IpcError>>,
    env: Result<Environment, DataDirError>,
    sink: EventSink,
}

impl AppState {
    /// The desk will run with `env` (read once, at start); `sink` receives every job event
    /// once a connection runs.
    pub fn new(env: Result<Environment, DataDirError>, sink: EventSink) -> Self {
        Self {
            desk: OnceCell::new(),
            env,
            sink,
        }
    }

    /// The running desk, starting it on first use; every caller waits for the same start.
    pub async fn desk(&self) -> Result<Arc<Desk>, IpcError> {
        self.desk
            .get_or_init(|| async {
                let env = self.env.clone().map_err(studio::DeskError::from)?;
                let desk = Desk::open(env, Some(self.sink.clone())).await?;
                desk.start().await;
                let desk = Arc::new(desk);
                // Project renders that are on go on while the app is open, whichever
                // process started them.
                let driver = desk.clone();
                tauri::async_runtime::spawn(async move { driver.drive_projects().await });
                Ok(desk)
            })
            .await
            .clone()
    }
}
