//! `seedance`: the Seedance Studio engine on the command line, sharing the app's data folder
//! and history, for batch work and coding agents.

mod args;
mod commands;
mod exit;
mod follow;
mod mcp;
mod output;
mod values;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::{CliError, Exit};
use studio::{ConnectionMode, Desk};

fn main() -> std::process::ExitCode {
    // SAFETY: first thing in main, while this is the only thread.
    unsafe { studio::private::start_process() };
    let cli = Cli::parse();
    // The environment is read here, once; everything below is handed this value.
    let env = studio::Environment::from_process();
    let _logs = env
        .as_ref()
        .ok()
        .and_then(|env| studio::logging::init(&env.data_dir, "seedance-cli").ok());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let json = cli.json;
    let result = runtime.block_on(run(cli, env));
    let code = match result {
        Ok(exit) => exit,
        Err(err) => {
            tracing::warn!(exit = ?err.exit, "{}", err.message);
            if json {
                output::print_json(&serde_json::json!({ "error": err }));
            }
            eprintln!("seedance: {}", err.message);
            err.exit
        }
    };
    // Background work (emulator connections, log writer) must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    std::process::ExitCode::from(code as u8)
}

async fn run(
    cli: Cli,
    env: Result<studio::Environment, studio::DataDirError>,
) -> Result<Exit, CliError> {
    let json = cli.json;
    // What shells and `man` read is made from the command line alone: no data folder.
    match &cli.command {
        Command::Completions { shell } => return commands::shell::completions(*shell),
        Command::Manual { dir } => return commands::shell::manual(dir, json),
        _ => {}
    }
    let env = env?;
    if let Command::Sandbox { port } = cli.command {
        return commands::sandbox::run(&env, port, json).await;
    }
    let desk = Desk::open(env, None).await?;
    let mode = if cli.sandbox {
        ConnectionMode::Sandbox
    } else {
        ConnectionMode::Live
    };
    if let Command::Mcp { max_credits } = cli.command {
        return mcp::serve(desk, mode, max_credits).await;
    }
    let result = dispatch(&desk, mode, cli.command, json).await;
    desk.close().await;
    result
}

async fn dispatch(
    desk: &Desk,
    mode: ConnectionMode,
    command: Command,
    json: bool,
) -> Result<Exit, CliError> {
    match command {
        Command::Key(k) => commands::key::run(desk, k, json).await,
        Command::Generate(g) => commands::generate::generate(desk, mode, g, json).await,
        Command::Batch {
            file,
            wait,
            dry_run,
            max_credits,
            yes,
            waiting,
        } => {
            let options = commands::generate::BatchOptions {
                wait,
                dry_run,
                max_credits,
                yes,
                waiting,
            };
            commands::generate::batch(desk, mode, &file, options, json).await
        }
        Command::Status { job } => commands::jobs::status(desk, mode, &job, false, json).await,
        Command::Show { job } => commands::jobs::status(desk, mode, &job, true, json).await,
        Command::Evidence { job, out } => {
            commands::jobs::evidence(desk, mode, &job, &out, json).await
        }
        Command::Tag { job, tags } => {
            commands::jobs::tag(desk, mode, &job, &tags, true, json).await
        }
        Command::Untag { job, tags } => {
            commands::jobs::tag(desk, mode, &job, &tags, false, json).await
        }
        Command::Wait { jobs, waiting } => {
            commands::jobs::wait(desk, mode, &jobs, waiting, json).await
        }
        Command::Resume {
            job: Some(job),
            wait,
            waiting,
        } => commands::jobs::resume_one(desk, mode, &job, wait, waiting, json).await,
        Command::Resume {
            job: None,
            wait,
            waiting,
        } => commands::jobs::resume(desk, mode, wait, waiting, json).await,
        Command::Retry {
            job,
            accept_double_charge,
            wait,
            waiting,
        } => {
            commands::jobs::retry(desk, mode, &job, accept_double_charge, wait, waiting, json).await
        }
        Command::List { query, limit } => {
            let filter = query
                .filter()
                .map_err(|problems| CliError::problems("The filter is invalid", problems))?;
            commands::jobs::list(desk, mode, &filter, limit, json).await
        }
        Command::Export { file } => commands::library::export(desk, mode, &file, json).await,
        Command::Import { file } => commands::library::import(desk, mode, &file, json).await,
        Command::Project(p) => commands::project::run(desk, mode, p, json).await,
        Command::Sandbox { .. }
        | Command::Mcp { .. }
        | Command::Completions { .. }
        | Command::Manual { .. } => unreachable!("handled above"),
    }
}
