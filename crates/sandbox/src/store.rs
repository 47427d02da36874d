//! Accounts, tasks and idempotency records: the sandbox's memory, optionally kept in a
//! state folder so an app or CLI restarted in Sandbox mode finds its tasks and outputs.
//!
//! Times are wall-clock milliseconds, so a render keeps its schedule across a restart.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::iso8601;
use crate::rules::Generation;

/// One render.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub account: String,
    pub generation: Generation,
    pub credits_used: u64,
    pub created_ms: u64,
    pub done_ms: u64,
    pub fails: bool,
    pub seed: u64,
    /// Set once a failed render's credits went back to the account.
    #[serde(default)]
    pub refunded: bool,
}

impl Task {
    pub fn finished(&self, now: u64) -> bool {
        now >= self.done_ms
    }

    pub fn completed(&self, now: u64) -> bool {
        self.finished(now) && !self.fails
    }

    /// The task as `GET /api/v1/tasks/{id}` shows it; outputs are served under `base`.
    pub fn to_json(&self, now: u64, base: &str) -> Value {
        let finished = self.finished(now);
        let status = match (finished, self.fails) {
            (false, _) => "processing",
            (true, false) => "completed",
            (true, true) => "failed",
        };
        let output = (finished && !self.fails).then(|| {
            json!({
                "video_url": format!("{base}/outputs/{}/video.mp4", self.id),
                "last_frame_url": format!("{base}/outputs/{}/last-frame.jpg", self.id),
                "seed": self.seed,
            })
        });
        let error = (finished && self.fails).then(|| {
            json!({"code": "generation_failed", "message": "The render failed upstream; its credits were refunded."})
        });
        json!({
            "id": self.id,
            "status": status,
            "model": "seedance2",
            "quality_tier": self.generation.quality_tier,
            "channel": self.generation.channel,
            "credits_used": self.credits_used,
            "credits_refunded": if finished && self.fails { self.credits_used } else { 0 },
            "output": output,
            "error": error,
            "created_at": iso8601(self.created_ms),
            "updated_at": iso8601(if finished { self.done_ms } else { self.created_ms }),
        })
    }

    /// The 202 answer to the submission that created it.
    pub fn accepted_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": "processing",
            "model": "seedance2",
            "quality_tier": self.generation.quality_tier,
            "channel": self.generation.channel,
            "credits_used": self.credits_used,
        })
    }
}

/// A remembered submission: the body it came with and the task it created.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Remembered {
    pub body: Vec<u8>,
    pub task_id: String,
}

/// Everything that survives a restart.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Store {
    pub balances: BTreeMap<String, u64>,
    pub tasks: BTreeMap<String, Task>,
    /// Keyed by account, then Idempotency-Key.
    pub idempotency: BTreeMap<String, BTreeMap<String, Remembered>>,
    pub next_task: u64,
    /// Submissions being handled right now, per account and key (not persisted).
    #[serde(skip)]
    pub in_flight: HashSet<(String, String)>,
    #[serde(skip)]
    path: Option<PathBuf>,
}

const STATE_FILE: &str = "sandbox-state.json";

impl Store {
    /// Loads the store from `dir` (creating the folder), or starts empty.
    pub fn open(dir: Option<&Path>) -> io::Result<Self> {
        let Some(dir) = dir else {
            return Ok(Self::default());
        };
        std::fs::create_dir_all(dir)?;
        let path = dir.join(STATE_FILE);
        let mut store = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Store>(&bytes).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is not a sandbox state file: {e}", path.display()),
                )
            })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Self::default(),
            Err(e) => return Err(e),
        };
        store.path = Some(path);
        Ok(store)
    }

    /// Gives every key an account with `credits`, unless it already has one.
    pub fn ensure_accounts(&mut self, keys: &[String], credits: u64) {
        for key in keys {
            self.balances.entry(key.clone()).or_insert(credits);
        }
    }

    /// Refunds failed renders that have finished by `now`. True when anything changed.
    pub fn settle(&mut self, now: u64) -> bool {
        let mut changed = false;
        for task in self.tasks.values_mut() {
            if task.fails && !task.refunded && task.finished(now) {
                task.refunded = true;
                *self.balances.entry(task.account.clone()).or_default() += task.credits_used;
                changed = true;
            }
        }
        changed
    }

    pub fn new_task_id(&mut self, rng: &mut fastrand::Rng) -> String {
        self.next_task += 1;
        format!("sd2_{:08x}{:06}", rng.u32(..), self.next_task)
    }

    /// Writes the store to its state file (atomically), when it has one.
    pub fn save(&self) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec(self)?)?;
        std::fs::rename(&tmp, path)
    }
}
