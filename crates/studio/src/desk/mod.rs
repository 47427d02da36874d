//! The desk: the application layer every front end calls (the window's IPC commands, the
//! `seedance` command, and the tests), so a rule lives in one place.
//!
//! It owns the data folder, the profile database (settings, the chosen mode), the keychain
//! entry and the running connection with its engine, and offers the verbs: submit behind
//! the spend guard, the library and its views, the account (key, settings, storage) and
//! diagnostics. Front ends adapt its answers ([`DeskError`] for failures) to their medium.
//!
//! The running connection sits behind a lock that is only held to hand out a reference:
//! no network or file call runs under it, so a long import never stalls video playback,
//! and a mode switch waits for nothing but itself.

mod account;
mod allowance;
mod cut;
mod cut_parts;
mod error;
mod library;
mod project_edit;
mod project_render;
mod projects;
mod references;
mod submit;
mod uploads;
mod views;

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::connection::{self, Connected, ConnectionMode, LiveKey};
use crate::environment::Environment;
use crate::keychain::Keychain;
use crate::{Engine, JobEvent, Store};

pub use crate::project::records::{NeedCode, ShotNeed};
pub use allowance::AllowanceStatus;
pub use cut::{Assembly, CutShotView, CutView, EditExport, EditTargets};
pub use error::{DeskError, ErrorKind, MoneyRule, OverLimit};
pub use library::{Action, Asset, Media, video_file_name};
pub use project_render::RenderStart;
pub use projects::{
    ProjectEstimate, ProjectSummary, ProjectView, ShotEstimate, ShotStatus, ShotView, TakeView,
};
pub use references::{LocalReference, RenderSource};
pub use submit::{DraftCheck, SubmitOptions};
pub use views::{
    ConnectionInfo, CreditsSummary, ImportResult, JobDetail, JobSummary, KeyCheck, KeyStatus,
    LibraryPage, TagCount, export_file_name, seedance_command,
};

pub use seedance_api::ApiKey;
/// The request vocabulary front ends name through the desk (the wire's types).
pub use seedance_api::lint::LintKind;
pub use seedance_api::{
    AspectRatio, Channel, ClipDuration, GenerationRequest, LintWarning, Mode, Problem, ProblemCode,
    QualityTier, Rate, Resolution, lint_prompt,
};

/// Where job events go (the webview, in the app).
pub type EventSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// A connection with its engine running, and the work that follows its events.
pub struct Running {
    connected: Connected,
    engine: Engine,
    forwarder: tokio::task::JoinHandle<()>,
    releaser: tokio::task::JoinHandle<()>,
}

impl std::ops::Deref for Running {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        &self.engine
    }
}

impl Running {
    pub fn mode(&self) -> ConnectionMode {
        self.connected.mode
    }

    pub fn info(&self) -> ConnectionInfo {
        ConnectionInfo {
            mode: self.connected.mode,
            base_url: self.connected.base_url.clone(),
            base_url_from_env: self.connected.base_url_from_env,
        }
    }

    /// The folder of this mode's history (database and renders).
    pub fn history_dir(&self) -> &Path {
        &self.connected.history_dir
    }
}

/// Everything the front ends call.
pub struct Desk {
    env: Environment,
    profile: Store,
    keychain: Keychain,
    current: RwLock<Option<Arc<Running>>>,
    /// Held while a connection starts or stops; callers of [`Desk::engine`] wait for it.
    switching: tokio::sync::Mutex<()>,
    notice: std::sync::Mutex<Option<String>>,
    sink: Option<EventSink>,
    /// What this desk may spend in all, when the person set it (`seedance mcp`).
    allowance: std::sync::OnceLock<allowance::Allowance>,
}

/// How long a stopping connection waits for verbs still using it.
const RETIRE_WAIT: Duration = Duration::from_secs(10);

