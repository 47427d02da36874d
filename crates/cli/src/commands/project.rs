//! `seedance project …`: projects through the desk, with `--json` giving the desk's views
//! as they are (the contract scripts and agents are written against).

use std::path::Path;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use studio::desk::{ProjectView, ShotStatus, ShotView};
use studio::project::records::RenderAsk;
use studio::{ConnectionMode, Desk, JobState};

use crate::args::{ProjectCommand, Waiting};
use crate::exit::{CliError, Exit};
use crate::follow::{follow_jobs, on_engine};
use crate::output::{Progress, print_json};

pub async fn run(
    desk: &Desk,
    mode: ConnectionMode,
    command: ProjectCommand,
    json: bool,
) -> Result<Exit, CliError> {
    match command {
        ProjectCommand::Import { file, name } => {
            let project = desk.project_import_in(mode, &file, name.as_deref()).await?;
            show(&project, json, Some(&file));
        }
        ProjectCommand::List => {
            let projects = desk.project_list_in(mode).await?;
            if json {
                print_json(&projects);
            } else if projects.is_empty() {
                println!(
                    "No projects yet: `seedance project import FILE` makes one from a storyboard."
                );
            } else {
                for p in projects {
                    let budget = p
                        .budget
                        .map_or("no budget".to_string(), |b| format!("budget {b}"));
                    println!(
                        "{}  {}  {} of {} shots ready  spent {} ({budget})",
                        p.id, p.name, p.ready, p.shots, p.spent
                    );
                }
            }
        }
        ProjectCommand::Show { project } => {
            show(&desk.project_show_in(mode, &project).await?, json, None)
        }
        ProjectCommand::Estimate { project, takes } => {
            let estimate = desk.project_estimate_in(mode, &project, takes).await?;
            if json {
                print_json(&estimate);
            } else {
                for shot in &estimate.shots {
                    println!(
                        "shot {:>2}: {} take(s) × {} = {} credits",
                        shot.index,
                        shot.takes,
                        shot.per_take.describe(),
                        shot.estimated_credits
                    );
                }
                let budget = match (estimate.budget, estimate.remaining) {
                    (Some(b), Some(left)) => format!("; budget {b}, {left} left"),
                    _ => "; no budget set".into(),
                };
                println!(
                    "estimated {} credits; spent {}{budget}",
                    estimate.estimated_credits, estimate.spent
                );
            }
        }
        ProjectCommand::Budget { project, credits } => {
            let project = desk.project_budget_in(mode, &project, credits.0).await?;
            if json {
                print_json(&project);
            } else {
                match project.budget {
                    Some(b) => println!(
                        "{}: budget {b} credits (spent {})",
                        project.name, project.spent
                    ),
                    None => println!("{}: no budget of its own", project.name),
                }
            }
        }
        ProjectCommand::Render {
            project,
            takes,
            canary,
            concurrency,
            max_attempts,
            yes,
            wait,
            waiting,
        } => {
            let ask = RenderAsk {
                takes,
                canary,
                max_attempts,
                concurrency,
            };
            return render(desk, mode, &project, ask, yes, wait, waiting, json).await;
        }
        ProjectCommand::Stop { project } => {
            let project = on_engine(desk, mode, async |_| {
                Ok(desk.project_stop(&project).await?)
            })
            .await?;
            show(&project, json, None);
        }
        ProjectCommand::Select { project, shot, job } => {
            let project = on_engine(desk, mode, async |_| {
                Ok(desk.project_select(&project, shot, &job).await?)
            })
            .await?;
            show(&project, json, None);
        }
        ProjectCommand::Export { project, file } => {
            desk.project_export_in(mode, &project, &file).await?;
            if json {
                print_json(&json!({ "project": project, "file": file }));
            } else {
                println!("Wrote {} to {}", project, file.display());
            }
        }
        ProjectCommand::Trim {
            project,
            shot,
            in_s,
            out_s,
        } => {
            let project = super::cut::trim(desk, mode, &project, shot, in_s, out_s).await?;
            show(&project, json, None);
        }
        ProjectCommand::Transition {
            project,
            shot,
            kind,
            seconds,
        } => {
            let project = desk
                .project_transition_in(mode, &project, shot, kind, seconds)
                .await?;
            show(&project, json, None);
        }
        ProjectCommand::Assemble {
            project,
            out,
            edits,
        } => return super::cut::assemble(desk, mode, &project, &out, edits, json).await,
        ProjectCommand::ExportEdit { project, edits } => {
            super::cut::export_edit(desk, mode, &project, edits, json).await?
        }
        ProjectCommand::Delete { project } => {
            let was = desk.project_delete_in(mode, &project).await?;
            if json {
                print_json(&json!({ "deleted": was.id, "name": was.name }));
            } else {
                println!(
                    "Deleted project {} ({}); its renders stay in the Library.",
                    was.name, was.id
                );
            }
        }
    }
    Ok(Exit::Success)
}

