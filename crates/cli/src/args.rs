//! The command line, as clap parses it. Values with a fixed set (mode, tier, …) are read
//! by the parsers in `values.rs`, so a typo is refused (exit 2) with what is allowed.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::values;
use studio::JobState;
use studio::desk::{AspectRatio, Channel, Mode, QualityTier, Resolution};

#[derive(Debug, Parser)]
#[command(
    name = "seedance",
    version,
    about = "Render videos with the Seedance 2 API from scripts and coding agents; shares its history with Seedance Studio.",
    after_help = "Configuration: SEEDANCE_API_KEY (else the OS keychain), SEEDANCE_BASE_URL (else the stored setting, else https://seedance2ai.io), SEEDANCE_DATA_DIR (else the app's data folder), SEEDANCE_RATE (requests per window, default 30/60).\n\nExit codes: 0 success; 1 local failure (keychain, database, disk, network unreachable); 2 invalid input (nothing was sent); 3 the API refused (401, 402, …); 4 a job failed; 5 interrupted or timed out while waiting (every job is safe to resume)."
)]
pub struct Cli {
    /// One JSON document on stdout (progress stays on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Use the built-in emulator (sample clips, no credits) and its own history.
    #[arg(long, global = true)]
    pub sandbox: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The API key in the OS keychain.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Validate, submit and (with --wait) follow one render.
    Generate(Generate),
    /// Where a job stands (JOB is the local job id or the API task id).
    Status { job: String },
    /// Wait until each job has finished; prints them with their local files.
    Wait {
        #[arg(required = true)]
        jobs: Vec<String>,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Finish all unfinished work (as the app does when it starts).
    Resume {
        /// One job that needs a decision, to try again (its download, or its send with the
        /// original Idempotency-Key: never a new charge). Without it, every unfinished job.
        job: Option<String>,
        /// Follow every job to the end, not only until it is submitted.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Render a failed job again (a new job, a new charge).
    Retry {
        job: String,
        /// Retry even though the first send's outcome is unknown, so it may have been
        /// charged already and this may charge again (`--yes` never implies it).
        #[arg(long)]
        accept_double_charge: bool,
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Past and current renders, newest first.
    List {
        #[command(flatten)]
        query: LibraryQuery,
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: u32,
    },
    /// Everything about one job.
    Show { job: String },
    /// Add tags to a render (each TAG up to 40 characters: no commas or '#').
    Tag {
        job: String,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Write a render's evidence pack for support: a zip of the request as sent, its
    /// Idempotency-Key, every task answer, the delivery check, checksums and credits.
    Evidence {
        job: String,
        #[arg(long, value_name = "FILE.zip")]
        out: PathBuf,
    },
    /// Remove tags from a render.
    Untag {
        job: String,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// One request per line of a JSONL file (the API's field names); all are validated
    /// before any is sent.
    Batch {
        file: PathBuf,
        #[arg(long)]
        wait: bool,
        /// Print each request and its estimate; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Refuse the batch (send nothing) when its estimate is above this.
        #[arg(long)]
        max_credits: Option<u64>,
        /// Send the batch even though its estimate is above the spend guard (Settings);
        /// it passes nothing else.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Write the library (requests, results, file paths) to a JSON file.
    Export { file: PathBuf },
    /// Add the renders of an export that are not in the library yet.
    Import { file: PathBuf },
    /// Projects: a storyboard of shots, rendered within a credit budget.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Serve this engine and history to a coding agent over the Model Context Protocol
    /// (stdio): tools to estimate, generate, wait, search and render projects, ready renders
    /// as resources, and the `director` prompt. The agent can spend at most --max-credits.
    Mcp {
        /// What the agent may spend in all while the server runs, in estimated credits; a
        /// render that would pass it is refused and nothing is sent. 0 (the default):
        /// estimates and dry runs only.
        #[arg(long, value_name = "N", default_value_t = 0)]
        max_credits: u64,
    },
    /// Run the built-in emulator in the foreground (Ctrl-C stops it).
    Sandbox {
        #[arg(long)]
        port: Option<u16>,
    },
    /// Print the completion script for SHELL on stdout (for example
    /// `seedance completions bash > ~/.local/share/bash-completion/completions/seedance`).
    Completions { shell: clap_complete::Shell },
    /// Write the manual pages into DIR: seedance.1 and one per subcommand
    /// (seedance-generate.1, seedance-project-render.1, …).
    Manual {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// PROJECT is a project's id or its exact name.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a project from a storyboard file (.md, .csv or .json); every problem is
    /// listed and nothing is created when there is one.
    Import {
        file: PathBuf,
        /// The project's name (instead of the file's `# Name`, or a CSV's file name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Every project, newest first.
    List,
    /// A project's shots with their status and takes.
    Show { project: String },
    /// What rendering every shot would cost, against the budget (nothing is sent).
    Estimate {
        project: String,
        /// Takes per shot to have in the end (those that are there count).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
        takes: u32,
    },
    /// Set the project's credit budget (`none` removes it).
    Budget {
        project: String,
        #[arg(value_parser = parse_budget)]
        credits: Budget,
    },
    /// Render the project: the estimate first (over the budget: exit 6, nothing sent);
    /// unchained shots go out at once, chained ones as soon as the take they follow is
    /// ready. Without --wait it returns once what can go now was accepted; the app, or
    /// this command again, sends the rest.
    Render {
        project: String,
        /// Takes per shot to have in the end (those that are there count: never paid twice).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
        takes: u32,
        /// Render the first shot alone; a later render without it renders the rest.
        #[arg(long)]
        canary: bool,
        /// At most N takes in flight at once (default: as many as the request budget allows).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
        concurrency: Option<u32>,
        /// Paid attempts per take before the shot needs a person.
        #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=10))]
        max_attempts: u32,
        /// Render even though the estimate is above the spend guard (Settings); it never
        /// passes the project's budget.
        #[arg(long)]
        yes: bool,
        /// Follow the render until nothing more happens without a person.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Send nothing more for the project; what is in flight finishes.
    Stop { project: String },
    /// Pick the take shot SHOT (its index, 1 for the first) uses; the shots chained from it
    /// become stale (their takes are kept; render again for fresh ones).
    Select {
        project: String,
        shot: u32,
        job: String,
    },
    /// Write the project as a storyboard file (.md, .csv or .json, by its extension).
    Export { project: String, file: PathBuf },
    /// Set where shot SHOT starts and ends within its selected take, in seconds (rounded to
    /// the take's frames; the out point is exclusive). A side not given stays as it is.
    Trim {
        project: String,
        shot: u32,
        #[arg(long = "in", value_name = "SECS")]
        in_s: Option<f64>,
        #[arg(long = "out", value_name = "SECS")]
        out_s: Option<f64>,
    },
    /// How shot SHOT passes into the next: `cut`, or `crossfade` (of --seconds, 1 unless given).
    Transition {
        project: String,
        shot: u32,
        #[arg(value_parser = parse_transition, value_name = "cut|crossfade")]
        kind: studio::project::cut::TransitionKind,
        #[arg(long, value_name = "S")]
        seconds: Option<f64>,
    },
    /// Assemble the shots' selected takes, trimmed, into one MP4 (H.264 + AAC) on the
    /// project's canvas: joined as they are when they share their codec parameters and are
    /// whole, re-encoded otherwise. Ctrl+C cancels, leaving nothing behind.
    Assemble {
        project: String,
        /// The MP4 to write.
        #[arg(long, value_name = "FILE.mp4")]
        out: PathBuf,
        #[command(flatten)]
        edits: EditFiles,
    },
    /// Write the edit for other editors (OpenTimelineIO, FCPXML, CMX 3600 EDL), pointing
    /// at the selected takes' files; nothing is encoded.
    ExportEdit {
        project: String,
        #[command(flatten)]
        edits: EditFiles,
    },
    /// Delete the project; its renders stay in the Library.
    Delete { project: String },
}

/// A budget argument: credits, or none.
#[derive(Debug, Clone, Copy)]
pub struct Budget(pub Option<u64>);

fn parse_budget(v: &str) -> Result<Budget, String> {
    if v.eq_ignore_ascii_case("none") {
        return Ok(Budget(None));
    }
    v.parse()
        .map(|c| Budget(Some(c)))
        .map_err(|_| format!("{v:?} is not a whole number of credits (or `none`)"))
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Store the key read from stdin (never from an argument), replacing any stored key.
    Set,
    /// Where the key comes from (never the key itself).
    Status,
    /// Remove the stored key.
    Clear,
    /// Check the key with the service without spending credits.
    Test,
}

/// The library's filters: one vocabulary for `seedance list` and the MCP `search` tool.
#[derive(Debug, Clone, Default, Args)]
pub struct LibraryQuery {
    /// Words from the prompt (`#tag` finds a tag).
    #[arg(long, visible_alias = "search")]
    pub query: Option<String>,
    /// Only renders of this mode.
    #[arg(long, value_parser = values::modes())]
    pub mode: Option<Mode>,
    /// Only renders of this quality tier.
    #[arg(long, value_parser = values::tiers())]
    pub tier: Option<QualityTier>,
    /// Only jobs in this state.
    #[arg(long, value_parser = values::states())]
    pub status: Option<JobState>,
    /// Only favourites.
    #[arg(long)]
    pub favourite: bool,
    /// Only renders with this tag (any case).
    #[arg(long)]
    pub tag: Option<String>,
    /// Only the takes and cuts of this project (its id or exact name).
    #[arg(long)]
    pub project: Option<String>,
    /// Made on or after this day (2026-12-05, UTC) or instant (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Made before the end of this day (UTC), or before this instant (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only renders whose video is not what was asked (the delivery check).
    #[arg(long)]
    pub mismatched: bool,
}

impl LibraryQuery {
    /// The library's filter, or every problem with the dates by field.
    pub fn filter(self) -> Result<studio::library::Filter, Vec<studio::desk::Problem>> {
        use studio::library::{Side, bound};
        let mut problems = Vec::new();
        let mut when = |field: &str, text: Option<String>, side| {
            text.and_then(|t| {
                bound(&t, side)
                    .map_err(|m| problems.push(studio::desk::Problem::new(field, m)))
                    .ok()
            })
        };
        let from = when("since", self.since, Side::Since);
        let until = when("until", self.until, Side::Until);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(studio::library::Filter {
            search: self.query.filter(|q| !q.trim().is_empty()),
            mode: self.mode,
            quality_tier: self.tier,
            state: self.status,
            from,
            until,
            favourites_only: self.favourite,
            project: self.project,
            mismatched_only: self.mismatched,
            tag: self.tag,
        })
    }
}

#[derive(Debug, Clone, Copy, Args)]
pub struct Waiting {
    /// Give up waiting after this many seconds (exit 5; the jobs go on next time).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub struct Generate {
    #[arg(long)]
    pub prompt: String,
    #[arg(long, value_parser = values::modes())]
    pub mode: Option<Mode>,
    #[arg(long, value_parser = values::tiers())]
    pub tier: Option<QualityTier>,
    #[arg(long, value_parser = values::channels())]
    pub channel: Option<Channel>,
    #[arg(long, value_parser = values::aspects())]
    pub aspect: Option<AspectRatio>,
    /// Seconds, 4 to 15.
    #[arg(long)]
    pub duration: Option<u8>,
    #[arg(long, value_parser = values::resolutions())]
    pub resolution: Option<Resolution>,
    /// Start frame (https URL).
    #[arg(long, value_name = "URL")]
    pub image: Option<String>,
    /// End frame (https URL).
    #[arg(long, value_name = "URL")]
    pub end_image: Option<String>,
    /// A media reference (https URL); up to 12.
    #[arg(long, value_name = "URL")]
    pub media: Vec<String>,
    #[arg(long)]
    pub no_audio: bool,
    #[arg(long)]
    pub fixed_lens: bool,
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<i64>,
    /// Follow the job to the end and print it with its local files.
    #[arg(long)]
    pub wait: bool,
    /// Print the request body and the cost estimate; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send it even though its estimate is above the spend guard (Settings); it passes
    /// nothing else.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub waiting: Waiting,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_wrong_value_lists_what_is_allowed() {
        let err = Cli::try_parse_from(["seedance", "generate", "--prompt", "x", "--tier", "ultra"])
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("mini, standard, pro"), "{text}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn the_key_is_never_an_argument() {
        assert!(Cli::try_parse_from(["seedance", "key", "set", "sk_live_x"]).is_err());
    }
}

/// The interchange files to write.
#[derive(Debug, Clone, clap::Args)]
pub struct EditFiles {
    /// An OpenTimelineIO file (.otio).
    #[arg(long, value_name = "F")]
    pub otio: Option<PathBuf>,
    /// A Final Cut Pro XML file (FCPXML 1.9).
    #[arg(long, value_name = "F")]
    pub fcpxml: Option<PathBuf>,
    /// A CMX 3600 edit decision list (.edl).
    #[arg(long, value_name = "F")]
    pub edl: Option<PathBuf>,
}

fn parse_transition(s: &str) -> Result<studio::project::cut::TransitionKind, String> {
    studio::project::cut::TransitionKind::parse(s)
        .ok_or_else(|| format!("{s:?} is no transition: use cut or crossfade"))
}