impl Desk {
    /// Opens the data folder of `env` and its profile database; nothing is connected yet.
    /// Every job event of a connection goes to `sink` once one runs.
    pub async fn open(env: Environment, sink: Option<EventSink>) -> Result<Self, DeskError> {
        let profile = Store::open(&env.data_dir).await?;
        Ok(Self {
            keychain: Keychain::new(env.keychain_service.clone()),
            env,
            profile,
            current: RwLock::new(None),
            switching: tokio::sync::Mutex::new(()),
            notice: std::sync::Mutex::new(None),
            sink,
            allowance: std::sync::OnceLock::new(),
        })
    }

    /// The app's start: connects in the mode chosen last time (Sandbox when there is no
    /// Live key). A mode that cannot start is a notice, not a failure.
    pub async fn start(&self) {
        let live = LiveKey::resolve(&self.keychain, &self.env).await;
        let stored = connection::stored_mode(&self.profile).await.ok().flatten();
        let mode = connection::starting_mode(stored, live.key.is_some());
        if mode == ConnectionMode::Sandbox && stored != Some(ConnectionMode::Sandbox) {
            self.set_notice(Some(match &live.keychain_problem {
                Some(problem) => format!("Started in Sandbox mode: {problem}"),
                None => "Started in Sandbox mode because no API key is stored: sample clips, no credits. Add your key in Settings to switch to Live.".into(),
            }));
        }
        if let Err(e) = self.connect_with(mode, live).await {
            self.set_notice(Some(e.message));
        }
    }

    /// Limits what this desk may spend, for its whole life, to `credits` (estimated): the
    /// person's confirmation in advance for a front end acting for them. Set once; a second
    /// call is refused.
    pub fn allow_spending(&self, credits: u64) -> Result<(), DeskError> {
        self.allowance
            .set(allowance::Allowance::new(credits))
            .map_err(|_| DeskError::internal("the spending allowance is set once"))
    }

    /// Where the spending allowance stands, when one was set.
    pub fn allowance(&self) -> Option<AllowanceStatus> {
        self.allowance.get().map(|a| a.status())
    }

    pub fn data_dir(&self) -> &Path {
        &self.env.data_dir
    }

    /// What this process runs with.
    pub fn environment(&self) -> &Environment {
        &self.env
    }

