//! `seedance mcp`: the desk served to coding agents over the Model Context Protocol (stdio,
//! on the official Rust SDK), with the same data folder, keychain, request budget and
//! history as the app, so the person watches the agent's jobs arrive in the Queue and the
//! Library. It can never spend more than the person allowed when starting it: the desk
//! keeps that allowance and refuses, with the figures, any render that would pass it.
//!
//! Tools answer with the jobs as `seedance … --json` prints them (structured content), and
//! a refusal or an invalid request as a tool result with `isError` and
//! `{code, message, problems: [{field, message}]}`, so the agent can correct itself.
//! Stdout carries the protocol only; logs go to the log file.

mod args;
mod director;
mod resources;
mod tools;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use rmcp::handler::server::router::{prompt::PromptRouter, tool::ToolRouter};
use rmcp::model::{
    CallToolResult, ContentBlock, ProgressNotificationParam, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServiceExt};
use serde::Serialize;
use studio::desk::{DeskError, Problem};
use studio::{ConnectionMode, Desk, Job, JobEvent};
use tokio::sync::broadcast::error::RecvError;

use crate::exit::{CliError, Exit};
use crate::follow::{Until, describe};
use crate::output::JobView;

/// The server: the desk and the mode it runs in.
#[derive(Clone)]
pub struct Server {
    desk: Arc<Desk>,
    mode: ConnectionMode,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
}

/// Serves `desk` in `mode` over stdin and stdout until the client goes, with `max_credits`
/// as the allowance. The engine runs all along (jobs go on while the agent thinks), and
/// so does the driver of project renders.
pub async fn serve(desk: Desk, mode: ConnectionMode, max_credits: u64) -> Result<Exit, CliError> {
    desk.allow_spending(max_credits)?;
    desk.connect(mode).await?;
    let desk = Arc::new(desk);
    let driver = tokio::spawn({
        let desk = desk.clone();
        async move { desk.drive_projects().await }
    });
    let server = Server {
        desk: desk.clone(),
        mode,
        tool_router: Server::tool_router(),
        prompt_router: Server::prompt_router(),
    };
    tracing::info!(?mode, max_credits, "the MCP server starts");
    let served = match server.serve(rmcp::transport::stdio()).await {
        Ok(running) => running
            .waiting()
            .await
            .map(|_| ())
            .map_err(|e| CliError::local(format!("the MCP session ended: {e}"))),
        Err(e) => Err(CliError::local(format!(
            "the MCP session did not start: {e}"
        ))),
    };
    driver.abort();
    desk.close().await;
    served.map(|()| Exit::Success)
}

/// A tool's answer: `value` as structured content (and as JSON text), with `note` said
/// beside it for the agent to read.
fn answer(value: &impl Serialize, note: Option<String>) -> CallToolResult {
    let value = serde_json::to_value(value).expect("a view serialises");
    let mut result = CallToolResult::structured(value);
    if let Some(note) = note {
        result.content.push(ContentBlock::text(note));
    }
    result
}

/// A refusal or an invalid request: `isError` with `{code, message, problems}` (and the
/// figures of a money rule: `rule`, `estimated_credits`, `limit`).
fn refusal(error: impl Into<CliError>) -> CallToolResult {
    let error: CliError = error.into();
    let mut value = serde_json::to_value(&error).expect("an error serialises");
    let object = value.as_object_mut().expect("an error is an object");
    object.remove("exit_code");
    object
        .entry("problems")
        .or_insert_with(|| serde_json::json!([]));
    CallToolResult::structured_error(value)
}

