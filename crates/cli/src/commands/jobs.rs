//! `status`, `show`, `list`, `tag`, `untag`, `evidence` (the history only, start nothing) and `wait`, `resume`, `retry`
//! (start the engine, which works on every unfinished job of the history while it runs).

use studio::desk::Action;
use studio::library::Filter;
use studio::{ConnectionMode, Desk, Job, JobState};

use crate::args::Waiting;
use crate::commands::generate::{batch_exit, print_jobs};
use crate::exit::{CliError, Exit};
use crate::follow::{follow_jobs, on_engine};

pub async fn status(
    desk: &Desk,
    mode: ConnectionMode,
    reference: &str,
    detailed: bool,
    json: bool,
) -> Result<Exit, CliError> {
    let job = desk.find_in(mode, reference).await?;
    print_jobs(std::slice::from_ref(&job), json, detailed);
    Ok(Exit::Success)
}

/// `evidence JOB --out FILE.zip`
pub async fn evidence(
    desk: &Desk,
    mode: ConnectionMode,
    reference: &str,
    out: &std::path::Path,
    json: bool,
) -> Result<Exit, CliError> {
    let pack = desk.evidence_in(mode, reference, out).await?;
    if json {
        crate::output::print_json(&pack);
    } else {
        println!("{}", pack.path);
        eprintln!(
            "The evidence pack of {} ({} bytes): {}. It holds no key or signature.",
            pack.job_id,
            pack.bytes,
            pack.files.join(", ")
        );
    }
    Ok(Exit::Success)
}

/// `tag` (`on`) and `untag`: prints the job's tags afterwards.
pub async fn tag(
    desk: &Desk,
    mode: ConnectionMode,
    reference: &str,
    tags: &[String],
    on: bool,
    json: bool,
) -> Result<Exit, CliError> {
    let job = desk.tag_in(mode, reference, tags, on).await?;
    if json {
        crate::output::print_json(&serde_json::json!({"job_id": job.id, "tags": job.tags}));
    } else if job.tags.is_empty() {
        println!("{}: no tags", job.id);
    } else {
        println!("{}: {}", job.id, job.tags.join(", "));
    }
    Ok(Exit::Success)
}

pub async fn list(
    desk: &Desk,
    mode: ConnectionMode,
    filter: &Filter,
    limit: u32,
    json: bool,
) -> Result<Exit, CliError> {
    let jobs = desk.list_in(mode, filter, limit).await?;
    if json {
        let views: Vec<_> = jobs.iter().map(crate::output::JobView::from).collect();
        crate::output::print_json(&views);
    } else if jobs.is_empty() {
        eprintln!("No renders match.");
    } else {
        print_jobs(&jobs, false, false);
    }
    Ok(Exit::Success)
}

pub async fn wait(
    desk: &Desk,
    mode: ConnectionMode,
    references: &[String],
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let mut ids = Vec::with_capacity(references.len());
    for r in references {
        ids.push(desk.find_in(mode, r).await?.id);
    }
    let (jobs, exit) = on_engine(desk, mode, async |engine| {
        follow_jobs(engine, &ids, true, waiting).await
    })
    .await?;
    print_jobs(&jobs, json, true);
    Ok(batch_exit(exit))
}

pub async fn resume(
    desk: &Desk,
    mode: ConnectionMode,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let (mut jobs, exit, needing_people) = on_engine(desk, mode, async |engine| {
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
    desk: &Desk,
    mode: ConnectionMode,
    reference: &str,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let stuck = desk.find_in(mode, reference).await?;
    let (jobs, exit) = on_engine(desk, mode, async |engine| {
        let job = desk.act(&stuck.id, Action::Resend, false, false).await?;
        eprintln!("{}: trying again (no new charge)", job.id);
        follow_jobs(engine, std::slice::from_ref(&job.id), wait, waiting).await
    })
    .await?;
    print_jobs(&jobs, json, true);
    Ok(exit)
}

pub async fn retry(
    desk: &Desk,
    mode: ConnectionMode,
    reference: &str,
    accept_double_charge: bool,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    let failed = desk.find_in(mode, reference).await?;
    let (jobs, exit) = on_engine(desk, mode, async |engine| {
        // Asking for a retry is the confirmation: a new render and a new charge. One
        // that may be charged twice needs its own flag.
        let job = desk
            .act(&failed.id, Action::Retry, true, accept_double_charge)
            .await?;
        eprintln!("{}: a new render of {} (a new charge)", job.id, failed.id);
        follow_jobs(engine, std::slice::from_ref(&job.id), wait, waiting).await
    })
    .await?;
    print_jobs(&jobs, json, true);
    Ok(exit)
}
