//! `seedance key …`: the API key in the OS keychain. The key is read from stdin, never from
//! an argument (arguments show up in process lists and shell history), and never printed.

use std::io::{IsTerminal, Read};

use seedance_api::ApiKey;
use serde_json::json;
use studio::connection::{self, LiveKey};
use studio::keychain::KeySource;

use crate::args::KeyCommand;
use crate::context::Context;
use crate::exit::{CliError, Exit};
use crate::output::print_json;

pub async fn run(ctx: &Context, command: KeyCommand, json: bool) -> Result<Exit, CliError> {
    match command {
        KeyCommand::Set => {
            let key = read_key()?;
            studio::logging::redact(key.expose());
            ctx.keychain.set(&key).await?;
            if json {
                print_json(&json!({ "stored": true, "service": ctx.keychain.service() }));
            } else {
                eprintln!("The key is stored in the OS keychain.");
            }
            Ok(Exit::Success)
        }
        KeyCommand::Status => {
            let live = LiveKey::resolve(&ctx.keychain).await;
            let stored = ctx.keychain.is_stored().await.unwrap_or(false);
            if json {
                print_json(&json!({
                    "source": live.source,
                    "stored": stored,
                    "keychain_problem": live.keychain_problem,
                }));
            } else {
                println!(
                    "{}",
                    match live.source {
                        KeySource::Environment =>
                            "SEEDANCE_API_KEY is set: it is used instead of the keychain.",
                        KeySource::Keychain => "A key is stored in the OS keychain.",
                        KeySource::None => "No key: store one with `seedance key set`.",
                    }
                );
                if let Some(problem) = &live.keychain_problem {
                    println!("{problem}");
                }
            }
            Ok(Exit::Success)
        }
        KeyCommand::Clear => {
            let removed = ctx.keychain.clear().await?;
            if json {
                print_json(&json!({ "removed": removed }));
            } else if removed {
                eprintln!("The key was removed from the keychain.");
            } else {
                eprintln!("No key was stored.");
            }
            Ok(Exit::Success)
        }
        KeyCommand::Test => {
            let key = ctx.live_key().await?;
            let (valid, base_url) =
                connection::test_live_key(&ctx.profile, &ctx.settings, key).await?;
            if json {
                print_json(&json!({ "valid": valid, "base_url": base_url }));
            } else if valid {
                println!("The key works with {base_url}.");
            } else {
                println!("{base_url} did not accept the key (401).");
            }
            Ok(if valid {
                Exit::Success
            } else {
                Exit::ApiRefused
            })
        }
    }
}

/// The key from stdin: piped, or typed at a terminal without echo.
fn read_key() -> Result<ApiKey, CliError> {
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        eprint!("API key (not shown): ");
        let _quiet = NoEcho::new();
        let mut line = String::new();
        stdin
            .read_line(&mut line)
            .map_err(|e| CliError::local(format!("could not read the key: {e}")))?;
        eprintln!();
        line
    } else {
        let mut all = String::new();
        stdin
            .lock()
            .read_to_string(&mut all)
            .map_err(|e| CliError::local(format!("could not read the key from stdin: {e}")))?;
        all
    };
    ApiKey::new(text.trim()).map_err(|e| {
        CliError::invalid(format!(
            "key: {e}. Pipe it in, e.g. `printf %s \"$KEY\" | seedance key set`; nothing was stored"
        ))
    })
}

/// Turns terminal echo off while it lives.
#[cfg(unix)]
struct NoEcho(Option<libc::termios>);

#[cfg(not(unix))]
struct NoEcho;

#[cfg(not(unix))]
impl NoEcho {
    fn new() -> Self {
        Self
    }
}

#[cfg(unix)]
impl NoEcho {
    fn new() -> Self {
        // SAFETY: plain termios calls on stdin's descriptor with a zeroed struct to fill.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
                return Self(None);
            }
            let saved = t;
            t.c_lflag &= !libc::ECHO;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
            Self(Some(saved))
        }
    }
}

#[cfg(unix)]
impl Drop for NoEcho {
    fn drop(&mut self) {
        if let Some(saved) = &self.0 {
            // SAFETY: restores the settings read in `new`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}
