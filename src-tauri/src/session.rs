//! The desk as Tauri manages it: started in the background as the window opens (a locked
//! keychain can take seconds to answer); IPC commands wait for the same start.

use std::sync::Arc;

use studio::Desk;
use studio::desk::EventSink;
use tokio::sync::OnceCell;

use crate::error::IpcError;

/// The app's state: the [`Desk`] once it has started.
pub struct AppState {
    desk: OnceCell<Result<Arc<Desk>, IpcError>>,
    sink: EventSink,
}

impl AppState {
    /// `sink` receives every job event once a connection runs.
    pub fn new(sink: EventSink) -> Self {
        Self {
            desk: OnceCell::new(),
            sink,
        }
    }

    /// The running desk, starting it on first use; every caller waits for the same start.
    pub async fn desk(&self) -> Result<Arc<Desk>, IpcError> {
        self.desk
            .get_or_init(|| async {
                let data_dir = studio::data_dir().map_err(studio::DeskError::from)?;
                let desk = Desk::open(data_dir, Some(self.sink.clone())).await?;
                desk.start().await;
                Ok(Arc::new(desk))
            })
            .await
            .clone()
    }
}
