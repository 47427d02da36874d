//! `seedance generate` and `seedance batch`: validate everything first (every problem
//! listed, nothing sent on any), estimate the cost, then submit through the engine's outbox
//! and follow the jobs within the account's request budget.

use std::path::Path;

use serde::Serialize;
use serde_json::json;
use studio::desk::{ClipDuration, GenerationRequest, Mode, Problem, SubmitOptions};
use studio::estimate::Estimate;
use studio::{ConnectionMode, Desk, Job, JobState};

use crate::args::{Generate, Waiting};
use crate::exit::{CliError, Exit};
use crate::follow::{follow_jobs, on_engine};
use crate::output::{JobView, RequestView, job_details, job_line, print_json};

/// The request the flags describe, and the problems found while reading the flags.
/// Omitted flags take the API's defaults, except the mode, which follows the references
/// (media references: media-to-video; a start frame: image-to-video).
fn request_from(g: &Generate) -> (GenerationRequest, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut r = GenerationRequest::text(g.prompt.clone());
    r.mode = g
        .mode
        .unwrap_or_else(|| mode_for(g.image.is_some(), !g.media.is_empty()));
    if let Some(v) = g.tier {
        r.quality_tier = v;
    }
    if let Some(v) = g.channel {
        r.channel = v;
    }
    if let Some(v) = g.aspect {
        r.aspect_ratio = v;
    }
    if let Some(secs) = g.duration {
        match ClipDuration::new(secs) {
            Some(d) => r.duration = d,
            None => problems.push(Problem::new(
                "duration",
                format!("must be 4 to 15 seconds; got {secs}"),
            )),
        }
    }
    if let Some(v) = g.resolution {
        r.resolution = v;
    }
    r.image_url = g.image.clone();
    r.end_image_url = g.end_image.clone();
    r.media_urls = g.media.clone();
    r.generate_audio = !g.no_audio;
    r.fixed_lens = g.fixed_lens;
    r.seed = g.seed;
    (r, problems)
}

/// The mode a request without one takes: media-to-video with media references,
/// image-to-video with a start frame, else text-to-video.
pub fn mode_for(start_frame: bool, media: bool) -> Mode {
    match (media, start_frame) {
        (true, _) => Mode::MediaToVideo,
        (false, true) => Mode::ImageToVideo,
        (false, false) => Mode::TextToVideo,
    }
}

#[derive(Serialize)]
pub struct DryRun {
    body: serde_json::Value,
    request: RequestView,
    estimate: Estimate,
}

pub fn dry_run_of(request: &GenerationRequest, body: &[u8], estimate: Estimate) -> DryRun {
    DryRun {
        body: serde_json::from_slice(body).expect("the body is JSON"),
        request: RequestView::from(request),
        estimate,
    }
}

/// For several jobs, a refused submission is one more failed job.
pub fn batch_exit(exit: Exit) -> Exit {
    match exit {
        Exit::ApiRefused => Exit::JobFailed,
        other => other,
    }
}

pub async fn generate(
    desk: &Desk,
    mode: ConnectionMode,
    g: Generate,
    json: bool,
) -> Result<Exit, CliError> {
    let (request, mut problems) = request_from(&g);
    let checked = desk
        .validate_offline(mode, &[(String::new(), request.clone())])
        .await;
    let body = match checked {
        Ok(mut bodies) if problems.is_empty() => bodies.remove(0),
        Ok(_) => return Err(CliError::problems("The request is invalid", problems)),
        Err(found) => {
            problems.extend(found);
            return Err(CliError::problems("The request is invalid", problems));
        }
    };
    let estimate = desk
        .estimates(mode, std::slice::from_ref(&request))
        .await?
        .remove(0);
    if g.dry_run {
        let dry = dry_run_of(&request, &body, estimate);
        if json {
            print_json(&dry);
        } else {
            println!("{}", serde_json::to_string_pretty(&dry.body).unwrap());
            println!("cost: {}", dry.estimate.describe());
            println!("Nothing was sent (--dry-run).");
        }
        return Ok(Exit::Success);
    }
    // Above the spend guard nothing starts, unless --yes.
    desk.may_spend(estimate.credits, None, g.yes).await?;
    for warning in studio::desk::lint_prompt(&request) {
        eprintln!("note: {}", warning.message);
    }
    let options = SubmitOptions {
        confirmed_spend: g.yes,
        ..SubmitOptions::default()
    };
    let (jobs, exit) = on_engine(desk, mode, async |engine| {
        let job = desk.submit(&request, options).await?;
        eprintln!("{}: queued ({})", job.id, estimate.describe());
        follow_jobs(engine, std::slice::from_ref(&job.id), g.wait, g.waiting).await
    })
    .await?;
    print_jobs(&jobs, json, true);
    Ok(exit)
}

