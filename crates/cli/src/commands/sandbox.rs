//! `seedance sandbox`: the built-in emulator in the foreground, on the data folder's Sandbox
//! state (the same one the app's Sandbox mode and `--sandbox` use). Ctrl-C stops it.

use serde_json::json;
use studio::ConnectionMode;
use studio::local_sandbox::{LocalSandbox, SANDBOX_KEY};

use crate::exit::{CliError, Exit};
use crate::output::print_json;

pub async fn run(
    env: &studio::Environment,
    port: Option<u16>,
    json: bool,
) -> Result<Exit, CliError> {
    let dir = ConnectionMode::Sandbox.history_dir(&env.data_dir);
    let rate = env.rate.clone().map_err(CliError::invalid)?;
    let emulation = env.sandbox.clone().map_err(CliError::invalid)?;
    let sandbox = LocalSandbox::start_on(&dir, rate, emulation, port)
        .await
        .map_err(|e| CliError::local(format!("The emulator could not start: {e}")))?;
    if let Some(wanted) = port
        && !sandbox.base_url().ends_with(&format!(":{wanted}"))
    {
        let url = sandbox.base_url();
        sandbox.stop().await;
        return Err(CliError::local(format!(
            "Port {wanted} is taken; the emulator for this data folder is at {url}"
        )));
    }
    if json {
        print_json(&json!({
            "base_url": sandbox.base_url(),
            "key": SANDBOX_KEY,
            "serving": sandbox.serves(),
        }));
    } else {
        println!("listening on {}", sandbox.base_url());
        eprintln!(
            "The Seedance emulator: sample clips, no credits. Its key is {SANDBOX_KEY}. {}Ctrl-C stops it.",
            if sandbox.serves() {
                ""
            } else {
                "Another process on this data folder serves it; this one takes over if that one stops. "
            }
        );
    }
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    Ok(Exit::Success)
}