    /// The profile database (settings, the chosen mode, the Live history).
    pub fn profile(&self) -> &Store {
        &self.profile
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    fn set_notice(&self, notice: Option<String>) {
        if let Some(n) = &notice {
            tracing::warn!("{n}");
        }
        *self.notice.lock().expect("the notice is whole") = notice;
    }

    /// Why the app is not in the mode chosen last time, or why no mode could start.
    pub fn notice(&self) -> Option<String> {
        self.notice.lock().expect("the notice is whole").clone()
    }

    /// The running connection, without waiting for one that is starting.
    fn current(&self) -> Option<Arc<Running>> {
        self.current
            .read()
            .expect("the connection slot is whole")
            .clone()
    }

    /// The running engine (once any switch under way has finished), or why none runs.
    pub async fn engine(&self) -> Result<Arc<Running>, DeskError> {
        drop(self.switching.lock().await);
        self.current().ok_or_else(|| {
            DeskError::setup(self.notice().unwrap_or_else(|| {
                "No connection is running: choose Live or Sandbox in Settings.".into()
            }))
        })
    }

    /// The connection as the status bar and Settings show it.
    pub async fn connection(&self) -> Option<ConnectionInfo> {
        drop(self.switching.lock().await);
        self.current().map(|r| r.info())
    }

    /// The mode running now.
    pub async fn mode(&self) -> Option<ConnectionMode> {
        self.connection().await.map(|c| c.mode)
    }

    /// The mode running now, or why none is.
    pub async fn running_mode(&self) -> Result<ConnectionMode, DeskError> {
        Ok(self.engine().await?.mode())
    }

    /// Starts `mode` for this process (stopping the one running), without remembering
    /// it as the person's choice: what the command line does for one command.
    pub async fn connect(&self, mode: ConnectionMode) -> Result<ConnectionInfo, DeskError> {
        let live = LiveKey::resolve(&self.keychain, &self.env).await;
        if mode == ConnectionMode::Live && live.key.is_none() {
            return Err(match live.keychain_problem {
                Some(problem) => DeskError::needs_key(problem),
                None => connection::ConnectError::NeedsKey.into(),
            });
        }
        self.connect_with(mode, live).await
    }

    /// Switches to `mode` (or restarts the current one, e.g. after a settings change) and
    /// remembers it as the person's choice.
    pub async fn switch(&self, mode: ConnectionMode) -> Result<ConnectionInfo, DeskError> {
        let info = self.connect(mode).await?;
        self.set_notice(None);
        connection::store_mode(&self.profile, mode).await?;
        Ok(info)
    }

    async fn connect_with(
        &self,
        mode: ConnectionMode,
        live: LiveKey,
    ) -> Result<ConnectionInfo, DeskError> {
        let _switching = self.switching.lock().await;
        self.stop_current().await;
        let settings = self.settings().await?;
        let connected = Connected::open(&self.env, mode, &settings, live.key, live.source).await?;
        let engine = Engine::start(connected.engine.clone()).await?;
        let (forwarder, releaser) = uploads::follow(self, &engine);
        let running = Arc::new(Running {
            connected,
            engine,
            forwarder,
            releaser,
        });
        let info = running.info();
        *self.current.write().expect("the connection slot is whole") = Some(running);
        Ok(info)
    }

    /// Stops the running connection (every job stays safe to resume); uploads of jobs
    /// that finished meanwhile are released first.
    pub async fn close(&self) {
        let _switching = self.switching.lock().await;
        self.stop_current().await;
    }

    /// Takes the running connection out of its slot and retires it (the caller holds the
    /// switching lock).
    async fn stop_current(&self) {
        let old = self
            .current
            .write()
            .expect("the connection slot is whole")
            .take();
        if let Some(old) = old {
            self.retire(old).await;
        }
    }

    /// Ends `old` once the verbs still holding it are done (or after [`RETIRE_WAIT`]).
    async fn retire(&self, old: Arc<Running>) {
        old.forwarder.abort();
        let waited = tokio::time::timeout(RETIRE_WAIT, async {
            while Arc::strong_count(&old) > 1 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        if waited.is_err() {
            tracing::warn!("a connection stopped while a command still used it");
        }
        uploads::finish(self, &old).await;
        old.engine.stop().await;
        match Arc::try_unwrap(old) {
            Ok(running) => running.connected.close().await,
            Err(_) => tracing::warn!("the connection's emulator stops when its last user ends"),
        }
    }

    /// The history of `mode`, read without starting an engine (the command line's
    /// `status`, `list`, estimates before anything is sent).
    pub async fn history(&self, mode: ConnectionMode) -> Result<Store, DeskError> {
        if let Some(running) = self.current().filter(|r| r.mode() == mode) {
            return Ok(running.store().clone());
        }
        match mode {
            ConnectionMode::Live => Ok(self.profile.clone()),
            ConnectionMode::Sandbox => Ok(Store::open(&mode.history_dir(self.data_dir())).await?),
        }
    }

    /// Whether requests in `mode` go to a loopback address (which validation allows as
    /// reference hosts), known without connecting.
    pub async fn base_is_loopback(&self, mode: ConnectionMode) -> Result<bool, DeskError> {
        Ok(match mode {
            ConnectionMode::Sandbox => true,
            ConnectionMode::Live => {
                let (base, _) = connection::live_base_url(&self.env, &self.settings().await?);
                url_is_loopback(&base)
            }
        })
    }
}

/// Whether `base` is a URL whose host is this machine.
fn url_is_loopback(base: &str) -> bool {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host().map(|h| seedance_api::validate::is_loopback(&h)))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::url_is_loopback;

    #[test]
    fn loopback_hosts() {
        assert!(url_is_loopback("http://127.0.0.1:8080"));
        assert!(url_is_loopback("http://localhost/x"));
        assert!(url_is_loopback("http://[::1]:9/"));
        assert!(!url_is_loopback("https://seedance2ai.io"));
        assert!(!url_is_loopback("not a url"));
    }
}
