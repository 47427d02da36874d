// The jobs the window shows, live from the engine's events (this app's and `seedance`
// commands' on the same data folder; the window never polls the service): one
// subscription for the whole window, read by the status bar's summary, the Queue tray and
// the workspace's feed of this session's renders.
import type { BudgetStatus, IpcError, JobSummary } from "./ipc";
import { budgetStatus, jobsRecent, onJobEvent } from "./ipc";
import type { JobState } from "./bindings";

/** States in which a job is still on its way (or waits for a person). */
export const ACTIVE: readonly JobState[] = ["queued", "submitting", "processing", "downloading", "needs_attention"];
/** States in which the service is working on it. */
export const RENDERING: readonly JobState[] = ["queued", "submitting", "processing", "downloading"];

export const live = $state({
  jobs: [] as JobSummary[],
  /** Download progress by job id, from the engine's events. */
  progress: {} as Record<string, { done: number; total: number | null }>,
  budget: null as BudgetStatus | null,
  error: null as IpcError | null,
  /** When this window started: its session's renders are the ones made since. */
  since: Date.now(),
});

let watching = false;
let reload: ReturnType<typeof setTimeout> | undefined;

/** Reads the recent jobs and the request budget again. */
export function reloadJobs(): void {
  jobsRecent(100).then(
    (list) => {
      live.jobs = list;
      live.error = null;
    },
    (e: IpcError) => (live.error = e),
  );
  budgetStatus().then(
    (b) => (live.budget = b),
    () => {},
  );
}

/** Starts following the engine's events, once for the window. */
export function watchJobs(): void {
  if (watching) return;
  watching = true;
  reloadJobs();
  onJobEvent((event) => {
    if (event.kind === "progress") {
      live.progress = { ...live.progress, [event.job_id]: { done: event.done, total: event.total } };
      return;
    }
    clearTimeout(reload);
    reload = setTimeout(reloadJobs, 100);
  });
}

/** What the status bar says of the queue. */
export interface QueueSummary {
  rendering: number;
  attention: number;
  /** Failed since the window started (older failures are the Library's). */
  failed: number;
}

export function summarise(jobs: readonly JobSummary[], since: number): QueueSummary {
  return {
    rendering: jobs.filter((j) => RENDERING.includes(j.state)).length,
    attention: jobs.filter((j) => j.state === "needs_attention").length,
    failed: jobs.filter((j) => (j.state === "failed" || j.state === "expired") && j.updated_at >= since).length,
  };
}

/** This session's renders, newest first: made since the window started. */
export function sessionRenders(jobs: readonly JobSummary[], since: number): JobSummary[] {
  return jobs.filter((j) => j.created_at >= since && j.kind !== "cut");
}
