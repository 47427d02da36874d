//! The Seedance 2 video API on the wire, and nothing else: request and task types,
//! validation before anything is sent, prompt lint from the vendor's guide, one HTTP
//! client with polite retries, and the request budget every request of an account shares.
//!
//! No database and no UI here: the `studio` engine builds on this crate.

pub mod budget;
pub mod client;
pub mod error;
pub mod lint;
pub mod retry;
pub mod types;
pub mod validate;

pub use budget::{LocalBudget, Priority, Rate, RequestBudget};
pub use client::{ApiKey, Client, ClientConfig, DEFAULT_BASE_URL};
pub use error::ApiError;
pub use lint::{LintWarning, lint_prompt};
pub use types::{
    AspectRatio, Channel, ClipDuration, GenerationRequest, Mode, QualityTier, Resolution, Task,
    TaskError, TaskOutput, TaskStatus,
};
pub use validate::{PreparedRequest, Problem, ProblemCode, validate};