/// Every problem of an agent's arguments, as one refusal; nothing was sent.
fn invalid(problems: Vec<Problem>) -> CallToolResult {
    refusal(DeskError::problems("The arguments are invalid", problems))
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waited {
    Reached,
    TimeUp,
    Cancelled,
}

impl Server {
    /// Follows job `id` until `until`, `limit` or the client's cancellation, whichever is
    /// first, telling the client each change as progress (when it asked for progress).
    /// Stopping the wait never touches the job: the engine goes on with it.
    async fn watch(
        &self,
        id: &str,
        until: Until,
        limit: Duration,
        ctx: &RequestContext<RoleServer>,
    ) -> Result<(Job, Waited), DeskError> {
        let engine = self.desk.engine().await?;
        let mut events = engine.subscribe();
        let token = ctx.meta.get_progress_token();
        let deadline = tokio::time::Instant::now() + limit;
        let mut step = 0.0;
        let mut said = String::new();
        loop {
            let job = engine
                .job(id)
                .await?
                .ok_or_else(|| DeskError::invalid("job_id", format!("No job {id}")))?;
            let now = describe(&job);
            if let Some(token) = &token
                && now != said
            {
                step += 1.0;
                let _ = ctx
                    .peer
                    .notify_progress(
                        ProgressNotificationParam::new(token.clone(), step)
                            .with_message(format!("{id}: {now}")),
                    )
                    .await;
                said = now;
            }
            if until.reached(job.state()) {
                return Ok((job, Waited::Reached));
            }
            tokio::select! {
                event = events.recv() => {
                    if let Ok(JobEvent::Progress(p)) = &event
                        && p.job_id == id
                        && let Some(token) = &token
                    {
                        step += 1.0;
                        let bytes = match p.total {
                            Some(total) => format!("{} of {total} bytes", p.done),
                            None => format!("{} bytes", p.done),
                        };
                        let _ = ctx.peer.notify_progress(
                            ProgressNotificationParam::new(token.clone(), step)
                                .with_message(format!("{id}: downloading {bytes}")),
                        ).await;
                    }
                    if matches!(event, Err(RecvError::Closed)) {
                        return Err(DeskError::internal("the engine stopped"));
                    }
                }
                // States are read again at least every second.
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = tokio::time::sleep_until(deadline) => return Ok((job, Waited::TimeUp)),
                _ = ctx.ct.cancelled() => return Ok((job, Waited::Cancelled)),
            }
        }
    }

    /// The job `reference` names, as `--json` shows it.
    async fn view(&self, reference: &str) -> Result<JobView, DeskError> {
        Ok(JobView::from(
            &self.desk.find_in(self.mode, reference).await?,
        ))
    }
}

#[rmcp::tool_handler(router = self.tool_router)]
#[rmcp::prompt_handler(router = self.prompt_router)]
impl rmcp::ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let allowance = self.desk.allowance().map_or(0, |a| a.limit);
        let mode = match self.mode {
            ConnectionMode::Live => "Live: renders are paid with the person's credits",
            ConnectionMode::Sandbox => "the Sandbox: sample clips, no credits",
        };
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(rmcp::model::Implementation::new(
            "seedance",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(format!(
            "Seedance Studio renders videos with the Seedance 2 API, in {mode}. The person watches these jobs in the app. \
             This server may spend {allowance} credits in all (estimated; --max-credits): a render that would pass it is refused with the figures and nothing is sent. \
             Work like this: `director` (prompt) to turn an idea into a directed prompt; `estimate` to price it (nothing sent); `generate` (set a submission_id) to submit; \
             `wait` again and again until the job is ready (each call returns within 25 s); `show` for its files, seed and delivery check. \
             `search` finds earlier renders; ready renders' videos and last frames are resources. Projects: `project_import` a storyboard, \
             `estimate` with project, `project_render`, `project_show`, `project_select`, `project_assemble`."
        ))
    }

    async fn list_resources(
        &self,
        request: Option<rmcp::model::PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourcesResult, rmcp::ErrorData> {
        resources::list(self, request.and_then(|r| r.cursor)).await
    }

    async fn read_resource(
        &self,
        request: rmcp::model::ReadResourceRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ReadResourceResponse, rmcp::ErrorData> {
        resources::read(self, &request.uri).await
    }
}
