//! The tools: each reads its arguments with every problem by field (nothing is sent when
//! there is one), calls one desk verb, and answers with the views `seedance … --json`
//! prints. Money goes through the desk, which holds the allowance.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, JsonObject};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, tool, tool_router};
use serde_json::json;
use studio::desk::{Action, EditTargets, SubmitOptions};
use studio::project::records::RenderAsk;

use super::args::{
    EstimateArgs, GenerateArgs, JobArgs, ProjectArgs, ProjectAssembleArgs, ProjectImportArgs,
    ProjectRenderArgs, ProjectSelectArgs, SearchArgs, WaitArgs, count_in,
};
use super::wire::{Problems, read};
use super::{Server, Waited, answer, invalid, refusal};
use crate::follow::Until;
use crate::output::JobView;

type ToolResult = Result<CallToolResult, ErrorData>;

/// Reads `$arguments` as `$ty`, or answers with its problems.
macro_rules! arguments {
    ($ty:ty, $arguments:expr) => {
        match read::<$ty>($arguments) {
            Ok(read) => read,
            Err(problems) => return Ok(invalid(problems.0)),
        }
    };
}

/// The value of a desk verb, or its refusal as the tool's answer.
macro_rules! desk {
    ($call:expr) => {
        match $call {
            Ok(value) => value,
            Err(error) => return Ok(refusal(error)),
        }
    };
}

/// The schema of `T` with `required` fields named.
fn schema_requiring<T: schemars::JsonSchema + 'static>(required: &[&str]) -> Arc<JsonObject> {
    let mut schema = (*rmcp::handler::server::common::schema_for_type::<T>()).clone();
    schema.insert("required".into(), json!(required));
    Arc::new(schema)
}

fn job_args(arguments: JsonObject) -> Result<String, CallToolResult> {
    let (args, mut problems) = read::<JobArgs>(arguments).map_err(|p| invalid(p.0))?;
    let id = problems.require("job_id", args.job_id);
    match id {
        Some(id) if problems.0.is_empty() => Ok(id),
        _ => Err(invalid(problems.0)),
    }
}

#[tool_router(vis = "pub(super)")]
impl Server {
    #[tool(
        description = "What a render (a request in the API's field names) or a project's render (`project`, `takes`) would cost, in credits, and what this server's allowance leaves. Nothing is sent. A request is checked as generate checks it: every problem comes back by field.",
        input_schema = rmcp::handler::server::common::schema_for_type::<EstimateArgs>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn estimate(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let (args, mut problems) = arguments!(EstimateArgs, arguments);
        let allowance = self.desk.allowance();
        let project = problems.take("project", args.project);
        if let Some(project) = project {
            let takes = count_in(&mut problems, "takes", args.takes, 1, 1..=10);
            if !args.request.is_empty() {
                problems.push(
                    "project",
                    "estimate a project or a request, not both: give project (and takes) alone",
                );
            }
            if !problems.0.is_empty() {
                return Ok(invalid(problems.0));
            }
            let estimate = desk!(
                self.desk
                    .project_estimate_in(self.mode, &project, takes)
                    .await
            );
            let mut value = serde_json::to_value(&estimate).expect("an estimate serialises");
            value["allowance"] = json!(allowance);
            return Ok(answer(&value, None));
        }
        let request = args.request.request(&mut problems);
        let body = match self.checked(&request, problems).await {
            Ok(body) => body,
            Err(result) => return Ok(result),
        };
        let estimate = desk!(
            self.desk
                .estimates(self.mode, std::slice::from_ref(&request))
                .await
        )
        .remove(0);
        let credits = estimate.credits;
        let dry = crate::commands::generate::dry_run_of(&request, &body, estimate);
        let mut value = serde_json::to_value(&dry).expect("a dry run serialises");
        value["allowance"] = json!(allowance);
        let within = allowance.is_none_or(|a| credits <= a.remaining);
        value["within_allowance"] = json!(within);
        Ok(answer(&value, None))
    }

