//! `seedance project …`: projects through the desk, with `--json` giving the desk's views
//! as they are (the contract scripts and agents are written against).

use std::path::Path;

use serde_json::json;
use studio::desk::{ProjectView, ShotView};
use studio::{ConnectionMode, Desk};

use crate::args::ProjectCommand;
use crate::exit::{CliError, Exit};
use crate::output::print_json;

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
        ProjectCommand::Export { project, file } => {
            desk.project_export_in(mode, &project, &file).await?;
            if json {
                print_json(&json!({ "project": project, "file": file }));
            } else {
                println!("Wrote {} to {}", project, file.display());
            }
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
    for take in &shot.takes {
        let state = take.status.map_or("deleted", |s| s.as_str());
        let mark = if take.selected { "*" } else { " " };
        println!("      {mark} {}  {state}", take.job_id);
    }
}
