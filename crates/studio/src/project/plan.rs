//! What a project's render sends next, worked out from what is stored and nothing else, so
//! any process can work it out again after a crash, or at the same time as another, and
//! reach the same takes: each has a submission id made from what it is (project, shot,
//! take, attempt, source), which the engine turns into one job however often it is asked.
//!
//! A shot's takes are numbered 1..N ("slots"); a slot whose last paid attempt failed gets
//! another attempt while it has attempts left, else the shot needs a person. A chained shot
//! waits for the previous shot's selected take to be ready, and its takes are made from
//! that take (its "source"): once a person selects another, they are stale, kept, and no
//! longer count, so rendering again makes fresh ones. Once a render has done all it was
//! asked, it is turned off (`records::finish_render`): a take picked or rejected later
//! sends nothing until a person renders again.

use super::Chain;
use super::records::{Project, Shot, Take};
use crate::job::JobState;

/// One take to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub shot_id: String,
    pub position: i64,
    pub slot: i64,
    pub attempt: i64,
    /// The previous shot's take it is chained from.
    pub source_job: Option<String>,
    pub submission_id: String,
}

/// Where a render stands, and what to send now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outlook {
    pub steps: Vec<Step>,
    /// Shots (positions) waiting for the take they are chained from.
    pub waiting: Vec<i64>,
    /// Shots (positions) whose takes used up their attempts: they need a person.
    pub exhausted: Vec<i64>,
    /// Chained shots (positions) that cannot go out: the shot before has no ready take
    /// and nothing on the way to one.
    pub blocked: Vec<i64>,
    /// Takes of the project in flight.
    pub in_flight: usize,
}

impl Outlook {
    /// Nothing more will happen without a person: nothing to send, in flight or waiting.
    pub fn settled(&self) -> bool {
        self.steps.is_empty() && self.in_flight == 0 && self.waiting.is_empty()
    }
}

fn in_flight(take: &Take) -> bool {
    take.state.is_some_and(|s| {
        matches!(
            s,
            JobState::Draft
                | JobState::Queued
                | JobState::Submitting
                | JobState::Processing
                | JobState::Downloading
        )
    })
}

/// A take that stands: in flight, or ready and not rejected.
fn stands(take: &Take) -> bool {
    !take.rejected && (in_flight(take) || take.state == Some(JobState::Ready))
}

/// The takes of a shot made from `source` (for an unchained shot, all of them).
pub fn current<'a>(shot: &Shot, own: &[&'a Take], source: Option<&str>) -> Vec<&'a Take> {
    own.iter()
        .filter(|t| shot.chain == Chain::None || t.source_job.as_deref() == source)
        .copied()
        .collect()
}

/// The take a shot uses: the one a person picked, else its first ready one.
pub fn selected<'a>(shot: &Shot, takes: &[&'a Take]) -> Option<&'a Take> {
    if let Some(picked) = &shot.selected_job
        && let Some(take) = takes.iter().find(|t| &t.job_id == picked)
    {
        return Some(take);
    }
    takes
        .iter()
        .find(|t| !t.rejected && t.state == Some(JobState::Ready))
        .copied()
}

/// The id that makes a take one job, whoever asks for it and however often.
fn submission_id(
    project: &str,
    shot: &str,
    slot: i64,
    attempt: i64,
    source: Option<&str>,
) -> String {
    let what = format!("{project}/{shot}/{slot}/{attempt}/{}", source.unwrap_or(""));
    let digest = ring::digest::digest(&ring::digest::SHA256, what.as_bytes());
    format!("take-{}", &crate::random::hex(digest.as_ref())[..40])
}

/// What `project`'s render sends next, given its shots (in order) and every take.
pub fn next(project: &Project, shots: &[Shot], takes: &[Take]) -> Outlook {
    let mut out = Outlook {
        in_flight: takes.iter().filter(|t| in_flight(t)).count(),
        ..Outlook::default()
    };
    if !project.rendering() {
        return out;
    }
    let mut room = project.render_concurrency.map_or(usize::MAX, |c| {
        (c.max(1) as usize).saturating_sub(out.in_flight)
    });
    let scope = if project.render_scope == "canary" {
        1
    } else {
        shots.len()
    };
    // The previous shot's selected take, when ready: what the next chained shot comes from;
    // and whether the previous shot is on its way to one (sending, in flight, waiting).
    let mut previous: Option<String> = None;
    let mut previous_coming = false;
    for shot in shots.iter().take(scope) {
        let own: Vec<&Take> = takes.iter().filter(|t| t.shot_id == shot.id).collect();
        let source = match shot.chain {
            Chain::None => None,
            _ => match previous.take() {
                Some(job) => Some(job),
                None => {
                    if previous_coming {
                        out.waiting.push(shot.position);
                    } else {
                        out.blocked.push(shot.position);
                    }
                    continue;
                }
            },
        };
        // A take wanted now, sent or held back by the concurrency.
        let mut wanted = false;
        let current = current(shot, &own, source.as_deref());
        for slot in 1..=project.render_takes {
            let mut attempts: Vec<&Take> =
                current.iter().filter(|t| t.slot == slot).copied().collect();
            attempts.sort_by_key(|t| t.attempt);
            let attempt = match attempts.last() {
                None => 1,
                Some(last) if stands(last) => continue,
                Some(last) => {
                    // A rejected take was paid for and delivered: it is no failed attempt.
                    let failed = attempts.iter().filter(|t| !t.rejected).count() as i64;
                    if failed >= project.render_max_attempts {
                        if !out.exhausted.contains(&shot.position) {
                            out.exhausted.push(shot.position);
                        }
                        continue;
                    }
                    last.attempt + 1
                }
            };
            wanted = true;
            if room == 0 {
                continue;
            }
            room -= 1;
            out.steps.push(Step {
                shot_id: shot.id.clone(),
                position: shot.position,
                slot,
                attempt,
                submission_id: submission_id(
                    &project.id,
                    &shot.id,
                    slot,
                    attempt,
                    source.as_deref(),
                ),
                source_job: source.clone(),
            });
        }
        previous = selected(shot, &current)
            .filter(|t| t.state == Some(JobState::Ready))
            .map(|t| t.job_id.clone());
        previous_coming = wanted || current.iter().any(|t| in_flight(t));
    }
    out
}

#[cfg(test)]
mod tests;