    #[tool(
        description = "Submit one render (a request in the API's field names). Everything is checked first, and every problem comes back by field with nothing sent; a render above what this server may still spend is refused with the figures (rule: allowance). Answers with the job once the service has it (status processing); then call `wait`. Set `submission_id` so that calling again never renders or charges twice.",
        input_schema = schema_requiring::<GenerateArgs>(&["prompt"]),
        annotations(destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn generate(
        &self,
        Parameters(arguments): Parameters<JsonObject>,
        ctx: RequestContext<RoleServer>,
    ) -> ToolResult {
        let (args, mut problems) = arguments!(GenerateArgs, arguments);
        let submission_id = problems.take("submission_id", args.submission_id);
        let request = args.request.request(&mut problems);
        if let Err(result) = self.checked(&request, problems).await {
            return Ok(result);
        }
        let options = SubmitOptions {
            submission_id: submission_id.as_deref(),
            ..SubmitOptions::default()
        };
        let job = desk!(self.desk.submit(&request, options).await);
        let notes: Vec<String> = studio::desk::lint_prompt(&request)
            .into_iter()
            .map(|w| format!("Advice: {}", w.message))
            .collect();
        let (job, _) = desk!(
            self.watch(&job.id, Until::Submitted, Duration::from_secs(25), &ctx)
                .await
        );
        let mut note = format!(
            "{}: {}. Call wait with this job_id until it is ready.",
            job.id,
            crate::follow::describe(&job)
        );
        for n in notes {
            note.push('\n');
            note.push_str(&n);
        }
        Ok(answer(&JobView::from(&job), Some(note)))
    }

    #[tool(
        description = "Where a job stands now (queued, submitting, processing, downloading, ready, failed, expired, needs_attention), with its files once ready.",
        input_schema = schema_requiring::<JobArgs>(&["job_id"]),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn status(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let id = match job_args(arguments) {
            Ok(id) => id,
            Err(result) => return Ok(result),
        };
        Ok(answer(&desk!(self.view(&id).await), None))
    }

    #[tool(
        description = "Wait for a job to finish, up to timeout_s (at most 25 s), with progress notifications; answers with the job either way. While its status is still queued, submitting, processing or downloading, call wait again. Cancelling a wait leaves the job running.",
        input_schema = schema_requiring::<WaitArgs>(&["job_id"]),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn wait(
        &self,
        Parameters(arguments): Parameters<JsonObject>,
        ctx: RequestContext<RoleServer>,
    ) -> ToolResult {
        let (args, mut problems) = arguments!(WaitArgs, arguments);
        let id = problems.require("job_id", args.job_id);
        let timeout = count_in(&mut problems, "timeout_s", args.timeout_s, 25, 1..=25);
        let Some(id) = id.filter(|_| problems.0.is_empty()) else {
            return Ok(invalid(problems.0));
        };
        let job = desk!(self.desk.find_in(self.mode, &id).await);
        let limit = Duration::from_secs(u64::from(timeout));
        let (job, waited) = desk!(self.watch(&job.id, Until::Finished, limit, &ctx).await);
        let note = match waited {
            Waited::Reached => format!("{}: {}", job.id, crate::follow::describe(&job)),
            Waited::TimeUp => format!(
                "{}: still {}; call wait again.",
                job.id,
                crate::follow::describe(&job)
            ),
            Waited::Cancelled => format!("{}: the wait was cancelled; the job goes on.", job.id),
        };
        Ok(answer(&JobView::from(&job), Some(note)))
    }

    #[tool(
        description = "Find renders in the library (the app's and every agent's), newest first, by words of the prompt and the library's filters (the same as `seedance list`).",
        input_schema = rmcp::handler::server::common::schema_for_type::<SearchArgs>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn search(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let (args, mut problems) = arguments!(SearchArgs, arguments);
        let (query, limit) = args.query(&mut problems);
        let filter = query
            .filter()
            .map_err(|found| problems.0.extend(found))
            .ok();
        let Some(filter) = filter.filter(|_| problems.0.is_empty()) else {
            return Ok(invalid(problems.0));
        };
        let jobs = desk!(self.desk.list_in(self.mode, &filter, limit).await);
        let views: Vec<JobView> = jobs.iter().map(JobView::from).collect();
        Ok(answer(
            &json!({ "count": views.len(), "jobs": views }),
            None,
        ))
    }

    #[tool(
        description = "Everything about one render: its request, its local files (also resources), the seed the service used, the credits, and the delivery check (what the video holds against what was asked).",
        input_schema = schema_requiring::<JobArgs>(&["job_id"]),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn show(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let id = match job_args(arguments) {
            Ok(id) => id,
            Err(result) => return Ok(result),
        };
        let job = desk!(self.view(&id).await);
        let mut result = answer(&job, None);
        result
            .content
            .extend(super::resources::links(&job).into_iter());
        Ok(result)
    }

    #[tool(
        description = "Render a failed job again: a new job and a new charge, within the allowance. A job whose first send's outcome is unknown may already have been charged: that needs the person (the app or `seedance retry --accept-double-charge`).",
        input_schema = schema_requiring::<JobArgs>(&["job_id"]),
        annotations(destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn retry(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let id = match job_args(arguments) {
            Ok(id) => id,
            Err(result) => return Ok(result),
        };
        let failed = desk!(self.desk.find_in(self.mode, &id).await);
        let job = desk!(self.desk.act(&failed.id, Action::Retry, true, false).await);
        Ok(answer(
            &desk!(self.view(&job.id).await),
            Some(format!(
                "{}: a new render of {}; call wait.",
                job.id, failed.id
            )),
        ))
    }

    #[tool(
        description = "Make a project from a storyboard file (.md, .csv or .json): its shots, each a request, chained from each other's last frames where the storyboard says so. Every problem is listed and nothing is made when there is one.",
        input_schema = schema_requiring::<ProjectImportArgs>(&["file"]),
        annotations(destructive_hint = false, open_world_hint = false)
    )]
    async fn project_import(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let (args, mut problems) = arguments!(ProjectImportArgs, arguments);
        let file = problems.require("file", args.file);
        let name = problems.take("name", args.name);
        let Some(file) = file.filter(|_| problems.0.is_empty()) else {
            return Ok(invalid(problems.0));
        };
        let project = desk!(
            self.desk
                .project_import_in(self.mode, &PathBuf::from(file), name.as_deref())
                .await
        );
        Ok(answer(&project, None))
    }

