//! The TypeScript side of every type that crosses IPC, generated from the Rust types.
//!
//! `ui/src/lib/bindings.ts` is committed; the test below fails when it drifts from the
//! Rust types, and `UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings` rewrites it.
//! The types come from ts-rs; the commands' arguments and answers from their signatures
//! (`signatures.rs`), so the page's IPC module is type-checked against the Rust side.

mod signatures;

use ts_rs::{Config, TS};

use studio::desk::{
    AspectRatio, Channel, GenerationRequest, LintKind, LintWarning, Mode, Problem, ProblemCode,
    QualityTier, Resolution,
};
use studio::estimate::{Basis, Estimate};
use studio::keychain::KeySource;
use studio::settings::{ComposerDefaults, Language, Settings, Theme};
use studio::{ConnectionMode, JobEvent, JobState};

use studio::desk::{
    Action, ConnectionInfo, CreditsSummary, DraftCheck, ImportResult, JobDetail, JobSummary,
    KeyCheck, KeyStatus, LibraryPage, LocalReference, MoneyRule, OverLimit,
};

use crate::commands::app::AppInfo;
use crate::error::{ErrorCode, IpcError};

/// Where the generated file lives, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

fn declare<T: TS>(cfg: &Config, out: &mut String) {
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}

/// The full text of `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> String {
    // JavaScript numbers hold integers up to 2^53 exactly: enough for every id and count
    // the app sends, and far simpler for the views than bigint.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit by hand.\n\
         // Regenerate with: UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings\n\n\
         import type { Channel as IpcChannel } from \"@tauri-apps/api/core\";\n\n",
    );
    declare::<ProblemCode>(&cfg, &mut out);
    declare::<Problem>(&cfg, &mut out);
    declare::<ErrorCode>(&cfg, &mut out);
    declare::<MoneyRule>(&cfg, &mut out);
    declare::<OverLimit>(&cfg, &mut out);
    declare::<IpcError>(&cfg, &mut out);
    declare::<ConnectionMode>(&cfg, &mut out);
    declare::<ConnectionInfo>(&cfg, &mut out);
    declare::<AppInfo>(&cfg, &mut out);
    declare::<KeySource>(&cfg, &mut out);
    declare::<KeyStatus>(&cfg, &mut out);
    declare::<KeyCheck>(&cfg, &mut out);
    declare::<Mode>(&cfg, &mut out);
    declare::<QualityTier>(&cfg, &mut out);
    declare::<Channel>(&cfg, &mut out);
    declare::<AspectRatio>(&cfg, &mut out);
    declare::<Resolution>(&cfg, &mut out);
    declare::<ComposerDefaults>(&cfg, &mut out);
    declare::<Theme>(&cfg, &mut out);
    declare::<Language>(&cfg, &mut out);
    declare::<Settings>(&cfg, &mut out);
    declare::<GenerationRequest>(&cfg, &mut out);
    declare::<LintKind>(&cfg, &mut out);
    declare::<LintWarning>(&cfg, &mut out);
    declare::<Basis>(&cfg, &mut out);
    declare::<Estimate>(&cfg, &mut out);
    declare::<studio::estimate::ChoicePrice>(&cfg, &mut out);
    declare::<studio::estimate::ChoicePrices>(&cfg, &mut out);
    declare::<DraftCheck>(&cfg, &mut out);
    declare::<JobState>(&cfg, &mut out);
    declare::<studio::attention::Attention>(&cfg, &mut out);
    declare::<studio::delivery::DeliveryField>(&cfg, &mut out);
    declare::<studio::delivery::Mismatch>(&cfg, &mut out);
    declare::<studio::delivery::Delivery>(&cfg, &mut out);
    declare::<studio::desk::TagCount>(&cfg, &mut out);
    declare::<studio::evidence::Pack>(&cfg, &mut out);
    declare::<JobSummary>(&cfg, &mut out);
    declare::<Action>(&cfg, &mut out);
    declare::<studio::StateChange>(&cfg, &mut out);
    declare::<studio::ByteProgress>(&cfg, &mut out);
    declare::<JobEvent>(&cfg, &mut out);
    declare::<studio::references::Probe>(&cfg, &mut out);
    declare::<studio::library::Filter>(&cfg, &mut out);
    declare::<studio::library::Cursor>(&cfg, &mut out);
    declare::<studio::library::DayCredits>(&cfg, &mut out);
    declare::<studio::budget::BudgetStatus>(&cfg, &mut out);
    declare::<studio::job::RenderKind>(&cfg, &mut out);
    declare::<LibraryPage>(&cfg, &mut out);
    declare::<studio::library::RenderLink>(&cfg, &mut out);
    declare::<studio::extend::ExtendFrom>(&cfg, &mut out);
    declare::<studio::extend::Extension>(&cfg, &mut out);
    declare::<JobDetail>(&cfg, &mut out);
    declare::<CreditsSummary>(&cfg, &mut out);
    declare::<ImportResult>(&cfg, &mut out);
    declare::<studio::uploads::StorageSettings>(&cfg, &mut out);
    declare::<LocalReference>(&cfg, &mut out);
    declare::<studio::project::Chain>(&cfg, &mut out);
    declare::<studio::project::Seconds>(&cfg, &mut out);
    declare::<studio::project::Settings>(&cfg, &mut out);
    declare::<studio::project::Direction>(&cfg, &mut out);
    declare::<studio::project::cut::EditTime>(&cfg, &mut out);
    declare::<studio::project::cut::TransitionKind>(&cfg, &mut out);
    declare::<studio::project::Edit>(&cfg, &mut out);
    declare::<studio::project::ShotPlan>(&cfg, &mut out);
    declare::<studio::desk::ShotStatus>(&cfg, &mut out);
    declare::<studio::desk::NeedCode>(&cfg, &mut out);
    declare::<studio::desk::ShotNeed>(&cfg, &mut out);
    declare::<studio::desk::TakeView>(&cfg, &mut out);
    declare::<studio::desk::ShotView>(&cfg, &mut out);
    declare::<studio::desk::ProjectView>(&cfg, &mut out);
    declare::<studio::desk::ProjectSummary>(&cfg, &mut out);
    declare::<studio::desk::ShotEstimate>(&cfg, &mut out);
    declare::<studio::desk::ProjectEstimate>(&cfg, &mut out);
    declare::<studio::desk::RenderStart>(&cfg, &mut out);
    declare::<studio::desk::CutShotView>(&cfg, &mut out);
    declare::<studio::desk::CutView>(&cfg, &mut out);
    declare::<studio::desk::Assembly>(&cfg, &mut out);
    declare::<studio::desk::EditExport>(&cfg, &mut out);
    declare::<studio::media::Progress>(&cfg, &mut out);
    // Every rule's code, so the page can hold its translations to them.
    out.push_str("/** Every code a problem with a request can have. */\nexport const PROBLEM_CODES: ProblemCode[] = [");
    for code in ProblemCode::ALL {
        let name = serde_json::to_value(code).expect("a code is a string");
        out.push_str(&format!("\n  {name},"));
    }
    out.push_str("\n];\n\n");
    // The commands the page may call, from the one list in `commands/names.rs`, each
    // with its arguments and answer as its Rust signature gives them.
    out.push_str(&signatures::typescript_commands());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_match_the_committed_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let expected = typescript_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{BINDINGS_PATH} is out of date with the Rust types; regenerate it with \
             `UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings` and commit it"
        );
    }
}
