//! `seedance-sandbox`: the emulator as a command. Its first line on stdout is
//! `listening on http://127.0.0.1:PORT`; it runs until interrupted.

use std::io::Write;
use std::process::ExitCode;

use seedance_sandbox::Sandbox;
use seedance_sandbox::args::{Parsed, parse};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(config)) => *config,
        Ok(Parsed::Info(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("seedance-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("seedance-sandbox: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", sandbox.base_url());
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}