/// Prints jobs: a JSON object (one job) or array, or lines (details when `detailed`).
pub fn print_jobs(jobs: &[Job], json: bool, detailed: bool) {
    if json {
        let views: Vec<JobView> = jobs.iter().map(JobView::from).collect();
        if views.len() == 1 {
            print_json(&views[0]);
        } else {
            print_json(&views);
        }
    } else {
        for job in jobs {
            if detailed {
                print!("{}", job_details(job));
            } else {
                println!("{}", job_line(job));
            }
        }
    }
}

/// Reads and checks every line of a batch file. Blank lines and lines starting with `#`
/// are skipped; every other line must be one JSON request with the API's field names.
async fn read_batch(
    path: &Path,
    desk: &Desk,
    mode: ConnectionMode,
) -> Result<Vec<(usize, GenerationRequest, Vec<u8>)>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::invalid(format!("{}: {e}", path.display())))?;
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line) {
            Err(message) => problems.push(Problem::new(format!("line {n}"), message)),
            Ok(request) => parsed.push((n, request)),
        }
    }
    let labelled: Vec<(String, GenerationRequest)> = parsed
        .iter()
        .map(|(n, r)| (format!("line {n}"), r.clone()))
        .collect();
    let mut good = Vec::new();
    match desk.validate_offline(mode, &labelled).await {
        Ok(bodies) => good.extend(
            parsed
                .into_iter()
                .zip(bodies)
                .map(|((n, request), body)| (n, request, body)),
        ),
        Err(found) => problems.extend(found),
    }
    if !problems.is_empty() {
        return Err(CliError::problems(
            &format!("{} has invalid requests", path.display()),
            problems,
        ));
    }
    if good.is_empty() {
        return Err(CliError::invalid(format!(
            "{} has no requests (one JSON object per line)",
            path.display()
        )));
    }
    Ok(good)
}

/// The API's request fields; anything else on a line is a mistake worth reporting.
const FIELDS: &[&str] = &[
    "mode",
    "quality_tier",
    "channel",
    "prompt",
    "aspect_ratio",
    "duration",
    "resolution",
    "image_url",
    "end_image_url",
    "media_urls",
    "generate_audio",
    "fixed_lens",
    "seed",
];

