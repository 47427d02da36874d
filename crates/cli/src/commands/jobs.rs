//! `status`, `show`, `list` (read the history, start nothing) and `wait`, `resume`, `retry`
//! (start the engine, which works on every unfinished job of the history while it runs).

use studio::library::{Filter, Library};
use studio::{Job, JobState, Store};

use crate::args::Waiting;
use crate::commands::generate::{batch_exit, print_jobs};
use crate::context::Context;
use crate::exit::{CliError, Exit};
use crate::follow::follow_jobs;

async fn find(store: &Store, reference: &str) -> Result<Job, CliError> {
    studio::find_job(store, reference).await?.ok_or_else(|| {
        CliError::invalid(format!(
            "No job {reference:?} in this history (a job id like j…, or a task id like sd2_…; `seedance list` shows them; add --sandbox for the Sandbox history)"
        ))
    })
}

pub async fn status(
    ctx: &Context,
    reference: &str,
    detailed: bool,
    json: bool,
) -> Result<Exit, CliError> {
    let store = ctx.history().await?;
    let job = find(&store, reference).await?;
    print_jobs(std::slice::from_ref(&job), json, detailed);
    Ok(Exit::Success)
}

pub async fn list(
    ctx: &Context,
    search: Option<String>,
    state: Option<JobState>,
    limit: u32,
    json: bool,
) -> Result<Exit, CliError> {
    let store = ctx.history().await?;
    let library = Library::new(store, ctx.history_dir());
    let filter = Filter {
        search,
        state,
        ..Filter::default()
    };
    let page = library.page(&filter, None, limit).await?;
    if json {
        let views: Vec<_> = page.jobs.iter().map(crate::output::JobView::from).collect();
        crate::output::print_json(&views);
    } else if page.jobs.is_empty() {
        eprintln!("No renders match.");
    } else {
        print_jobs(&page.jobs, false, false);
    }
    Ok(Exit::Success)
}

pub async fn wait(
    ctx: &Context,
    references: &[String],
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let store = ctx.history().await?;
    let mut ids = Vec::with_capacity(references.len());
    for r in references {
        ids.push(find(&store, r).await?.id);
    }
    let (jobs, exit) = ctx
        .with_engine(async |engine| follow_jobs(engine, &ids, true, waiting).await)
        .await?;
    print_jobs(&jobs, json, true);
    Ok(batch_exit(exit))
}

pub async fn resume(
    ctx: &Context,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let (mut jobs, exit, needing_people) = ctx
        .with_engine(async |engine| {
            let unfinished = engine.unfinished().await?;
            // needs_attention jobs wait for a person; the others are followed.
            let (people, ids): (Vec<Job>, Vec<Job>) = unfinished
                .into_iter()
                .partition(|j| j.state() == JobState::NeedsAttention);
            let ids: Vec<String> = ids.into_iter().map(|j| j.id).collect();
            eprintln!(
                "{} unfinished jobs{}",
                ids.len(),
                if people.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", and {} that need a decision (`seedance show JOB` says what)",
                        people.len()
                    )
                }
            );
            let (jobs, exit) = follow_jobs(engine, &ids, wait, waiting).await?;
            Ok((jobs, exit, people))
        })
        .await?;
    let exit = if needing_people.is_empty() {
        batch_exit(exit)
    } else {
        Exit::JobFailed
    };
    jobs.extend(needing_people);
    print_jobs(&jobs, json, false);
    Ok(exit)
}

/// `seedance resume JOB`: a job that needs a decision, tried again (its download, or its
/// send with the original Idempotency-Key: never a new charge), then followed.
pub async fn resume_one(
    ctx: &Context,
    reference: &str,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let store = ctx.history().await?;
    let stuck = find(&store, reference).await?;
    let (jobs, exit) = ctx
        .with_engine(async |engine| {
            let job = engine.resend(&stuck.id).await?;
            eprintln!("{}: trying again (no new charge)", job.id);
            follow_jobs(engine, std::slice::from_ref(&job.id), wait, waiting).await
        })
        .await?;
    print_jobs(&jobs, json, true);
    Ok(exit)
}

pub async fn retry(
    ctx: &Context,
    reference: &str,
    accept_double_charge: bool,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let store = ctx.history().await?;
    let failed = find(&store, reference).await?;
    let (jobs, exit) = ctx
        .with_engine(async |engine| {
            // Asking for a retry is the confirmation: a new render and a new charge. One
            // that may be charged twice needs its own flag.
            let job = if accept_double_charge {
                engine.retry_accepting_double_charge(&failed.id).await?
            } else {
                engine.retry(&failed.id, true).await?
            };
            eprintln!("{}: a new render of {} (a new charge)", job.id, failed.id);
            follow_jobs(engine, std::slice::from_ref(&job.id), wait, waiting).await
        })
        .await?;
    print_jobs(&jobs, json, true);
    Ok(exit)
}