/// `project render`: the estimate and the first takes, then (with `--wait`) the render
/// driven here until nothing more happens without a person.
#[allow(clippy::too_many_arguments)]
async fn render(
    desk: &Desk,
    mode: ConnectionMode,
    reference: &str,
    ask: RenderAsk,
    yes: bool,
    wait: bool,
    waiting: Waiting,
    json: bool,
) -> Result<Exit, CliError> {
    on_engine(desk, mode, async |engine| {
        let started = desk.project_render(reference, ask, yes).await?;
        eprintln!(
            "{}: estimated {} credits; {} take(s) sent",
            started.project.name, started.estimate.estimated_credits, started.sent
        );
        let id = started.project.id.clone();
        let project = if wait {
            drive(desk, engine, &id, waiting).await?
        } else {
            // What went out is followed until the service has it; chained shots go
            // out when the take they follow is ready (the app, or this again, sends them).
            let sending: Vec<String> = started
                .project
                .shots
                .iter()
                .flat_map(|s| &s.takes)
                .filter(|t| matches!(t.status, Some(JobState::Queued | JobState::Submitting)))
                .map(|t| t.job_id.clone())
                .collect();
            follow_jobs(engine, &sending, false, waiting).await?;
            desk.project_show(&id).await?
        };
        show(&project, json, None);
        let failed = project.shots.iter().any(|s| s.status == ShotStatus::Failed);
        Ok(if failed {
            Exit::JobFailed
        } else {
            Exit::Success
        })
    })
    .await
}

/// Drives a project's render until it is settled, saying each shot's changes on stderr.
async fn drive(
    desk: &Desk,
    engine: &studio::Engine,
    id: &str,
    waiting: Waiting,
) -> Result<ProjectView, CliError> {
    let deadline = waiting
        .timeout
        .map(|t| tokio::time::Instant::now() + Duration::from_secs(t));
    let mut events = engine.subscribe();
    let mut seen: HashMap<u32, ShotStatus> = HashMap::new();
    let mut said_needs: HashMap<u32, String> = HashMap::new();
    let mut progress = Progress::new();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let outlook = desk.project_step(id).await?;
        let project = desk.project_show(id).await?;
        for shot in &project.shots {
            if seen.insert(shot.index, shot.status) != Some(shot.status) {
                let status = serde_json::to_value(shot.status).expect("a status serialises");
                progress.note(&format!(
                    "shot {} ({}): {}",
                    shot.index,
                    shot.title,
                    status.as_str().unwrap_or_default()
                ));
            }
            match &shot.needs {
                Some(need) if said_needs.get(&shot.index) != Some(&need.message) => {
                    progress.note(&format!("shot {}: {}", shot.index, need.message));
                    said_needs.insert(shot.index, need.message.clone());
                }
                _ => {}
            }
        }
        if outlook.settled() {
            progress.finish();
            return Ok(project);
        }
        let until_deadline = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = async { while let Ok(e) = events.recv().await { if e.is_change() { break; } } } => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = &mut ctrl_c => {
                progress.finish();
                return Err(CliError::interrupted(
                    "Interrupted. The render is safe: `seedance project render` again (or the app) goes on without paying twice.",
                ));
            }
            _ = until_deadline => {
                progress.finish();
                return Err(CliError::interrupted(
                    "Timed out while waiting. The render is safe: `seedance project render` again (or the app) goes on without paying twice.",
                ));
            }
        }
    }
}

fn show(project: &ProjectView, json: bool, imported_from: Option<&Path>) {
    if json {
        print_json(project);
        return;
    }
    if let Some(file) = imported_from {
        println!(
            "Imported {} from {} as {}",
            project.name,
            file.display(),
            project.id
        );
    } else {
        println!("{} ({})", project.name, project.id);
    }
    let budget = project
        .budget
        .map_or("no budget".to_string(), |b| format!("budget {b}"));
    println!("spent {} credits ({budget})", project.spent);
    for shot in &project.shots {
        print_shot(shot);
    }
}

fn print_shot(shot: &ShotView) {
    let chain = match shot.chain.as_str() {
        "none" => String::new(),
        other => format!("  [chain: {other}]"),
    };
    let status = serde_json::to_value(shot.status).expect("a status serialises");
    println!(
        "  {:>2}. {}  {}{chain}",
        shot.index,
        if shot.title.is_empty() {
            "(untitled)"
        } else {
            &shot.title
        },
        status.as_str().unwrap_or_default()
    );
    if let Some(need) = &shot.needs {
        println!("      needs: {}", need.message);
    }
    for take in &shot.takes {
        let state = take.status.map_or("deleted", |s| s.as_str());
        let mark = if take.selected { "*" } else { " " };
        println!("      {mark} {}  {state}", take.job_id);
    }
}