fn parse_line(line: &str) -> Result<GenerationRequest, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let object = value
        .as_object()
        .ok_or("must be a JSON object with the API's field names")?;
    if let Some(unknown) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field {unknown:?}; the fields are {}",
            FIELDS.join(", ")
        ));
    }
    if object.get("duration").is_some_and(|d| !d.is_string()) {
        return Err("duration is a string of seconds on the wire, e.g. \"duration\":\"8\"".into());
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[derive(Serialize)]
struct BatchSummary {
    jobs: Vec<JobView>,
    total: usize,
    ready: usize,
    failed: usize,
    unfinished: usize,
    credits_used: i64,
    credits_refunded: i64,
}

/// How a batch is sent.
pub struct BatchOptions {
    pub wait: bool,
    pub dry_run: bool,
    pub max_credits: Option<u64>,
    /// Passes the spend guard (for the batch's estimate as a whole), nothing else.
    pub yes: bool,
    pub waiting: Waiting,
}

pub async fn batch(
    desk: &Desk,
    mode: ConnectionMode,
    file: &Path,
    options: BatchOptions,
    json: bool,
) -> Result<Exit, CliError> {
    let BatchOptions {
        wait,
        dry_run,
        max_credits,
        yes,
        waiting,
    } = options;
    let requests = read_batch(file, desk, mode).await?;
    let all: Vec<GenerationRequest> = requests.iter().map(|(_, r, _)| r.clone()).collect();
    let estimates = desk.estimates(mode, &all).await?;
    let total: u64 = estimates.iter().map(|e| e.credits).sum();
    // The batch is one act of spending: its total meets the money rules (a dry run sends
    // nothing, so only --max-credits applies to it).
    desk.may_spend(total, max_credits, yes || dry_run)
        .await
        .map_err(|e| {
            CliError::from(studio::DeskError {
                message: format!("The batch of {} renders: {}", requests.len(), e.message),
                ..e
            })
        })?;
    if dry_run {
        let items: Vec<DryRun> = requests
            .iter()
            .zip(estimates)
            .map(|((_, request, body), e)| dry_run_of(request, body, e))
            .collect();
        if json {
            print_json(&json!({ "requests": items, "estimated_credits": total }));
        } else {
            for ((n, _, body), item) in requests.iter().zip(&items) {
                println!(
                    "line {n}: {}  ({})",
                    String::from_utf8_lossy(body),
                    item.estimate.describe()
                );
            }
            println!(
                "{} requests, about {total} credits in all. Nothing was sent (--dry-run).",
                items.len()
            );
        }
        return Ok(Exit::Success);
    }

    let (jobs, exit) = on_engine(desk, mode, async |engine| {
        let ids: Vec<String> = desk
            .submit_all(&all)
            .await?
            .into_iter()
            .map(|j| j.id)
            .collect();
        eprintln!("{} jobs queued (about {total} credits)", ids.len());
        follow_jobs(engine, &ids, wait, waiting).await
    })
    .await?;
    let count = |f: &dyn Fn(JobState) -> bool| jobs.iter().filter(|j| f(j.state())).count();
    let summary = BatchSummary {
        total: jobs.len(),
        ready: count(&|s| s == JobState::Ready),
        failed: count(&|s| {
            matches!(
                s,
                JobState::Failed | JobState::Expired | JobState::NeedsAttention
            )
        }),
        unfinished: count(&|s| s.is_active()),
        credits_used: jobs.iter().filter_map(|j| j.credits_used).sum(),
        credits_refunded: jobs.iter().filter_map(|j| j.credits_refunded).sum(),
        jobs: jobs.iter().map(JobView::from).collect(),
    };
    if json {
        print_json(&summary);
    } else {
        for job in &jobs {
            println!("{}", job_line(job));
        }
        println!(
            "{} jobs: {} ready, {} failed, {} still rendering; {} credits used, {} refunded",
            summary.total,
            summary.ready,
            summary.failed,
            summary.unfinished,
            summary.credits_used,
            summary.credits_refunded
        );
    }
    Ok(batch_exit(exit))
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    #[test]
    fn lines_use_the_api_field_names_and_nothing_else() {
        let r =
            parse_line(r#"{"prompt":"a lighthouse in fog","duration":"8","quality_tier":"pro"}"#)
                .unwrap();
        assert_eq!(r.duration.seconds(), 8);
        assert_eq!(r.quality_tier.as_str(), "pro");
        let err = parse_line(r#"{"prompt":"a lighthouse","tier":"pro"}"#).unwrap_err();
        assert!(err.contains("unknown field \"tier\""), "{err}");
        assert!(parse_line("[1,2]").unwrap_err().contains("JSON object"));
        assert!(parse_line("{oops").unwrap_err().starts_with("not JSON"));
        let err = parse_line(r#"{"prompt":"a lighthouse","duration":8}"#).unwrap_err();
        assert!(err.contains(r#""duration":"8""#), "{err}");
    }
}
