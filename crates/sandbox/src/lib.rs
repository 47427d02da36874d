//! An emulator of the Seedance 2 video API, written from the contract in
//! `SEEDANCE_API.md` and independently of the client crate, so that a misreading on either
//! side shows up as a failing test.
//!
//! It serves the tests of every other crate, the app's offline Sandbox mode and fault
//! drills: every parameter rule, Bearer auth, idempotency, credits and refunds, the
//! per-account request window, the task lifecycle with real outputs of the shape asked for (or wrong on purpose), persistence
//! across restarts, and injected faults (by probability or as scripted sequences).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = seedance_sandbox::Sandbox::start(seedance_sandbox::Config::default()).await?;
//! println!("{}", sandbox.base_url());
//! # Ok(()) }
//! ```

pub mod args;
pub mod clips;
mod clock;
pub mod config;
pub mod faults;
pub mod ledger;
mod media;
pub mod pricing;
mod rate;
pub mod rules;
mod server;
mod store;

pub use clips::WrongDelivery;
pub use config::{Config, ConfigError, HostileOutputs, RenderTime};
pub use faults::{Fault, FaultPlan, Route};
pub use ledger::{Ledger, LedgerEntry};
pub use server::Sandbox;

/// The key the sandbox accepts when none is configured.
pub const DEFAULT_KEY: &str = "sk_sandbox_local";