    #[tool(
        description = "A project's shots with their status, takes (job ids, ratings, which is selected) and what needs a person, with its budget and what it has spent.",
        input_schema = schema_requiring::<ProjectArgs>(&["project"]),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn project_show(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let (args, mut problems) = arguments!(ProjectArgs, arguments);
        let Some(project) = problems
            .require("project", args.project)
            .filter(|_| problems.0.is_empty())
        else {
            return Ok(invalid(problems.0));
        };
        Ok(answer(&desk!(self.desk.project_show(&project).await), None))
    }

    #[tool(
        description = "Render a project: its estimate is checked against the project's budget and this server's allowance first (either refuses with the figures, nothing sent). Unchained shots go out at once, chained ones as soon as the take they follow is ready; this server (and the app) sends them. Follow with project_show.",
        input_schema = schema_requiring::<ProjectRenderArgs>(&["project"]),
        annotations(destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn project_render(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let (args, mut problems) = arguments!(ProjectRenderArgs, arguments);
        let project = problems.require("project", args.project);
        let ask = RenderAsk {
            takes: count_in(&mut problems, "takes", args.takes, 1, 1..=10),
            canary: problems.take("canary", args.canary).unwrap_or(false),
            max_attempts: count_in(&mut problems, "max_attempts", args.max_attempts, 2, 1..=10),
            concurrency: match args.concurrency {
                None => None,
                some => Some(count_in(&mut problems, "concurrency", some, 1, 1..=100)),
            },
        };
        let Some(project) = project.filter(|_| problems.0.is_empty()) else {
            return Ok(invalid(problems.0));
        };
        let started = desk!(self.desk.project_render(&project, ask, false).await);
        let mut value = serde_json::to_value(&started).expect("a render start serialises");
        value["allowance"] = json!(self.desk.allowance());
        Ok(answer(&value, None))
    }

    #[tool(
        description = "Pick the take (a ready job) a shot uses in the cut; the shots chained from it become stale (render the project again for fresh takes).",
        input_schema = schema_requiring::<ProjectSelectArgs>(&["project", "shot", "job_id"]),
        annotations(destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn project_select(&self, Parameters(arguments): Parameters<JsonObject>) -> ToolResult {
        let (args, mut problems) = arguments!(ProjectSelectArgs, arguments);
        let project = problems.require("project", args.project);
        let shot = problems.require("shot", args.shot);
        let job = problems.require("job_id", args.job_id);
        let (Some(project), Some(shot), Some(job)) = (project, shot, job) else {
            return Ok(invalid(problems.0));
        };
        if !problems.0.is_empty() {
            return Ok(invalid(problems.0));
        }
        Ok(answer(
            &desk!(self.desk.project_select(&project, shot, &job).await),
            None,
        ))
    }

    #[tool(
        description = "Assemble the shots' selected takes, trimmed, into one MP4 on the project's canvas (and, if asked, the edit as OTIO, FCPXML or EDL pointing at the takes' files), with progress notifications. The cut becomes a render in the library. Cancelling leaves nothing behind.",
        input_schema = schema_requiring::<ProjectAssembleArgs>(&["project", "out"]),
        annotations(destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn project_assemble(
        &self,
        Parameters(arguments): Parameters<JsonObject>,
        ctx: RequestContext<RoleServer>,
    ) -> ToolResult {
        let (args, mut problems) = arguments!(ProjectAssembleArgs, arguments);
        let project = problems.require("project", args.project);
        let out = problems.require("out", args.out);
        let targets = EditTargets {
            otio: problems.take("otio", args.otio).map(PathBuf::from),
            fcpxml: problems.take("fcpxml", args.fcpxml).map(PathBuf::from),
            edl: problems.take("edl", args.edl).map(PathBuf::from),
        };
        let (Some(project), Some(out)) = (project, out) else {
            return Ok(invalid(problems.0));
        };
        if !problems.0.is_empty() {
            return Ok(invalid(problems.0));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        // Reports go out in order, and all of them before the answer.
        let (report, mut reports) =
            tokio::sync::mpsc::unbounded_channel::<studio::media::Progress>();
        let token = ctx.meta.get_progress_token();
        let peer = ctx.peer.clone();
        let forwarder = tokio::spawn(async move {
            while let Some(p) = reports.recv().await {
                if let Some(token) = &token {
                    let param =
                        rmcp::model::ProgressNotificationParam::new(token.clone(), p.done_s)
                            .with_total(p.total_s)
                            .with_message(format!("{:.1} of {:.1} s", p.done_s, p.total_s));
                    let _ = peer.notify_progress(param).await;
                }
            }
        });
        let on_progress = move |p: studio::media::Progress| {
            let _ = report.send(p);
        };
        let out = PathBuf::from(out);
        let mut assembling = Box::pin(self.desk.project_assemble_in(
            self.mode,
            &project,
            Some(&out),
            targets,
            on_progress,
            cancel.clone(),
        ));
        let made = tokio::select! {
            made = &mut assembling => made,
            _ = ctx.ct.cancelled() => {
                cancel.store(true, Ordering::SeqCst);
                let _ = assembling.await;
                forwarder.abort();
                return Ok(refusal(crate::exit::CliError::interrupted(
                    "Cancelled: nothing was written.",
                )));
            }
        };
        drop(assembling);
        let _ = forwarder.await;
        Ok(answer(&desk!(made), None))
    }
}

impl Server {
    /// Checks `request` (with the problems its fields already have) against the rules of
    /// this server's mode: its canonical body, or every problem as the tool's answer.
    async fn checked(
        &self,
        request: &studio::desk::GenerationRequest,
        mut problems: Problems,
    ) -> Result<Vec<u8>, CallToolResult> {
        let checked = self
            .desk
            .validate_offline(self.mode, &[(String::new(), request.clone())])
            .await;
        match checked {
            Ok(mut bodies) if problems.0.is_empty() => Ok(bodies.remove(0)),
            Ok(_) => Err(invalid(problems.0)),
            Err(found) => {
                // A field already refused is not refused again for its stand-in value.
                for p in found {
                    if !problems.0.iter().any(|q| q.field == p.field) {
                        problems.0.push(p);
                    }
                }
                Err(invalid(problems.0))
            }
        }
    }
}
