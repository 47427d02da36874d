//! `seedance key …`: the API key in the OS keychain. The key is read from stdin, never from
//! an argument (arguments show up in process lists and shell history), and never printed.

use std::io::{IsTerminal, Read};

use serde_json::json;
use studio::Desk;
use studio::desk::ErrorKind;
use studio::keychain::KeySource;

use crate::args::KeyCommand;
use crate::exit::{CliError, Exit};
use crate::output::print_json;

pub async fn run(desk: &Desk, command: KeyCommand, json: bool) -> Result<Exit, CliError> {
    match command {
        KeyCommand::Set => {
            let key = read_key()?;
            desk.save_key(&key).await.map_err(|e| {
                if e.kind == ErrorKind::Invalid {
                    CliError::invalid(format!(
                        "key: {}. Pipe it in, e.g. `printf %s \"$KEY\" | seedance key set`; nothing was stored",
                        e.message
                    ))
                } else {
                    e.into()
                }
            })?;
            if json {
                print_json(&json!({ "stored": true, "service": desk.keychain().service() }));
            } else {
                eprintln!("The key is stored in the OS keychain.");
            }
            Ok(Exit::Success)
        }
        KeyCommand::Status => {
            let status = desk.key_status().await;
            if json {
                print_json(&status);
            } else {
                println!(
                    "{}",
                    match status.source {
                        KeySource::Environment =>
                            "SEEDANCE_API_KEY is set: it is used instead of the keychain.",
                        KeySource::Keychain => "A key is stored in the OS keychain.",
                        KeySource::None => "No key: store one with `seedance key set`.",
                    }
                );
                if let Some(problem) = &status.keychain_problem {
                    println!("{problem}");
                }
            }
            Ok(Exit::Success)
        }
        KeyCommand::Clear => {
            let removed = desk.key_status().await.stored;
            desk.clear_key().await?;
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
            let check = desk.test_key().await?;
            if json {
                print_json(&json!({ "valid": check.valid, "base_url": check.base_url }));
            } else {
                println!("{}", check.message);
            }
            Ok(if check.valid {
                Exit::Success
            } else {
                Exit::ApiRefused
            })
        }
    }
}

/// The key from stdin: piped, or typed at a terminal without echo.
fn read_key() -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("API key (not shown): ");
        let _quiet = NoEcho::new();
        let mut line = String::new();
        stdin
            .read_line(&mut line)
            .map_err(|e| CliError::local(format!("could not read the key: {e}")))?;
        eprintln!();
        Ok(line)
    } else {
        let mut all = String::new();
        stdin
            .lock()
            .read_to_string(&mut all)
            .map_err(|e| CliError::local(format!("could not read the key from stdin: {e}")))?;
        Ok(all)
    }
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
